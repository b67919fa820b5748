"""Read a user's table (CSV or XLSX) into rows of text, keeping the row number the user sees.

Row numbers are spreadsheet rows: the header is row 1, the first data row is row 2. A problem with the
file as a whole (size, encoding, separators, header) rejects the whole file with one plain message.
"""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass
from pathlib import Path

from dd_pipeline.errors import InputProblem, ProblemList, shown

MAX_TABLE_BYTES = 20_000_000
MAX_TABLE_ROWS = 100_000
MAX_TABLE_CELLS = 2_000_000
_DELIMITERS = (";", "\t", "|")
_SAVE_AS = "save it from Excel as 'CSV UTF-8 (Comma delimited)'"
_TOO_MANY_ROWS = f"has more than {MAX_TABLE_ROWS:,} rows; split it into several files"


@dataclass(frozen=True)
class Row:
    file: str
    number: int
    values: dict[str, str]


def display_path(path: Path, base: Path) -> str:
    """The path as the user knows it: relative to the folder that holds inputs/ or assets/."""
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)


def read_table(
    path: Path, base: Path, columns: tuple[str, ...], required: tuple[str, ...], allow_empty: bool = False
) -> list[Row]:
    """Rows of ``path`` as text. Raises ProblemList for problems with the file as a whole.

    ``allow_empty``: a header without data rows is not a problem (a file waiting to be filled).
    """
    name = display_path(path, base)

    def fail(message: str, row: int | None = None, value: str | None = None) -> ProblemList:
        return ProblemList([InputProblem(name, row, None, value, message)])

    size = path.stat().st_size
    if size > MAX_TABLE_BYTES:
        raise fail(f"is {size:,} bytes; the limit is {MAX_TABLE_BYTES:,} bytes: split it into several files")
    if size == 0:
        raise fail("is empty; expected a header row and at least one data row")

    if path.suffix.lower() == ".xlsx":
        header, records = _read_xlsx(path, name)
    else:
        header, records = _read_csv(path, name)

    header = [h.strip().lower() for h in header]
    if len([h for h in header if h]) == 1 and any(d in header[0] for d in _DELIMITERS):
        used = next(d for d in _DELIMITERS if d in header[0])
        between = "tabs" if used == "\t" else f"'{used}'"
        raise fail(f"uses {between} between columns; expected commas: {_SAVE_AS}")
    _check_header(name, header, columns, required)

    rows = []
    problems = []
    for number, record in records:
        if not any((cell or "").strip() for cell in record):
            continue  # blank lines are not data
        if len(record) > len(header) and any(c.strip() for c in record[len(header) :]):
            problems.append(
                InputProblem(
                    name,
                    number,
                    None,
                    None,
                    f"has {len(record)} cells but the header has {len(header)} columns; "
                    "a value that contains a comma needs quotes around it",
                )
            )
            continue
        values = {
            col: (record[i].strip() if i < len(record) and record[i] is not None else "")
            for i, col in enumerate(header)
            if col
        }
        rows.append(Row(name, number, values))
    if problems:
        raise ProblemList(problems)
    if not rows and not allow_empty:
        raise fail("has a header but no data rows; expected at least one row below the header")
    return rows


def _check_header(name: str, header: list[str], columns: tuple[str, ...], required: tuple[str, ...]) -> None:
    """One problem per wrong column: a misspelt column is named once, with the column it should be."""
    problems = []
    missing = [c for c in required if c not in header]
    for found in (h for h in header if h and h not in columns):
        candidates = missing or [c for c in columns if c not in header]
        close = difflib.get_close_matches(found, candidates, n=1, cutoff=0.7)
        if close:
            problems.append(
                InputProblem(name, 1, None, shown(found), f"is not a column name (did you mean '{close[0]}'?)")
            )
            if close[0] in missing:
                missing.remove(close[0])
        else:
            problems.append(
                InputProblem(
                    name, 1, None, shown(found), "is not a column name; expected columns: " + ", ".join(columns)
                )
            )
    if missing:
        problems.append(
            InputProblem(
                name,
                1,
                None,
                None,
                f"is missing the column(s) {', '.join(missing)}; expected columns: {', '.join(columns)}",
            )
        )
    dupes = sorted({h for h in header if h and header.count(h) > 1})
    if dupes:
        problems.append(InputProblem(name, 1, None, ", ".join(dupes), "appears more than once in the header"))
    if problems:
        raise ProblemList(problems)


def _read_csv(path: Path, name: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ProblemList([InputProblem(name, None, None, None, f"is saved as UTF-16 text; {_SAVE_AS}")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProblemList([_not_utf8(raw, exc.start, name)]) from None
    if "\x00" in text:
        raise ProblemList(
            [InputProblem(name, None, None, None, f"contains NUL bytes, so it is not a CSV text file; {_SAVE_AS}")]
        )
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []  # (line where the record starts, cells)
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                raise ProblemList(
                    [
                        InputProblem(
                            name,
                            len(rows) + 1,
                            None,
                            None,
                            'opens a quote (") that is never closed, so the rest of the file reads as one cell; '
                            "close the quote or remove it",
                        )
                    ]
                ) from None
            message = f"is not valid CSV ({exc}); check the quotes in this row"
            raise ProblemList([InputProblem(name, len(rows) + 1, None, None, message)]) from None
        rows.append((start, record))
        if len(rows) > MAX_TABLE_ROWS + 1:
            raise ProblemList([InputProblem(name, None, None, None, _TOO_MANY_ROWS)])
    if all(not "".join(cells).strip() for _, cells in rows):  # no lines, or only blank ones
        raise ProblemList(
            [InputProblem(name, None, None, None, "is empty; expected a header row and at least one data row")]
        )
    header = rows[0][1]
    records = [(i + 2, r) for i, (_, r) in enumerate(rows[1:])]
    for number, record in records:
        for col, cell in zip(header, record, strict=False):
            if "\n" in cell and any(line.count(",") >= len(header) - 1 for line in cell.splitlines()):
                raise ProblemList(
                    [
                        InputProblem(
                            name,
                            number,
                            col.strip().lower() or None,
                            shown(cell),
                            'holds several rows of the file in one cell: a quote (") opened here is closed only '
                            f"{cell.count(chr(10))} lines further on; remove the stray quote",
                        )
                    ]
                )
    return header, records


def _not_utf8(raw: bytes, at: int, name: str) -> InputProblem:
    """Which row and column hold the first byte that is not UTF-8, and the cell as Windows would show it."""
    line_start = raw.rfind(b"\n", 0, at) + 1
    line_end = raw.find(b"\n", at)
    line = raw[line_start : line_end if line_end >= 0 else len(raw)].rstrip(b"\r")
    header = raw[: raw.find(b"\n")].decode("utf-8-sig", errors="replace").strip().split(",")
    column = raw[line_start:at].count(b",")
    cells = line.decode("cp1252", errors="replace").split(",")
    field = header[column].strip().lower() if column < len(header) and line_start > 0 else None
    value = shown(cells[column]) if column < len(cells) else None
    row = raw[:at].count(b"\n") + 1
    return InputProblem(
        name,
        row,
        field,
        value,
        f"is not UTF-8 text (byte 0x{raw[at]:02X}); the file was saved in another encoding: {_SAVE_AS}",
    )


def _read_xlsx(path: Path, name: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    from openpyxl import load_workbook

    from dd_pipeline.zipfiles import archive_problem

    unsafe = archive_problem(path)
    if unsafe:
        raise ProblemList([InputProblem(name, None, None, None, unsafe)])
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise ProblemList(
            [
                InputProblem(
                    name,
                    None,
                    None,
                    None,
                    f"cannot be opened as an Excel workbook ({type(exc).__name__}); "
                    "open it in Excel and save it again as .xlsx",
                )
            ]
        ) from None
    try:
        sheet = workbook["answers"] if "answers" in workbook.sheetnames else workbook.worksheets[0]
        rows = []
        cells = 0
        for values in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(c) for c in values])
            cells += len(values)
            if len(rows) > MAX_TABLE_ROWS + 1:
                raise ProblemList([InputProblem(name, None, None, None, _TOO_MANY_ROWS)])
            if cells > MAX_TABLE_CELLS:
                raise ProblemList(
                    [
                        InputProblem(
                            name,
                            None,
                            None,
                            None,
                            f"has more than {MAX_TABLE_CELLS:,} cells on its first sheet; "
                            "keep only the answer columns, or split it into several files",
                        )
                    ]
                )
    finally:
        workbook.close()
    if not rows:
        raise ProblemList(
            [InputProblem(name, None, None, None, "has an empty first sheet; expected a header row and data rows")]
        )
    return rows[0], [(i + 2, r) for i, r in enumerate(rows[1:])]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)
