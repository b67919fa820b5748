"""Assets from the findings to mitigations, draft clauses and the launch plan (the steps themselves are in
use_cases/drafting.py)."""

import dagster as dg

from dd_pipeline.drafting.documents import write_clause_documents
from dd_pipeline.drafting.plan_files import mitigations_csv, write_plan_files
from dd_pipeline.findings import describe, render_side_text
from dd_pipeline.outputs import atomic_write_text
from dd_pipeline.use_cases import draft_deal, match_deal, plan_deal
from dd_pipeline.warehouse.read_model import clause_problems, uncovered_findings

from .partitions import DEALS, WAREHOUSE_POOL
from .publication import deal_folder, done_writing, step
from .resources import ProjectResource, WarehouseResource
from .scoring_assets import current_playbook, findings

DRAFTING_GROUP = "drafting"


@dg.asset(
    partitions_def=DEALS, deps=[findings], group_name=DRAFTING_GROUP, pool=WAREHOUSE_POOL, kinds={"duckdb", "csv"}
)
def mitigations(
    context: dg.AssetExecutionContext, project: ProjectResource, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """Mitigation strategies matched to the deal's findings, ranked, each with its owner and reason; uncovered
    findings listed."""
    deal_id = context.partition_key
    pb = current_playbook(project, warehouse, context)
    with warehouse.connect() as con, step(context, "matching mitigations to the findings"):
        matched = match_deal(con, pb, deal_id)
    result, parties = matched.result, matched.parties
    path = deal_folder(context, project) / "mitigations.csv"
    with step(context, "writing mitigations.csv"):
        atomic_write_text(path, mitigations_csv(result, parties))
    done_writing(context, project)
    return dg.MaterializeResult(
        metadata={
            "selected": len(result.selected),
            "suggested": len(result.matches) - len(result.selected),
            "uncovered findings": len(result.uncovered),
            "uncovered": dg.MetadataValue.md(
                "\n".join(f"- {describe(f, parties)} ({f.band.value if f.band else '-'})" for f in result.uncovered)
                or "none"
            ),
            "top mitigations": dg.MetadataValue.md(
                "\n".join(
                    f"{m.rank}. {render_side_text(m.mitigation.title, m.sides, parties)}" for m in result.selected[:5]
                )
                or "none"
            ),
            "file": dg.MetadataValue.path(str(project.settings.deal_outputs(deal_id) / path.name)),
        }
    )


@dg.asset_check(asset=mitigations, description="Every finding at band high or worse is covered by a mitigation.")
def high_gaps_are_covered(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
    deal_id = context.op_execution_context.partition_key
    with warehouse.connect() as con:
        rows = uncovered_findings(con, deal_id)
    return dg.AssetCheckResult(
        passed=not rows,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"uncovered": dg.MetadataValue.md("\n".join(f"- {d} ({b})" for d, b in rows) or "none")},
    )


@dg.asset(
    partitions_def=DEALS,
    deps=[mitigations],
    group_name=DRAFTING_GROUP,
    pool=WAREHOUSE_POOL,
    kinds={"duckdb", "docx", "markdown"},
)
def clauses(
    context: dg.AssetExecutionContext, project: ProjectResource, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """Draft contract clauses (baseline for the alliance type, plus those selected mitigations call for)."""
    deal_id = context.partition_key
    pb = current_playbook(project, warehouse, context)
    with warehouse.connect() as con, step(context, "drafting the clauses"):
        drafted = draft_deal(con, pb, deal_id)
    deal, home, draft, facts = drafted.deal, drafted.home, drafted.draft, drafted.facts
    with step(context, "writing clauses.md, clauses.json and clauses.docx"):
        paths = write_clause_documents(deal_folder(context, project), deal, home, draft, facts)
    done_writing(context, project)
    for problem in draft.problems:
        context.log.warning(str(problem))
    return dg.MaterializeResult(
        metadata={
            "clauses": len(draft.drafted),
            "not drafted": len(draft.problems),
            "missing parameters": dg.MetadataValue.md("\n".join(f"- {p}" for p in draft.problems) or "none"),
            "document": dg.MetadataValue.path(str(project.settings.deal_outputs(deal_id) / paths[2].name)),
        }
    )


@dg.asset_check(asset=clauses, description="Every selected clause could be drafted (no missing parameter).")
def clauses_are_complete(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
    deal_id = context.op_execution_context.partition_key
    with warehouse.connect() as con:
        rows = clause_problems(con, deal_id)
    return dg.AssetCheckResult(
        passed=not rows,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"problems": dg.MetadataValue.md("\n".join(f"- {c}: {m}" for c, m in rows) or "none")},
    )


@dg.asset(
    partitions_def=DEALS,
    deps=[mitigations],
    group_name=DRAFTING_GROUP,
    pool=WAREHOUSE_POOL,
    kinds={"duckdb", "xlsx", "ics"},
)
def launch_plan(
    context: dg.AssetExecutionContext, project: ProjectResource, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """The 100-day launch plan: seed workstreams, tasks from selected mitigations, committee meetings."""
    deal_id = context.partition_key
    pb = current_playbook(project, warehouse, context)
    with warehouse.connect() as con, step(context, "building the launch plan"):
        planned = plan_deal(con, pb, deal_id)
    deal, tasks = planned.deal, planned.tasks
    published_ics = project.settings.deal_outputs(deal_id) / "launch_plan.ics"
    previous = published_ics.read_bytes() if published_ics.is_file() else None
    with step(context, "writing launch_plan.csv, launch_plan.xlsx and launch_plan.ics"):
        paths = write_plan_files(deal_folder(context, project), deal, tasks, home=planned.home, previous_ics=previous)
    done_writing(context, project)
    work = [t for t in tasks if t.kind == "task"]
    return dg.MaterializeResult(
        metadata={
            "tasks": len(work),
            "from mitigations": sum(t.origin.startswith("mitigation:") for t in work),
            "milestones": sum(t.milestone for t in work),
            "committee meetings": sum(t.kind == "meeting" for t in tasks),
            "last task ends": max((t.end for t in work if t.end), default=deal.effective_date).isoformat(),
            "workbook": dg.MetadataValue.path(str(project.settings.deal_outputs(deal_id) / paths[1].name)),
        }
    )


DRAFTING_ASSETS = [mitigations, clauses, launch_plan]
DRAFTING_CHECKS = [high_gaps_are_covered, clauses_are_complete]
