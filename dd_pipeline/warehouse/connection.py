"""Short-lived DuckDB connections and the per-deal replace pattern."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from dd_pipeline.settings import Lake
from dd_pipeline.warehouse.engine import CONFLICT_RETRIES as CONFLICT_RETRIES
from dd_pipeline.warehouse.engine import INCLUDES as INCLUDES
from dd_pipeline.warehouse.engine import MARKER as MARKER
from dd_pipeline.warehouse.engine import NO_NETWORK as NO_NETWORK
from dd_pipeline.warehouse.engine import SQL_DIR as SQL_DIR
from dd_pipeline.warehouse.engine import WarehouseBusy as WarehouseBusy
from dd_pipeline.warehouse.engine import WarehouseRefused as WarehouseRefused
from dd_pipeline.warehouse.engine import WarehouseUnwritable as WarehouseUnwritable
from dd_pipeline.warehouse.engine import ddl as ddl
from dd_pipeline.warehouse.engine import is_conflict as is_conflict
from dd_pipeline.warehouse.engine import query_text as query_text
from dd_pipeline.warehouse.engine import scratch as scratch
from dd_pipeline.warehouse.engine import transaction as transaction
from dd_pipeline.warehouse.engine import transactions as transactions

_OWN_TABLES = {"playbook_meta", "run_history"}  # what a warehouse of an earlier version already holds
DUCKDB_MAGIC = b"DUCK"  # bytes 8..11 of every DuckDB database file


def check_warehouse_file(path: Path) -> None:
    """Refuse a file at ``path`` that is not a DuckDB database, before DuckDB is let near it."""
    if not path.exists():
        return
    if not path.is_file():
        raise WarehouseRefused(
            f"{path} is not a file; the warehouse must be a DuckDB database file "
            "(move it away or set DD_WAREHOUSE to another path)"
        )
    try:
        with path.open("rb") as handle:
            head = handle.read(12)
    except OSError as exc:
        raise WarehouseRefused(f"{path} cannot be read ({exc.strerror})") from None
    if head[8:12] != DUCKDB_MAGIC:
        raise WarehouseRefused(
            f"{path} is not a DuckDB database (it starts with {head[:12]!r}); it was left "
            "untouched: move it away or set DD_WAREHOUSE to another path"
        )


@contextmanager
def connect(
    path: Path, read_only: bool = False, allowed: Sequence[Path] = (), lake: Lake | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse, create missing tables, and close it again at once. ``allowed``: folders whose
    files DuckDB itself may read (besides the warehouse's own folder). With ``lake`` the shared DuckLake
    warehouse is opened instead of the file at ``path`` (see warehouse/lake.py)."""
    if lake is not None:
        from .lake import connect_lake

        with connect_lake(lake, allowed) as con:
            yield con
        return
    check_warehouse_file(path)
    if not read_only:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WarehouseUnwritable(f"the folder {path.parent} cannot be created ({exc.strerror})") from None
    con = _open(path, read_only)
    try:
        _limit_access(con, path, allowed)
        _check_marker(con, path, read_only)
        if not read_only:
            con.execute(ddl())
        yield con
    finally:
        con.close()


def _limit_access(con: duckdb.DuckDBPyConnection, path: Path, allowed: Sequence[Path]) -> None:
    folders = [str(path.resolve().parent) + "/", *(str(Path(p).resolve()) + "/" for p in allowed)]
    con.execute("SET allowed_directories = ?", [folders])
    con.execute("SET enable_external_access = false")


def _check_marker(con: duckdb.DuckDBPyConnection, path: Path, read_only: bool) -> None:
    """A warehouse of this tool has the marker table (or, from an earlier version, its own tables); a new,
    empty database gets the marker. Anything else is another program's database: refused, left as it is."""
    tables = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
        ).fetchall()
    }
    if MARKER in tables:
        return
    if tables and not tables >= _OWN_TABLES:
        raise WarehouseRefused(
            f"{path} is a DuckDB database of another program (tables "
            f"{', '.join(sorted(tables)[:5])}); it was left untouched: move it away or set "
            "DD_WAREHOUSE to another path"
        )
    if not read_only:
        con.execute(f"CREATE TABLE {MARKER} (tool VARCHAR, created_at TIMESTAMP)")
        con.execute(f"INSERT INTO {MARKER} VALUES ('dd-pipeline', current_timestamp::TIMESTAMP)")


LOCK_WAIT_SECONDS = 300.0


def _open(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open the file, waiting while another process holds it: DuckDB allows one writing process, and
    connections here are short, so waiting a little is how two runs share the warehouse."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    delay = 0.05
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config={"threads": 2, **NO_NETWORK})
        except duckdb.IOException as exc:
            if "permission denied" in str(exc).lower() or "read-only file system" in str(exc).lower():
                raise WarehouseUnwritable(
                    f"{path} cannot be opened for writing ({exc}); check that its folder is writable"
                ) from None
            if "lock" not in str(exc).lower():
                raise WarehouseRefused(
                    f"{path} cannot be opened as a DuckDB database ({exc}); it was left "
                    "untouched: move it away (a new warehouse is made on the next run) or "
                    "restore it from a backup"
                ) from None
            if time.monotonic() > deadline:
                raise
        except duckdb.Error as exc:
            raise WarehouseRefused(
                f"{path} cannot be opened as a DuckDB database ({exc}); it was left "
                "untouched: move it away or restore it from a backup"
            ) from None
        # locked by another process: wait before the next try instead of spinning on the lock (on two cores a
        # busy loop takes the CPU from the very process that holds the file)
        time.sleep(delay)
        delay = min(delay * 2, 0.25)


def replace_rows(con: duckdb.DuckDBPyConnection, table: str, deal_id: str, frame: pd.DataFrame) -> None:
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
