"""The gap dashboard of each deal and the portfolio page over all deals."""

import dagster as dg

from dd_pipeline.errors import ProblemList
from dd_pipeline.playbook import load_playbook
from dd_pipeline.reporting.dashboard import write_dashboard
from dd_pipeline.reporting.portfolio import clean_team_deals, portfolio_deals, write_portfolio
from dd_pipeline.warehouse.read_model import deal_score

from .drafting_assets import clauses, launch_plan, mitigations
from .partitions import DEALS, WAREHOUSE_POOL
from .publication import deal_folder, done_writing, step
from .resources import ProjectResource, WarehouseResource
from .scoring_assets import current_playbook, gap_reports, score_metadata

REPORTS_GROUP = "reports"


@dg.asset(
    partitions_def=DEALS,
    deps=[gap_reports, mitigations, clauses, launch_plan],
    group_name=REPORTS_GROUP,
    pool=WAREHOUSE_POOL,
    kinds={"html", "plotly"},
)
def dashboard(
    context: dg.AssetExecutionContext, project: ProjectResource, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """The deal's gap dashboard (outputs/<deal_id>/dashboard.html): opens offline from the file."""
    deal_id = context.partition_key
    pb = current_playbook(project, warehouse, context)
    with warehouse.connect() as con, step(context, "writing dashboard.html"):
        path = write_dashboard(con, project.settings, deal_id, pb, deal_folder(context, project))
        row = deal_score(con, deal_id)
    size = path.stat().st_size
    done_writing(context, project)
    return dg.MaterializeResult(
        metadata={
            "dashboard": dg.MetadataValue.path(str(project.settings.deal_outputs(deal_id) / path.name)),
            "size (KB)": dg.MetadataValue.float(round(size / 1024, 1)),
            **score_metadata(row),
        }
    )


# Under the daemon (dd-pipeline serve) deals run one by one as their folders change; the portfolio page follows
# once the deals' runs are over. The command line builds it itself after its deals (runner.materialize_deals).
AFTER_DEAL_RUNS = (
    dg.AutomationCondition.any_deps_updated().since_last_handled()
    & ~dg.AutomationCondition.any_deps_in_progress()
    & ~dg.AutomationCondition.in_progress()
).with_label("after the deals' runs")


@dg.asset(
    deps=[dashboard, dg.AssetKey("run_snapshot")],
    group_name=REPORTS_GROUP,
    pool=WAREHOUSE_POOL,
    kinds={"html"},
    automation_condition=AFTER_DEAL_RUNS,
)
def portfolio(project: ProjectResource, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """outputs/index.html: every deal in the warehouse sorted by engagement risk, linked to its dashboard
    (clean-team deals are left out of the page and of this metadata, only counted)."""
    try:
        names = {t.id: t.name for t in load_playbook(project.settings.assets_dir).alliance_types}
    except ProblemList:
        names = {}  # the page still lists the deals; alliance types are then shown by their ids
    with warehouse.connect() as con:
        path = write_portfolio(con, project.settings, names)
        hidden = clean_team_deals(con, project.settings)
        deals = portfolio_deals(con, hidden)
    top = deals.head(5)
    return dg.MaterializeResult(
        metadata={
            "portfolio": dg.MetadataValue.path(str(path)),
            "deals": len(deals),
            "clean-team deals not shown": len(hidden),
            "riskiest": dg.MetadataValue.md(
                "\n".join(
                    f"{i}. {r.partner} ({r.deal_id}): {r.risk_index} {r.band}"
                    for i, r in enumerate(top.itertuples(), 1)
                )
                or "none"
            ),
        }
    )


REPORTING_ASSETS = [dashboard, portfolio]


def portfolio_sensor() -> dg.AutomationConditionSensorDefinition:
    return dg.AutomationConditionSensorDefinition(
        "portfolio_page",
        target=dg.AssetSelection.assets(portfolio),
        default_status=dg.DefaultSensorStatus.RUNNING,
        minimum_interval_seconds=30,
        description="Rewrites outputs/index.html after deals have run.",
    )
