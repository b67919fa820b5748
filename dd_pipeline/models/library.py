"""The library of the playbook: mitigations (assets/mitigations/) and clauses (assets/clauses/)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from dd_pipeline.models.base import Identifier, Line, ParameterValue, Strict
from dd_pipeline.models.framework import FindingKind
from dd_pipeline.models.scoring import Band


class MitigationType(StrEnum):
    contract_clause = "contract_clause"
    launch_activity = "launch_activity"
    governance_design = "governance_design"
    behavioral_norm = "behavioral_norm"
    staffing = "staffing"
    training = "training"


class Effort(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


class SideCondition(Strict):
    """A condition on an organization's raw score for a dimension (on the dimension's own scale).

    The two organizations are peers, so a condition never names one: it holds when ``either`` of them
    (the default) or ``both`` of them score within the bounds."""

    dimension: Identifier
    side: Literal["either", "both"] = "either"
    at_least: float | None = None
    at_most: float | None = None

    @field_validator("side", mode="before")
    @classmethod
    def _no_named_side(cls, value: object) -> object:
        if value in ("home", "partner"):
            raise ValueError(
                f"'{value}' names one organization; the two are peers, so write 'either' (one of them) or 'both'"
            )
        return value

    @model_validator(mode="after")
    def _bounded(self) -> SideCondition:
        if self.at_least is None and self.at_most is None:
            raise ValueError("give at_least, at_most or both")
        return self


class Trigger(Strict):
    """A mitigation applies when any of its triggers holds."""

    dimensions: list[Identifier] = Field(
        default_factory=list, description="Any of these dimensions at min_band or worse."
    )
    min_band: Band = Band.high
    findings: list[FindingKind] = Field(
        default_factory=lambda: [FindingKind.difference, FindingKind.shortfall, FindingKind.shared],
        description="Which kinds of finding on those dimensions trigger it.",
    )
    any_dimension: bool = Field(False, description="Findings on any dimension count (with ``findings``).")
    network: list[Identifier] = Field(
        default_factory=list, description="Network findings with these pattern ids (docs/network.md) trigger it."
    )
    conditions: list[SideCondition] = Field(default_factory=list, description="All must hold.")
    alliance_types: list[Identifier] = Field(
        default_factory=list, description="Only for these alliance types; empty means all."
    )


# Who carries out a mitigation or one of its tasks. "short_side" is the organization the triggering findings
# concern (the one that falls short, is seen differently, or disagrees internally); "other_side" its peer.
# When findings concern both organizations, either value means both, and the owner is "joint".
MitigationOwner = Literal["joint", "short_side", "other_side"]


class LaunchTaskSpec(Strict):
    """A task that a mitigation adds to the launch plan. The title may name the organizations with
    {{ short_party }} and {{ other_party }}."""

    id: Identifier
    workstream: Identifier
    title: str
    owner: MitigationOwner = "joint"
    owner_role: str
    start_day: int = Field(ge=0, le=200, description="Business days after the effective date.")
    duration_days: int = Field(ge=1, le=200)
    depends_on: list[Identifier] = Field(default_factory=list)
    milestone: bool = False


class Mitigation(Strict):
    """A mitigation strategy. Title and description may name the organizations with {{ short_party }}
    and {{ other_party }} when ``owned_by`` is not joint."""

    id: Identifier
    title: str
    type: MitigationType
    description: str
    owner_role: str
    owned_by: MitigationOwner = "joint"
    effort: Effort
    triggers: list[Trigger]
    challenges: list[Annotated[str, StringConstraints(pattern=r"^C\d{2}$")]] = Field(default_factory=list)
    clauses: list[Identifier] = Field(default_factory=list, description="Clauses this mitigation selects.")
    parameters: dict[Identifier, ParameterValue] = Field(
        default_factory=dict, description="Clause parameters this mitigation sets when it matches."
    )
    tasks: list[LaunchTaskSpec] = Field(default_factory=list)
    source: str


class MitigationFile(Strict):
    mitigations: list[Mitigation]


class ClauseParameter(Strict):
    """A value the clause text needs. Looked up in: the deal's clause_parameters, then values set by
    matched mitigations, then the deal's own fields (see drafting/clauses.py), then this default."""

    name: Identifier
    description: str
    default: ParameterValue | None = None


class Clause(Strict):
    id: Identifier
    title: str
    topic: str
    baseline_for: list[Identifier] = Field(
        default_factory=list, description="Alliance types for which this clause is always included."
    )
    parameters: list[ClauseParameter] = Field(default_factory=list)
    excludes: list[Identifier] = Field(
        default_factory=list, description="Clauses that cannot stand beside this one (alternative variants)."
    )
    template: str = Field(description="Clause text; Jinja2 syntax, rendered in a sandbox.")
    note: str = Field(description="Why the clause exists, for the drafting note.")
    source: str


class ClauseFile(Strict):
    clauses: list[Clause]
    escalation_tiers: list[Line] = Field(
        default_factory=list,
        description="Who considers an escalated issue at each tier, first tier first; a deal with more tiers "
        "uses the last for the rest. May name the committees with {{ operating_committee }} and "
        "{{ steering_committee }}. Exactly one file of assets/clauses/ gives it.",
    )
