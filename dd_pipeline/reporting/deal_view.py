"""Everything one deal's dashboard shows, read from the warehouse in one short connection."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from dd_pipeline.models import Deal, HomeOrganization
from dd_pipeline.warehouse import dashboard_reads as reads
from dd_pipeline.warehouse.read_model import problems_frame
from dd_pipeline.warehouse.store import load_deal


@dataclass(frozen=True)
class DealView:
    deal_id: str
    deal: Deal
    home: HomeOrganization
    score: dict[str, object]
    input_fingerprint: str
    playbook_fingerprint: str
    rules: dict[str, float]
    gaps: pd.DataFrame
    findings: pd.DataFrame
    categories: pd.DataFrame
    perception: pd.DataFrame
    disagreement: pd.DataFrame
    challenges: pd.DataFrame
    matches: pd.DataFrame
    uncovered: pd.DataFrame
    clauses: pd.DataFrame
    clause_problems: pd.DataFrame
    tasks: pd.DataFrame
    problems: pd.DataFrame
    quarantine: pd.DataFrame
    respondents: pd.DataFrame
    history: pd.DataFrame
    history_gaps: pd.DataFrame

    @property
    def home_label(self) -> str:
        return self.home.short_name

    @property
    def partner_label(self) -> str:
        return self.deal.partner_label

    def side_label(self, side: str) -> str:
        return self.home_label if side == "home" else self.partner_label

    @property
    def parties(self) -> dict[str, str]:
        return {"home": self.home_label, "partner": self.partner_label}


def load_deal_view(con: duckdb.DuckDBPyConnection, deal_id: str) -> DealView:
    """The scored deal ``deal_id``; raises LookupError when it has not been scored."""
    deal, home = load_deal(con, deal_id)
    scores = reads.score(con, deal_id)
    score = scores.iloc[0].to_dict() if not scores.empty else {}
    fingerprints = reads.deal_fingerprints(con, deal_id)
    return DealView(
        deal_id=deal_id,
        deal=deal,
        home=home,
        score=score,
        rules=reads.scoring_rules(con),
        input_fingerprint=fingerprints[0],
        playbook_fingerprint=fingerprints[1],
        gaps=reads.gaps(con, deal_id),
        findings=reads.findings(con, deal_id),
        categories=reads.categories(con, deal_id),
        perception=reads.perception(con, deal_id),
        disagreement=reads.disagreement(con, deal_id),
        challenges=reads.challenges(con, deal_id),
        matches=reads.matches(con, deal_id),
        uncovered=reads.uncovered(con, deal_id),
        clauses=reads.clauses(con, deal_id),
        clause_problems=reads.clause_problems(con, deal_id),
        tasks=reads.tasks(con, deal_id),
        problems=problems_frame(con, deal_id),
        quarantine=reads.quarantine(con, deal_id),
        respondents=reads.respondents(con, deal_id),
        history=reads.history(con, deal_id),
        history_gaps=reads.history_gaps(con, deal_id),
    )
