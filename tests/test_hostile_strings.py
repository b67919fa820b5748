"""Every output format over the hostile-string corpus (tests/hostile.py): whatever a name, a note or a task
title holds, the file opens, shows the text as text, and gains no heading, link, HTML, calendar event or
formula. The writers are called directly with values validation would refuse: they must hold on their own."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re

import docx
import icalendar
import openpyxl
import pandas as pd
import pytest
from conftest import DealBuilder, empty_project
from hostile import HOSTILE, MARKER, markdown_view, visible
from test_drafting import draft, neutral

from dd_pipeline.drafting.clauses import ClauseDraft
from dd_pipeline.drafting.documents import NoteFacts, write_clause_documents
from dd_pipeline.drafting.plan_files import write_plan_files
from dd_pipeline.reporting.changes import Changes, render
from dd_pipeline.reporting.dashboard import render_dashboard
from dd_pipeline.reporting.deal_view import load_deal_view
from dd_pipeline.warehouse.connection import connect

NOT_TEXT = {
    "html_inline",
    "html_block",
    "link_open",
    "image",
    "code_block",
    "fence",
    "hr",
    "em_open",
    "s_open",
    "ordered_list_open",
}


def key(text: str) -> str:
    """Text without spaces and control characters: what must survive every writer."""
    return re.sub(r"[\s\x00-\x1f\x7f-\x9f\u2028\u2029]", "", text)


def _unescaped(value: str) -> str:
    """An RFC 5545 TEXT value as a calendar shows it (icalendar leaves X- properties escaped)."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


@pytest.fixture(scope="module")
def builder(tmp_path_factory, playbook):  # type: ignore[no-untyped-def]
    """One small scored deal for the whole module (the writers do not change it)."""
    settings = empty_project.__wrapped__(tmp_path_factory.mktemp("hostile"))
    return DealBuilder(settings)


@pytest.fixture(scope="module")
def drafted(builder, playbook):
    home = neutral(playbook, {"decision_style": 5}.get)
    partner = neutral(playbook, {"decision_style": 1}.get)
    return draft(builder, playbook, home, partner)


def _hostile_inputs(drafted, text: str):  # type: ignore[no-untyped-def]
    deal, home, _, _, clauses, plan, facts = drafted
    gov = deal.governance.model_copy(update={"steering_committee": text})
    bad_deal = deal.model_copy(update={"partner": text, "partner_short_name": text, "governance": gov})
    bad_home = home.model_copy(update={"short_name": text})
    bad_clauses = ClauseDraft(
        [dataclasses.replace(c, text=c.text + "\n" + text) for c in clauses.drafted],
        clauses.problems,
        clauses.alliance_type,
    )
    evidence = pd.DataFrame(
        [
            {
                "dimension_id": d,
                "about_side": "partner",
                "kind": "weakness",
                "observation": text,
                "source": text,
                "source_file": "evidence.csv",
                "source_row": 2,
            }
            for d in facts.gaps["dimension_id"]
        ]
    )
    bad_facts = NoteFacts(facts.gaps, evidence)
    bad_plan = [dataclasses.replace(t, title=f"{text} {t.title}", owner=text, workstream_name=text) for t in plan]
    return bad_deal, bad_home, bad_clauses, bad_facts, bad_plan


@pytest.mark.parametrize("index", range(len(HOSTILE)))
def test_every_writer_keeps_a_hostile_string_as_text(drafted, playbook, tmp_path, index):
    text = f"{MARKER}{index} {HOSTILE[index]}"
    deal, home, clauses, facts, plan = _hostile_inputs(drafted, text)
    write_clause_documents(tmp_path, deal, home, clauses, facts)
    write_plan_files(tmp_path, deal, plan)

    # Markdown: the headings of the clauses and nothing else; no link, image, HTML or list comes from the text.
    headings, kinds, shown = markdown_view((tmp_path / "clauses.md").read_text(encoding="utf-8"))
    titles = [f"{c.number}. {c.clause.title}" for c in clauses.drafted]
    assert headings[1:] == titles + (["Not drafted"] if clauses.problems else [])
    assert not NOT_TEXT & set(kinds), kinds
    assert key(text) in key(shown)

    # Word: opens, holds the text without the characters XML cannot carry.
    words = "\n".join(p.text for p in docx.Document(str(tmp_path / "clauses.docx")).paragraphs)
    assert key(text) in key(words)

    # JSON keeps the exact string.
    document = json.loads((tmp_path / "clauses.json").read_text(encoding="utf-8"))
    assert text in document["clauses"][0]["text"]

    # Calendar: as many events as milestones and meetings, each text on one line, the name escaped.
    raw = (tmp_path / "launch_plan.ics").read_bytes()
    assert not re.search(rb"\r(?!\n)|(?<!\r)\n", raw)  # no bare CR or LF inside a property
    assert not re.search(rb"^(X-INJECTED|SUMMARY:INJECTED)", raw, re.M)
    calendar = icalendar.Calendar.from_ical(raw)
    assert len(calendar.walk("VEVENT")) == sum(t.milestone or t.kind == "meeting" for t in plan)
    assert _unescaped(str(calendar["x-wr-calname"])) == visible(f"Launch plan: {text}")

    # Workbook: opens, no formulas; CSV: every row as wide as the header.
    book = openpyxl.load_workbook(tmp_path / "launch_plan.xlsx")
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert any(isinstance(c.value, str) and key(text) in key(c.value) for c in cells)
    rows = list(csv.reader(io.StringIO((tmp_path / "launch_plan.csv").read_text(encoding="utf-8"))))
    assert len(rows) == len(plan) + 1 and all(len(r) == len(rows[0]) for r in rows)

    # changes.md: the report's own headings only.
    report = render(Changes("d1", text, False, risk=(10.0, 20.0, "low", "moderate"), new_gaps=[text], overrides=[text]))
    headings, kinds, shown = markdown_view(report)
    assert [h.split(":")[0] for h in headings] == ["What changed", "Overrides", "New gaps"]  # inputs, then findings
    assert not NOT_TEXT & set(kinds), kinds
    assert key(text) in key(shown)


def test_the_dashboard_escapes_every_hostile_string(drafted, builder, playbook):
    with connect(builder.settings.warehouse_path, read_only=True) as con:
        view = load_deal_view(con, "d1")
    for index, hostile in enumerate(HOSTILE):
        text = f"{MARKER}{index} {hostile}"
        deal = view.deal.model_copy(update={"partner": text, "partner_short_name": text})
        home = view.home.model_copy(update={"short_name": text, "name": text})
        page = render_dashboard(dataclasses.replace(view, deal=deal, home=home), playbook)
        assert "<img src=x" not in page and "<script>alert" not in page, index
        assert 'href="javascript' not in page.lower()
        assert f"{MARKER}{index}" in page
