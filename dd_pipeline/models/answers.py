"""What a deal folder records: answers, evidence and overrides."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import (
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from dd_pipeline.models.base import Identifier, Name, SaneDate, Strict, Text
from dd_pipeline.models.organizations import Level, Side
from dd_pipeline.models.scoring import Band

ANSWER_COLUMNS = (
    "respondent_id",
    "respondent_side",
    "division",
    "level",
    "rated_side",
    "dimension",
    "value",
    "comment",
)
NOT_APPLICABLE = ("n/a", "na", "not applicable")
UNKNOWN = ("?", "unknown", "don't know", "dont know")


class Answer(Strict):
    """One row of an answers file: one respondent's rating of one organization on one dimension."""

    respondent_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")]
    respondent_side: Side
    division: Name = Field(min_length=1, max_length=100)
    level: Level
    rated_side: Side
    dimension: Identifier
    value: str = Field(description="A point of the dimension's scale, or 'n/a' (not applicable) or 'unknown'.")
    comment: Text = ""


class EvidenceKind(StrEnum):
    strength = "strength"
    weakness = "weakness"
    observation = "observation"


EVIDENCE_COLUMNS = ("dimension", "about_side", "kind", "observation", "source", "recorded_on", "internal")


class Evidence(Strict):
    """One row of evidence.csv: something learned in a meeting or a document."""

    dimension: Identifier
    about_side: Side
    kind: EvidenceKind
    observation: Text = Field(min_length=1, max_length=2000)
    source: Name = Field(min_length=1, max_length=200)
    recorded_on: SaneDate | None = None
    internal: bool = Field(
        False,
        description="yes: for the home side only (a confidential source, an internal meeting); never put "
        "in a pack for the partner (dd-pipeline share). Empty or no: may be shared.",
    )


class Override(Strict):
    """An alliance manager's correction of one dimension's gap, with a reason that stays on record."""

    dimension: Identifier
    severity: float | None = Field(None, ge=0, le=100, description="Set the severity to this value.")
    adjust: float | None = Field(None, ge=-100, le=100, description="Add this to the computed severity.")
    band: Band | None = Field(None, description="Set the band, whatever the severity.")
    reason: Text = Field(min_length=10, max_length=2000, description="Why: stays on record in every output.")
    author: Name = Field(min_length=1, max_length=120)
    date: SaneDate

    @field_validator("reason")
    @classmethod
    def _reason_has_words(cls, value: str) -> str:
        if len(" ".join(value.split())) < 10:
            raise ValueError("is too short once spaces are left out")
        return value

    @model_validator(mode="after")
    def _one_change(self) -> Override:
        given = [n for n in ("severity", "adjust", "band") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of severity, adjust or band")
        return self


class OverrideFile(Strict):
    overrides: list[Override] = Field(default_factory=list)
