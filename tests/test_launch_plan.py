"""The 100-day launch plan on the fake playbook: the seed's tasks, the tasks selected mitigations add, committee
meetings, all inside the 100 days, on business days, after what they depend on, and the same every time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import deal_yaml
from fake_playbook import PARTIES, SEED_TASK_IDS, edit_file, matched, write_fake_playbook

from dd_pipeline.drafting.launch_plan import BusinessDays, PlanTask, build_plan
from dd_pipeline.matching import MatchResult
from dd_pipeline.models import Deal, HomeOrganization
from dd_pipeline.playbook import Playbook, load_playbook

HOME = HomeOrganization(name="Home Test Co", short_name="HomeCo")
EFFECTIVE = dt.date(2027, 3, 1)  # a Monday


@pytest.fixture
def playbook(tmp_path: Path) -> Playbook:
    return load_playbook(write_fake_playbook(tmp_path))


def make_deal(**fields: object) -> Deal:
    return Deal.model_validate(deal_yaml("d1", effective_date=EFFECTIVE.isoformat(), **fields))


def matches(playbook: Playbook, *findings: tuple[str, str, str | None, str]) -> MatchResult:
    """Findings given as (kind, dimension, side, band)."""
    return matched(playbook, *findings)


def plan(playbook: Playbook, result: MatchResult | None = None, **deal_fields: object) -> list[PlanTask]:
    return build_plan(playbook, make_deal(**deal_fields), result or MatchResult([], []), parties=PARTIES, home=HOME)


def tasks_of(tasks: list[PlanTask]) -> dict[str, PlanTask]:
    return {t.id: t for t in tasks if t.kind == "task"}


def test_without_findings_the_plan_is_the_seed_and_the_meetings(playbook: Playbook) -> None:
    tasks = plan(playbook)

    assert sorted(tasks_of(tasks)) == sorted(SEED_TASK_IDS)
    assert {t.origin for t in tasks_of(tasks).values()} == {"seed"}
    assert tasks_of(tasks)["kickoff"].title == "Joint kickoff of the alliance team"
    assert tasks_of(tasks)["kickoff"].workstream_name == "Launch review"
    meetings = [t for t in tasks if t.kind == "meeting"]
    assert meetings and {t.origin for t in meetings} == {"governance"}


def test_a_selected_mitigation_adds_its_task_with_the_organizations_named(playbook: Playbook) -> None:
    tasks = tasks_of(plan(playbook, matches(playbook, ("shortfall", "alliance_priority", "partner", "high"))))

    added = tasks["priority_review_session"]
    assert added.origin == "mitigation:priority_review"
    assert added.workstream_name == "Governance set-up"
    assert added.title == "PartnerCo presents its priorities to HomeCo"
    assert added.owner == "partner"  # short_side: the organization that falls short
    assert added.gaps == ["alliance_priority"]
    assert set(SEED_TASK_IDS) < set(tasks)


def test_the_home_side_falling_short_gets_the_task_the_same_way(playbook: Playbook) -> None:
    tasks = tasks_of(plan(playbook, matches(playbook, ("shortfall", "alliance_priority", "home", "high"))))

    assert tasks["priority_review_session"].title == "HomeCo presents its priorities to PartnerCo"
    assert tasks["priority_review_session"].owner == "home"


def test_a_suggested_mitigation_adds_no_task(playbook: Playbook) -> None:
    result = matches(playbook, ("shortfall", "alliance_priority", "partner", "moderate"))
    assert [m.status for m in result.matches] == ["suggested"]

    assert sorted(tasks_of(plan(playbook, result))) == sorted(SEED_TASK_IDS)


def test_a_joint_mitigation_adds_a_joint_milestone(playbook: Playbook) -> None:
    tasks = tasks_of(plan(playbook, matches(playbook, ("difference", "conflict_style", None, "critical"))))

    workshop = tasks["conflict_norms_workshop"]
    assert (workshop.owner, workshop.milestone) == ("joint", True)
    # business days 20 to 23 after Monday 1 March: Monday 29 March to Thursday 1 April, calendar day 31
    assert (workshop.start, workshop.end) == (dt.date(2027, 3, 29), dt.date(2027, 4, 1))
    assert (workshop.end_calendar_day, workshop.milestone_day) == (31, 60)  # reached by the day-60 milestone


def all_findings(playbook: Playbook) -> MatchResult:
    return matches(
        playbook,
        ("shortfall", "alliance_priority", "partner", "high"),
        ("difference", "conflict_style", None, "critical"),
        ("shortfall", "am_maturity", "home", "high"),
    )


@pytest.mark.parametrize("calendar", ["none", "US", "DE-BY"])
def test_every_task_and_meeting_lies_within_the_100_days_on_business_days(playbook: Playbook, calendar: str) -> None:
    tasks = plan(playbook, all_findings(playbook), holiday_calendar=calendar)
    last = EFFECTIVE + dt.timedelta(days=playbook.launch_plan.horizon_days)
    days = BusinessDays(calendar)

    for t in tasks:
        assert t.start is not None and t.end is not None
        assert EFFECTIVE <= t.start <= t.end <= last, t.id
        assert 0 <= t.end_calendar_day <= 100, t.id
        assert days.is_business_day(t.start) and days.is_business_day(t.end), t.id
        if t.milestone:
            assert t.milestone_day in (30, 60, 90, 100), t.id


def test_no_task_starts_before_what_it_depends_on_has_ended(playbook: Playbook) -> None:
    tasks = tasks_of(plan(playbook, all_findings(playbook)))

    for t in tasks.values():
        for dep in t.depends_on:
            assert t.start > tasks[dep].end, f"{t.id} starts before {dep} ends"
    assert tasks["priority_review_session"].depends_on == ["committee_staffing"]


def test_no_committee_meets_before_the_committees_are_staffed(playbook: Playbook) -> None:
    tasks = plan(playbook)
    staffed = tasks_of(tasks)["committee_first_meetings"].start
    meetings = [t for t in tasks if t.kind == "meeting"]

    assert all(m.start >= staffed for m in meetings)
    operating = [m.start_day for m in meetings if m.id.startswith("operating_")]
    steering = [m.start_day for m in meetings if m.id.startswith("steering_")]
    assert operating[0] >= 5 and steering[0] >= 10
    assert {b - a for a, b in zip(operating, operating[1:], strict=False)} == {21}  # monthly in governance.yaml
    assert len(steering) == 1  # quarterly (63 business days) fits once into 100 calendar days


def test_the_same_input_gives_the_same_plan(playbook: Playbook) -> None:
    first = plan(playbook, all_findings(playbook), holiday_calendar="US")
    second = plan(playbook, all_findings(playbook), holiday_calendar="US")

    assert first == second
    assert [t.id for t in first] == [t.id for t in second]


def test_the_order_of_the_selected_mitigations_does_not_change_the_plan(playbook: Playbook) -> None:
    result = all_findings(playbook)
    reversed_result = MatchResult(list(reversed(result.matches)), result.uncovered)

    assert plan(playbook, result) == plan(playbook, reversed_result)


def test_a_public_holiday_inside_a_task_makes_it_end_a_business_day_later(playbook: Playbook) -> None:
    plain = tasks_of(plan(playbook))["closeout"]
    us = tasks_of(plan(playbook, holiday_calendar="US"))["closeout"]

    assert plain.start == us.start == dt.date(2027, 5, 28)  # business day 64, a Friday
    assert plain.end == dt.date(2027, 6, 3)
    assert us.end == dt.date(2027, 6, 4)  # Memorial Day, Monday 31 May, is not worked


def test_a_task_owned_by_the_other_side_goes_to_the_peer_of_the_one_falling_short(tmp_path: Path) -> None:
    root = write_fake_playbook(tmp_path)
    edit_file(root, "mitigations/governance.yaml", "        owner: short_side", "        owner: other_side")
    playbook = load_playbook(root)

    partner_short = tasks_of(plan(playbook, matches(playbook, ("shortfall", "alliance_priority", "partner", "high"))))
    home_short = tasks_of(plan(playbook, matches(playbook, ("shortfall", "alliance_priority", "home", "high"))))

    assert partner_short["priority_review_session"].owner == "home"
    assert home_short["priority_review_session"].owner == "partner"


def test_a_task_for_a_weakness_both_share_is_joint_and_names_no_one(playbook: Playbook) -> None:
    tasks = tasks_of(plan(playbook, matches(playbook, ("shared", "alliance_priority", None, "high"))))

    task = tasks["priority_review_session"]
    assert task.owner == "joint"
    assert task.title == "each Party presents its priorities to the other Party"
    assert "HomeCo" not in task.title and "PartnerCo" not in task.title
