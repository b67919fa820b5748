"""python -m bench: generate (or reuse) the portfolio, run every measurement in its own process, report.

Measurements, in order: bulk load; scoring of the whole portfolio and of a tenth of it (median of
--repeat, each in a new process); seconds per scoring table; the pandas reference against DuckDB on the
same answers; the pipeline's intake on a sample of deals; `dd-pipeline run --deal X` as a cold process and
again with nothing changed, and again after one answer was corrected; rendering one deal's clauses, launch
plan and dashboard; the start-up costs every new process pays (imports, reading the playbook).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

from bench.report import load_average, machine, print_table, targets, write_json

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
DAGSTER_YAML = "telemetry:\n  enabled: false\n"


@dataclass(frozen=True)
class Options:
    deals: int
    small_deals: int
    respondents: int
    seed: int
    repeat: int
    cli_repeat: int
    intake_deals: int
    out: Path
    quick: bool
    show: Path | None = None

    @property
    def results_path(self) -> Path:
        return self.out / ("results-quick.json" if self.quick else "results.json")


def parse_options(argv: list[str]) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark dd-pipeline from one deal to a portfolio (writes results.json and prints a table).",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a small run (50 deals x 10 respondents, one sample each) to check that it works",
    )
    parser.add_argument("--deals", type=int, help="deals in the portfolio (default 1000; --quick 50)")
    parser.add_argument(
        "--small-deals",
        type=int,
        help="deals in the smaller portfolio for the scaling ratio (default a tenth of --deals)",
    )
    parser.add_argument("--respondents", type=int, help="respondents per side (default 40; --quick 10)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the portfolio generator (default 7)")
    parser.add_argument("--repeat", type=int, help="samples per scoring and rendering figure (default 3; --quick 1)")
    parser.add_argument(
        "--cli-repeat",
        type=int,
        help="cold CLI runs, each followed by a rerun with nothing "
        "changed and one after a corrected answer (default 3; --quick 1)",
    )
    parser.add_argument("--intake-deals", type=int, help="deals read through the pipeline's intake (default 20)")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "out", help="output folder (default bench/out)")
    parser.add_argument(
        "--show",
        type=Path,
        metavar="RESULTS_JSON",
        help="print the table of an earlier results file and measure nothing",
    )
    args = parser.parse_args(argv)
    deals = args.deals or (50 if args.quick else 1000)
    options = Options(
        deals=deals,
        small_deals=args.small_deals or max(1, deals // 10),
        respondents=args.respondents or (10 if args.quick else 40),
        seed=args.seed,
        repeat=args.repeat or (1 if args.quick else 3),
        cli_repeat=args.cli_repeat or (1 if args.quick else 3),
        intake_deals=args.intake_deals or (5 if args.quick else 20),
        out=args.out.resolve(),
        quick=args.quick,
        show=args.show,
    )
    if (
        min(
            options.deals,
            options.small_deals,
            options.respondents,
            options.repeat,
            options.cli_repeat,
            options.intake_deals,
        )
        < 1
    ):
        parser.error("counts must be at least 1")
    if options.small_deals > options.deals:
        parser.error("--small-deals cannot exceed --deals")
    return options


@dataclass
class Child:
    seconds: float
    cpu_seconds: float  # user + system time of the process and the children it waited for
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


def run_child(command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Child:
    """Run ``command`` to the end; its wall time and its own peak memory (os.wait4 gives that process's rusage)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=cwd)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Child(
            seconds,
            usage.ru_utime + usage.ru_stime,
            round(usage.ru_maxrss / 1024, 1),
            process.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )


class MeasurementFailed(Exception):
    pass


def measure(task: str, args: dict[str, Any]) -> dict[str, Any]:
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])),
        GX_ANALYTICS_ENABLED="False",
        DAGSTER_DISABLE_TELEMETRY="1",
    )
    child = run_child([sys.executable, "-m", "bench.measure", task, json.dumps(args)], env=env, cwd=PROJECT_ROOT)
    if child.returncode != 0:
        raise MeasurementFailed(f"{task} failed (exit {child.returncode}): {child.stderr.strip()[-1500:]}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def _portfolio(options: Options, console: Console) -> tuple[Any, dict[str, Any]]:
    from bench.generate import existing_portfolio, generate_portfolio
    from dd_pipeline.playbook import load_playbook

    playbook = load_playbook(PROJECT_ROOT / "assets")
    root = options.out / f"portfolio-{options.deals}x{options.respondents}-seed{options.seed}"
    found = existing_portfolio(root, options.deals, options.respondents, options.seed, playbook)
    if found is not None:
        console.print(f"[dim]portfolio: reusing {root} (same arguments, same generator)[/]")
        portfolio, seconds, reused = found, None, True
    else:
        console.print(f"[dim]portfolio: generating {options.deals} deals x {options.respondents} respondents...[/]")
        started = time.perf_counter()
        portfolio = generate_portfolio(root, options.deals, options.respondents, options.seed, playbook)
        seconds, reused = time.perf_counter() - started, False
    size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    return portfolio, {
        "folder": str(root),
        "seconds": seconds,
        "reused": reused,
        "deals": portfolio.deals,
        "respondents": portfolio.respondents,
        "dimensions": len(playbook.dimensions),
        "answer_rows": portfolio.answer_rows,
        "megabytes": round(size / 2**20, 1),
    }


def _scoring(warehouse: Path, repeat: int) -> dict[str, Any]:
    samples = [measure("score", {"warehouse": str(warehouse)}) for _ in range(repeat)]
    times = [s["seconds"] for s in samples]
    return {
        "deals": samples[0]["deals"],
        "seconds": statistics.median(times),
        "samples": times,
        "cpu_seconds": statistics.median(s["cpu_seconds"] for s in samples),
        "peak_rss_mb": max(s["peak_rss_mb"] for s in samples),
        "duckdb_memory_mb": max(s["duckdb_memory_mb"] for s in samples),
        "rows": samples[0]["rows"],
    }


def _cli_command() -> list[str]:
    script = Path(sys.executable).parent / "dd-pipeline"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "dd_pipeline.cli"]


def _cli(portfolio: Any, deal_id: str, repeat: int, work: Path, console: Console) -> dict[str, Any]:
    """`dd-pipeline run --deal X` in a new process on a copy of the deal, then again with nothing changed, then
    after one corrected answer; and `dd-pipeline validate --deal X` on a fresh copy (nothing run before it)."""
    found: dict[str, list[Child]] = {"floor": [], "cold": [], "rerun": [], "changed": [], "validate": []}
    breakdown: dict[str, Any] = {}
    base = work
    for i in range(repeat):
        # The import floor is measured between the runs it is compared with, so a change of load hits both.
        console.print(f"[dim]cli: import floor {i + 1}/{repeat}...[/]")
        floor = run_child([sys.executable, "-c", STACK_IMPORTS], env=_quiet_env(), cwd=PROJECT_ROOT)
        if floor.returncode != 0:
            raise MeasurementFailed(f"importing the stack failed: {floor.stderr.strip()[-500:]}")
        found["floor"].append(floor)
        for label in ("validate", "cold", "rerun", "changed"):
            if label in ("validate", "cold"):
                base = work / f"{label}-{i + 1}"
                env = _deal_copy(portfolio, deal_id, base)
            console.print(f"[dim]cli: {label} {i + 1}/{repeat}...[/]")
            if label == "changed":
                _change_one_answer(base / "inputs" / "deals" / deal_id / "answers_partner.csv")
            verb = "validate" if label == "validate" else "run"
            child = run_child([*_cli_command(), verb, "--deal", deal_id], env=env, cwd=base)
            (base / f"{label}.log").write_text(child.stdout + child.stderr, encoding="utf-8")
            if child.returncode != 0:
                raise MeasurementFailed(
                    f"dd-pipeline {verb} --deal {deal_id} exited with {child.returncode}; see {base / (label + '.log')}"
                )
            found[label].append(child)
            if label == "cold" and i == 0:
                breakdown = _cold_breakdown(child.seconds, base / "dagster_home")
    result: dict[str, Any] = {
        "deal": deal_id,
        "command": " ".join(["dd-pipeline", "run", "--deal", deal_id]),
        "last_run_folder": str(base),
        "cold_breakdown": breakdown,
        "cold_peak_rss_mb": max(c.peak_rss_mb for c in found["cold"]),
    }
    for label, children in found.items():
        result[f"{label}_samples"] = [c.seconds for c in children]
        result[f"{label}_seconds"] = statistics.median(c.seconds for c in children)
        result[f"{label}_cpu_seconds"] = statistics.median(c.cpu_seconds for c in children)
    for label in ("cold", "validate"):
        result[f"{label}_ratio"] = result[f"{label}_seconds"] / result["floor_seconds"]
        result[f"{label}_cpu_ratio"] = result[f"{label}_cpu_seconds"] / max(result["floor_cpu_seconds"], 1e-9)
    return result


# What a process of the tool cannot do without: the libraries of the stack, imported in one process.
STACK_IMPORTS = "import dagster, great_expectations, duckdb, pandas, plotly, docx, openpyxl, icalendar, jinja2"


def _quiet_env() -> dict[str, str]:
    return dict(os.environ, GX_ANALYTICS_ENABLED="False", DAGSTER_DISABLE_TELEMETRY="1")


def _deal_copy(portfolio: Any, deal_id: str, base: Path) -> dict[str, str]:
    """A project of its own for one deal (inputs, empty outputs, a new Dagster home); the environment to run it."""
    if base.exists():
        shutil.rmtree(base)
    (base / "inputs" / "deals").mkdir(parents=True)
    shutil.copytree(portfolio.inputs_dir / "home", base / "inputs" / "home")
    shutil.copytree(portfolio.inputs_dir / "deals" / deal_id, base / "inputs" / "deals" / deal_id)
    (base / "dagster_home").mkdir()
    (base / "dagster_home" / "dagster.yaml").write_text(DAGSTER_YAML, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("DD_WAREHOUSE", "DD_ROOT")}
    env.update(
        DD_INPUTS=str(base / "inputs"),
        DD_OUTPUTS=str(base / "outputs"),
        DAGSTER_HOME=str(base / "dagster_home"),
        DAGSTER_DISABLE_TELEMETRY="1",
        GX_ANALYTICS_ENABLED="False",
    )
    return env


def _change_one_answer(path: Path) -> None:
    """A corrected answer: the value of the first data row becomes another point of every scale (2 or 3)."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    value = rows[0].index("value")
    rows[1][value] = "2" if rows[1][value] == "3" else "3"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _cold_breakdown(wall: float, dagster_home: Path) -> dict[str, Any]:
    """Where the first cold run's time went: each Dagster step, and what lies outside the Dagster runs."""
    runs = measure("run_steps", {"dagster_home": str(dagster_home)})["runs"]
    steps: dict[str, float] = {}
    for run in runs:
        for step, seconds in run["steps"].items():
            steps[step] = steps.get(step, 0.0) + seconds
    in_runs = sum(run["seconds"] for run in runs)
    return {
        "wall_seconds": wall,
        "dagster_runs": len(runs),
        "in_runs_seconds": in_runs,
        "outside_runs_seconds": wall - in_runs,
        "steps": dict(sorted(steps.items(), key=lambda kv: -kv[1])),
    }


def run(options: Options, console: Console) -> dict[str, Any]:
    results: dict[str, Any] = {
        "started_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in options.__dict__.items() if k != "show"},
        "machine": machine(),
        "load_average_before": load_average(),
        "problems": [],
    }
    portfolio, results["portfolio"] = _portfolio(options, console)
    warehouses = options.out / "warehouses"
    warehouses.mkdir(parents=True, exist_ok=True)
    large = warehouses / f"portfolio-{options.deals}.duckdb"
    small = warehouses / f"portfolio-{options.small_deals}.duckdb"
    inputs = str(portfolio.inputs_dir)

    def attempt(label: str, call: Callable[[], Any]) -> Any:
        console.print(f"[dim]{label}...[/]")
        try:
            return call()
        except MeasurementFailed as exc:
            results["problems"].append(f"{label}: {exc}")
            return {}

    results["load"] = attempt(
        "bulk load", lambda: measure("load", {"inputs": inputs, "deals": options.deals, "warehouse": str(large)})
    )
    results["load_small"] = attempt(
        "bulk load (smaller portfolio)",
        lambda: measure("load", {"inputs": inputs, "deals": options.small_deals, "warehouse": str(small)}),
    )
    scoring = {
        "large": attempt(f"scoring {options.deals} deals", lambda: _scoring(large, options.repeat)),
        "small": attempt(f"scoring {options.small_deals} deals", lambda: _scoring(small, options.repeat)),
        "steps": attempt("scoring, table by table", lambda: measure("score_steps", {"warehouse": str(large)})["steps"]),
    }
    if scoring["large"] and scoring["small"] and scoring["small"]["seconds"] > 0:
        scoring["scaling_ratio"] = scoring["large"]["seconds"] / scoring["small"]["seconds"]
        scoring["scaling_ratio_cpu"] = scoring["large"]["cpu_seconds"] / max(scoring["small"]["cpu_seconds"], 1e-9)
        scoring["data_ratio"] = options.deals / options.small_deals
    results["scoring"] = scoring
    results["reference"] = attempt("pandas reference", lambda: _reference(large, options.repeat))
    if results["reference"] and not results["reference"]["equal"]:
        results["problems"].append(
            "the pandas reference and DuckDB give different numbers: "
            + "; ".join(e for t in results["reference"]["equality"] for e in t["examples"])
        )
    results["intake"] = attempt("intake sample", lambda: _intake(portfolio, options, warehouses))
    results["cli"] = attempt(
        "dd-pipeline run",
        lambda: _cli(portfolio, portfolio.deal_ids[0], options.cli_repeat, options.out / "cli", console),
    )
    results["render"] = attempt("rendering", lambda: _render(results, options))
    results["page"] = attempt("dashboard page in headless Chromium", lambda: _page(results, options.repeat))
    results["startup"] = attempt("start-up costs", lambda: _startup(options.repeat))
    results["load_average_after"] = load_average()
    results["targets"] = [t.as_dict() for t in targets(results)]
    return results


STARTUP = {
    "import dagster": ("", "import dagster"),
    "import great_expectations": ("", "import great_expectations"),
    "import dd_pipeline.cli": ("", "import dd_pipeline.cli"),
    "load the playbook (assets/)": (
        "from dd_pipeline.playbook import load_playbook\nfrom dd_pipeline.settings import PROJECT_ROOT",
        "load_playbook(PROJECT_ROOT / 'assets')",
    ),
}
TIMER = (
    "import sys, time\nexec(sys.argv[1])\nt = time.perf_counter()\nexec(sys.argv[2])\nprint(time.perf_counter() - t)"
)


def _startup(repeat: int) -> dict[str, Any]:
    """What every cold process pays before it does any work: imports and reading the playbook."""
    env = _quiet_env()
    found: dict[str, Any] = {}
    for label, (setup, statement) in STARTUP.items():
        samples = []
        for _ in range(repeat):
            child = run_child([sys.executable, "-c", TIMER, setup, statement], env=env, cwd=PROJECT_ROOT)
            if child.returncode != 0:
                raise MeasurementFailed(f"{label} failed: {child.stderr.strip()[-500:]}")
            samples.append(float(child.stdout.strip().splitlines()[-1]))
        found[label] = {"seconds": statistics.median(samples), "samples": samples}
    return found


def _page(results: dict[str, Any], repeat: int) -> dict[str, Any]:
    cli = results.get("cli")
    if not cli:
        raise MeasurementFailed("no dashboard to open (the CLI run did not finish)")
    dashboard = Path(cli["last_run_folder"]) / "outputs" / cli["deal"] / "dashboard.html"
    return measure("page", {"page": str(dashboard), "repeat": repeat})


def _reference(warehouse: Path, repeat: int) -> dict[str, Any]:
    found = measure("reference", {"warehouse": str(warehouse), "repeat": repeat})
    found["speedup"] = found["pandas_seconds"] / found["duckdb_seconds"] if found["duckdb_seconds"] else None
    return found


def _intake(portfolio: Any, options: Options, warehouses: Path) -> dict[str, Any]:
    found = measure(
        "intake",
        {
            "inputs": str(portfolio.inputs_dir),
            "deals": min(options.intake_deals, options.deals),
            "warehouse": str(warehouses / "intake.duckdb"),
        },
    )
    per_deal = [r + s for r, s in zip(found["read_seconds"], found["stage_seconds"], strict=True)]
    found["per_deal_seconds"] = statistics.mean(per_deal)
    found["projected_seconds"] = found["per_deal_seconds"] * options.deals
    if found["errors"]:
        raise MeasurementFailed(f"{found['errors']} input errors in the generated deals")
    return found


def _render(results: dict[str, Any], options: Options) -> dict[str, Any]:
    cli = results.get("cli")
    if not cli:
        raise MeasurementFailed("no scored deal to render (the CLI run did not finish)")
    folder = Path(cli["last_run_folder"])
    return measure(
        "render",
        {
            "deal": cli["deal"],
            "warehouse": str(folder / "outputs" / "warehouse.duckdb"),
            "inputs": str(folder / "inputs"),
            "outputs": str(folder / "render-outputs"),
            "repeat": options.repeat,
        },
    )


def main(argv: list[str] | None = None) -> int:
    options = parse_options(sys.argv[1:] if argv is None else argv)
    console = Console(stderr=True, highlight=False)
    out = Console(highlight=False, width=max(120, Console().width))
    if options.show is not None:
        try:
            print_table(out, json.loads(options.show.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError) as exc:
            console.print(f"[red]x[/] {options.show} is not a results file of python -m bench ({exc})")
            return 2
        return 0
    results = run(options, console)
    write_json(options.results_path, results)
    print_table(out, results)
    out.print(f"Results: {options.results_path}")
    return 1 if results["problems"] else 0
