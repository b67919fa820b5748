"""The shared warehouse of a team instance: DuckLake, with its catalog in PostgreSQL and its data files in a
folder every worker reaches (docs/deploy.md).

The same SQL runs on it as on the embedded file. What differs:
- the two DuckDB extensions come from their PyPI wheels (``pip install 'dd-pipeline[team]'``), loaded from the
  wheel's folder: nothing is downloaded;
- one DuckDB database per process holds the attached lake (loading the extensions takes about half a second);
  each ``connect`` is a new connection to it, closed at once, so every step sees the newest snapshot;
- DuckLake has no primary keys and cannot add a column with a default in one statement, so its tables are
  created from the columns the embedded schema ends up with (``ddl.sql`` run in memory), once per schema
  version, and the macros are made per connection;
- writers do not queue on a file lock: a commit that conflicts with another worker's is retried
  (``connection.transactions``).
"""

from __future__ import annotations

import hashlib
import importlib
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb

from dd_pipeline.settings import Lake

from .engine import (
    MARKER,
    NO_NETWORK,
    WarehouseRefused,
    ddl,
    is_conflict,
    scratch,
    transactions,
)

NAME = "dd_warehouse"  # the lake's name inside DuckDB
SCHEMA_TABLE = "dd_pipeline_schema"  # which version of ddl.sql the lake's tables were made from
EXTENSIONS = (("duckdb_extension_postgres_scanner", "postgres_scanner"), ("duckdb_extension_ducklake", "ducklake"))

ATTACH_TRIES = 5

_databases: dict[tuple[Lake, tuple[str, ...]], duckdb.DuckDBPyConnection] = {}
_lock = threading.Lock()


def extension_file(module: str, name: str) -> Path:
    """The extension binary inside its wheel, for this DuckDB version exactly."""
    try:
        package = importlib.import_module(module)
    except ImportError:
        raise WarehouseRefused(
            f"the shared warehouse needs the Python package {module.replace('_', '-')} "
            f"(pip install 'dd-pipeline[team]'); it is not installed"
        ) from None
    wanted = Path(package.__path__[0]) / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    if not wanted.is_file():
        found = sorted(p.parent.name for p in Path(package.__path__[0]).glob(f"extensions/*/{name}.duckdb_extension"))
        raise WarehouseRefused(
            f"the {name} extension installed is for DuckDB {', '.join(found) or 'no version'}, but DuckDB is "
            f"v{duckdb.__version__}: install the {module.replace('_', '-')} version equal to DuckDB's"
        )
    return wanted


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _database(lake: Lake, allowed: Sequence[Path]) -> duckdb.DuckDBPyConnection:
    folders = tuple(sorted({str(lake.data_path.resolve()) + "/", *(str(Path(p).resolve()) + "/" for p in allowed)}))
    key = (lake, folders)
    with _lock:
        db = _databases.get(key)
        if db is None:
            db = _attach(lake, list(folders))
            _databases[key] = db
        return db


def _attach(lake: Lake, folders: list[str]) -> duckdb.DuckDBPyConnection:
    db = duckdb.connect(":memory:", config={"threads": 2, **NO_NETWORK})
    for module, name in EXTENSIONS:
        db.execute(f"LOAD {_literal(str(extension_file(module, name)))}")
    data = str(lake.data_path.resolve()) + "/"
    for attempt in range(ATTACH_TRIES):
        try:
            lake.data_path.mkdir(parents=True, exist_ok=True)
            db.execute(f"ATTACH {_literal('ducklake:postgres:' + lake.catalog)} AS {NAME} (DATA_PATH {_literal(data)})")
            break
        except (OSError, duckdb.Error) as exc:
            # two workers opening a new catalog at once both create DuckLake's tables; the loser's CREATE fails
            # ("already exists", or a duplicate key in PostgreSQL's type names), and the catalog is there when it
            # tries again
            racing = "duplicate key" in str(exc) or "already exists" in str(exc)
            if racing and "initialize DuckLake" in str(exc) and attempt + 1 < ATTACH_TRIES:
                time.sleep(0.2 * (attempt + 1))
                continue
            db.close()
            raise WarehouseRefused(
                f"the shared warehouse (catalog {lake.catalog!r}, data in {data}) cannot be opened: "
                f"{str(exc).splitlines()[0]}; check DD_LAKE_CATALOG and DD_LAKE_DATA (docs/deploy.md)"
            ) from None
    db.execute(f"USE {NAME}")
    db.execute("SET allowed_directories = ?", [folders])
    db.execute("SET enable_external_access = false")
    tables = {
        r[0]
        for r in db.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
        ).fetchall()
    }
    if tables and MARKER not in tables:
        db.close()
        raise WarehouseRefused(
            f"the DuckLake catalog in {lake.catalog!r} holds tables of another program "
            f"({', '.join(sorted(tables)[:5])}); it was left untouched: give dd-pipeline a database of its own "
            "in DD_LAKE_CATALOG"
        )
    _ensure_tables(db)
    return db


@contextmanager
def connect_lake(lake: Lake, allowed: Sequence[Path] = ()) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the shared warehouse, closed when the block ends."""
    con = _database(lake, allowed).cursor()
    try:
        con.execute(f"USE {NAME}")
        for statement in _macros():
            con.execute(statement)
        yield con
    finally:
        con.close()


def _statements(text: str) -> list[str]:
    body = "\n".join(line for line in text.splitlines() if not line.strip().startswith("--"))
    return [s.strip() for s in body.split(";\n") if s.strip()]


def _macros() -> list[str]:
    """The macros of ddl.sql, made temporary: DuckLake keeps tables, each connection has its macros."""
    return [
        s.replace("CREATE OR REPLACE MACRO", "CREATE OR REPLACE TEMP MACRO", 1)
        for s in _statements(ddl())
        if s.startswith("CREATE OR REPLACE MACRO")
    ]


def _columns() -> dict[str, list[tuple[str, str, str | None]]]:
    """Every table of ddl.sql with its final columns (name, type, default), from the schema built in memory."""
    tables: dict[str, list[tuple[str, str, str | None]]] = {}
    with scratch() as con:
        rows = con.execute(
            "SELECT table_name, column_name, data_type, column_default FROM duckdb_columns() "
            "WHERE database_name = current_database() ORDER BY table_name, column_index"
        ).fetchall()
    for table, column, kind, default in rows:
        tables.setdefault(table, []).append((column, kind, default))
    return tables


def schema_version() -> str:
    return hashlib.sha256(ddl().encode("utf-8")).hexdigest()[:16]


def _ensure_tables(db: duckdb.DuckDBPyConnection) -> None:
    """Create the lake's tables, or add the columns a newer ddl.sql has, once per version of ddl.sql."""
    version = schema_version()
    if _recorded_version(db) == version:
        return
    con = db.cursor()
    try:
        con.execute(f"USE {NAME}")
        for attempt in transactions(con):
            with attempt:
                if _recorded_version(con) == version:
                    return
                have: dict[str, set[str]] = {}
                for table, column in con.execute(
                    "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = current_database()"
                ).fetchall():
                    have.setdefault(table, set()).add(column)
                for table, columns in _columns().items():
                    if table not in have:
                        listed = ", ".join(
                            f"{c} {kind}" + (f" DEFAULT {default}" if default is not None else "")
                            for c, kind, default in columns
                        )
                        con.execute(f"CREATE TABLE {table} ({listed})")
                        if table == "playbook_meta":
                            # DuckLake finds conflicts through deletes: two first loads of the playbook at once
                            # would each delete nothing and both insert. A first row for the first load to delete
                            # makes them conflict, so one of them is done again instead (max('') is never read:
                            # the first load replaces it).
                            con.execute("INSERT INTO playbook_meta VALUES ('', '')")
                        continue
                    for c, kind, default in columns:
                        if c not in have[table]:
                            con.execute(f"ALTER TABLE {table} ADD COLUMN {c} {kind}")
                            if default is not None:
                                con.execute(f"ALTER TABLE {table} ALTER COLUMN {c} SET DEFAULT {default}")
                if MARKER not in have:
                    con.execute(f"CREATE TABLE {MARKER} (tool VARCHAR, created_at TIMESTAMP)")
                    con.execute(f"INSERT INTO {MARKER} VALUES ('dd-pipeline', current_timestamp::TIMESTAMP)")
                con.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA_TABLE} (version VARCHAR)")
                con.execute(f"DELETE FROM {SCHEMA_TABLE}")
                con.execute(f"INSERT INTO {SCHEMA_TABLE} VALUES (?)", [version])
    finally:
        con.close()


def _recorded_version(con: duckdb.DuckDBPyConnection) -> str | None:
    try:
        row = con.execute(f"SELECT max(version) FROM {SCHEMA_TABLE}").fetchone()
    except duckdb.CatalogException:
        return None
    except duckdb.TransactionException as exc:
        if is_conflict(exc):
            return None
        raise
    return str(row[0]) if row and row[0] is not None else None


def maintain(con: duckdb.DuckDBPyConnection, keep_days: int) -> dict[str, int]:
    """Tidy the shared warehouse: small data files merged, snapshots older than ``keep_days`` expired, and the
    files no snapshot needs any more deleted. Every write adds files, so reads slow down without it. What
    the tables hold does not change. Returns how many files or snapshots each step handled."""
    done = {}
    for step, sql in (
        ("files merged", f"CALL ducklake_merge_adjacent_files('{NAME}')"),
        (
            "snapshots expired",
            f"CALL ducklake_expire_snapshots('{NAME}', older_than => now() - INTERVAL {keep_days} DAY)",
        ),
        ("files deleted", f"CALL ducklake_cleanup_old_files('{NAME}', cleanup_all => true)"),
    ):
        for attempt in transactions(con):
            with attempt:
                done[step] = len(con.execute(sql).fetchall())
    return done
