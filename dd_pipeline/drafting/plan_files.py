"""The launch plan as CSV, XLSX and ICS, and the mitigation list as CSV."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dd_pipeline.drafting.launch_plan import BusinessDays, PlanTask
from dd_pipeline.findings import describe, party_names, render_side_text
from dd_pipeline.matching import MatchResult
from dd_pipeline.models import Deal, HomeOrganization
from dd_pipeline.outputs import atomic_write_bytes, atomic_write_text, csv_text, safe_cell
from dd_pipeline.sanitize import one_line, xml_text
from dd_pipeline.zipfiles import stamped_workbook, workbook_bytes

if TYPE_CHECKING:
    from icalendar import Component
    from openpyxl.worksheet.worksheet import Worksheet

PLAN_COLUMNS = [
    "id",
    "kind",
    "workstream",
    "workstream_name",
    "title",
    "owner",
    "owner_role",
    "start_date",
    "end_date",
    "start_business_day",
    "end_business_day",
    "end_calendar_day",
    "depends_on",
    "milestone",
    "milestone_day",
    "origin",
    "addresses_gaps",
]


def plan_rows(tasks: list[PlanTask]) -> list[list[object]]:
    return [
        [
            t.id,
            t.kind,
            t.workstream,
            t.workstream_name,
            t.title,
            t.owner,
            t.owner_role,
            t.start.isoformat() if t.start else "",
            t.end.isoformat() if t.end else "",
            t.start_day,
            t.start_day + t.duration_days - 1,
            t.end_calendar_day,
            " ".join(t.depends_on),
            "yes" if t.milestone else "",
            t.milestone_day if t.milestone_day is not None else "",
            t.origin,
            " ".join(t.gaps),
        ]
        for t in tasks
    ]


def plan_csv(tasks: list[PlanTask]) -> str:
    return csv_text(PLAN_COLUMNS, plan_rows(tasks))


PAPER_SIZES = {"A4": 9, "Letter": 1}  # openpyxl's page_setup.paperSize codes
DATE_FORMAT = "yyyy-mm-dd"
HEADER_FILL = "1F4E79"
# Light tints, one per workstream in plan order, dark enough to print in greyscale.
WORKSTREAM_TINTS = (
    "9DC3E6",
    "A9D18E",
    "F4B183",
    "FFD966",
    "C9A0DC",
    "8FD3D0",
    "F8A5A5",
    "B4C7E7",
    "C5E0B4",
    "F8CBAD",
    "D9D2E9",
    "BDD7EE",
)

# The Plan sheet: (header, width); what a reader looks for first comes first.
SHEET_COLUMNS = [
    ("Task", 56),
    ("Owner", 24),
    ("Side", 11),
    ("Workstream", 24),
    ("Start", 11),
    ("End", 11),
    ("Milestone", 12),
    ("Depends on", 26),
    ("Kind", 9),
    ("First business day", 10),
    ("Last business day", 10),
    ("Calendar day of end", 10),
    ("Came from", 26),
    ("Addresses gaps", 26),
    ("ID", 28),
]
PRINTED_COLUMNS = 8  # Task .. Depends on: what fits a landscape page in a readable size
LINE_HEIGHT = 15  # points per line of 11-point text


def _side(owner: str, deal: Deal, home: HomeOrganization | None) -> str:
    if owner == "home":
        return home.short_name if home else "Home"
    if owner == "partner":
        return deal.partner_label
    return "Joint"


def _due(task: PlanTask) -> str:
    if not task.milestone:
        return ""
    return f"Day {task.milestone_day}" if task.milestone_day is not None else "After day 100"


def _sheet_row(task: PlanTask, deal: Deal, home: HomeOrganization | None) -> list[object]:
    return [
        task.title,
        task.owner_role,
        _side(task.owner, deal, home),
        task.workstream_name,
        task.start,
        task.end,
        _due(task),
        " ".join(task.depends_on),
        "Meeting" if task.kind == "meeting" else "Task",
        task.start_day,
        task.start_day + task.duration_days - 1,
        task.end_calendar_day,
        task.origin,
        " ".join(task.gaps),
        task.id,
    ]


def _fit_height(sheet, row: int) -> None:  # type: ignore[no-untyped-def]
    """Give a row of wrapped text the height its longest cell needs (spreadsheet programs do not all
    grow rows by themselves when they open a file)."""
    from openpyxl.utils import get_column_letter

    lines = 1
    for cell in sheet[row]:
        if isinstance(cell.value, str) and cell.value:
            width = sheet.column_dimensions[get_column_letter(cell.column)].width or 10
            per_line = max(1, int(width * 1.2) - 2)
            lines = max(lines, sum(-(-len(part) // per_line) for part in cell.value.split("\n")))
    sheet.row_dimensions[row].height = lines * LINE_HEIGHT


def _header(sheet, row: int, values: list[str], widths: list[float]) -> None:  # type: ignore[no-untyped-def]
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    for i, (value, width) in enumerate(zip(values, widths, strict=True), start=1):
        cell = sheet.cell(row=row, column=i, value=value)
        cell.font = Font(name="Calibri", bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.row_dimensions[row].height = 32


def _print_setup(sheet, deal: Deal, home: HomeOrganization | None, title_rows: str) -> None:  # type: ignore[no-untyped-def]
    """Landscape, every column on one page width, headers repeated on every page, page numbers below."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = PAPER_SIZES[deal.paper_for(home)]
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = title_rows
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    # & starts a code in a header; the name is one line of text XML can hold
    sheet.oddHeader.left.text = one_line(xml_text(f"Launch plan: {deal.partner_label}")).replace("&", "&&")
    sheet.oddHeader.right.text = "&A"
    sheet.oddFooter.center.text = "Page &P of &N"


def plan_xlsx(deal: Deal, tasks: list[PlanTask], home: HomeOrganization | None = None) -> bytes:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = stamped_workbook(deal.term_sheet_date, str(safe_cell(f"Launch plan: {deal.partner_label}")))

    sheet = wb.active
    sheet.title = "Plan"
    _header(sheet, 1, [h for h, _ in SHEET_COLUMNS], [w for _, w in SHEET_COLUMNS])
    dates = {i for i, (h, _) in enumerate(SHEET_COLUMNS) if h in ("Start", "End")}
    for task in tasks:
        sheet.append([safe_cell(v) for v in _sheet_row(task, deal, home)])
        for i, cell in enumerate(sheet[sheet.max_row]):
            cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left" if i in dates else None)
            if i in dates:
                cell.number_format = DATE_FORMAT
        _fit_height(sheet, sheet.max_row)
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(SHEET_COLUMNS))}{len(tasks) + 1}"
    _print_setup(sheet, deal, home, "1:1")
    sheet.print_area = f"A1:{get_column_letter(PRINTED_COLUMNS)}{len(tasks) + 1}"

    _timeline_sheet(wb.create_sheet("Timeline"), deal, home, tasks)

    marks = wb.create_sheet("Milestones")
    _header(marks, 1, ["Due by", "Date", "Task", "Owner", "Workstream", "ID"], [14, 13, 64, 26, 28, 28])
    for t, _, _ in sorted((d for d in _dated(tasks) if d[0].milestone), key=lambda d: (d[2], d[0].id)):
        marks.append([_due(t), t.end, safe_cell(t.title), safe_cell(t.owner_role), safe_cell(t.workstream_name), t.id])
        for cell in marks[marks.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        marks.cell(row=marks.max_row, column=2).number_format = DATE_FORMAT
        _fit_height(marks, marks.max_row)
    marks.freeze_panes = "A2"
    marks.auto_filter.ref = f"A1:F{marks.max_row}"
    _print_setup(marks, deal, home, "1:1")

    days = BusinessDays(deal.holidays_for(home))
    off = wb.create_sheet("Holidays")
    _header(off, 1, ["Date", "Public holiday (not a business day in this plan)"], [12, 60])
    dated = _dated(tasks)
    if dated and days.calendar != "none":
        day, last = min(start for _, start, _ in dated), max(end for _, _, end in dated)
        while day <= last:
            if day.weekday() < 5 and days.holiday(day):
                off.append([day, days.holiday(day)])
                off.cell(row=off.max_row, column=1).number_format = DATE_FORMAT
            day += dt.timedelta(days=1)
    off.append([])
    off.append(
        [f"Holiday calendar: {days.calendar} (deal.yaml holiday_calendar, else the home organization's country)"]
    )
    off.cell(row=off.max_row, column=1).font = Font(name="Calibri", italic=True)
    off.freeze_panes = "A2"
    _print_setup(off, deal, home, "1:1")

    return workbook_bytes(wb)


def _dated(tasks: list[PlanTask]) -> list[tuple[PlanTask, dt.date, dt.date]]:
    """The tasks that have a start and an end date, with those dates."""
    return [(t, t.start, t.end) for t in tasks if t.start is not None and t.end is not None]


def _timeline_sheet(sheet: Worksheet, deal: Deal, home: HomeOrganization | None, tasks: list[PlanTask]) -> None:
    """A Gantt chart in cells: one row per task, grouped by workstream, one column per week, the weeks a
    task runs shaded in its workstream's colour; a diamond marks the week a milestone is due."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    work = [d for d in _dated(tasks) if d[0].kind == "task"]
    meetings = [d for d in _dated(tasks) if d[0].kind == "meeting"]
    if not work and not meetings:
        sheet.append(["The plan has no dated tasks."])
        return
    first = min(start for _, start, _ in work + meetings)
    last = max(end for _, _, end in work + meetings)
    monday = first - dt.timedelta(days=first.weekday())
    weeks = [monday + dt.timedelta(weeks=i) for i in range((last - monday).days // 7 + 1)]
    fixed = ["Workstream", "Task", "Start", "End"]
    marks = {}
    for day in sorted({t.milestone_day for t, _, _ in work if t.milestone_day is not None}):
        when = deal.effective_date + dt.timedelta(days=day)
        marks[(when - monday).days // 7] = f"day {day}"
    headers = fixed + [f"Week {i + 1}" + (f" ({marks[i]})" if i in marks else "") for i in range(len(weeks))]
    _header(sheet, 1, headers, [22, 44, 11, 11] + [6.5] * len(weeks))
    for i in range(len(weeks)):
        sheet.cell(row=1, column=len(fixed) + 1 + i).alignment = Alignment(
            wrap_text=True, vertical="center", horizontal="center", text_rotation=90
        )
    sheet.row_dimensions[1].height = 78
    sheet.append(["", "Week starting", "", ""] + weeks)
    for i in range(len(weeks)):
        cell = sheet.cell(row=2, column=len(fixed) + 1 + i)
        cell.number_format = "d mmm"
        cell.alignment = Alignment(text_rotation=90, horizontal="center")
        cell.font = Font(name="Calibri", size=8)
    sheet.row_dimensions[2].height = 40

    order: list[str] = []
    for t, _, _ in work:
        if t.workstream not in order:
            order.append(t.workstream)
    tints = {ws: WORKSTREAM_TINTS[i % len(WORKSTREAM_TINTS)] for i, ws in enumerate(order)}
    rows: list[tuple[str, str, str, dt.date, dt.date, set[int], set[int]]] = []
    for ws in order:
        for t, start, end in sorted(
            (d for d in work if d[0].workstream == ws), key=lambda d: (d[0].start_day, d[0].id)
        ):
            span = set(range((start - monday).days // 7, (end - monday).days // 7 + 1))
            due = {(end - monday).days // 7} if t.milestone else set()
            rows.append((ws, t.workstream_name, t.title, start, end, span, due))
    committees: dict[str, list[tuple[PlanTask, dt.date, dt.date]]] = {}
    for m in meetings:
        committees.setdefault(m[0].owner_role, []).append(m)
    for committee, items in committees.items():
        span = {(start - monday).days // 7 for _, start, _ in items}
        rows.append(
            (
                "governance_meetings",
                "Committee meetings",
                f"{committee} meetings",
                items[0][1],
                items[-1][1],
                span,
                set(),
            )
        )
    tints.setdefault("governance_meetings", "BFBFBF")

    thin = Side(style="thin", color="FFFFFF")
    previous = None
    for ws, ws_name, title, start, end, span, due in rows:
        sheet.append([safe_cell(ws_name), safe_cell(title), start, end])  # on every row, so the filter finds them all
        row = sheet.max_row
        sheet.cell(row=row, column=1).font = (
            Font(name="Calibri", bold=True) if ws != previous else Font(name="Calibri", color="A6A6A6")
        )
        for col in (1, 2, 3, 4):
            sheet.cell(row=row, column=col).alignment = Alignment(wrap_text=True, vertical="top")
        _fit_height(sheet, row)
        for col in (3, 4):
            sheet.cell(row=row, column=col).number_format = DATE_FORMAT
        for week in span:
            cell = sheet.cell(row=row, column=len(fixed) + 1 + week)
            cell.fill = PatternFill("solid", fgColor=tints[ws])
            cell.border = Border(left=thin, right=thin)
            if week in due:
                cell.value = "\u25c6"
                cell.alignment = Alignment(horizontal="center", vertical="top")
        previous = ws
    sheet.freeze_panes = sheet.cell(row=3, column=len(fixed) + 1).coordinate
    sheet.auto_filter.ref = f"A2:{get_column_letter(len(headers))}{sheet.max_row}"
    _print_setup(sheet, deal, home, "1:2")
    sheet.append([])
    sheet.append(
        [
            "",
            "Shaded: the weeks a task runs. \u25c6: the week a milestone is due. Weeks start on "
            "Monday; public holidays are not business days.",
        ]
    )
    sheet.cell(row=sheet.max_row, column=2).font = Font(name="Calibri", italic=True)


def plan_ics(
    deal: Deal, tasks: list[PlanTask], home: HomeOrganization | None = None, previous: bytes | None = None
) -> bytes:
    """Milestones as all-day events, committee meetings at their time of day in their time zone.

    ``previous`` is the calendar published before (if any): an event whose content changed since gets a
    higher SEQUENCE, so a calendar program updates its copy on re-import; an event no longer in the plan
    is kept as cancelled. Unchanged events keep their SEQUENCE, so the same inputs give the same file.
    """
    from zoneinfo import ZoneInfo

    from icalendar import Calendar, Event, vText

    def text(value: str) -> vText:
        # Every text property as a vText (escaped per RFC 5545) on one line: no value can end a property.
        return vText(one_line(value))

    cal = Calendar()
    cal.add("prodid", "-//dd-pipeline//launch plan//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", text(f"Launch plan: {deal.partner_label}"))
    stamp = dt.datetime.combine(deal.term_sheet_date, dt.time(), tzinfo=dt.UTC)
    zone = ZoneInfo(deal.meeting_zone(home))
    hour, minute = (int(part) for part in deal.governance.meeting_time.split(":"))
    before = _previous_events(previous)
    uids = set()
    for t in tasks:
        if not (t.milestone or t.kind == "meeting") or t.end is None:
            continue
        day = (t.start or t.end) if t.kind == "meeting" else t.end
        event = Event()
        uid = f"{deal.deal_id}-{t.id}@dd-pipeline"
        event.add("uid", text(uid))
        event.add("dtstamp", stamp)
        event.add("summary", text(t.title if t.kind == "meeting" else f"Milestone: {t.title}"))
        if t.kind == "meeting":
            begins = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)
            event.add("dtstart", begins)
            event.add("dtend", begins + dt.timedelta(minutes=deal.governance.meeting_minutes))
        else:
            event.add("dtstart", day)
            event.add("dtend", day + dt.timedelta(days=1))
            event.add("transp", "TRANSPARENT")
        event.add(
            "description",
            text(
                f"{t.workstream_name}. Owner: {t.owner} ({t.owner_role})."
                + (f" Due by day {t.milestone_day}." if t.milestone_day else "")
            ),
        )
        event.add("categories", ["meeting" if t.kind == "meeting" else "milestone"])
        event.add("sequence", _sequence(event, before.get(uid)))
        cal.add_component(event)
        uids.add(uid)
    for uid in sorted(set(before) - uids):
        gone = before[uid][2]
        if str(gone.get("status", "")).upper() != "CANCELLED":
            gone["status"] = "CANCELLED"
            gone["sequence"] = before[uid][0] + 1
        cal.add_component(gone)
    meetings = [t.start for t in tasks if t.kind == "meeting" and t.start]
    if meetings:
        cal.add_missing_timezones(
            first_date=dt.date(min(meetings).year, 1, 1), last_date=dt.date(max(meetings).year + 1, 12, 31)
        )
    return cal.to_ical()


_COMPARED = ("summary", "description", "dtstart", "dtend", "categories", "transp", "status", "location")


Content = tuple[tuple[str, bytes, tuple[tuple[str, str], ...]], ...]
Previous = tuple[int, Content, "Component"]


def _content(event: Component) -> Content:
    """What a calendar program shows of an event, as it reads back from the file."""
    from icalendar import Event

    parsed = Event.from_ical(event.to_ical())
    found: list[tuple[str, bytes, tuple[tuple[str, str], ...]]] = []
    for name in _COMPARED:
        if name in parsed:
            value: Any = parsed[name]
            for item in value if isinstance(value, list) else [value]:
                ical = item.to_ical()
                params = tuple(sorted((str(k), str(v)) for k, v in item.params.items()))
                found.append((name, ical if isinstance(ical, bytes) else str(ical).encode(), params))
    return tuple(found)


def _sequence(event: Component, before: Previous | None) -> int:
    if before is None:
        return 0
    sequence, content, _ = before
    return sequence if _content(event) == content else sequence + 1


def _previous_events(data: bytes | None) -> dict[str, Previous]:
    """UID -> (SEQUENCE, content, event) of the calendar published before; nothing if it cannot be read."""
    if not data:
        return {}
    from icalendar import Calendar

    try:
        events = Calendar.from_ical(data).walk("VEVENT")
        found: dict[str, Previous] = {}
        for event in events:
            uid = str(event.get("uid", ""))
            if uid:
                found[uid] = (int(event.get("sequence", 0)), _content(event), event)
        return found
    except (ValueError, TypeError):
        return {}


MITIGATION_COLUMNS = [
    "rank",
    "status",
    "mitigation_id",
    "title",
    "type",
    "owner",
    "owner_role",
    "effort",
    "worst_severity",
    "covers_dimensions",
    "covers_findings",
    "reason",
    "challenges",
    "clauses",
    "tasks",
    "source",
]


def mitigations_csv(result: MatchResult, parties: Mapping[str, str] | None = None) -> str:
    names = dict(parties or party_names())
    owner_words = {"home": names["home"], "partner": names["partner"], "joint": "joint"}
    rows: list[list[object]] = []
    for m in result.matches:
        mit = m.mitigation
        rows.append(
            [
                m.rank,
                m.status,
                mit.id,
                render_side_text(mit.title, m.sides, names),
                mit.type.value,
                owner_words[m.owner_side],
                mit.owner_role,
                mit.effort.value,
                m.worst_severity,
                " ".join(m.dimensions),
                " ".join(m.findings),
                "; ".join(m.reasons),
                " ".join(mit.challenges),
                " ".join(mit.clauses) if m.status == "selected" else "",
                " ".join(t.id for t in mit.tasks) if m.status == "selected" else "",
                mit.source,
            ]
        )
    for f in result.uncovered:
        rows.append(
            [
                "",
                "uncovered",
                "",
                f"No mitigation in the library covers: {describe(f, names)}",
                "",
                "",
                "",
                "",
                f.severity,
                f.dimension_id,
                f.finding_id,
                f"{describe(f, names)} is {f.band.value if f.band else '-'}; add a mitigation to assets/mitigations/",
                "",
                "",
                "",
                "",
            ]
        )
    return csv_text(MITIGATION_COLUMNS, rows)


def write_plan_files(
    folder: Path,
    deal: Deal,
    tasks: list[PlanTask],
    home: HomeOrganization | None = None,
    previous_ics: bytes | None = None,
) -> list[Path]:
    """``previous_ics``: the calendar published before; read from ``folder`` when not given."""
    paths = [folder / "launch_plan.csv", folder / "launch_plan.xlsx", folder / "launch_plan.ics"]
    if previous_ics is None and paths[2].is_file():
        previous_ics = paths[2].read_bytes()
    atomic_write_text(paths[0], plan_csv(tasks))
    atomic_write_bytes(paths[1], plan_xlsx(deal, tasks, home))
    atomic_write_bytes(paths[2], plan_ics(deal, tasks, home, previous_ics))
    return paths
