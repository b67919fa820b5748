"""What the share packs read, one function per table (query text in sql/read/share_*.sql). The partner pack's
queries name the organizations as the deal does and leave out what only the home team may see."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from dd_pipeline.warehouse.read_model import read_frame, read_row, read_rows


def organization_names(con: duckdb.DuckDBPyConnection, deal_id: str) -> tuple[str, str, str, str] | None:
    """(partner, partner short name, home, home short name) of an accepted deal; None before it is scored."""
    row = read_row(con, "share_names", [deal_id])
    return (str(row[0]), str(row[1]), str(row[2]), str(row[3])) if row else None


def joint_findings(con: duckdb.DuckDBPyConnection, deal_id: str, home: str, partner: str) -> pd.DataFrame:
    """Every finding but the home organization's own internal disagreement; ``home`` and ``partner`` name the
    side a finding concerns."""
    return read_frame(con, "share_findings", [home, partner, deal_id])


def home_only_findings(con: duckdb.DuckDBPyConnection, deal_id: str) -> set[str]:
    """The ids of the findings only the home team sees (its own internal disagreement)."""
    return {str(r[0]) for r in read_rows(con, "share_home_only_findings", [deal_id])}


def match_reasons(con: duckdb.DuckDBPyConnection, deal_id: str) -> list[tuple[str, str | None, str | None]]:
    """(mitigation_id, finding_id, reason) of every mitigation match, in the order of the matches."""
    return [(str(m), f, r) for m, f, r in read_rows(con, "share_match_reasons", [deal_id])]  # type: ignore[misc]


def category_scores(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """The category scores, highest first."""
    return read_frame(con, "share_categories", [deal_id])


def perception_gaps(con: duckdb.DuckDBPyConnection, deal_id: str, home: str, partner: str) -> pd.DataFrame:
    """The perception gaps, the organization rated named."""
    return read_frame(con, "share_perception", [home, partner, deal_id])


def partner_disagreement(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """The partner organization's internal disagreement."""
    return read_frame(con, "share_partner_disagreement", [deal_id])


def challenges(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """The likely execution challenges, ranked."""
    return read_frame(con, "share_challenges", [deal_id])


def shared_evidence(con: duckdb.DuckDBPyConnection, deal_id: str, home: str, partner: str) -> pd.DataFrame:
    """The evidence not marked internal, the organization it is about named."""
    return read_frame(con, "share_shared_evidence", [home, partner, deal_id])


def clauses(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """The drafted clauses (number, title, text, dimensions) in their numbered order."""
    return read_frame(con, "share_clauses", [deal_id])


def clause_problems(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """The clauses that could not be drafted, and why."""
    return read_frame(con, "share_clause_problems", [deal_id])


def findings_behind(con: duckdb.DuckDBPyConnection, deal_id: str, dimensions: list[str]) -> pd.DataFrame:
    """The gaps of ``dimensions`` (those the clauses rest on)."""
    return read_frame(con, "share_legal_findings", [deal_id, dimensions])


def evidence_behind(con: duckdb.DuckDBPyConnection, deal_id: str, dimensions: list[str]) -> pd.DataFrame:
    """The evidence on ``dimensions`` (those the clauses rest on), internal notes included and marked."""
    return read_frame(con, "share_legal_evidence", [deal_id, dimensions])


def all_answers(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """Every accepted answer of the deal."""
    return read_frame(con, "share_answers", [deal_id])


def all_evidence(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """Every piece of evidence of the deal."""
    return read_frame(con, "share_all_evidence", [deal_id])


def term_sheet_date(con: duckdb.DuckDBPyConnection, deal_id: str) -> dt.date:
    """The date the deal's term sheet was signed."""
    row = read_row(con, "term_sheet_date", [deal_id])
    if row is None:
        raise LookupError(f"deal {deal_id} has not been scored yet")
    return row[0]  # type: ignore[return-value]
