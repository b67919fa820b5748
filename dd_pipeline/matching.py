"""Mitigations for findings: which strategies of the library a deal's findings call for, who owns them, and why.

A mitigation is *selected* when a finding at the selecting band (scoring.yaml, ``select_band``: high) or worse
triggers it, or when a trigger's conditions on the raw scores hold (e.g. either organization is a direct
competitor of the other): selected mitigations bring their clauses and launch tasks. A mitigation triggered only
by findings below the selecting band is *suggested*: listed for awareness, without clauses or tasks. Every
finding at the selecting band or worse is covered by a selected mitigation or listed as uncovered.

The two organizations are peers: nothing here depends on which one is called home. A mitigation owned by
``short_side`` is carried out by the organization its findings concern (the one that falls short, is seen
differently or disagrees internally); when its findings concern both, it is joint.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from dd_pipeline.findings import FindingView, describe, finding_views, party_names
from dd_pipeline.models import Band, FindingKind, Mitigation, SideCondition, Trigger
from dd_pipeline.playbook import Playbook

SIDES = ("home", "partner")


@dataclass(frozen=True)
class ScoreView:
    """Both organizations' scores on one dimension, on its own scale (for trigger conditions)."""

    dimension_id: str
    name: str
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
    # finding ids behind it; reasons holds their reasons first, in this order, then the conditions that fired
    findings: list[str] = field(default_factory=list)
    sides: set[str] = field(default_factory=set)  # organizations the triggering findings or conditions concern

    @property
    def owner_side(self) -> str:
        """home, partner or joint: who carries out the mitigation as a whole."""
        return resolve_owner(self.mitigation.owned_by, self.sides)


@dataclass
class MatchResult:
    matches: list[Match]
    uncovered: list[FindingView]

    @property
    def selected(self) -> list[Match]:
        return [m for m in self.matches if m.status == "selected"]


def resolve_owner(owner: str, sides: set[str]) -> str:
    """A mitigation's or task's owner (joint / short_side / other_side) as home, partner or joint."""
    if owner == "joint" or len(sides) != 1:
        return "joint"
    (side,) = sides
    if owner == "short_side":
        return side
    return "partner" if side == "home" else "home"


def score_views(gaps: pd.DataFrame) -> dict[str, ScoreView]:
    views = {}
    for r in gaps.itertuples():
        views[r.dimension_id] = ScoreView(
            dimension_id=r.dimension_id,
            name=r.dimension_name,
            home_score=None if pd.isna(r.home_score) else float(r.home_score),
            partner_score=None if pd.isna(r.partner_score) else float(r.partner_score),
        )
    return views


def _within(cond: SideCondition, value: float | None) -> bool:
    if value is None:
        return False
    if cond.at_least is not None and value < cond.at_least:
        return False
    return not (cond.at_most is not None and value > cond.at_most)


def _condition_holds(
    cond: SideCondition, scores: Mapping[str, ScoreView], parties: Mapping[str, str]
) -> tuple[set[str], str]:
    """(the organizations meeting the condition, the reason in words); no organizations when it fails."""
    view = scores.get(cond.dimension)
    if view is None:
        return set(), ""
    meeting = {side for side in SIDES if _within(cond, view.score(side))}
    if not meeting or (cond.side == "both" and len(meeting) < 2):
        return set(), ""
    bounds = " and ".join(
        b
        for b in (
            f"at least {cond.at_least:g}" if cond.at_least is not None else "",
            f"at most {cond.at_most:g}" if cond.at_most is not None else "",
        )
        if b
    )
    said = "; ".join(f"{parties[s]} scores {view.score(s):.1f}" for s in SIDES if s in meeting)
    return meeting, f"condition met on {view.name} ({bounds}): {said}"


@dataclass
class _Hit:
    status: str
    findings: list[FindingView]
    reasons: list[str]
    sides: set[str]
    condition_dimensions: list[str]


def _evaluate(
    trigger: Trigger,
    findings: list[FindingView],
    scores: Mapping[str, ScoreView],
    alliance_type: str,
    parties: Mapping[str, str],
    select_band: Band,
) -> _Hit | None:
    if trigger.alliance_types and alliance_type not in trigger.alliance_types:
        return None
    reasons: list[str] = []
    sides: set[str] = set()
    cond_dims: list[str] = []
    for cond in trigger.conditions:
        meeting, why = _condition_holds(cond, scores, parties)
        if not meeting:
            return None
        reasons.append(why)
        sides |= meeting
        cond_dims.append(cond.dimension)
    if not trigger.dimensions and not trigger.any_dimension and not trigger.network:
        if trigger.conditions:
            return _Hit("selected", [], reasons, sides, cond_dims)
        if trigger.alliance_types:
            return _Hit(
                "selected", [], [f"standard practice for {alliance_type.replace('_', ' ')} alliances"], set(), []
            )
        return None
    kinds = set(trigger.findings)
    hits = [
        f
        for f in findings
        if (
            ((trigger.any_dimension or f.dimension_id in trigger.dimensions) and f.kind in kinds)
            or (f.kind is FindingKind.network and f.dimension_id in trigger.network)  # dimension_id: the pattern
        )
        and f.band is not None
        and f.band.rank >= trigger.min_band.rank
    ]
    if not hits:
        return None
    status = "selected" if any(f.band and f.band.rank >= select_band.rank for f in hits) else "suggested"
    hits.sort(key=lambda f: (-f.severity, f.finding_id))
    for f in hits:
        reasons.append(f"{describe(f, parties)}: {f.band.value if f.band else '-'}, severity {f.severity:.1f}")
        # a finding of one organization concerns that one; a shared weakness or a difference concerns both
        sides |= {f.side} if f.side else set(SIDES)
    return _Hit(status, hits, reasons, sides, cond_dims)


_EFFORT_ORDER = {"low": 0, "medium": 1, "high": 2}


def match_mitigations(
    playbook: Playbook,
    findings: pd.DataFrame,
    gaps: pd.DataFrame,
    alliance_type: str,
    parties: Mapping[str, str] | None = None,
) -> MatchResult:
    """Match the library against one deal's findings (the findings table) and scores (the gaps table)."""
    names = dict(parties or party_names())
    select_band = playbook.scoring.select_band
    views = finding_views(findings)
    scores = score_views(gaps)
    matches: list[Match] = []
    by_id = {f.finding_id: f for f in views}
    for mitigation in playbook.mitigations:
        match: Match | None = None
        finding_reasons: list[str] = []
        condition_reasons: list[str] = []
        for trigger in mitigation.triggers:
            hit = _evaluate(trigger, views, scores, alliance_type, names, select_band)
            if hit is None:
                continue
            if match is None:
                match = Match(mitigation, hit.status)
            elif hit.status == "selected":
                match.status = "selected"
            match.sides |= hit.sides
            n_conditions = len(hit.reasons) - len(hit.findings)
            for f, reason in zip(hit.findings, hit.reasons[n_conditions:], strict=True):
                if f.finding_id not in match.findings:
                    match.findings.append(f.finding_id)
                    finding_reasons.append(reason)
                if f.dimension_id not in match.dimensions:
                    match.dimensions.append(f.dimension_id)
            for reason in hit.reasons[:n_conditions]:
                if reason not in condition_reasons:
                    condition_reasons.append(reason)
            for dim in hit.condition_dimensions:
                if dim not in match.dimensions:
                    match.dimensions.append(dim)
        if match is not None:
            # the reasons of the findings first, in the order of match.findings, then the conditions that fired
            match.reasons = finding_reasons + condition_reasons
            match.worst_severity = max((by_id[f].severity for f in match.findings), default=0.0)
            matches.append(match)

    def covered_high(m: Match) -> int:
        return sum(1 for f in m.findings if (b := by_id[f].band) is not None and b.rank >= select_band.rank)

    matches.sort(
        key=lambda m: (
            m.status != "selected",
            -m.worst_severity,
            -covered_high(m),
            _EFFORT_ORDER[m.mitigation.effort.value],
            m.mitigation.id,
        )
    )
    for i, m in enumerate(matches, start=1):
        m.rank = i
    covered = {f for m in matches if m.status == "selected" for f in m.findings}
    uncovered = sorted(
        (f for f in views if f.band is not None and f.band.rank >= select_band.rank and f.finding_id not in covered),
        key=lambda f: (-f.severity, f.finding_id),
    )
    return MatchResult(matches, uncovered)


def matches_frame(deal_id: str, result: MatchResult) -> pd.DataFrame:
    """One row per (mitigation, reason) for the warehouse: the chain back to the finding or condition."""
    rows = []
    for m in result.matches:
        n_findings = len(m.findings)
        reasons = m.reasons or [""]
        for i, reason in enumerate(reasons):
            finding = m.findings[i] if i < n_findings else None
            rows.append(
                {
                    "deal_id": deal_id,
                    "rank": m.rank,
                    "mitigation_id": m.mitigation.id,
                    "status": m.status,
                    "dimension_id": finding.split(":")[1] if finding else None,
                    "reason": reason,
                    "worst_severity": m.worst_severity,
                    "finding_id": finding,
                    "kind": finding.split(":")[0] if finding else None,
                    "owner_side": m.owner_side,
                    "sides": " ".join(sorted(m.sides)),
                    "position": i,
                    "dimensions": " ".join(m.dimensions),
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "deal_id",
            "rank",
            "mitigation_id",
            "status",
            "dimension_id",
            "reason",
            "worst_severity",
            "finding_id",
            "kind",
            "owner_side",
            "sides",
            "position",
            "dimensions",
        ],
    )


__all__ = [
    "FindingKind",
    "FindingView",
    "Match",
    "MatchResult",
    "ScoreView",
    "match_mitigations",
    "matches_frame",
    "resolve_owner",
    "score_views",
]
