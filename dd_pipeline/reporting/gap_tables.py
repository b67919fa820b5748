"""The scored tables of one deal as CSV files an alliance manager opens in a spreadsheet."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import duckdb
import pandas as pd

from dd_pipeline.findings import describe, party_names
from dd_pipeline.maturity.profile import load_profile, maturity_table
from dd_pipeline.outputs import write_frame_csv
from dd_pipeline.reporting.network_tables import write_network_tables
from dd_pipeline.warehouse.connection import frame

GAPS_SQL = """
SELECT g.rank, g.dimension_id AS dimension, g.dimension_name AS name, g.category_id AS category,
       g.kind, g.short_side, g.band, g.severity, g.home_score, g.partner_score, d.scale_min, d.scale_max,
       g.direction, g.signed_gap, g.effective_gap, g.weight, g.confidence, g.size_factor, g.confidence_factor,
       g.home_goodness, g.partner_goodness, g.home_weak, g.partner_weak, g.home_n, g.partner_n, g.home_sd,
       g.partner_sd, g.home_basis, g.partner_basis, g.home_rag AS home_self_rag,
       g.home_other_score, g.home_other_rag, g.partner_rag AS partner_self_rag, g.partner_other_score,
       g.partner_other_rag, g.evidence_count,
       g.home_answers, g.partner_answers, g.overridden, g.computed_severity, g.computed_band,
       g.override_reason, g.override_author, g.override_date
FROM gaps g JOIN playbook_dimensions d USING (dimension_id)
WHERE g.deal_id = ?
ORDER BY g.rank NULLS LAST, d.sort_order
"""

CATEGORY_SQL = """
SELECT category_id AS category, category_name AS name, score, band, max_severity, critical_gaps, high_gaps,
       dimensions_scored, dimensions_total, home_mean, partner_mean, mean_abs_gap, top_dimension
FROM category_scores WHERE deal_id = ? ORDER BY score DESC NULLS LAST, category_id
"""

PERCEPTION_SQL = """
SELECT p.dimension_id AS dimension, d.name, p.rated_side, p.band, p.severity, p.self_view, p.other_view,
       p.difference_scale, p.difference, d.scale_min, d.scale_max, p.self_rag, p.other_rag, p.weight, p.confidence,
       p.self_n, p.other_n, p.flagged
FROM perception_gaps p JOIN playbook_dimensions d USING (dimension_id)
WHERE p.deal_id = ? ORDER BY p.severity DESC, abs(p.difference) DESC, d.sort_order, p.rated_side
"""

DISAGREEMENT_SQL = """
SELECT i.side, i.dimension_id AS dimension, d.name, i.band, i.severity, i.spread_scale, i.spread, d.scale_min,
       d.scale_max, i.lowest_division, i.lowest_mean, i.highest_division, i.highest_mean, i.divisions,
       i.respondents, i.respondent_sd, i.weight, i.confidence, i.flagged
FROM internal_disagreement i JOIN playbook_dimensions d USING (dimension_id)
WHERE i.deal_id = ? ORDER BY i.severity DESC NULLS LAST, i.spread DESC, i.side, d.sort_order
"""

FINDINGS_SQL = """
SELECT f.rank, f.finding_id, f.kind, f.dimension_id AS dimension, f.dimension_name, f.category_id AS category,
       f.side, f.band, f.severity, f.size_scale, f.size, d.scale_min, d.scale_max, f.weight, f.confidence,
       f.home_score, f.partner_score, f.detail, f.overridden
FROM findings f LEFT JOIN playbook_dimensions d USING (dimension_id)
WHERE f.deal_id = ? ORDER BY f.rank
"""

CHALLENGES_SQL = """
SELECT rank, challenge_id, title, challenge_group, costliest, likelihood, band, high_gaps, driving_dimensions
FROM likely_challenges WHERE deal_id = ? ORDER BY rank
"""

TABLES = {
    "findings.csv": FINDINGS_SQL,
    "gaps.csv": GAPS_SQL,
    "category_scores.csv": CATEGORY_SQL,
    "perception_gaps.csv": PERCEPTION_SQL,
    "internal_disagreement.csv": DISAGREEMENT_SQL,
    "challenges.csv": CHALLENGES_SQL,
}


def _with_words(name: str, df: pd.DataFrame, parties: dict[str, str]) -> pd.DataFrame:
    """The finding of each row in words, naming the organizations, as the second column."""
    if df.empty:
        return df.assign(finding=pd.Series(dtype="str"))
    if name == "findings.csv":
        words = [describe(r, parties) for r in df.itertuples()]
    elif name == "gaps.csv":
        words = [
            describe(SimpleNamespace(kind=r.kind, name=r.name, side=r.short_side), parties)
            if isinstance(r.kind, str) and r.severity == r.severity and r.severity is not None
            else ""
            for r in df.itertuples()
        ]
    elif name == "perception_gaps.csv":
        words = [
            describe(SimpleNamespace(kind="perception", name=r.name, side=r.rated_side, detail=None), parties)
            for r in df.itertuples()
        ]
    else:
        words = [
            describe(SimpleNamespace(kind="disagreement", name=r.name, side=r.side, detail=None), parties)
            for r in df.itertuples()
        ]
    out = df.copy()
    out.insert(2, "finding", words)
    return out


def write_gap_tables(con: duckdb.DuckDBPyConnection, deal_id: str, folder: Path) -> list[Path]:
    names = con.execute("SELECT home_short, partner_short FROM deals WHERE deal_id = ?", [deal_id]).fetchone()
    parties = party_names(*(names or ("home", "partner")))
    written = []
    for name, sql in TABLES.items():
        path = folder / name
        df = frame(con, sql, [deal_id])
        if name in WORDED:
            df = _with_words(name, df, parties)
        write_frame_csv(path, df)
        written.append(path)
    path = folder / MATURITY_CSV
    write_frame_csv(path, maturity_table(load_profile(con, deal_id), parties))
    written.append(path)
    return written + write_network_tables(con, deal_id, folder)


MATURITY_CSV = "maturity.csv"  # each side's maturity profile (dd_pipeline/maturity/profile.py)
WORDED = ("findings.csv", "gaps.csv", "perception_gaps.csv", "internal_disagreement.csv")
