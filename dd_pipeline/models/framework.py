"""The framework of the playbook: categories, alliance types, dimensions and their scales, challenges."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import (
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from dd_pipeline.models.base import Identifier, Strict


class CategoryId(StrEnum):
    strategy = "strategy"
    structure = "structure"
    capabilities = "capabilities"
    risk = "risk"
    norms = "norms"


class Category(Strict):
    id: CategoryId
    name: str
    description: str


class AllianceType(Strict):
    id: Identifier
    name: str
    description: str


class ScaleKind(StrEnum):
    rating = "rating"  # an anchored rating scale, e.g. 1..5, each end has a meaning
    agreement = "agreement"  # strongly disagree (min) .. strongly agree (max); red/amber/green applies


class Scale(Strict):
    kind: ScaleKind = ScaleKind.rating
    min: int = 1
    max: int = 5
    labels: dict[int, str] = Field(description="Meaning of scale points; must name at least both ends.")

    @model_validator(mode="after")
    def _ends_named(self) -> Scale:
        if self.max <= self.min:
            raise ValueError(f"max ({self.max}) must be greater than min ({self.min})")
        for end in (self.min, self.max):
            if end not in self.labels:
                raise ValueError(f"labels must give the meaning of scale point {end}")
        for point in self.labels:
            if not self.min <= point <= self.max:
                raise ValueError(f"label for {point} lies outside the scale {self.min}..{self.max}")
        return self


class GapDirection(StrEnum):
    """Which end of a dimension's scale is better. The two organizations are peers: a direction says
    nothing about which of them is suspect."""

    symmetric = "symmetric"  # a style: neither end is better, a difference means both must adapt
    higher_is_better = "higher_is_better"  # the side nearer the high end is the stronger one
    lower_is_better = "lower_is_better"  # the side nearer the low end is the stronger one

    @property
    def one_sided(self) -> bool:
        return self is not GapDirection.symmetric


# Directions of earlier playbooks that judged only the partner; refused with the name to write instead.
RETIRED_DIRECTIONS = {"partner_lower": "higher_is_better", "partner_higher": "lower_is_better"}


class FindingKind(StrEnum):
    """What kind of finding a row of findings.csv is (see docs/scoring.md)."""

    difference = "difference"  # the two organizations differ on a style dimension
    shortfall = "shortfall"  # one organization falls short of the other where one end is better
    shared = "shared"  # both organizations sit in the weak zone of such a dimension
    perception = "perception"  # how an organization sees itself differs from how the other sees it
    disagreement = "disagreement"  # one organization's divisions disagree about it
    network = "network"  # a pattern of the alliance's communication network (docs/network.md)


GAP_FINDINGS = (FindingKind.difference, FindingKind.shortfall)


class Perspective(StrEnum):
    both = "both"  # each side rates itself and the other side
    self_only = "self"  # each side rates only itself


class Dimension(Strict):
    id: Identifier
    category: CategoryId
    name: str
    question: str = Field(description="The question as a respondent reads it, about 'the organization'.")
    scale: Scale
    direction: GapDirection = GapDirection.symmetric
    perspective: Perspective = Perspective.both
    weight: float = Field(1.0, ge=0, le=3)
    weights: dict[Identifier, float] = Field(
        default_factory=dict, description="Weight per alliance type; the default weight applies otherwise."
    )
    challenges: list[Annotated[str, StringConstraints(pattern=r"^C\d{2}$")]] = Field(default_factory=list)
    why: str = Field(description="What a gap on this dimension does to an alliance.")
    source: str

    @field_validator("direction", mode="before")
    @classmethod
    def _current_direction(cls, value: object) -> object:
        if isinstance(value, str) and value in RETIRED_DIRECTIONS:
            raise ValueError(
                f"judged only the partner and is no longer used; write '{RETIRED_DIRECTIONS[value]}' "
                "(a shortfall of either organization then counts)"
            )
        return value

    @field_validator("weights")
    @classmethod
    def _weights_in_range(cls, value: dict[str, float]) -> dict[str, float]:
        for key, weight in value.items():
            if not 0 <= weight <= 3:
                raise ValueError(f"weight for {key} must lie between 0 and 3, got {weight}")
        return value

    def weight_for(self, alliance_type: str) -> float:
        return self.weights.get(alliance_type, self.weight)


class DimensionFile(Strict):
    dimensions: list[Dimension]


class ChallengeGroup(StrEnum):
    strategy_alignment = "strategy_alignment"
    governance_leadership = "governance_leadership"
    alliance_managers = "alliance_managers"
    team_members = "team_members"
    operating_processes = "operating_processes"


class Challenge(Strict):
    id: Annotated[str, StringConstraints(pattern=r"^C\d{2}$")]
    group: ChallengeGroup
    title: str
    description: str
    costliest: bool = False
    source: str


class ChallengeFile(Strict):
    challenges: list[Challenge]
