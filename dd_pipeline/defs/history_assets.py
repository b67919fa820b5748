"""The run snapshot of a deal: the change report against the previous run, then the appended history."""

import datetime as dt
import json

import dagster as dg
import pandas as pd

from dd_pipeline.outputs import atomic_write_text
from dd_pipeline.publish import mark_recorded, publish
from dd_pipeline.reporting.changes import changes_frame, compare, render
from dd_pipeline.warehouse.connection import replace_rows, transaction
from dd_pipeline.warehouse.history import output_fingerprint, record_snapshot

from .drafting_assets import clauses, launch_plan, mitigations
from .partitions import DEALS, WAREHOUSE_POOL
from .publication import deal_folder, step
from .reporting_assets import dashboard
from .resources import ProjectResource, WarehouseResource
from .scoring_assets import gap_reports


# After the dashboard: the snapshot fingerprints the deal's finished outputs, dashboard.html included.
@dg.asset(
    partitions_def=DEALS,
    deps=[gap_reports, mitigations, clauses, launch_plan, dashboard],
    group_name="history",
    pool=WAREHOUSE_POOL,
    kinds={"duckdb", "markdown"},
)
def run_snapshot(
    context: dg.AssetExecutionContext, project: ProjectResource, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """changes.md (what changed since the previous run), then this run appended to the history tables."""
    deal_id = context.partition_key
    folder = deal_folder(context, project)
    recorded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    with warehouse.connect() as con, step(context, "writing changes.md and recording the run"):
        changes = compare(con, deal_id)
        atomic_write_text(folder / "changes.md", render(changes))
        rows = changes_frame(changes)
        rows.insert(0, "position", range(1, len(rows) + 1))
        rows.insert(0, "deal_id", deal_id)
        with transaction(con):
            replace_rows(
                con,
                "deal_changes",
                deal_id,
                rows if not rows.empty else pd.DataFrame(columns=["deal_id", "position", "section", "change"]),
            )
        outputs = output_fingerprint(folder)
        snapshot = record_snapshot(con, deal_id, context.run_id, recorded_at, outputs)
        fingerprints = con.execute(
            "SELECT input_fingerprint, playbook_fingerprint FROM run_history WHERE run_id = ? AND deal_id = ?",
            [context.run_id, deal_id],
        ).fetchone()
    run = {
        "deal_id": deal_id,
        "run_id": context.run_id,
        "sequence": snapshot.sequence,
        "recorded_at": recorded_at.isoformat() + "Z",
        "input_fingerprint": fingerprints[0] if fingerprints else None,
        "playbook_fingerprint": fingerprints[1] if fingerprints else None,
        "code_fingerprint": snapshot.code_fingerprint,
        "output_fingerprint": outputs,
        "changed": changes.first_run or changes.any,
    }
    with step(context, "publishing the deal's outputs"):
        atomic_write_text(folder / "run.json", json.dumps(run, indent=2) + "\n")
        mark_recorded(project.settings, deal_id, context.run_id)
        # The run is recorded: its files replace the deal's previous set in one step.
        folder = publish(project.settings, deal_id, context.run_id)
    return dg.MaterializeResult(
        metadata={
            "run number": snapshot.sequence,
            "first run": changes.first_run,
            "changes": len(rows),
            "report": dg.MetadataValue.path(str(folder / "changes.md")),
        }
    )


HISTORY_ASSETS = [run_snapshot]
