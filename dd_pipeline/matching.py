"""Mitigations for gaps: which strategies of the library a deal's gaps call for, and why.

A mitigation is *selected* when a gap at band high or worse triggers it, or when a trigger's conditions on
the raw scores hold (e.g. the partner is a direct competitor): selected mitigations bring their clauses
and launch tasks. A mitigation triggered only by moderate gaps is *suggested*: listed for awareness,
without clauses or tasks. Every gap at band high or worse is covered by a selected mitigation or listed
as uncovered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from dd_pipeline.models import Band, Mitigation, SideCondition, Trigger
from dd_pipeline.playbook import Playbook

SELECTING_BAND = Band.high


@dataclass(frozen=True)
class GapView:
    """The parts of a gap row that matching reads."""

    dimension_id: str
    name: str
    band: Band | None
    severity: float | None
    home_score: float | None
    partner_score: float | None

    def score(self, side: str) -> float | None:
        return self.home_score if side == "home" else self.partner_score


@dataclass
class Match:
    mitigation: Mitigation
    status: str  # selected / suggested
    dimensions: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    worst_severity: float = 0.0
    rank: int = 0


@dataclass
class MatchResult:
    matches: list[Match]
    uncovered: list[GapView]

    @property
    def selected(self) -> list[Match]:
        return [m for m in self.matches if m.status == "selected"]


def gap_views(gaps: pd.DataFrame) -> dict[str, GapView]:
    views = {}
    for r in gaps.itertuples():
        views[r.dimension_id] = GapView(
            dimension_id=r.dimension_id,
            name=r.dimension_name,
            band=Band(r.band) if isinstance(r.band, str) else None,
            severity=None if pd.isna(r.severity) else float(r.severity),
            home_score=None if pd.isna(r.home_score) else float(r.home_score),
            partner_score=None if pd.isna(r.partner_score) else float(r.partner_score),
        )
    return views


def _condition_holds(cond: SideCondition, gaps: dict[str, GapView]) -> tuple[bool, str]:
    gap = gaps.get(cond.dimension)
    value = gap.score(cond.side) if gap else None
    if value is None:
        return False, ""
    if cond.at_least is not None and value < cond.at_least:
        return False, ""
    if cond.at_most is not None and value > cond.at_most:
        return False, ""
    bounds = " and ".join(
        b for b in (f"at least {cond.at_least:g}" if cond.at_least is not None else "",
                    f"at most {cond.at_most:g}" if cond.at_most is not None else "") if b
    )
    return True, f"{cond.side} scores {value:.1f} on {gap.name if gap else cond.dimension} ({bounds})"


def _evaluate(
    trigger: Trigger, gaps: dict[str, GapView], alliance_type: str
) -> tuple[str | None, list[str], list[str]]:
    """(status or None, dimensions, reasons) for one trigger."""
    if trigger.alliance_types and alliance_type not in trigger.alliance_types:
        return None, [], []
    reasons, dims = [], []
    for cond in trigger.conditions:
        holds, why = _condition_holds(cond, gaps)
        if not holds:
            return None, [], []
        reasons.append(why)
        dims.append(cond.dimension)
    if not trigger.dimensions:
        if trigger.conditions:
            return "selected", dims, reasons
        if trigger.alliance_types:
            return "selected", [], [f"standard practice for {alliance_type.replace('_', ' ')} alliances"]
        return None, [], []
    hits = [
        gaps[d] for d in trigger.dimensions
        if d in gaps and gaps[d].band is not None and gaps[d].band.rank >= trigger.min_band.rank
    ]
    if not hits:
        return None, [], []
    status = "selected" if any(g.band and g.band.rank >= SELECTING_BAND.rank for g in hits) else "suggested"
    for g in sorted(hits, key=lambda g: (-(g.severity or 0), g.dimension_id)):
        dims.append(g.dimension_id)
        reasons.append(
            f"{g.name} gap is {g.band.value if g.band else '-'} (severity {g.severity:.1f}; "
            f"home {_fmt(g.home_score)}, partner {_fmt(g.partner_score)})"
        )
    return status, dims, reasons


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


_EFFORT_ORDER = {"low": 0, "medium": 1, "high": 2}


def match_mitigations(playbook: Playbook, gaps: pd.DataFrame, alliance_type: str) -> MatchResult:
    views = gap_views(gaps)
    matches: list[Match] = []
    for mitigation in playbook.mitigations:
        match: Match | None = None
        for trigger in mitigation.triggers:
            status, dims, reasons = _evaluate(trigger, views, alliance_type)
            if status is None:
                continue
            if match is None:
                match = Match(mitigation, status)
            elif status == "selected":
                match.status = "selected"
            for d, r in zip(dims, reasons, strict=False):
                if d not in match.dimensions:
                    match.dimensions.append(d)
                    match.reasons.append(r)
            for r in reasons[len(dims):]:
                if r not in match.reasons:
                    match.reasons.append(r)
        if match is not None:
            match.worst_severity = max((views[d].severity or 0 for d in match.dimensions if d in views), default=0)
            matches.append(match)

    def covered_high(m: Match) -> int:
        return sum(1 for d in m.dimensions if views[d].band and views[d].band.rank >= SELECTING_BAND.rank)

    matches.sort(key=lambda m: (
        m.status != "selected", -m.worst_severity, -covered_high(m), _EFFORT_ORDER[m.mitigation.effort.value],
        m.mitigation.id,
    ))
    for i, m in enumerate(matches, start=1):
        m.rank = i
    covered = {d for m in matches if m.status == "selected" for d in m.dimensions}
    uncovered = sorted(
        (g for g in views.values()
         if g.band is not None and g.band.rank >= SELECTING_BAND.rank and g.dimension_id not in covered),
        key=lambda g: (-(g.severity or 0), g.dimension_id),
    )
    return MatchResult(matches, uncovered)


def matches_frame(deal_id: str, result: MatchResult) -> pd.DataFrame:
    """One row per (mitigation, dimension) it covers, for the warehouse; the chain back to the gap."""
    rows = []
    for m in result.matches:
        dims = m.dimensions or [None]
        reasons = m.reasons or [""]
        for i, dim in enumerate(dims):
            rows.append({
                "deal_id": deal_id, "rank": m.rank, "mitigation_id": m.mitigation.id, "status": m.status,
                "dimension_id": dim, "reason": reasons[i] if i < len(reasons) else "; ".join(reasons),
                "worst_severity": m.worst_severity,
            })
    return pd.DataFrame(rows, columns=["deal_id", "rank", "mitigation_id", "status", "dimension_id", "reason",
                                       "worst_severity"])
