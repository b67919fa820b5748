"""Reading answers files (CSV, and questionnaire workbooks through intake/workbook.py) into answer records:
one per valid row, every invalid row set aside with a plain message."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dd_pipeline.errors import InputProblem, ProblemList, plain_validation_message
from dd_pipeline.errors import shown as quoted
from dd_pipeline.intake.records import AnswerRecord, Intake
from dd_pipeline.intake.tables import Row
from dd_pipeline.intake.workbook import answer_rows, is_questionnaire
from dd_pipeline.models import (
    ANSWER_COLUMNS,
    NOT_APPLICABLE,
    UNKNOWN,
    Answer,
    Perspective,
)
from dd_pipeline.playbook import Playbook

ANSWER_REQUIRED = tuple(c for c in ANSWER_COLUMNS if c != "comment")


def answer_files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.name.lower().startswith("answers")
        and p.suffix.lower() in (".csv", ".xlsx")
        and not p.name.startswith("~$")
    )


def _parse_value(text: str, dim_scale: tuple[int, int]) -> tuple[str, float | None, str | None]:
    """(status, value, problem) for one answer cell."""
    value = text.strip().lower()
    if value in NOT_APPLICABLE:
        return "not_applicable", None, None
    if value in UNKNOWN or value == "":
        return "unknown", None, None
    lo, hi = dim_scale
    expected = f"expected a whole number from {lo} to {hi}, 'n/a' or 'unknown'"
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        return "", None, f"is not a number; {expected}"
    if not number.is_integer() or not lo <= number <= hi:
        return "", None, f"is not on the scale; {expected}"
    return "answered", number, None


def read_answers(
    files: list[Path], base: Path, playbook: Playbook, intake: Intake, known: list[AnswerRecord] | None = None
) -> int:
    """Read every answers file into ``intake``; returns how many files could not be read at all."""
    unreadable = 0
    people: dict[str, tuple[str, str, str, str, int]] = {}
    for a in known or []:
        people.setdefault(a.respondent_id, (a.respondent_side, a.division, a.level, a.source_file, a.source_row))
    seen: dict[tuple[str, str, str], tuple[str, int]] = {}
    read: list[tuple[Path, list[Row]]] = []
    for path in files:
        try:
            read.append((path, answer_rows(path, base, playbook, intake.problems, intake.workbook_rows)))
        except ProblemList as exc:
            unreadable += 1
            for p in exc.problems:
                intake.reject(p)
    # A copy such as 'elena (1).xlsx' is read after 'elena.xlsx', so the copy is the one reported.
    read.sort(key=lambda item: (looks_like_a_copy(item[0].stem), item[0].name))
    workbooks: dict[str, tuple[str, str, frozenset[tuple[str, str, str]]]] = {}
    for path, rows in read:
        if rows and is_questionnaire(path):
            twin = _twin_workbook(rows, workbooks, playbook)
            if twin is not None:
                intake.reject(twin)
                intake.workbook_rows.pop(twin.file, None)
                continue
        for row in rows:
            record = _answer_from_row(row, playbook, intake)
            if record is None:
                continue
            who = (record.respondent_side, record.division, record.level)
            first = people.setdefault(record.respondent_id, (*who, row.file, row.number))
            if first[:3] != who:
                intake.reject(
                    InputProblem(
                        row.file,
                        row.number,
                        "respondent_id",
                        quoted(record.respondent_id),
                        f"is given as {'/'.join(who)} here but as {'/'.join(first[:3])} in {first[3]} row "
                        f"{first[4]}; a respondent id names one person, with one side, division and level",
                    ),
                    row,
                )
                continue
            key = (record.respondent_id, record.rated_side, record.dimension_id)
            if key in seen:
                f, n = seen[key]
                intake.reject(
                    InputProblem(
                        row.file,
                        row.number,
                        "dimension",
                        quoted(record.dimension_id),
                        f"is answered twice by {record.respondent_id} about {record.rated_side} "
                        f"(first in {f} row {n}); keep one row",
                    ),
                    row,
                )
                continue
            seen[key] = (row.file, row.number)
            intake.answers.append(record)
    return unreadable


COPY_NAME = re.compile(r"(\s*\(\d+\)|[\s_-]+(-\s*)?copy(\s*\d+)?|^copy of\s.*)$", re.IGNORECASE)


def looks_like_a_copy(stem: str) -> bool:
    """'elena (1)', 'elena - Copy', 'elena copy 2', 'Copy of elena': names a file manager or a mail program
    gives a second copy of a file."""
    return bool(COPY_NAME.search(stem.strip()))


def _twin_workbook(
    rows: list[Row], workbooks: dict[str, tuple[str, str, frozenset[tuple[str, str, str]]]], playbook: Playbook
) -> InputProblem | None:
    """One problem for a questionnaire workbook that repeats another one (the same respondent, or the very same
    answers under another file name), naming both files and the sheets they both answer; None otherwise.
    ``workbooks`` collects the workbooks read so far."""
    first = rows[0]
    respondent, side = first.values.get("respondent_id", ""), first.values.get("respondent_side", "")
    answers = frozenset(
        (r.values.get("rated_side", ""), r.values.get("dimension", ""), r.values.get("value", "")) for r in rows
    )
    for file, (other_id, other_side, other_answers) in workbooks.items():
        if (other_id, other_side) != (respondent, side) and other_answers != answers:
            continue
        both = {d for _rated, d, _v in answers} & {d for _rated, d, _v in other_answers}
        order = {c.id: i for i, c in enumerate(playbook.categories)}
        categories = sorted(
            {playbook.dimension_by_id[d].category for d in both if d in playbook.dimension_by_id},
            key=lambda c: order.get(c, 99),
        )
        sheets = ", ".join(f"'{c.value.capitalize()}'" for c in categories) or "no sheet in common"
        who = (
            f"the same respondent ({respondent}, {side})"
            if (other_id, other_side) == (respondent, side)
            else f"the same answers as {file} (respondent {other_id})"
        )
        return InputProblem(
            first.file,
            None,
            None,
            None,
            f"is a second workbook with {who}: both {file} and this file answer the sheets {sheets}. Only "
            f"{file} is read. Keep the workbook with the answers you want at the top of the deal folder and move "
            "the other into a subfolder (or delete it); if each holds answers the other lacks, copy them into "
            "one workbook first",
        )
    workbooks[first.file] = (respondent, side, answers)
    return None


def reject_row(exc: ValidationError, row: Row, playbook: Playbook, intake: Intake) -> None:
    """One problem per invalid cell of a row that its model refused; the row goes to quarantine."""
    for err in exc.errors():
        fld = str(err["loc"][0]) if err["loc"] else None
        found = row.values.get(fld or "", "")
        if fld == "dimension" and found and err["type"] == "string_pattern_mismatch":
            message = not_a_dimension(found, playbook)
        else:
            message = _plain(err, found)
        intake.reject(InputProblem(row.file, row.number, fld, quoted(found), message), row)


def _answer_from_row(row: Row, playbook: Playbook, intake: Intake) -> AnswerRecord | None:
    try:
        answer = Answer.model_validate(row.values)
    except ValidationError as exc:
        reject_row(exc, row, playbook, intake)
        return None
    dim = playbook.dimension_by_id.get(answer.dimension)
    if dim is None:
        intake.reject(
            InputProblem(
                row.file,
                row.number,
                "dimension",
                quoted(answer.dimension),
                not_a_dimension(answer.dimension, playbook),
            ),
            row,
        )
        return None
    if dim.perspective is Perspective.self_only and answer.rated_side != answer.respondent_side:
        intake.reject(
            InputProblem(
                row.file,
                row.number,
                "rated_side",
                quoted(answer.rated_side.value),
                f"is not allowed here: dimension '{dim.id}' is answered by each side "
                "about itself only (rated_side = respondent_side)",
            ),
            row,
        )
        return None
    status, value, problem = _parse_value(answer.value, (dim.scale.min, dim.scale.max))
    if problem:
        intake.reject(
            InputProblem(row.file, row.number, "value", quoted(answer.value), f"{problem} (dimension '{dim.id}')"), row
        )
        return None
    return AnswerRecord(
        source_file=row.file,
        source_row=row.number,
        respondent_id=answer.respondent_id,
        respondent_side=answer.respondent_side.value,
        division=answer.division,
        level=answer.level.value,
        rated_side=answer.rated_side.value,
        dimension_id=dim.id,
        status=status,
        raw_value=value,
        comment=answer.comment,
    )


def _plain(err: Mapping[str, Any], found: str) -> str:
    """A cell's problem in plain words; an empty cell is called empty whatever the column expects."""
    if found.strip() == "" or err.get("type") == "missing":
        if err.get("type") in ("enum", "literal_error"):
            return f"is empty; expected one of {(err.get('ctx') or {}).get('expected', '')}"
        return "is empty; a value is required"
    return plain_validation_message(err)


def not_a_dimension(found: str, playbook: Playbook) -> str:
    guess = "_".join(found.strip().lower().replace("-", " ").split())
    close = difflib.get_close_matches(guess, playbook.dimension_by_id, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"is not a dimension of the framework{hint}; see assets/framework/dimensions/ for the ids"
