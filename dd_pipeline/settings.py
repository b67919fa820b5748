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

    @property
    def deals_dir(self) -> Path:
        return self.inputs_dir / "deals"

    @property
    def home_dir(self) -> Path:
        return self.inputs_dir / "home"

    def deal_dir(self, deal_id: str) -> Path:
        return self.deals_dir / deal_id

    def deal_outputs(self, deal_id: str) -> Path:
        return self.outputs_dir / deal_id

    @classmethod
    def from_env(cls, root: Path | None = None) -> Settings:
        """DD_ASSETS, DD_INPUTS, DD_OUTPUTS and DD_WAREHOUSE override the defaults under the project root."""
        base = Path(os.environ.get("DD_ROOT", root or PROJECT_ROOT))
        outputs = Path(os.environ.get("DD_OUTPUTS", base / "outputs"))
        return cls(
            assets_dir=Path(os.environ.get("DD_ASSETS", base / "assets")),
            inputs_dir=Path(os.environ.get("DD_INPUTS", base / "inputs")),
            outputs_dir=outputs,
            warehouse_path=Path(os.environ.get("DD_WAREHOUSE", outputs / "warehouse.duckdb")),
        )
