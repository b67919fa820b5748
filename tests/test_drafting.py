"""Mitigations, clauses and the launch plan for hand-built deals, and the files legal and alliance managers open."""

from __future__ import annotations

import datetime as dt
import json

import docx
import icalendar
import openpyxl
import pytest
from sample_project import accept_and_score

from dd_pipeline.drafting.documents import write_clause_documents
from dd_pipeline.drafting.plan_files import write_plan_files
from dd_pipeline.use_cases import draft_deal, match_deal, plan_deal
from dd_pipeline.warehouse.connection import connect, frame


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
        accept_and_score(con, builder.settings, playbook, "d1")
        gaps = frame(con, "SELECT * FROM gaps WHERE deal_id = 'd1'")
        matched = match_deal(con, playbook, "d1")
        drafted = draft_deal(con, playbook, "d1")
        planned = plan_deal(con, playbook, "d1")
    return (matched.deal, matched.home, gaps, matched.result, drafted.draft, planned.tasks, drafted.facts)


def test_critical_decision_gap_brings_decision_rights_clause_and_early_mapping_session(builder, playbook):
    home = neutral(playbook, {"decision_style": 5}.get)
    partner = neutral(playbook, {"decision_style": 1}.get)
    deal, _, gaps, matches, clauses, plan, _ = draft(builder, playbook, home, partner)
    assert gaps.set_index("dimension_id").loc["decision_style"].band == "critical"
    selected = {m.mitigation.id: m for m in matches.selected}
    assert "decision_rights_mapping" in selected
    assert selected["decision_rights_mapping"].reasons[0] == (
        "HomeCo and PartnerCo differ on Decision-making style: critical, severity 100.0"
    )
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
        builder,
        playbook,
        home,
        partner,
        clause_parameters={"governing_law": "the laws of Ireland", "arbitration_seat": "Dublin"},
    )
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
    problems = [p for p in clauses.problems if p.clause_id == "dispute_resolution"]
    assert [p.parameter for p in problems] == ["governing_law", "arbitration_seat"]
    problem = problems[0]
    assert str(problem).startswith(
        "clause 'dispute_resolution' (Dispute Resolution): not drafted: parameter 'governing_law'"
    )
    assert "set it in deal.yaml under clause_parameters" in str(problem)
    for c in clauses.drafted:
        assert "{{" not in c.text and "{%" not in c.text and "None" not in c.text


@pytest.mark.parametrize(
    "partner_name", ["{{ 7*7 }} Holdings", "{% for x in range(10**9) %}x{% endfor %}", "{{ ''.__class__.__mro__ }}"]
)
def test_template_syntax_in_a_partner_name_is_rendered_as_text(builder, playbook, partner_name):
    _, _, _, _, clauses, _, _ = draft(
        builder, playbook, neutral(playbook), neutral(playbook), partner=partner_name, partner_short_name=partner_name
    )
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
    assert (
        "Findings: HomeCo and PartnerCo differ on Decision-making style: critical (severity 100.0); "
        "HomeCo 5.0, PartnerCo 1.0 on 1-5"
    ) in decision_note
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

    text = csv_text(["partner", "score"], [['=HYPERLINK("http://x")', 3.0], ["@SUM(A1)", -1.5]])
    assert text.splitlines()[1].startswith("\"'=HYPERLINK")
    assert text.splitlines()[2] == "'@SUM(A1),-1.5"


def test_a_mitigation_only_tightens_the_committee_cadence_the_deal_sets(builder, playbook):
    """regular_joint_calls asks for an operating committee every two weeks; a deal that meets weekly keeps it."""
    home = neutral(playbook, {"communication_style": 5}.get)
    partner = neutral(playbook, {"communication_style": 1}.get)
    governance = {"operating_cadence": "weekly", "steering_cadence": "quarterly"}
    _, _, _, matches, clauses, plan, _ = draft(builder, playbook, home, partner, governance=governance)
    assert "regular_joint_calls" in {m.mitigation.id for m in matches.selected}
    committees = next(c for c in clauses.drafted if c.clause.id == "governance_committees")
    assert "weekly" in committees.text and "every two weeks" not in committees.text
    meetings = [t for t in plan if t.id.startswith("operating_meeting_")]
    assert meetings[1].start_day - meetings[0].start_day == 5  # business days: weekly


def test_committees_first_meet_once_they_are_staffed(builder, playbook):
    _, _, _, _, _, plan, _ = draft(builder, playbook, neutral(playbook), neutral(playbook))
    by_id = {t.id: t for t in plan}
    staffed = by_id["committee_staffing"].end
    first = [t for t in plan if t.kind == "meeting"]
    assert first and all(t.start > staffed for t in first)


def test_a_note_states_the_condition_that_fired_not_a_severity_0_gap(builder, playbook):
    """Both sides compete head-on (overlap 5 on both): no gap (a weakness both share), and the clean-team
    condition fires; the note says so instead of giving the severity-0 gap as the reason."""
    home = neutral(playbook, {"competitive_overlap": 5}.get)
    partner = neutral(playbook, {"competitive_overlap": 5}.get)
    _, _, gaps, matches, clauses, _, facts = draft(builder, playbook, home, partner)
    assert gaps.set_index("dimension_id").loc["competitive_overlap"].severity == 0
    clean = next(m for m in matches.selected if m.mitigation.id == "clean_team_boundaries")
    assert clean.reasons[-1] == (
        "condition met on Competitive overlap with the other party (at least 4): "
        "HomeCo scores 5.0; PartnerCo scores 5.0"
    )
    from dd_pipeline.drafting.documents import clauses_markdown

    text = clauses_markdown(*draft_context(builder), clauses, facts)
    know_how = text.split("Know-How Boundaries")[1].split("\n## ")[0]
    assert "Triggered by: condition met on Competitive overlap" in know_how
    assert "severity 0.0" not in know_how


def draft_context(builder):
    from dd_pipeline.warehouse.store import load_deal

    with connect(builder.settings.warehouse_path, read_only=True) as con:
        return load_deal(con, "d1")


def test_committee_names_read_well_and_dispute_resolution_drafts_its_arbitration(builder, playbook):
    governance = {"operating_committee": "Alliance Core Team"}
    params = {"governing_law": "the laws of Ireland", "arbitration_seat": "Dublin"}
    _, _, _, _, clauses, _, _ = draft(
        builder, playbook, neutral(playbook), neutral(playbook), governance=governance, clause_parameters=params
    )
    text = "\n".join(c.text for c in clauses.drafted)
    assert "a Alliance" not in text and "the Alliance Core Team" in text
    dispute = next(c for c in clauses.drafted if c.clause.id == "dispute_resolution")
    assert "arbitration provisions of this Agreement" not in dispute.text
    assert "The seat of arbitration is Dublin" in dispute.text


def test_low_exit_barriers_replace_the_detailed_exit_clause_instead_of_standing_beside_it(builder, playbook):
    home = neutral(playbook, {"exit_posture": 5, "scope_openness": 5}.get)
    partner = neutral(playbook, {"exit_posture": 1, "scope_openness": 1}.get)
    _, _, _, matches, clauses, _, _ = draft(builder, playbook, home, partner)
    assert "low_exit_barriers_framework" in {m.mitigation.id for m in matches.selected}
    drafted = {c.clause.id for c in clauses.drafted}
    assert "low_exit_barriers" in drafted and "exit_wind_down" not in drafted
