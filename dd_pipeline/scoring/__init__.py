"""Scoring in DuckDB: gaps, perception gaps, internal disagreement, the ranked findings of every kind,
rollups, the maturity profile of each side and likely challenges.

The scoring use cases (dd_pipeline/use_cases/scoring.py) run these steps. Each step replaces the deals' rows
of one table with the result of its named query in warehouse/sql/, inside one transaction, so a rerun gives the
same rows and a failure changes nothing. The three steps that read the answers read them aggregated once
(answer_views.sql): scoring many tables at once builds that once for all of them (``answer_views``), a single
step builds it for itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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
# The steps that read answer_views and division_views (answer_views.sql) instead of the answers table.
READ_ANSWER_VIEWS = frozenset({"gaps", "perception_gaps", "internal_disagreement"})


@contextmanager
def answer_views(con: duckdb.DuckDBPyConnection, deal_ids: list[str]) -> Iterator[None]:
    """The answers of ``deal_ids`` aggregated once (answer_views.sql) for the steps that read them; the two
    tables belong to this connection and are dropped on the way out."""
    try:
        run_script(con, "answer_views", [deal_ids])
        yield
    finally:
        con.execute("DROP TABLE IF EXISTS temp.answer_views")
        con.execute("DROP TABLE IF EXISTS temp.division_views")


def rescore_many(con: duckdb.DuckDBPyConnection, deal_ids: list[str], table: str, views_built: bool = False) -> int:
    """Recompute ``table`` for several deals in one statement (a portfolio rerun). ``views_built``: the caller
    holds ``answer_views(con, deal_ids)`` open, so a step that reads them does not build them again."""
    if table in READ_ANSWER_VIEWS and not views_built:
        with answer_views(con, deal_ids):
            return rescore_many(con, deal_ids, table, views_built=True)
    for attempt in transactions(con):
        with attempt:
            con.execute(f"DELETE FROM {table} WHERE list_contains(?, deal_id)", [deal_ids])
            run_named(con, table, [deal_ids])
            if table == "gaps":
                run_script(con, "apply_overrides", [deal_ids])
    row = con.execute(f"SELECT count(*) FROM {table} WHERE list_contains(?, deal_id)", [deal_ids]).fetchone()
    return int(row[0]) if row else 0
