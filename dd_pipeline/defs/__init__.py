"""The Dagster shell around the domain code: assets, checks, partitions, sensors, schedules, resources."""

from __future__ import annotations

import dagster as dg

from dd_pipeline.settings import Settings

from .drafting_assets import DRAFTING_ASSETS, DRAFTING_CHECKS
from .resources import resources_for
from .scoring_assets import SCORING_ASSETS, SCORING_CHECKS


def all_assets() -> list[dg.AssetsDefinition]:
    return [*SCORING_ASSETS, *DRAFTING_ASSETS]


def all_checks() -> list[dg.AssetChecksDefinition]:
    return [*SCORING_CHECKS, *DRAFTING_CHECKS]


def build_definitions(settings: Settings | None = None) -> dg.Definitions:
    settings = settings or Settings.from_env()
    return dg.Definitions(
        assets=all_assets(),
        asset_checks=all_checks(),
        resources=resources_for(settings),
    )
