"""Where things are: one typed settings object, read from the environment with sane defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    assets_dir: Path
    inputs_dir: Path
    outputs_dir: Path
    warehouse_path: Path
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
        DD_CLEAN_TEAM_ROOT (no default) is the folder of the clean-team deals (docs/clean-team.md)."""
        base = Path(os.environ.get("DD_ROOT", root or PROJECT_ROOT))
        outputs = Path(os.environ.get("DD_OUTPUTS", base / "outputs"))
        clean_team = os.environ.get("DD_CLEAN_TEAM_ROOT", "").strip()
        return cls(
            assets_dir=Path(os.environ.get("DD_ASSETS", base / "assets")),
            inputs_dir=Path(os.environ.get("DD_INPUTS", base / "inputs")),
            outputs_dir=outputs,
            warehouse_path=Path(os.environ.get("DD_WAREHOUSE", outputs / "warehouse.duckdb")),
            clean_team_root=Path(clean_team) if clean_team else None,
        )
