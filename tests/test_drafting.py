"""Mitigations, clauses and the launch plan for hand-built deals, and the files legal and alliance managers open."""

from __future__ import annotations

import datetime as dt
import json

import docx
import icalendar
import openpyxl
import pytest

from dd_pipeline.drafting.clauses import draft_clauses
from dd_pipeline.drafting.documents import NoteFacts, write_clause_documents
from dd_pipeline.drafting.launch_plan import build_plan
from dd_pipeline.drafting.plan_files import write_plan_files
from dd_pipeline.matching import match_mitigations
from dd_pipeline.scoring import ingest_and_score
from dd_pipeline.warehouse.connection import connect, frame
from dd_pipeline.warehouse.drafts import deal_evidence, deal_gaps
from dd_pipeline.warehouse.store import load_deal


def neutral(playbook, value_for=lambda dim: None):
    """Every dimension answered by three people, in the middle of its scale unless value_for says otherwise."""
    answers = {}
    for d in playbook.dimensions:
        middle = (d.scale.min + d.scale.max + 1) // 2
        v = value_for(d.id)
        answers[d.id] = [middle if v is None else v] * 3
    return answers


def draft(builder, playbook, home, partner_answers, **deal_fields):
    builder.home_answers(home)
    builder.deal("d1", partner_answers, **deal_fields)
    with connect(builder.settings.warehouse_path) as con:
        ingest_and_score(con, builder.settings, playbook, "d1")
        deal, home_org = load_deal(con, "d1")
        gaps = frame(con, "SELECT * FROM gaps WHERE deal_id = 'd1'")
        facts = NoteFacts(deal_gaps(con, "d1"), deal_evidence(con, "d1"))
    matches = match_mitigations(playbook, gaps, deal.alliance_type)
    clauses = draft_clauses(playbook, deal, home_org, matches)
    plan = build_plan(playbook, deal, matches)
    return deal, home_org, gaps, matches, clauses, plan, facts


def test_critical_decision_gap_brings_decision_rights_clause_and_early_mapping_session(builder, playbook):
    home = neutral(playbook, {"decision_style": 5}.get)
    partner = neutral(playbook, {"decision_style": 1}.get)
    deal, _, gaps, matches, clauses, plan, _ = draft(builder, playbook, home, partner)
    assert gaps.set_index("dimension_id").loc["decision_style"].band == "critical"
    selected = {m.mitigation.id: m for m in matches.selected}
    assert "decision_rights_mapping" in selected
    assert "Decision-making style gap is critical" in selected["decision_rights_mapping"].reasons[0]
    drafted = {c.clause.id: c for c in clauses.drafted}
    assert "decision_rights_schedule" in drafted
    assert "decision_style" in drafted["decision_rights_schedule"].dimensions
    session = next(t for t in plan if t.id == "decision_rights_mapping_session")
    assert session.origin == "mitigation:decision_rights_mapping"
    assert session.gaps == ["decision_style"]
    assert session.end is not None and (session.end - deal.effective_date).days <= 30
    assert not matches.uncovered


def test_no_gap_above_moderate_gives_baseline_clauses_and_the_seed_plan(builder, playbook):
    home = neutral(playbook, {"meeting_norms": 3}.get)
    partner = neutral(playbook, {"meeting_norms": 2}.get)
    _, _, gaps, matches, clauses, plan, _ = draft(
        builder, playbook, home, partner, clause_parameters={"governing_law": "the laws of Ireland"})
    assert set(gaps.band.dropna()) <= {"low", "moderate"}
    assert "moderate" in set(gaps.band)
    assert matches.selected == []
    baseline = {c.id for c in playbook.clauses if "co_development" in c.baseline_for}
    assert {c.clause.id for c in clauses.drafted} == baseline
    assert clauses.problems == []
    seed_ids = {t.id for w in playbook.launch_plan.workstreams for t in w.tasks}
    assert {t.id for t in plan if t.kind == "task"} == seed_ids
    assert all(t.origin == "seed" for t in plan if t.kind == "task")


def test_schedule_never_starts_a_task_before_its_dependencies(builder, playbook):
    home = neutral(playbook, {"decision_style": 5, "staff_turnover": 1, "escalation_habit": 1}.get)
    partner = neutral(playbook, {"decision_style": 1, "staff_turnover": 5, "escalation_habit": 5}.get)
    _, _, _, _, _, plan, _ = draft(builder, playbook, home, partner)
    by_id = {t.id: t for t in plan}
    for task in plan:
        for dep in task.depends_on:
            assert by_id[dep].end < task.start, (dep, task.id)
        assert task.start.weekday() < 5 and task.end.weekday() < 5


def test_missing_clause_parameter_is_reported_not_drafted_with_a_hole(builder, playbook):
    _, _, _, _, clauses, _, _ = draft(builder, playbook, neutral(playbook), neutral(playbook))
    assert "dispute_resolution" not in {c.clause.id for c in clauses.drafted}
    [problem] = [p for p in clauses.problems if p.clause_id == "dispute_resolution"]
    assert problem.parameter == "governing_law"
    assert str(problem).startswith("clause 'dispute_resolution' (Dispute Resolution): not drafted: parameter "
                                   "'governing_law'")
    assert "set it in deal.yaml under clause_parameters" in str(problem)
    for c in clauses.drafted:
        assert "{{" not in c.text and "{%" not in c.text and "None" not in c.text


@pytest.mark.parametrize("partner_name", ["{{ 7*7 }} Holdings", "{% for x in range(10**9) %}x{% endfor %}",
                                          "{{ ''.__class__.__mro__ }}"])
def test_template_syntax_in_a_partner_name_is_rendered_as_text(builder, playbook, partner_name):
    _, _, _, _, clauses, _, _ = draft(builder, playbook, neutral(playbook), neutral(playbook),
                                      partner=partner_name, partner_short_name=partner_name)
    committees = next(c for c in clauses.drafted if c.clause.id == "governance_committees")
    assert partner_name in committees.text
    assert "49 Holdings" not in committees.text


def test_clause_documents_open_and_carry_drafting_notes(builder, playbook, tmp_path):
    home = neutral(playbook, {"decision_style": 5}.get)
    partner = neutral(playbook, {"decision_style": 1}.get)
    deal, home_org, _, _, clauses, plan, facts = draft(builder, playbook, home, partner)
    write_clause_documents(tmp_path, deal, home_org, clauses, facts)
    document = docx.Document(str(tmp_path / "clauses.docx"))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[: len(clauses.drafted)] == [c.clause.title for c in clauses.drafted]  # Word numbers them
    notes = [p.text for p in document.paragraphs if p.text.startswith("Drafting note.")]
    assert len(notes) == len(clauses.drafted)
    sections: dict[str, str] = {}
    for paragraph in document.paragraphs:
        if paragraph.style.name == "Heading 1":
            current = paragraph.text
        elif headings and paragraph.text and "current" in locals():
            sections[current] = sections.get(current, "") + "\n" + paragraph.text
    decision_note = sections["Decision Rights Schedule"]
    assert "Decision-making style: critical gap" in decision_note
    assert "selected by mitigation 'Decision-rights mapping session'" in decision_note
    data = json.loads((tmp_path / "clauses.json").read_text(encoding="utf-8"))
    assert [c["number"] for c in data["clauses"]] == list(range(1, len(clauses.drafted) + 1))
    assert data["not_drafted"][0]["missing_parameter"] == "governing_law"


def test_launch_plan_files_open_and_the_calendar_parses(builder, playbook, tmp_path):
    deal, _, _, _, _, plan, _ = draft(builder, playbook, neutral(playbook), neutral(playbook))
    write_plan_files(tmp_path, deal, plan)
    calendar = icalendar.Calendar.from_ical((tmp_path / "launch_plan.ics").read_bytes())
    events = list(calendar.walk("VEVENT"))
    milestones = [t for t in plan if t.milestone]
    meetings = [t for t in plan if t.kind == "meeting"]
    assert len(events) == len(milestones) + len(meetings)
    starts = {str(e["summary"]): e.decoded("dtstart") for e in events}
    first = meetings[0]
    assert starts[first.title] == dt.datetime.combine(first.start, dt.time(10), tzinfo=dt.UTC)
    assert all(type(starts[f"Milestone: {t.title}"]) is dt.date for t in milestones)
    book = openpyxl.load_workbook(tmp_path / "launch_plan.xlsx")
    assert book["Plan"].max_row == len(plan) + 1
    assert book["Milestones"].max_row == len(milestones) + 1
    assert {t.milestone_day for t in milestones} <= {30, 60, 90, 100}


def test_partner_text_that_looks_like_a_formula_is_neutralized_in_csv_and_xlsx(builder, playbook, tmp_path):
    from dd_pipeline.outputs import csv_text

    text = csv_text(["partner", "score"], [["=HYPERLINK(\"http://x\")", 3.0], ["@SUM(A1)", -1.5]])
    assert text.splitlines()[1].startswith("\"'=HYPERLINK")
    assert text.splitlines()[2] == "'@SUM(A1),-1.5"
