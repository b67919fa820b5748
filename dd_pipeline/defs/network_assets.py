"""The alliance's communication network of each deal (people.csv, contacts.csv), before the ranked findings."""

import dagster as dg

from dd_pipeline.network.quality import network_outcomes
from dd_pipeline.use_cases.network import map_network
from dd_pipeline.warehouse.network import network_frames

from .partitions import DEALS, WAREHOUSE_POOL
from .publication import step
from .resources import ProjectResource, WarehouseResource
from .scoring_assets import SCORING_GROUP, answers, current_playbook


@dg.asset(
    partitions_def=DEALS,
    deps=[answers],
    group_name=SCORING_GROUP,
    pool=WAREHOUSE_POOL,
    kinds={"duckdb", "networkx"},
)
def network(
    context: dg.AssetExecutionContext, project: ProjectResource, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """Who deals with whom: per-person metrics, boundary spanners, concentration per firm, the links at each
    management level and the network findings (none when the deal folder has no people.csv)."""
    deal_id = context.partition_key
    pb = current_playbook(project, warehouse, context)
    with (
        warehouse.connect() as con,
        step(context, f"the network of inputs/deals/{deal_id}/ (people.csv, contacts.csv)"),
    ):
        mapped = map_network(con, pb, deal_id)
    net, findings = mapped.network, mapped.findings
    return dg.MaterializeResult(
        metadata={
            "people": len(net.people) if net else 0,
            "ties": len(net.ties) if net else 0,
            "boundary spanners": sum(m.boundary_spanner for m in net.people.values()) if net else 0,
            "findings": dg.MetadataValue.md(
                "\n".join(f"- {f.finding_id}: {f.band} ({f.severity})" for f in findings) or "none"
            ),
        }
    )


@dg.asset_check(
    asset=network,
    blocking=True,
    description="The network tables are consistent: the Great Expectations suites for its people and ties pass.",
)
def network_is_consistent(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
    deal_id = context.op_execution_context.partition_key
    with warehouse.connect(read_only=True) as con:
        frames = network_frames(con, deal_id)
    outcomes = network_outcomes(frames["people"], frames["ties"])
    failed = [o for o in outcomes if not o.passed]
    return dg.AssetCheckResult(
        passed=not failed,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "expectations": len(outcomes),
            "expectations failed": len(failed),
            "details": dg.MetadataValue.md(
                "\n".join(f"- {o} ({o.unexpected_count} rows)" for o in failed) or "all passed"
            ),
        },
    )


NETWORK_ASSETS = [network]
NETWORK_CHECKS = [network_is_consistent]
