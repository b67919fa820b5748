"""The Dagster shell around the domain code: assets, checks, partitions, sensors, schedules, resources."""

from __future__ import annotations

import dagster as dg

from dd_pipeline.settings import Settings

from .automation import daily_rerun_schedule, deal_folder_sensor, deal_job
from .drafting_assets import DRAFTING_ASSETS, DRAFTING_CHECKS
from .history_assets import HISTORY_ASSETS
from .network_assets import NETWORK_ASSETS, NETWORK_CHECKS
from .reporting_assets import REPORTING_ASSETS, portfolio_sensor
from .resources import resources_for
from .scoring_assets import SCORING_ASSETS, SCORING_CHECKS


def all_assets() -> list[dg.AssetsDefinition]:
    return [*SCORING_ASSETS, *NETWORK_ASSETS, *DRAFTING_ASSETS, *REPORTING_ASSETS, *HISTORY_ASSETS]


def all_checks() -> list[dg.AssetChecksDefinition]:
    return [*SCORING_CHECKS, *NETWORK_CHECKS, *DRAFTING_CHECKS]


def build_definitions(settings: Settings | None = None) -> dg.Definitions:
    settings = settings or Settings.from_env()
    assets = all_assets()
    job = deal_job([a for a in assets if a.partitions_def is not None])
    return dg.Definitions(
        assets=assets,
        asset_checks=all_checks(),
        jobs=[job],
        sensors=[deal_folder_sensor(job), portfolio_sensor()],
        schedules=[daily_rerun_schedule(job)],
        resources=resources_for(settings),
    )
