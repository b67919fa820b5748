"""From a deal's findings to its mitigations, clauses and launch plan, each step a plain function over a
warehouse connection and the run's playbook."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from dd_pipeline.drafting.clauses import CADENCES, ClauseDraft, draft_clauses, effective_context
from dd_pipeline.drafting.documents import NoteFacts
from dd_pipeline.drafting.launch_plan import PlanTask, build_plan
from dd_pipeline.findings import deal_parties
from dd_pipeline.matching import MatchResult, match_mitigations
from dd_pipeline.models import Deal, HomeOrganization
from dd_pipeline.playbook import Playbook
from dd_pipeline.warehouse.drafts import (
    deal_evidence,
    deal_findings,
    deal_gaps,
    deal_scores_for_matching,
    load_matches,
    store_clauses,
    store_matches,
    store_plan,
)
from dd_pipeline.warehouse.store import load_deal


@dataclass(frozen=True)
class Matched:
    deal: Deal
    home: HomeOrganization
    parties: dict[str, str]
    result: MatchResult


@dataclass(frozen=True)
class Drafted:
    deal: Deal
    home: HomeOrganization
    draft: ClauseDraft
    facts: NoteFacts


@dataclass(frozen=True)
class Planned:
    deal: Deal
    home: HomeOrganization
    tasks: list[PlanTask]


def match_deal(con: duckdb.DuckDBPyConnection, playbook: Playbook, deal_id: str) -> Matched:
    """Match the mitigation library against the deal's stored findings and store the matches."""
    deal, home = load_deal(con, deal_id)
    parties = deal_parties(deal, home)
    result = match_mitigations(
        playbook, deal_findings(con, deal_id), deal_scores_for_matching(con, deal_id), deal.alliance_type, parties
    )
    store_matches(con, deal_id, result)
    return Matched(deal, home, parties, result)


def draft_deal(con: duckdb.DuckDBPyConnection, playbook: Playbook, deal_id: str) -> Drafted:
    """Draft the clauses the stored matches call for and store them, with the facts behind their notes."""
    deal, home = load_deal(con, deal_id)
    result = load_matches(con, deal_id, playbook)
    draft = draft_clauses(playbook, deal, home, result)
    store_clauses(con, deal_id, draft)
    facts = NoteFacts(
        deal_gaps(con, deal_id), deal_evidence(con, deal_id), deal_findings(con, deal_id), deal_parties(deal, home)
    )
    return Drafted(deal, home, draft, facts)


def plan_deal(con: duckdb.DuckDBPyConnection, playbook: Playbook, deal_id: str) -> Planned:
    """Build the 100-day launch plan from the seed and the stored matches, and store it."""
    deal, home = load_deal(con, deal_id)
    result = load_matches(con, deal_id, playbook)
    values = effective_context(playbook, deal, home, result)
    tasks = build_plan(playbook, deal, result, {k: values[k] for k in CADENCES}, deal_parties(deal, home), home=home)
    store_plan(con, deal_id, tasks)
    return Planned(deal, home, tasks)
