"""A run killed with SIGKILL while it writes leaves complete files, a warehouse that opens and its history;
the next run succeeds and gives the same bytes as a clean run.

The command line runs in a subprocess on a private copy of the sample project after one clean run of the
deal (built once for the test session, in the test process), and is killed at points chosen by what it has
written: while it writes the warehouse, after the first and the eighth file of the deal
have been rewritten in the run's staging folder, and after the run is recorded but before its files are
published. Nothing of a killed run is ever visible in outputs/<deal_id>/. A temporary file that a killed
writer leaves behind is hidden (its name starts with '.') and the next run removes it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pytest
from sample_project import copy_ran_project, copy_sample_inputs
from typer.testing import CliRunner

from dd_pipeline.cli import app
from dd_pipeline.outputs import TEMP_SUFFIX
from dd_pipeline.settings import PROJECT_ROOT

DEAL = "helix-jv"
COMMAND = [str(Path(sys.executable).parent / "dd-pipeline"), "run", "--deal", DEAL, "--top", "1"]
HISTORY_DEPENDENT = {"changes.md", "run.json"}  # they say what changed since the previous run


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A private copy of the sample project with no outputs yet, and the environment of its command line."""
    root = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT / "assets", root / "assets")
    copy_sample_inputs(root / "inputs")
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    return root, _environment(root, home)


@pytest.fixture
def ran(tmp_path: Path, helix_jv_ran_once: Path) -> tuple[Path, dict[str, str]]:
    """As ``project``, after one clean run of the deal (a copy of the session's run, made in this process)."""
    root, home = tmp_path / "project", tmp_path / "dagster_home"
    copy_ran_project(helix_jv_ran_once, root, home)
    return root, _environment(root, home)


def _environment(root: Path, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DD_", "DAGSTER_"))}
    env.update(
        DD_ASSETS=str(root / "assets"),
        DD_INPUTS=str(root / "inputs"),
        DD_OUTPUTS=str(root / "outputs"),
        DAGSTER_HOME=str(home),
        DAGSTER_DISABLE_TELEMETRY="1",
        GX_ANALYTICS_ENABLED="False",
    )
    return env


def _run(env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COMMAND, *extra], env=env, capture_output=True, text=True, timeout=180)


def _run_here(env: dict[str, str], monkeypatch: pytest.MonkeyPatch, *extra: str):  # type: ignore[no-untyped-def]
    """The same command in this process (typer's runner), for a step that is not about processes; the
    warehouse and the Dagster home are left closed, as a command that ended leaves them."""
    with monkeypatch.context() as mp:
        for name in ("DD_ASSETS", "DD_INPUTS", "DD_OUTPUTS", "DAGSTER_HOME"):
            mp.setenv(name, env[name])
        return CliRunner().invoke(app, [*COMMAND[1:], *extra], catch_exceptions=False)


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.startswith(".")
    }


def _inodes(folder: Path) -> dict[str, int]:
    """The inode of each visible file; a file (or the folder) that a running publication renames away
    between the listing and the stat is simply not there yet."""
    found: dict[str, int] = {}
    try:
        entries = list(folder.iterdir())
    except FileNotFoundError:
        return found
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            status = entry.stat()
        except FileNotFoundError:
            continue
        if stat.S_ISREG(status.st_mode):
            found[entry.name] = status.st_ino
    return found


def _staged(outputs: Path) -> Path | None:
    folders = sorted((outputs / ".staging").glob(f"{DEAL}.*")) if (outputs / ".staging").is_dir() else []
    return next((f for f in folders if not f.name.endswith(".old")), None)


def _kill_when(env: dict[str, str], outputs: Path, point: int | str) -> int:
    """Start a forced rerun and SIGKILL it at an output event: "warehouse" (the warehouse is being
    written), a number n (n of the deal's files have been rewritten in the run's staging folder) or
    "recorded" (the run is in the history and its run.json written, the publication not yet done).
    Returns how many staged files had been rewritten."""
    folder = outputs / DEAL
    before = _inodes(folder)
    wal = outputs / "warehouse.duckdb.wal"
    process = subprocess.Popen([*COMMAND, "--force"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    changed = 0
    deadline = time.monotonic() + 120
    try:
        while process.poll() is None and time.monotonic() < deadline:
            staged = _staged(outputs)
            now = _inodes(staged) if staged is not None and staged.is_dir() else {}
            changed = sum(name in now and now[name] != inode for name, inode in before.items())
            if point == "warehouse" and wal.exists():
                break
            if point == "recorded" and "run.json" in now and now["run.json"] != before["run.json"]:
                break
            if isinstance(point, int) and changed >= point:
                break
            time.sleep(0.002)
    finally:
        os.kill(process.pid, signal.SIGKILL) if process.poll() is None else None
        process.wait()
    assert process.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    return changed


def _assert_complete(folder: Path) -> None:
    """Every file a user can see opens as what its name says."""
    from docx import Document
    from icalendar import Calendar
    from openpyxl import load_workbook

    for path in sorted(folder.iterdir()):
        if not path.is_file():
            continue
        name = path.name
        assert not name.endswith(TEMP_SUFFIX) or name.startswith("."), f"visible temporary file {name}"
        if name.startswith((".", "warehouse.duckdb")):
            continue  # hidden temporary files; the warehouse is opened by _history
        data = path.read_bytes()
        assert data, f"{name} is empty"
        if name.endswith(".csv"):
            rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
            assert rows and all(len(r) == len(rows[0]) for r in rows), name
        elif name.endswith(".json"):
            json.loads(data)
        elif name.endswith((".docx", ".xlsx")):
            assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None, name
            load_workbook(io.BytesIO(data)) if name.endswith(".xlsx") else Document(io.BytesIO(data))
        elif name.endswith(".ics"):
            assert Calendar.from_ical(data).walk("VEVENT"), name
        elif name.endswith((".md", ".html")):
            text = data.decode("utf-8")
            assert text.endswith("\n") and (not name.endswith(".html") or "</html>" in text), name


def _history(warehouse: Path) -> list[tuple]:
    """Open the warehouse read-write (as the next run will: DuckDB replays its log) and read the history."""
    con = duckdb.connect(str(warehouse))
    try:
        assert con.execute("SELECT count(*) FROM gaps WHERE deal_id = ?", [DEAL]).fetchone()[0] == 60
        return con.execute(
            "SELECT run_id, deal_id, sequence, input_fingerprint FROM run_history ORDER BY sequence"
        ).fetchall()
    finally:
        con.close()


def test_killed_runs_leave_complete_outputs_and_the_next_run_repairs_everything(ran, monkeypatch):
    root, env = ran
    outputs = root / "outputs"
    clean = _digest(outputs / DEAL)  # written by a clean run in this process; the last rerun is another one
    assert {"gaps.csv", "clauses.docx", "launch_plan.xlsx", "launch_plan.ics", "clauses.json"} <= set(clean)
    history = _history(outputs / "warehouse.duckdb")

    for point in ("warehouse", 1, 8, "recorded"):
        published, files = _digest(outputs / DEAL), _inodes(outputs / DEAL)
        changed = _kill_when(env, outputs, point)
        assert changed >= (point if isinstance(point, int) else 0)
        # Nothing of the killed run is published: not one file of the deal's folder was replaced.
        assert _inodes(outputs / DEAL) == files and _digest(outputs / DEAL) == published, point
        _assert_complete(outputs / DEAL)
        _assert_complete(outputs)
        after = _history(outputs / "warehouse.duckdb")
        assert after[: len(history)] == history  # history rows written before the kill are all there
        history = after

    # The last kill came after the run was recorded: the next command publishes that run's files, so
    # run.json names the last run in the history, and the deal is up to date.
    resumed = _run_here(env, monkeypatch)
    assert resumed.exit_code == 0, resumed.output
    assert "unchanged since its last run" in resumed.output
    assert json.loads((outputs / DEAL / "run.json").read_text(encoding="utf-8"))["run_id"] == history[-1][0]
    assert not list((outputs / ".staging").iterdir())

    finished = subprocess.Popen(["true"])  # a process that has ended: its pid stands for a killed writer
    finished.wait()
    stale = outputs / DEAL / f".gaps.csv.{finished.pid}.abc123{TEMP_SUFFIX}"
    stale.write_bytes(b"half a file")
    rerun = _run(env, "--force")
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "1 deal(s) done" in rerun.stdout
    again = _digest(outputs / DEAL)
    assert {k: v for k, v in again.items() if k not in HISTORY_DEPENDENT} == {
        k: v for k, v in clean.items() if k not in HISTORY_DEPENDENT
    }
    assert not [p.name for p in (outputs / DEAL).iterdir() if p.name.endswith(TEMP_SUFFIX)]  # stale one removed
    assert _history(outputs / "warehouse.duckdb")[: len(history)] == history


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path: Path):
    from dd_pipeline.outputs import atomic_write_bytes

    target = tmp_path / "gaps.csv"
    atomic_write_bytes(target, b"old\n")
    blocked = tmp_path / "clauses.md"
    blocked.mkdir()  # the rename onto a folder fails, as a full disk or a locked file would
    with pytest.raises(OSError):
        atomic_write_bytes(blocked, b"new\n")
    atomic_write_bytes(target, b"new\n")
    assert target.read_bytes() == b"new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clauses.md", "gaps.csv"]


def test_only_temporary_files_of_ended_writers_are_removed(tmp_path: Path):
    from dd_pipeline.outputs import remove_stale_temporaries

    ended = subprocess.Popen(["true"])
    ended.wait()
    stale = tmp_path / f".gaps.csv.{ended.pid}.k2j3{TEMP_SUFFIX}"
    live = tmp_path / f".clauses.md.{os.getpid()}.x9y8{TEMP_SUFFIX}"
    other = tmp_path / f".notes{TEMP_SUFFIX}"  # not one of ours: no process id in its name
    for path in (stale, live, other):
        path.write_bytes(b"part")
    assert remove_stale_temporaries(tmp_path) == [stale]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, other.name])


def test_a_run_killed_while_it_holds_the_warehouse_pool_does_not_block_the_next(project, monkeypatch):
    """Killed right after gaps.csv is written (its step holds the pool's only slot), the run's slot would
    stay taken for ever; the next run (in this process: what it meets is a run whose process is gone) marks
    it failed, frees the slot and runs."""
    import dagster as dg

    from dd_pipeline.defs.runner import DAGSTER_YAML

    root, env = project
    home = Path(env["DAGSTER_HOME"])
    (home / "dagster.yaml").write_text(DAGSTER_YAML, encoding="utf-8")  # the pool limit as shipped
    outputs = root / "outputs"
    process = subprocess.Popen(COMMAND, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    try:
        while process.poll() is None and time.monotonic() < deadline:
            staged = _staged(outputs)
            if staged is not None and (staged / "gaps.csv").is_file():
                break
            time.sleep(0.002)
    finally:
        os.kill(process.pid, signal.SIGKILL) if process.poll() is None else None
        process.wait()
    assert process.returncode == -signal.SIGKILL, "the run ended before it could be killed"

    from dd_pipeline.defs import liveness

    monkeypatch.setattr(liveness, "SLOT_WAIT_SECONDS", 120.0)  # a slot left taken fails the test, as a timeout
    rerun = _run_here(env, monkeypatch)
    assert rerun.exit_code == 0, rerun.output
    assert "1 deal(s) done" in rerun.output
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get() as instance:
        statuses = [r.status for r in instance.get_runs(filters=dg.RunsFilter(tags={"dd/deal": DEAL}))]
        assert dg.DagsterRunStatus.FAILURE in statuses and dg.DagsterRunStatus.SUCCESS in statuses
        assert not instance.event_log_storage.get_concurrency_run_ids()
