"""Run history: one snapshot per deal per run, appended to the history tables and never overwritten."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass

import duckdb
import pandas as pd

from dd_pipeline.fingerprints import RUN_FILES as RUN_FILES
from dd_pipeline.fingerprints import code_fingerprint
from dd_pipeline.fingerprints import output_fingerprint as output_fingerprint
from dd_pipeline.warehouse.connection import transactions


# Files that describe the run rather than the deal: run.json and changes.md in a deal's output folder, and the
# portfolio page outputs/index.html (it shows when each deal last ran).
@dataclass(frozen=True)
class Snapshot:
    run_id: str
    sequence: int
    recorded_at: dt.datetime
    input_fingerprint: str
    playbook_fingerprint: str
    code_fingerprint: str
    output_fingerprint: str


def latest_snapshot(con: duckdb.DuckDBPyConnection, deal_id: str) -> Snapshot | None:
    row = con.execute(
        "SELECT run_id, sequence, recorded_at, input_fingerprint, playbook_fingerprint, code_fingerprint, "
        "output_fingerprint FROM run_history WHERE deal_id = ? ORDER BY sequence DESC LIMIT 1",
        [deal_id],
    ).fetchone()
    return Snapshot(*row) if row else None


def record_snapshot(
    con: duckdb.DuckDBPyConnection, deal_id: str, run_id: str, recorded_at: dt.datetime, outputs: str
) -> Snapshot:
    """Append the deal's current scores, mitigations, clauses and tasks as one snapshot."""
    for attempt in transactions(con):
        with attempt:
            row = con.execute(
                "SELECT coalesce(max(sequence), 0) + 1 FROM run_history WHERE deal_id = ?", [deal_id]
            ).fetchone()
            sequence = int(row[0]) if row else 1
            params = [run_id, deal_id]
            con.execute(
                """
                INSERT INTO run_history
                SELECT $1, d.deal_id, $3, $4, d.input_fingerprint, (SELECT max(fingerprint) FROM playbook_meta), $5,
                       s.risk_index, s.band, s.critical_gaps, s.high_gaps,
                       (SELECT count(*) FROM uncovered_gaps WHERE deal_id = $2),
                       (SELECT count(*) FROM clauses WHERE deal_id = $2),
                       (SELECT count(*) FROM launch_tasks WHERE deal_id = $2 AND kind = 'task'), $6
                FROM deals d LEFT JOIN deal_scores s USING (deal_id) WHERE d.deal_id = $2""",
                [*params, sequence, recorded_at, outputs, code_fingerprint()],
            )
            con.execute(
                """
                INSERT INTO history_gaps SELECT $1, deal_id, dimension_id, home_score, partner_score, severity, band,
                       overridden FROM gaps WHERE deal_id = $2 ORDER BY dimension_id""",
                params,
            )
            con.execute(
                """
                INSERT INTO history_category_scores SELECT $1, deal_id, category_id, score, band
                FROM category_scores WHERE deal_id = $2 ORDER BY category_id""",
                params,
            )
            con.execute(
                """
                INSERT INTO history_mitigations (run_id, deal_id, mitigation_id, status, dimensions, reason)
                SELECT $1, deal_id, mitigation_id, min(status),
                       coalesce(string_agg(dimension_id, ' ' ORDER BY dimension_id), ''),
                       string_agg(reason, '; ' ORDER BY dimension_id)
                FROM mitigation_matches WHERE deal_id = $2 GROUP BY deal_id, mitigation_id ORDER BY mitigation_id""",
                params,
            )
            _append(con, "history_inputs", run_id, deal_id, live_inputs(con, deal_id))
            _append(con, "history_findings", run_id, deal_id, live_findings(con, deal_id))
            con.execute(
                """
                INSERT INTO history_clauses SELECT $1, deal_id, clause_id, title, sha256(text), reasons
                FROM clauses WHERE deal_id = $2 ORDER BY number""",
                params,
            )
            con.execute(
                """
                INSERT INTO history_tasks SELECT $1, deal_id, task_id, title, kind, start_date, end_date, origin
                FROM launch_tasks WHERE deal_id = $2 ORDER BY task_id""",
                params,
            )
    return Snapshot(run_id, sequence, recorded_at, "", "", code_fingerprint(), outputs)


# The findings compared from run to run: each table's key columns. Every other column is compared too.
FINDING_KEYS: dict[str, tuple[str, ...]] = {
    "gaps": ("dimension_id",),
    "perception_gaps": ("rated_side", "dimension_id"),
    "internal_disagreement": ("side", "dimension_id"),
    "network_ties": ("person_a", "person_b"),  # the communication network (network/analysis.py)
    "network_people": ("person_id",),
}
# The inputs compared from run to run: key columns, and columns that only say where a row was read.
INPUT_KEYS: dict[str, tuple[str, ...]] = {
    "answers": ("respondent_id", "rated_side", "dimension_id"),
    "evidence": ("dimension_id", "about_side", "observation"),
    "overrides": ("dimension_id",),
}
WHERE_READ = ("deal_id", "source_file", "source_row", "position", "norm_value")

Items = dict[str, dict[str, dict[str, object]]]  # kind -> key -> the row's columns


def _plain(value: object) -> object:
    """A cell as a JSON value: numbers, text, booleans, None; dates as ISO text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()  # numpy scalars
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dt.datetime | dt.date | pd.Timestamp):
        return (
            value.isoformat()[:10]
            if not isinstance(value, dt.datetime) or value.time() == dt.time()
            else value.isoformat()
        )
    return value


def _rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    deal_id: str,
    keys: tuple[str, ...],
    drop: tuple[str, ...] = ("deal_id",),
) -> dict[str, dict[str, object]]:
    data = con.execute(f"SELECT * FROM {table} WHERE deal_id = ?", [deal_id]).df()  # noqa: S608 - fixed names
    rows: dict[str, dict[str, object]] = {}
    for record in data.to_dict("records"):
        row = {k: _plain(v) for k, v in record.items() if k not in drop}
        key = json.dumps([row.get(k) for k in keys], ensure_ascii=False)
        rows[key] = row
    return rows


def _flatten(value: object, prefix: str, out: dict[str, dict[str, object]]) -> None:
    if isinstance(value, dict) and value:
        for k in sorted(value):
            _flatten(value[k], f"{prefix}.{k}" if prefix else str(k), out)
    elif isinstance(value, list) and value:
        for i, item in enumerate(value, start=1):
            _flatten(item, f"{prefix}[{i}]", out)
    else:
        out[prefix] = {"field": prefix, "value": value if value not in ({}, []) else None}


def live_inputs(con: duckdb.DuckDBPyConnection, deal_id: str) -> Items:
    """The deal's accepted inputs as the warehouse holds them now: answers, evidence, overrides, and the
    fields of deal.yaml and of the home organization."""
    items: Items = {kind: _rows(con, kind, deal_id, keys, WHERE_READ) for kind, keys in INPUT_KEYS.items()}
    fields: dict[str, dict[str, object]] = {}
    found = con.execute("SELECT deal_json, home_json FROM deals WHERE deal_id = ?", [deal_id]).fetchall()
    row = found[0] if found else None
    if row:
        _flatten(json.loads(row[0] or "{}"), "", fields)
        home: dict[str, dict[str, object]] = {}
        _flatten(json.loads(row[1] or "{}"), "", home)
        fields.update(
            {
                f"home organization: {k}": {"field": f"home organization: {k}", "value": v["value"]}
                for k, v in home.items()
            }
        )
    items["deal"] = fields
    return items


def live_findings(con: duckdb.DuckDBPyConnection, deal_id: str) -> Items:
    """The deal's findings as the warehouse holds them now, every column of every row."""
    return {table: _rows(con, table, deal_id, keys) for table, keys in FINDING_KEYS.items()}


def _append(con: duckdb.DuckDBPyConnection, table: str, run_id: str, deal_id: str, items: Items) -> None:
    rows = [
        (run_id, deal_id, kind, key, json.dumps(row, sort_keys=True, ensure_ascii=False))
        for kind, by_key in items.items()
        for key, row in sorted(by_key.items())
    ]
    if not rows:
        return
    incoming = pd.DataFrame(rows, columns=["run_id", "deal_id", "kind", "item_key", "row_json"])
    con.register("_history_rows", incoming)
    try:
        con.execute(f"INSERT INTO {table} SELECT * FROM _history_rows").fetchall()  # noqa: S608 - fixed names
    finally:
        con.unregister("_history_rows")


def recorded(con: duckdb.DuckDBPyConnection, table: str, run_id: str, deal_id: str) -> Items | None:
    """A run's recorded inputs or findings (``table`` history_inputs or history_findings); None when the run
    was recorded before these tables existed."""
    column = "kind" if table == "history_inputs" else "finding"
    found = con.execute(
        f"SELECT {column}, item_key, row_json FROM {table} WHERE run_id = ? AND deal_id = ?", [run_id, deal_id]
    ).fetchall()
    if not found:
        return None
    items: Items = {}
    for kind, key, row_json in found:
        items.setdefault(kind, {})[key] = json.loads(row_json)
    return items


def run_fingerprints(con: duckdb.DuckDBPyConnection, run_id: str, deal_id: str) -> tuple[str, str] | None:
    """(input fingerprint, playbook fingerprint) of a recorded run of a deal."""
    row = con.execute(
        "SELECT input_fingerprint, playbook_fingerprint FROM run_history WHERE run_id = ? AND deal_id = ?",
        [run_id, deal_id],
    ).fetchone()
    return (row[0], row[1]) if row else None
