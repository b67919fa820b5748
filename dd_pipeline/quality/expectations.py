"""Great Expectations suites for the input tables, behind one small adapter.

The rest of the code sees plain `CheckOutcome`s. Great Expectations is imported inside `validate`
(it takes seconds to import), runs in an ephemeral context (no folders written) with analytics off.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

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


@dataclass(frozen=True)
class Rule:
    """One expectation, with the words a user reads when it fails."""

    kind: str  # the Great Expectations class name
    kwargs: dict[str, Any]
    message: str
    severity: str = "error"


def answer_rules(dimension_ids: Sequence[str]) -> list[Rule]:
    rules = [
        Rule("ExpectTableRowCountToBeBetween", {"min_value": 1}, "the deal has no usable answers"),
    ]
    for column in ("respondent_id", "respondent_side", "division", "level", "rated_side", "dimension_id",
                   "status", "source_file", "source_row"):
        rules.append(Rule("ExpectColumnValuesToNotBeNull", {"column": column}, f"{column} must be filled"))
    rules += [
        Rule("ExpectColumnValuesToBeInSet", {"column": "respondent_side", "value_set": SIDES},
             "respondent_side must be home or partner"),
        Rule("ExpectColumnValuesToBeInSet", {"column": "rated_side", "value_set": SIDES},
             "rated_side must be home or partner"),
        Rule("ExpectColumnValuesToBeInSet", {"column": "level", "value_set": LEVELS},
             "level must be executive, middle or operational"),
        Rule("ExpectColumnValuesToBeInSet", {"column": "status", "value_set": STATUSES},
             "status must be answered, not_applicable or unknown"),
        Rule("ExpectColumnValuesToBeInSet", {"column": "dimension_id", "value_set": list(dimension_ids)},
             "dimension must be one of the framework's dimensions"),
        Rule("ExpectColumnValuesToBeBetween", {"column": "norm_value", "min_value": 0, "max_value": 1},
             "every answer must lie on its dimension's scale"),
        Rule("ExpectCompoundColumnsToBeUnique", {"column_list": ["respondent_id", "rated_side", "dimension_id"]},
             "a respondent answers each dimension once per organization rated"),
        Rule("ExpectColumnValuesToBeInSet", {"column": "respondent_side", "value_set": ["partner"],
                                             "mostly": 0.0001},
             "at least one answer must come from the partner's side"),
    ]
    return rules


def evidence_rules(dimension_ids: Sequence[str]) -> list[Rule]:
    return [
        Rule("ExpectColumnValuesToBeInSet", {"column": "about_side", "value_set": SIDES},
             "about_side must be home or partner"),
        Rule("ExpectColumnValuesToBeInSet", {"column": "kind", "value_set": EVIDENCE_KINDS},
             "kind must be strength, weakness or observation"),
        Rule("ExpectColumnValuesToBeInSet", {"column": "dimension_id", "value_set": list(dimension_ids)},
             "dimension must be one of the framework's dimensions"),
        Rule("ExpectColumnValuesToNotBeNull", {"column": "observation"}, "observation must be filled"),
    ]


def coverage_rules(dimension_count: int, min_respondents: int, min_coverage: float) -> list[Rule]:
    """Warnings for thin data, run on one side's self-ratings."""
    return [
        Rule("ExpectColumnUniqueValueCountToBeBetween",
             {"column": "respondent_id", "min_value": min_respondents},
             f"fewer than {min_respondents} respondents rate this organization", "warning"),
        Rule("ExpectColumnUniqueValueCountToBeBetween",
             {"column": "dimension_id", "min_value": int(round(dimension_count * min_coverage))},
             f"fewer than {min_coverage:.0%} of the framework's dimensions are answered", "warning"),
    ]


def validate(table: str, frame: pd.DataFrame, rules: Sequence[Rule]) -> list[CheckOutcome]:
    """Run ``rules`` over ``frame`` in memory; one outcome per rule."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    from great_expectations.data_context.types.base import DataContextConfig, InMemoryStoreBackendDefaults

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
    by_rule = {int(r.expectation_config.meta["rule"]): r for r in result.results}
    for i, rule in enumerate(rules):
        res = by_rule[i]
        details = res.result or {}
        examples = tuple(str(v) for v in (details.get("partial_unexpected_list") or [])[:5])
        column = rule.kwargs.get("column") or ",".join(rule.kwargs.get("column_list", []))
        outcomes.append(CheckOutcome(
            table=table, expectation=rule.kind, column=column, passed=bool(res.success),
            severity=rule.severity, message=rule.message,
            unexpected_count=int(details.get("unexpected_count") or 0), examples=examples,
        ))
    return outcomes
