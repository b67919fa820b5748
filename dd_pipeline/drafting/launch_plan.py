"""The 100-day launch plan: the seed workstreams, the tasks selected mitigations add, and the committee
meetings the governance clause sets up, scheduled in business days from the effective date.

The schedule is deterministic and no task starts before the tasks it depends on have ended. Business
days skip weekends and the public holidays of the deal's calendar: a task and a meeting are placed at
their weekday from the effective date (moved past a holiday), a task lasts its duration in business days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from dd_pipeline.findings import party_names, render_side_text
from dd_pipeline.matching import MatchResult, resolve_owner
from dd_pipeline.models import Deal, GovernanceFile, HomeOrganization, LaunchPlanSeed
from dd_pipeline.playbook import Playbook


@dataclass
class PlanTask:
    id: str
    workstream: str
    workstream_name: str
    title: str
    owner: str
    owner_role: str
    start_day: int  # business days after the effective date (0 = the effective date)
    duration_days: int
    depends_on: list[str]
    milestone: bool
    origin: str  # "seed", "mitigation:<id>" or "governance"
    gaps: list[str] = field(default_factory=list)
    start: dt.date | None = None
    end: dt.date | None = None
    end_calendar_day: int = 0
    milestone_day: int | None = None
    kind: str = "task"  # task or meeting


class BusinessDays:
    """Monday to Friday, less the public holidays of one calendar ("US", "DE-BY"; "none" for none)."""

    def __init__(self, calendar: str = "none") -> None:
        import holidays

        self.calendar = calendar
        country, _, region = calendar.partition("-")
        self._holidays = None if calendar == "none" else holidays.country_holidays(country, subdiv=region or None)

    def holiday(self, day: dt.date) -> str | None:
        """The name of the public holiday on ``day``, if it is one."""
        return None if self._holidays is None else self._holidays.get(day)

    def is_business_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and self.holiday(day) is None

    def first(self, day: dt.date) -> dt.date:
        """``day`` itself if it is a business day, else the next one."""
        while not self.is_business_day(day):
            day += dt.timedelta(days=1)
        return day

    def add(self, start: dt.date, days: int) -> dt.date:
        """The business day ``days`` business days after ``start`` (itself a business day)."""
        day = start
        remaining = days
        while remaining > 0:
            day += dt.timedelta(days=1)
            if self.is_business_day(day):
                remaining -= 1
        return day

    def at(self, day0: dt.date, weekdays: int) -> dt.date:
        """The date ``weekdays`` weekdays after ``day0``, moved to the next business day if it is a holiday.

        Seed tasks and meetings are placed this way, so a public holiday lengthens the tasks it falls in
        and moves the one meeting on it, instead of shifting everything after it by a day.
        """
        return self.first(WEEKDAYS.add(day0, weekdays))

    def between(self, start: dt.date, end: dt.date) -> int:
        """How many business days after ``start`` come before or on ``end``."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_business_day(day)
        return count

    def within(self, start: dt.date, calendar_days: int) -> int:
        """How many business days after ``start`` still fall within ``calendar_days`` calendar days."""
        count = 0
        day = start
        end = start + dt.timedelta(days=calendar_days)
        while True:
            day += dt.timedelta(days=1)
            if day > end:
                return count
            if self.is_business_day(day):
                count += 1


WEEKDAYS = BusinessDays()


def _order(tasks: dict[str, PlanTask]) -> list[str]:
    """Dependencies first; ties broken by start day and id so the order never depends on input order."""
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(task_id: str, path: tuple[str, ...]) -> None:
        if state.get(task_id) == 2:
            return
        if state.get(task_id) == 1:
            raise ValueError("launch-plan tasks depend on each other in a circle: " + " -> ".join(path))
        state[task_id] = 1
        for dep in sorted(tasks[task_id].depends_on, key=lambda d: (tasks[d].start_day, d)):
            visit(dep, (*path, dep))
        state[task_id] = 2
        order.append(task_id)

    for task_id in sorted(tasks, key=lambda t: (tasks[t].start_day, t)):
        visit(task_id, (task_id,))
    return order


def build_plan(
    playbook: Playbook,
    deal: Deal,
    matches: MatchResult,
    cadences: dict[str, str] | None = None,
    parties: Mapping[str, str] | None = None,
    home: HomeOrganization | None = None,
) -> list[PlanTask]:
    """``cadences`` may override steering_cadence / operating_cadence (see drafting.clauses.effective_context).
    A mitigation's task owned by ``short_side`` goes to the organization its findings concern (home or
    partner), with the organizations named in its title (``parties``: side -> name).

    Business days skip weekends and the public holidays of the deal's holiday calendar (by default the
    home organization's country).
    """
    names_of = dict(parties or party_names())
    days = BusinessDays(deal.holidays_for(home))
    seed = playbook.launch_plan
    names = {w.id: w.name for w in seed.workstreams}
    tasks: dict[str, PlanTask] = {}
    for ws in seed.workstreams:
        for t in ws.tasks:
            tasks[t.id] = PlanTask(
                t.id,
                ws.id,
                ws.name,
                t.title,
                t.owner,
                t.owner_role,
                t.start_day,
                t.duration_days,
                list(t.depends_on),
                t.milestone,
                "seed",
            )
    for match in matches.selected:
        for spec in match.mitigation.tasks:
            if spec.id in tasks:
                existing = tasks[spec.id]
                existing.gaps.extend(d for d in match.dimensions if d not in existing.gaps)
                continue
            tasks[spec.id] = PlanTask(
                spec.id,
                spec.workstream,
                names.get(spec.workstream, spec.workstream),
                render_side_text(spec.title, match.sides, names_of),
                resolve_owner(spec.owner, match.sides),
                spec.owner_role,
                spec.start_day,
                spec.duration_days,
                list(spec.depends_on),
                spec.milestone,
                f"mitigation:{match.mitigation.id}",
                list(match.dimensions),
            )

    day0 = days.first(deal.effective_date)
    for task_id in _order(tasks):
        task = tasks[task_id]
        start = days.at(day0, task.start_day)
        for dep in task.depends_on:
            start = max(start, days.add(tasks[dep].end, 1))  # type: ignore[arg-type]
        _place(
            task, days, day0, start, days.add(start, task.duration_days - 1), seed.milestone_days, deal.effective_date
        )

    staffed = tasks.get(seed.meetings.after_task or "")
    staffed_weekday = WEEKDAYS.between(day0, staffed.start) if staffed and staffed.start else 0
    meetings = _meetings(deal, days, day0, seed, playbook.governance, cadences or {}, staffed_weekday)
    ordered = sorted(tasks.values(), key=lambda t: (t.start_day, t.workstream, t.id))
    return ordered + meetings


def _place(
    task: PlanTask,
    days: BusinessDays,
    day0: dt.date,
    start: dt.date,
    end: dt.date,
    marks: list[int],
    effective: dt.date,
) -> None:
    task.start, task.end = start, end
    task.start_day = days.between(day0, start)
    task.end_calendar_day = (end - effective).days
    if task.milestone:
        task.milestone_day = next((m for m in sorted(marks) if task.end_calendar_day <= m), None)


def _meetings(
    deal: Deal,
    days: BusinessDays,
    day0: dt.date,
    seed: LaunchPlanSeed,
    rules: GovernanceFile,
    cadences: dict[str, str],
    staffed_weekday: int,
) -> list[PlanTask]:
    """Committee meetings within the horizon, at the cadence the governance clause sets, none before the
    committees are staffed (the seed's ``meetings.after_task`` has started), each on the same weekday as the
    one before; one that would fall on a public holiday moves to the next business day."""
    horizon, marks = seed.horizon_days, seed.milestone_days
    gov = deal.governance
    last = WEEKDAYS.within(day0, horizon - (day0 - deal.effective_date).days)
    last_date = deal.effective_date + dt.timedelta(days=horizon)
    meetings = []
    steering = cadences.get("steering_cadence", gov.steering_cadence)
    operating = cadences.get("operating_cadence", gov.operating_cadence)
    for slug, committee, cadence, first in (
        ("steering", gov.steering_committee, steering, seed.meetings.steering_first_day),
        ("operating", gov.operating_committee, operating, seed.meetings.operating_first_day),
    ):
        step = rules.days_between(str(cadence), slug)
        day, n = max(first, staffed_weekday), 1
        while day <= last and days.at(day0, day) <= last_date:
            task = PlanTask(
                f"{slug}_meeting_{n}",
                "governance_meetings",
                "Committee meetings",
                f"{committee} meeting {n}",
                "joint",
                committee,
                day,
                1,
                [],
                False,
                "governance",
                kind="meeting",
            )
            when = days.at(day0, day)
            _place(task, days, day0, when, when, marks, deal.effective_date)
            meetings.append(task)
            day += step
            n += 1
    return sorted(meetings, key=lambda t: (t.start_day, t.id))
