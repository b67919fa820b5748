"""Everything one deal's dashboard shows, read from the warehouse in one short connection."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from dd_pipeline.models import Deal, HomeOrganization
from dd_pipeline.warehouse.connection import frame
from dd_pipeline.warehouse.store import load_deal

GAPS_SQL = """
SELECT g.*, d.low_label, d.high_label, d.scale_kind, c.name AS category_name
FROM gaps g
JOIN playbook_dimensions d USING (dimension_id)
LEFT JOIN playbook_categories c ON c.category_id = g.category_id
WHERE g.deal_id = ?
ORDER BY g.rank NULLS LAST, d.sort_order
"""

CATEGORIES_SQL = """
SELECT s.*, d.name AS top_dimension_name
FROM category_scores s
JOIN playbook_categories c USING (category_id)
LEFT JOIN playbook_dimensions d ON d.dimension_id = s.top_dimension
WHERE s.deal_id = ?
ORDER BY c.sort_order
"""

PERCEPTION_SQL = """
SELECT p.*, d.name AS dimension_name, d.scale_min, d.scale_max, d.low_label, d.high_label
FROM perception_gaps p JOIN playbook_dimensions d USING (dimension_id)
WHERE p.deal_id = ?
ORDER BY abs(p.difference) DESC, d.sort_order, p.rated_side
"""

DISAGREEMENT_SQL = """
SELECT i.*, d.name AS dimension_name
FROM internal_disagreement i JOIN playbook_dimensions d USING (dimension_id)
WHERE i.deal_id = ? AND i.divisions >= 2  -- one division cannot disagree with itself
ORDER BY i.spread DESC NULLS LAST, i.side, d.sort_order
"""

CHALLENGES_SQL = """
SELECT l.*, c.description
FROM likely_challenges l LEFT JOIN playbook_challenges c USING (challenge_id)
WHERE l.deal_id = ?
ORDER BY l.rank
"""

MATCHES_SQL = """
SELECT m.rank, m.mitigation_id, m.status, m.dimension_id, m.reason, m.worst_severity, m.finding_id, m.kind,
       m.owner_side, m.sides, m.position, d.name AS dimension_name, f.band AS finding_band
FROM mitigation_matches m LEFT JOIN playbook_dimensions d USING (dimension_id)
LEFT JOIN findings f ON f.deal_id = m.deal_id AND f.finding_id = m.finding_id
WHERE m.deal_id = ?
ORDER BY m.rank, m.position
"""

UNCOVERED_SQL = """
SELECT u.dimension_id, u.band, u.severity, u.finding_id, u.kind, u.side, d.name AS dimension_name, f.detail
FROM uncovered_gaps u LEFT JOIN playbook_dimensions d USING (dimension_id)
LEFT JOIN findings f ON f.deal_id = u.deal_id AND f.finding_id = u.finding_id
WHERE u.deal_id = ?
ORDER BY u.severity DESC, u.finding_id
"""

FINDINGS_SQL = """
SELECT f.*, d.scale_min, d.scale_max, d.scale_kind
FROM findings f JOIN playbook_dimensions d USING (dimension_id)
WHERE f.deal_id = ?
ORDER BY f.rank
"""

RESPONDENTS_SQL = """
SELECT respondent_side AS side, coalesce(division, '(no division)') AS division,
       count(DISTINCT respondent_id) AS respondents, count(*) AS answers,
       count(*) FILTER (WHERE status = 'answered') AS answered
FROM answers WHERE deal_id = ?
GROUP BY ALL ORDER BY side, division
"""

HISTORY_SQL = """
SELECT run_id, sequence, recorded_at, risk_index, band, critical_gaps, high_gaps, uncovered_gaps
FROM run_history WHERE deal_id = ? ORDER BY sequence
"""

HISTORY_GAPS_SQL = """
SELECT h.run_id, r.sequence, r.recorded_at, h.dimension_id, h.severity, h.band
FROM history_gaps h JOIN run_history r ON r.run_id = h.run_id AND r.deal_id = h.deal_id
WHERE h.deal_id = ?
ORDER BY r.sequence, h.dimension_id
"""


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
    scores = frame(con, "SELECT * FROM deal_scores WHERE deal_id = ?", [deal_id])
    score = scores.iloc[0].to_dict() if not scores.empty else {}
    fingerprints = con.execute(
        "SELECT d.input_fingerprint, (SELECT max(fingerprint) FROM playbook_meta) FROM deals d WHERE d.deal_id = ?",
        [deal_id],
    ).fetchone() or ("", "")
    rules = {name: float(value) for name, value in con.execute("SELECT name, value FROM playbook_rules").fetchall()}
    return DealView(
        deal_id=deal_id,
        deal=deal,
        home=home,
        score=score,
        rules=rules,
        input_fingerprint=str(fingerprints[0] or ""),
        playbook_fingerprint=str(fingerprints[1] or ""),
        gaps=frame(con, GAPS_SQL, [deal_id]),
        findings=frame(con, FINDINGS_SQL, [deal_id]),
        categories=frame(con, CATEGORIES_SQL, [deal_id]),
        perception=frame(con, PERCEPTION_SQL, [deal_id]),
        disagreement=frame(con, DISAGREEMENT_SQL, [deal_id]),
        challenges=frame(con, CHALLENGES_SQL, [deal_id]),
        matches=frame(con, MATCHES_SQL, [deal_id]),
        uncovered=frame(con, UNCOVERED_SQL, [deal_id]),
        clauses=frame(
            con,
            "SELECT number, clause_id, title, text, reasons, mitigations, dimensions "
            "FROM clauses WHERE deal_id = ? ORDER BY number",
            [deal_id],
        ),
        clause_problems=frame(
            con,
            "SELECT clause_id, title, parameter, message FROM clause_problems "
            "WHERE deal_id = ? ORDER BY clause_id, parameter",
            [deal_id],
        ),
        tasks=frame(con, "SELECT * FROM launch_tasks WHERE deal_id = ? ORDER BY start_date, task_id", [deal_id]),
        problems=frame(
            con,
            "SELECT file, row_number, field, value, message, severity FROM input_problems "
            "WHERE deal_id = ? ORDER BY severity, file, row_number NULLS FIRST, field",
            [deal_id],
        ),
        quarantine=frame(
            con,
            "SELECT source_file, source_row, field, value, reason FROM quarantine "
            "WHERE deal_id = ? ORDER BY source_file, source_row, field",
            [deal_id],
        ),
        respondents=frame(con, RESPONDENTS_SQL, [deal_id]),
        history=frame(con, HISTORY_SQL, [deal_id]),
        history_gaps=frame(con, HISTORY_GAPS_SQL, [deal_id]),
    )
