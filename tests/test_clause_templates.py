"""What legal sees when a clause template in assets/clauses/ is wrong.

A syntax error is found when the playbook is read: nothing runs, and the message names the file, the line,
the clause and the error (see the case playbook_clause_template_syntax in tests/cases/). A name that no
deal provides can only be found when a clause is drafted: that clause is not drafted, the others are, and
the clause documents list it under "Not drafted" with the reason.
"""

from __future__ import annotations

from sample_project import accept_and_score

from dd_pipeline.drafting.documents import clauses_markdown
from dd_pipeline.errors import ProblemList
from dd_pipeline.playbook import load_playbook
from dd_pipeline.use_cases import draft_deal, match_deal
from dd_pipeline.warehouse.connection import connect


def _break_template(settings, old: str, new: str) -> None:
    path = settings.assets_dir / "clauses" / "10_governance.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_name_no_deal_provides_leaves_that_clause_out_and_says_why(builder):
    _break_template(builder.settings, "{{ committee_formation_days }}", "{{ committee_formation_dayz }}")
    playbook = load_playbook(builder.settings.assets_dir)  # the syntax is fine, so the playbook loads
    builder.home_answers({"decision_style": [4, 4, 4]})
    builder.deal("d1", {"decision_style": [2, 2, 2]})
    with connect(builder.settings.warehouse_path) as con:
        accept_and_score(con, builder.settings, playbook, "d1")
        match_deal(con, playbook, "d1")
        drafted = draft_deal(con, playbook, "d1")
    deal, home, draft, facts = drafted.deal, drafted.home, drafted.draft, drafted.facts
    assert "governance_committees" not in {c.clause.id for c in draft.drafted}
    assert draft.drafted  # the other clauses are drafted
    problem = next(p for p in draft.problems if p.clause_id == "governance_committees")
    assert str(problem) == (
        "clause 'governance_committees' (Governance Committees): not drafted: the template in "
        "assets/clauses/ cannot be rendered: 'committee_formation_dayz' is undefined"
    )
    markdown = clauses_markdown(deal, home, draft, facts)
    assert "## Not drafted" in markdown
    assert f"- {problem}" in markdown
    assert "committee_formation_dayz" not in "".join(c.text for c in draft.drafted)


def test_a_syntax_error_stops_the_playbook_with_the_clause_named(empty_project):
    _break_template(empty_project, "{{ committee_formation_days }}", "{% if committee_formation_days %}")
    try:
        load_playbook(empty_project.assets_dir)
    except ProblemList as exc:
        messages = [str(p) for p in exc.problems]
    else:
        raise AssertionError("a template with a syntax error was accepted")
    assert len(messages) == 1
    assert messages[0].startswith("assets/clauses/10_governance.yaml, line ")
    assert ", clauses[0] (governance_committees).template: cannot be used: Unexpected end of template." in (messages[0])
