"""No run can wedge the Dagster instance: a run whose process is gone is marked failed and its slot of the
"warehouse" pool freed when a command starts; a run that waits for a slot held by a live run says by whom,
gives up after DD_SLOT_WAIT_SECONDS with a message, and ends at once on SIGTERM or Ctrl-C."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import dagster as dg
import pytest
from conftest import cli_for
from dagster._core.events import EngineEventData
from dagster._core.storage.dagster_run import DagsterRun

from dd_pipeline.defs import liveness
from dd_pipeline.defs.runner import DAGSTER_YAML

POOL = "warehouse"


@pytest.fixture
def instance(dagster_home: Path) -> dg.DagsterInstance:
    (dagster_home / "dagster.yaml").write_text(DAGSTER_YAML, encoding="utf-8")  # pools limited to 1, as shipped
    return dg.DagsterInstance.get()


def _ended_pid() -> int:
    ended = subprocess.Popen(["true"])
    ended.wait()
    return ended.pid


def _holding_run(instance: dg.DagsterInstance, pid: int, tagged: bool = True) -> str:
    """A started run of deal helix-jv that holds the pool's only slot; its process is ``pid``."""
    tags = {"dagster/partition": "helix-jv", **({liveness.PID_TAG: str(pid)} if tagged else {})}
    run = instance.add_run(
        DagsterRun(job_name="__ASSET_JOB", run_id=uuid.uuid4().hex, status=dg.DagsterRunStatus.STARTED, tags=tags)
    )
    if not tagged:  # as a run launched by the daemon records its process
        instance.report_engine_event(f"Executing steps in process (pid: {pid})", run, EngineEventData.in_process(pid))
    storage = instance.event_log_storage
    storage.initialize_concurrency_limit_to_default(POOL)
    storage.claim_concurrency_slot(POOL, run.run_id, "gaps")
    return run.run_id


@pytest.mark.parametrize("tagged", [True, False], ids=["started here", "started by the daemon"])
def test_a_dead_run_holding_the_pool_is_marked_failed_and_its_slot_freed(instance, tagged):
    run_id = _holding_run(instance, _ended_pid(), tagged)
    live = subprocess.Popen(["sleep", "30"])
    try:
        alive = _holding_run(instance, live.pid)  # a second holder whose process runs: left alone
        freed = liveness.free_dead_runs(instance)
        assert [f.run_id for f in freed] == [run_id] and freed[0].marked_failed
        assert instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.FAILURE
        assert instance.get_run_by_id(alive).status == dg.DagsterRunStatus.STARTED
        info = instance.event_log_storage.get_concurrency_info(POOL)
        assert run_id not in {s.run_id for s in info.claimed_slots} | {p.run_id for p in info.pending_steps}
        assert [p.run_id for p in info.pending_steps if p.assigned_timestamp] == [alive]  # the slot is its turn
    finally:
        live.kill()
        live.wait()


def test_a_run_waiting_for_a_live_holder_says_so_and_gives_up(project, instance, monkeypatch):
    live = subprocess.Popen(["sleep", "30"])
    try:
        holder = _holding_run(instance, live.pid)
        monkeypatch.setattr(liveness, "SLOT_WAIT_SECONDS", 1.0)
        started = time.monotonic()
        result = cli_for(project, monkeypatch)("run", "--deal", "helix-jv")
        assert time.monotonic() - started < 30
    finally:
        live.kill()
        live.wait()
    assert result.exit_code == 1, result.output
    assert (
        f"waiting for the warehouse: it is in use by run {holder[:8]} of deal helix-jv (process {live.pid}"
        in result.output
    )
    assert "gave up" in result.output and "DD_SLOT_WAIT_SECONDS" in result.output
    assert not (project.outputs_dir / "helix-jv").exists()


def test_a_wait_inside_dagster_is_ended_by_the_watcher(instance):
    """Dagster sleeps with Ctrl-C held back while a step waits for a slot: the watcher ends that wait."""
    live = subprocess.Popen(["sleep", "30"])

    @dg.asset(pool=POOL)
    def needs_the_warehouse() -> int:
        return 1

    try:
        _holding_run(instance, live.pid)
        started = time.monotonic()
        with (
            pytest.raises(liveness.SlotWaitExpired, match="stayed in use by run"),
            liveness.watched_run(instance, POOL, {"dd/test": "watch"}, lambda text: None, seconds=1),
        ):
            dg.materialize([needs_the_warehouse], instance=instance, tags={"dd/test": "watch"}, raise_on_error=False)
        assert time.monotonic() - started < 20
    finally:
        live.kill()
        live.wait()
    [run] = instance.get_runs(filters=dg.RunsFilter(tags={"dd/test": "watch"}))
    assert run.status == dg.DagsterRunStatus.FAILURE
    assert not [
        p for p in instance.event_log_storage.get_concurrency_info(POOL).pending_steps if p.run_id == run.run_id
    ]


def test_sigterm_ends_a_waiting_run_cleanly(project, instance, dagster_home):
    live = subprocess.Popen(["sleep", "60"])
    env = {
        **os.environ,
        "DD_ASSETS": str(project.assets_dir),
        "DD_INPUTS": str(project.inputs_dir),
        "DD_OUTPUTS": str(project.outputs_dir),
        "DAGSTER_HOME": str(dagster_home),
        "DD_SLOT_WAIT_SECONDS": "120",
    }
    try:
        _holding_run(instance, live.pid)
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "dd-pipeline"), "run", "--deal", "helix-jv"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        seen = []
        for line in process.stdout:  # type: ignore[union-attr]
            seen.append(line)
            if "waiting for the warehouse" in line:
                break
        process.terminate()
        started = time.monotonic()
        rest, _ = process.communicate(timeout=20)
        assert time.monotonic() - started < 10
    finally:
        live.kill()
        live.wait()
    output = "".join(seen) + rest
    assert process.returncode == 130, output
    assert "interrupted" in output and "Traceback" not in output


def test_sigterm_during_a_step_stops_the_whole_command(project, dagster_home):
    """Told to stop while a deal's step runs, the command ends (it does not go on with the next deals) and
    publishes nothing of the deal it was running."""
    env = {
        **os.environ,
        "DD_ASSETS": str(project.assets_dir),
        "DD_INPUTS": str(project.inputs_dir),
        "DD_OUTPUTS": str(project.outputs_dir),
        "DAGSTER_HOME": str(dagster_home),
    }
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "dd-pipeline"), "run", "--top", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    staging = project.outputs_dir / ".staging"
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if any(staging.glob("*/gaps.csv")):  # the first deal's gap tables are written: a step is running
            break
        time.sleep(0.005)
    process.terminate()
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 130, output
    assert "interrupted" in output and "Traceback" not in output
    assert "[2/3]" not in output  # the next deal was not started
    assert not [p for p in project.outputs_dir.iterdir() if p.is_dir() and not p.name.startswith(".")]
