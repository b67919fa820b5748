"""Scoring rules (assets/framework/scoring.yaml): bands, thresholds, confidence, risk index."""

from __future__ import annotations

from enum import StrEnum

from pydantic import (
    Field,
    model_validator,
)

from dd_pipeline.models.base import Strict


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
    key_item_weight: float = Field(
        1.5,
        ge=0,
        le=3,
        description="Questions whose dimension weighs at least this much for the deal's alliance type are "
        "marked as key questions in the questionnaires.",
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
