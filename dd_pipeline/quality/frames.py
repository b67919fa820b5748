"""The frames the expectation suites run on, built from the warehouse's staged tables (the Dagster checks)
or straight from a read of the inputs (``dd-pipeline validate``): both give the same columns, so both
paths run the same suites and reach the same verdict.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from dd_pipeline.errors import InputProblem
from dd_pipeline.intake.deal_folder import AnswerRecord, EvidenceRecord
from dd_pipeline.intake.maturity import MaturityRecord
from dd_pipeline.models import Deal
from dd_pipeline.playbook import Playbook
from dd_pipeline.quality.expectations import (
    CheckOutcome,
    answer_rules,
    coverage_rules,
    deal_rules,
    evidence_rules,
    maturity_rules,
    respondent_count_rules,
    respondent_rules,
    validate,
)
from dd_pipeline.warehouse.read_model import staged_answers, staged_deal_json, staged_evidence

DEAL_COLUMNS = ["deal_id", "partner", "alliance_type", "term_sheet_date", "effective_date"]
ANSWER_COLUMNS = [
    "source_file",
    "source_row",
    "respondent_id",
    "respondent_side",
    "division",
    "level",
    "rated_side",
    "dimension_id",
    "status",
    "raw_value",
    "scale_min",
    "scale_max",
    "norm_value",
]
EVIDENCE_COLUMNS = ["source_file", "source_row", "dimension_id", "about_side", "kind", "observation"]
MATURITY_COLUMNS = ["source_file", "source_row", "respondent_id", "respondent_side", "rated_side", "area_id", "level"]


@dataclass(frozen=True)
class SuiteFrames:
    deal: pd.DataFrame
    answers: pd.DataFrame
    evidence: pd.DataFrame
    maturity: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=MATURITY_COLUMNS))
    maturity_areas: tuple[str, ...] = ()


def deal_frame(deal: Deal | None) -> pd.DataFrame:
    row = (
        [deal.deal_id, deal.partner, deal.alliance_type, deal.term_sheet_date, deal.effective_date]
        if deal
        else [None] * len(DEAL_COLUMNS)
    )
    frame = pd.DataFrame([row], columns=DEAL_COLUMNS)
    for column in ("term_sheet_date", "effective_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def frames_from_intake(
    deal: Deal | None,
    answers: list[AnswerRecord],
    evidence: list[EvidenceRecord],
    playbook: Playbook,
    maturity: list[MaturityRecord] | None = None,
) -> SuiteFrames:
    """The suites' frames from what one read of a deal folder accepted (before anything is stored)."""
    scales = {d.id: (float(d.scale.min), float(d.scale.max)) for d in playbook.dimensions}
    rows = []
    for a in answers:
        low, high = scales.get(a.dimension_id, (None, None))
        norm = None
        if a.raw_value is not None and low is not None and high is not None:
            norm = (a.raw_value - low) / (high - low)
        rows.append(
            [
                a.source_file,
                a.source_row,
                a.respondent_id,
                a.respondent_side,
                a.division,
                a.level,
                a.rated_side,
                a.dimension_id,
                a.status,
                a.raw_value,
                low,
                high,
                norm,
            ]
        )
    answer_df = pd.DataFrame(rows, columns=ANSWER_COLUMNS)
    evidence_df = pd.DataFrame(
        [[e.source_file, e.source_row, e.dimension_id, e.about_side, e.kind, e.observation] for e in evidence],
        columns=EVIDENCE_COLUMNS,
    )
    maturity_df = pd.DataFrame(
        [[getattr(m, c) for c in MATURITY_COLUMNS] for m in maturity or []], columns=MATURITY_COLUMNS
    )
    return SuiteFrames(deal_frame(deal), _typed(answer_df), evidence_df, maturity_df, tuple(playbook.maturity.area_ids))


def frames_from_warehouse(con: duckdb.DuckDBPyConnection, deal_id: str) -> SuiteFrames:
    """The suites' frames from the rows the deal_inputs step staged."""
    deal_json = staged_deal_json(con, deal_id)
    deal = Deal.model_validate(json.loads(deal_json)) if deal_json else None
    answers = staged_answers(con, deal_id)
    evidence = staged_evidence(con, deal_id)
    maturity = con.execute(
        f"SELECT {', '.join(MATURITY_COLUMNS)} FROM staged_maturity WHERE deal_id = ? ORDER BY source_file, source_row",
        [deal_id],
    ).df()
    areas = tuple(
        r[0] for r in con.execute("SELECT area_id FROM playbook_maturity_areas ORDER BY sort_order").fetchall()
    )
    return SuiteFrames(deal_frame(deal), _typed(answers), evidence, maturity, areas)


def _typed(answers: pd.DataFrame) -> pd.DataFrame:
    for column in ("raw_value", "scale_min", "scale_max", "norm_value"):
        answers[column] = answers[column].astype("float64")
    answers["source_row"] = answers["source_row"].astype("int64")
    return answers


def input_outcomes(
    frames: SuiteFrames, dimension_ids: Sequence[str], alliance_types: Sequence[str]
) -> list[CheckOutcome]:
    """The blocking suites: deal, answers, respondents, evidence, maturity."""
    respondents = frames.answers[["respondent_id", "respondent_side", "division", "level"]].drop_duplicates()
    outcomes = validate("deal", frames.deal, deal_rules(alliance_types))
    outcomes += validate("answers", frames.answers, answer_rules(dimension_ids))
    outcomes += validate("respondents", respondents, respondent_rules())
    if not frames.evidence.empty:
        outcomes += validate("evidence", frames.evidence, evidence_rules(dimension_ids))
    if not frames.maturity.empty:
        outcomes += validate("maturity", frames.maturity, maturity_rules(frames.maturity_areas))
    return outcomes


def thin_data_outcomes(answers: pd.DataFrame, playbook: Playbook) -> list[CheckOutcome]:
    """The warning suites, per side: respondents rating their own organization, and dimension coverage."""
    rules = playbook.scoring
    outcomes = []
    for side in ("home", "partner"):
        own = answers[(answers.respondent_side == side) & (answers.rated_side == side)]
        about = answers[(answers.rated_side == side) & (answers.status == "answered")]
        outcomes += validate(f"{side} respondents", own, respondent_count_rules(rules.thin_side_respondents))
        outcomes += validate(f"{side} coverage", about, coverage_rules(len(playbook.dimensions), rules.thin_coverage))
    return outcomes


def outcome_problems(outcomes: Sequence[CheckOutcome], where: str) -> list[InputProblem]:
    """Failed expectations as problems a user reads, in the place they concern (the deal's folder)."""
    return [
        InputProblem(
            where,
            None,
            f"{o.table}.{o.column}" if o.column else o.table,
            ", ".join(o.examples) or o.observed or None,
            o.message,
            o.severity,
        )
        for o in outcomes
        if not o.passed
    ]
