"""The portfolio page outputs/index.html: every deal in the warehouse, riskiest first, each linked to its dashboard.

The page is shared across deals, so it never shows a clean-team deal (docs/clean-team.md): such a deal is
only counted, in one neutral line.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import yaml

import dd_pipeline
from dd_pipeline.outputs import atomic_write_text
from dd_pipeline.reporting import chart_style as style
from dd_pipeline.reporting import figures as fx
from dd_pipeline.reporting.dashboard import DASHBOARD, PLOTLY_JS, embed, environment, write_plotly_js
from dd_pipeline.settings import Settings
from dd_pipeline.warehouse import dashboard_reads as reads

INDEX = "index.html"


def portfolio_deals(con: duckdb.DuckDBPyConnection, hidden: Collection[str] = ()) -> pd.DataFrame:
    """One row per scored deal, riskiest first, without the deals in ``hidden``."""
    deals = reads.portfolio_deals(con)
    deals = deals[~deals["deal_id"].isin(list(hidden))].reset_index(drop=True)
    deals["label"] = [f"{p} ({d})" for p, d in zip(deals["partner_short"], deals["deal_id"], strict=True)]
    return deals


def clean_team_deals(con: duckdb.DuckDBPyConnection, settings: Settings) -> set[str]:
    """The deals no shared page shows: clean-team deals as the warehouse stored them or as their deal.yaml in
    inputs/deals/ says now (either is enough)."""
    from dd_pipeline.names import deal_ids

    return reads.clean_team_deals(con) | {d for d in deal_ids(settings) if settings.is_clean_team(d)}


def write_portfolio(
    con: duckdb.DuckDBPyConnection, settings: Settings, alliance_types: Mapping[str, str] | None = None
) -> Path:
    """Write outputs/index.html (and the shared plotly.min.js) from the warehouse; ``alliance_types`` gives
    the playbook's names of the alliance types (the id in words otherwise). Clean-team deals are left out."""
    hidden = clean_team_deals(con, settings)
    deals = portfolio_deals(con, hidden)
    not_scored = reads.not_scored_deals(con)
    not_scored = not_scored[~not_scored["deal_id"].isin(list(hidden))].reset_index(drop=True)
    rules = reads.scoring_rules(con)
    types = {t: (alliance_types or {}).get(t) or t.replace("_", " ").capitalize() for t in deals["alliance_type"]}
    linked = {d for d in deals["deal_id"] if (settings.deal_outputs(d) / DASHBOARD).is_file()}
    known = set(deals["deal_id"]) | set(not_scored["deal_id"]) | hidden
    page = render_portfolio(deals, not_scored, rules, types, linked, _waiting(settings, known), len(hidden))
    write_plotly_js(settings.outputs_dir)
    path = settings.outputs_dir / INDEX
    atomic_write_text(path, page)
    return path


def _waiting(settings: Settings, known: set[str]) -> list[tuple[str, str]]:
    """(deal id, partner) of the deal folders that wait for their first answers and were never scored."""
    from dd_pipeline.intake import deal_ids
    from dd_pipeline.models import DEAL_ID_PATTERN
    from dd_pipeline.reruns import waiting_for_answers

    found = []
    for deal_id in deal_ids(settings):
        if deal_id in known or not DEAL_ID_PATTERN.match(deal_id) or not waiting_for_answers(settings, deal_id):
            continue
        try:
            doc = yaml.safe_load((settings.deal_dir(deal_id) / "deal.yaml").read_text(encoding="utf-8"))
            partner = str(doc.get("partner") or "") if isinstance(doc, dict) else ""
        except (OSError, yaml.YAMLError, UnicodeDecodeError):
            partner = ""
        found.append((deal_id, partner))
    return found


def render_portfolio(
    deals: pd.DataFrame,
    not_scored: pd.DataFrame,
    rules: Mapping[str, float],
    alliance_types: Mapping[str, str],
    linked: set[str],
    waiting: list[tuple[str, str]] | None = None,
    clean_team: int = 0,
) -> str:
    return (
        environment()
        .get_template("portfolio.html.j2")
        .render(**portfolio_context(deals, not_scored, rules, alliance_types, linked, waiting, clean_team))
    )


def portfolio_context(
    deals: pd.DataFrame,
    not_scored: pd.DataFrame,
    rules: Mapping[str, float],
    alliance_types: Mapping[str, str],
    linked: set[str],
    waiting: list[tuple[str, str]] | None = None,
    clean_team: int = 0,
) -> dict[str, Any]:
    """What the page shows; ``clean_team`` is the number of clean-team deals left out (named nowhere)."""
    rows = []
    for r in deals.itertuples():
        band = r.band if isinstance(r.band, str) else None
        rows.append(
            {
                "deal_id": r.deal_id,
                "partner": r.partner,
                "short": r.partner_short,
                "href": f"{r.deal_id}/{DASHBOARD}" if r.deal_id in linked else None,
                "alliance_type": alliance_types.get(r.alliance_type, r.alliance_type),
                "risk": style.num(r.risk_index),
                "width": 0 if style.missing(r.risk_index) else round(float(r.risk_index), 1),
                "band": band,
                "critical": int(r.critical_gaps),
                "high": int(r.high_gaps),
                "uncovered": int(r.uncovered_gaps),
                "input_errors": int(r.input_errors),
                "last_run": "" if style.missing(r.last_run) else pd.Timestamp(r.last_run).strftime("%d %b %Y %H:%M"),
                "change": _change(r),
            }
        )
    counts = {band: sum(row["band"] == band for row in rows) for band in style.BANDS}
    figure = embed(fx.portfolio_risk(deals, rules), "fig-portfolio") if deals["risk_index"].notna().any() else None
    return {
        "version": getattr(dd_pipeline, "__version__", ""),
        "plotly_src": PLOTLY_JS,
        "deals": rows,
        "counts": counts,
        "critical_gaps": sum(row["critical"] for row in rows),
        "uncovered": sum(row["uncovered"] for row in rows),
        "figure": figure,
        "chart_top": min(25, len(rows)),
        "not_scored": [
            {"deal_id": r.deal_id, "partner": r.partner or "", "errors": int(r.input_errors)}
            for r in not_scored.itertuples()
        ]
        + [{"deal_id": d, "partner": p, "errors": 0} for d, p in waiting or []],
        "with_errors": sum(row["input_errors"] > 0 for row in rows),
        "clean_team": clean_team,
    }


def _change(r: Any) -> dict[str, str]:
    """Change of the risk index since the results before the current ones; 'first run' until there are any."""
    if int(r.runs) < 2:
        return {"text": "first run", "kind": "none"}
    if not r.has_previous or style.missing(r.previous_risk) or style.missing(r.last_risk):
        return {"text": "no change", "kind": "none"}
    delta = round(float(r.last_risk) - float(r.previous_risk), 1)
    if delta > 0:
        return {"text": f"▲ +{delta:.1f}", "kind": "up"}
    if delta < 0:
        return {"text": f"▼ {delta:.1f}", "kind": "down"}
    return {"text": "no change", "kind": "none"}
