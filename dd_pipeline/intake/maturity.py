"""maturity.csv in a deal folder: each person's level (1-4) for each area of the maturity model, about their
own organization (the self-assessment of the model) or, from outside, about the other one."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from dd_pipeline.errors import InputProblem, ProblemList, plain_validation_message
from dd_pipeline.errors import shown as quoted
from dd_pipeline.intake.tables import Row, read_table
from dd_pipeline.maturity.models import MATURITY_COLUMNS, MATURITY_REQUIRED, MaturityAnswer, MaturityModel

MATURITY_FILE = "maturity.csv"
LEVEL_EXPECTED = "expected a whole number from 1 to 4 (the level of the maturity model)"


@dataclass
class MaturityRecord:
    source_file: str
    source_row: int
    respondent_id: str
    respondent_side: str
    rated_side: str
    area_id: str
    level: int


def maturity_files(deal_dir: Path) -> list[Path]:
    """maturity.csv of a deal folder, when there is one (an .xlsx at the top of a deal folder is an answers
    workbook, so the levels of a workbook come from its "Maturity" sheet)."""
    return [p for p in (deal_dir / MATURITY_FILE,) if p.is_file()]


def read_maturity(
    deal_dir: Path,
    base: Path,
    model: MaturityModel,
    sheet_rows: list[Row] | None = None,
    known: dict[str, tuple[str, str, int]] | None = None,
) -> tuple[list[MaturityRecord], list[tuple[InputProblem, Row | None]]]:
    """The maturity answers of a deal: maturity.csv and the rows of questionnaires' "Maturity"
    sheets, with one (problem, row) per bad cell; a file that cannot be read at all has row None.
    ``known``: respondent id -> (side, file, row) from the answers, which a maturity row must agree with."""
    rows: list[Row] = []
    problems: list[tuple[InputProblem, Row | None]] = []
    for path in maturity_files(deal_dir):
        try:
            rows.extend(read_table(path, base, MATURITY_COLUMNS, MATURITY_REQUIRED, allow_empty=True))
        except ProblemList as exc:
            problems.extend((p, None) for p in exc.problems)
    rows.extend(sheet_rows or [])
    found: list[tuple[InputProblem, Row]] = []
    records = maturity_from_rows(rows, model, found)
    problems.extend(found)
    by_row = {(r.file, r.number): r for r in rows}
    kept = []
    for record in records:
        side, file, number = (known or {}).get(record.respondent_id, (record.respondent_side, "", 0))
        if side == record.respondent_side:
            kept.append(record)
            continue
        problems.append(
            (
                InputProblem(
                    record.source_file,
                    record.source_row,
                    "respondent_id",
                    quoted(record.respondent_id),
                    f"is given as {record.respondent_side} here but as {side} in {file} row {number}; a respondent "
                    "id names one person, on one side",
                ),
                by_row.get((record.source_file, record.source_row)),
            )
        )
    return kept, problems


def maturity_from_rows(
    rows: list[Row], model: MaturityModel, problems: list[tuple[InputProblem, Row]]
) -> list[MaturityRecord]:
    """Validated records of maturity rows (from maturity.csv or a questionnaire's "Maturity" sheet); each bad
    cell adds (problem, row) to ``problems``. One person gives one level per area and organization rated."""
    records: list[MaturityRecord] = []
    seen: dict[tuple[str, str, str], Row] = {}
    sides: dict[str, tuple[str, Row]] = {}
    for row in rows:
        record = _record(row, model, problems)
        if record is None:
            continue
        first_side = sides.setdefault(record.respondent_id, (record.respondent_side, row))
        if first_side[0] != record.respondent_side:
            problems.append(
                (
                    InputProblem(
                        row.file,
                        row.number,
                        "respondent_id",
                        quoted(record.respondent_id),
                        f"is given as {record.respondent_side} here but as {first_side[0]} in {first_side[1].file} "
                        f"row {first_side[1].number}; a respondent id names one person, on one side",
                    ),
                    row,
                )
            )
            continue
        key = (record.respondent_id, record.rated_side, record.area_id)
        if key in seen:
            first = seen[key]
            problems.append(
                (
                    InputProblem(
                        row.file,
                        row.number,
                        "area",
                        quoted(record.area_id),
                        f"is rated twice by {record.respondent_id} about {record.rated_side} (first in {first.file} "
                        f"row {first.number}); keep one row",
                    ),
                    row,
                )
            )
            continue
        seen[key] = row
        records.append(record)
    return records


def _record(row: Row, model: MaturityModel, problems: list[tuple[InputProblem, Row]]) -> MaturityRecord | None:
    values = dict(row.values)
    if not values.get("rated_side", "").strip():
        values["rated_side"] = values.get("respondent_side", "")  # the model is a self-assessment
    level_text = values.get("level", "").strip()
    bad = False
    try:
        number = float(level_text.replace(",", "."))
        if not number.is_integer() or not 1 <= number <= 4:
            raise ValueError
        values["level"] = str(int(number))
    except ValueError:
        message = "is empty; " + LEVEL_EXPECTED if level_text == "" else "is not a maturity level; " + LEVEL_EXPECTED
        problems.append((InputProblem(row.file, row.number, "level", quoted(level_text), message), row))
        bad = True
    area = values.get("area", "").strip()
    if area and area not in model.area_ids:
        problems.append((InputProblem(row.file, row.number, "area", quoted(area), not_an_area(area, model)), row))
        bad = True
    try:
        answer = MaturityAnswer.model_validate({k: values.get(k, "") for k in MATURITY_COLUMNS})
    except ValidationError as exc:
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else None
            if field in ("level", "area") and bad:
                continue
            found = values.get(field or "", "")
            message = _empty(err) if found.strip() == "" else plain_validation_message(err)
            if field == "area" and found.strip():
                message = not_an_area(found, model)
            problems.append((InputProblem(row.file, row.number, field, quoted(found), message), row))
        return None
    if bad:
        return None
    return MaturityRecord(
        row.file,
        row.number,
        answer.respondent_id,
        answer.respondent_side.value,
        answer.rated_side.value,
        answer.area,
        answer.level,
    )


def _empty(err: ErrorDetails) -> str:
    if err.get("type") in ("enum", "literal_error"):
        return f"is empty; expected one of {(err.get('ctx') or {}).get('expected', '')}"
    return "is empty; a value is required"


def not_an_area(found: str, model: MaturityModel) -> str:
    guess = "_".join(found.strip().lower().replace("-", " ").split())
    close = difflib.get_close_matches(guess, model.area_ids, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return (
        f"is not an area of the maturity model{hint}; expected one of {', '.join(model.area_ids)} "
        "(assets/framework/maturity.yaml)"
    )
