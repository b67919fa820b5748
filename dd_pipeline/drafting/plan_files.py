"""The launch plan as CSV, XLSX and ICS, and the mitigation list as CSV."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dd_pipeline.drafting.launch_plan import PlanTask
from dd_pipeline.matching import MatchResult
from dd_pipeline.models import Deal
from dd_pipeline.outputs import atomic_write_bytes, atomic_write_text, csv_text, safe_cell
from dd_pipeline.sanitize import one_line
from dd_pipeline.zipfiles import stamped_workbook, workbook_bytes

PLAN_COLUMNS = ["id", "kind", "workstream", "workstream_name", "title", "owner", "owner_role", "start_date",
                "end_date", "start_business_day", "end_business_day", "end_calendar_day", "depends_on",
                "milestone", "milestone_day", "origin", "addresses_gaps"]


def plan_rows(tasks: list[PlanTask]) -> list[list[object]]:
    return [
        [t.id, t.kind, t.workstream, t.workstream_name, t.title, t.owner, t.owner_role,
         t.start.isoformat() if t.start else "", t.end.isoformat() if t.end else "", t.start_day,
         t.start_day + t.duration_days - 1, t.end_calendar_day, " ".join(t.depends_on),
         "yes" if t.milestone else "", t.milestone_day if t.milestone_day is not None else "",
         t.origin, " ".join(t.gaps)]
        for t in tasks
    ]


def plan_csv(tasks: list[PlanTask]) -> str:
    return csv_text(PLAN_COLUMNS, plan_rows(tasks))


def plan_xlsx(deal: Deal, tasks: list[PlanTask]) -> bytes:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    wb = stamped_workbook(deal.term_sheet_date, str(safe_cell(f"Launch plan: {deal.partner_label}")))

    sheet = wb.active
    sheet.title = "Plan"
    sheet.append(PLAN_COLUMNS)
    for row in plan_rows(tasks):
        sheet.append([safe_cell(v) for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
    widths = {"title": 60, "workstream_name": 34, "owner_role": 28, "addresses_gaps": 40, "depends_on": 30}
    for i, name in enumerate(PLAN_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = widths.get(name, 14)
    for row in sheet.iter_rows(min_row=2):
        row[PLAN_COLUMNS.index("title")].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    last = f"{get_column_letter(len(PLAN_COLUMNS))}{len(tasks) + 1}"
    table = Table(displayName="LaunchPlan", ref=f"A1:{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    sheet.add_table(table)

    marks = wb.create_sheet("Milestones")
    marks.append(["milestone_day", "date due", "id", "title", "owner"])
    for cell in marks[1]:
        cell.font = Font(bold=True)
    for t in tasks:
        if t.milestone:
            day = t.milestone_day if t.milestone_day is not None else "after 100"
            marks.append([day, t.end.isoformat() if t.end else "", t.id, safe_cell(t.title), safe_cell(t.owner_role)])
    for col, width in zip("ABCDE", (14, 12, 34, 70, 28), strict=True):
        marks.column_dimensions[col].width = width

    return workbook_bytes(wb)


def plan_ics(deal: Deal, tasks: list[PlanTask]) -> bytes:
    """Milestones and committee meetings as all-day calendar events."""
    from icalendar import Calendar, Event, vText

    def text(value: str) -> vText:
        # Every text property as a vText (escaped per RFC 5545) on one line: no value can end a property.
        return vText(one_line(value))

    cal = Calendar()
    cal.add("prodid", "-//dd-pipeline//launch plan//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", text(f"Launch plan: {deal.partner_label}"))
    stamp = dt.datetime.combine(deal.term_sheet_date, dt.time(), tzinfo=dt.UTC)
    for t in tasks:
        if not (t.milestone or t.kind == "meeting") or t.end is None:
            continue
        day = (t.start or t.end) if t.kind == "meeting" else t.end
        event = Event()
        event.add("uid", text(f"{deal.deal_id}-{t.id}@dd-pipeline"))
        event.add("dtstamp", stamp)
        event.add("summary", text(t.title if t.kind == "meeting" else f"Milestone: {t.title}"))
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("description", text(f"{t.workstream_name}. Owner: {t.owner} ({t.owner_role})."
                                      + (f" Due by day {t.milestone_day}." if t.milestone_day else "")))
        event.add("categories", ["meeting" if t.kind == "meeting" else "milestone"])
        cal.add_component(event)
    return cal.to_ical()


MITIGATION_COLUMNS = ["rank", "status", "mitigation_id", "title", "type", "owner_role", "effort",
                      "worst_severity", "covers_dimensions", "reason", "challenges", "clauses", "tasks", "source"]


def mitigations_csv(result: MatchResult) -> str:
    rows: list[list[object]] = []
    for m in result.matches:
        mit = m.mitigation
        rows.append([m.rank, m.status, mit.id, mit.title, mit.type.value, mit.owner_role, mit.effort.value,
                     m.worst_severity, " ".join(m.dimensions), "; ".join(m.reasons), " ".join(mit.challenges),
                     " ".join(mit.clauses) if m.status == "selected" else "",
                     " ".join(t.id for t in mit.tasks) if m.status == "selected" else "", mit.source])
    for g in result.uncovered:
        rows.append(["", "uncovered", "", f"No mitigation in the library covers: {g.name}", "", "", "",
                     g.severity, g.dimension_id,
                     f"{g.name} gap is {g.band.value if g.band else '-'}; add a mitigation to assets/mitigations/",
                     "", "", "", ""])
    return csv_text(MITIGATION_COLUMNS, rows)


def write_plan_files(folder: Path, deal: Deal, tasks: list[PlanTask]) -> list[Path]:
    paths = [folder / "launch_plan.csv", folder / "launch_plan.xlsx", folder / "launch_plan.ics"]
    atomic_write_text(paths[0], plan_csv(tasks))
    atomic_write_bytes(paths[1], plan_xlsx(deal, tasks))
    atomic_write_bytes(paths[2], plan_ics(deal, tasks))
    return paths
