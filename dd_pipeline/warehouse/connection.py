"""Short-lived DuckDB connections and the per-deal replace pattern."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

SQL_DIR = Path(__file__).parent / "sql"


@cache
def query_text(name: str) -> str:
    """The text of sql/<name>.sql, with ``{rules}`` standing for the one-row scoring-rules query."""
    text = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    if "{rules}" in text:
        rules = (SQL_DIR / "rules.sql").read_text(encoding="utf-8")
        rules = "\n".join(line for line in rules.splitlines() if not line.startswith("--"))
        text = text.replace("{rules}", rules)
    return text


def ddl() -> str:
    return (Path(__file__).parent / "ddl.sql").read_text(encoding="utf-8")


@contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse, create missing tables, and close it again at once."""
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = _open(path, read_only)
    try:
        if not read_only:
            con.execute(ddl())
        yield con
    finally:
        con.close()


LOCK_WAIT_SECONDS = 300.0


def _open(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open the file, waiting while another process holds it: DuckDB allows one writing process, and
    connections here are short, so waiting a little is how two runs share the warehouse."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    delay = 0.05
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config={"threads": 2})
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def replace_rows(
    con: duckdb.DuckDBPyConnection, table: str, deal_id: str, frame: pd.DataFrame
) -> None:
    """Delete the deal's rows of ``table`` and insert ``frame`` (columns by name). Call inside a transaction."""
    con.execute(f"DELETE FROM {table} WHERE deal_id = ?", [deal_id])
    if frame.empty:
        return
    columns = ", ".join(frame.columns)
    con.register("_incoming", frame)
    try:
        con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM _incoming")
    finally:
        con.unregister("_incoming")


def run_named(con: duckdb.DuckDBPyConnection, name: str, params: Sequence[object] = ()) -> None:
    con.execute(query_text(name), list(params))


def run_script(con: duckdb.DuckDBPyConnection, name: str, params: Sequence[object] = ()) -> None:
    """Run the statements of sql/<name>.sql one by one (they are separated by a ';' at the end of a line)."""
    for statement in query_text(name).split(";\n"):
        body = "\n".join(line for line in statement.splitlines() if not line.strip().startswith("--")).strip()
        if body:
            con.execute(body, list(params) if "$1" in body else [])


def frame(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
    return con.execute(sql, list(params)).df()
