"""Scoring checked against numbers computed by hand from the formulas in the README."""

from __future__ import annotations

import pytest
from sample_project import accept_and_score

from dd_pipeline.warehouse.connection import connect, frame
from dd_pipeline.warehouse.dashboard_reads import gaps_csv


def score(builder, playbook, home, partner_self, **kwargs):
    builder.home_answers(home)
    builder.deal("d1", partner_self, **kwargs)
    with connect(builder.settings.warehouse_path) as con:
        accept_and_score(con, builder.settings, playbook, "d1")
        gaps = frame(con, "SELECT * FROM gaps WHERE deal_id = 'd1'").set_index("dimension_id")
        # the answers behind each score, as gaps.csv lists them
        lists = gaps_csv(con, "d1").set_index("dimension")[["home_answers", "partner_answers"]]
        gaps = gaps.join(lists)
        tables = {
            name: frame(con, f"SELECT * FROM {name} WHERE deal_id = 'd1'")
            for name in (
                "category_scores",
                "deal_scores",
                "perception_gaps",
                "internal_disagreement",
                "likely_challenges",
            )
        }
    return gaps, tables


def expected_severity(gap: float, weight: float, confidence: float) -> float:
    return round(100 * min(1.0, gap * weight) * (0.5 + 0.5 * confidence), 1)


def test_equal_answers_give_no_gap(builder, playbook):
    gaps, _ = score(builder, playbook, {"decision_style": [3, 3, 3]}, {"decision_style": [3, 3, 3]})
    row = gaps.loc["decision_style"]
    assert row.abs_gap == 0
    assert row.severity == 0
    assert row.band == "low"


def test_symmetric_gap_by_hand(builder, playbook):
    weight = playbook.dimension_by_id["decision_style"].weight_for("co_development")
    gaps, _ = score(builder, playbook, {"decision_style": [4, 4, 4]}, {"decision_style": [2, 2, 2]})
    row = gaps.loc["decision_style"]
    assert (row.home_score, row.partner_score) == (4, 2)
    assert (row.home_norm, row.partner_norm) == (0.75, 0.25)
    assert row.signed_gap == -0.5
    assert row.weight == weight
    assert row.confidence == 1
    assert row.severity == expected_severity(0.5, weight, 1.0)
    assert row.home_answers == "H01=4; H02=4; H03=4"


def test_swapping_home_and_partner_keeps_absolute_gap(builder, playbook):
    gaps_a, _ = score(builder, playbook, {"decision_style": [4, 5, 4]}, {"decision_style": [1, 2, 2]})
    gaps_b, _ = score(builder, playbook, {"decision_style": [1, 2, 2]}, {"decision_style": [4, 5, 4]})
    a, b = gaps_a.loc["decision_style"], gaps_b.loc["decision_style"]
    assert a.abs_gap == b.abs_gap
    assert a.signed_gap == -b.signed_gap
    assert a.severity == b.severity


@pytest.mark.parametrize(
    ("home", "partner", "short"), [([2, 2, 2], [4, 4, 4], "partner"), ([4, 4, 4], [2, 2, 2], "home")]
)
def test_one_sided_dimension_counts_a_shortfall_of_either_side(builder, playbook, home, partner, short):
    """Fewer approval layers are better: whichever side needs more of them falls short, home or partner."""
    dim = playbook.dimension_by_id["approval_layers"]
    assert dim.direction.value == "lower_is_better"
    gaps, _ = score(builder, playbook, {"approval_layers": home}, {"approval_layers": partner})
    row = gaps.loc["approval_layers"]
    assert row.abs_gap == 0.5 and row.effective_gap == 0.5
    assert row.kind == "shortfall" and row.short_side == short
    assert row.severity == expected_severity(0.5, dim.weight_for("co_development"), 1.0)


def test_not_applicable_and_unknown_drop_out_and_nothing_gives_empty(builder, playbook):
    gaps, tables = score(
        builder,
        playbook,
        {"decision_style": [4, "n/a", "unknown"], "time_horizon": ["n/a", "n/a", "n/a"]},
        {"decision_style": [4, 4, 4], "time_horizon": [5, 5, 5]},
    )
    ds = gaps.loc["decision_style"]
    assert ds.home_n == 1 and ds.home_score == 4
    th = gaps.loc["time_horizon"]
    assert th.home_score != th.home_score  # NaN: empty, not 0
    assert th.severity != th.severity
    assert th.band is None or th.band != th.band
    unanswered = gaps.loc["risk_tolerance"]
    assert unanswered.home_n == 0 and unanswered.partner_n == 0 and unanswered.severity != unanswered.severity
    assert tables["deal_scores"].iloc[0].dimensions_scored == 1


def test_few_respondents_and_disagreement_lower_confidence(builder, playbook):
    weight = playbook.dimension_by_id["decision_style"].weight_for("co_development")
    gaps, _ = score(builder, playbook, {"decision_style": [1, 5]}, {"decision_style": [1]})
    row = gaps.loc["decision_style"]
    # home: 2 of 3 respondents, normalized spread 0.5 (the widest) -> (2/3) x (1 - 0.5) = 1/3
    assert row.home_confidence == pytest.approx(1 / 3, abs=1e-4)
    # partner: 1 respondent -> 1/3, no spread
    assert row.partner_confidence == pytest.approx(1 / 3, abs=1e-4)
    assert row.severity == expected_severity(0.5, weight, 1 / 3)


def test_agreement_items_are_red_amber_green(builder, playbook):
    assert playbook.dimension_by_id["governance_authority"].scale.kind.value == "agreement"
    gaps, _ = score(builder, playbook, {"governance_authority": [3, 3, 3]}, {"governance_authority": [2, 3]})
    row = gaps.loc["governance_authority"]
    assert row.home_rag == "green"  # 3.00 is green (at or above 3.00)
    assert row.partner_rag == "red"  # 2.50 is red (at or below 2.50)
    gaps, _ = score(builder, playbook, {"governance_authority": [2, 3, 3]}, {"governance_authority": [4, 4]})
    assert gaps.loc["governance_authority"].home_rag == "amber"


def test_perception_gap_compares_self_view_with_other_view(builder, playbook):
    _, tables = score(
        builder,
        playbook,
        {"trust_propensity": [5, 5, 5]},
        {"trust_propensity": [3, 3, 3]},
        partner_about_home={"trust_propensity": [2, 2, 2]},
    )
    p = tables["perception_gaps"].set_index(["dimension_id", "rated_side"]).loc[("trust_propensity", "home")]
    assert (p.self_view, p.other_view) == (5, 2)
    assert p.difference == -0.75
    assert bool(p.flagged)


def test_internal_disagreement_between_divisions(builder, playbook):
    _, tables = score(
        builder,
        playbook,
        {"priority_stability": [3, 3, 3]},
        {"priority_stability": [1, 5, 1, 5]},
        partner_divisions=["Research", "Commercial"],
    )
    rows = tables["internal_disagreement"].set_index(["side", "dimension_id"])
    p = rows.loc[("partner", "priority_stability")]
    assert (p.lowest_division, p.highest_division) == ("Research", "Commercial")
    assert p.spread == 1.0 and bool(p.flagged)
    assert not bool(rows.loc[("home", "priority_stability")].flagged)


def test_rollups_follow_the_formulas(builder, playbook):
    home = {
        "decision_style": [4, 4, 4],
        "approval_layers": [1, 1, 1],
        "risk_tolerance": [3, 3, 3],
        "conflict_style": [4, 4, 4],
        "time_horizon": [2, 2, 2],
        "trust_propensity": [4, 4, 4],
    }
    partner = {
        "decision_style": [1, 1, 1],
        "approval_layers": [5, 5, 5],
        "risk_tolerance": [2, 2, 2],
        "conflict_style": [4, 4, 4],
        "time_horizon": [5, 5, 5],
        "trust_propensity": [1, 1, 1],
    }
    gaps, tables = score(builder, playbook, home, partner)
    scored = gaps[gaps.severity.notna()]
    top = scored.sort_values("severity", ascending=False).severity.head(5).mean()
    weighted = (scored.severity * scored.weight).sum() / scored.weight.sum()
    deal = tables["deal_scores"].iloc[0]
    assert deal.risk_index == pytest.approx(round(0.6 * top + 0.4 * weighted, 1), abs=0.051)
    assert deal.dimensions_scored == 6
    cats = tables["category_scores"].set_index("category_id")
    structure = scored[scored.category_id == "structure"]
    expected = (structure.severity * structure.weight).sum() / structure.weight.sum()
    assert cats.loc["structure"].score == pytest.approx(round(expected, 1), abs=0.051)
    assert cats.loc["capabilities"].dimensions_scored == 0
    assert cats.loc["capabilities"].score != cats.loc["capabilities"].score  # empty, not 0
    assert list(gaps.sort_values("rank").dropna(subset=["rank"]).index[:1]) == [
        scored.sort_values(["severity", "weight"], ascending=False).index[0]
    ]


def write_overrides(builder, text: str) -> None:
    (builder.settings.deal_dir("d1") / "overrides.yaml").write_text(text, encoding="utf-8")


def test_override_sets_severity_keeps_the_computed_value_and_reranks(builder, playbook):
    home = {"decision_style": [4, 4, 4], "conflict_style": [4, 4, 4]}
    partner = {"decision_style": [1, 1, 1], "conflict_style": [3, 3, 3]}
    builder.home_answers(home)
    builder.deal("d1", partner)
    write_overrides(
        builder,
        """
overrides:
  - dimension: decision_style
    severity: 10
    reason: Both decision styles were mapped in a joint workshop and a protocol is agreed.
    author: Ann Home
    date: 2027-02-01
""",
    )
    with connect(builder.settings.warehouse_path) as con:
        accept_and_score(con, builder.settings, playbook, "d1")
        gaps = frame(con, "SELECT * FROM gaps WHERE deal_id = 'd1'").set_index("dimension_id")
    ds = gaps.loc["decision_style"]
    assert bool(ds.overridden) and ds.severity == 10 and ds.band == "low"
    assert ds.computed_band == "critical" and ds.computed_severity > 70
    assert ds.override_author == "Ann Home" and "joint workshop" in ds.override_reason
    assert gaps.loc["conflict_style"]["rank"] == 1  # the override moved decision_style down the ranking
    assert not bool(gaps.loc["conflict_style"].overridden)


def test_override_without_a_reason_is_refused(builder, playbook):
    builder.home_answers({"decision_style": [4, 4, 4]})
    builder.deal("d1", {"decision_style": [1, 1, 1]})
    write_overrides(
        builder, "overrides:\n  - dimension: decision_style\n    band: low\n    author: Ann\n    date: 2027-02-01\n"
    )
    from dd_pipeline.errors import ProblemList

    with connect(builder.settings.warehouse_path) as con, pytest.raises(ProblemList) as caught:
        accept_and_score(con, builder.settings, playbook, "d1")
    assert [str(p) for p in caught.value.problems] == [
        "inputs/deals/d1/overrides.yaml, line 2, overrides[0].reason: is missing or too short: every override needs a "
        "reason (at least 10 characters) that stays on record"
    ]


def test_home_scores_may_come_from_the_deal_folder_alone(builder, playbook):
    from tests.conftest import write_csv

    builder.deal("d1", {"decision_style": [1, 1, 1]})
    write_csv(
        builder.settings.deal_dir("d1") / "answers_home.csv",
        [[f"H0{i}", "home", "R&D", "middle", "home", "decision_style", 4, ""] for i in (1, 2, 3)],
    )
    with connect(builder.settings.warehouse_path) as con:
        inputs = accept_and_score(con, builder.settings, playbook, "d1")
        row = frame(
            con, "SELECT home_score, home_n FROM gaps WHERE deal_id = 'd1' AND dimension_id = 'decision_style'"
        ).iloc[0]
    assert (row.home_score, row.home_n) == (4, 3)
    assert [p.severity for p in inputs.problems if "inputs/home" in p.file] == ["warning"]


def test_a_deal_with_no_answers_about_home_is_refused(builder, playbook):
    from dd_pipeline.errors import ProblemList

    builder.deal("d1", {"decision_style": [1, 1, 1]})
    with connect(builder.settings.warehouse_path) as con, pytest.raises(ProblemList) as caught:
        accept_and_score(con, builder.settings, playbook, "d1")
    assert "inputs/deals/d1, rated_side: has no answers about the home organization" in str(caught.value)
