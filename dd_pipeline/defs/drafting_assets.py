"""Assets from scored gaps to mitigations, draft clauses and the launch plan."""

import dagster as dg

from dd_pipeline.drafting.clauses import draft_clauses, effective_context
from dd_pipeline.drafting.documents import NoteFacts, write_clause_documents
from dd_pipeline.drafting.launch_plan import build_plan
from dd_pipeline.drafting.plan_files import mitigations_csv, write_plan_files
from dd_pipeline.matching import match_mitigations
from dd_pipeline.outputs import atomic_write_text
from dd_pipeline.warehouse.connection import frame
from dd_pipeline.warehouse.drafts import (
    deal_evidence,
    deal_gaps,
    load_matches,
    store_clauses,
    store_matches,
    store_plan,
)
from dd_pipeline.warehouse.store import load_deal

from .partitions import DEALS, WAREHOUSE_POOL
from .publication import deal_folder, done_writing, step
from .resources import ProjectResource, WarehouseResource
from .scoring_assets import current_playbook, gaps

DRAFTING_GROUP = "drafting"


@dg.asset(partitions_def=DEALS, deps=[gaps], group_name=DRAFTING_GROUP, pool=WAREHOUSE_POOL,
          kinds={"duckdb", "csv"})
def mitigations(
    context: dg.AssetExecutionContext, project: ProjectResource, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """Mitigation strategies matched to the deal's gaps, ranked, each with its reason; uncovered gaps listed."""
    deal_id = context.partition_key
    pb = current_playbook(project, warehouse)
    with warehouse.connect() as con, step(context, "matching mitigations to the gaps"):
        deal, _ = load_deal(con, deal_id)
        result = match_mitigations(pb, frame(con, "SELECT * FROM gaps WHERE deal_id = ?", [deal_id]),
                                   deal.alliance_type)
        store_matches(con, deal_id, result)
    path = deal_folder(context, project) / "mitigations.csv"
    with step(context, "writing mitigations.csv"):
        atomic_write_text(path, mitigations_csv(result))
    done_writing(context, project)
    return dg.MaterializeResult(metadata={
        "selected": len(result.selected),
        "suggested": len(result.matches) - len(result.selected),
        "uncovered gaps": len(result.uncovered),
        "uncovered": dg.MetadataValue.md("\n".join(f"- {g.name} ({g.band.value if g.band else '-'})"
                                                   for g in result.uncovered) or "none"),
        "top mitigations": dg.MetadataValue.md("\n".join(
            f"{m.rank}. {m.mitigation.title}" for m in result.selected[:5]) or "none"),
        "file": dg.MetadataValue.path(str(project.settings.deal_outputs(deal_id) / path.name)),
    })


@dg.asset_check(asset=mitigations, description="Every gap at band high or worse is covered by a mitigation.")
def high_gaps_are_covered(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
    deal_id = context.op_execution_context.partition_key
    with warehouse.connect() as con:
        rows = con.execute("SELECT dimension_id, band FROM uncovered_gaps WHERE deal_id = ? ORDER BY dimension_id",
                           [deal_id]).fetchall()
    return dg.AssetCheckResult(
        passed=not rows, severity=dg.AssetCheckSeverity.WARN,
        metadata={"uncovered": dg.MetadataValue.md("\n".join(f"- {d} ({b})" for d, b in rows) or "none")},
    )


@dg.asset(partitions_def=DEALS, deps=[mitigations], group_name=DRAFTING_GROUP, pool=WAREHOUSE_POOL,
          kinds={"duckdb", "docx", "markdown"})
def clauses(
    context: dg.AssetExecutionContext, project: ProjectResource, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """Draft contract clauses (baseline for the alliance type, plus those selected mitigations call for)."""
    deal_id = context.partition_key
    pb = current_playbook(project, warehouse)
    with warehouse.connect() as con, step(context, "drafting the clauses"):
        deal, home = load_deal(con, deal_id)
        result = load_matches(con, deal_id, pb)
        draft = draft_clauses(pb, deal, home, result)
        store_clauses(con, deal_id, draft)
        facts = NoteFacts(deal_gaps(con, deal_id), deal_evidence(con, deal_id))
    with step(context, "writing clauses.md, clauses.json and clauses.docx"):
        paths = write_clause_documents(deal_folder(context, project), deal, home, draft, facts)
    done_writing(context, project)
    for problem in draft.problems:
        context.log.warning(str(problem))
    return dg.MaterializeResult(metadata={
        "clauses": len(draft.drafted),
        "not drafted": len(draft.problems),
        "missing parameters": dg.MetadataValue.md("\n".join(f"- {p}" for p in draft.problems) or "none"),
        "document": dg.MetadataValue.path(str(project.settings.deal_outputs(deal_id) / paths[2].name)),
    })


@dg.asset_check(asset=clauses, description="Every selected clause could be drafted (no missing parameter).")
def clauses_are_complete(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
    deal_id = context.op_execution_context.partition_key
    with warehouse.connect() as con:
        rows = con.execute("SELECT clause_id, message FROM clause_problems WHERE deal_id = ? ORDER BY clause_id",
                           [deal_id]).fetchall()
    return dg.AssetCheckResult(
        passed=not rows, severity=dg.AssetCheckSeverity.WARN,
        metadata={"problems": dg.MetadataValue.md("\n".join(f"- {c}: {m}" for c, m in rows) or "none")},
    )


@dg.asset(partitions_def=DEALS, deps=[mitigations], group_name=DRAFTING_GROUP, pool=WAREHOUSE_POOL,
          kinds={"duckdb", "xlsx", "ics"})
def launch_plan(
    context: dg.AssetExecutionContext, project: ProjectResource, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """The 100-day launch plan: seed workstreams, tasks from selected mitigations, committee meetings."""
    deal_id = context.partition_key
    pb = current_playbook(project, warehouse)
    with warehouse.connect() as con, step(context, "building the launch plan"):
        deal, home = load_deal(con, deal_id)
        result = load_matches(con, deal_id, pb)
        values = effective_context(pb, deal, home, result)
        tasks = build_plan(pb, deal, result, {k: values[k] for k in ("steering_cadence", "operating_cadence")})
        store_plan(con, deal_id, tasks)
    with step(context, "writing launch_plan.csv, launch_plan.xlsx and launch_plan.ics"):
        paths = write_plan_files(deal_folder(context, project), deal, tasks)
    done_writing(context, project)
    work = [t for t in tasks if t.kind == "task"]
    return dg.MaterializeResult(metadata={
        "tasks": len(work),
        "from mitigations": sum(t.origin.startswith("mitigation:") for t in work),
        "milestones": sum(t.milestone for t in work),
        "committee meetings": sum(t.kind == "meeting" for t in tasks),
        "last task ends": max((t.end for t in work if t.end), default=deal.effective_date).isoformat(),
        "workbook": dg.MetadataValue.path(str(project.settings.deal_outputs(deal_id) / paths[1].name)),
    })


DRAFTING_ASSETS = [mitigations, clauses, launch_plan]
DRAFTING_CHECKS = [high_gaps_are_covered, clauses_are_complete]
