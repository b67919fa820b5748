"""network.csv (one row per person with the network metrics) and network_findings.csv of one deal.

Written only for a deal with a roster (people.csv); when the roster is gone, the files are removed so that
no earlier network is shown as current. People are shown by their display name only when named=yes.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from dd_pipeline.outputs import write_frame_csv
from dd_pipeline.warehouse.network import network_frames

NETWORK_FILES = ("network.csv", "network_findings.csv")


def write_network_tables(con: duckdb.DuckDBPyConnection, deal_id: str, folder: Path) -> list[Path]:
    frames = network_frames(con, deal_id)
    if frames["people"].empty:
        for name in NETWORK_FILES:
            (folder / name).unlink(missing_ok=True)
        return []
    people, findings = folder / NETWORK_FILES[0], folder / NETWORK_FILES[1]
    write_frame_csv(people, frames["people"])
    write_frame_csv(findings, frames["findings"])
    return [people, findings]
