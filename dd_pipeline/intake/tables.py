"""Read a user's table (CSV or XLSX) into rows of text, keeping the row number the user sees.

Row numbers are spreadsheet rows: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from dd_pipeline.errors import InputProblem, ProblemList

MAX_TABLE_BYTES = 20_000_000
_DELIMITERS = (";", "\t", "|")


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
    path: Path, base: Path, columns: tuple[str, ...], required: tuple[str, ...]
) -> list[Row]:
    """Rows of ``path`` as text. Raises ProblemList for problems with the file as a whole."""
    name = display_path(path, base)

    def fail(message: str, field: str | None = None, value: str | None = None) -> ProblemList:
        return ProblemList([InputProblem(name, None, field, value, message)])

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
    if len(header) == 1 and any(d in header[0] for d in _DELIMITERS):
        used = next(d for d in _DELIMITERS if d in header[0])
        shown = "tab" if used == "\t" else f"'{used}'"
        raise fail(f"uses {shown} between columns; expected commas (save it as CSV with ',' separators)")
    problems = []
    missing = [c for c in required if c not in header]
    if missing:
        problems.append(
            InputProblem(name, 1, None, None, f"is missing column(s) {', '.join(missing)}; "
                         f"expected columns: {', '.join(columns)}")
        )
    unknown = [h for h in header if h and h not in columns]
    if unknown:
        problems.append(
            InputProblem(name, 1, None, ", ".join(unknown), f"unknown column(s); expected: {', '.join(columns)}")
        )
    dupes = sorted({h for h in header if h and header.count(h) > 1})
    if dupes:
        problems.append(InputProblem(name, 1, None, ", ".join(dupes), "column appears more than once"))
    if problems:
        raise ProblemList(problems)

    rows = []
    for number, record in records:
        if not any((cell or "").strip() for cell in record):
            continue  # blank lines are not data
        if len(record) > len(header):
            extra = [c for c in record[len(header):] if c.strip()]
            if extra:
                problems.append(
                    InputProblem(name, number, None, None,
                                 f"has {len(record)} cells but the header has {len(header)} columns")
                )
                continue
        values = {col: (record[i].strip() if i < len(record) and record[i] is not None else "")
                  for i, col in enumerate(header) if col}
        rows.append(Row(name, number, values))
    if problems:
        raise ProblemList(problems)
    if not rows:
        raise fail("has a header but no data rows")
    return rows


def _read_csv(path: Path, name: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ProblemList([InputProblem(name, None, None, None,
                                        "is saved as UTF-16; save it as CSV UTF-8")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ProblemList([InputProblem(
            name, line, None, repr(raw[exc.start:exc.start + 1]),
            "is not UTF-8 text; save the file as 'CSV UTF-8'",
        )]) from None
    if "\x00" in text:
        raise ProblemList([InputProblem(name, None, None, None, "contains NUL bytes; it is not a text CSV file")])
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        all_rows = list(reader)
    except csv.Error as exc:
        raise ProblemList([InputProblem(name, reader.line_num, None, None, f"is not valid CSV: {exc}")]) from None
    if not all_rows:
        raise ProblemList([InputProblem(name, None, None, None, "is empty; expected a header row")])
    return all_rows[0], [(i + 2, r) for i, r in enumerate(all_rows[1:])]


def _read_xlsx(path: Path, name: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise ProblemList([InputProblem(name, None, None, None,
                                        f"cannot be opened as an Excel workbook ({type(exc).__name__})")]) from None
    try:
        sheet = workbook["answers"] if "answers" in workbook.sheetnames else workbook.worksheets[0]
        rows = [[_cell_text(c) for c in r] for r in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    if not rows:
        raise ProblemList([InputProblem(name, None, None, None, "has an empty first sheet")])
    return rows[0], [(i + 2, r) for i, r in enumerate(rows[1:])]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]  # type: ignore[union-attr]
    return str(value)
