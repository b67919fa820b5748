"""From accepted answers to every scoring table of a deal (or of many deals at once, as the benchmark and a
portfolio rerun do)."""

from __future__ import annotations

import duckdb

from dd_pipeline.scoring import SCORING_STEPS, answer_views, rescore_many

SCORING_TABLES = tuple(table for table, _ in SCORING_STEPS)


def score_table(con: duckdb.DuckDBPyConnection, table: str, deal_ids: list[str], views_built: bool = False) -> int:
    """Recompute one scoring table for ``deal_ids``; returns the number of rows written. ``views_built``: inside
    ``answer_views(con, deal_ids)``, whose aggregated answers the step then reads instead of building them."""
    return rescore_many(con, deal_ids, table, views_built)


def score_deals(con: duckdb.DuckDBPyConnection, deal_ids: list[str]) -> dict[str, int]:
    """Every scoring table for a set of accepted deals, in dependency order: rows written per table. The answers
    are read once, for the three tables computed from them."""
    with answer_views(con, deal_ids):
        return {table: score_table(con, query, deal_ids, views_built=True) for table, query in SCORING_STEPS}


def score_deal(con: duckdb.DuckDBPyConnection, deal_id: str) -> dict[str, int]:
    """Every scoring table for one accepted deal."""
    return score_deals(con, [deal_id])
