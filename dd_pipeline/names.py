"""Names every part of the tool shares and that need no models: deal ids, the two sides, the deal folders.

Standard library only, so the quick paths of the command line (a rerun with nothing to do) can use them
without importing pydantic, pandas or Dagster.
"""

from __future__ import annotations

import re
from enum import StrEnum

from dd_pipeline.settings import Settings

DEAL_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


class Side(StrEnum):
    home = "home"
    partner = "partner"

    @property
    def other(self) -> Side:
        return Side.partner if self is Side.home else Side.home


def deal_ids(settings: Settings) -> list[str]:
    """The deal folders under inputs/deals/, sorted (folders starting with '.' or '_' are skipped)."""
    if not settings.deals_dir.is_dir():
        return []
    return sorted(p.name for p in settings.deals_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
