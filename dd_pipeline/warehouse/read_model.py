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


def _rows(con: duckdb.DuckDBPyConnection, name: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
    return con.execute(query_text(f"read/{name}"), list(params)).fetchall()


def _row(con: duckdb.DuckDBPyConnection, name: str, params: Sequence[object] = ()) -> tuple[object, ...] | None:
    return con.execute(query_text(f"read/{name}"), list(params)).fetchone()


def _frame(con: duckdb.DuckDBPyConnection, name: str, params: Sequence[object] = ()) -> pd.DataFrame:
    return con.execute(query_text(f"read/{name}"), list(params)).df()


# --- inputs -------------------------------------------------------------------------------------------------


def stored_problems(con: duckdb.DuckDBPyConnection, deal_id: str, severity: str | None = None) -> list[InputProblem]:
    """The problems the last read of the deal's inputs found (only those of ``severity`` when given)."""
    return [InputProblem(*r) for r in _rows(con, "input_problems", [deal_id, severity])]  # type: ignore[arg-type]


def problems_frame(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """The same problems as a table (the dashboard's list)."""
    return _frame(con, "input_problems", [deal_id, None])


class AnswerCounts(NamedTuple):
    rows: int
    answered: int
    home_respondents: int
    partner_respondents: int


def answer_counts(con: duckdb.DuckDBPyConnection, deal_id: str) -> AnswerCounts:
    """The accepted answer rows of a deal: how many, how many answered, respondents per side."""
    row = _row(con, "answer_counts", [deal_id])
    return AnswerCounts(*(int(v) for v in row)) if row else AnswerCounts(0, 0, 0, 0)  # type: ignore[call-overload]


# --- scores ------------------------------------------------------------------------------------------------


def top_gaps(con: duckdb.DuckDBPyConnection, deal_id: str, count: int) -> pd.DataFrame:
    """rank, dimension_name, band, severity of the deal's first ``count`` gaps."""
    return _frame(con, "top_gaps", [deal_id, count])


def top_findings(con: duckdb.DuckDBPyConnection, deal_id: str, count: int) -> pd.DataFrame:
    """rank, kind, dimension_name, side, band, severity of the deal's first ``count`` findings."""
    return _frame(con, "top_findings", [deal_id, count])


def top_challenges(con: duckdb.DuckDBPyConnection, deal_id: str, count: int) -> pd.DataFrame:
    """challenge_id, title, likelihood of the ``count`` most likely execution challenges."""
    return _frame(con, "top_challenges", [deal_id, count])


def deal_score(con: duckdb.DuckDBPyConnection, deal_id: str) -> tuple[object, ...] | None:
    """(risk_index, band, critical_gaps, high_gaps) of a scored deal; None before it is scored."""
    return _row(con, "deal_score", [deal_id])


# --- drafting ----------------------------------------------------------------------------------------------


def uncovered_findings(con: duckdb.DuckDBPyConnection, deal_id: str) -> list[tuple[str, str]]:
    """(finding_id, band) of every finding at band high or worse that no mitigation covers."""
    return [(str(f), str(b)) for f, b in _rows(con, "uncovered_findings", [deal_id])]


def clause_problems(con: duckdb.DuckDBPyConnection, deal_id: str) -> list[tuple[str, str]]:
    """(clause_id, message) of every clause that could not be drafted."""
    return [(str(c), str(m)) for c, m in _rows(con, "clause_problems", [deal_id])]
