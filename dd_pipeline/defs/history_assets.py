"""The run snapshot of a deal: the change report against the previous run, then the appended history."""

import datetime as dt

import dagster as dg

from dd_pipeline.use_cases import publish_deal, snapshot_deal

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
        snapshotted = snapshot_deal(con, deal_id, context.run_id, folder, recorded_at)
    with step(context, "publishing the deal's outputs"):
        # The run is recorded: its files replace the deal's previous set in one step.
        folder = publish_deal(project.settings, deal_id, context.run_id, folder, snapshotted.run)
    return dg.MaterializeResult(
        metadata={
            "run number": snapshotted.snapshot.sequence,
            "first run": snapshotted.changes.first_run,
            "changes": snapshotted.change_rows,
            "report": dg.MetadataValue.path(str(folder / "changes.md")),
        }
    )


HISTORY_ASSETS = [run_snapshot]
