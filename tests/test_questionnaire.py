"""Questionnaire workbooks from init-deal and `questionnaire`, filled as respondents would, read back and scored.

Workbooks are filled with openpyxl the way a respondent fills them in a spreadsheet program: values typed into
the unlocked (yellow) cells of the sheets they see, then saved under any file name in the deal folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from statistics import mean

import pytest
import yaml
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sample_project import accept_and_score, sample_file

from dd_pipeline.intake import read_inputs
from dd_pipeline.settings import PROJECT_ROOT
from dd_pipeline.warehouse.connection import connect, frame
from dd_pipeline.warehouse.dashboard_reads import gaps_csv
from tests.conftest import cli_for, write_csv

CATEGORY_SHEETS = ["Strategy", "Structure", "Capabilities", "Risk", "Norms"]
CHANGED = (
    "the questionnaire's layout was changed; copy the answers into a fresh questionnaire "
    "(dd-pipeline questionnaire) or undo the change"
)
Answer = Callable[[str, str], object]


@pytest.fixture
def cli(empty_project, monkeypatch):
    invoke = cli_for(empty_project, monkeypatch)

    # The home profile every deal shares: one home respondent, one dimension.
    write_csv(
        empty_project.home_dir / "answers.csv",
        [["H90", "home", "R&D", "executive", "home", "strategic_importance", 1, ""]],
    )
    return invoke


def new_deal(cli, deal_id: str = "acme") -> None:
    result = cli(
        "init-deal",
        deal_id,
        "--partner",
        "Acme Robotics GmbH",
        "--partner-short",
        "Acme",
        "--type",
        "co_development",
        "--term-sheet-date",
        "2027-01-15",
        "--effective-date",
        "2027-03-01",
    )
    assert result.exit_code == 0, result.output


def personal_copies(cli, deal_id: str, side: str, *respondents: str) -> dict[str, Path]:
    args = ["questionnaire", "--deal", deal_id, "--side", side]
    for r in respondents:
        args += ["--respondent", r]
    result = cli(*args)
    assert result.exit_code == 0, result.output
    return {r: Path(line.split()[1]) for r, line in zip(respondents, result.output.splitlines(), strict=False)}


def fill(
    source: Path, target: Path, about: dict[str, object], answer: Answer, comments: dict[str, str] | None = None
) -> None:
    """Type an answer into every unlocked answer cell (G: about us, H: about the other side), as a respondent."""
    wb = load_workbook(source)
    for title in CATEGORY_SHEETS:
        sheet = wb[title]
        for row in range(4, sheet.max_row + 1):
            dimension = sheet[f"A{row}"].value
            if not dimension:
                continue
            for rated, col in (("own", "G"), ("other", "H")):
                cell = sheet[f"{col}{row}"]
                if cell.protection.locked:
                    continue
                value = answer(dimension, rated)
                if value is not None:
                    cell.value = value
            if comments and dimension in comments:
                sheet[f"I{row}"] = comments[dimension]
    for ref, value in about.items():
        wb["About you"][ref] = value
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)


def pattern(seed: int) -> Answer:
    """A respondent's answers: different per dimension, per respondent and per organization rated."""

    def answer(dimension: str, rated: str) -> object:
        return 1 + (len(dimension) * 7 + seed * 3 + (2 if rated == "other" else 0)) % 4

    return answer


def with_exceptions(base: Answer, exceptions: dict[tuple[str, str], object]) -> Answer:
    def answer(dimension: str, rated: str) -> object:
        return exceptions.get((dimension, rated), base(dimension, rated))

    return answer


def problems_of(settings, playbook, deal_id: str = "acme") -> list[str]:
    return [str(p) for p in read_inputs(settings, deal_id, playbook).intake.problems]


# --------------------------------------------------------------------------------------------------
# The full round trip
# --------------------------------------------------------------------------------------------------


def test_filled_workbooks_from_both_sides_give_the_expected_scores(cli, empty_project, playbook):
    new_deal(cli)
    home = personal_copies(cli, "acme", "home", "H1", "H2")
    partner = personal_copies(cli, "acme", "partner", "P1", "P2", "P3")
    deal_dir = empty_project.deal_dir("acme")
    base = empty_project.inputs_dir.parent
    people: dict[str, tuple[str, str, str, Answer]] = {
        # id: (side, division, level, answers); file names are whatever the deal team saved them as
        "H1": (
            "home",
            "R&D",
            "executive",
            with_exceptions(
                pattern(1), {("strategic_importance", "own"): 5, ("time_horizon", "own"): "not applicable"}
            ),
        ),
        "H2": (
            "home",
            "Commercial",
            "middle",
            with_exceptions(pattern(2), {("strategic_importance", "own"): 4, ("objectives_clarity", "other"): None}),
        ),
        "P1": (
            "partner",
            "Research",
            "middle",
            with_exceptions(pattern(3), {("strategic_importance", "own"): 2, ("decision_style", "own"): "don't know"}),
        ),
        "P2": (
            "partner",
            "Operations",
            "operational",
            with_exceptions(
                pattern(4), {("strategic_importance", "own"): 2, ("decision_style", "own"): "Don\u2019t know"}
            ),
        ),
        "P3": (
            "partner",
            "Research",
            "executive",
            with_exceptions(pattern(5), {("strategic_importance", "own"): "3", ("approval_layers", "own"): "n/a"}),
        ),
    }
    names = {
        "H1": "dana.xlsx",
        "H2": "answers_from_marc.xlsx",
        "P1": "P1 returned.xlsx",
        "P2": "hiro.xlsx",
        "P3": "acme_partner_P3.xlsx",
    }
    for rid, (side, division, level, answer) in people.items():
        source = base / (home if side == "home" else partner)[rid]
        fill(
            source,
            deal_dir / names[rid],
            {"B6": division, "B7": level},
            answer,
            comments={"decision_style": f"comment from {rid}"},
        )

    with connect(empty_project.warehouse_path) as con:
        inputs = accept_and_score(con, empty_project, playbook, "acme")
        gaps = frame(con, "SELECT * FROM gaps WHERE deal_id = 'acme'").set_index("dimension_id")
        lists = gaps_csv(con, "acme").set_index("dimension")[["home_answers", "partner_answers"]]
        gaps = gaps.join(lists)  # the answers behind each score, as gaps.csv lists them
        answers = frame(con, "SELECT * FROM answers WHERE deal_id = 'acme'")

    assert not inputs.errors
    # Worked by hand: home H1=5, H2=4 and H90=1 from the home profile; partner P1=2, P2=2, P3=3.
    row = gaps.loc["strategic_importance"]
    assert (row.home_score, row.partner_score) == (3.3333, 2.3333)
    assert (row.home_n, row.partner_n) == (3, 3)
    assert row.home_answers == "H1=5; H2=4; H90=1"
    # Not applicable and "don't know" (also typed with a curly apostrophe) leave the answer out.
    assert gaps.loc["time_horizon"].home_answers == f"H2={pattern(2)('time_horizon', 'own')}"
    assert gaps.loc["decision_style"].partner_answers == f"P3={pattern(5)('decision_style', 'own')}"
    assert gaps.loc["approval_layers"].partner_n == 2

    # Every other dimension: the mean of what each side's respondents typed about their own organization.
    for dim in playbook.dimensions:
        for side in ("home", "partner"):
            typed = [people[r][3](dim.id, "own") for r in people if people[r][0] == side]
            numbers = [int(v) for v in typed if isinstance(v, int) or (isinstance(v, str) and v.isdigit())]
            if side == "home" and dim.id == "strategic_importance":
                numbers.append(1)
            assert gaps.loc[dim.id, f"{side}_score"] == round(mean(numbers), 4), (dim.id, side)

    # Division and level come from the "About you" sheet; the view of the other side is kept too.
    who = answers.drop_duplicates("respondent_id").set_index("respondent_id")
    assert who.loc["P2", ["respondent_side", "division", "level"]].tolist() == ["partner", "Operations", "operational"]
    assert who.loc["H2", "source_file"] == "inputs/deals/acme/answers_from_marc.xlsx"
    about_other = answers[(answers.respondent_side == "home") & (answers.rated_side == "partner")]
    both = sum(1 for d in playbook.dimensions if d.perspective.value == "both")
    assert len(about_other) == 2 * both - 1  # H2 left one question about the partner empty
    # A row's comment goes with both of its answers (about us and about them).
    comment = answers[(answers.respondent_id == "P3") & (answers.dimension_id == "decision_style")]
    assert comment.comment.tolist() == ["comment from P3", "comment from P3"]
    # The blank questionnaires in questionnaires/ are not read as answers.
    assert not answers.source_file.str.contains("questionnaires/").any()


def test_run_and_validate_see_the_workbooks(cli, empty_project):
    new_deal(cli)
    base = empty_project.inputs_dir.parent
    for side, ids in (("home", ("H1", "H2", "H3")), ("partner", ("P1", "P2", "P3"))):
        copies = personal_copies(cli, "acme", side, *ids)
        for i, rid in enumerate(ids):
            fill(
                base / copies[rid],
                empty_project.deal_dir("acme") / f"{rid}.xlsx",
                {"B6": "R&D" if side == "home" else "Sales", "B7": "middle"},
                pattern(i),
            )
    result = cli("validate", "--deal", "acme")
    assert result.exit_code == 0, result.output
    # six respondents x (60 about their own organization + 55 about the other) + one home-profile answer
    assert "ok acme: 691 answers" in result.output


# --------------------------------------------------------------------------------------------------
# Wrong answers and changed layouts: a message naming sheet and cell
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def filled(cli, empty_project) -> Path:
    """One partner respondent's filled workbook in the deal folder, as p1.xlsx."""
    new_deal(cli)
    copy = personal_copies(cli, "acme", "partner", "P1")["P1"]
    target = empty_project.deal_dir("acme") / "p1.xlsx"
    fill(empty_project.inputs_dir.parent / copy, target, {"B6": "Research", "B7": "middle"}, pattern(1))
    return target


def edit(path: Path, change: Callable) -> None:
    wb = load_workbook(path)
    change(wb)
    wb.save(path)


def test_an_answer_that_is_not_on_the_list_is_named_by_sheet_and_cell(cli, filled):
    edit(filled, lambda wb: wb["Structure"].__setitem__("G12", "often"))
    result = cli("validate", "--deal", "acme")
    assert result.exit_code == 2
    assert (
        "inputs/deals/acme/p1.xlsx, row 12, sheet 'Structure' cell G12: 'often' is not an answer; "
        "expected 1-5, not applicable or don't know"
    ) in result.output
    assert "Traceback" not in result.output


def test_a_number_outside_a_four_point_scale_is_refused(filled, empty_project, playbook):
    # governance_authority is an agreement item on 1-4
    def change(wb):
        sheet = wb["Capabilities"]
        row = next(r for r in range(4, 40) if sheet[f"A{r}"].value == "governance_authority")
        sheet[f"H{row}"] = 5
        change.row = row

    edit(filled, change)
    assert problems_of(empty_project, playbook) == [
        f"inputs/deals/acme/p1.xlsx, row {change.row}, sheet 'Capabilities' cell H{change.row}: '5' is not an "
        "answer; expected 1-4, not applicable or don't know"
    ]


def test_a_changed_layout_is_named_by_sheet_and_cell(filled, empty_project, playbook):
    second_risk = [d.id for d in playbook.dimensions if d.category.value == "risk"][1]
    changes = [
        (lambda wb: wb.remove(wb["Structure"]), f"inputs/deals/acme/p1.xlsx, sheet 'Structure': is missing: {CHANGED}"),
        (
            lambda wb: wb["Strategy"].__setitem__("C3", "Questions"),
            f"inputs/deals/acme/p1.xlsx, row 3, sheet 'Strategy' cell C3: 'Questions' should be the heading "
            f"'Question': {CHANGED}",
        ),
        (
            lambda wb: wb["Risk"].__setitem__("A5", "risk_appetit"),
            f"inputs/deals/acme/p1.xlsx, row 5, sheet 'Risk' cell A5: 'risk_appetit' should be the dimension id "
            f"'{second_risk}' that this row was made for: {CHANGED}",
        ),
        (
            lambda wb: wb["About you"].__setitem__("A6", "Department"),
            f"inputs/deals/acme/p1.xlsx, row 6, sheet 'About you' cell A6: 'Department' should read 'Division': "
            f"{CHANGED}",
        ),
    ]
    original = filled.read_bytes()
    for change, expected in changes:
        filled.write_bytes(original)
        edit(filled, change)
        assert problems_of(empty_project, playbook) == [expected]


def test_moved_columns_are_refused(filled, empty_project, playbook):
    edit(filled, lambda wb: wb["Norms"].move_range("G3:H20", cols=1))
    problems = problems_of(empty_project, playbook)
    assert problems[0] == (
        "inputs/deals/acme/p1.xlsx, row 3, sheet 'Norms' cell G3: should be the heading "
        f"'About Acme (your organization)': {CHANGED}"
    )
    assert len(problems) == 3  # G3 now empty, H3 and I3 hold the wrong headings


def test_a_dimension_id_not_in_the_framework_is_named(filled, empty_project, playbook):
    def change(wb):
        meta = wb["dd_meta"]
        row = next(r for r in range(10, 70) if meta[f"C{r}"].value == "time_horizon")
        meta[f"C{row}"] = "time_horizonn"
        wb["Strategy"]["A5"] = "time_horizonn"
        change.row = row

    edit(filled, change)
    assert problems_of(empty_project, playbook) == [
        f"inputs/deals/acme/p1.xlsx, row {change.row}, sheet 'dd_meta' cell C{change.row}: 'time_horizonn' is not "
        "a dimension of the framework in assets/ (the questionnaire is older or newer than the framework); "
        "generate a fresh questionnaire with dd-pipeline questionnaire"
    ]


def test_a_record_with_missing_rows_is_refused(filled, empty_project, playbook):
    edit(filled, lambda wb: wb["dd_meta"].delete_rows(12))
    problems = problems_of(empty_project, playbook)
    assert problems == [
        f"inputs/deals/acme/p1.xlsx, row 69, sheet 'dd_meta' cell A69: the questionnaire's record lists 59 "
        f"question rows but should list 60: {CHANGED}",
    ]


def test_about_you_must_say_division_and_level(filled, empty_project, playbook):
    edit(filled, lambda wb: [wb["About you"].__setitem__(ref, None) for ref in ("B6", "B7")])
    assert problems_of(empty_project, playbook) == [
        "inputs/deals/acme/p1.xlsx, row 6, sheet 'About you' cell B6: is empty; the respondent's division is needed",
        "inputs/deals/acme/p1.xlsx, row 7, sheet 'About you' cell B7: is empty; expected executive, middle or "
        "operational",
    ]


def test_a_blank_respondent_id_takes_the_file_name(cli, empty_project, playbook):
    new_deal(cli)
    blank = empty_project.deal_dir("acme") / "questionnaires" / "acme_partner.xlsx"
    fill(blank, empty_project.deal_dir("acme") / "jane-doe.xlsx", {"B6": "Sales", "B7": "executive"}, pattern(2))
    fill(
        blank,
        empty_project.deal_dir("acme") / "Reply from Sam (Diagnostics).xlsx",
        {"B6": "Sales", "B7": "middle"},
        pattern(3),
    )
    fill(blank, empty_project.deal_dir("acme") / "Zoë Roe.xlsx", {"B6": "Sales", "B7": "executive"}, pattern(1))
    fill(blank, empty_project.deal_dir("acme") / "王芳.xlsx", {"B6": "Sales", "B7": "executive"}, pattern(4))
    inputs = read_inputs(empty_project, "acme", playbook)
    assert {a.respondent_id for a in inputs.intake.answers if a.respondent_side == "partner"} == {
        "jane-doe",
        "Reply-from-Sam-Diagnostics",
        "Zoe-Roe",
    }
    assert [str(p) for p in inputs.intake.errors] == [
        "inputs/deals/acme/王芳.xlsx, row 4, sheet 'About you' cell B4: is empty and the file name '王芳' "
        "cannot stand in for it: type a respondent id (letters, digits, '.', '-' or '_', at most 40)"
    ]


def test_a_duplicated_workbook_gives_one_line_naming_both_files(filled, empty_project, playbook):
    shutil.copy(filled, filled.with_name("p1 (1).xlsx"))  # a second download of the same attachment
    errors = read_inputs(empty_project, "acme", playbook).intake.errors
    assert [str(p) for p in errors] == [
        "inputs/deals/acme/p1 (1).xlsx: is a second workbook with the same respondent (P1, partner): both "
        "inputs/deals/acme/p1.xlsx and this file answer the sheets 'Strategy', 'Structure', 'Capabilities', "
        "'Risk', 'Norms'. Only inputs/deals/acme/p1.xlsx is read. Keep the workbook with the answers you want at "
        "the top of the deal folder and move the other into a subfolder (or delete it); if each holds answers "
        "the other lacks, copy them into one workbook first"
    ]


def test_a_copy_of_a_blank_reply_is_not_a_second_respondent(cli, empty_project, playbook):
    new_deal(cli)
    blank = empty_project.deal_dir("acme") / "questionnaires" / "acme_partner.xlsx"
    fill(blank, empty_project.deal_dir("acme") / "elena.xlsx", {"B6": "Sales", "B7": "middle"}, pattern(2))
    shutil.copy(empty_project.deal_dir("acme") / "elena.xlsx", empty_project.deal_dir("acme") / "elena - Copy.xlsx")
    inputs = read_inputs(empty_project, "acme", playbook)
    assert {a.respondent_id for a in inputs.intake.answers if a.respondent_side == "partner"} == {"elena"}
    [problem] = inputs.intake.errors
    assert str(problem).startswith(
        "inputs/deals/acme/elena - Copy.xlsx: is a second workbook with the same answers "
        "as inputs/deals/acme/elena.xlsx (respondent elena): both"
    )


def test_a_workbook_in_the_wrong_deal_folder_says_where_it_belongs(filled, cli, empty_project, playbook):
    new_deal(cli, "other")
    shutil.move(filled, empty_project.deal_dir("other") / "p1.xlsx")
    assert [str(p) for p in read_inputs(empty_project, "other", playbook).intake.errors][0] == (
        "inputs/deals/other/p1.xlsx, row 3, sheet 'dd_meta' cell B3: 'acme' is the deal this questionnaire was "
        "made for, but it lies in the folder of deal 'other'; move it into inputs/deals/acme/"
    )


def test_empty_questionnaires_and_stray_workbooks(filled, empty_project, playbook):
    deal_dir = empty_project.deal_dir("acme")
    shutil.copy(deal_dir / "questionnaires" / "acme_home.xlsx", deal_dir / "not yet back.xlsx")
    (deal_dir / "~$p1.xlsx").write_bytes(b"lock file of an open workbook")
    wb = load_workbook(filled)
    wb.remove(wb["dd_meta"])
    wb.save(deal_dir / "notes.xlsx")
    problems = read_inputs(empty_project, "acme", playbook).intake.problems
    assert [(p.severity, str(p)) for p in problems if p.file.endswith(".xlsx")] == [
        ("warning", "inputs/deals/acme/not yet back.xlsx: has no answers yet; it is not counted"),
        (
            "error",
            "inputs/deals/acme/notes.xlsx: is not a questionnaire from dd-pipeline (it has no 'dd_meta' "
            "sheet) and not an answers table (its name does not start with 'answers'); move it into a "
            "subfolder if it holds no answers",
        ),
    ]


def test_a_comment_without_an_answer_is_reported(filled, empty_project, playbook):
    def change(wb):
        wb["Norms"]["G4"] = None
        wb["Norms"]["H4"] = None
        wb["Norms"]["I4"] = "we never discussed this"

    edit(filled, change)
    problems = read_inputs(empty_project, "acme", playbook).intake.problems
    assert [(p.severity, str(p)) for p in problems if p.file.endswith("p1.xlsx")] == [
        (
            "warning",
            "inputs/deals/acme/p1.xlsx, row 4, sheet 'Norms' cell I4: has a comment but its question has "
            "no answer, so the comment is not used",
        )
    ]


# --------------------------------------------------------------------------------------------------
# init-deal
# --------------------------------------------------------------------------------------------------


def test_init_deal_writes_a_deal_that_validates_until_answers_arrive(cli, empty_project):
    result = cli(
        "init-deal",
        "acme",
        "--partner",
        'Acme "Global": Robotics #1, GmbH',
        "--type",
        "co-development",
        "--term-sheet-date",
        "2027-01-15",
    )
    assert result.exit_code == 0, result.output
    folder = empty_project.deal_dir("acme")
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) == [
        "deal.yaml",
        "questionnaires",
        "questionnaires/acme_home.xlsx",
        "questionnaires/acme_partner.xlsx",
    ]
    deal = yaml.safe_load((folder / "deal.yaml").read_text(encoding="utf-8"))
    assert deal["partner"] == 'Acme "Global": Robotics #1, GmbH'
    assert deal["alliance_type"] == "co_development"
    assert str(deal["effective_date"]) == "2027-03-16"  # 60 days after the term sheet
    assert "dd-pipeline validate --deal acme" in result.output

    check = cli("validate", "--deal", "acme")
    assert check.exit_code == 2
    errors = [line.strip() for line in check.output.splitlines() if line.strip().startswith("x ")]
    assert errors == ["x inputs/deals/acme: has no answers*.csv or answers*.xlsx file"]


def test_init_deal_refuses_an_existing_deal(cli, empty_project):
    new_deal(cli)
    deal_yaml = empty_project.deal_dir("acme") / "deal.yaml"
    before = deal_yaml.read_bytes()
    result = cli("init-deal", "acme", "--partner", "Someone Else", "--type", "supply")
    assert result.exit_code == 2
    assert (
        "inputs/deals/acme/: already exists; nothing was changed (choose another deal id, or edit the files "
        "in that folder)"
    ) in result.output
    assert deal_yaml.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["Bad Deal", "--partner", "X", "--type", "supply"],
            "deal id: 'Bad Deal' is not valid: use 1-63 lowercase letters, digits, '-' or '_', starting with a letter",
        ),
        (
            ["x1", "--partner", "X", "--type", "alliance"],
            "--type: 'alliance' is not an alliance type; expected one of licensing, co_development, co_marketing, "
            "joint_venture, supply",
        ),
        (
            ["x1", "--partner", "X", "--type", "supply", "--term-sheet-date", "15.01.2027"],
            "--term-sheet-date: '15.01.2027' is not a date; expected YYYY-MM-DD",
        ),
        (["x1", "--partner", " ", "--type", "supply"], "deal, partner: '' is empty; a value is required"),
    ],
)
def test_init_deal_explains_bad_options(cli, empty_project, args, expected):
    result = cli("init-deal", *args)
    assert result.exit_code == 2
    assert expected in result.output
    assert not (empty_project.deals_dir / "x1").exists()
    assert list(empty_project.deals_dir.iterdir()) == []


# --------------------------------------------------------------------------------------------------
# The workbook itself
# --------------------------------------------------------------------------------------------------


def test_the_workbook_lets_a_respondent_fill_only_the_answer_cells(cli, empty_project, playbook):
    new_deal(cli)
    wb = load_workbook(empty_project.deal_dir("acme") / "questionnaires" / "acme_home.xlsx")
    assert wb.sheetnames == ["Instructions", "About you", *CATEGORY_SHEETS, "Maturity", "Your contacts", "dd_meta"]
    assert wb["dd_meta"].sheet_state == "hidden"
    assert wb.security.lockStructure
    assert all(sheet.protection.sheet for sheet in wb.worksheets)

    division_rule = next(dv for dv in wb["About you"].data_validations.dataValidation if "B6" in dv.sqref)
    assert division_rule.formula1 == "dd_meta!$F$2:$F$3"
    assert [wb["dd_meta"]["F2"].value, wb["dd_meta"]["F3"].value] == ["R&D", "Commercial"]

    unlocked, cells = set(), 0
    for title in CATEGORY_SHEETS:
        sheet = wb[title]
        rules = {
            f"{get_column_letter(col)}{row}": dv.formula1
            for dv in sheet.data_validations.dataValidation
            for rng in dv.sqref.ranges
            for row, col in rng.cells
        }
        for row in sheet.iter_rows():
            for cell in row:
                if not cell.protection.locked:
                    unlocked.add((title, cell.column_letter))
        for r in range(4, sheet.max_row + 1):
            dim = playbook.dimension_by_id[sheet[f"A{r}"].value]
            points = ",".join(str(p) for p in range(dim.scale.min, dim.scale.max + 1))
            assert rules[f"G{r}"] == f'"{points},not applicable,don\'t know"'
            if dim.perspective.value == "both":
                assert rules[f"H{r}"] == rules[f"G{r}"]
                cells += 2
            else:
                assert f"H{r}" not in rules and sheet[f"H{r}"].value == "(your organization only)"
                cells += 1
        assert sheet["G3"].value == "About HomeCo\n(your organization)"
        assert sheet["H3"].value == "About Acme\n(the other organization)"
    assert {col for _, col in unlocked} == {"G", "H", "I"}
    assert cells == 115

    # 15 seconds per answer: the instructions promise what the workbook asks, and it stays under 30 minutes.
    instructions = " ".join(str(c.value) for row in wb["Instructions"].iter_rows() for c in row if c.value)
    minutes = -(-cells * 15 // 60)
    assert minutes < 30, f"a full questionnaire would take {minutes} minutes"
    assert f"about {minutes} minutes: 60 questions, {cells} answers" in instructions


def test_questionnaires_are_the_same_bytes_in_every_run(cli, empty_project, tmp_path):
    new_deal(cli)
    blank = (empty_project.deal_dir("acme") / "questionnaires" / "acme_partner.xlsx").read_bytes()
    result = cli("questionnaire", "--deal", "acme", "--side", "partner", "--out", str(tmp_path / "again"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "again" / "acme_partner.xlsx").read_bytes() == blank
    script = (
        "import sys; from dd_pipeline.cli import main; sys.argv = ['dd-pipeline', 'questionnaire', "
        f"'--deal', 'acme', '--side', 'partner', '--out', {str(tmp_path / 'other')!r}]; main()"
    )
    env = {
        **os.environ,
        "PYTHONHASHSEED": "12345",
        "DD_ASSETS": str(empty_project.assets_dir),
        "DD_INPUTS": str(empty_project.inputs_dir),
        "DD_OUTPUTS": str(empty_project.outputs_dir),
    }
    subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True, cwd=PROJECT_ROOT)
    assert (tmp_path / "other" / "acme_partner.xlsx").read_bytes() == blank


def test_questionnaire_command_checks_its_options(cli):
    new_deal(cli)
    result = cli("questionnaire", "--deal", "acme", "--respondent", "P1")
    assert result.exit_code == 2
    assert "--respondent: needs --side home or --side partner" in result.output
    result = cli("questionnaire", "--deal", "acme", "--side", "home", "--respondent", "Jane Doe")
    assert result.exit_code == 2
    assert "--respondent: 'Jane Doe' is not a respondent id" in result.output
    result = cli("questionnaire", "--deal", "nosuch")
    assert result.exit_code == 2
    assert (
        "inputs/deals/nosuch/deal.yaml: is missing: create the deal first with dd-pipeline init-deal" in result.output
    )


@pytest.mark.parametrize(
    "partner",
    [
        'Acme "Global": Robotics #1, GmbH',
        "yes",
        "2027-01-01",
        "null",
        "- Acme",
        "O'Brien & Søn A/S",
        "{{ 7*7 }}",
        '=HYPERLINK("http://example.com")',
    ],
)
def test_deal_yaml_keeps_any_partner_name(partner, playbook):
    from dd_pipeline.intake.new_deal import deal_yaml_text
    from dd_pipeline.models import Deal

    deal = Deal.model_validate(
        dict(
            yaml.safe_load(sample_file("deals/northwind-codev/deal.yaml").read_text(encoding="utf-8")),
            partner=partner,
            partner_short_name=partner,
        )
    )
    text = deal_yaml_text(deal, playbook)
    assert Deal.model_validate(yaml.safe_load(text)) == deal
    assert text.count("\n# ") > 20  # every key keeps its explanation


def test_a_partner_name_that_looks_like_a_formula_stays_text(cli, empty_project, playbook):
    result = cli(
        "init-deal",
        "acme",
        "--partner",
        "Acme",
        "--partner-short",
        '=HYPERLINK("http://example.com")',
        "--type",
        "supply",
    )
    assert result.exit_code == 0, result.output
    blank = empty_project.deal_dir("acme") / "questionnaires" / "acme_partner.xlsx"
    wb = load_workbook(blank)
    heading = wb["Strategy"]["G3"]
    assert (heading.value, heading.data_type) == ('About =HYPERLINK("http://example.com")\n(your organization)', "s")
    assert wb["dd_meta"]["B6"].data_type == "s"
    assert not [
        c.coordinate
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f" and "HYPERLINK" in str(c.value)
    ]
    fill(blank, empty_project.deal_dir("acme") / "p.xlsx", {"B4": "P1", "B6": "Sales", "B7": "middle"}, pattern(1))
    inputs = read_inputs(empty_project, "acme", playbook)
    assert not inputs.intake.errors
    assert {a.respondent_id for a in inputs.intake.answers} == {"H90", "P1"}


def test_answers_tables_keep_working_beside_workbooks(filled, empty_project, playbook):
    from openpyxl import Workbook

    from tests.conftest import ANSWER_HEADER

    table = Workbook()
    table.active.append(ANSWER_HEADER)
    table.active.append(["P9", "partner", "Sales", "middle", "partner", "decision_style", 4, ""])
    table.save(empty_project.deal_dir("acme") / "answers_extra.xlsx")
    write_csv(
        empty_project.deal_dir("acme") / "answers_more.csv",
        [["P1", "partner", "Research", "middle", "partner", "decision_style", 2, ""]],
    )
    intake = read_inputs(empty_project, "acme", playbook).intake
    assert ("P9", "decision_style", 4.0) in {(a.respondent_id, a.dimension_id, a.raw_value) for a in intake.answers}
    assert [str(p) for p in intake.errors] == [
        "inputs/deals/acme/p1.xlsx, row 4, dimension: 'decision_style' is answered twice by P1 about partner "
        "(first in inputs/deals/acme/answers_more.csv row 2); keep one row"
    ]


# --------------------------------------------------------------------------------------------------
# The maturity and contacts sheets, and the respondent's function and role
# --------------------------------------------------------------------------------------------------


def fill_extra_sheets(
    path: Path, levels: dict[int, object], contacts: list[list[object]], about: dict[str, object]
) -> None:
    """Pick maturity levels (sheet row -> level), type contact rows from row 4, and fill 'About you' cells."""
    wb = load_workbook(path)
    for row, level in levels.items():
        wb["Maturity"][f"G{row}"] = level
    for offset, cells in enumerate(contacts):
        for col, value in zip("ABCDE", cells, strict=True):
            wb["Your contacts"][f"{col}{4 + offset}"] = value
    for ref, value in about.items():
        wb["About you"][ref] = value
    wb.save(path)


def test_maturity_and_contacts_sheets_come_back_as_rows(filled, empty_project, playbook):
    fill_extra_sheets(
        filled,
        {4: 2, 5: "2", 6: 3, 8: 1, 9: 4},
        [["Ann Home", "HomeCo", "weekly", "high", "yes"], ["Dana Ops", "Acme", "Daily", "medium", "no"]],
        {"B9": "R&D", "B10": "core_team"},
    )
    intake = read_inputs(empty_project, "acme", playbook).intake
    assert [str(p) for p in intake.errors] == []
    assert [(m.respondent_id, m.respondent_side, m.rated_side, m.area_id, m.level) for m in intake.maturity] == [
        ("P1", "partner", "partner", "strategic_importance", 2),
        ("P1", "partner", "partner", "am_mission", 2),
        ("P1", "partner", "partner", "am_structure", 3),
        ("P1", "partner", "partner", "people_culture", 1),
        ("P1", "partner", "partner", "reputation", 4),
    ]
    assert [r.values for r in intake.questionnaire_people()] == [
        {
            "person_id": "P1",
            "organization": "partner",
            "level": "middle",
            "function": "R&D",
            "alliance_role": "core_team",
            "name": "",
            "named": "no",
            "status": "active",
        }
    ]
    assert [(r.number, r.values) for r in intake.questionnaire_contacts()] == [
        (
            4,
            {
                "person_id": "P1",
                "contact_id": "Ann-Home",
                "contact_organization": "home",
                "frequency": "weekly",
                "importance": "high",
                "close": "yes",
            },
        ),
        (
            5,
            {
                "person_id": "P1",
                "contact_id": "Dana-Ops",
                "contact_organization": "partner",
                "frequency": "daily",
                "importance": "medium",
                "close": "no",
            },
        ),
    ]


def test_a_bad_level_or_contact_cell_is_named_by_sheet_and_cell(filled, empty_project, playbook):
    fill_extra_sheets(
        filled,
        {5: 7},
        [["Ann Home", "Globex", "hourly", "high", "yes"], ["", "Acme", "daily", "", "no"]],
        {"B10": "boss"},
    )
    assert set(problems_of(empty_project, playbook)) >= {
        "inputs/deals/acme/p1.xlsx, row 5, sheet 'Maturity' cell G5: '7' is not a maturity level; expected 1, 2, 3 "
        "or 4",
        "inputs/deals/acme/p1.xlsx, row 4, sheet 'Your contacts' cell B4: 'Globex' is not one of the two "
        "organizations; expected HomeCo or Acme",
        "inputs/deals/acme/p1.xlsx, row 4, sheet 'Your contacts' cell C4: 'hourly' is not on the list; expected "
        "daily, weekly, monthly, rarely",
        "inputs/deals/acme/p1.xlsx, row 5, sheet 'Your contacts' cell A5: is empty; name the person this row is about",
        "inputs/deals/acme/p1.xlsx, row 5, sheet 'Your contacts' cell D5: is empty; expected high, medium, low",
        "inputs/deals/acme/p1.xlsx, row 10, sheet 'About you' cell B10: 'boss' is not a role in the alliance; "
        "expected one of sponsor, governance, project_lead, core_team, peripheral",
    }


def test_the_contacts_sheet_offers_the_deals_roster(cli, empty_project, playbook):
    from dd_pipeline.intake.new_deal import QUESTIONNAIRES
    from dd_pipeline.intake.questionnaire import questionnaire_xlsx
    from dd_pipeline.intake.questionnaire_extra_sheets import deal_roster
    from dd_pipeline.models import Deal, HomeOrganization, Side

    new_deal(cli)
    deal_dir = empty_project.deal_dir("acme")
    write_csv(
        deal_dir / "people.csv",
        [
            ["H7", "home", "executive", "Legal", "sponsor", "Ann Home", "yes", "active"],
            ["P9", "partner", "middle", "R&D", "core_team", "Secret Person", "no", "active"],
        ],
        ["person_id", "organization", "level", "function", "alliance_role", "name", "named", "status"],
    )
    deal = Deal.model_validate(yaml.safe_load((deal_dir / "deal.yaml").read_text(encoding="utf-8")))
    home = HomeOrganization.model_validate(
        yaml.safe_load((empty_project.home_dir / "organization.yaml").read_text(encoding="utf-8"))
    )
    roster = deal_roster(deal_dir)
    assert roster == [("Ann Home", "H7", "home"), ("P9", "P9", "partner")]  # 'named: no' shows the id only
    path = deal_dir / "p2.xlsx"
    path.write_bytes(questionnaire_xlsx(playbook, deal, home, Side.partner, "P2", roster))
    wb = load_workbook(path)
    rules = {str(dv.sqref): dv for dv in wb["Your contacts"].data_validations.dataValidation}
    assert rules["A4:A33"].formula1 == "dd_meta!$J$2:$J$3"
    assert rules["B4:B33"].formula1 == "dd_meta!$H$2:$H$3"
    assert [wb["dd_meta"]["H2"].value, wb["dd_meta"]["H3"].value] == ["Acme", "HomeCo"]
    assert not wb["Your contacts"]["A4"].protection.locked and wb["Your contacts"]["F4"].protection.locked
    assert wb["Maturity"]["G4"].protection.locked is False and wb["Maturity"].protection.sheet
    assert wb["Maturity"]["C4"].value == playbook.maturity.areas[0].levels[1]
    wb.close()
    fill(path, path, {"B6": "Research", "B7": "middle"}, pattern(2))
    fill_extra_sheets(path, {}, [["Ann Home", None, "monthly", "low", "no"]], {})
    contacts = read_inputs(empty_project, "acme", playbook).intake.questionnaire_contacts()
    assert [(r.values["contact_id"], r.values["contact_organization"]) for r in contacts] == [("H7", "home")]
    assert (deal_dir / QUESTIONNAIRES).is_dir()


def test_a_workbook_made_before_the_maturity_and_contacts_sheets_still_reads(filled, empty_project, playbook):
    def older(wb) -> None:  # type: ignore[no-untyped-def]
        del wb["Maturity"]
        del wb["Your contacts"]
        for row in (9, 10):
            for col in "ABC":
                wb["About you"][f"{col}{row}"] = None

    edit(filled, older)
    intake = read_inputs(empty_project, "acme", playbook).intake
    assert [str(p) for p in intake.errors] == []
    assert len(intake.answers) > 100
    assert (intake.maturity, intake.questionnaire_people(), intake.questionnaire_contacts()) == ([], [], [])


def test_the_questionnaire_command_offers_the_deals_roster(cli, empty_project):
    new_deal(cli)
    deal_dir = empty_project.deal_dir("acme")
    write_csv(
        deal_dir / "people.csv",
        [["H7", "home", "executive", "Legal", "sponsor", "Ann Home", "yes", "active"]],
        ["person_id", "organization", "level", "function", "alliance_role", "name", "named", "status"],
    )
    copy = personal_copies(cli, "acme", "partner", "P3")["P3"]
    wb = load_workbook(empty_project.inputs_dir.parent / copy)
    assert (wb["dd_meta"]["J2"].value, wb["dd_meta"]["K2"].value) == ("Ann Home", "H7")
    wb.close()


def test_questionnaire_contacts_join_the_network_beside_contacts_csv(filled, empty_project, playbook):
    import duckdb

    from dd_pipeline.use_cases import accept_deal, ingest_deal, map_network
    from dd_pipeline.warehouse.connection import ddl

    deal_dir = empty_project.deal_dir("acme")
    write_csv(
        deal_dir / "people.csv",
        [["H7", "home", "executive", "Legal", "sponsor", "Ann Home", "yes", "active"]],
        ["person_id", "organization", "level", "function", "alliance_role", "name", "named", "status"],
    )
    write_csv(
        deal_dir / "contacts.csv",
        [["H7", "P1", "partner", "monthly", "high", "no"]],
        ["person_id", "contact_id", "contact_organization", "frequency", "importance", "close"],
    )
    fill_extra_sheets(
        filled,
        {},
        [["Ann Home", "HomeCo", "weekly", "high", "yes"], ["Dana Ops", "Acme", "daily", "medium", "no"]],
        {"B9": "R&D", "B10": "project_lead"},
    )
    inputs = read_inputs(empty_project, "acme", playbook)
    assert [str(p) for p in inputs.intake.errors] == []
    network = inputs.intake.network
    assert network is not None
    # the respondent joins the roster from 'About you'; both files' ties are kept, each once
    assert sorted(network.people) == ["H7", "P1"]
    assert network.people["P1"].alliance_role == "project_lead"
    assert [(t.person_id, t.contact_id) for t in network.contacts] == [("H7", "P1"), ("P1", "H7"), ("P1", "Dana-Ops")]
    assert network.contact_origins[1:] == [("inputs/deals/acme/p1.xlsx", 4), ("inputs/deals/acme/p1.xlsx", 5)]

    con = duckdb.connect()
    con.execute(ddl())
    ingested = ingest_deal(con, empty_project, playbook, "acme")
    assert not ingested.errors
    accept_deal(con, "acme")
    mapped = map_network(con, playbook, "acme")
    assert mapped.network is not None
    assert set(mapped.network.people) == {"H7", "P1", "Dana-Ops"}
    assert not mapped.network.people["Dana-Ops"].node.surveyed  # named in a sheet, not on the roster
    tie = next(t for t in mapped.network.ties if {t.a, t.b} == {"H7", "P1"})
    assert not tie.one_way  # H7 names P1 in contacts.csv, P1 names H7 in the questionnaire


def test_a_tie_reported_in_contacts_csv_and_a_questionnaire_is_taken_once(filled, empty_project, playbook):
    deal_dir = empty_project.deal_dir("acme")
    write_csv(
        deal_dir / "people.csv",
        [
            ["H7", "home", "executive", "Legal", "sponsor", "Ann Home", "yes", "active"],
            ["P1", "partner", "middle", "Research", "core_team", "", "no", "active"],
        ],
        ["person_id", "organization", "level", "function", "alliance_role", "name", "named", "status"],
    )
    write_csv(
        deal_dir / "contacts.csv",
        [["P1", "H7", "home", "monthly", "high", "no"]],
        ["person_id", "contact_id", "contact_organization", "frequency", "importance", "close"],
    )
    fill_extra_sheets(filled, {}, [["Ann Home", "HomeCo", "weekly", "high", "yes"]], {"B9": "R&D"})
    network = read_inputs(empty_project, "acme", playbook).intake.network
    assert network is not None
    assert [(t.person_id, t.contact_id, t.frequency) for t in network.contacts] == [("P1", "H7", "monthly")]
    assert network.people["P1"].function == "Research"  # people.csv's row is kept for a listed respondent
    assert [(str(p), p.severity) for p in network.problems] == [
        (
            "inputs/deals/acme/p1.xlsx, row 4, contact_id: 'H7' is a tie of 'P1' that inputs/deals/acme/contacts.csv "
            "reports too (row 2); the row of inputs/deals/acme/contacts.csv is used",
            "warning",
        )
    ]


def test_a_respondent_off_the_roster_needs_function_and_role(filled, empty_project, playbook):
    fill_extra_sheets(filled, {}, [["Ann Home", "HomeCo", "weekly", "high", "yes"]], {"B9": "R&D"})
    assert [p for p in problems_of(empty_project, playbook) if "About you" in p] == [
        "inputs/deals/acme/p1.xlsx, row 10, sheet 'About you' cell B10: is empty; 'P1' is not in people.csv, so "
        "'Role in the alliance' is needed to place them in the alliance's network (or list them in people.csv)"
    ]
