"""A shared instance for a team, against a real PostgreSQL server: the Dagster instance in PostgreSQL, the
warehouse in DuckLake with its catalog there, and two workers (two deal teams, each with its own inputs folder
and Dagster home, as on two machines) scoring 20 deals at the same time.

One module-scoped sequence, because every step builds on the one before: the workers score their deals at
once; the results are compared value for value with the embedded mode's use cases; one worker is killed in the
middle of a rerun and run again; the webserver and the daemon are started on the same instance."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from postgres_server import Server, running_server
from sample_project import SAMPLE_DEALS, accept_and_score, copy_sample_inputs

from dd_pipeline.fingerprints import fingerprint
from dd_pipeline.playbook import Playbook
from dd_pipeline.settings import PROJECT_ROOT, Lake, Settings
from dd_pipeline.use_cases import draft_deal, match_deal, plan_deal
from dd_pipeline.warehouse.connection import connect
from dd_pipeline.warehouse.store import store_playbook

COMMAND = [str(Path(sys.executable).parent / "dd-pipeline"), "run", "--top", "1"]
TEAMS = {"a": [f"team-{n:02d}" for n in range(1, 11)], "b": [f"team-{n:02d}" for n in range(11, 21)]}
# Tables that describe runs rather than deals: they hold run ids and times, which differ from run to run.
RUN_TABLES = {"run_history", "deal_changes"}


class Team:
    def __init__(self, root: Path, server: Server) -> None:
        self.root = root
        self.server = server
        self.lake = Lake(server.libpq("lake"), root / "lake-data")
        self.outputs = root / "outputs"  # shared storage: both workers publish here
        self.outputs.mkdir()
        shutil.copytree(PROJECT_ROOT / "assets", root / "assets")
        sample = copy_sample_inputs(root / "sample-inputs")
        for team, deals in TEAMS.items():
            inputs = root / f"inputs-{team}"
            shutil.copytree(sample / "home", inputs / "home")
            for number, deal_id in enumerate(deals):
                source = sample / "deals" / SAMPLE_DEALS[number % len(SAMPLE_DEALS)]
                shutil.copytree(source, inputs / "deals" / deal_id)
                deal_yaml = inputs / "deals" / deal_id / "deal.yaml"
                text = re.sub(r"(?m)^deal_id: .*$", f"deal_id: {deal_id}", deal_yaml.read_text(encoding="utf-8"))
                deal_yaml.write_text(text, encoding="utf-8")

    def settings(self, team: str) -> Settings:
        inputs = self.root / f"inputs-{team}"
        return Settings(self.root / "assets", inputs, self.outputs, self.outputs / "unused.duckdb", self.lake)

    def env(self, team: str) -> dict[str, str]:
        return {
            **os.environ,
            "DD_ASSETS": str(self.root / "assets"),
            "DD_INPUTS": str(self.root / f"inputs-{team}"),
            "DD_OUTPUTS": str(self.outputs),
            "DD_LAKE_CATALOG": self.lake.catalog,
            "DD_LAKE_DATA": str(self.lake.data_path),
            "DD_DAGSTER_PG_URL": self.server.url("dagster"),
            "DAGSTER_HOME": str(self.root / f"dagster-home-{team}"),
            "PYTHONUNBUFFERED": "1",
        }

    def start(self, team: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            COMMAND, env=self.env(team), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=self.root
        )


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    with running_server() as server:
        server.create_database("dagster")
        server.create_database("lake")
        yield Team(tmp_path_factory.mktemp("team"), server)


def _finish(process: subprocess.Popen[str], timeout: float = 600) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def _reference(team: Team, playbook: Playbook, folder: Path, only: set[str]) -> Path:
    """The deals in ``only`` through the embedded mode's use cases, into a new DuckDB file."""
    warehouse = folder / "embedded.duckdb"
    with connect(warehouse) as con:
        store_playbook(con, playbook)
        for name, deals in TEAMS.items():
            settings = team.settings(name)
            for deal_id in (d for d in deals if d in only):
                accept_and_score(con, settings, playbook, deal_id)
                match_deal(con, playbook, deal_id)
                draft_deal(con, playbook, deal_id)
                plan_deal(con, playbook, deal_id)
    return warehouse


def _deal_tables(con) -> list[str]:  # type: ignore[no-untyped-def]
    rows = con.execute(
        "SELECT DISTINCT table_name FROM duckdb_columns() WHERE database_name = current_database() "
        "AND column_name = 'deal_id' ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows if r[0] not in RUN_TABLES and not r[0].startswith("history_")]


def _rows(con, table: str) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    return con.execute(f"SELECT * FROM {table} ORDER BY ALL").df()


def _assert_same_as_embedded(team: Team, playbook: Playbook, folder: Path, only: set[str]) -> None:
    """The shared warehouse's rows of the deals in ``only`` equal the embedded mode's, value for value."""
    reference = _reference(team, playbook, folder, only)
    compared = 0
    with connect(reference, read_only=True) as embedded, connect(Path("unused"), lake=team.lake) as shared:
        for table in _deal_tables(embedded):
            expected = _rows(embedded, table)
            if expected.empty:
                continue  # written by steps outside the use cases compared here
            got = _rows(shared, table)[list(expected.columns)]
            got = got[got["deal_id"].isin(only)].reset_index(drop=True)
            assert sorted(got["deal_id"].unique()) == sorted(expected["deal_id"].unique()), table
            pd.testing.assert_frame_equal(got, expected, check_dtype=False, obj=table)
            compared += 1
    assert compared >= 15  # the scoring, network, matching, clause and plan tables, not a few stray ones


def _latest_fingerprints(team: Team) -> dict[str, str]:
    with connect(Path("unused"), lake=team.lake) as con:
        rows = con.execute(
            "SELECT deal_id, arg_max(input_fingerprint, sequence) FROM run_history GROUP BY deal_id"
        ).fetchall()
    return {deal: fp for deal, fp in rows}


def _assert_complete(team: Team) -> None:
    """Every deal's last recorded run read its current inputs, and its published folder is whole."""
    latest = _latest_fingerprints(team)
    for name, deals in TEAMS.items():
        settings = team.settings(name)
        for deal_id in deals:
            assert latest.get(deal_id) == fingerprint(settings.home_dir, settings.deal_dir(deal_id)), deal_id
            published = team.outputs / deal_id
            assert (published / "run.json").is_file() and (published / "gaps.csv").is_file(), deal_id
    assert not [p for p in (team.outputs / ".staging").glob("*") if not p.name.startswith(".")]


def test_two_workers_score_twenty_deals_at_once_into_the_shared_warehouse(
    team: Team, playbook: Playbook, tmp_path: Path
) -> None:
    workers = {name: team.start(name) for name in TEAMS}
    results = {name: _finish(process) for name, process in workers.items()}
    for name, (code, out, err) in results.items():
        assert code == 0, f"worker {name} failed:\n{out[-3000:]}\n{err[-3000:]}"
        assert "lock" not in (out + err).lower(), err[-2000:]
        assert f"{len(TEAMS[name])} deal(s) done" in out
    _assert_complete(team)
    _assert_same_as_embedded(team, playbook, tmp_path, set(TEAMS["a"]) | set(TEAMS["b"]))
    # both workers' runs are in the one Dagster instance in PostgreSQL
    pids = {row[0] for row in team.server.query("dagster", "SELECT value FROM run_tags WHERE key = 'dd/pid'")}
    assert {str(p.pid) for p in workers.values()} <= pids


def _change_answers(settings: Settings, deal_id: str) -> None:
    """A respondent revises one answer: the deal's inputs change, so its next run scores it again."""
    path = settings.deal_dir(deal_id) / "answers_partner.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    numeric = frame[frame["value"].str.fullmatch(r"\d+")].index[0]
    frame.loc[numeric, "value"] = "2" if frame.loc[numeric, "value"] == "1" else "1"
    frame.to_csv(path, index=False)


def test_a_worker_killed_mid_run_is_run_again_and_every_deal_completes(
    team: Team, playbook: Playbook, tmp_path: Path
) -> None:
    changed = {"a": TEAMS["a"][:3], "b": TEAMS["b"][:2]}
    for name, deals in changed.items():
        for deal_id in deals:
            _change_answers(team.settings(name), deal_id)
    steady = team.start("b")
    killed = team.start("a")
    assert killed.stdout is not None
    seen = ""
    deadline = time.monotonic() + 300
    while "[2/3]" not in seen and time.monotonic() < deadline:  # the first deal is done, the second under way
        line = killed.stdout.readline()
        if not line:
            break
        seen += line
    assert "[2/3]" in seen, seen
    time.sleep(1.0)  # inside the second deal's steps
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=30)
    killed.stdout.close()
    if killed.stderr is not None:
        killed.stderr.close()
    code, out, err = _finish(steady)
    assert code == 0, err[-3000:]

    code, out, err = _finish(team.start("a"))  # the same command again after the kill
    assert code == 0, f"{out[-3000:]}\n{err[-3000:]}"
    assert "lock" not in (out + err).lower()
    _assert_complete(team)  # every deal, changed or not, is recorded with its current inputs
    _assert_same_as_embedded(team, playbook, tmp_path, set(changed["a"]) | set(changed["b"]))
    for name in TEAMS:  # nothing is left to do for either team
        code, out, _ = _finish(team.start(name))
        assert code == 0 and "Nothing changed" in out, out


def _graphql(port: int, query: str) -> dict[str, object]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


def test_the_webserver_and_the_daemon_share_the_instance_of_both_workers(team: Team, tmp_path: Path) -> None:
    from postgres_server import _free_port

    bin_dir = Path(sys.executable).parent
    idle = tmp_path / "inputs"  # the daemon's sensor watches a folder without deals: it starts no runs here
    shutil.copytree(team.root / "inputs-a" / "home", idle / "home")
    (idle / "deals").mkdir()
    env = {**team.env("a"), "DD_INPUTS": str(idle), "DAGSTER_HOME": str(team.root / "dagster-home-a")}
    port = _free_port()
    workspace = str(PROJECT_ROOT / "workspace.yaml")
    # INT as the default signal: Dagster maps TERM to its INT handler, which a background start ignores
    services = [
        subprocess.Popen(
            ["env", "--default-signal=INT", str(bin_dir / "dagster-webserver"), "-w", workspace, "-h", "127.0.0.1",
             "-p", str(port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=PROJECT_ROOT,
        ),
        subprocess.Popen(
            ["env", "--default-signal=INT", str(bin_dir / "dagster-daemon"), "run", "-w", workspace],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=PROJECT_ROOT,
        ),
    ]  # fmt: skip
    try:
        runs: list[dict[str, object]] = []
        daemons: list[dict[str, object]] = []
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            time.sleep(2)
            try:
                answer = _graphql(
                    port,
                    "{ runsOrError { ... on Runs { results { runId status tags { key value } } } } "
                    "instance { daemonHealth { allDaemonStatuses { daemonType healthy } } } }",
                )
            except OSError:
                continue  # not listening yet
            data = answer["data"]
            assert isinstance(data, dict)
            runs = data["runsOrError"]["results"]
            daemons = data["instance"]["daemonHealth"]["allDaemonStatuses"]
            if any(d["daemonType"] == "SENSOR" and d["healthy"] for d in daemons):
                break
        pids = {t["value"] for r in runs for t in r["tags"] if t["key"] == "dd/pid"}  # type: ignore[index, union-attr, attr-defined]
        assert len(pids) >= 2, pids  # the runs of both workers (and of the rerun after the kill)
        partitions = {t["value"] for r in runs for t in r["tags"] if t["key"] == "dagster/partition"}  # type: ignore[index, union-attr, attr-defined]
        assert partitions == set(TEAMS["a"]) | set(TEAMS["b"])
        assert any(d["daemonType"] == "SENSOR" and d["healthy"] for d in daemons), daemons
    finally:
        for service in services:
            service.send_signal(signal.SIGINT)
        for service in services:
            try:
                service.wait(timeout=30)
            except subprocess.TimeoutExpired:
                service.kill()


def test_maintenance_merges_the_shared_warehouses_files_and_keeps_every_value(team: Team) -> None:
    def contents() -> dict[str, pd.DataFrame]:
        with connect(Path("unused"), lake=team.lake) as con:
            return {table: _rows(con, table) for table in _deal_tables(con)}

    before, files = contents(), len(list(team.lake.data_path.rglob("*.parquet")))
    done = subprocess.run(
        [str(Path(sys.executable).parent / "dd-pipeline"), "maintain", "--keep-days", "0"],
        env=team.env("a"), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(list(team.lake.data_path.rglob("*.parquet"))) < files / 2  # many small files became few
    after = contents()
    assert before.keys() == after.keys()
    for table, rows in before.items():
        pd.testing.assert_frame_equal(after[table], rows, obj=table)


def test_a_catalog_of_another_program_is_refused_and_left_as_it_was(team: Team, tmp_path: Path) -> None:
    import duckdb

    from dd_pipeline.warehouse.connection import WarehouseRefused
    from dd_pipeline.warehouse.lake import EXTENSIONS, extension_file

    team.server.create_database("other")
    other = Lake(team.server.libpq("other"), tmp_path / "other-data")
    foreign = duckdb.connect()  # another program's DuckLake, with its own table
    for module, name in EXTENSIONS:
        foreign.execute(f"LOAD '{extension_file(module, name)}'")
    foreign.execute(f"ATTACH 'ducklake:postgres:{other.catalog}' AS theirs (DATA_PATH '{other.data_path}/')")
    foreign.execute("CREATE TABLE theirs.customers (id INTEGER)")
    foreign.close()
    with (
        pytest.raises(WarehouseRefused, match=r"holds tables of another program \(customers\)"),
        connect(Path("unused"), lake=other),
    ):
        pass
    tables = team.server.query("other", "SELECT table_name FROM ducklake_table WHERE end_snapshot IS NULL")
    assert tables == [("customers",)]  # nothing of ours was added


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("DD_DAGSTER_PG_URL", "postgresql://dd@db/dagster", "expected postgresql+psycopg2://"),
        ("DD_WAREHOUSE_WRITERS", "many", "expected a whole number of at least 1"),
        ("DD_LAKE_CATALOG", "host=db dbname=lake", "DD_LAKE_DATA is not"),
    ],
)
def test_a_wrong_team_setting_is_named_and_nothing_runs(
    setting: str, value: str, message: str, project: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import cli_for

    invoke = cli_for(project, monkeypatch)
    monkeypatch.setenv(setting, value)
    monkeypatch.delenv("DD_LAKE_DATA", raising=False)
    result = invoke("run")
    assert result.exit_code == 2
    assert setting in result.output and message in result.output
    assert not any(project.outputs_dir.iterdir())  # nothing was written
