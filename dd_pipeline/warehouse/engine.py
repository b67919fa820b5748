"""What every warehouse connection shares, the embedded file's and the shared lake's alike: the schema and the
query texts, the errors, the network-free settings, and write transactions that are done again when they
conflict with another writer."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).parent / "sql"


# Placeholders a query may hold, each standing for the text of another query (without its comment lines):
# the one-row scoring rules, and the answers behind one deal's gap scores (gaps.csv and the dashboard).
INCLUDES = {"{rules}": "rules", "{answer_lists}": "read/answer_lists"}


@cache
def query_text(name: str) -> str:
    """The text of sql/<name>.sql, each placeholder of INCLUDES replaced by the query it stands for."""
    text = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    for placeholder, included in INCLUDES.items():
        if placeholder in text:
            body = (SQL_DIR / f"{included}.sql").read_text(encoding="utf-8")
            body = "\n".join(line for line in body.splitlines() if not line.startswith("--"))
            text = text.replace(placeholder, body)
    return text


def ddl() -> str:
    return (Path(__file__).parent / "ddl.sql").read_text(encoding="utf-8")


class WarehouseRefused(Exception):
    """The file at the warehouse path is not this tool's DuckDB database (or cannot be opened as one)."""


class WarehouseUnwritable(WarehouseRefused):
    """The warehouse (or its folder) cannot be written: a matter of the machine, not of the inputs."""


# DuckDB never fetches anything: no extension is installed or loaded behind our back (a foreign file
# would otherwise make it download a scanner), and files outside the allowed folders cannot be read.
NO_NETWORK = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
}


MARKER = "dd_pipeline_warehouse"


@contextmanager
def scratch() -> Iterator[duckdb.DuckDBPyConnection]:
    """A warehouse in memory with every table, gone when closed: for checks that must write nothing."""
    con = duckdb.connect(":memory:", config={"threads": 2, **NO_NETWORK})
    try:
        con.execute("SET enable_external_access = false")
        con.execute(ddl())
        yield con
    finally:
        con.close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


CONFLICT_RETRIES = 40


class _Attempt:
    """One try of a write transaction; a commit conflict with another writer is swallowed and retried."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.conflicted = False

    def __enter__(self) -> duckdb.DuckDBPyConnection:
        self.con.execute("BEGIN TRANSACTION")
        return self.con

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> bool:
        if kind is None:
            try:
                self.con.execute("COMMIT")
                return False
            except duckdb.TransactionException as failed:
                exc = failed
        _rollback(self.con)
        self.conflicted = is_conflict(exc)
        if exc is not None and not self.conflicted:
            if kind is None:
                raise exc
            return False
        return True


def transactions(con: duckdb.DuckDBPyConnection, retries: int = CONFLICT_RETRIES) -> Iterator[_Attempt]:
    """Tries of one write transaction, for ``for attempt in transactions(con): with attempt: ...``.

    In the shared warehouse two workers writing the same table at once can conflict at commit (DuckLake
    checks optimistically); the loser's work is rolled back and done again on the newer snapshot. Each body
    deletes and rewrites one deal's rows, so doing it again is safe. The embedded file has one writer and
    never conflicts: its body runs once."""
    for number in range(retries + 1):
        attempt = _Attempt(con)
        yield attempt
        if not attempt.conflicted:
            return
        if number == retries:
            raise WarehouseBusy(f"the shared warehouse stayed busy: {retries} tries of one write conflicted")
        time.sleep(min(0.02 * (number + 1), 0.5))


class WarehouseBusy(Exception):
    """A write kept conflicting with other writers of the shared warehouse."""


def is_conflict(exc: BaseException | None) -> bool:
    return isinstance(exc, duckdb.TransactionException) and "conflict" in str(exc).lower()


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    with suppress(duckdb.Error):  # a failed COMMIT has already ended the transaction
        con.execute("ROLLBACK")
