"""A throwaway PostgreSQL server for the team-mode tests: a new cluster in a temporary folder, on a free local
port, stopped and deleted at the end. Debian's postgresql package provides the programs (`.ci/run` and
`make test` install it)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

USER = "dd"
REQUIRED = "DD_REQUIRE_TEAM_TESTS"  # set in CI: a missing PostgreSQL fails the tests instead of skipping them


def server_programs() -> Path | None:
    """The folder with initdb and pg_ctl: Debian keeps them per version under /usr/lib/postgresql/."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(versions[-1]).parent if versions else None


def require_programs() -> Path:
    programs = server_programs()
    if programs is None:
        why = "PostgreSQL server programs (initdb, pg_ctl) are not installed: apt-get install postgresql"
        if os.environ.get(REQUIRED):
            pytest.fail(why)
        pytest.skip(why)
    return programs


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    programs: Path
    folder: Path
    port: int
    run_as: str | None

    def libpq(self, database: str) -> str:
        return f"host=127.0.0.1 port={self.port} user={USER} dbname={database}"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg2://{USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> None:
        import psycopg2

        con = psycopg2.connect(host="127.0.0.1", port=self.port, user=USER, dbname="postgres")
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
        con.close()

    def query(self, database: str, sql: str) -> list[tuple[object, ...]]:
        import psycopg2

        con = psycopg2.connect(host="127.0.0.1", port=self.port, user=USER, dbname=database)
        try:
            with con.cursor() as cur:
                cur.execute(sql)
                return list(cur.fetchall())
        finally:
            con.close()

    def _run(self, *args: str) -> None:
        subprocess.run(list(args), check=True, capture_output=True, user=self.run_as, timeout=120)

    def start(self) -> None:
        data = self.folder / "data"
        self._run(str(self.programs / "initdb"), "-D", str(data), "-U", USER, "--auth=trust", "-E", "UTF8", "--no-sync")
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        self._run(
            str(self.programs / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(self.folder / "log"), "-w", "start"
        )

    def stop(self) -> None:
        subprocess.run(
            [str(self.programs / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "stop"],
            capture_output=True,
            user=self.run_as,
            timeout=60,
        )


@contextmanager
def running_server() -> Iterator[Server]:
    """A running server with its cluster in a new temporary folder, removed afterwards. As root (CI) the server
    runs as the postgres user, since PostgreSQL refuses to run as root (the folder is then made its own: pytest's
    temporary folders cannot be entered by another user)."""
    programs = require_programs()
    folder = Path(tempfile.mkdtemp(prefix="dd-postgres-"))
    run_as = None
    if os.geteuid() == 0:
        run_as = "postgres"
        shutil.chown(folder, user=run_as)
    server = Server(programs, folder, _free_port(), run_as)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
