"""The machine, the targets, and the results as JSON and as a table."""

from __future__ import annotations

import json
import os
import platform
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

BREAKDOWN_STEPS = 8  # slowest steps of the cold run shown in the table (all are in the JSON)
LIBRARIES = ("duckdb", "pandas", "numpy", "dagster", "great-expectations", "pydantic")


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory_gb = None
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        for line in meminfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 2**20, 1)
    versions: dict[str, str | None] = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_model": model or platform.processor() or "unknown",
        "memory_gb": memory_gb,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "libraries": versions,
    }


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


@dataclass(frozen=True)
class Target:
    name: str
    figure: float | None
    limit: float
    unit: str
    at_most: bool = True  # False: the figure must be at least the limit

    @property
    def met(self) -> bool | None:
        if self.figure is None:
            return None
        return self.figure <= self.limit if self.at_most else self.figure >= self.limit

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "figure": self.figure,
            "limit": self.limit,
            "unit": self.unit,
            "at_most": self.at_most,
            "met": self.met,
        }


def targets(results: dict[str, Any]) -> list[Target]:
    """The performance targets; ratios are of figures measured in the same benchmark run."""
    scoring = results.get("scoring", {})
    cli = results.get("cli", {})
    ref = results.get("reference", {})
    page = results.get("page", {})
    cpu_speedup = None
    if ref.get("pandas_cpu_seconds") and ref.get("duckdb_cpu_seconds"):
        cpu_speedup = ref["pandas_cpu_seconds"] / ref["duckdb_cpu_seconds"]
    kb = page.get("bytes")
    return [
        Target("cold one-deal run / import floor", cli.get("cold_ratio"), 1.4, "x"),
        Target("validate one deal / import floor", cli.get("validate_ratio"), 1.2, "x"),
        Target("rerun with no changed input", cli.get("rerun_seconds"), 0.5, "s"),
        Target("DuckDB speed-up over pandas (wall)", ref.get("speedup"), 5.0, "x", at_most=False),
        Target("DuckDB speed-up over pandas (CPU)", cpu_speedup, 3.0, "x", at_most=False),
        Target("portfolio scoring time", scoring.get("large", {}).get("seconds"), 1.5, "s"),
        Target("portfolio scoring peak memory", scoring.get("large", {}).get("peak_rss_mb"), 1024.0, "MB"),
        Target("scaling: time(10x deals) / time(1x)", scoring.get("scaling_ratio"), 11.0, "x"),
        Target("dashboard page without plotly.js", None if kb is None else kb / 1024, 250.0, "KB"),
        Target("dashboard: all charts drawn in Chromium", page.get("render_seconds"), 2.0, "s"),
    ]


def write_json(path: Path, results: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")


def _s(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f} s"


def _cpu(found: dict[str, Any], key: str = "cpu_seconds") -> str:
    return f"CPU {found[key]:.1f} s; " if found.get(key) is not None else ""


def _mb(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} MB"


def _status(met: bool | None, quick: bool) -> str:
    if met is None:
        return "[dim]n/a[/]"
    if quick:
        return "[dim]met (quick run)[/]" if met else "[dim]missed (quick run)[/]"
    return "[green]met[/]" if met else "[red]missed[/]"


def print_table(console: Console, results: dict[str, Any]) -> None:
    cfg = results["config"]
    quick = bool(cfg.get("quick"))
    scoring = results.get("scoring", {})
    large, small = scoring.get("large", {}), scoring.get("small", {})
    ref = results.get("reference", {})
    cli = results.get("cli", {})
    render = results.get("render", {})
    intake = results.get("intake", {})
    load = results.get("load", {})
    portfolio = results.get("portfolio", {})
    checks = {t.name: t for t in targets(results)}

    table = Table(
        title=f"dd-pipeline benchmark: {cfg['deals']:,} deals x {portfolio.get('dimensions', '?')} "
        f"dimensions x {cfg['respondents']} respondents per side",
        title_justify="left",
    )
    table.add_column("Measure")
    table.add_column("Figure", justify="right")
    table.add_column("Target", justify="right")
    table.add_column("", justify="left")

    def target_row(label: str, name: str, figure: str, target: str) -> None:
        table.add_row(label, figure, target, _status(checks[name].met, quick))

    table.add_row("Answer rows in the warehouse", f"{load.get('answer_rows', 0):,}", "", "")
    table.add_row(
        "Generate the portfolio (seeded)",
        "reused" if portfolio.get("reused") else _s(portfolio.get("seconds"), 1),
        "",
        "",
    )
    table.add_row("Bulk load into the warehouse (DuckDB read_csv)", _s(load.get("seconds"), 1), "", "")
    if intake.get("per_deal_seconds") is not None:
        table.add_row(
            f"Intake through the pipeline, per deal (mean of {intake.get('deals')})",
            _s(intake.get("per_deal_seconds")),
            "",
            "",
        )
        table.add_row(f"  projected for {cfg['deals']:,} deals", _s(intake.get("projected_seconds"), 0), "", "")
    target_row(
        f"Score {cfg['deals']:,} deals (score_deals, median of {len(large.get('samples', []))})",
        "portfolio scoring time",
        _cpu(large) + _s(large.get("seconds")),
        "<= 1.5 s",
    )
    target_row(
        "  peak memory of that process", "portfolio scoring peak memory", _mb(large.get("peak_rss_mb")), "< 1,024 MB"
    )
    table.add_row(f"Score {cfg['small_deals']:,} deals", _cpu(small) + _s(small.get("seconds")), "", "")
    ratio = scoring.get("scaling_ratio")
    target_row(
        f"Scaling: time({cfg['deals']:,}) / time({cfg['small_deals']:,})",
        "scaling: time(10x deals) / time(1x)",
        "-" if ratio is None else f"{ratio:.1f} x",
        "<= 11 x",
    )
    if scoring.get("scaling_ratio_cpu"):
        table.add_row("  the same ratio in CPU time", f"{scoring['scaling_ratio_cpu']:.1f} x", "", "")
    for table_name, seconds in scoring.get("steps", {}).items():
        table.add_row(f"  {table_name}", _s(seconds), "", "[dim]one run[/]")
    table.add_row(
        "pandas reference: gaps to findings and risk index",
        _cpu(ref, "pandas_cpu_seconds") + _s(ref.get("pandas_seconds")),
        "",
        "",
    )
    table.add_row(
        f"DuckDB: the same {len(ref.get('tables', ['gaps', 'category_scores', 'deal_scores']))} tables",
        _cpu(ref, "duckdb_cpu_seconds") + _s(ref.get("duckdb_seconds")),
        "",
        "",
    )
    speedup = ref.get("speedup")
    target_row(
        "  DuckDB speed-up, wall time",
        "DuckDB speed-up over pandas (wall)",
        "-" if speedup is None else f"{speedup:.1f} x",
        ">= 5 x",
    )
    cpu_speedup = checks["DuckDB speed-up over pandas (CPU)"].figure
    target_row(
        "  DuckDB speed-up, CPU time",
        "DuckDB speed-up over pandas (CPU)",
        "-" if cpu_speedup is None else f"{cpu_speedup:.1f} x",
        ">= 3 x",
    )
    if ref:
        table.add_row("  same numbers", _equality_text(ref), "", "[green]yes[/]" if ref.get("equal") else "[red]NO[/]")
    table.add_row(
        f"Import floor: the stack's libraries in one process (median of {len(cli.get('floor_samples', []))})",
        _cpu(cli) + _s(cli.get("floor_seconds"), 1),
        "",
        "",
    )
    for label, name, limit in (
        ("Cold CLI run, one deal", "cold one-deal run / import floor", "<= 1.4 x"),
        ("Validate one deal (new process)", "validate one deal / import floor", "<= 1.2 x"),
    ):
        key = "cold" if label.startswith("Cold") else "validate"
        ratio = cli.get(f"{key}_ratio")
        cpu_ratio = cli.get(f"{key}_cpu_ratio")
        target_row(
            f"{label}: {_cpu(cli, f'{key}_cpu_seconds')}{_s(cli.get(f'{key}_seconds'), 1)}",
            name,
            "-" if ratio is None else f"{ratio:.2f} x floor (CPU {cpu_ratio:.2f} x)",
            limit,
        )
    table.add_row("  peak memory of the cold run", _mb(cli.get("cold_peak_rss_mb")), "", "")
    breakdown = cli.get("cold_breakdown") or {}
    if breakdown:
        table.add_row(
            f"  first run: {breakdown['dagster_runs']} Dagster runs (all their steps)",
            _s(breakdown["in_runs_seconds"], 1),
            "",
            "",
        )
        for step, seconds in list(breakdown["steps"].items())[:BREAKDOWN_STEPS]:
            table.add_row(f"    {step}", _s(seconds), "", "")
        table.add_row(
            "  first run: outside Dagster runs (start-up, imports)", _s(breakdown["outside_runs_seconds"], 1), "", ""
        )
    for label, found in results.get("startup", {}).items():
        table.add_row(f"  {label} (new process)", _s(found.get("seconds")), "", "")
    target_row(
        "Rerun, nothing changed (new process)",
        "rerun with no changed input",
        _cpu(cli, "rerun_cpu_seconds") + _s(cli.get("rerun_seconds"), 2),
        "<= 0.5 s",
    )
    table.add_row("Run after one answer was corrected (new process)", _s(cli.get("changed_seconds"), 1), "", "")
    table.add_row("Render clauses (md, json, docx)", _s(render.get("clauses_seconds"), 3), "", "")
    table.add_row("Render launch plan (csv, xlsx, ics)", _s(render.get("plan_seconds"), 3), "", "")
    dashboard = render.get("dashboard_seconds")
    table.add_row(
        "Render dashboard",
        _s(dashboard, 3) if dashboard is not None else "n/a",
        "",
        f"[dim]{render.get('dashboard_note', '')}[/]",
    )
    page = results.get("page", {})
    if page:
        target_row(
            f"Dashboard page ({page.get('charts')} charts), without the shared plotly.js",
            "dashboard page without plotly.js",
            f"{page['bytes'] / 1024:,.0f} KB",
            "<= 250 KB",
        )
        target_row(
            "  every chart drawn in headless Chromium (from navigation)",
            "dashboard: all charts drawn in Chromium",
            _s(page.get("render_seconds"), 2) if page.get("render_seconds") is not None else page.get("note", "-"),
            "< 2 s",
        )
    console.print(table)
    m = results["machine"]
    console.print(
        f"Machine: {m['cpus']} CPUs ({m['cpu_model']}), {m['memory_gb']} GB memory, Python {m['python']}, "
        f"DuckDB {m['libraries'].get('duckdb')}, pandas {m['libraries'].get('pandas')}; "
        f"load average before/after: {results.get('load_average_before')} / "
        f"{results.get('load_average_after')}"
    )
    if quick:
        console.print(
            "[dim]Quick run: the targets are for 1,000 deals x 40 respondents; run without --quick to measure them.[/]"
        )
    for problem in results.get("problems", []):
        console.print(f"[red]x[/] {problem}")


def _equality_text(ref: dict[str, Any]) -> str:
    values = sum(t["values"] for t in ref.get("equality", []))
    ties = sum(t["rounding_ties"] for t in ref.get("equality", []))
    bad = sum(t["mismatches"] for t in ref.get("equality", []))
    text = f"{values:,} values"
    if ties:
        text += f", {ties} rounding ties"
    if bad:
        text += f", {bad} different"
    return text
