"""The questions reports, checks and commands ask of the warehouse, one function per question.

The query text lives in sql/read/<name>.sql; reporting code calls these functions and writes no SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import duckdb
import pandas as pd

from dd_pipeline.errors import InputProblem
from dd_pipeline.warehouse.connection import query_text


def read_rows(con: duckdb.DuckDBPyConnection, name: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
    """Every row of the query sql/read/<name>.sql."""
    return con.execute(query_text(f"read/{name}"), list(params)).fetchall()


def read_row(con: duckdb.DuckDBPyConnection, name: str, params: Sequence[object] = ()) -> tuple[object, ...] | None:
    """The first row of the query sql/read/<name>.sql, None when there is none."""
    return con.execute(query_text(f"read/{name}"), list(params)).fetchone()


def read_frame(con: duckdb.DuckDBPyConnection, name: str, params: Sequence[object] = ()) -> pd.DataFrame:
    """The result of the query sql/read/<name>.sql as a DataFrame."""
    return con.execute(query_text(f"read/{name}"), list(params)).df()


# --- inputs -------------------------------------------------------------------------------------------------


def stored_problems(con: duckdb.DuckDBPyConnection, deal_id: str, severity: str | None = None) -> list[InputProblem]:
    """The problems the last read of the deal's inputs found (only those of ``severity`` when given)."""
    return [InputProblem(*r) for r in read_rows(con, "input_problems", [deal_id, severity])]  # type: ignore[arg-type]


def problems_frame(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """The same problems as a table (the dashboard's list)."""
    return read_frame(con, "input_problems", [deal_id, None])


class AnswerCounts(NamedTuple):
    rows: int
    answered: int
    home_respondents: int
    partner_respondents: int


def answer_counts(con: duckdb.DuckDBPyConnection, deal_id: str) -> AnswerCounts:
    """The accepted answer rows of a deal: how many, how many answered, respondents per side."""
    row = read_row(con, "answer_counts", [deal_id])
    return AnswerCounts(*(int(v) for v in row)) if row else AnswerCounts(0, 0, 0, 0)  # type: ignore[call-overload]


# --- scores ------------------------------------------------------------------------------------------------


def top_gaps(con: duckdb.DuckDBPyConnection, deal_id: str, count: int) -> pd.DataFrame:
    """rank, dimension_name, band, severity of the deal's first ``count`` gaps."""
    return read_frame(con, "top_gaps", [deal_id, count])


def top_findings(con: duckdb.DuckDBPyConnection, deal_id: str, count: int) -> pd.DataFrame:
    """rank, kind, dimension_name, side, band, severity of the deal's first ``count`` findings."""
    return read_frame(con, "top_findings", [deal_id, count])


def top_challenges(con: duckdb.DuckDBPyConnection, deal_id: str, count: int) -> pd.DataFrame:
    """challenge_id, title, likelihood of the ``count`` most likely execution challenges."""
    return read_frame(con, "top_challenges", [deal_id, count])


def deal_score(con: duckdb.DuckDBPyConnection, deal_id: str) -> tuple[float | None, str | None, int, int] | None:
    """(risk_index, band, critical_gaps, high_gaps) of a scored deal; None before it is scored."""
    row = read_row(con, "deal_score", [deal_id])
    if row is None:
        return None
    risk, band, critical, high = row
    return (
        None if risk is None else float(risk),  # type: ignore[arg-type]
        None if band is None else str(band),
        int(critical or 0),  # type: ignore[call-overload]
        int(high or 0),  # type: ignore[call-overload]
    )


# --- drafting ----------------------------------------------------------------------------------------------


def uncovered_findings(con: duckdb.DuckDBPyConnection, deal_id: str) -> list[tuple[str, str]]:
    """(finding_id, band) of every finding at band high or worse that no mitigation covers."""
    return [(str(f), str(b)) for f, b in read_rows(con, "uncovered_findings", [deal_id])]


def clause_problems(con: duckdb.DuckDBPyConnection, deal_id: str) -> list[tuple[str, str]]:
    """(clause_id, message) of every clause that could not be drafted."""
    return [(str(c), str(m)) for c, m in read_rows(con, "clause_problems", [deal_id])]


# --- the terminal summary ----------------------------------------------------------------------------------


class DealNames(NamedTuple):
    partner: str
    alliance_type: str
    home_short: str
    partner_short: str


def deal_names(con: duckdb.DuckDBPyConnection, deal_id: str) -> DealNames | None:
    """The partner, alliance type and short names of both organizations; None before the deal is accepted."""
    row = read_row(con, "deal_names", [deal_id])
    return DealNames(*row) if row else None  # type: ignore[arg-type]


def deal_score_summary(con: duckdb.DuckDBPyConnection, deal_id: str) -> tuple[object, ...] | None:
    """(risk_index, band, critical_gaps, high_gaps, dimensions_scored, dimensions_total) of a scored deal."""
    return read_row(con, "deal_score_summary", [deal_id])


def ranked_findings(con: duckdb.DuckDBPyConnection, deal_id: str, top: int) -> pd.DataFrame:
    """The deal's first ``top`` findings, with the scale of each finding's dimension."""
    return read_frame(con, "ranked_findings", [deal_id, top])


def drafting_counts(con: duckdb.DuckDBPyConnection, deal_id: str) -> tuple[object, ...] | None:
    """(mitigations selected, high findings uncovered, clauses, launch tasks, milestones) of a deal."""
    return read_row(con, "drafting_counts", [deal_id])


def quarantine_counts(con: duckdb.DuckDBPyConnection, deal_ids: list[str]) -> tuple[int, int]:
    """(rows, whole files) the last read of these deals set aside in the quarantine table."""
    row = read_row(con, "quarantine_counts", [deal_ids])
    return (int(row[0]), int(row[1])) if row else (0, 0)  # type: ignore[call-overload]


# --- staged inputs (what the expectation suites check) -----------------------------------------------------


def staged_deal_json(con: duckdb.DuckDBPyConnection, deal_id: str) -> str | None:
    """deal.yaml as the last read staged it (JSON); None when it could not be read."""
    row = read_row(con, "staged_deal", [deal_id])
    return str(row[0]) if row and row[0] else None


def staged_answers(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """The staged answers with each dimension's scale and the answer on a 0-1 scale, in file and row order."""
    return read_frame(con, "staged_answers", [deal_id])


def staged_evidence(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """The staged evidence (source_file, source_row, dimension_id, about_side, kind, observation)."""
    return read_frame(con, "staged_evidence", [deal_id])
