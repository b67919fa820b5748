"""Governance defaults, cadences, escalation-tier wording and the key-question weight come from assets/: an edit
there changes what a deal gets, without touching code."""

from __future__ import annotations

from pathlib import Path

import yaml
from conftest import DealBuilder

from dd_pipeline.drafting.clauses import standard_context
from dd_pipeline.drafting.launch_plan import build_plan
from dd_pipeline.intake.deal_folder import read_deal
from dd_pipeline.intake.questionnaire import sheet_plans
from dd_pipeline.matching import MatchResult
from dd_pipeline.models import Deal, HomeOrganization
from dd_pipeline.playbook import Playbook, load_playbook

HOME = HomeOrganization(name="Home Test Co", short_name="HomeCo")


def _edit(path: Path, change: dict[str, object], under: str | None = None) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    (data[under] if under else data).update(change)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _read(builder: DealBuilder, **deal_fields: object) -> tuple[Playbook, Deal]:
    settings = builder.settings
    playbook = load_playbook(settings.assets_dir)
    folder = builder.deal("d1", {"decision_style": [3, 3, 3]}, **deal_fields)
    intake = read_deal(folder, settings.inputs_dir.parent, playbook)
    about_deal_yaml = [str(p) for p in intake.problems if p.file.endswith("deal.yaml")]
    assert about_deal_yaml == []  # the answers are beside the point here
    assert intake.deal is not None
    return playbook, intake.deal


def test_a_deal_gets_the_governance_defaults_of_the_playbook_key_by_key(builder: DealBuilder) -> None:
    governance = builder.settings.assets_dir / "framework" / "governance.yaml"
    _edit(governance, {"steering_committee": "Alliance Board", "escalation_days": [5, 7]}, under="defaults")

    _, deal = _read(builder, governance={"operating_committee": "Alliance Team"})

    assert deal.governance.steering_committee == "Alliance Board"  # from governance.yaml
    assert deal.governance.escalation_days == [5, 7]
    assert deal.governance.operating_committee == "Alliance Team"  # deal.yaml wins where it speaks


def test_a_cadence_added_to_the_playbook_can_be_chosen_and_spaces_the_meetings(builder: DealBuilder) -> None:
    governance = builder.settings.assets_dir / "framework" / "governance.yaml"
    _edit(governance, {"every three weeks": 15}, under="cadences")

    playbook, deal = _read(builder, governance={"operating_cadence": "every three weeks"})
    tasks = build_plan(playbook, deal, MatchResult([], []), home=HOME)

    days = [t.start_day for t in tasks if t.kind == "meeting" and t.id.startswith("operating_")]
    assert len(days) >= 3
    assert {b - a for a, b in zip(days, days[1:], strict=False)} == {15}


def test_the_escalation_tiers_are_worded_in_the_clause_file(builder: DealBuilder) -> None:
    clauses = builder.settings.assets_dir / "clauses" / "20_escalation_disputes.yaml"
    text = clauses.read_text(encoding="utf-8")
    clauses.write_text(text.replace("  - the Chief Executive Officers\n", "  - the Boards of Directors\n"), "utf-8")

    playbook, deal = _read(builder, governance={"operating_committee": "Alliance Team", "escalation_days": [3, 4, 5]})
    tiers = standard_context(deal, HOME, playbook)["escalation_tiers"]

    assert [t["body"] for t in tiers] == [
        "the Alliance Team",
        "the Joint Steering Committee",
        "the Boards of Directors",
    ]
    assert [t["days"] for t in tiers] == [3, 4, 5]


def _starred(playbook: Playbook, alliance_type: str) -> int:
    return sum(1 for p in sheet_plans(playbook) for d in p.dimensions if p.is_key(d, alliance_type))


def test_the_key_question_weight_comes_from_scoring_yaml(builder: DealBuilder) -> None:
    scoring = builder.settings.assets_dir / "framework" / "scoring.yaml"
    before = _starred(load_playbook(builder.settings.assets_dir), "co_development")
    _edit(scoring, {"key_item_weight": 0})

    after = _starred(load_playbook(builder.settings.assets_dir), "co_development")

    assert 0 < before < after  # at weight 0 every question counts as a key question
    assert after == len(load_playbook(builder.settings.assets_dir).dimensions)
