"""The launch plan workbook and calendar and the clause document, as the people who open them see them."""

from __future__ import annotations

import datetime as dt
import io
import re

import docx
import icalendar
import openpyxl
import pandas as pd
import pytest
import yaml
from conftest import cli_for, deal_yaml

from dd_pipeline.drafting.clauses import draft_clauses
from dd_pipeline.drafting.documents import NOTE_STYLE, NoteFacts, clauses_docx
from dd_pipeline.drafting.launch_plan import BusinessDays, build_plan
from dd_pipeline.drafting.plan_files import plan_ics, plan_xlsx, write_plan_files
from dd_pipeline.matching import MatchResult
from dd_pipeline.models import Deal, HomeOrganization

HOME = HomeOrganization(name="Home Test Co", short_name="HomeCo")
NO_MATCHES = MatchResult([], [])
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def make_deal(**fields: object) -> Deal:
    return Deal.model_validate(deal_yaml("d1", **fields))


def plan(playbook, deal: Deal, home: HomeOrganization = HOME):  # type: ignore[no-untyped-def]
    return build_plan(playbook, deal, NO_MATCHES, home=home)


def closeout(tasks):  # type: ignore[no-untyped-def]
    return next(t for t in tasks if t.id == "diag_closeout_review")


# ---------------------------------------------------------------------------------------------- holidays


def test_day_100_close_out_moves_off_a_public_holiday(playbook):
    thanksgiving = dt.date(2027, 11, 25)
    plain = BusinessDays("none")
    last_day = closeout(plan(playbook, make_deal(holiday_calendar="none"))).start_day + 5
    effective = next(
        thanksgiving - dt.timedelta(days=n)
        for n in range(90, 130)
        if plain.add(plain.first(thanksgiving - dt.timedelta(days=n)), last_day) == thanksgiving
    )
    fields = {"term_sheet_date": "2027-01-15", "effective_date": effective.isoformat()}
    without = plan(playbook, make_deal(holiday_calendar="none", **fields))
    assert closeout(without).end == thanksgiving  # the case the test is about

    tasks = plan(playbook, make_deal(holiday_calendar="US", **fields))
    us = BusinessDays("US")
    assert closeout(tasks).end != thanksgiving
    for task in tasks:
        for day in (task.start, task.end):
            assert us.is_business_day(day), (task.id, day, us.holiday(day))


def test_a_weekly_meeting_keeps_its_weekday_and_only_the_one_on_a_holiday_moves(playbook):
    deal = make_deal(
        holiday_calendar="US",
        term_sheet_date="2027-12-01",
        effective_date="2028-01-03",
        governance={"operating_cadence": "weekly"},
    )
    meetings = [t for t in plan(playbook, deal) if t.id.startswith("operating_meeting_")]
    us = BusinessDays("US")
    moved = [m for m in meetings if m.start.weekday() != 0]  # 3 January 2028 is a Monday
    # the committees are staffed after Martin Luther King Day: only the meeting after Presidents' Day moves
    assert meetings[0].start > dt.date(2028, 1, 17)
    assert [m.start for m in moved] == [dt.date(2028, 2, 22)]
    assert all(us.holiday(m.start - dt.timedelta(days=1)) for m in moved)
    assert len(meetings) > 10 and all(m.start.weekday() == 0 for m in meetings if m not in moved)


def test_the_home_country_is_the_default_calendar_and_deal_yaml_wins(playbook):
    german = HomeOrganization(name="Heim GmbH", short_name="Heim", country="DE")
    fields = {"term_sheet_date": "2027-08-01", "effective_date": "2027-09-01"}
    unity_day = dt.date(2027, 10, 4)  # 3 October 2027 is a Sunday; no holiday moves to Monday in DE
    assert make_deal(**fields).holidays_for(german) == "DE"
    tasks = plan(playbook, make_deal(**fields), german)
    assert all(BusinessDays("DE").is_business_day(d) for t in tasks for d in (t.start, t.end))
    assert dt.date(2027, 10, 3) not in {t.end for t in tasks}
    assert make_deal(holiday_calendar="us", **fields).holidays_for(german) == "US"
    assert make_deal(holiday_calendar="DE-by", **fields).holiday_calendar == "DE-BY"
    assert make_deal(**fields).holidays_for(HOME) == "none"
    assert BusinessDays("none").is_business_day(unity_day)


@pytest.mark.parametrize(
    ("fields", "shown", "expected"),
    [
        ({"holiday_calendar": "XX"}, "holiday_calendar: 'XX'", "is not a country whose public holidays are known"),
        ({"holiday_calendar": "US-ZZ"}, "holiday_calendar: 'US-ZZ'", "names a region that US has no public holidays"),
        ({"page_size": "A5"}, "page_size: 'A5'", "A4"),
        ({"governance": {"meeting_time": "25:00"}}, "governance.meeting_time: '25:00'", "is not a time of day"),
        ({"governance": {"meeting_timezone": "CET+1"}}, "governance.meeting_timezone: 'CET+1'", "is not a time zone"),
    ],
)
def test_a_bad_calendar_paper_or_meeting_time_in_deal_yaml_names_file_field_and_value(
    builder, playbook, monkeypatch, fields, shown, expected
):
    builder.home_answers({d.id: [3, 3, 3] for d in playbook.dimensions})
    builder.deal("d1", {d.id: [3, 3, 3] for d in playbook.dimensions}, **fields)
    result = cli_for(builder.settings, monkeypatch)("validate")
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert "deal.yaml, line" in text and shown in text and expected in text
    assert "Traceback" not in result.output


def test_unquoted_values_in_deal_yaml_read_as_written(tmp_path):
    from dd_pipeline.playbook import parse_model, read_yaml

    path = tmp_path / "inputs" / "deal.yaml"
    path.parent.mkdir()
    text = (
        yaml.safe_dump(deal_yaml("d1"))
        + "governance:\n  meeting_time: 9:30\n"
        + "holiday_calendar: NO\npage_size: letter\n"
    )
    path.write_text(text, encoding="utf-8")
    deal = parse_model(Deal, read_yaml(path, tmp_path / "inputs"), path, tmp_path / "inputs")
    assert deal.governance.meeting_time == "09:30"  # YAML alone would have read 570
    assert deal.holiday_calendar == "NO"  # Norway, not false
    assert deal.page_size == "Letter"


def test_bad_meeting_time_and_time_zone_are_refused():
    with pytest.raises(ValueError, match="is not a time zone"):
        make_deal(governance={"meeting_timezone": "Mars/Olympus"})
    with pytest.raises(ValueError, match="meeting_time"):
        make_deal(governance={"meeting_time": "25:00"})
    with pytest.raises(ValueError, match="is not a two-letter country code"):
        HomeOrganization(name="A", short_name="A", country="US-NY")


# ---------------------------------------------------------------------------------------------- workbook


def test_plan_workbook_has_dates_filters_frozen_header_and_fits_the_page_width(playbook):
    deal = make_deal(page_size="Letter", partner_short_name="Smith & Co")
    tasks = plan(playbook, deal)
    book = openpyxl.load_workbook(io.BytesIO(plan_xlsx(deal, tasks, HOME)))
    sheet = book["Plan"]
    headers = [c.value for c in sheet[1]]
    assert headers[:2] == ["Task", "Owner"]
    start, end = headers.index("Start") + 1, headers.index("End") + 1
    for row, task in enumerate(tasks, start=2):
        assert sheet.cell(row=row, column=1).value == task.title
        assert sheet.cell(row=row, column=start).is_date
        assert sheet.cell(row=row, column=start).value.date() == task.start
        assert sheet.cell(row=row, column=end).value.date() == task.end
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(headers))}{len(tasks) + 1}"
    for name in ("Plan", "Timeline", "Milestones"):
        setup = book[name].page_setup
        assert setup.orientation == "landscape", name
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), name
        assert book[name].sheet_properties.pageSetUpPr.fitToPage, name
        assert setup.paperSize == 1, name  # Letter
    assert sheet.oddHeader.left.text == "Launch plan: Smith && Co"  # a lone & would start a header code
    due = [c.value for c in book["Milestones"]["B"][1:]]
    assert due and all(isinstance(d, dt.datetime) for d in due) and due == sorted(due)


def test_timeline_sheet_shades_the_weeks_each_task_runs(playbook):
    deal = make_deal()
    tasks = plan(playbook, deal)
    sheet = openpyxl.load_workbook(io.BytesIO(plan_xlsx(deal, tasks, HOME)))["Timeline"]
    assert sheet["E1"].value.startswith("Week 1") and sheet["E2"].is_date
    monday = sheet["E2"].value.date()
    rows = {sheet.cell(row=r, column=2).value: r for r in range(3, sheet.max_row + 1)}
    work = [t for t in tasks if t.kind == "task"]
    for task in work:
        row = rows[task.title]
        shaded = {c.column - 5 for c in sheet[row][4:] if c.fill.fill_type == "solid"}
        weeks = set(range((task.start - monday).days // 7, (task.end - monday).days // 7 + 1))
        assert shaded == weeks, task.id
    colours = {
        ws: sheet.cell(row=rows[t.title], column=5 + (t.start - monday).days // 7).fill.fgColor.rgb
        for t in work
        for ws in [t.workstream]
    }
    assert len(set(colours.values())) > 1


# ---------------------------------------------------------------------------------------------- calendar


def events(data: bytes) -> dict[str, icalendar.Event]:
    return {
        str(e["uid"]).split("@")[0].removeprefix("d1-"): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")
    }


def test_meetings_have_a_time_in_their_time_zone_and_milestones_stay_all_day(playbook):
    deal = make_deal(governance={"meeting_time": "14:30", "meeting_timezone": "Europe/Berlin", "meeting_minutes": 90})
    tasks = plan(playbook, deal)
    data = plan_ics(deal, tasks, HOME)
    found = events(data)
    meeting = next(t for t in tasks if t.kind == "meeting")
    start = found[meeting.id]["dtstart"]
    assert start.params["TZID"] == "Europe/Berlin"
    assert start.dt == dt.datetime.combine(meeting.start, dt.time(14, 30), tzinfo=start.dt.tzinfo)
    assert found[meeting.id]["dtend"].dt - start.dt == dt.timedelta(minutes=90)
    assert b"BEGIN:VTIMEZONE" in data and b"TZID:Europe/Berlin" in data
    milestone = next(t for t in tasks if t.milestone)
    assert type(found[milestone.id].decoded("dtstart")) is dt.date
    zoned = HomeOrganization(name="H", short_name="H", timezone="America/Chicago")
    assert events(plan_ics(make_deal(), tasks, zoned))[meeting.id]["dtstart"].params["TZID"] == "America/Chicago"


def test_sequence_grows_only_for_events_that_changed(playbook):
    deal = make_deal()
    tasks = plan(playbook, deal)
    first = plan_ics(deal, tasks, HOME)
    assert plan_ics(deal, tasks, HOME, first) == first  # unchanged: same bytes, same SEQUENCE
    moved = make_deal(governance={"meeting_time": "09:00"})
    second = plan_ics(moved, plan(playbook, moved), HOME, first)
    before, after = events(first), events(second)
    assert set(before) == set(after)
    for uid, event in after.items():
        changed = "_meeting_" in uid
        assert event["sequence"] == (1 if changed else 0), uid
    third = plan_ics(moved, plan(playbook, moved), HOME, second)
    assert third == second
    back = plan_ics(deal, tasks, HOME, third)
    assert {u: e["sequence"] for u, e in events(back).items() if "_meeting_" in u} == {
        u: 2 for u in after if "_meeting_" in u
    }


def test_an_event_gone_from_the_plan_is_cancelled_for_calendar_programs(playbook):
    deal = make_deal(governance={"operating_cadence": "weekly"})
    first = plan_ics(deal, plan(playbook, deal), HOME)
    fewer = make_deal(governance={"operating_cadence": "monthly"})
    second = events(plan_ics(fewer, plan(playbook, fewer), HOME, first))
    gone = [e for e in second.values() if str(e.get("status")) == "CANCELLED"]
    assert gone and all(e["sequence"] == 1 for e in gone)
    assert {str(e["uid"]) for e in gone} == set(map(str, (e["uid"] for e in events(first).values()))) - {
        str(e["uid"]) for e in second.values() if str(e.get("status")) != "CANCELLED"
    }


def test_plan_files_read_the_calendar_published_before(playbook, tmp_path):
    deal = make_deal()
    write_plan_files(tmp_path, deal, plan(playbook, deal), home=HOME)
    written = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    moved = make_deal(governance={"meeting_time": "16:00"})
    write_plan_files(tmp_path, moved, plan(playbook, moved), home=HOME)
    assert max(e["sequence"] for e in events((tmp_path / "launch_plan.ics").read_bytes()).values()) == 1
    write_plan_files(tmp_path, deal, plan(playbook, deal), home=HOME)
    assert (tmp_path / "launch_plan.xlsx").read_bytes() == written["launch_plan.xlsx"]
    assert (tmp_path / "launch_plan.ics").read_bytes() != written["launch_plan.ics"]  # SEQUENCE 2 now


# ---------------------------------------------------------------------------------------------- clauses


def clause_document(playbook, deal: Deal, home: HomeOrganization = HOME):  # type: ignore[no-untyped-def]
    draft = draft_clauses(playbook, deal, home, NO_MATCHES)
    facts = NoteFacts(pd.DataFrame(columns=["dimension_id"]), pd.DataFrame())
    data = clauses_docx(deal, home, draft, facts)
    return draft, data, docx.Document(io.BytesIO(data))


def test_clauses_use_word_numbering_and_every_note_the_drafting_note_style(playbook):
    draft, _, document = clause_document(playbook, make_deal(clause_parameters={"governing_law": "Irish law"}))
    numbering = document.part.numbering_part.element
    levels = {
        lvl.get(f"{W}ilvl"): lvl.find(f"{W}lvlText").get(f"{W}val")
        for a in numbering.findall(f"{W}abstractNum")
        for lvl in a.findall(f"{W}lvl")
        if a.find(f"{W}lvl/{W}lvlText").get(f"{W}val") == "%1."
    }
    assert levels["0"] == "%1." and levels["1"] == "%1.%2"

    def level(paragraph):  # type: ignore[no-untyped-def]
        found = paragraph._p.find(f"{W}pPr/{W}numPr/{W}ilvl")
        return None if found is None else int(found.get(f"{W}val"))

    paragraphs = document.paragraphs
    clauses = [p for p in paragraphs if level(p) == 0]
    assert [p.text for p in clauses] == [c.clause.title for c in draft.drafted]
    assert all(p.style.name == "Heading 1" for p in clauses)
    subs = [p for p in paragraphs if level(p) == 1]
    assert len(subs) == sum(len([x for x in c.text.splitlines() if x.strip()]) for c in draft.drafted)
    assert not [p.text for p in paragraphs if p.text[:4] in {f"({c}) " for c in "abcdefgh"}]
    notes = [p for p in paragraphs if p.style.name == NOTE_STYLE]
    assert len([p for p in notes if p.text.startswith("Drafting note. Why:")]) == len(draft.drafted)
    labels = ("Drafting note.", "Included:", "Gaps:", "Evidence:", "Source:")
    assert all(p.style.name == NOTE_STYLE for p in paragraphs if p.text.startswith(labels))
    assert document.styles[NOTE_STYLE].font.italic


def test_clause_document_has_header_page_numbers_and_the_paper_the_deal_asks_for(playbook):
    _, data, document = clause_document(playbook, make_deal())
    section = document.sections[0]
    assert section.header.paragraphs[0].text == "Draft for legal review"
    codes = [t.text.strip() for t in section.footer._element.iter(f"{W}instrText")]
    assert codes == ["PAGE", "NUMPAGES"]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297  # A4 by default
    letter = clause_document(playbook, make_deal(page_size="Letter"))[2].sections[0]
    assert (round(letter.page_width.inches, 2), round(letter.page_height.inches, 2)) == (8.5, 11)
    american = HomeOrganization(name="H", short_name="H", country="US")
    assert round(clause_document(playbook, make_deal(), american)[2].sections[0].page_width.inches, 2) == 8.5
    assert clause_document(playbook, make_deal())[1] == data  # same inputs, same bytes
    intro = document.paragraphs[1].text
    assert "term sheet 15 January 2027, effective 1 March 2027" in intro
    assert not [p.text for p in document.paragraphs if "(10)" in p.text or "ten (" in p.text]


def test_clause_texts_write_numbers_one_way(playbook):
    deal = make_deal(clause_parameters={"governing_law": "Irish law"}, governance={"escalation_days": [5, 10, 15]})
    draft = draft_clauses(playbook, deal, HOME, NO_MATCHES)
    text = "\n".join(c.text for c in draft.drafted)
    months = "January|February|March|April|May|June|July|August|September|October|November|December"
    assert re.findall(rf"\b[0-9]\b(?! (?:{months}))", text) == []  # below ten in words, dates aside
    assert "tier one" in text and "five Business Days" in text and "10 Business Days" in text
    assert not re.search(r"\b(?:ten|twenty|thirty) \(\d+\)", text)


def test_workbook_and_calendar_are_the_same_bytes_for_the_same_inputs(playbook):
    deal = make_deal(holiday_calendar="GB-SCT")
    tasks = plan(playbook, deal)
    assert plan_xlsx(deal, tasks, HOME) == plan_xlsx(deal, plan(playbook, deal), HOME)
    assert plan_ics(deal, tasks, HOME) == plan_ics(deal, plan(playbook, deal), HOME)
