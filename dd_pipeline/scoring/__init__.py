"""Scoring in DuckDB: gaps, perception gaps, internal disagreement, the ranked findings of every kind,
rollups, the maturity profile of each side and likely challenges.

The scoring use cases (dd_pipeline/use_cases/scoring.py) run these steps. Each step replaces the deals' rows
of one table with the result of its named query in warehouse/sql/, inside one transaction, so a rerun gives the
same rows and a failure changes nothing.
"""

from __future__ import annotations

import duckdb

from dd_pipeline.warehouse.connection import run_named, run_script, transactions

SCORING_STEPS = (
    ("gaps", "gaps"),
    ("perception_gaps", "perception_gaps"),
    ("internal_disagreement", "internal_disagreement"),
    ("findings", "findings"),
    ("category_scores", "category_scores"),
    ("deal_scores", "deal_scores"),
    ("maturity_profile", "maturity_profile"),
    ("likely_challenges", "likely_challenges"),
)


def rescore_many(con: duckdb.DuckDBPyConnection, deal_ids: list[str], table: str) -> int:
    """Recompute ``table`` for several deals in one statement (a portfolio rerun)."""
    for attempt in transactions(con):
        with attempt:
            con.execute(f"DELETE FROM {table} WHERE list_contains(?, deal_id)", [deal_ids])
            run_named(con, table, [deal_ids])
            if table == "gaps":
                run_script(con, "apply_overrides", [deal_ids])
    row = con.execute(f"SELECT count(*) FROM {table} WHERE list_contains(?, deal_id)", [deal_ids]).fetchone()
    return int(row[0]) if row else 0
