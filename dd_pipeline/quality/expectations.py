"""Great Expectations suites for the input tables, behind one small adapter.

The rest of the code sees plain `CheckOutcome`s. Great Expectations is imported inside `validate`
(it takes seconds to import), runs in an ephemeral context with in-memory stores (no folders written,
no network) with analytics and progress bars off.

Suites (the frames they run on are built in quality/frames.py):
- deal: one row per deal (required fields, allowed alliance type, dates in order);
- answers: one row per accepted answer (required fields, allowed values, each answer on its dimension's
  scale, one answer per respondent, organization rated and dimension, at least one partner answer);
- respondents: one row per respondent (a respondent id names one person: one side, division and level);
- evidence: one row per evidence note;
- maturity: one row per maturity level given (a person's level 1-4 for one area of one organization);
- thin data (warnings): respondents rating their own organization, and dimensions answered, per side.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dd_pipeline.models import DEAL_ID_PATTERN

SIDES = ["home", "partner"]
LEVELS = ["executive", "middle", "operational"]
STATUSES = ["answered", "not_applicable", "unknown"]
EVIDENCE_KINDS = ["strength", "weakness", "observation"]


@dataclass(frozen=True)
class CheckOutcome:
    table: str
    expectation: str
    column: str
    passed: bool
    severity: str  # error or warning
    message: str
    unexpected_count: int = 0
    examples: tuple[str, ...] = ()
    observed: str = ""

    def __str__(self) -> str:
        found = f" {', '.join(self.examples)}" if self.examples else (f" {self.observed}" if self.observed else "")
        column = f", {self.column}" if self.column else ""
        return f"{self.table}{column}:{found} {self.message}"


@dataclass(frozen=True)
class Rule:
    """One expectation, with the words a user reads when it fails."""

    kind: str  # the Great Expectations class name
    kwargs: dict[str, Any]
    message: str
    severity: str = "error"


def deal_rules(alliance_types: Sequence[str]) -> list[Rule]:
    """The deal's own record, one row: what deal.yaml must hold."""
    rules = [Rule("ExpectTableRowCountToEqual", {"value": 1}, "every deal has exactly one deal.yaml")]
    for column in ("deal_id", "partner", "alliance_type", "term_sheet_date", "effective_date"):
        rules.append(Rule("ExpectColumnValuesToNotBeNull", {"column": column}, f"deal.yaml must give {column}"))
    rules += [
        Rule(
            "ExpectColumnValuesToMatchRegex",
            {"column": "deal_id", "regex": DEAL_ID_PATTERN.pattern},
            "is not a valid deal id: use lowercase letters, digits, '-' and '_'",
        ),
        Rule(
            "ExpectColumnValuesToBeInSet",
            {"column": "alliance_type", "value_set": list(alliance_types)},
            "is not an alliance type of the playbook",
        ),
        Rule(
            "ExpectColumnPairValuesAToBeGreaterThanB",
            {
                "column_A": "effective_date",
                "column_B": "term_sheet_date",
                "or_equal": True,
                "ignore_row_if": "either_value_is_missing",
            },
            "the effective date is before the term-sheet date",
        ),
    ]
    return rules


def answer_rules(dimension_ids: Sequence[str]) -> list[Rule]:
    rules = [
        Rule("ExpectTableRowCountToBeBetween", {"min_value": 1}, "the deal has no usable answers"),
    ]
    for column in (
        "respondent_id",
        "respondent_side",
        "division",
        "level",
        "rated_side",
        "dimension_id",
        "status",
        "source_file",
        "source_row",
    ):
        rules.append(Rule("ExpectColumnValuesToNotBeNull", {"column": column}, f"{column} must be filled"))
    rules += [
        Rule(
            "ExpectColumnValuesToBeInTypeList",
            {"column": "raw_value", "type_list": ["float64", "Float64"]},
            "answers must be numbers",
        ),
        Rule(
            "ExpectColumnValuesToBeInSet",
            {"column": "respondent_side", "value_set": SIDES},
            "respondent_side must be home or partner",
        ),
        Rule(
            "ExpectColumnValuesToBeInSet",
            {"column": "rated_side", "value_set": SIDES},
            "rated_side must be home or partner",
        ),
        Rule(
            "ExpectColumnValuesToBeInSet",
            {"column": "level", "value_set": LEVELS},
            "level must be executive, middle or operational",
        ),
        Rule(
            "ExpectColumnValuesToBeInSet",
            {"column": "status", "value_set": STATUSES},
            "status must be answered, not_applicable or unknown",
        ),
        Rule(
            "ExpectColumnValuesToBeInSet",
            {"column": "dimension_id", "value_set": list(dimension_ids)},
            "dimension must be one of the framework's dimensions",
        ),
        Rule(
            "ExpectColumnPairValuesAToBeGreaterThanB",
            {
                "column_A": "raw_value",
                "column_B": "scale_min",
                "or_equal": True,
                "ignore_row_if": "either_value_is_missing",
            },
            "an answer lies below its dimension's scale",
        ),
        Rule(
            "ExpectColumnPairValuesAToBeGreaterThanB",
            {
                "column_A": "scale_max",
                "column_B": "raw_value",
                "or_equal": True,
                "ignore_row_if": "either_value_is_missing",
            },
            "an answer lies above its dimension's scale",
        ),
        Rule(
            "ExpectColumnValuesToBeBetween",
            {"column": "norm_value", "min_value": 0, "max_value": 1},
            "every answer must lie on its dimension's scale",
        ),
        Rule(
            "ExpectCompoundColumnsToBeUnique",
            {"column_list": ["respondent_id", "rated_side", "dimension_id"]},
            "a respondent answers each dimension once per organization rated",
        ),
        Rule(
            "ExpectColumnValuesToBeInSet",
            {"column": "respondent_side", "value_set": ["partner"], "mostly": 0.0001},
            "at least one answer must come from the partner's side",
        ),
    ]
    return rules


def respondent_rules() -> list[Rule]:
    """One row per distinct (respondent id, side, division, level) of a deal."""
    return [
        Rule(
            "ExpectColumnValuesToBeUnique",
            {"column": "respondent_id"},
            "a respondent id names one person, with one side, division and level",
        ),
    ]


def evidence_rules(dimension_ids: Sequence[str]) -> list[Rule]:
    return [
        Rule(
            "ExpectColumnValuesToBeInSet",
            {"column": "about_side", "value_set": SIDES},
            "about_side must be home or partner",
        ),
        Rule(
            "ExpectColumnValuesToBeInSet",
            {"column": "kind", "value_set": EVIDENCE_KINDS},
            "kind must be strength, weakness or observation",
        ),
        Rule(
            "ExpectColumnValuesToBeInSet",
            {"column": "dimension_id", "value_set": list(dimension_ids)},
            "dimension must be one of the framework's dimensions",
        ),
        Rule("ExpectColumnValuesToNotBeNull", {"column": "observation"}, "observation must be filled"),
    ]


def maturity_rules(area_ids: Sequence[str]) -> list[Rule]:
    """One row per accepted maturity level (maturity.csv, questionnaires' "Maturity" sheet)."""
    rules = [
        Rule("ExpectColumnValuesToNotBeNull", {"column": column}, f"{column} must be filled")
        for column in ("respondent_id", "respondent_side", "rated_side", "area_id", "level")
    ]
    return [
        *rules,
        Rule(
            "ExpectColumnValuesToBeInSet",
            {"column": "respondent_side", "value_set": SIDES},
            "respondent_side must be home or partner",
        ),
        Rule(
            "ExpectColumnValuesToBeInSet",
            {"column": "rated_side", "value_set": SIDES},
            "rated_side must be home or partner",
        ),
        Rule(
            "ExpectColumnValuesToBeInSet",
            {"column": "area_id", "value_set": list(area_ids)},
            "area must be one of the maturity model's areas",
        ),
        Rule(
            "ExpectColumnValuesToBeBetween",
            {"column": "level", "min_value": 1, "max_value": 4},
            "a maturity level is a whole number from 1 to 4",
        ),
        Rule(
            "ExpectCompoundColumnsToBeUnique",
            {"column_list": ["respondent_id", "rated_side", "area_id"]},
            "a respondent gives one level per area and organization rated",
        ),
    ]


def respondent_count_rules(min_respondents: int) -> list[Rule]:
    """Warning, run on one side's answers about itself."""
    return [
        Rule(
            "ExpectColumnUniqueValueCountToBeBetween",
            {"column": "respondent_id", "min_value": min_respondents},
            f"is fewer than {min_respondents} respondents rating their own organization",
            "warning",
        ),
    ]


def coverage_rules(dimension_count: int, min_coverage: float) -> list[Rule]:
    """Warning, run on the answered answers about one side (by anyone)."""
    needed = math.ceil(round(dimension_count * min_coverage, 9))
    return [
        Rule(
            "ExpectColumnUniqueValueCountToBeBetween",
            {"column": "dimension_id", "min_value": needed},
            f"dimensions have an answer, fewer than {needed} ({min_coverage:.0%} of the framework's {dimension_count})",
            "warning",
        ),
    ]


def validate(table: str, frame: pd.DataFrame, rules: Sequence[Rule]) -> list[CheckOutcome]:
    """Run ``rules`` over ``frame`` in memory; one outcome per rule."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False))
    context = gx.get_context(mode="ephemeral", project_config=config)
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas(name=f"{table}_source")
    asset = source.add_dataframe_asset(name=table)
    batch_definition = asset.add_batch_definition_whole_dataframe(f"{table}_whole")
    suite = context.suites.add(gx.ExpectationSuite(name=f"{table}_suite"))
    for i, rule in enumerate(rules):
        suite.add_expectation(getattr(gx.expectations, rule.kind)(**rule.kwargs, meta={"rule": i}))
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame.reset_index(drop=True)})
    result = batch.validate(suite, result_format={"result_format": "SUMMARY"})

    outcomes = []
    by_rule = {int(r.expectation_config.meta["rule"]): r for r in result.results if r.expectation_config}
    for i, rule in enumerate(rules):
        res = by_rule[i]
        details = res.result or {}
        examples = tuple(_example(v) for v in (details.get("partial_unexpected_list") or [])[:5])
        column = (
            rule.kwargs.get("column")
            or ",".join(rule.kwargs.get("column_list", []))
            or ",".join(rule.kwargs[k] for k in ("column_A", "column_B") if k in rule.kwargs)
        )
        observed = details.get("observed_value")
        outcomes.append(
            CheckOutcome(
                table=table,
                expectation=rule.kind,
                column=column,
                passed=bool(res.success),
                severity=rule.severity,
                message=rule.message,
                unexpected_count=int(details.get("unexpected_count") or 0),
                examples=examples,
                observed="" if observed is None else _example(observed),
            )
        )
    return outcomes


def _example(value: object) -> str:
    if isinstance(value, tuple | list):
        return " / ".join(_example(v) for v in value)
    if isinstance(value, pd.Timestamp) or type(value).__name__ == "datetime64":
        return str(pd.Timestamp(value).date())
    return str(value)
