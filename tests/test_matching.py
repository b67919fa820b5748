"""Matching the library to a deal's findings, on the fake playbook: a finding at the selecting band selects a
mitigation, a milder one only suggests it, and the two organizations are peers (which one is called home
changes nothing but the names)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from fake_playbook import GAP_COLUMNS, PARTIES, edit_file, finding_row, write_fake_playbook

from dd_pipeline.matching import MatchResult, match_mitigations, matches_frame
from dd_pipeline.playbook import Playbook, load_playbook

FINDING_COLUMNS = ["finding_id", "kind", "dimension_id", "dimension_name", "side", "band", "severity", "size_scale"]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_fake_playbook(tmp_path)


@pytest.fixture
def playbook(root: Path) -> Playbook:
    return load_playbook(root)


def finding(playbook: Playbook, kind: str, dimension: str, side: str | None, band: str, severity: float) -> dict:
    return finding_row(playbook, kind, dimension, side, band, severity)


def match(playbook: Playbook, *findings: dict, parties: dict[str, str] = PARTIES) -> MatchResult:
    frame = pd.DataFrame(list(findings), columns=[*FINDING_COLUMNS, "detail"])
    gaps = pd.DataFrame(
        [
            {"dimension_id": d.id, "dimension_name": d.name, "home_score": 3.0, "partner_score": 3.0}
            for d in playbook.dimensions
        ],
        columns=GAP_COLUMNS,
    )
    return match_mitigations(playbook, frame, gaps, "co_development", parties)


def statuses(result: MatchResult) -> dict[str, str]:
    return {m.mitigation.id: m.status for m in result.matches}


def test_a_finding_at_the_selecting_band_selects_the_mitigation(playbook: Playbook) -> None:
    result = match(playbook, finding(playbook, "shortfall", "alliance_priority", "partner", "high", 50.0))

    assert statuses(result) == {"priority_review": "selected"}
    assert [m.mitigation.id for m in result.selected] == ["priority_review"]
    assert result.uncovered == []


def test_a_milder_finding_only_suggests_it_and_is_not_reported_uncovered(playbook: Playbook) -> None:
    result = match(playbook, finding(playbook, "shortfall", "alliance_priority", "partner", "moderate", 30.0))

    assert statuses(result) == {"priority_review": "suggested"}
    assert result.selected == []
    assert result.uncovered == []


def test_a_finding_below_the_triggers_min_band_matches_nothing(playbook: Playbook) -> None:
    result = match(
        playbook,
        finding(playbook, "shortfall", "alliance_priority", "partner", "low", 10.0),
        finding(playbook, "difference", "conflict_style", None, "moderate", 30.0),  # conflict_norms needs high
    )

    assert result.matches == []


def test_a_critical_finding_selects_too(playbook: Playbook) -> None:
    result = match(playbook, finding(playbook, "difference", "conflict_style", None, "critical", 80.0))

    assert statuses(result) == {"conflict_norms": "selected"}


def test_one_selecting_finding_among_milder_ones_selects(playbook: Playbook) -> None:
    result = match(
        playbook,
        finding(playbook, "shortfall", "alliance_priority", "partner", "moderate", 30.0),
        finding(playbook, "shared", "alliance_priority", None, "high", 46.0),
    )

    (only,) = result.matches
    assert only.status == "selected"
    assert only.findings == ["shared:alliance_priority", "shortfall:alliance_priority:partner"]  # worst first
    assert only.worst_severity == 46.0


def test_a_high_finding_no_mitigation_covers_is_listed_as_uncovered(playbook: Playbook) -> None:
    result = match(
        playbook,
        finding(playbook, "difference", "time_horizon", None, "high", 60.0),
        finding(playbook, "shortfall", "alliance_priority", "home", "high", 50.0),
    )

    assert [f.finding_id for f in result.uncovered] == ["difference:time_horizon"]


def test_a_suggested_mitigation_does_not_cover_a_high_finding(playbook: Playbook) -> None:
    # alliance_priority: a moderate shortfall suggests priority_review; the high perception gap is not a kind
    # that triggers it, so it stays uncovered
    result = match(
        playbook,
        finding(playbook, "shortfall", "alliance_priority", "home", "moderate", 30.0),
        finding(playbook, "perception", "alliance_priority", "home", "high", 55.0),
    )

    assert statuses(result) == {"priority_review": "suggested"}
    assert [f.finding_id for f in result.uncovered] == ["perception:alliance_priority:home"]


def test_selected_mitigations_rank_before_suggested_ones(playbook: Playbook) -> None:
    result = match(
        playbook,
        finding(playbook, "shortfall", "alliance_priority", "partner", "moderate", 40.0),
        finding(playbook, "shortfall", "am_maturity", "partner", "high", 45.0),
        finding(playbook, "difference", "conflict_style", None, "critical", 75.0),
    )

    assert [(m.rank, m.mitigation.id, m.status) for m in result.matches] == [
        (1, "conflict_norms", "selected"),
        (2, "joint_training", "selected"),
        (3, "priority_review", "suggested"),
    ]


def test_the_selecting_band_is_read_from_scoring_yaml(root: Path) -> None:
    edit_file(root, "framework/scoring.yaml", "select_band: high", "select_band: moderate")
    playbook = load_playbook(root)

    result = match(playbook, finding(playbook, "shortfall", "alliance_priority", "partner", "moderate", 30.0))

    assert statuses(result) == {"priority_review": "selected"}


@pytest.mark.parametrize("band", ["moderate", "high"])
def test_home_falling_short_is_handled_like_the_partner_falling_short(playbook: Playbook, band: str) -> None:
    home_short = match(playbook, finding(playbook, "shortfall", "alliance_priority", "home", band, 50.0))
    partner_short = match(playbook, finding(playbook, "shortfall", "alliance_priority", "partner", band, 50.0))

    assert statuses(home_short) == statuses(partner_short) == {"priority_review": home_short.matches[0].status}
    assert home_short.matches[0].owner_side == "home"  # owned_by short_side: the side that falls short
    assert partner_short.matches[0].owner_side == "partner"
    assert home_short.matches[0].reasons == [
        f"HomeCo falls short of PartnerCo on Alliance priority: {band}, severity 50.0"
    ]
    assert partner_short.matches[0].reasons == [
        f"PartnerCo falls short of HomeCo on Alliance priority: {band}, severity 50.0"
    ]


def test_swapping_which_organization_is_called_home_changes_nothing_a_user_reads(playbook: Playbook) -> None:
    as_home = match(
        playbook,
        finding(playbook, "shortfall", "alliance_priority", "home", "high", 50.0),
        finding(playbook, "shortfall", "am_maturity", "partner", "moderate", 30.0),
        parties={"home": "Acme", "partner": "Zenith"},
    )
    swapped = match(
        playbook,
        finding(playbook, "shortfall", "alliance_priority", "partner", "high", 50.0),
        finding(playbook, "shortfall", "am_maturity", "home", "moderate", 30.0),
        parties={"home": "Zenith", "partner": "Acme"},
    )

    def seen(result: MatchResult, parties: dict[str, str]) -> list[tuple]:
        return [
            (m.rank, m.mitigation.id, m.status, parties.get(m.owner_side, m.owner_side), m.reasons)
            for m in result.matches
        ]

    assert seen(as_home, {"home": "Acme", "partner": "Zenith"}) == seen(swapped, {"home": "Zenith", "partner": "Acme"})
    assert seen(as_home, {"home": "Acme", "partner": "Zenith"})[0][3] == "Acme"


def test_a_weakness_both_share_makes_the_mitigation_joint(playbook: Playbook) -> None:
    result = match(playbook, finding(playbook, "shared", "alliance_priority", None, "high", 50.0))

    (only,) = result.matches
    assert only.owner_side == "joint"
    assert only.reasons == ["Both HomeCo and PartnerCo are weak on Alliance priority: high, severity 50.0"]


def with_condition(root: Path, side: str = "either") -> Playbook:
    """joint_training also applies when an organization's own score on am_maturity is 2 or lower."""
    edit_file(
        root,
        "mitigations/training.yaml",
        "        min_band: high\n",
        f"        min_band: high\n      - conditions:\n          - dimension: am_maturity\n            side: {side}\n"
        "            at_most: 2\n",
    )
    return load_playbook(root)


def match_scores(playbook: Playbook, home: float | None, partner: float | None) -> MatchResult:
    frame = pd.DataFrame([], columns=[*FINDING_COLUMNS, "detail"])
    gaps = pd.DataFrame(
        [
            {
                "dimension_id": "am_maturity",
                "dimension_name": "Alliance management maturity",
                "home_score": home,
                "partner_score": partner,
            }
        ],
        columns=GAP_COLUMNS,
    )
    return match_mitigations(playbook, frame, gaps, "co_development", PARTIES)


@pytest.mark.parametrize(
    ("home", "partner", "who"), [(1.5, 3.5, "HomeCo scores 1.5"), (3.5, 1.5, "PartnerCo scores 1.5")]
)
def test_a_condition_met_by_either_organization_selects_and_says_who(
    root: Path, home: float, partner: float, who: str
) -> None:
    result = match_scores(with_condition(root), home, partner)

    (only,) = result.matches
    assert (only.mitigation.id, only.status) == ("joint_training", "selected")
    assert only.reasons == [f"condition met on Alliance management maturity (at most 2): {who}"]


def test_a_condition_met_by_neither_organization_matches_nothing(root: Path) -> None:
    playbook = with_condition(root)

    assert match_scores(playbook, 3.0, 2.5).matches == []
    assert match_scores(playbook, None, None).matches == []  # no scores: nothing to go on


def test_a_condition_on_both_needs_both_organizations(root: Path) -> None:
    playbook = with_condition(root, side="both")

    assert match_scores(playbook, 1.5, 3.5).matches == []
    (only,) = match_scores(playbook, 1.5, 2.0).matches
    assert only.reasons == [
        "condition met on Alliance management maturity (at most 2): HomeCo scores 1.5; PartnerCo scores 2.0"
    ]


def test_the_warehouse_rows_lead_from_each_mitigation_back_to_its_findings(playbook: Playbook) -> None:
    result = match(
        playbook,
        finding(playbook, "shared", "alliance_priority", None, "high", 50.0),
        finding(playbook, "shortfall", "alliance_priority", "home", "moderate", 30.0),
    )

    rows = matches_frame("d1", result)

    assert rows[["mitigation_id", "status", "finding_id", "kind", "dimension_id", "position"]].values.tolist() == [
        ["priority_review", "selected", "shared:alliance_priority", "shared", "alliance_priority", 0],
        ["priority_review", "selected", "shortfall:alliance_priority:home", "shortfall", "alliance_priority", 1],
    ]
    assert set(rows["deal_id"]) == {"d1"}


def test_a_shared_weakness_with_one_sides_shortfall_is_owned_jointly(root: Path) -> None:
    edit_file(
        root,
        "mitigations/governance.yaml",
        "dimensions: [alliance_priority]",
        "dimensions: [alliance_priority, am_maturity]",
    )
    playbook = load_playbook(root)

    result = match(
        playbook,
        finding(playbook, "shared", "am_maturity", None, "high", 60.0),  # both are weak here
        finding(playbook, "shortfall", "alliance_priority", "home", "high", 50.0),
    )

    review = next(m for m in result.matches if m.mitigation.id == "priority_review")
    assert review.findings == ["shared:am_maturity", "shortfall:alliance_priority:home"]
    assert review.owner_side == "joint"
