"""The sample project as the tests know it: the home profile and the three sample deals, copied into a
temporary folder. Only these deals are copied, by name, so a deal the user created in inputs/deals/ (or its
outputs) never reaches a test, and the tests never write to the project's own folders."""

from __future__ import annotations

import shutil
from pathlib import Path

from duckdb import DuckDBPyConnection

from dd_pipeline.errors import ProblemList
from dd_pipeline.intake import DealInputs
from dd_pipeline.playbook import Playbook
from dd_pipeline.settings import PROJECT_ROOT, Settings
from dd_pipeline.use_cases import accept_deal, ingest_deal, map_network, score_deal

SAMPLE_DEALS = ("brightpath-comarketing", "helix-jv", "northwind-codev")


def copy_sample_inputs(target: Path) -> Path:
    """Copy inputs/home/ and the sample deals' folders into ``target`` (the new inputs/ folder)."""
    source = PROJECT_ROOT / "inputs"
    shutil.copytree(source / "home", target / "home")
    (target / "deals").mkdir(parents=True, exist_ok=True)
    for deal_id in SAMPLE_DEALS:
        shutil.copytree(source / "deals" / deal_id, target / "deals" / deal_id)
    return target


def copy_sample_project(root: Path) -> Settings:
    """``root``/assets, ``root``/inputs (the sample) and an empty ``root``/outputs."""
    shutil.copytree(PROJECT_ROOT / "assets", root / "assets")
    copy_sample_inputs(root / "inputs")
    (root / "outputs").mkdir(exist_ok=True)
    return Settings(root / "assets", root / "inputs", root / "outputs", root / "outputs" / "warehouse.duckdb")


def copy_ran_project(source: Path, root: Path, dagster_home: Path | None = None) -> Settings:
    """Copy the project ``source`` (helix_jv_ran_once) to ``root``/assets, inputs and outputs, and its Dagster
    home to ``dagster_home`` (default ``root``/dagster_home)."""
    for sub in ("assets", "inputs", "outputs"):
        shutil.copytree(source / sub, root / sub)
    shutil.copytree(source / "dagster_home", dagster_home or root / "dagster_home")
    return Settings(root / "assets", root / "inputs", root / "outputs", root / "outputs" / "warehouse.duckdb")


def sample_file(relative: str) -> Path:
    """A file of the sample deals, e.g. 'deals/helix-jv/deal.yaml' (read only; never a user's deal)."""
    deal = relative.split("/")[1] if relative.startswith("deals/") else None
    if deal is not None and deal not in SAMPLE_DEALS:
        raise ValueError(f"{relative} is not a file of the sample deals")
    return PROJECT_ROOT / "inputs" / relative


def accept_and_score(con: DuckDBPyConnection, settings: Settings, playbook: Playbook, deal_id: str) -> DealInputs:
    """Read, stage, accept and score one deal with the use cases the assets call. Raises ProblemList when the
    inputs have errors (nothing is accepted then); the expectation suites are left to the tests about them."""
    ingested = ingest_deal(con, settings, playbook, deal_id)
    if ingested.errors:
        raise ProblemList(ingested.errors)
    accept_deal(con, deal_id)
    map_network(con, playbook, deal_id)
    score_deal(con, deal_id)
    return ingested.inputs
