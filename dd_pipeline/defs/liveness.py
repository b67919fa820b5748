"""Runs whose process is gone must not hold the warehouse pool, and a run that waits for it says so.

Every run started here carries the process id (and its start time, so a reused id is not mistaken for the
old process) in its tags; runs launched by the Dagster daemon record their process in the "Executing steps
in process (pid: ...)" engine event. A run that is not finished but whose process has ended was killed: it
is marked failed and the concurrency slots it held (or waited for) are freed.
"""

from __future__ import annotations

import ctypes
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import dagster as dg
from dagster._core.storage.dagster_run import FINISHED_STATUSES, RunsFilter

PID_TAG = "dd/pid"
PID_START_TAG = "dd/pid-start"
HOST_TAG = "dd/host"
SLOT_WAIT_SECONDS = float(os.environ.get("DD_SLOT_WAIT_SECONDS", "600"))
UNFINISHED = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]


def _start_time(pid: int) -> str:
    """When the process started (clock ticks since boot, from /proc), or '' where that is not known."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def process_tags() -> dict[str, str]:
    """Tags naming this process, for every run it starts."""
    return {PID_TAG: str(os.getpid()), PID_START_TAG: _start_time(os.getpid()), HOST_TAG: socket.gethostname()}


def _alive(pid: int, started: str = "") -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not started or not _start_time(pid) or _start_time(pid) == started


def _engine_pid(instance: dg.DagsterInstance, run_id: str) -> int | None:
    """The pid in the run's "Executing steps ..." engine event (runs started by the daemon)."""
    for record in instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT, limit=20).records:
        event = record.event_log_entry.dagster_event
        data = event.event_specific_data if event else None
        pid = getattr(data, "metadata", {}).get("pid") if data is not None else None
        if pid is not None:
            text = str(getattr(pid, "value", pid))
            if text.isdigit():
                return int(text)
    return None


def run_process_gone(instance: dg.DagsterInstance, run: dg.DagsterRun) -> bool:
    """True when the process that executes ``run`` is known and has ended (on this machine)."""
    tags = run.tags
    if tags.get(HOST_TAG) not in (None, socket.gethostname()):
        return False  # another machine's run: its process cannot be looked at from here
    if tags.get(PID_TAG, "").isdigit():
        return not _alive(int(tags[PID_TAG]), tags.get(PID_START_TAG, ""))
    pid = _engine_pid(instance, run.run_id)
    return pid is not None and not _alive(pid)


@dataclass(frozen=True)
class FreedRun:
    run_id: str
    deal: str
    marked_failed: bool


def free_dead_runs(instance: dg.DagsterInstance) -> list[FreedRun]:
    """Mark unfinished runs whose process is gone as failed and free every slot of a finished run."""
    storage = instance.event_log_storage
    holders = storage.get_concurrency_run_ids() if storage.supports_global_concurrency_limits else set()
    unfinished = instance.get_runs(filters=RunsFilter(statuses=UNFINISHED))
    runs = {r.run_id: r for r in unfinished}
    if holders - set(runs):
        runs.update({r.run_id: r for r in instance.get_runs(filters=RunsFilter(run_ids=list(holders - set(runs))))})
    freed = []
    for run_id in sorted(set(runs) | holders):
        run = runs.get(run_id)
        deal = run.tags.get("dagster/partition", "") if run else ""
        if run is None or run.status in FINISHED_STATUSES:
            if run_id in holders:
                storage.free_concurrency_slots_for_run(run_id)
                freed.append(FreedRun(run_id, deal, False))
            continue
        if run.status == dg.DagsterRunStatus.QUEUED or not run_process_gone(instance, run):
            continue
        instance.report_run_failed(
            run,
            "The process running this run ended before the run finished (it was "
            "killed or crashed); the run was marked failed and its slots freed.",
        )
        if run_id in holders:
            storage.free_concurrency_slots_for_run(run_id)
        freed.append(FreedRun(run_id, deal, True))
    return freed


@dataclass(frozen=True)
class Holder:
    run_id: str
    deal: str
    pid: str
    started: str


def pool_holders(instance: dg.DagsterInstance, pool: str, own_run_id: str | None = None) -> list[Holder]:
    """The other runs holding a slot of ``pool``, when every slot is taken (no holders: a slot is free)."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return []
    info = storage.get_concurrency_info(pool)
    limit = info.limit
    taken = [s for s in info.claimed_slots if s.run_id != own_run_id]
    if limit is None or len(info.claimed_slots) < limit or not taken:
        return []
    result = []
    for run_id in sorted({s.run_id for s in taken}):
        record = instance.get_run_record_by_id(run_id)
        run = record.dagster_run if record else None
        started = ""
        if record and record.start_time:
            started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(record.start_time))
        result.append(
            Holder(
                run_id,
                run.tags.get("dagster/partition", "") if run else "",
                run.tags.get(PID_TAG, "") if run else "",
                started,
            )
        )
    return result


def describe(holders: list[Holder]) -> str:
    parts = []
    for h in holders:
        text = f"run {h.run_id[:8]}"
        if h.deal:
            text += f" of deal {h.deal}"
        if h.pid:
            text += f" (process {h.pid}"
            text += f", started {h.started})" if h.started else ")"
        parts.append(text)
    return ", ".join(parts)


class SlotWaitExpired(KeyboardInterrupt):
    """Raised when the warehouse pool stayed taken for longer than the wait allowed (DD_SLOT_WAIT_SECONDS).

    It derives from KeyboardInterrupt so that Dagster treats it as an interruption (the run ends, its
    pending slot claims are withdrawn), not as a failure of a step."""


def _wait(
    instance: dg.DagsterInstance,
    blockers: Callable[[], str],
    waiting: str,
    expired: str,
    say: Callable[[str], None],
    seconds: float | None,
    pause: float,
) -> None:
    """Return once ``blockers()`` names no run in the way (''), freeing dead runs on every look. Says who is in
    the way whenever that changes; raises SlotWaitExpired after ``seconds``. ``waiting`` and ``expired`` are
    messages with {who} and {seconds} in them."""
    seconds = SLOT_WAIT_SECONDS if seconds is None else seconds
    deadline = time.monotonic() + seconds
    told = ""
    while True:
        free_dead_runs(instance)
        who = blockers()
        if not who:
            return
        if who != told:
            say(waiting.format(who=who, seconds=int(seconds)))
            told = who
        if time.monotonic() > deadline:
            raise SlotWaitExpired(expired.format(who=who, seconds=int(seconds)))
        time.sleep(pause)


def wait_for_pool(
    instance: dg.DagsterInstance, pool: str, say: Callable[[str], None], seconds: float | None = None
) -> None:
    """Return once a slot of ``pool`` is free; dead runs are freed on the way. Raises SlotWaitExpired."""
    _wait(
        instance,
        lambda: describe(pool_holders(instance, pool)),
        "waiting for the warehouse: it is in use by {who}; giving up after {seconds} s (Ctrl-C stops)",
        "the warehouse stayed in use by {who} for {seconds} s",
        say,
        seconds,
        pause=0.5,
    )


def wait_for_deal(
    instance: dg.DagsterInstance, deal_id: str, say: Callable[[str], None], seconds: float | None = None
) -> None:
    """Return once no other run of ``deal_id`` is under way. In a shared instance two workers (the command line
    on two machines, the sensor, the UI) can be asked for the same deal at once; the second waits for the
    first, since two first runs of a deal would both insert its rows. Runs of dead processes are freed."""

    def others() -> str:
        runs = instance.get_runs(filters=RunsFilter(statuses=UNFINISHED, tags={"dagster/partition": deal_id}))
        return ", ".join(f"run {r.run_id[:8]}" for r in runs if r.status != dg.DagsterRunStatus.QUEUED)

    _wait(
        instance,
        others,
        f"waiting for {{who}} of deal {deal_id}, started elsewhere, to finish; giving up after {{seconds}} s",
        f"{{who}} of deal {deal_id} did not finish in {{seconds}} s",
        say,
        seconds,
        pause=1.0,
    )


def _raise_in_main_thread(exc_type: type[BaseException]) -> None:
    ident = threading.main_thread().ident
    if ident is not None:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(exc_type))


@contextmanager
def watched_run(
    instance: dg.DagsterInstance,
    pool: str,
    tags: dict[str, str],
    say: Callable[[str], None],
    seconds: float | None = None,
) -> Iterator[None]:
    """Around an in-process run: while one of its steps waits for a slot of ``pool`` (Dagster sleeps there
    with Ctrl-C held back), say what it waits for, and end the wait on Ctrl-C, SIGTERM or the time limit."""
    from dagster._utils.interrupts import check_captured_interrupt

    seconds = SLOT_WAIT_SECONDS if seconds is None else seconds
    stop = threading.Event()
    ended: list[str] = []  # why the watcher ended the run, if it did

    def watch() -> None:
        blocked_since: float | None = None
        told = ""
        while not stop.wait(1.0):
            runs = instance.get_runs(filters=RunsFilter(tags=tags), limit=1)
            if not runs:
                continue
            info = instance.event_log_storage.get_concurrency_info(pool)
            waiting = any(p.run_id == runs[0].run_id and p.assigned_timestamp is None for p in info.pending_steps)
            if not waiting:
                blocked_since, told = None, ""
                continue
            blocked_since = blocked_since or time.monotonic()
            free_dead_runs(instance)
            who = describe(pool_holders(instance, pool, runs[0].run_id))
            if who and who != told:
                say(f"waiting for the warehouse: it is in use by {who}; giving up after {int(seconds)} s")
                told = who
            if check_captured_interrupt():
                ended.append("")
                _raise_in_main_thread(KeyboardInterrupt)
                return
            if time.monotonic() - blocked_since > seconds:
                ended.append(f"the warehouse stayed in use by {who or 'another run'} for {int(seconds)} s")
                _raise_in_main_thread(SlotWaitExpired)
                return

    thread = threading.Thread(target=watch, name="dd-slot-watch", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
    # Dagster reports the interrupted run as failed and returns; the command must stop, not go on.
    if ended and ended[0]:
        raise SlotWaitExpired(ended[0])
    if ended:
        raise KeyboardInterrupt
