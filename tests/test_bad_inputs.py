"""Bad inputs: every mistake in tests/cases/ gets its exact plain message, exit code 2 and no traceback, and
a run with bad inputs leaves the previous outputs byte-identical.

Every case goes through `dd-pipeline validate` (in-process, fast) and must print exactly its expected.txt.

"Previous outputs unchanged" is shown by running a representative subset of the cases (files, rows,
deal.yaml, evidence, the folder, the playbook) through `dd-pipeline run` on a project whose outputs exist:
every file in outputs/<deal>/ must be byte-identical afterwards (the portfolio page outputs/index.html
lists the deal's input errors, as it should), the scores in the warehouse unchanged, the run must say the
deal was blocked (or, for the playbook, that nothing was run), and the rows set aside must be in the
quarantine table. For the other cases the
structure guarantees it: `run` reads the inputs with the same functions as `validate`; any error fails the
blocking check `deal_inputs_are_valid`, and every asset that writes to outputs/ lies downstream of it, so
none of them runs; a playbook problem stops `run` before Dagster starts.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from bad_input_cases import ANSWER_HEADER, Case, load_cases
from sample_project import copy_ran_project, copy_sample_inputs
from typer.testing import CliRunner

from dd_pipeline.cli import app
from dd_pipeline.settings import PROJECT_ROOT
from dd_pipeline.warehouse.connection import connect

CASES = load_cases()
BY_NAME = {c.name: c for c in CASES}
LATE_ROW = "P20,partner,Manufacturing,middle,partner,decision_style,2,\n"
RUN_SUBSET = [
    "answers_score_in_words",  # a row
    "answers_respondent_changes_level",  # one id, two people: many rows, one message
    "answers_semicolons",  # a whole file, separators
    "deal_yaml_effective_before_term_sheet",  # deal.yaml, dates
    "evidence_date_day_first",  # evidence.csv
    "deal_without_partner_respondents",  # the folder as a whole
    "playbook_mitigation_unknown_clause",  # assets/
    "playbook_clause_template_syntax",  # assets/, a clause template
]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample project's assets/ and inputs/, copied once for the module."""
    root = tmp_path_factory.mktemp("template")
    shutil.copytree(PROJECT_ROOT / "assets", root / "assets")
    copy_sample_inputs(root / "inputs")
    return root


def _env(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DD_ASSETS", str(root / "assets"))
    monkeypatch.setenv("DD_INPUTS", str(root / "inputs"))
    monkeypatch.setenv("DD_OUTPUTS", str(root / "outputs"))
    monkeypatch.delenv("DD_WAREHOUSE", raising=False)


def test_the_corpus_covers_at_least_fifty_mistakes():
    assert len(CASES) >= 50
    assert all(c.expected for c in CASES), [c.name for c in CASES if not c.expected]
    kinds = {c.name.split("_")[0] for c in CASES}
    assert {"answers", "deal", "evidence", "home", "playbook"} <= kinds


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_validate_prints_the_exact_message(case: Case, template: Path, monkeypatch: pytest.MonkeyPatch):
    _env(template, monkeypatch)
    undo = case.apply(template)
    try:
        result = CliRunner().invoke(app, ["validate", *case.args])
    finally:
        undo()
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.output.splitlines() == case.expected


def test_cases_leave_the_template_as_it_was(template: Path, tmp_path: Path):
    """Applying and undoing the cases above must not leak into each other."""
    assert _digest(template / "assets") == _digest(PROJECT_ROOT / "assets")
    assert _digest(template / "inputs") == _digest(copy_sample_inputs(tmp_path / "inputs"))


TOLERATED = {
    "a byte-order mark (Excel's 'CSV UTF-8')": (
        "inputs/deals/helix-jv/answers_late.csv",
        b"\xef\xbb\xbf" + (ANSWER_HEADER + LATE_ROW).encode(),
    ),
    "blank lines and Windows line ends": (
        "inputs/deals/helix-jv/answers_late.csv",
        (ANSWER_HEADER + "\n" + LATE_ROW + "\n\n").replace("\n", "\r\n").encode(),
    ),
    "an evidence file with only its header": (
        "inputs/deals/helix-jv/evidence.csv",
        b"dimension,about_side,kind,observation,source,recorded_on\n",
    ),
    "a comment with a comma, quoted": (
        "inputs/deals/helix-jv/answers_late.csv",
        (ANSWER_HEADER + LATE_ROW.replace(",\n", ',"slow, but improving"\n')).encode(),
    ),
}


@pytest.mark.parametrize("what", TOLERATED)
def test_tolerated_inputs_are_read(what: str, template: Path, monkeypatch: pytest.MonkeyPatch):
    _env(template, monkeypatch)
    path, data = TOLERATED[what]
    target = template / path
    saved = target.read_bytes() if target.is_file() else None
    target.write_bytes(data)
    try:
        result = CliRunner().invoke(app, ["validate", "--deal", "helix-jv"])
    finally:
        target.write_bytes(saved) if saved is not None else target.unlink()
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok helix-jv: ")


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _outputs(folder: Path) -> dict[str, str]:
    """Every deal's output files. Not compared: the warehouse (it records each read; its accepted scores
    are checked separately) and the portfolio page, which lists each deal's input errors on purpose."""
    return {k: v for k, v in _digest(folder).items() if "/" in k}


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory, helix_jv_ran_once: Path) -> tuple[Path, Path]:
    """A copy of the sample project after one successful run of helix-jv (the session's run), shared by the
    module's runs in order, and its Dagster home."""
    root = tmp_path_factory.mktemp("ran")
    copy_ran_project(helix_jv_ran_once, root)
    return root, root / "dagster_home"


@pytest.mark.parametrize("name", RUN_SUBSET)
def test_run_with_bad_inputs_keeps_previous_outputs(name: str, ran, monkeypatch: pytest.MonkeyPatch):
    root, home = ran
    _env(root, monkeypatch)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    before = _outputs(root / "outputs")
    assert "helix-jv/clauses.docx" in before and "helix-jv/launch_plan.xlsx" in before
    with connect(root / "outputs" / "warehouse.duckdb", read_only=True) as con:
        scored_before = con.execute(
            "SELECT dimension_id, severity FROM gaps WHERE deal_id = 'helix-jv' ORDER BY dimension_id"
        ).fetchall()
    case = BY_NAME[name]
    undo = case.apply(root)
    try:
        result = CliRunner().invoke(app, ["run", "--deal", "helix-jv"])
    finally:
        undo()
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert _outputs(root / "outputs") == before
    problems = [line for line in case.expected if line.startswith("  x ")]
    for line in problems:
        assert line in result.output.splitlines()
    if name.startswith("playbook"):
        assert "Nothing was run; the outputs are unchanged." in result.output
        return
    assert f"helix-jv was not scored; its previous outputs are unchanged: {len(problems)} problem" in result.output
    assert "0 deal(s) done, 1 blocked by input problems" in result.output
    with connect(root / "outputs" / "warehouse.duckdb", read_only=True) as con:
        scored_after = con.execute(
            "SELECT dimension_id, severity FROM gaps WHERE deal_id = 'helix-jv' ORDER BY dimension_id"
        ).fetchall()
        quarantine = con.execute(
            "SELECT source_file, source_row, reason, row_values FROM quarantine "
            "WHERE deal_id = 'helix-jv' ORDER BY source_file, source_row"
        ).fetchall()
    assert scored_after == scored_before  # the accepted scores of the last good run stay
    if name == "answers_score_in_words":
        assert "1 row quarantined (kept with the reason in the warehouse table 'quarantine')" in result.output
        assert "; 1 row quarantined." in result.output
        ((file, row, reason, cells),) = quarantine
        assert (file, row) == ("inputs/deals/helix-jv/answers_late.csv", 3)
        assert reason.startswith("is not a number; expected a whole number from 1 to 5")
        assert json.loads(cells)["value"] == "often"
    if name == "answers_respondent_changes_level":
        assert len(quarantine) == 84  # every row of the second person stays, one message names them
        assert "84 rows quarantined" in result.output
    if name == "answers_semicolons":
        assert [(f, r, cells) for f, r, _, cells in quarantine] == [
            ("inputs/deals/helix-jv/answers_late.csv", None, None)
        ]
        assert "1 whole file quarantined" in result.output


def test_a_later_good_run_after_blocked_runs_succeeds(ran, monkeypatch: pytest.MonkeyPatch):
    """After the blocked runs above (module order), the unchanged inputs run again and clear the quarantine."""
    root, home = ran
    _env(root, monkeypatch)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    result = CliRunner().invoke(app, ["run", "--deal", "helix-jv", "--force", "--top", "1"])
    assert result.exit_code == 0, result.output
    assert "1 deal(s) done." in result.output
    with connect(root / "outputs" / "warehouse.duckdb", read_only=True) as con:
        assert con.execute("SELECT count(*) FROM quarantine WHERE deal_id = 'helix-jv'").fetchone() == (0,)


def test_other_deals_still_run_when_one_is_blocked(builder, dagster_home, monkeypatch: pytest.MonkeyPatch):
    settings = builder.settings
    builder.home_answers({"decision_style": [4, 4, 4], "approval_layers": [2, 2, 2]})
    builder.deal("good", {"decision_style": [1, 2, 1], "approval_layers": [5, 4, 5]})
    builder.deal("typo", {"decision_style": [1, 2, "sometimes"], "approval_layers": [5, 4, 5]})
    _env(settings.inputs_dir.parent, monkeypatch)
    result = CliRunner().invoke(app, ["run", "--top", "1"])
    assert result.exit_code == 2, result.output
    assert "good - Partner Test Inc. (co_development): engagement-risk index" in result.output
    assert (
        "  x inputs/deals/typo/answers_partner.csv, row 4, value: 'sometimes' is not a number; expected a "
        "whole number from 1 to 5, 'n/a' or 'unknown' (dimension 'decision_style')"
    ) in result.output
    assert "1 deal(s) done, 1 blocked by input problems; 1 row quarantined." in result.output
    assert (settings.deal_outputs("good") / "clauses.docx").is_file()
    assert not settings.deal_outputs("typo").exists()
