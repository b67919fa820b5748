"""What the files contain: pydantic models of the playbook (assets/) and of the inputs (inputs/).

Every file format the tool reads is described here, and `schemas/` holds the JSON Schema generated
from these models (`dd-pipeline schemas`).
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,63}$")]
DEAL_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
ParameterValue = str | int | float | list[str] | list[int]


class Strict(BaseModel):
    """Base for file models: unknown keys are mistakes, not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------------------------------
# Playbook: framework
# --------------------------------------------------------------------------------------------------


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
    symmetric = "symmetric"  # any difference hurts
    partner_lower = "partner_lower"  # only hurts when the partner scores below home
    partner_higher = "partner_higher"  # only hurts when the partner scores above home


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


class Band(StrEnum):
    low = "low"
    moderate = "moderate"
    high = "high"
    critical = "critical"

    @property
    def rank(self) -> int:
        return list(Band).index(self)


class BandThresholds(Strict):
    """Lower bounds (inclusive) of each band on the 0..100 severity scale."""

    moderate: float = 20
    high: float = 45
    critical: float = 70

    @model_validator(mode="after")
    def _ordered(self) -> BandThresholds:
        if not 0 < self.moderate < self.high < self.critical <= 100:
            raise ValueError("band thresholds must rise: 0 < moderate < high < critical <= 100")
        return self


class AgreementThresholds(Strict):
    """Red/amber/green for agreement-scale items, on the item's own scale (Figure 8 in source 001)."""

    red_at_or_below: float = 2.50
    green_at_or_above: float = 3.00


class ConfidenceRule(Strict):
    full_at_respondents: int = Field(3, ge=1, description="Respondents per side for full confidence.")
    spread_penalty: float = Field(
        0.5, ge=0, le=1, description="Share of confidence lost at the widest possible disagreement."
    )
    severity_floor: float = Field(
        0.5, ge=0, le=1, description="Share of severity kept at zero confidence."
    )


class RiskIndexRule(Strict):
    top_k: int = Field(5, ge=1)
    top_share: float = Field(0.6, ge=0, le=1)


class ScoringRules(Strict):
    bands: BandThresholds = BandThresholds()
    agreement: AgreementThresholds = AgreementThresholds()
    confidence: ConfidenceRule = ConfidenceRule()
    risk_index: RiskIndexRule = RiskIndexRule()
    disagreement_threshold: float = Field(
        0.4, ge=0, le=1, description="Spread of division means (0..1) at which a side is said to disagree."
    )
    perception_threshold: float = Field(
        0.25, ge=0, le=1, description="Self vs other view difference (0..1) worth showing."
    )
    thin_side_respondents: int = Field(3, ge=1, description="Fewer respondents on a side is thin data.")
    thin_coverage: float = Field(0.8, ge=0, le=1, description="Share of dimensions scored below which data is thin.")
    immature_uplift: float = Field(
        10, ge=0, le=50,
        description="Added to every challenge's likelihood when either side is at maturity level 1 or 2.",
    )


# --------------------------------------------------------------------------------------------------
# Playbook: mitigations, clauses, launch plan
# --------------------------------------------------------------------------------------------------


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
    """A condition on one side's raw score for a dimension (on the dimension's own scale)."""

    dimension: Identifier
    side: Literal["home", "partner"]
    at_least: float | None = None
    at_most: float | None = None


class Trigger(Strict):
    """A mitigation applies when any of its triggers holds."""

    dimensions: list[Identifier] = Field(
        default_factory=list, description="Any of these dimensions at min_band or worse."
    )
    min_band: Band = Band.high
    conditions: list[SideCondition] = Field(default_factory=list, description="All must hold.")
    alliance_types: list[Identifier] = Field(
        default_factory=list, description="Only for these alliance types; empty means all."
    )


class LaunchTaskSpec(Strict):
    """A task that a mitigation adds to the launch plan."""

    id: Identifier
    workstream: Identifier
    title: str
    owner: Literal["home", "partner", "joint"] = "joint"
    owner_role: str
    start_day: int = Field(ge=0, le=200, description="Business days after the effective date.")
    duration_days: int = Field(ge=1, le=200)
    depends_on: list[Identifier] = Field(default_factory=list)
    milestone: bool = False


class Mitigation(Strict):
    id: Identifier
    title: str
    type: MitigationType
    description: str
    owner_role: str
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
    template: str = Field(description="Clause text; Jinja2 syntax, rendered in a sandbox.")
    note: str = Field(description="Why the clause exists, for the drafting note.")
    source: str


class ClauseFile(Strict):
    clauses: list[Clause]


class SeedTask(Strict):
    id: Identifier
    title: str
    owner: Literal["home", "partner", "joint"] = "joint"
    owner_role: str
    start_day: int = Field(ge=0, le=200)
    duration_days: int = Field(ge=1, le=200)
    depends_on: list[Identifier] = Field(default_factory=list)
    milestone: bool = False


class Workstream(Strict):
    id: Identifier
    name: str
    deliverable: str = Field(description="The 100-day deliverable this workstream produces.")
    tasks: list[SeedTask]
    source: str


class LaunchPlanSeed(Strict):
    horizon_days: int = 100
    milestone_days: list[int] = Field(default_factory=lambda: [30, 60, 90, 100])
    workstreams: list[Workstream]


# --------------------------------------------------------------------------------------------------
# Inputs: home organization and deals
# --------------------------------------------------------------------------------------------------


class Side(StrEnum):
    home = "home"
    partner = "partner"

    @property
    def other(self) -> Side:
        return Side.partner if self is Side.home else Side.home


class Level(StrEnum):
    executive = "executive"
    middle = "middle"
    operational = "operational"


class Person(Strict):
    name: str = Field(min_length=1, max_length=120)
    role: str = Field(min_length=1, max_length=120)
    email: str | None = None


class HomeOrganization(Strict):
    name: str
    short_name: str
    divisions: list[str] = Field(default_factory=list)
    alliance_manager: Person | None = None


Cadence = Literal["weekly", "every two weeks", "monthly", "every two months", "quarterly"]
CADENCE_BUSINESS_DAYS: dict[str, int] = {
    "weekly": 5, "every two weeks": 10, "monthly": 21, "every two months": 42, "quarterly": 63,
}


class Governance(Strict):
    """Parameters of the alliance's governance that the clauses draw on."""

    steering_committee: str = Field("Joint Steering Committee", min_length=1, max_length=120)
    operating_committee: str = Field("Joint Operating Committee", min_length=1, max_length=120)
    steering_cadence: Cadence = "quarterly"
    operating_cadence: Cadence = "monthly"
    escalation_days: list[int] = Field(
        default_factory=lambda: [10, 10, 15],
        description="Business days allowed at each escalation tier, first tier first.",
    )
    governing_law: str | None = None

    @field_validator("escalation_days")
    @classmethod
    def _tiers(cls, value: list[int]) -> list[int]:
        if not 1 <= len(value) <= 5 or any(d < 1 or d > 90 for d in value):
            raise ValueError("escalation_days needs 1 to 5 tiers, each 1..90 business days")
        return value


class Deal(Strict):
    deal_id: str
    partner: str = Field(min_length=1, max_length=200)
    partner_short_name: str | None = None
    alliance_type: Identifier
    description: str = ""
    term_sheet_date: dt.date
    effective_date: dt.date
    home_alliance_manager: Person
    partner_alliance_manager: Person
    deal_team: list[Person] = Field(default_factory=list)
    governance: Governance = Governance()
    clause_parameters: dict[Identifier, ParameterValue] = Field(
        default_factory=dict, description="Values for clause parameters; these win over all others."
    )

    @field_validator("deal_id")
    @classmethod
    def _deal_id(cls, value: str) -> str:
        if not DEAL_ID_PATTERN.match(value):
            raise ValueError(
                "must be 1-63 lowercase letters, digits, '-' or '_', starting with a letter or digit"
            )
        return value

    @field_validator("effective_date")
    @classmethod
    def _dates_in_order(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        signed = info.data.get("term_sheet_date")
        if signed is not None and value < signed:
            raise ValueError(
                f"is before the term_sheet_date {signed}; the agreement cannot take effect before the term "
                "sheet is signed"
            )
        return value

    @property
    def partner_label(self) -> str:
        return self.partner_short_name or self.partner


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
    division: str = Field(min_length=1, max_length=100)
    level: Level
    rated_side: Side
    dimension: Identifier
    value: str = Field(
        description="A point of the dimension's scale, or 'n/a' (not applicable) or 'unknown'."
    )
    comment: str = ""


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
    observation: str = Field(min_length=1, max_length=2000)
    source: str = Field(min_length=1, max_length=200)
    recorded_on: dt.date | None = None
    internal: bool = Field(
        False, description="yes: for the home side only (a confidential source, an internal meeting); never put "
                           "in a pack for the partner (dd-pipeline share). Empty or no: may be shared.")


class Override(Strict):
    """An alliance manager's correction of one dimension's gap, with a reason that stays on record."""

    dimension: Identifier
    severity: float | None = Field(None, ge=0, le=100, description="Set the severity to this value.")
    adjust: float | None = Field(None, ge=-100, le=100, description="Add this to the computed severity.")
    band: Band | None = Field(None, description="Set the band, whatever the severity.")
    reason: str = Field(min_length=10, max_length=2000, description="Why: stays on record in every output.")
    author: str = Field(min_length=1, max_length=120)
    date: dt.date

    @model_validator(mode="after")
    def _one_change(self) -> Override:
        given = [n for n in ("severity", "adjust", "band") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of severity, adjust or band")
        return self


class OverrideFile(Strict):
    overrides: list[Override] = Field(default_factory=list)
