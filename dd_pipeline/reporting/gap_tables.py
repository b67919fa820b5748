"""The scored tables of one deal as CSV files an alliance manager opens in a spreadsheet."""

from __future__ import annotations

from pathlib import Path

import duckdb

from dd_pipeline.outputs import write_frame_csv
from dd_pipeline.warehouse.connection import frame

GAPS_SQL = """
SELECT g.rank, g.dimension_id AS dimension, g.dimension_name AS name, g.category_id AS category,
       g.band, g.severity, g.home_score, g.partner_score, d.scale_min, d.scale_max, g.direction,
       g.signed_gap, g.effective_gap, g.weight, g.confidence, g.home_n, g.partner_n, g.home_sd, g.partner_sd,
       g.home_basis, g.partner_basis, g.home_rag, g.partner_rag, g.evidence_count,
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
SELECT p.dimension_id AS dimension, p.rated_side, p.self_view, p.other_view, p.difference, p.self_n, p.other_n,
       p.flagged
FROM perception_gaps p JOIN playbook_dimensions d USING (dimension_id)
WHERE p.deal_id = ? ORDER BY abs(p.difference) DESC, d.sort_order, p.rated_side
"""

DISAGREEMENT_SQL = """
SELECT i.side, i.dimension_id AS dimension, i.spread, i.lowest_division, i.lowest_mean, i.highest_division,
       i.highest_mean, i.divisions, i.respondents, i.respondent_sd, i.flagged
FROM internal_disagreement i JOIN playbook_dimensions d USING (dimension_id)
WHERE i.deal_id = ? ORDER BY i.spread DESC, i.side, d.sort_order
"""

CHALLENGES_SQL = """
SELECT rank, challenge_id, title, challenge_group, costliest, likelihood, band, high_gaps, driving_dimensions
FROM likely_challenges WHERE deal_id = ? ORDER BY rank
"""

TABLES = {
    "gaps.csv": GAPS_SQL,
    "category_scores.csv": CATEGORY_SQL,
    "perception_gaps.csv": PERCEPTION_SQL,
    "internal_disagreement.csv": DISAGREEMENT_SQL,
    "challenges.csv": CHALLENGES_SQL,
}


def write_gap_tables(con: duckdb.DuckDBPyConnection, deal_id: str, folder: Path) -> list[Path]:
    written = []
    for name, sql in TABLES.items():
        path = folder / name
        write_frame_csv(path, frame(con, sql, [deal_id]))
        written.append(path)
    return written
