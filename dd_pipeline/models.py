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
    AfterValidator,
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

# Dates the outputs can hold: a launch plan adds business days to them, a calendar writes them.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2200, 12, 31)
_LINE_BREAKS = "\n\r\u2028\u2029\x85"


def control_character(text: str, multiline: bool = False) -> str | None:
    """The first character of ``text`` that no output can hold as text (a C0 or C1 control character, DEL,
    a line or paragraph separator, an unpaired surrogate, a non-character), described; None if there is none.
    Multi-line fields (notes, comments, descriptions) may hold tabs and line breaks."""
    for position, char in enumerate(text, start=1):
        code = ord(char)
        if multiline and char in "\t\n\r":
            continue
        if (
            code < 0x20
            or 0x7F <= code <= 0x9F
            or char in _LINE_BREAKS
            or 0xD800 <= code <= 0xDFFF
            or code in (0xFFFE, 0xFFFF)
        ):
            kind = "a line break" if char in _LINE_BREAKS else "a tab" if char == "\t" else "a control character"
            return f"{kind} (U+{code:04X}) at character {position}"
    return None


def _single_line(value: str) -> str:
    found = control_character(value)
    if found:
        raise ValueError(f"has {found}; write it on one line without control characters")
    return value


def _multi_line(value: str) -> str:
    found = control_character(value, multiline=True)
    if found:
        raise ValueError(f"has {found}; remove it (only tabs and line breaks are allowed in this text)")
    return value


def _not_blank(value: str) -> str:
    _single_line(value)
    if not value.strip():
        raise ValueError("is blank; a name is required")
    return value


def _sane_date(value: dt.date) -> dt.date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(f"is out of range; expected a date from {EARLIEST_DATE} to {LATEST_DATE}")
    return value


Line = Annotated[str, AfterValidator(_single_line)]
Text = Annotated[str, AfterValidator(_multi_line)]
Name = Annotated[str, AfterValidator(_not_blank)]
SaneDate = Annotated[dt.date, AfterValidator(_sane_date)]


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
                f"'{value}' judged only the partner and is no longer used; write '{RETIRED_DIRECTIONS[value]}' "
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
    severity_floor: float = Field(0.5, ge=0, le=1, description="Share of severity kept at zero confidence.")


class RiskIndexRule(Strict):
    top_k: int = Field(5, ge=1)
    top_share: float = Field(0.6, ge=0, le=1)


class WeakZone(Strict):
    """Where an organization counts as weak on a dimension where one end is better, as its distance from
    the worse end on 0..1 (0 = the worse end, 1 = the better end). Agreement items use the red threshold
    of ``agreement`` instead (2.50 on 1-4 is 0.5)."""

    rating: float = Field(0.375, gt=0, lt=1, description="At or below this is weak (2.5 on a 1-5 scale).")


class ScoringRules(Strict):
    bands: BandThresholds = BandThresholds()
    agreement: AgreementThresholds = AgreementThresholds()
    confidence: ConfidenceRule = ConfidenceRule()
    risk_index: RiskIndexRule = RiskIndexRule()
    weak_zone: WeakZone = WeakZone()
    select_band: Band = Field(
        Band.high, description="Findings at this band or worse select a mitigation; milder ones only suggest it."
    )
    disagreement_threshold: float = Field(
        0.4, ge=0, le=1, description="Spread of division means (0..1) at which a side is said to disagree."
    )
    perception_threshold: float = Field(
        0.25, ge=0, le=1, description="Self vs other view difference (0..1) worth showing."
    )
    thin_side_respondents: int = Field(3, ge=1, description="Fewer respondents on a side is thin data.")
    thin_coverage: float = Field(0.8, ge=0, le=1, description="Share of dimensions scored below which data is thin.")
    immature_uplift: float = Field(
        10,
        ge=0,
        le=50,
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


class CommitteeMeetings(Strict):
    """When the committees first meet: never before the committees are staffed."""

    after_task: Identifier | None = Field(
        "committee_first_meetings",
        description="No committee meeting is scheduled before this seed task starts (the committees are staffed).",
    )
    steering_first_day: int = Field(10, ge=0, le=200, description="Earliest business day of the first meeting.")
    operating_first_day: int = Field(5, ge=0, le=200, description="Earliest business day of the first meeting.")


class LaunchPlanSeed(Strict):
    meetings: CommitteeMeetings = CommitteeMeetings()
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
    name: Name = Field(min_length=1, max_length=120)
    role: Name = Field(min_length=1, max_length=120)
    email: Line | None = None


LETTER_COUNTRIES = frozenset({"US", "CA", "MX", "CL", "CO", "VE", "PH", "PR", "GT", "CR", "PA", "DO", "SV", "NI"})
HOLIDAY_CALENDAR_HELP = (
    "expected a two-letter country code such as US, DE or GB, optionally with a region after a dash "
    "(US-NY, DE-BY, GB-SCT), or none for no public holidays"
)


def holiday_calendar_code(value: str, *, regions: bool = True) -> str:
    """``value`` as a holiday calendar the holidays package knows ("US", "DE-BY", "none"), in its spelling."""
    import holidays

    text = value.strip()
    if text.lower() == "none":
        return "none"
    country, _, region = text.partition("-")
    supported = {
        code: subdivisions for code, subdivisions in holidays.list_supported_countries().items() if len(code) == 2
    }
    country = country.upper()
    if country not in supported or (region and not regions):
        raise ValueError(
            f"is not a country whose public holidays are known; {HOLIDAY_CALENDAR_HELP}"
            if regions
            else "is not a two-letter country code such as US, DE or GB"
        )
    if not region:
        return country
    known = {s.upper(): s for s in supported[country]}
    if region.upper() not in known:
        listed = ", ".join(sorted(supported[country])[:40]) or "none"
        raise ValueError(f"names a region that {country} has no public holidays for; known regions: {listed}")
    return f"{country}-{known[region.upper()]}"


def country_text(value: object) -> str:
    """YAML reads an unquoted NO (Norway) as false."""
    if value is False:
        return "NO"
    if not isinstance(value, str):
        raise ValueError("is not text; expected a two-letter country code such as US, DE or GB")
    return value


def time_zone_name(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            "is not a time zone; expected a name from the IANA time zone database such as Europe/Berlin, "
            "America/New_York or UTC"
        ) from None
    return value


class HomeOrganization(Strict):
    name: Name
    short_name: Name
    divisions: list[Name] = Field(default_factory=list)
    alliance_manager: Person | None = None
    country: str | None = Field(
        None,
        description="Two-letter country code (US, DE, GB). Deals use its public holidays and paper "
        "size unless deal.yaml says otherwise; none set means no public holidays and A4 paper.",
    )
    timezone: str | None = Field(
        None,
        description="IANA time zone (America/New_York) for committee meetings unless deal.yaml sets "
        "governance.meeting_timezone; UTC when neither is set.",
    )

    @field_validator("country", mode="before")
    @classmethod
    def _country(cls, value: object) -> object:
        return holiday_calendar_code(country_text(value), regions=False) if value is not None else None

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        return None if value is None else time_zone_name(value)


Cadence = Literal["weekly", "every two weeks", "monthly", "every two months", "quarterly"]
CADENCE_BUSINESS_DAYS: dict[str, int] = {
    "weekly": 5,
    "every two weeks": 10,
    "monthly": 21,
    "every two months": 42,
    "quarterly": 63,
}


class Governance(Strict):
    """Parameters of the alliance's governance that the clauses draw on."""

    steering_committee: Name = Field("Joint Steering Committee", min_length=1, max_length=120)
    operating_committee: Name = Field("Joint Operating Committee", min_length=1, max_length=120)
    steering_cadence: Cadence = "quarterly"
    operating_cadence: Cadence = "monthly"
    escalation_days: list[int] = Field(
        default_factory=lambda: [10, 10, 15],
        description="Business days allowed at each escalation tier, first tier first.",
    )
    governing_law: Line | None = None
    meeting_time: str = Field(
        "10:00", description="Time of day (HH:MM, 24-hour clock) at which committee meetings start."
    )
    meeting_minutes: int = Field(60, ge=15, le=480, description="How long a committee meeting lasts.")
    meeting_timezone: str | None = Field(
        None,
        description="IANA time zone of meeting_time (Europe/Berlin); default: the home organization's "
        "timezone, else UTC.",
    )

    @field_validator("meeting_time", mode="before")
    @classmethod
    def _time_of_day(cls, value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
            return f"{value // 60:02d}:{value % 60:02d}"  # YAML reads an unquoted 10:00 as 600 (base 60)
        if isinstance(value, str):
            match = re.fullmatch(r"\s*([01]?[0-9]|2[0-3]):([0-5][0-9])\s*", value)
            if match:
                return f"{int(match.group(1)):02d}:{match.group(2)}"
        raise ValueError(
            'is not a time of day; expected hours and minutes on the 24-hour clock, such as "09:30" or "14:00"'
        )

    @field_validator("meeting_timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        return None if value is None else time_zone_name(value)

    @field_validator("escalation_days")
    @classmethod
    def _tiers(cls, value: list[int]) -> list[int]:
        if not 1 <= len(value) <= 5 or any(d < 1 or d > 90 for d in value):
            raise ValueError("escalation_days needs 1 to 5 tiers, each 1..90 business days")
        return value


class Deal(Strict):
    deal_id: str
    partner: Name = Field(min_length=1, max_length=200)
    partner_short_name: Name | None = None
    alliance_type: Identifier
    description: Text = ""
    term_sheet_date: SaneDate
    effective_date: SaneDate
    home_alliance_manager: Person
    partner_alliance_manager: Person
    deal_team: list[Person] = Field(default_factory=list)
    governance: Governance = Governance()
    clause_parameters: dict[Identifier, ParameterValue] = Field(
        default_factory=dict, description="Values for clause parameters; these win over all others."
    )
    holiday_calendar: str | None = Field(
        None,
        description="Whose public holidays the launch plan skips: a country code (US), a country and "
        "region (DE-BY) or none; default: the home organization's country.",
    )
    page_size: Literal["A4", "Letter"] | None = Field(
        None,
        description="Paper size of the Word and Excel files; default: Letter where the home "
        "organization's country uses it, else A4.",
    )

    @field_validator("holiday_calendar", mode="before")
    @classmethod
    def _holiday_calendar(cls, value: object) -> object:
        return holiday_calendar_code(country_text(value)) if value is not None else None

    @field_validator("page_size", mode="before")
    @classmethod
    def _page_size(cls, value: object) -> object:
        return {"a4": "A4", "letter": "Letter"}.get(value.strip().lower(), value) if isinstance(value, str) else value

    @field_validator("deal_id")
    @classmethod
    def _deal_id(cls, value: str) -> str:
        if not DEAL_ID_PATTERN.match(value):
            raise ValueError("must be 1-63 lowercase letters, digits, '-' or '_', starting with a letter or digit")
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

    @field_validator("clause_parameters")
    @classmethod
    def _parameter_values(cls, value: dict[str, ParameterValue]) -> dict[str, ParameterValue]:
        for name, given in value.items():
            for item in given if isinstance(given, list) else [given]:
                if isinstance(item, str) and control_character(item):
                    raise ValueError(
                        f"{name} has {control_character(item)}; write it on one line without control characters"
                    )
            if name.endswith("_cadence") and given not in CADENCE_BUSINESS_DAYS:
                raise ValueError(
                    f"{name} is {given!r}; expected one of "
                    + ", ".join(CADENCE_BUSINESS_DAYS)
                    + " (the launch plan schedules its meetings by it)"
                )
        return value

    @property
    def partner_label(self) -> str:
        return self.partner_short_name or self.partner

    def holidays_for(self, home: HomeOrganization | None) -> str:
        """The holiday calendar the plan uses: deal.yaml's, else the home organization's country, else none."""
        return self.holiday_calendar or (home.country if home and home.country else None) or "none"

    def paper_for(self, home: HomeOrganization | None) -> Literal["A4", "Letter"]:
        if self.page_size:
            return self.page_size
        return "Letter" if home is not None and home.country in LETTER_COUNTRIES else "A4"

    def meeting_zone(self, home: HomeOrganization | None) -> str:
        return self.governance.meeting_timezone or (home.timezone if home and home.timezone else None) or "UTC"


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
