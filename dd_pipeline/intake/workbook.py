"""Filled questionnaire workbooks dropped into a deal folder, read back into answer rows.

A workbook is a questionnaire when it has the hidden "dd_meta" sheet written by intake/questionnaire.py,
whatever its file name. Its answers become the same rows as an answers CSV (respondent, side, division,
level, rated side, dimension, value, comment), so they go through the same checks (one side, division
and level per respondent; one answer per respondent, organization and dimension). Problems name the sheet
and the cell; a workbook whose layout was changed is not read at all.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from dd_pipeline.errors import InputProblem, ProblemList, shown
from dd_pipeline.intake.questionnaire_layout import (
    ABOUT_FIELDS,
    ABOUT_SHEET,
    ABOUT_VALUE_COL,
    COMMENT_COL,
    FIRST_ROW,
    FORMAT_VERSION,
    HEADER_ROW,
    ID_COL,
    LEVELS,
    META_KEYS,
    META_SHEET,
    META_TABLE_HEADINGS,
    META_TABLE_ROW,
    OTHER_COL,
    OWN_COL,
    expected_answers,
    headings,
)
from dd_pipeline.intake.tables import MAX_TABLE_BYTES, Row, display_path, read_table
from dd_pipeline.intake.workbook_extra_sheets import WorkbookRows, read_extra_sheets
from dd_pipeline.models import ANSWER_COLUMNS, DEAL_ID_PATTERN, NOT_APPLICABLE, UNKNOWN, Side
from dd_pipeline.playbook import Playbook
from dd_pipeline.zipfiles import archive_problem

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

ANSWER_REQUIRED = tuple(c for c in ANSWER_COLUMNS if c != "comment")
RESPONDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
CHANGED = (
    "the questionnaire's layout was changed; copy the answers into a fresh questionnaire "
    "(dd-pipeline questionnaire) or undo the change"
)


def is_answers_table(path: Path) -> bool:
    return path.name.lower().startswith("answers") and path.suffix.lower() in (".csv", ".xlsx")


def response_files(folder: Path) -> list[Path]:
    """What a deal folder holds as answers: answers*.csv|xlsx tables and any .xlsx at its top level
    (a questionnaire under any name). Subfolders, such as questionnaires/ with the blank workbooks, and
    Excel's lock files (~$...) are not read."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(("~$", ".")) and (is_answers_table(p) or p.suffix.lower() == ".xlsx")
    )


def stand_in_id(stem: str) -> str:
    """The respondent id a file name stands in for when a blank workbook came back without one: 'jane-doe'
    stays 'jane-doe', 'Reply from Sam (Diagnostics)' becomes 'Reply-from-Sam-Diagnostics'."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()  # 'Zoë' -> 'Zoe'
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", plain).strip("-.")[:40].rstrip("-.")


def is_questionnaire(path: Path) -> bool:
    """True when ``path`` is an XLSX file with a "dd_meta" sheet (read from the archive's sheet list)."""
    if path.suffix.lower() != ".xlsx" or not path.is_file() or path.stat().st_size > MAX_TABLE_BYTES:
        return False
    if archive_problem(path):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            root = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError):
        return False
    return any(el.tag.endswith("}sheet") and el.get("name") == META_SHEET for el in root.iter())


def answer_rows(
    path: Path,
    base: Path,
    playbook: Playbook,
    problems: list[InputProblem],
    extras: dict[str, WorkbookRows] | None = None,
) -> list[Row]:
    """The answer rows of one file of a deal folder: a questionnaire workbook or an answers table.

    Raises ProblemList when the file cannot be used; warnings about a usable file go to ``problems``; a
    questionnaire's maturity, people and contacts rows go to ``extras`` under the file's name.
    """
    if path.suffix.lower() == ".xlsx":
        size = path.stat().st_size
        if size > MAX_TABLE_BYTES:
            raise ProblemList(
                [
                    InputProblem(
                        display_path(path, base),
                        None,
                        None,
                        None,
                        f"is {size:,} bytes; the limit is {MAX_TABLE_BYTES:,} bytes",
                    )
                ]
            )
        unsafe = archive_problem(path)
        if unsafe:
            raise ProblemList([InputProblem(display_path(path, base), None, None, None, unsafe)])
    if is_questionnaire(path):
        return read_questionnaire(path, base, playbook, problems, extras)
    if is_answers_table(path):
        return read_table(path, base, ANSWER_COLUMNS, ANSWER_REQUIRED)
    raise ProblemList(
        [
            InputProblem(
                display_path(path, base),
                None,
                None,
                None,
                "is not a questionnaire from dd-pipeline (it has no 'dd_meta' sheet) and not an answers table (its "
                "name does not start with 'answers'); move it into a subfolder if it holds no answers",
            )
        ]
    )


@dataclass(frozen=True)
class _Question:
    sheet: str
    row: int
    dimension: str
    both: bool


class _Reader:
    """One workbook: collects every problem, names sheet and cell in each."""

    def __init__(self, workbook: Workbook, name: str, folder_deal: str, playbook: Playbook):
        self.wb = workbook
        self.name = name
        self.folder_deal = folder_deal
        self.playbook = playbook
        self.problems: list[InputProblem] = []

    @property
    def errors(self) -> list[InputProblem]:
        return [p for p in self.problems if p.severity == "error"]

    def problem(self, sheet: str, ref: str | None, value: object, message: str, severity: str = "error") -> None:
        row = int(re.sub(r"\D", "", ref)) if ref else None
        where = f"sheet '{sheet}'" + (f" cell {ref}" if ref else "")
        found = shown(_text(value)) if value not in (None, "") else None
        self.problems.append(InputProblem(self.name, row, where, found, message, severity))

    def sheet(self, title: str) -> Worksheet | None:
        if title not in self.wb.sheetnames:
            self.problem(title, None, None, f"is missing: {CHANGED}")
            return None
        return self.wb[title]

    def meta(self) -> tuple[dict[str, str], list[_Question]] | None:
        sheet = self.sheet(META_SHEET)
        if sheet is None:
            return None
        if _text(sheet["A2"].value) == META_KEYS[0] and _text(sheet["B2"].value) != str(FORMAT_VERSION):
            self.problem(
                META_SHEET,
                "B2",
                sheet["B2"].value,
                f"is a questionnaire format this version of dd-pipeline does not read (it reads format "
                f"{FORMAT_VERSION}); generate a fresh questionnaire with dd-pipeline questionnaire",
            )
            return None
        values: dict[str, str] = {}
        for row, key in enumerate(META_KEYS, start=2):
            found = _text(sheet.cell(row, 1).value)
            if found != key:
                self.problem(META_SHEET, f"A{row}", found, f"should read '{key}': {CHANGED}")
            values[key] = _text(sheet.cell(row, 2).value)
        for col, heading in enumerate(META_TABLE_HEADINGS, start=1):
            cell = sheet.cell(META_TABLE_ROW, col)
            if _text(cell.value) != heading:
                self.problem(META_SHEET, cell.coordinate, cell.value, f"should read '{heading}': {CHANGED}")
        if self.problems:
            return None
        if values["deal_id"] != self.folder_deal:
            self.problem(
                META_SHEET,
                "B3",
                values["deal_id"],
                f"is the deal this questionnaire was made for, but it lies in the folder of deal "
                f"'{self.folder_deal}'; move it into inputs/deals/{values['deal_id']}/"
                if DEAL_ID_PATTERN.match(values["deal_id"])
                else f"is not a deal id: {CHANGED}",
            )
        if values["side"] not in (s.value for s in Side):
            self.problem(META_SHEET, "B4", values["side"], f"should be home or partner: {CHANGED}")
        questions = []
        row = META_TABLE_ROW + 1
        while _text(sheet.cell(row, 1).value):
            sheet_name, number, dimension, perspective = (_text(sheet.cell(row, c).value) for c in (1, 2, 3, 4))
            if not number.isdigit():
                self.problem(META_SHEET, f"B{row}", number, f"should be a row number: {CHANGED}")
            elif dimension not in self.playbook.dimension_by_id:
                self.problem(
                    META_SHEET,
                    f"C{row}",
                    dimension,
                    "is not a dimension of the framework in assets/ (the questionnaire is older or newer "
                    "than the framework); generate a fresh questionnaire with dd-pipeline questionnaire",
                )
            else:
                questions.append(_Question(sheet_name, int(number), dimension, perspective == "both"))
            row += 1
        expected = values["question_rows"]
        if expected != str(row - META_TABLE_ROW - 1):
            self.problem(
                META_SHEET,
                f"A{row}",
                None,
                f"the questionnaire's record lists {row - META_TABLE_ROW - 1} question rows but should "
                f"list {expected}: {CHANGED}",
            )
        return values, questions

    def layout(self, side: Side, values: dict[str, str], questions: list[_Question]) -> None:
        """The category sheets hold the headings and the dimension ids the questionnaire was made with."""
        own, other = values["home_name"], values["partner_name"]
        if side is Side.partner:
            own, other = other, own
        expected_headings = headings(own, other)
        by_sheet: dict[str, dict[int, _Question]] = {}
        for q in questions:
            by_sheet.setdefault(q.sheet, {})[q.row] = q
        for title, rows in by_sheet.items():
            sheet = self.sheet(title)
            if sheet is None:
                continue
            for col, heading in enumerate(expected_headings, start=1):
                cell = sheet.cell(HEADER_ROW, col)
                if _text(cell.value) != heading:
                    expected = heading.replace("\n", " ")
                    self.problem(title, cell.coordinate, cell.value, f"should be the heading '{expected}': {CHANGED}")
            for number, q in rows.items():
                found = _text(sheet[f"{ID_COL}{number}"].value)
                if found != q.dimension:
                    self.problem(
                        title,
                        f"{ID_COL}{number}",
                        found,
                        f"should be the dimension id '{q.dimension}' that this row was made for: {CHANGED}",
                    )
            for number in range(FIRST_ROW, sheet.max_row + 1):
                found = _text(sheet[f"{ID_COL}{number}"].value)
                if found and number not in rows:
                    self.problem(
                        title,
                        f"{ID_COL}{number}",
                        found,
                        f"is a question row that the questionnaire's record (sheet '{META_SHEET}') does "
                        f"not list: {CHANGED}",
                    )
        about = self.sheet(ABOUT_SHEET)
        if about is not None:
            for _key, label, row in ABOUT_FIELDS:
                found = _text(about[f"A{row}"].value)
                if found != label:
                    self.problem(ABOUT_SHEET, f"A{row}", found, f"should read '{label}': {CHANGED}")

    def answers(self, questions: list[_Question]) -> list[tuple[_Question, str, str, str]]:
        """(question, rated: 'own' or 'other', value as the answers CSV writes it, comment) per filled cell."""
        found = []
        for q in questions:
            sheet = self.wb[q.sheet]
            dim = self.playbook.dimension_by_id[q.dimension]
            comment = _text(sheet[f"{COMMENT_COL}{q.row}"].value)
            filled = 0
            for rated, col in (("own", OWN_COL), ("other", OTHER_COL)):
                if rated == "other" and not q.both:
                    continue
                cell = sheet[f"{col}{q.row}"]
                if cell.value is None or _text(cell.value) == "":
                    continue
                filled += 1
                value = _answer_value(cell.value, dim.scale.min, dim.scale.max)
                if value is None:
                    self.problem(
                        q.sheet, cell.coordinate, cell.value, f"is not an answer; expected {expected_answers(dim)}"
                    )
                    continue
                found.append((q, rated, value, comment))
            if comment and not filled:
                self.problem(
                    q.sheet,
                    f"{COMMENT_COL}{q.row}",
                    None,
                    "has a comment but its question has no answer, so the comment is not used",
                    severity="warning",
                )
        return found

    def respondent(self, stem: str) -> dict[str, str] | None:
        sheet = self.wb[ABOUT_SHEET]
        cells = {key: f"{ABOUT_VALUE_COL}{row}" for key, _label, row in ABOUT_FIELDS}
        given = {key: _text(sheet[ref].value) for key, ref in cells.items()}
        before = len(self.problems)
        respondent_id = given["respondent_id"] or stand_in_id(stem)
        if not RESPONDENT_ID.match(respondent_id):
            self.problem(
                ABOUT_SHEET,
                cells["respondent_id"],
                given["respondent_id"] or None,
                "is not a usable respondent id: use letters, digits, '.', '-' or '_' (at most 40)"
                if given["respondent_id"]
                else f"is empty and the file name '{stem}' cannot stand in for it: type a respondent id "
                "(letters, digits, '.', '-' or '_', at most 40)",
            )
        division = given["division"]
        if not division:
            self.problem(ABOUT_SHEET, cells["division"], None, "is empty; the respondent's division is needed")
        elif len(division) > 100:
            self.problem(ABOUT_SHEET, cells["division"], division[:40] + "...", "is longer than 100 characters")
        level = given["level"].lower()
        if level not in LEVELS:
            self.problem(
                ABOUT_SHEET,
                cells["level"],
                given["level"] or None,
                ("is empty" if not level else "is not a level")
                + "; expected "
                + ", ".join(LEVELS[:-1])
                + f" or {LEVELS[-1]}",
            )
        if len(self.problems) > before:
            return None
        return {"respondent_id": respondent_id, "division": division, "level": level, "name": given["name"]}


def read_questionnaire(
    path: Path,
    base: Path,
    playbook: Playbook,
    problems: list[InputProblem],
    extras: dict[str, WorkbookRows] | None = None,
) -> list[Row]:
    """The answers in one filled questionnaire as answers-table rows (row = the question's sheet row); its
    maturity, people and contacts rows go to ``extras`` (intake/workbook_extra_sheets.py).

    Raises ProblemList with every problem found when the workbook cannot be used; an empty questionnaire
    gives no rows and a warning.
    """
    from openpyxl import load_workbook

    name = display_path(path, base)
    try:
        workbook = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise ProblemList(
            [InputProblem(name, None, None, None, f"cannot be opened as an Excel workbook ({type(exc).__name__})")]
        ) from None
    reader = _Reader(workbook, name, path.parent.name, playbook)
    try:
        meta = reader.meta()
        if meta is None or reader.problems:
            raise ProblemList(reader.problems)
        values, questions = meta
        side = Side(values["side"])
        reader.layout(side, values, questions)
        if reader.problems:
            raise ProblemList(reader.problems)
        answers = reader.answers(questions)
        if not answers and not reader.errors:
            problems.extend(reader.problems)
            problems.append(
                InputProblem(name, None, None, None, "has no answers yet; it is not counted", severity="warning")
            )
            return []
        person = reader.respondent(path.stem)
        more = WorkbookRows()
        if person is not None:
            names = {"home": values["home_name"], "partner": values["partner_name"]}
            more = read_extra_sheets(
                workbook, name, side, names, person, playbook.maturity, reader.problem, stand_in_id
            )
        if reader.errors or person is None:
            raise ProblemList(reader.problems)
    finally:
        workbook.close()
    problems.extend(reader.problems)
    if extras is not None:
        extras[name] = more
    rows = []
    for q, rated, value, comment in answers:
        rated_side = side if rated == "own" else side.other
        rows.append(
            Row(
                name,
                q.row,
                {
                    "respondent_id": person["respondent_id"],
                    "respondent_side": side.value,
                    "division": person["division"],
                    "level": person["level"],
                    "rated_side": rated_side.value,
                    "dimension": q.dimension,
                    "value": value,
                    "comment": comment,
                },
            )
        )
    return rows


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split()) if not isinstance(value, str) else value.strip()


def _answer_value(value: object, low: int, high: int) -> str | None:
    """The cell as an answers-CSV value ('3', 'n/a' or 'unknown'), or None when it is not an answer."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = " ".join(str(value).replace("\u2019", "'").lower().split())
        if text in NOT_APPLICABLE:
            return "n/a"
        if text in UNKNOWN:
            return "unknown"
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            return None
    if not number.is_integer() or not low <= number <= high:
        return None
    return str(int(number))


@dataclass(frozen=True)
class WorkbookSummary:
    """What a questionnaire workbook says about itself, read without checking its layout (for status)."""

    deal_id: str
    side: str
    respondent_id: str  # as typed in 'About you' (empty on a blank copy)
    filled: int  # answer cells filled in
    cells: int  # answer cells the questionnaire asks for


def workbook_summary(path: Path) -> WorkbookSummary:
    """The deal, side, respondent and number of filled answer cells of a questionnaire workbook.

    Raises ValueError when the file is not a questionnaire that can be opened."""
    from openpyxl import load_workbook

    if not is_questionnaire(path):
        raise ValueError(f"{path.name} is not a questionnaire")
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        meta = workbook[META_SHEET]
        keys = {
            _text(row[0]): _text(row[1])
            for row in meta.iter_rows(min_row=2, max_row=len(META_KEYS) + 1, max_col=2, values_only=True)
        }
        listed: dict[str, list[tuple[int, bool]]] = {}
        for row in meta.iter_rows(min_row=META_TABLE_ROW + 1, max_col=4, values_only=True):
            sheet_name, number, _dimension, perspective = (_text(v) for v in row)
            if not sheet_name:
                break
            if number.isdigit():
                listed.setdefault(sheet_name, []).append((int(number), perspective == "both"))
        filled = cells = 0
        own, other = ord(OWN_COL) - ord("A"), ord(OTHER_COL) - ord("A")
        for sheet_name, questions in listed.items():
            if sheet_name not in workbook.sheetnames:
                continue
            rows = {
                i: r
                for i, r in enumerate(
                    workbook[sheet_name].iter_rows(
                        min_row=1, max_row=max(n for n, _ in questions), max_col=other + 1, values_only=True
                    ),
                    start=1,
                )
            }
            for question_row, both in questions:
                values = rows.get(question_row, ())
                for col in (own, other) if both else (own,):
                    cells += 1
                    filled += col < len(values) and _text(values[col]) != ""
        about = workbook[ABOUT_SHEET] if ABOUT_SHEET in workbook.sheetnames else None
        respondent = ""
        if about is not None:
            id_row = next(row for key, _label, row in ABOUT_FIELDS if key == "respondent_id")
            value_col = ord(ABOUT_VALUE_COL) - ord("A")
            for values in about.iter_rows(min_row=id_row, max_row=id_row, max_col=value_col + 1, values_only=True):
                respondent = _text(values[value_col]) if value_col < len(values) else ""
    except (KeyError, IndexError, StopIteration) as exc:
        raise ValueError(f"{path.name}: {exc}") from None
    finally:
        workbook.close()
    return WorkbookSummary(keys.get("deal_id", ""), keys.get("side", ""), respondent, filled, cells)


def filled_answer_cells(path: Path) -> tuple[int, int]:
    """(answer cells filled, answer cells asked for) of a questionnaire workbook."""
    summary = workbook_summary(path)
    return summary.filled, summary.cells
