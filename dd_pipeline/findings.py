"""Findings in words: one sentence per finding that names the organizations, the same wherever it is shown.

The warehouse's findings table (warehouse/sql/findings.sql) holds every finding of a deal: a difference on a
style dimension, a shortfall of either organization, a weakness both share, a perception gap, internal
disagreement. This module turns a row of it into a typed view and a sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dd_pipeline.models import Band, Deal, FindingKind, HomeOrganization

KIND_LABELS = {
    FindingKind.difference: "difference",
    FindingKind.shortfall: "shortfall",
    FindingKind.shared: "shared weakness",
    FindingKind.perception: "perception gap",
    FindingKind.disagreement: "internal disagreement",
    FindingKind.network: "network pattern",
}


@dataclass(frozen=True)
class FindingView:
    finding_id: str
    kind: FindingKind
    dimension_id: str
    name: str
    side: str | None  # the organization the finding concerns; None when it concerns both
    band: Band | None
    severity: float
    size_scale: float | None
    detail: str | None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def finding_views(findings: pd.DataFrame) -> list[FindingView]:
    views = []
    for r in findings.itertuples():
        views.append(
            FindingView(
                finding_id=r.finding_id,
                kind=FindingKind(r.kind),
                dimension_id=r.dimension_id,
                name=r.dimension_name,
                side=_text(r.side),
                band=Band(r.band) if isinstance(r.band, str) else None,
                severity=0.0 if pd.isna(r.severity) else float(r.severity),
                size_scale=None if pd.isna(r.size_scale) else float(r.size_scale),
                detail=_text(r.detail),
            )
        )
    return views


def party_names(home: str = "the home organization", partner: str = "the partner") -> dict[str, str]:
    return {"home": home, "partner": partner}


def deal_parties(deal: Deal, home: HomeOrganization) -> dict[str, str]:
    """side -> the short name the outputs use for it (the home organization's short name, the partner's)."""
    return party_names(str(home.short_name), str(deal.partner_label))


def other(side: str) -> str:
    return "partner" if side == "home" else "home"


def describe(f: Any, parties: Mapping[str, str]) -> str:
    """One sentence naming the organizations, e.g. 'Larkspur falls short of Northwind on Alliance team
    authority'. ``f`` is a FindingView or any row with kind, dimension_name (or name), side and detail."""
    kind = FindingKind(str(f.kind))
    name = str(getattr(f, "name", None) or f.dimension_name)
    side = _text(getattr(f, "side", None))
    detail = _text(getattr(f, "detail", None))
    home, partner = parties["home"], parties["partner"]
    if kind is FindingKind.difference:
        return f"{home} and {partner} differ on {name}"
    if kind is FindingKind.shared:
        return f"Both {home} and {partner} are weak on {name}"
    if kind is FindingKind.network:  # name: the pattern's title (network/patterns.py)
        return f"{parties[side] if side else 'Both organizations'}: {name}"
    if side is None:
        return f"{KIND_LABELS[kind]} on {name}"
    who, peer = parties[side], parties[other(side)]
    if kind is FindingKind.shortfall:
        return f"{who} falls short of {peer} on {name}"
    if kind is FindingKind.perception:
        return f"{peer} sees {who} differently from how {who} sees itself on {name}" + (
            f" ({detail})" if detail else ""
        )
    return f"{who}'s own divisions disagree on {name}" + (f" ({detail})" if detail else "")


def side_words(sides: set[str], parties: Mapping[str, str]) -> dict[str, str]:
    """The names a mitigation's text may use: {{ short_party }} and {{ other_party }}."""
    if len(sides) == 1:
        (side,) = sides
        return {"short_party": parties[side], "other_party": parties[other(side)]}
    return {"short_party": "each Party", "other_party": "the other Party"}


def render_side_text(text: str, sides: set[str], parties: Mapping[str, str]) -> str:
    """A mitigation's title, description or task title with the organizations named (sandboxed Jinja2;
    names are passed as data, so text in an organization's name never runs as template code)."""
    if "{{" not in text:
        return text
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
    return env.from_string(text).render(side_words(sides, parties))
