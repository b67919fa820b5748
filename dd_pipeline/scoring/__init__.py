"""Scoring in DuckDB: gaps, perception gaps, internal disagreement, the ranked findings of every kind,
rollups, the maturity profile of each side and likely challenges.

Each function replaces one deal's rows of one table with the result of its named query in
warehouse/sql/, inside one transaction, so a rerun gives the same rows and a failure changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

from dd_pipeline.warehouse.connection import run_named, run_script, transaction

if TYPE_CHECKING:
    from dd_pipeline.playbook import Playbook
    from dd_pipeline.settings import Settings

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


def rescore(con: duckdb.DuckDBPyConnection, deal_id: str, table: str) -> int:
    """Recompute ``table`` for one deal; returns the number of rows written."""
    return rescore_many(con, [deal_id], table)


def rescore_many(con: duckdb.DuckDBPyConnection, deal_ids: list[str], table: str) -> int:
    """Recompute ``table`` for several deals in one statement (a portfolio rerun)."""
    with transaction(con):
        con.execute(f"DELETE FROM {table} WHERE list_contains(?, deal_id)", [deal_ids])
        run_named(con, table, [deal_ids])
        if table == "gaps":
            run_script(con, "apply_overrides", [deal_ids])
    row = con.execute(f"SELECT count(*) FROM {table} WHERE list_contains(?, deal_id)", [deal_ids]).fetchone()
    return int(row[0]) if row else 0


def score_deal(con: duckdb.DuckDBPyConnection, deal_id: str) -> dict[str, int]:
    """Every scoring table for one deal, in dependency order (for callers outside Dagster)."""
    return score_deals(con, [deal_id])


def score_deals(con: duckdb.DuckDBPyConnection, deal_ids: list[str]) -> dict[str, int]:
    """Every scoring table for a set of deals, in dependency order."""
    return {table: rescore_many(con, deal_ids, query) for table, query in SCORING_STEPS}


def store_deal_network(con: duckdb.DuckDBPyConnection, settings: Settings, playbook: Playbook, deal_id: str) -> None:
    """The deal's network tables, as the network asset stores them (before findings, which ranks them in)."""
    from dd_pipeline.network.run import deal_network
    from dd_pipeline.warehouse.network import store_network

    _, net, found = deal_network(
        settings.deal_dir(deal_id), settings.inputs_dir.parent, playbook.network, playbook.scoring.bands
    )
    store_network(con, deal_id, net, found)


def ingest_and_score(con: duckdb.DuckDBPyConnection, settings, playbook, deal_id: str):  # type: ignore[no-untyped-def]
    """Read, stage, accept and score one deal with the same functions the assets call, without Dagster.

    Raises ProblemList when the deal's inputs have errors (nothing is accepted then).
    """
    from dd_pipeline.errors import ProblemList
    from dd_pipeline.intake import read_inputs
    from dd_pipeline.warehouse.store import promote_deal, stage_deal, store_playbook

    store_playbook(con, playbook)
    inputs = read_inputs(settings, deal_id, playbook)
    stage_deal(con, deal_id, inputs.intake, inputs.home, inputs.home_intake, inputs.fingerprint)
    if inputs.errors:
        raise ProblemList(inputs.errors)
    promote_deal(con, deal_id)
    store_deal_network(con, settings, playbook, deal_id)
    score_deal(con, deal_id)
    return inputs
