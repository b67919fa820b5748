"""What one read of the inputs gives: answer and evidence records, rows set aside, and the problems found
(the same mistake on many rows told once)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dd_pipeline.errors import InputProblem
from dd_pipeline.intake.maturity import MaturityRecord
from dd_pipeline.intake.tables import Row
from dd_pipeline.intake.workbook_extra_sheets import WorkbookRows
from dd_pipeline.models import (
    Deal,
)

if TYPE_CHECKING:  # network.intake reads its files with this package's tables
    from dd_pipeline.network.intake import NetworkIntake


@dataclass
class AnswerRecord:
    source_file: str
    source_row: int
    respondent_id: str
    respondent_side: str
    division: str
    level: str
    rated_side: str
    dimension_id: str
    status: str  # answered / not_applicable / unknown
    raw_value: float | None
    comment: str


@dataclass
class EvidenceRecord:
    source_file: str
    source_row: int
    dimension_id: str
    about_side: str
    kind: str
    observation: str
    source: str
    recorded_on: str | None
    internal: bool = False  # for the home side only: never shared with the partner


@dataclass
class Quarantined:
    source_file: str
    source_row: int | None
    field: str | None
    value: str | None
    reason: str
    row_values: str | None = None  # the rejected row's cells as JSON, kept even if the file changes later


@dataclass
class Intake:
    """What one read of the inputs produced: usable records, problems, and rejected rows."""

    answers: list[AnswerRecord] = field(default_factory=list)
    evidence: list[EvidenceRecord] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    quarantine: list[Quarantined] = field(default_factory=list)
    # questionnaires' maturity, people and contacts rows, by file (the answers of the same files are used)
    workbook_rows: dict[str, WorkbookRows] = field(default_factory=dict)

    @property
    def errors(self) -> list[InputProblem]:
        return [p for p in self.problems if p.severity == "error"]

    def reject(self, problem: InputProblem, row: Row | None = None) -> None:
        """Set a row (or a whole file, without ``row``) aside in quarantine, with the problem as reason."""
        self.problems.append(problem)
        cells = json.dumps(row.values, ensure_ascii=False) if row is not None else None
        self.quarantine.append(
            Quarantined(problem.file, problem.row, problem.field, problem.value, problem.message, cells)
        )


@dataclass
class DealIntake(Intake):
    deal: Deal | None = None
    overrides: list = field(default_factory=list)  # list[OverrideRecord]
    maturity: list[MaturityRecord] = field(default_factory=list)  # maturity.csv and questionnaires' sheet
    network: NetworkIntake | None = None  # people and ties (people.csv, contacts.csv, contacts sheets)

    def questionnaire_people(self) -> list[Row]:
        """The people.csv-shaped rows of the questionnaires (one per respondent who gave function or role)."""
        return [r for rows in self.workbook_rows.values() for r in rows.people]

    def questionnaire_contacts(self) -> list[Row]:
        """The contacts.csv-shaped rows of the questionnaires' "Your contacts" sheets."""
        return [r for rows in self.workbook_rows.values() for r in rows.contacts]


def merge_repeats(problems: list[InputProblem]) -> list[InputProblem]:
    """One message for the same mistake on many rows of a file (a whole column with a wrong level, one
    respondent id used for two people): the first row is named, the others listed after it. Every row
    stays in quarantine on its own."""
    groups: dict[tuple[object, ...], list[InputProblem]] = {}
    for p in problems:
        key = (p.file, p.field, p.value, p.message, p.severity) if p.row is not None else (id(p),)
        groups.setdefault(key, []).append(p)
    merged = []
    for group in groups.values():
        first = group[0]
        if len(group) == 1:
            merged.append(first)
            continue
        rows = _row_ranges(sorted(p.row for p in group[1:] if p.row is not None))
        merged.append(
            InputProblem(
                first.file,
                first.row,
                first.field,
                first.value,
                f"{first.message}; the same in rows {rows}",
                first.severity,
            )
        )
    return merged


def _row_ranges(rows: list[int], shown_runs: int = 8) -> str:
    runs: list[list[int]] = []
    for n in rows:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    text = [f"{r[0]}-{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs[:shown_runs]]
    more = sum(len(r) for r in runs[shown_runs:])
    return ", ".join(text) + (f" and {more} more" if more else "")
