"""`dd-pipeline status`: who has answered, who has not, which files are not read and why, and whether a deal
needs a run; `validate` and `run` warn about the files that are not read."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import cli_for, write_csv
from tests.test_questionnaire import fill, new_deal, pattern, personal_copies


@pytest.fixture
def cli(empty_project, dagster_home, monkeypatch):
    invoke = cli_for(empty_project, monkeypatch)
    write_csv(
        empty_project.home_dir / "answers.csv",
        [["H90", "home", "R&D", "executive", "home", "strategic_importance", 1, ""]],
    )
    return invoke


def own_view_only(dimension: str, rated: str) -> object:
    return pattern(2)(dimension, rated) if rated == "own" else None


@pytest.fixture
def deal(cli, empty_project):
    """acme: P1 answered in full, P2 about its own organization only, P3 saved over its personal copy, H1 not
    back; an empty reply, a LibreOffice file and a macro workbook in the folder."""
    new_deal(cli)
    folder = empty_project.deal_dir("acme")
    base = empty_project.inputs_dir.parent
    partner = personal_copies(cli, "acme", "partner", "P1", "P2", "P3")
    personal_copies(cli, "acme", "home", "H1")
    fill(base / partner["P1"], folder / "p1.xlsx", {"B6": "Sales", "B7": "middle"}, pattern(1))
    fill(base / partner["P2"], folder / "Reply from P2.xlsx", {"B6": "Sales", "B7": "executive"}, own_view_only)
    fill(base / partner["P3"], base / partner["P3"], {"B6": "Research", "B7": "middle"}, pattern(3))
    shutil.copy(folder / "questionnaires" / "acme_home.xlsx", folder / "not yet back.xlsx")
    shutil.copy(folder / "p1.xlsx", folder / "p4.ods")
    shutil.copy(folder / "p1.xlsx", folder / "p5.xlsm")
    return folder


def test_status_lists_returned_missing_and_ignored_questionnaires(cli, deal):
    result = cli("status", "--deal", "acme")
    assert result.exit_code == 0, result.output
    text = result.output
    assert "Questionnaires issued: 4 personal copies, 2 blank copies for anybody on a side" in text
    assert "Returned: 2 respondents" in text
    lines = text.splitlines()
    p1 = next(line for line in lines if line.startswith("P1 "))
    assert "partner" in p1 and "100% (115 of 115)" in p1 and "inputs/deals/acme/p1.xlsx" in p1
    p2 = next(line for line in lines if line.startswith("P2 "))
    assert "52% (60 of 115)" in p2 and "inputs/deals/acme/Reply from P2.xlsx" in p2
    assert "and 1 respondent of the home profile (inputs/home/)" in text
    assert "Missing: 2 personal copies not returned" in text
    missing = [line.split()[:3] for line in lines if line.startswith(("H1 ", "P3 "))]
    assert missing == [["H1", "│", "home"], ["P3", "│", "partner"]]
    assert "Not read: 4 files" in text
    assert "not yet back.xlsx" in text and "has no answers yet, so it is not counted" in text
    assert "p4.ods" in text and "is an OpenDocument spreadsheet, which is not read" in text
    assert "p5.xlsm" in text and "is a macro-enabled workbook, which is not read" in text
    assert "acme_partner_P3.xlsx" in text and "holds 115 answer(s), but questionnaires/ keeps the copies" in text
    assert "Last run: never; needs a run: it has not run yet (dd-pipeline run --deal acme)" in text


def test_validate_and_run_warn_about_files_that_are_not_read(cli, deal):
    result = cli("validate", "--deal", "acme")
    assert "! warning: inputs/deals/acme/p4.ods: is an OpenDocument spreadsheet" in result.output
    assert "! warning: inputs/deals/acme/p5.xlsm: is a macro-enabled workbook" in result.output
    assert (
        "! warning: inputs/deals/acme/questionnaires/acme_partner_P3.xlsx: holds 115 answer(s), but "
        "questionnaires/ keeps the copies to send and is never read; move the filled workbook up into "
        "inputs/deals/acme/"
    ) in result.output
    # the empty reply is named once, by the intake's own warning
    assert result.output.count("not yet back.xlsx") == 1

    run = cli("run", "--deal", "acme", "--top", "1")
    assert "! warning: inputs/deals/acme/p4.ods" in run.output
    assert "! warning: inputs/deals/acme/not yet back.xlsx: has no answers yet, so it is not counted" in run.output


def test_status_of_a_new_deal_and_after_runs(cli, empty_project):
    new_deal(cli)
    waiting = cli("status")
    assert "Returned: none yet" in waiting.output
    assert "Last run: never; waiting for answers" in waiting.output
    run = cli("run", "--deal", "acme")
    assert run.exit_code == 0, run.output
    assert "acme: waiting for answers: no filled questionnaire or answers file in inputs/deals/acme/ yet" in run.output
    assert "failed" not in run.output and "problem" not in run.output

    folder = empty_project.deal_dir("acme")
    base = empty_project.inputs_dir.parent
    copies = personal_copies(cli, "acme", "partner", "P1", "P2", "P3")
    for i, rid in enumerate(("P1", "P2", "P3")):
        fill(base / copies[rid], folder / f"{rid}.xlsx", {"B6": "Sales", "B7": "middle"}, pattern(i))
    new_deal(cli, "beta")  # a second deal, still waiting: the portfolio page lists it as such
    assert cli("run", "--top", "1").exit_code == 0
    index = (empty_project.outputs_dir / "index.html").read_text(encoding="utf-8")
    assert "<td>beta</td><td>Acme Robotics GmbH</td>" in index and "Waiting for answers" in index
    after = cli("status", "--deal", "acme").output
    assert "Last run: run 1 at " in after and "UTC; inputs unchanged since; outputs are up to date" in after
    assert "Missing: none (every personal copy came back)" in after
    fill(folder / "P3.xlsx", folder / "P3.xlsx", {}, pattern(5))
    changed = cli("status", "--deal", "acme").output
    assert "needs a run: its inputs changed (dd-pipeline run --deal acme)" in changed
