"""Reading a user's CSV table: rows are numbered as the spreadsheet shows them, a file that cannot be read is
refused with one message that says how to save it, and a bad cell is named by file, row, column and value with
what was expected (the answer rows checked against the fake playbook)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_playbook import write_fake_playbook

from dd_pipeline.errors import ProblemList
from dd_pipeline.intake.answers import ANSWER_REQUIRED, read_answers
from dd_pipeline.intake.records import Intake
from dd_pipeline.intake.tables import Row, read_table
from dd_pipeline.models import ANSWER_COLUMNS
from dd_pipeline.playbook import Playbook, load_playbook

HEADER = ",".join(ANSWER_COLUMNS)
SAVE_AS = "save it from Excel as 'CSV UTF-8 (Comma delimited)'"
SHOWN = "inputs/deals/d1/answers.csv"  # the file as the user knows it, relative to the project folder


def answer(respondent: str = "P01", division: str = "R&D", dimension: str = "alliance_priority", value: str = "4"):
    return f"{respondent},partner,{division},middle,partner,{dimension},{value},"


@pytest.fixture
def base(tmp_path: Path) -> Path:
    (tmp_path / "inputs" / "deals" / "d1").mkdir(parents=True)
    return tmp_path


def write(base: Path, data: bytes | str, encoding: str = "utf-8") -> Path:
    path = base / SHOWN
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def read(base: Path, data: bytes | str, encoding: str = "utf-8", allow_empty: bool = False) -> list[Row]:
    return read_table(write(base, data, encoding), base, ANSWER_COLUMNS, ANSWER_REQUIRED, allow_empty=allow_empty)


def refused(base: Path, data: bytes | str, encoding: str = "utf-8") -> list[str]:
    with pytest.raises(ProblemList) as caught:
        read(base, data, encoding)
    return [str(p) for p in caught.value.problems]


# --- rows as the spreadsheet numbers them ---------------------------------------------------------------


def test_rows_are_numbered_as_in_the_spreadsheet_and_blank_lines_are_not_data(base: Path) -> None:
    rows = read(base, "\n".join([HEADER, answer("P01"), "", " , ,", answer("P02"), ""]))

    assert [(r.file, r.number, r.values["respondent_id"]) for r in rows] == [(SHOWN, 2, "P01"), (SHOWN, 5, "P02")]


def test_header_case_spaces_and_cell_spaces_do_not_matter(base: Path) -> None:
    header = ", ".join(c.upper() for c in ANSWER_COLUMNS)
    (row,) = read(base, f"{header}\r\n P01 ,partner,R&D,middle,partner,alliance_priority, 4 ,\r\n")

    assert set(row.values) == set(ANSWER_COLUMNS)
    assert (row.values["respondent_id"], row.values["value"]) == ("P01", "4")


def test_a_cell_over_two_lines_is_one_row(base: Path) -> None:
    rows = read(base, f'{HEADER}\n{answer("P01")[:-1]},"first line\nsecond line"\n{answer("P02")}\n')

    assert [(r.number, r.values["comment"]) for r in rows] == [(2, "first line\nsecond line"), (3, "")]


# --- encodings ------------------------------------------------------------------------------------------


def test_a_utf8_file_with_a_byte_order_mark_reads_its_first_column(base: Path) -> None:
    (row,) = read(base, b"\xef\xbb\xbf" + f"{HEADER}\n{answer(division='Zürich')}\n".encode())

    assert row.values["respondent_id"] == "P01"  # not '\ufeffrespondent_id' missing
    assert row.values["division"] == "Zürich"


def test_a_windows_encoded_file_names_the_row_column_and_cell_it_stumbled_on(base: Path) -> None:
    text = f"{HEADER}\n{answer('P01')}\n{answer('P02', division='Zürich')}\n"

    assert refused(base, text, encoding="cp1252") == [
        f"{SHOWN}, row 3, division: 'Zürich' is not UTF-8 text (byte 0xFC); the file was saved in another "
        f"encoding: {SAVE_AS}"
    ]


@pytest.mark.xfail(
    strict=True,
    reason="tables._not_utf8 finds the column by counting commas on the line, so a comma inside a quoted cell "
    "before the bad byte names the next column ('level') and shows a piece of the cell (' Zürich\"')",
)
def test_a_windows_encoded_quoted_cell_with_a_comma_is_named_by_its_own_column(base: Path) -> None:
    text = f'{HEADER}\nP01,partner,"R&D, Zürich",middle,partner,alliance_priority,4,\n'

    (problem,) = refused(base, text, encoding="cp1252")
    assert problem.startswith(f"{SHOWN}, row 2, division: 'R&D, Zürich' is not UTF-8 text")


@pytest.mark.xfail(
    strict=True,
    reason="tables._not_utf8 counts lines of the file, not spreadsheet rows: after a cell written over two lines "
    "it names row 4 for a byte in row 3, while every other problem of the same file says row 3",
)
def test_a_windows_encoded_byte_after_a_two_line_cell_is_in_the_row_the_spreadsheet_shows(base: Path) -> None:
    text = f'{HEADER}\n{answer("P01")[:-1]},"first line\nsecond line"\n{answer("P02", division="Zürich")}\n'

    (problem,) = refused(base, text, encoding="cp1252")
    assert problem.startswith(f"{SHOWN}, row 3, division: 'Zürich'")


def test_a_utf16_file_is_refused_with_how_to_save_it(base: Path) -> None:
    assert refused(base, f"{HEADER}\n{answer()}\n", encoding="utf-16") == [
        f"{SHOWN}: is saved as UTF-16 text; {SAVE_AS}"
    ]


# --- empty and malformed files --------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf"], ids=["no bytes", "only a byte order mark"])
def test_an_empty_file_says_it_is_empty(base: Path, data: bytes) -> None:
    assert refused(base, data) == [f"{SHOWN}: is empty; expected a header row and at least one data row"]


@pytest.mark.parametrize("text", ["\r\n", "\n\n\n", "   \n"])
def test_a_file_of_blank_lines_says_it_is_empty(base: Path, text: str) -> None:
    assert refused(base, text) == [f"{SHOWN}: is empty; expected a header row and at least one data row"]


def test_a_header_without_rows_is_refused_unless_the_file_is_a_template(base: Path) -> None:
    assert refused(base, HEADER + "\n") == [
        f"{SHOWN}: has a header but no data rows; expected at least one row below the header"
    ]
    assert read(base, HEADER + "\n", allow_empty=True) == []


@pytest.mark.parametrize(("separator", "words"), [(";", "';'"), ("\t", "tabs")])
def test_another_column_separator_is_named_with_how_to_save_it(base: Path, separator: str, words: str) -> None:
    text = HEADER.replace(",", separator) + "\n" + answer().replace(",", separator) + "\n"

    assert refused(base, text) == [f"{SHOWN}: uses {words} between columns; expected commas: {SAVE_AS}"]


def test_a_misspelt_column_is_named_once_with_the_column_it_should_be(base: Path) -> None:
    text = HEADER.replace("dimension", "dimenson") + "\n" + answer() + "\n"

    assert refused(base, text) == [f"{SHOWN}, row 1: 'dimenson' is not a column name (did you mean 'dimension'?)"]


def test_a_missing_column_lists_what_is_expected(base: Path) -> None:
    header = HEADER.replace(",level", "")
    (problem,) = refused(base, header + "\nP01,partner,R&D,partner,alliance_priority,4,\n")

    assert problem.startswith(f"{SHOWN}, row 1: is missing the column(s) level; expected columns: respondent_id,")


def test_a_column_given_twice_is_named(base: Path) -> None:
    assert refused(base, HEADER + ",value\n" + answer() + ",5\n") == [
        f"{SHOWN}, row 1: value appears more than once in the header"
    ]


def test_an_unquoted_comma_in_a_row_is_named_with_the_fix(base: Path) -> None:
    text = f"{HEADER}\n{answer('P01')}\n{answer('P02')}good, really\n"

    assert refused(base, text) == [
        f"{SHOWN}, row 3: has 9 cells but the header has 8 columns; a value that contains a comma needs quotes "
        "around it"
    ]


def test_a_quote_never_closed_is_named_at_its_row(base: Path) -> None:
    text = f'{HEADER}\n{answer("P01")}\n{answer("P02")[:-1]},"good\n'

    assert refused(base, text) == [
        f'{SHOWN}, row 3: opens a quote (") that is never closed, so the rest of the file reads as one cell; '
        "close the quote or remove it"
    ]


# --- bad values in rows (answers checked against the fake playbook) -------------------------------------


@pytest.fixture
def playbook(base: Path) -> Playbook:
    return load_playbook(write_fake_playbook(base))


def read_answer_rows(base: Path, playbook: Playbook, *rows: str) -> Intake:
    intake = Intake()
    unreadable = read_answers([write(base, "\n".join([HEADER, *rows, ""]))], base, playbook, intake)
    assert unreadable == 0
    return intake


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (
            answer(value="7"),
            "value: '7' is not on the scale; expected a whole number from 1 to 5, 'n/a' or 'unknown' "
            "(dimension 'alliance_priority')",
        ),
        (
            answer(dimension="am_maturity", value="5"),  # this dimension's scale ends at 4
            "value: '5' is not on the scale; expected a whole number from 1 to 4, 'n/a' or 'unknown' "
            "(dimension 'am_maturity')",
        ),
        (
            answer(value="high"),
            "value: 'high' is not a number; expected a whole number from 1 to 5, 'n/a' or 'unknown' "
            "(dimension 'alliance_priority')",
        ),
        (
            answer(value="3.5"),
            "value: '3.5' is not on the scale; expected a whole number from 1 to 5, 'n/a' or 'unknown' "
            "(dimension 'alliance_priority')",
        ),
        (
            answer(dimension="aliance_priority"),
            "dimension: 'aliance_priority' is not a dimension of the framework (did you mean 'alliance_priority'?); "
            "see assets/framework/dimensions/ for the ids",
        ),
        (
            answer().replace(",partner,R&D", ",partnr,R&D"),
            "respondent_side: 'partnr' is not allowed; expected one of 'home' or 'partner'",
        ),
        (answer(division=""), "division: '' is empty; a value is required"),
    ],
    ids=["above the scale", "above a shorter scale", "not a number", "not whole", "unknown dimension", "side", "empty"],
)
def test_a_bad_cell_is_named_by_file_row_column_and_value_with_what_was_expected(
    base: Path, playbook: Playbook, row: str, problem: str
) -> None:
    intake = read_answer_rows(base, playbook, answer("P09", dimension="time_horizon", value="3"), row)

    assert [str(p) for p in intake.problems] == [f"{SHOWN}, row 3, {problem}"]
    assert [(a.source_row, a.respondent_id) for a in intake.answers] == [(2, "P09")]  # the good row is kept
    (held,) = intake.quarantine
    assert (held.source_file, held.source_row) == (SHOWN, 3)


def test_n_a_and_unknown_are_answers_not_problems(base: Path, playbook: Playbook) -> None:
    intake = read_answer_rows(
        base, playbook, answer("P01", value="n/a"), answer("P02", value="Unknown"), answer("P03", value="")
    )

    assert intake.problems == []
    assert [(a.source_row, a.status, a.raw_value) for a in intake.answers] == [
        (2, "not_applicable", None),
        (3, "unknown", None),
        (4, "unknown", None),
    ]
