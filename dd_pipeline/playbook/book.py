"""The Playbook: every file of assets/, typed."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from dd_pipeline.maturity.models import MaturityModel
from dd_pipeline.models import (
    AllianceType,
    Category,
    Challenge,
    Clause,
    Dimension,
    GovernanceFile,
    LaunchPlanSeed,
    Mitigation,
    ScoringRules,
    Strict,
)
from dd_pipeline.network.config import NetworkConfig


class _CategoryFile(Strict):
    categories: list[Category]
    alliance_types: list[AllianceType]


@dataclass(frozen=True)
class Playbook:
    root: Path
    categories: list[Category]
    alliance_types: list[AllianceType]
    dimensions: list[Dimension]
    challenges: list[Challenge]
    scoring: ScoringRules
    mitigations: list[Mitigation]
    clauses: list[Clause]
    launch_plan: LaunchPlanSeed
    governance: GovernanceFile
    escalation_tiers: list[str]  # who considers an escalated issue at each tier (assets/clauses/)
    maturity: MaturityModel
    fingerprint: str = field(default="")
    network: NetworkConfig = field(default_factory=NetworkConfig)  # framework/network.yaml

    @cached_property
    def dimension_by_id(self) -> dict[str, Dimension]:
        return {d.id: d for d in self.dimensions}

    @cached_property
    def challenge_by_id(self) -> dict[str, Challenge]:
        return {c.id: c for c in self.challenges}

    @cached_property
    def clause_by_id(self) -> dict[str, Clause]:
        return {c.id: c for c in self.clauses}

    @cached_property
    def alliance_type_ids(self) -> list[str]:
        return [t.id for t in self.alliance_types]
