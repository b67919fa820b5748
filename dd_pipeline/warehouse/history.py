"""Run history: one snapshot per deal per run, appended to the history tables and never overwritten."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb

import dd_pipeline
from dd_pipeline.warehouse.connection import transaction

# Files that describe the run rather than the deal: run.json and changes.md in a deal's output folder, and the
# portfolio page outputs/index.html (it shows when each deal last ran).
RUN_FILES = ("run.json", "changes.md", "index.html")


@cache
def code_fingerprint() -> str:
    """A hash of the package's code and SQL: a new version of the tool reruns every deal."""
    digest = hashlib.sha256()
    root = Path(dd_pipeline.__file__).parent
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".sql", ".j2", ".html", ".css")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def output_fingerprint(folder: Path) -> str:
    """A hash of a deal's output files (names and bytes), leaving out the run's own files."""
    digest = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
            if path.name in RUN_FILES:
                continue
            digest.update(path.name.encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


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
        "output_fingerprint FROM run_history WHERE deal_id = ? ORDER BY sequence DESC LIMIT 1", [deal_id]
    ).fetchone()
    return Snapshot(*row) if row else None


def record_snapshot(
    con: duckdb.DuckDBPyConnection, deal_id: str, run_id: str, recorded_at: dt.datetime, outputs: str
) -> Snapshot:
    """Append the deal's current scores, mitigations, clauses and tasks as one snapshot."""
    with transaction(con):
        row = con.execute("SELECT coalesce(max(sequence), 0) + 1 FROM run_history WHERE deal_id = ?",
                          [deal_id]).fetchone()
        sequence = int(row[0]) if row else 1
        params = [run_id, deal_id]
        con.execute("""
            INSERT INTO run_history
            SELECT $1, d.deal_id, $3, $4, d.input_fingerprint, (SELECT max(fingerprint) FROM playbook_meta), $5,
                   s.risk_index, s.band, s.critical_gaps, s.high_gaps,
                   (SELECT count(*) FROM uncovered_gaps WHERE deal_id = $2),
                   (SELECT count(*) FROM clauses WHERE deal_id = $2),
                   (SELECT count(*) FROM launch_tasks WHERE deal_id = $2 AND kind = 'task'), $6
            FROM deals d LEFT JOIN deal_scores s USING (deal_id) WHERE d.deal_id = $2""",
                    [*params, sequence, recorded_at, outputs, code_fingerprint()])
        con.execute("""
            INSERT INTO history_gaps SELECT $1, deal_id, dimension_id, home_score, partner_score, severity, band,
                   overridden FROM gaps WHERE deal_id = $2 ORDER BY dimension_id""", params)
        con.execute("""
            INSERT INTO history_category_scores SELECT $1, deal_id, category_id, score, band
            FROM category_scores WHERE deal_id = $2 ORDER BY category_id""", params)
        con.execute("""
            INSERT INTO history_mitigations
            SELECT $1, deal_id, mitigation_id, min(status),
                   coalesce(string_agg(dimension_id, ' ' ORDER BY dimension_id), '')
            FROM mitigation_matches WHERE deal_id = $2 GROUP BY deal_id, mitigation_id ORDER BY mitigation_id""",
                    params)
        con.execute("""
            INSERT INTO history_clauses SELECT $1, deal_id, clause_id, title, sha256(text), reasons
            FROM clauses WHERE deal_id = $2 ORDER BY number""", params)
        con.execute("""
            INSERT INTO history_tasks SELECT $1, deal_id, task_id, title, kind, start_date, end_date, origin
            FROM launch_tasks WHERE deal_id = $2 ORDER BY task_id""", params)
    return Snapshot(run_id, sequence, recorded_at, "", "", code_fingerprint(), outputs)
