"""Reading evidence.csv into evidence records: what was learned in meetings and documents."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from dd_pipeline.errors import InputProblem, ProblemList
from dd_pipeline.errors import shown as quoted
from dd_pipeline.intake.answers import not_a_dimension, reject_row
from dd_pipeline.intake.records import DealIntake, EvidenceRecord
from dd_pipeline.intake.tables import read_table
from dd_pipeline.models import (
    EVIDENCE_COLUMNS,
    Evidence,
)
from dd_pipeline.playbook import Playbook

EVIDENCE_REQUIRED = ("dimension", "about_side", "kind", "observation", "source")


def read_evidence(path: Path, base: Path, playbook: Playbook, intake: DealIntake) -> None:
    if not path.is_file():
        return
    try:
        rows = read_table(path, base, EVIDENCE_COLUMNS, EVIDENCE_REQUIRED, allow_empty=True)
    except ProblemList as exc:
        for p in exc.problems:
            intake.reject(p)
        return
    for row in rows:
        values = {k: v for k, v in row.values.items() if not (k in ("recorded_on", "internal") and v == "")}
        try:
            ev = Evidence.model_validate(values)
        except ValidationError as exc:
            reject_row(exc, row, playbook, intake)
            continue
        if ev.dimension not in playbook.dimension_by_id:
            intake.reject(
                InputProblem(
                    row.file, row.number, "dimension", quoted(ev.dimension), not_a_dimension(ev.dimension, playbook)
                ),
                row,
            )
            continue
        intake.evidence.append(
            EvidenceRecord(
                row.file,
                row.number,
                ev.dimension,
                ev.about_side.value,
                ev.kind.value,
                ev.observation,
                ev.source,
                ev.recorded_on.isoformat() if ev.recorded_on else None,
                ev.internal,
            )
        )
