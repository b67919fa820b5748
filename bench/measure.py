"""One measurement per process: ``python -m bench.measure <task> '<json arguments>'`` prints one JSON line.

Each figure comes from its own process, so its peak memory (ru_maxrss) is its own and no cache is
warm from another measurement. Times are time.perf_counter() around the measured call only.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import Any

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports ru_maxrss in KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def _timed_cpu(call: Callable[[], object]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (all threads of this process) of ``call``. On a busy machine the wall
    time grows while the CPU time stays about the same, so both are kept."""
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return time.perf_counter() - wall, time.process_time() - cpu


def _duckdb_memory_mb(con) -> float:  # type: ignore[no-untyped-def]
    row = con.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchone()
    return round((row[0] or 0) / 2**20, 1) if row else 0.0


def _deal_ids(con) -> list[str]:  # type: ignore[no-untyped-def]
    return [r[0] for r in con.execute("SELECT deal_id FROM deals ORDER BY deal_id").fetchall()]


def load(args: dict[str, Any]) -> dict[str, Any]:
    """Bulk-load the first ``deals`` deals of a generated portfolio into a new warehouse."""
    from bench.bulk_load import promote_deals, stage_answers, stage_deals, stage_evidence
    from dd_pipeline.playbook import load_playbook
    from dd_pipeline.settings import PROJECT_ROOT
    from dd_pipeline.warehouse.connection import connect
    from dd_pipeline.warehouse.store import store_playbook

    inputs = Path(args["inputs"])
    warehouse = Path(args["warehouse"])
    for leftover in (warehouse, warehouse.with_name(warehouse.name + ".wal")):
        leftover.unlink(missing_ok=True)
    ids = sorted(p.name for p in (inputs / "deals").iterdir() if p.is_dir())[: args["deals"]]
    playbook = load_playbook(PROJECT_ROOT / "assets")
    steps: dict[str, float] = {}
    started = time.perf_counter()
    with connect(warehouse, allowed=[inputs]) as con:
        steps["playbook"] = _timed(lambda: store_playbook(con, playbook))
        steps["deal files"] = _timed(lambda: stage_deals(con, inputs, ids))
        steps["answers"] = _timed(lambda: stage_answers(con, inputs, ids))
        steps["evidence"] = _timed(lambda: stage_evidence(con, inputs, ids))
        steps["accept"] = _timed(lambda: promote_deals(con, ids))
        rows = con.execute("SELECT count(*) FROM answers").fetchone()
    return {
        "deals": len(ids),
        "answer_rows": int(rows[0]) if rows else 0,
        "seconds": time.perf_counter() - started,
        "steps": steps,
        "warehouse_mb": round(warehouse.stat().st_size / 2**20, 1),
        "peak_rss_mb": peak_rss_mb(),
    }


def score(args: dict[str, Any]) -> dict[str, Any]:
    """score_deals over every deal in the warehouse: every scoring table, one statement per table."""
    from dd_pipeline.use_cases import score_deals
    from dd_pipeline.warehouse.connection import connect

    with connect(Path(args["warehouse"])) as con:
        ids = _deal_ids(con)
        rows: dict[str, int] = {}
        seconds, cpu = _timed_cpu(lambda: rows.update(score_deals(con, ids)))
        duckdb_mb = _duckdb_memory_mb(con)
    return {
        "deals": len(ids),
        "seconds": seconds,
        "cpu_seconds": cpu,
        "rows": rows,
        "peak_rss_mb": peak_rss_mb(),
        "duckdb_memory_mb": duckdb_mb,
    }


def score_steps(args: dict[str, Any]) -> dict[str, Any]:
    """Seconds per scoring table (where the portfolio's scoring time goes), as score_deals runs them: first the
    one pass over the answers that three of the tables read (answer_views), then each table."""
    from dd_pipeline.scoring import SCORING_STEPS, answer_views
    from dd_pipeline.use_cases import score_table
    from dd_pipeline.warehouse.connection import connect

    with connect(Path(args["warehouse"])) as con, ExitStack() as stack:
        ids = _deal_ids(con)
        steps = {"answer_views": _timed(partial(stack.enter_context, answer_views(con, ids)))}
        steps.update(
            {table: _timed(partial(score_table, con, query, ids, views_built=True)) for table, query in SCORING_STEPS}
        )
    return {"deals": len(ids), "steps": steps, "peak_rss_mb": peak_rss_mb()}


def reference(args: dict[str, Any]) -> dict[str, Any]:
    """The pandas reference and the DuckDB scoring of the same tables (gaps to deal scores), on the same answers;
    equality."""
    from bench.equality import COMPARED, compare_scores
    from bench.reference import read_reference_inputs, score_reference
    from dd_pipeline.playbook import load_playbook
    from dd_pipeline.scoring import SCORING_STEPS, answer_views
    from dd_pipeline.settings import PROJECT_ROOT
    from dd_pipeline.use_cases import score_table
    from dd_pipeline.warehouse.connection import connect

    playbook = load_playbook(PROJECT_ROOT / "assets")
    repeat = int(args.get("repeat", 3))
    with connect(Path(args["warehouse"])) as con:
        ids = _deal_ids(con)

        compared = {table for table, *_ in COMPARED}
        steps = [table for table, _ in SCORING_STEPS if table in compared]

        def duckdb_same_tables() -> None:
            with answer_views(con, ids):  # the one pass over the answers, as score_deals makes it
                for table in steps:
                    score_table(con, table, ids, views_built=True)

        duck = [_timed_cpu(duckdb_same_tables) for _ in range(repeat)]
        started = time.perf_counter()
        inputs = read_reference_inputs(con, ids, playbook)
        read_seconds = time.perf_counter() - started
        found: list[Any] = []
        pandas_times = [_timed_cpu(lambda: found.append(score_reference(inputs))) for _ in range(repeat)]
        equality = compare_scores(con, ids, found[-1])
    return {
        "deals": len(ids),
        "answer_rows": len(inputs.answers),
        "tables": steps,
        "duckdb_seconds": statistics.median(w for w, _ in duck),
        "duckdb_samples": [w for w, _ in duck],
        "duckdb_cpu_seconds": statistics.median(c for _, c in duck),
        "pandas_seconds": statistics.median(w for w, _ in pandas_times),
        "pandas_samples": [w for w, _ in pandas_times],
        "pandas_cpu_seconds": statistics.median(c for _, c in pandas_times),
        "pandas_read_seconds": read_seconds,
        "equality": [t.as_dict() for t in equality],
        "equal": all(t.equal for t in equality),
        "peak_rss_mb": peak_rss_mb(),
    }


def intake(args: dict[str, Any]) -> dict[str, Any]:
    """The pipeline's own intake (read_deal: every row through pydantic, then stage_inputs, the two halves of
    ingest_deal as the deal_inputs step runs them) for a sample."""
    from dd_pipeline.playbook import load_playbook
    from dd_pipeline.settings import PROJECT_ROOT, Settings
    from dd_pipeline.use_cases import read_deal, stage_inputs
    from dd_pipeline.warehouse.connection import connect
    from dd_pipeline.warehouse.store import store_playbook

    inputs = Path(args["inputs"])
    warehouse = Path(args["warehouse"])
    warehouse.unlink(missing_ok=True)
    settings = Settings(PROJECT_ROOT / "assets", inputs, warehouse.parent, warehouse)
    playbook = load_playbook(settings.assets_dir)
    ids = sorted(p.name for p in settings.deals_dir.iterdir() if p.is_dir())[: args["deals"]]
    read_times, stage_times, answers, errors = [], [], 0, 0
    with connect(warehouse) as con:
        store_playbook(con, playbook)
        for deal_id in ids:
            started = time.perf_counter()
            found = read_deal(settings, playbook, deal_id)
            read_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            stage_inputs(con, playbook, found)
            stage_times.append(time.perf_counter() - started)
            answers += len(found.intake.answers)
            errors += len(found.errors)
    return {
        "deals": len(ids),
        "answers": answers,
        "errors": errors,
        "read_seconds": read_times,
        "stage_seconds": stage_times,
        "peak_rss_mb": peak_rss_mb(),
    }


def render(args: dict[str, Any]) -> dict[str, Any]:
    """Clauses (md, json, docx), launch plan (csv, xlsx, ics) and dashboard of one scored deal."""
    from dd_pipeline.drafting.clauses import draft_clauses, effective_context
    from dd_pipeline.drafting.documents import NoteFacts, write_clause_documents
    from dd_pipeline.drafting.launch_plan import build_plan
    from dd_pipeline.drafting.plan_files import write_plan_files
    from dd_pipeline.playbook import load_playbook
    from dd_pipeline.settings import PROJECT_ROOT, Settings
    from dd_pipeline.warehouse.connection import connect
    from dd_pipeline.warehouse.drafts import deal_evidence, deal_gaps, load_matches
    from dd_pipeline.warehouse.store import load_deal

    deal_id = args["deal"]
    warehouse = Path(args["warehouse"])
    outputs = Path(args["outputs"])
    settings = Settings(PROJECT_ROOT / "assets", Path(args["inputs"]), outputs, warehouse)
    playbook = load_playbook(settings.assets_dir)
    folder = settings.deal_outputs(deal_id)
    folder.mkdir(parents=True, exist_ok=True)
    repeat = int(args.get("repeat", 3))
    result: dict[str, Any] = {"deal": deal_id}
    with connect(warehouse, read_only=True) as con:
        deal, home = load_deal(con, deal_id)
        matches = load_matches(con, deal_id, playbook)
        facts = NoteFacts(deal_gaps(con, deal_id), deal_evidence(con, deal_id))

        def clauses() -> None:
            draft = draft_clauses(playbook, deal, home, matches)
            write_clause_documents(folder, deal, home, draft, facts)

        def plan() -> None:
            context = effective_context(playbook, deal, home, matches)
            tasks = build_plan(
                playbook, deal, matches, {k: context[k] for k in ("steering_cadence", "operating_cadence")}
            )
            write_plan_files(folder, deal, tasks)

        result["clauses_samples"] = [_timed(clauses) for _ in range(repeat)]
        result["plan_samples"] = [_timed(plan) for _ in range(repeat)]
        result["dashboard_samples"], result["dashboard_note"] = _dashboard(con, settings, deal_id, playbook, repeat)
    for key in ("clauses", "plan", "dashboard"):
        samples = result[f"{key}_samples"]
        result[f"{key}_seconds"] = statistics.median(samples) if samples else None
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def _dashboard(con, settings, deal_id: str, playbook, repeat: int) -> tuple[list[float], str]:  # type: ignore[no-untyped-def]
    """Times of write_dashboard, or no times and the reason when there is no dashboard renderer."""
    try:
        from dd_pipeline.reporting.dashboard import write_dashboard
    except ImportError as exc:
        return [], f"no dashboard renderer ({exc.name} not found)"
    try:
        return [_timed(lambda: write_dashboard(con, settings, deal_id, playbook)) for _ in range(repeat)], ""
    except Exception as exc:  # report it in the table instead of stopping the whole benchmark
        return [], f"the dashboard could not be rendered: {type(exc).__name__}: {exc}"


def run_steps(args: dict[str, Any]) -> dict[str, Any]:
    """Seconds per Dagster step of the runs recorded in a DAGSTER_HOME (where a CLI run's time goes)."""
    os.environ["DAGSTER_HOME"] = str(Path(args["dagster_home"]).resolve())
    import dagster as dg

    instance = dg.DagsterInstance.get()
    runs = []
    for record in sorted(instance.get_run_records(), key=lambda r: r.create_timestamp.timestamp()):
        logs = instance.all_logs(record.dagster_run.run_id)
        started: dict[str, float] = {}
        steps: dict[str, float] = {}
        for entry in logs:
            event = entry.dagster_event
            if event is None or entry.step_key is None:
                continue
            if event.event_type_value == "STEP_START":
                started[entry.step_key] = entry.timestamp
            elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE") and entry.step_key in started:
                steps[entry.step_key] = entry.timestamp - started[entry.step_key]
        seconds = logs[-1].timestamp - logs[0].timestamp if logs else 0.0
        runs.append({"run_id": record.dagster_run.run_id, "seconds": seconds, "steps": steps})
    return {"runs": runs}


CHARTS_DRAWN = (
    "Array.from(document.querySelectorAll('.plotly-graph-div'))"
    ".every(function (d) { return d.querySelector('.main-svg') !== null; })"
)


def page(args: dict[str, Any]) -> dict[str, Any]:
    """One dashboard page in headless Chromium, a new browser per sample: its size without the shared plotly.js,
    and the milliseconds from the start of navigation until every chart on it has drawn."""
    from tests.chromium import Chromium, find_chromium

    path = Path(args["page"])
    result: dict[str, Any] = {
        "page": path.name,
        "bytes": path.stat().st_size,
        "charts": path.read_text(encoding="utf-8").count('class="plotly-graph-div"'),
    }
    executable = find_chromium()
    if executable is None:
        result["note"] = "no chromium on PATH"
        return result
    samples = []
    for _ in range(int(args.get("repeat", 3))):
        with Chromium(executable) as browser:
            tab = browser.open(path.resolve().as_uri())
            drawn = None
            deadline = time.monotonic() + 30
            while drawn is None and time.monotonic() < deadline:
                drawn = tab.evaluate(f"({CHARTS_DRAWN}) ? performance.now() : null")
                if drawn is None:
                    time.sleep(0.01)
            if drawn is None:
                raise RuntimeError(f"{path}: not every chart was drawn within 30 s")
            samples.append(drawn / 1000)
    result["render_samples"] = samples
    result["render_seconds"] = statistics.median(samples)
    return result


TASKS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "load": load,
    "score": score,
    "score_steps": score_steps,
    "reference": reference,
    "intake": intake,
    "render": render,
    "run_steps": run_steps,
    "page": page,
}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in TASKS:
        print(f"usage: python -m bench.measure {{{','.join(TASKS)}}} '<json arguments>'", file=sys.stderr)
        return 2
    result = TASKS[argv[0]](json.loads(argv[1]))
    print(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
