"""Typed resources: where the warehouse and the project folders are."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from dd_pipeline.settings import Lake, Settings
from dd_pipeline.warehouse.connection import connect


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse file, or the shared DuckLake warehouse when ``lake_catalog`` is set. Connections
    are opened per step and closed at once."""

    path: str
    lake_catalog: str = ""
    lake_data: str = ""

    @property
    def lake(self) -> Lake | None:
        return Lake.of(self.lake_catalog, self.lake_data)

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        with connect(Path(self.path), read_only=read_only, lake=self.lake) as con:
            yield con


class ProjectResource(dg.ConfigurableResource):
    """The playbook (assets/), inputs/ and outputs/ folders, and the folder of the clean-team deals."""

    assets_dir: str
    inputs_dir: str
    outputs_dir: str
    warehouse_path: str = ""
    lake_catalog: str = ""
    lake_data: str = ""
    clean_team_root: str = ""

    @property
    def settings(self) -> Settings:
        outputs = Path(self.outputs_dir)
        warehouse = Path(self.warehouse_path) if self.warehouse_path else outputs / "warehouse.duckdb"
        lake = Lake.of(self.lake_catalog, self.lake_data)
        clean_team = Path(self.clean_team_root) if self.clean_team_root else None
        return Settings(
            Path(self.assets_dir), Path(self.inputs_dir), outputs, warehouse, lake=lake, clean_team_root=clean_team
        )

    @property
    def base(self) -> Path:
        """The folder that holds inputs/: error messages show paths relative to it."""
        return Path(self.inputs_dir).parent


def resources_for(settings: Settings) -> dict[str, object]:
    lake: dict[str, str] = {}
    if settings.lake:
        # read by Dagster from the environment: the UI's resource page then names the setting, never shows the
        # connection string (which may hold a password)
        catalog = os.environ.get("DD_LAKE_CATALOG", "")
        lake = {
            "lake_catalog": dg.EnvVar("DD_LAKE_CATALOG") if catalog == settings.lake.catalog else settings.lake.catalog,
            "lake_data": str(settings.lake.data_path),
        }
    return {
        "warehouse": WarehouseResource(path=str(settings.warehouse_path), **lake),
        "project": ProjectResource(
            assets_dir=str(settings.assets_dir),
            inputs_dir=str(settings.inputs_dir),
            outputs_dir=str(settings.outputs_dir),
            warehouse_path=str(settings.warehouse_path),
            **lake,
            clean_team_root=str(settings.clean_team_root or ""),
        ),
    }
