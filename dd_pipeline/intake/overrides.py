"""inputs/deals/<id>/overrides.yaml: an alliance manager's corrections, each with a mandatory reason."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dd_pipeline.errors import InputProblem, ProblemList
from dd_pipeline.intake.tables import display_path
from dd_pipeline.models import OverrideFile
from dd_pipeline.playbook import Playbook, parse_model, read_yaml

OVERRIDES_FILE = "overrides.yaml"


@dataclass(frozen=True)
class OverrideRecord:
    dimension_id: str
    severity: float | None
    adjust: float | None
    band: str | None
    reason: str
    author: str
    date: str
    source_file: str
    position: int


def read_overrides(deal_dir: Path, base: Path, playbook: Playbook) -> tuple[list[OverrideRecord], list[InputProblem]]:
    path = deal_dir / OVERRIDES_FILE
    if not path.is_file():
        return [], []
    shown = display_path(path, base)
    try:
        raw = read_yaml(path, base / "inputs")
        if raw is None:
            return [], []
        parsed = parse_model(OverrideFile, raw, path, base / "inputs")
    except ProblemList as exc:
        return [], [_plain(p) for p in exc.problems]
    records: list[OverrideRecord] = []
    problems: list[InputProblem] = []
    seen: dict[str, int] = {}
    for i, o in enumerate(parsed.overrides):
        if o.dimension not in playbook.dimension_by_id:
            problems.append(
                InputProblem(
                    shown, None, f"overrides[{i}].dimension", repr(o.dimension), "is not a dimension of the framework"
                )
            )
            continue
        if o.dimension in seen:
            problems.append(
                InputProblem(
                    shown,
                    None,
                    f"overrides[{i}].dimension",
                    repr(o.dimension),
                    f"is overridden twice (also overrides[{seen[o.dimension]}]); keep one",
                )
            )
            continue
        seen[o.dimension] = i
        records.append(
            OverrideRecord(
                o.dimension,
                o.severity,
                o.adjust,
                o.band.value if o.band else None,
                " ".join(o.reason.split()),
                o.author,
                o.date.isoformat(),
                shown,
                i,
            )
        )
    return records, problems


def _plain(problem: InputProblem) -> InputProblem:
    """Pydantic's words for a missing or short reason, in the words an alliance manager expects."""
    if problem.field and problem.field.endswith(".reason"):
        return InputProblem(
            problem.file,
            problem.row,
            problem.field,
            problem.value,
            "is missing or too short: every override needs a reason (at least 10 characters) that stays on record",
        )
    return problem
