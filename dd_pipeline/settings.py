"""Where things are: one typed settings object, read from the environment with sane defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Lake:
    """A warehouse shared by a team: DuckLake, its catalog in a PostgreSQL database and its data files (Parquet)
    in a folder every worker can reach (docs/deploy.md)."""

    catalog: str  # a libpq connection string, e.g. "host=db.internal port=5432 dbname=dd_lake user=dd"
    data_path: Path

    @classmethod
    def of(cls, catalog: str, data_path: str) -> Lake | None:
        """The lake a resource's two text fields name, or None when the catalog is empty (the embedded file)."""
        return cls(catalog, Path(data_path)) if catalog else None

    @classmethod
    def from_env(cls) -> Lake | None:
        """DD_LAKE_CATALOG and DD_LAKE_DATA, or None (the embedded DuckDB file) when DD_LAKE_CATALOG is unset."""
        catalog = os.environ.get("DD_LAKE_CATALOG", "").strip()
        if not catalog:
            return None
        data = os.environ.get("DD_LAKE_DATA", "").strip()
        if not data:
            raise SettingsError(
                "DD_LAKE_CATALOG is set but DD_LAKE_DATA is not: set DD_LAKE_DATA to the shared folder that holds "
                "the warehouse's data files (see docs/deploy.md), or unset DD_LAKE_CATALOG for the embedded warehouse"
            )
        return cls(catalog, Path(data))


class SettingsError(ValueError):
    """A setting in the environment is missing or contradicts another."""


PG_URL_SCHEME = "postgresql+psycopg2://"


def dagster_pg_url() -> str:
    """DD_DAGSTER_PG_URL: the PostgreSQL database of a shared Dagster instance, or '' for the embedded one.

    Dagster's PostgreSQL storage works through the psycopg2 driver; SQLAlchemy 2.1 reads a bare postgresql://
    URL as psycopg 3, with which Dagster's run-event notifications fail, so the driver must be named."""
    url = os.environ.get("DD_DAGSTER_PG_URL", "").strip()
    if url and not url.startswith(PG_URL_SCHEME):
        scheme = url.split("://", 1)[0] + "://" if "://" in url else url[:20]
        raise SettingsError(
            f"DD_DAGSTER_PG_URL starts with {scheme!r}; expected {PG_URL_SCHEME}user@host:port/database "
            "(Dagster's PostgreSQL storage needs the psycopg2 driver named in the URL; see docs/deploy.md)"
        )
    return url


def warehouse_writers() -> int:
    """DD_WAREHOUSE_WRITERS: how many runs may write the shared warehouse at once (default 4)."""
    text = os.environ.get("DD_WAREHOUSE_WRITERS", "").strip() or "4"
    if not text.isdigit() or int(text) < 1:
        raise SettingsError(f"DD_WAREHOUSE_WRITERS is {text!r}; expected a whole number of at least 1")
    return int(text)


@dataclass(frozen=True)
class Settings:
    assets_dir: Path
    inputs_dir: Path
    outputs_dir: Path
    warehouse_path: Path
    lake: Lake | None = None  # set: the shared DuckLake warehouse instead of the file at warehouse_path
    clean_team_root: Path | None = None  # where clean-team deals without clean_team_outputs write

    @property
    def deals_dir(self) -> Path:
        return self.inputs_dir / "deals"

    @property
    def home_dir(self) -> Path:
        return self.inputs_dir / "home"

    def deal_dir(self, deal_id: str) -> Path:
        return self.deals_dir / deal_id

    def outputs_root(self, deal_id: str) -> Path:
        """The folder that holds the deal's output folder: the shared outputs folder, or the deal's clean-team
        root (dd_pipeline.clean_team; CleanTeamRefused when a clean-team deal has no usable one)."""
        from dd_pipeline.clean_team import clean_team_root

        return clean_team_root(self, deal_id) or self.outputs_dir

    def deal_outputs(self, deal_id: str) -> Path:
        """The one place a deal's output files go: outputs/<deal_id>/, or <clean-team root>/<deal_id>/."""
        return self.outputs_root(deal_id) / deal_id

    def is_clean_team(self, deal_id: str) -> bool:
        """True for a deal that deal.yaml makes, or may make, a clean-team deal: the shared pages leave it out."""
        from dd_pipeline.clean_team import declares_clean_team

        return declares_clean_team(self, deal_id)

    @classmethod
    def from_env(cls, root: Path | None = None) -> Settings:
        """DD_ASSETS, DD_INPUTS, DD_OUTPUTS and DD_WAREHOUSE override the defaults under the project root;
        DD_LAKE_CATALOG and DD_LAKE_DATA choose a shared warehouse instead of the file;
        DD_CLEAN_TEAM_ROOT (no default) is the folder of the clean-team deals (docs/clean-team.md)."""
        base = Path(os.environ.get("DD_ROOT", root or PROJECT_ROOT))
        outputs = Path(os.environ.get("DD_OUTPUTS", base / "outputs"))
        dagster_pg_url()  # refused here, before anything runs, when it is malformed
        warehouse_writers()
        clean_team = os.environ.get("DD_CLEAN_TEAM_ROOT", "").strip()
        return cls(
            assets_dir=Path(os.environ.get("DD_ASSETS", base / "assets")),
            inputs_dir=Path(os.environ.get("DD_INPUTS", base / "inputs")),
            outputs_dir=outputs,
            warehouse_path=Path(os.environ.get("DD_WAREHOUSE", outputs / "warehouse.duckdb")),
            lake=Lake.from_env(),
            clean_team_root=Path(clean_team) if clean_team else None,
        )

    @property
    def has_warehouse(self) -> bool:
        """True when there is a warehouse to read: the shared one always, the file once it exists."""
        return self.lake is not None or self.warehouse_path.is_file()
