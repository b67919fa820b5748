"""Assets from the playbook and the deal folders to scored gaps."""

import dagster as dg
import duckdb

from dd_pipeline.errors import ProblemList
from dd_pipeline.playbook import Playbook, load_playbook
from dd_pipeline.quality.frames import frames_from_warehouse, thin_data_outcomes
from dd_pipeline.reporting.gap_tables import write_gap_tables
from dd_pipeline.use_cases import accept_deal, deal_place, read_deal, score_table, stage_inputs, validate_deal
from dd_pipeline.warehouse.read_model import deal_score, stored_problems, top_challenges, top_findings, top_gaps
from dd_pipeline.warehouse.store import pin_playbook, store_playbook

from .partitions import DEALS, PLAYBOOK_TAG, WAREHOUSE_POOL
from .publication import deal_folder, done_writing, step
from .resources import ProjectResource, WarehouseResource

SCORING_GROUP = "scoring"


def current_playbook(project: ProjectResource, warehouse: WarehouseResource, context: object | None = None) -> Playbook:
    """The playbook from assets/; when the warehouse holds an older one, it is replaced first.

    One run, one playbook: a run started with a playbook fingerprint (the ``dd/playbook`` tag, set by the
    command line, the sensor and the schedule) fails a step that finds assets/ changed since, instead of
    mixing findings scored under one playbook with mitigations or clauses of another."""
    try:
        playbook = load_playbook(project.settings.assets_dir)
    except ProblemList as exc:
        raise dg.Failure(description="The playbook in assets/ has problems:\n" + str(exc)) from None
    pinned = _run_tags(context).get(PLAYBOOK_TAG)
    if pinned and pinned != playbook.fingerprint:
        raise dg.Failure(
            description=(
                f"The playbook in assets/ changed while this run was going on (it started with playbook {pinned}, "
                f"the files are now {playbook.fingerprint}); this step wrote nothing, and the deal keeps its "
                "previous outputs. Run the deal again to use the edited playbook."
            )
        )
    with warehouse.connect() as con:
        pin_playbook(con, playbook)
    return playbook


def _run_tags(context: object | None) -> dict[str, str]:
    """The tags of the run a step or check belongs to; none outside a run."""
    if context is None:
        return {}
    run = getattr(getattr(context, "op_execution_context", context), "run", None)
    return dict(getattr(run, "tags", None) or {})


@dg.asset(group_name="playbook", pool=WAREHOUSE_POOL, kinds={"duckdb", "yaml"})
def playbook(project: ProjectResource, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The framework, challenges, mitigation and clause libraries and launch-plan seed from assets/."""
    try:
        pb = load_playbook(project.settings.assets_dir)
    except ProblemList as exc:
        raise dg.Failure(description="The playbook in assets/ has problems:\n" + str(exc)) from None
    with warehouse.connect() as con:
        store_playbook(con, pb)
    return dg.MaterializeResult(
        metadata={
            "fingerprint": pb.fingerprint,
            "dimensions": len(pb.dimensions),
            "challenges": len(pb.challenges),
            "mitigations": len(pb.mitigations),
            "clauses": len(pb.clauses),
            "workstreams": len(pb.launch_plan.workstreams),
        },
        data_version=dg.DataVersion(pb.fingerprint),
    )


@dg.asset(
    partitions_def=DEALS,
    deps=[playbook],
    group_name=SCORING_GROUP,
    pool=WAREHOUSE_POOL,
    kinds={"duckdb"},
)
def deal_inputs(
    context: dg.AssetExecutionContext, project: ProjectResource, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """The deal folder and home profile, read and checked row by row; bad rows go to quarantine."""
    deal_id = context.partition_key
    pb = current_playbook(project, warehouse, context)
    with step(context, f"reading inputs/deals/{deal_id}/ and inputs/home/"):
        read = read_deal(project.settings, pb, deal_id)
    with warehouse.connect() as con, step(context, f"storing the inputs of inputs/deals/{deal_id}/"):
        ingested = stage_inputs(con, pb, read)
    inputs, errors, warnings = ingested.inputs, ingested.errors, ingested.warnings
    return dg.MaterializeResult(
        metadata={
            "answers": len(inputs.intake.answers),
            "evidence": len(inputs.intake.evidence),
            "errors": len(errors),
            "warnings": len(warnings),
            "quarantined rows": len(inputs.intake.quarantine) + len(inputs.home_intake.quarantine),
            "input fingerprint": inputs.fingerprint,
            "problems": dg.MetadataValue.md("\n".join(f"- {p}" for p in inputs.problems[:50]) or "none"),
        },
        data_version=dg.DataVersion(inputs.fingerprint or "invalid"),
    )


@dg.asset_check(
    asset=deal_inputs,
    blocking=True,
    description="Inputs are usable: no errors in any file, "
    "and the Great Expectations suites for the deal, its answers, respondents and evidence pass.",
)
def deal_inputs_are_valid(
    context: dg.AssetCheckExecutionContext, project: ProjectResource, warehouse: WarehouseResource
) -> dg.AssetCheckResult:
    deal_id = _check_partition(context)
    pb = current_playbook(project, warehouse, context)
    with warehouse.connect() as con:
        validation = validate_deal(con, pb, deal_id, deal_place(project.settings, deal_id))
    lines = [f"- {p}" for p in validation.input_errors]
    lines += [f"- {o} ({o.unexpected_count} rows)" for o in validation.failed]
    return dg.AssetCheckResult(
        passed=validation.valid,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "input errors": len(validation.input_errors),
            "expectations": len(validation.outcomes),
            "expectations failed": len(validation.failed),
            "details": dg.MetadataValue.md("\n".join(lines[:100]) or "all checks passed"),
        },
    )


@dg.asset_check(
    asset=deal_inputs,
    description="Enough people and enough coverage on each side (warning): "
    "at least the playbook's number of respondents rate their own organization, and enough of "
    "the framework's dimensions have an answer.",
)
def deal_inputs_are_thick_enough(
    context: dg.AssetCheckExecutionContext, project: ProjectResource, warehouse: WarehouseResource
) -> dg.AssetCheckResult:
    deal_id = _check_partition(context)
    with warehouse.connect() as con:
        warnings = stored_problems(con, deal_id, "warning")
        frames = frames_from_warehouse(con, deal_id)
    outcomes = thin_data_outcomes(frames.answers, current_playbook(project, warehouse, context))
    thin = [o for o in outcomes if not o.passed]
    lines = [f"- {o}" for o in thin] + [f"- {p}" for p in warnings]
    return dg.AssetCheckResult(
        passed=not thin and not warnings,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "expectations failed": len(thin),
            "warnings": dg.MetadataValue.md("\n".join(lines) or "none"),
        },
    )


def _check_partition(context: dg.AssetCheckExecutionContext) -> str:
    return context.op_execution_context.partition_key


@dg.asset(
    partitions_def=DEALS,
    deps=[deal_inputs],
    group_name=SCORING_GROUP,
    pool=WAREHOUSE_POOL,
    kinds={"duckdb"},
)
def answers(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The accepted answers (one row per respondent, organization rated and dimension) and evidence."""
    deal_id = context.partition_key
    with warehouse.connect() as con, step(context, f"taking in the checked inputs of inputs/deals/{deal_id}/"):
        accepted = accept_deal(con, deal_id)
    deal, counts = accepted.deal, accepted.counts
    return dg.MaterializeResult(
        metadata={
            "partner": deal.partner,
            "alliance type": deal.alliance_type,
            "rows": counts.rows,
            "answered": counts.answered,
            "home respondents": counts.home_respondents,
            "partner respondents": counts.partner_respondents,
        }
    )


def _scoring_asset(
    table: str, upstream: list[dg.AssetsDefinition | dg.AssetKey], description: str
) -> dg.AssetsDefinition:
    @dg.asset(
        name=table,
        partitions_def=DEALS,
        deps=upstream,
        group_name=SCORING_GROUP,
        pool=WAREHOUSE_POOL,
        kinds={"duckdb"},
        description=description,
    )
    def _asset(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        with warehouse.connect() as con, step(context, f"computing {table} from the deal's answers"):
            rows = score_table(con, table, [context.partition_key])
            metadata: dict[str, dg.MetadataValue] = {"rows": dg.MetadataValue.int(rows)}
            metadata.update(_summary(con, table, context.partition_key))
        return dg.MaterializeResult(metadata=metadata)

    return _asset


def score_metadata(row: tuple[float | None, str | None, int, int] | None) -> dict[str, dg.MetadataValue]:
    """The deal's risk index, band and counts of critical and high gaps, as asset metadata."""
    risk, band, critical, high = row or (None, None, 0, 0)
    return {
        "risk index": dg.MetadataValue.null() if risk is None else dg.MetadataValue.float(risk),
        "band": dg.MetadataValue.text(band or "not scored"),
        "critical gaps": dg.MetadataValue.int(critical),
        "high gaps": dg.MetadataValue.int(high),
    }


def _summary(con: duckdb.DuckDBPyConnection, table: str, deal_id: str) -> dict[str, dg.MetadataValue]:
    if table == "gaps":
        top = top_gaps(con, deal_id, 5)
        return {
            "top gaps": dg.MetadataValue.md(
                "\n".join(f"{r.rank}. {r.dimension_name}: {r.band} ({r.severity})" for r in top.itertuples())
            )
        }
    if table == "findings":
        top = top_findings(con, deal_id, 5)
        return {
            "top findings": dg.MetadataValue.md(
                "\n".join(
                    f"{r.rank}. {r.dimension_name} ({r.kind}{', ' + r.side if isinstance(r.side, str) else ''}): "
                    f"{r.band} ({r.severity})"
                    for r in top.itertuples()
                )
            )
        }
    if table == "deal_scores":
        return score_metadata(deal_score(con, deal_id))
    if table == "likely_challenges":
        top = top_challenges(con, deal_id, 5)
        return {
            "most likely": dg.MetadataValue.md(
                "\n".join(f"- {r.challenge_id} {r.title} ({r.likelihood})" for r in top.itertuples())
            )
        }
    return {}


gaps = _scoring_asset(
    "gaps", [answers], "Home vs partner score, gap, weight, confidence, severity and band per dimension."
)
perception_gaps = _scoring_asset(
    "perception_gaps", [answers], "How each side sees itself vs how the other side sees it."
)
internal_disagreement = _scoring_asset(
    "internal_disagreement", [answers], "Spread among one organization's own divisions."
)
findings = _scoring_asset(
    "findings",
    [gaps, perception_gaps, internal_disagreement, dg.AssetKey("network")],  # network: defs/network_assets.py
    "Every finding of the "
    "deal ranked together: differences, shortfalls of either side, shared weaknesses, "
    "perception gaps, internal disagreement and patterns of the communication network.",
)
category_scores = _scoring_asset("category_scores", [findings], "Severity rolled up per category.")
deal_scores = _scoring_asset("deal_scores", [findings], "The engagement-risk index of the deal.")
maturity_profile = _scoring_asset(
    "maturity_profile", [answers, gaps], "Each side's alliance-management maturity, per area and overall."
)
likely_challenges = _scoring_asset(
    "likely_challenges",
    [findings, maturity_profile],
    "Which of the Top 21 execution challenges the findings make likely.",
)


@dg.asset(
    partitions_def=DEALS,
    group_name="reports",
    kinds={"csv"},
    pool=WAREHOUSE_POOL,
    deps=[
        gaps,
        findings,
        category_scores,
        deal_scores,
        perception_gaps,
        internal_disagreement,
        maturity_profile,
        likely_challenges,
    ],
)
def gap_reports(
    context: dg.AssetExecutionContext, project: ProjectResource, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """gaps.csv, category_scores.csv, perception_gaps.csv, internal_disagreement.csv, challenges.csv,
    maturity.csv."""
    deal_id = context.partition_key
    folder = deal_folder(context, project)
    with warehouse.connect(read_only=True) as con, step(context, "writing the gap tables (gaps.csv ...)"):
        written = write_gap_tables(con, deal_id, folder)
    done_writing(context, project)
    return dg.MaterializeResult(
        metadata={
            "folder": dg.MetadataValue.path(str(project.settings.deal_outputs(deal_id))),
            "files": dg.MetadataValue.md("\n".join(f"- {p.name}" for p in written)),
        }
    )


SCORING_ASSETS = [
    playbook,
    deal_inputs,
    answers,
    gaps,
    perception_gaps,
    internal_disagreement,
    findings,
    category_scores,
    deal_scores,
    maturity_profile,
    likely_challenges,
    gap_reports,
]
SCORING_CHECKS = [deal_inputs_are_valid, deal_inputs_are_thick_enough]
