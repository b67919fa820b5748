"""assets/framework/network.yaml: the weights and thresholds of the network analysis (domain content)."""

from __future__ import annotations

from pydantic import Field, model_validator

from dd_pipeline.models import Strict


class FrequencyWeights(Strict):
    daily: float = Field(default=1.0, ge=0, le=1)
    weekly: float = Field(default=0.7, ge=0, le=1)
    monthly: float = Field(default=0.4, ge=0, le=1)
    rarely: float = Field(default=0.1, ge=0, le=1)


class ImportanceWeights(Strict):
    high: float = Field(default=1.0, ge=0, le=1)
    medium: float = Field(default=0.6, ge=0, le=1)
    low: float = Field(default=0.3, ge=0, le=1)


class PatternSeverity(Strict):
    """The 0..100 severity of each network pattern when it shows at full strength."""

    centralized_interface: float = Field(default=60, ge=0, le=100)
    senior_executives_peripheral: float = Field(default=65, ge=0, le=100)
    spanners_low_level: float = Field(default=45, ge=0, le=100)
    level_not_connected: float = Field(default=70, ge=0, le=100)
    seniority_mismatch: float = Field(default=55, ge=0, le=100)
    key_person_risk: float = Field(default=60, ge=0, le=100)
    turnover_on_ties: float = Field(default=75, ge=0, le=100)
    one_way_ties: float = Field(default=35, ge=0, le=100)


class NetworkConfig(Strict):
    """How reported ties are weighed and when a pattern of the network becomes a finding."""

    frequency: FrequencyWeights = FrequencyWeights()
    importance: ImportanceWeights = ImportanceWeights()
    close_bonus: float = Field(
        default=0.0, ge=0, le=1, description="Added to the weight of a tie reported as close (trusted, informal)."
    )
    strong_tie: float = Field(
        default=0.42, gt=0, le=2, description="A tie of at least this weight is strong (weekly and high is 0.7)."
    )
    core_k: int = Field(
        default=2,
        ge=1,
        le=10,
        description="A person in the k-core of strong ties with this k is core; others periphery.",
    )
    concentration_threshold: float = Field(
        default=0.6,
        gt=0,
        le=1,
        description="A firm whose top contact carries at least this share of its cross-firm tie weight is "
        "centralized through that contact.",
    )
    min_cross_ties: int = Field(
        default=3, ge=1, description="Concentration is judged only from this many cross-firm ties."
    )
    peripheral_share: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="A senior executive whose weighted degree is below this share of the median of the firm's "
        "people is at the edge of the network.",
    )
    key_person_share: float = Field(
        default=0.2,
        gt=0,
        le=1,
        description="A key person is one whose departure cuts at least this share of the network's other people "
        "off from every person of the other firm.",
    )
    one_way_share: float = Field(
        default=0.3,
        gt=0,
        le=1,
        description="One-way ties become a finding when at least this share of the ties between two surveyed "
        "people is named by one side only.",
    )
    severity: PatternSeverity = PatternSeverity()

    @model_validator(mode="after")
    def _strong_reachable(self) -> NetworkConfig:
        top = self.frequency.daily * self.importance.high + self.close_bonus
        if self.strong_tie > top:
            raise ValueError(f"strong_tie {self.strong_tie} is above the strongest possible tie weight {top:g}")
        return self
