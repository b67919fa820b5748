"""The scored tables of one deal as CSV files an alliance manager opens in a spreadsheet."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pandas as pd

from dd_pipeline.findings import describe, party_names
from dd_pipeline.maturity.profile import load_profile, maturity_table
from dd_pipeline.outputs import write_frame_csv
from dd_pipeline.reporting.network_tables import write_network_tables
from dd_pipeline.warehouse import dashboard_reads as reads
from dd_pipeline.warehouse.read_model import deal_names

TABLES: dict[str, Callable[[duckdb.DuckDBPyConnection, str], pd.DataFrame]] = {
    "findings.csv": reads.findings_csv,
    "gaps.csv": reads.gaps_csv,
    "category_scores.csv": reads.category_scores_csv,
    "perception_gaps.csv": reads.perception_gaps_csv,
    "internal_disagreement.csv": reads.internal_disagreement_csv,
    "challenges.csv": reads.challenges_csv,
}


def _with_words(name: str, df: pd.DataFrame, parties: dict[str, str]) -> pd.DataFrame:
    """The finding of each row in words, naming the organizations, as the second column."""
    if df.empty:
        return df.assign(finding=pd.Series(dtype="str"))
    if name == "findings.csv":
        words = [describe(r, parties) for r in df.itertuples()]
    elif name == "gaps.csv":
        words = [
            describe(SimpleNamespace(kind=r.kind, name=r.name, side=r.short_side), parties)
            if isinstance(r.kind, str) and r.severity == r.severity and r.severity is not None
            else ""
            for r in df.itertuples()
        ]
    elif name == "perception_gaps.csv":
        words = [
            describe(SimpleNamespace(kind="perception", name=r.name, side=r.rated_side, detail=None), parties)
            for r in df.itertuples()
        ]
    else:
        words = [
            describe(SimpleNamespace(kind="disagreement", name=r.name, side=r.side, detail=None), parties)
            for r in df.itertuples()
        ]
    out = df.copy()
    out.insert(2, "finding", words)
    return out


def write_gap_tables(con: duckdb.DuckDBPyConnection, deal_id: str, folder: Path) -> list[Path]:
    names = deal_names(con, deal_id)
    parties = party_names(*((names.home_short, names.partner_short) if names else ("home", "partner")))
    written = []
    for name, read in TABLES.items():
        path = folder / name
        df = read(con, deal_id)
        if name in WORDED:
            df = _with_words(name, df, parties)
        write_frame_csv(path, df)
        written.append(path)
    path = folder / MATURITY_CSV
    write_frame_csv(path, maturity_table(load_profile(con, deal_id), parties))
    written.append(path)
    return written + write_network_tables(con, deal_id, folder)


MATURITY_CSV = "maturity.csv"  # each side's maturity profile (dd_pipeline/maturity/profile.py)
WORDED = ("findings.csv", "gaps.csv", "perception_gaps.csv", "internal_disagreement.csv")
