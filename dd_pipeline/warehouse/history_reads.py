"""What the change report, ``dd-pipeline diff`` and the recovery of killed runs read: a deal as the warehouse
holds it now and as a recorded run left it (query text in sql/read/)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from dd_pipeline.warehouse.read_model import read_frame, read_row, read_rows

# --- the deal now -------------------------------------------------------------------------------------------


def _number(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _str(value: object) -> str | None:
    return None if value is None else str(value)


def live_outcome(con: duckdb.DuckDBPyConnection, deal_id: str) -> tuple[float | None, str | None] | None:
    """(risk_index, band) of the deal as scored now."""
    row = read_row(con, "changes_live_outcome", [deal_id])
    return None if row is None else (_number(row[0]), _str(row[1]))


def playbook_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    """The fingerprint of the playbook the warehouse holds."""
    row = read_row(con, "playbook_fingerprint")
    return _str(row[0]) if row else None


def live_mitigations(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """The deal's mitigations now: status, dimensions covered and reasons per mitigation."""
    return read_frame(con, "changes_live_mitigations", [deal_id])


def live_clauses(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """The deal's clauses now, each with a hash of its text."""
    return read_frame(con, "changes_live_clauses", [deal_id])


def live_tasks(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """The deal's launch tasks now (meetings left out)."""
    return read_frame(con, "changes_live_tasks", [deal_id])


# --- a recorded run -----------------------------------------------------------------------------------------


def run_outcome(
    con: duckdb.DuckDBPyConnection, deal_id: str, run_id: str
) -> tuple[float | None, str | None, str | None, str | None] | None:
    """(risk_index, band, playbook fingerprint, code fingerprint) of a recorded run."""
    row = read_row(con, "changes_run_outcome", [run_id, deal_id])
    return None if row is None else (_number(row[0]), _str(row[1]), _str(row[2]), _str(row[3]))


def run_mitigations(con: duckdb.DuckDBPyConnection, deal_id: str, run_id: str) -> pd.DataFrame:
    """A recorded run's mitigations."""
    return read_frame(con, "changes_run_mitigations", [run_id, deal_id])


def run_clauses(con: duckdb.DuckDBPyConnection, deal_id: str, run_id: str) -> pd.DataFrame:
    """A recorded run's clauses, each with the hash of its text."""
    return read_frame(con, "changes_run_clauses", [run_id, deal_id])


def run_tasks(con: duckdb.DuckDBPyConnection, deal_id: str, run_id: str) -> pd.DataFrame:
    """A recorded run's launch tasks (meetings left out)."""
    return read_frame(con, "changes_run_tasks", [run_id, deal_id])


def run_gaps(con: duckdb.DuckDBPyConnection, deal_id: str, run_id: str) -> pd.DataFrame:
    """A recorded run's gaps, main columns only (all a run recorded by an earlier version kept)."""
    return read_frame(con, "changes_run_gaps", [run_id, deal_id])


# --- names and runs -----------------------------------------------------------------------------------------


def dimension_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The name of every dimension of the playbook, by id."""
    return {str(d): str(n) for d, n in read_rows(con, "dimension_names")}


def party_short_names(con: duckdb.DuckDBPyConnection, deal_id: str) -> tuple[str, str] | None:
    """(home, partner) short names of an accepted deal, the full name where there is no short one."""
    row = read_row(con, "party_names", [deal_id])
    return (row[0], row[1]) if row else None  # type: ignore[return-value]


def partner_name(con: duckdb.DuckDBPyConnection, deal_id: str) -> str | None:
    """The partner's name of an accepted deal."""
    row = read_row(con, "partner_name", [deal_id])
    return row[0] if row else None  # type: ignore[return-value]


def latest_run_id(con: duckdb.DuckDBPyConnection, deal_id: str) -> str | None:
    """The id of the deal's latest recorded run."""
    row = read_row(con, "latest_run", [deal_id])
    return row[0] if row else None  # type: ignore[return-value]


def run_ids(con: duckdb.DuckDBPyConnection, deal_id: str) -> dict[int, str]:
    """The deal's recorded runs: sequence number -> run id, oldest first."""
    return dict(read_rows(con, "run_ids", [deal_id]))  # type: ignore[arg-type]


def run_times(con: duckdb.DuckDBPyConnection, deal_id: str) -> dict[int, dt.datetime]:
    """When each recorded run of the deal was recorded, by sequence number."""
    return dict(read_rows(con, "run_times", [deal_id]))  # type: ignore[arg-type]


def recorded_runs(con: duckdb.DuckDBPyConnection, run_ids: list[str]) -> set[tuple[str, str]]:
    """(deal_id, run_id) of those of ``run_ids`` that are recorded in the history."""
    return {(str(d), str(r)) for d, r in read_rows(con, "recorded_runs", [run_ids])}
