"""What one deal's dashboard shows, one function per table it reads (query text in sql/read/dashboard_*.sql)."""

from __future__ import annotations

import duckdb
import pandas as pd

from dd_pipeline.warehouse.read_model import read_frame, read_row, read_rows


def deal_fingerprints(con: duckdb.DuckDBPyConnection, deal_id: str) -> tuple[str, str]:
    """(input fingerprint of the accepted deal, fingerprint of the warehouse's playbook); blanks when unknown."""
    row = read_row(con, "deal_fingerprints", [deal_id]) or ("", "")
    return str(row[0] or ""), str(row[1] or "")


def scoring_rules(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """The playbook's scoring rules by name (band limits, confidence settings)."""
    return {str(name): float(value) for name, value in read_rows(con, "scoring_rules")}  # type: ignore[arg-type]


def score(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """Every column of the deal's score row (none before it is scored)."""
    return read_frame(con, "dashboard_score", [deal_id])


def gaps(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """Every dimension's gap, with its labels, scale kind and category name, ranked."""
    return read_frame(con, "dashboard_gaps", [deal_id])


def findings(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """Every finding, with the scale of its dimension, ranked."""
    return read_frame(con, "dashboard_findings", [deal_id])


def categories(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """The category scores in the playbook's order of categories."""
    return read_frame(con, "dashboard_categories", [deal_id])


def perception(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """The perception gaps, largest difference first."""
    return read_frame(con, "dashboard_perception", [deal_id])


def disagreement(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """Internal disagreement where two or more divisions answered, widest spread first."""
    return read_frame(con, "dashboard_disagreement", [deal_id])


def challenges(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """The likely execution challenges with their descriptions, ranked."""
    return read_frame(con, "dashboard_challenges", [deal_id])


def matches(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """The mitigation matches, with the dimension's name and the band of each finding."""
    return read_frame(con, "dashboard_matches", [deal_id])


def uncovered(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """The findings at band high or worse no mitigation covers, worst first."""
    return read_frame(con, "dashboard_uncovered", [deal_id])


def clauses(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """The drafted clauses in their numbered order."""
    return read_frame(con, "dashboard_clauses", [deal_id])


def clause_problems(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """The clauses that could not be drafted, with the parameter each one misses."""
    return read_frame(con, "dashboard_clause_problems", [deal_id])


def tasks(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """The launch plan in the order of its dates."""
    return read_frame(con, "dashboard_tasks", [deal_id])


def quarantine(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """The rows the last read of the inputs set aside, and why."""
    return read_frame(con, "dashboard_quarantine", [deal_id])


def respondents(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """Respondents, answer rows and answers per side and division."""
    return read_frame(con, "dashboard_respondents", [deal_id])


def history(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """Every recorded run of the deal, oldest first."""
    return read_frame(con, "dashboard_history", [deal_id])


def history_gaps(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """The recorded severity and band of every gap in every run."""
    return read_frame(con, "dashboard_history_gaps", [deal_id])


# --- the CSV tables of a deal (gap_reports) -----------------------------------------------------------------


def gaps_csv(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """gaps.csv: every dimension's gap with every number behind its severity, ranked."""
    return read_frame(con, "csv_gaps", [deal_id])


def category_scores_csv(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """category_scores.csv: the category scores, highest first."""
    return read_frame(con, "csv_category", [deal_id])


def perception_gaps_csv(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """perception_gaps.csv: how each side sees itself against how the other side sees it."""
    return read_frame(con, "csv_perception", [deal_id])


def internal_disagreement_csv(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """internal_disagreement.csv: the spread among one organization's own divisions."""
    return read_frame(con, "csv_disagreement", [deal_id])


def findings_csv(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """findings.csv: every finding of the deal, ranked together."""
    return read_frame(con, "csv_findings", [deal_id])


def challenges_csv(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """challenges.csv: the likely execution challenges, ranked."""
    return read_frame(con, "csv_challenges", [deal_id])


# --- the portfolio page -------------------------------------------------------------------------------------


def portfolio_deals(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per accepted deal with the scores of its last recorded run and its run history, riskiest first."""
    return read_frame(con, "portfolio_deals")


def clean_team_deals(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The deals stored as clean-team deals (accepted or last staged with clean_team: true)."""
    return {str(row[0]) for row in read_rows(con, "clean_team_deals")}


def not_scored_deals(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The deals staged but never accepted, with their number of input errors."""
    return read_frame(con, "portfolio_not_scored")
