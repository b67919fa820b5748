"""Change reports compare findings row by row on their key and column by column on everything else, so a
column a findings table gains later is compared without a change to the report's code."""

from __future__ import annotations

import json

from dd_pipeline.reporting.changes import State, _Names, compare_states, render

NAMES = _Names(
    {"decision_style": "Decision-making style", "trust_propensity": "Readiness to trust"}, "Larkspur", "Acme"
)


def state(findings, inputs=None, risk=50.0) -> State:
    return State(risk, "high", "pb", "code", inputs if inputs is not None else {}, findings, {}, {}, {})


def gap(**columns):
    row = {
        "dimension_id": "decision_style",
        "dimension_name": "Decision-making style",
        "severity": 50.0,
        "band": "high",
        "home_score": 3.0,
        "partner_score": 1.5,
    }
    row.update(columns)
    return {json.dumps(["decision_style"]): row}


def disagreement(**columns):
    row = {"side": "home", "dimension_id": "trust_propensity", "spread": 0.5, "flagged": True}
    row.update(columns)
    return {json.dumps(["home", "trust_propensity"]): row}


def test_any_changed_column_of_a_finding_is_reported_even_one_added_later():
    before = state(
        {
            "gaps": gap(short_side="home", kind="difference"),
            "internal_disagreement": disagreement(band="moderate"),
            "perception_gaps": {},
        }
    )
    after = state(
        {
            "gaps": gap(short_side="partner", kind="difference", new_column=1),
            "internal_disagreement": disagreement(band="high", severity=61.0),
            "perception_gaps": {},
        }
    )
    changes = compare_states("d1", "Acme Inc.", before, after, NAMES)
    assert changes.other_gaps == ["Decision-making style: short side 'home' -> 'partner'"]
    assert changes.disagreement == ["Readiness to trust, between the divisions of Larkspur: band 'moderate' -> 'high'"]
    report = render(changes)
    assert "No change" not in report
    assert report.index("## Other changes to gaps") < report.index("## Internal disagreement")


def test_a_finding_that_appears_or_goes_is_named():
    before = state({"gaps": {}, "perception_gaps": {}, "internal_disagreement": disagreement()})
    after = state({"gaps": {}, "perception_gaps": {}, "internal_disagreement": {}})
    changes = compare_states("d1", "Acme Inc.", before, after, NAMES)
    assert changes.disagreement == [
        "Readiness to trust, between the divisions of Larkspur: no longer measured (it was flagged)"
    ]


def test_answer_changes_name_respondent_dimension_and_both_values():
    def answer(value, comment=""):
        return {
            json.dumps(["P1", "partner", "trust_propensity"]): {
                "respondent_id": "P1",
                "respondent_side": "partner",
                "division": "Sales",
                "level": "middle",
                "rated_side": "partner",
                "dimension_id": "trust_propensity",
                "status": "answered",
                "raw_value": value,
                "comment": comment,
            }
        }

    before = state({}, {"answers": answer(2.0), "evidence": {}, "deal": {}, "overrides": {}})
    after = state({}, {"answers": answer(4.0, "better now"), "evidence": {}, "deal": {}, "overrides": {}})
    changes = compare_states("d1", "Acme Inc.", before, after, NAMES)
    assert changes.answers == ["P1 (partner) about Acme, Readiness to trust: 2 -> 4; comment - -> 'better now'"]
    assert render(changes).startswith(
        "# What changed: d1 (Acme Inc.)\n\nEngagement-risk index: 50.0 (high) -> 50.0 (high).\n\n## Answers\n\n- P1"
    )
