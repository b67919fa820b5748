"""Great Expectations suites for the network tables of a deal (network_people, network_ties), run by the
``network`` asset's check through quality/expectations.py's adapter."""

from __future__ import annotations

import pandas as pd

from dd_pipeline.quality.expectations import LEVELS, SIDES, CheckOutcome, Rule, validate

ROLES = ["sponsor", "governance", "project_lead", "core_team", "peripheral"]
STATUSES = ["active", "reassigned", "left"]
FREQUENCIES = ["daily", "weekly", "monthly", "rarely"]
IMPORTANCES = ["high", "medium", "low"]


def people_rules() -> list[Rule]:
    """One row per person of the network (roster and contacts not surveyed)."""
    return [
        Rule("ExpectColumnValuesToBeUnique", {"column": "person_id"}, "a person_id names one person"),
        Rule(
            "ExpectColumnValuesToBeInSet",
            {"column": "organization", "value_set": SIDES},
            "organization must be home or partner",
        ),
        Rule(
            "ExpectColumnValuesToBeInSet",
            {"column": "level", "value_set": LEVELS},
            "level must be executive, middle or operational (empty only for a contact not surveyed)",
        ),
        Rule(
            "ExpectColumnValuesToBeInSet",
            {"column": "alliance_role", "value_set": ROLES},
            "alliance_role must be sponsor, governance, project_lead, core_team or peripheral",
        ),
        Rule(
            "ExpectColumnValuesToBeInSet",
            {"column": "status", "value_set": STATUSES},
            "status must be active, reassigned or left",
        ),
        Rule(
            "ExpectColumnValuesToBeBetween",
            {"column": "betweenness", "min_value": 0, "max_value": 1},
            "betweenness lies between 0 and 1",
        ),
        Rule(
            "ExpectColumnValuesToBeBetween",
            {"column": "closeness", "min_value": 0, "max_value": 1},
            "closeness lies between 0 and 1",
        ),
        Rule(
            "ExpectColumnValuesToBeBetween",
            {"column": "weighted_degree", "min_value": 0},
            "a weighted degree is never negative",
        ),
        Rule("ExpectColumnValuesToNotBeNull", {"column": "shown_as"}, "every person has a label to show"),
    ]


def tie_rules() -> list[Rule]:
    """One row per tie, however many of its two people named it."""
    return [
        Rule(
            "ExpectCompoundColumnsToBeUnique",
            {"column_list": ["person_a", "person_b"]},
            "a tie named by both people counts once",
        ),
        Rule(
            "ExpectColumnValuesToBeInSet",
            {"column": "frequency", "value_set": FREQUENCIES},
            "frequency must be daily, weekly, monthly or rarely",
        ),
        Rule(
            "ExpectColumnValuesToBeInSet",
            {"column": "importance", "value_set": IMPORTANCES},
            "importance must be high, medium or low",
        ),
        Rule(
            "ExpectColumnValuesToBeBetween",
            {"column": "weight", "min_value": 0, "max_value": 2},
            "a tie's weight lies between 0 and 2 (frequency x importance, plus the close bonus)",
        ),
        Rule(
            "ExpectColumnValuesToBeInSet",
            {"column": "organization_a", "value_set": SIDES},
            "each end of a tie is in home or partner",
        ),
        Rule(
            "ExpectColumnValuesToBeInSet",
            {"column": "organization_b", "value_set": SIDES},
            "each end of a tie is in home or partner",
        ),
    ]


def network_outcomes(people: pd.DataFrame, ties: pd.DataFrame) -> list[CheckOutcome]:
    """Both suites; none for a deal without a roster."""
    if people.empty:
        return []
    outcomes = validate("network people", people, people_rules())
    if not ties.empty:
        outcomes += validate("network ties", ties, tie_rules())
    return outcomes
