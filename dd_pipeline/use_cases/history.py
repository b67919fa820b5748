"""After a deal's files are written: the change report, the run appended to the history, run.json, and the
publication of the run's files in place of the previous set."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from dd_pipeline.outputs import atomic_write_text
from dd_pipeline.publish import mark_recorded, publish
from dd_pipeline.reporting.changes import Changes, changes_frame, compare, render
from dd_pipeline.settings import Settings
from dd_pipeline.warehouse.connection import replace_rows, transactions
from dd_pipeline.warehouse.history import Snapshot, output_fingerprint, record_snapshot, run_fingerprints

CHANGE_COLUMNS = ["deal_id", "position", "section", "change"]


@dataclass(frozen=True)
class Snapshotted:
    changes: Changes
    change_rows: int
    snapshot: Snapshot
    run: dict[str, object]


def snapshot_deal(
    con: duckdb.DuckDBPyConnection, deal_id: str, run_id: str, folder: Path, recorded_at: dt.datetime
) -> Snapshotted:
    """Write changes.md into ``folder`` (what changed since the previous run), store the changes, append this
    run to the history tables, and describe the run as run.json will."""
    changes = compare(con, deal_id)
    atomic_write_text(folder / "changes.md", render(changes))
    rows = changes_frame(changes)
    rows.insert(0, "position", range(1, len(rows) + 1))
    rows.insert(0, "deal_id", deal_id)
    for attempt in transactions(con):
        with attempt:
            replace_rows(con, "deal_changes", deal_id, rows if not rows.empty else pd.DataFrame(columns=CHANGE_COLUMNS))
    outputs = output_fingerprint(folder)
    snapshot = record_snapshot(con, deal_id, run_id, recorded_at, outputs)
    run = run_record(con, deal_id, snapshot, changes)
    return Snapshotted(changes, len(rows), snapshot, run)


def run_record(con: duckdb.DuckDBPyConnection, deal_id: str, snapshot: Snapshot, changes: Changes) -> dict[str, object]:
    """The content of run.json: which run this was and the fingerprints of what it read and wrote."""
    fingerprints = run_fingerprints(con, snapshot.run_id, deal_id)
    return {
        "deal_id": deal_id,
        "run_id": snapshot.run_id,
        "sequence": snapshot.sequence,
        "recorded_at": snapshot.recorded_at.isoformat() + "Z",
        "input_fingerprint": fingerprints[0] if fingerprints else None,
        "playbook_fingerprint": fingerprints[1] if fingerprints else None,
        "code_fingerprint": snapshot.code_fingerprint,
        "output_fingerprint": snapshot.output_fingerprint,
        "changed": changes.first_run or changes.any,
    }


def publish_deal(settings: Settings, deal_id: str, run_id: str, folder: Path, run: dict[str, object]) -> Path:
    """Write run.json, mark the run recorded, and let the run's files replace the deal's previous set in one
    step; returns the deal's published folder."""
    atomic_write_text(folder / "run.json", json.dumps(run, indent=2) + "\n")
    mark_recorded(settings, deal_id, run_id)
    return publish(settings, deal_id, run_id)
