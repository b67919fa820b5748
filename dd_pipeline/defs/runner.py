"""Materialize the graph in-process for the command line: the playbook once, then each deal's partition."""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from dd_pipeline.outputs import atomic_write_text
from dd_pipeline.playbook import playbook_fingerprint
from dd_pipeline.publish import discard, is_recorded
from dd_pipeline.recovery import recover_outputs
from dd_pipeline.settings import PG_URL_SCHEME, Settings, dagster_pg_url, warehouse_writers

from . import all_assets, all_checks
from .liveness import free_dead_runs, process_tags, wait_for_deal, wait_for_pool, watched_run
from .partitions import DEALS_NAME, PLAYBOOK_TAG, WAREHOUSE_POOL
from .publication import INTERRUPTIONS
from .resources import resources_for

# Telemetry off (partner data is confidential; nothing leaves the machine) and one writer at a time in the
# "warehouse" pool: DuckDB allows a single writing process.
# Run monitoring (under the daemon) frees the slots of finished runs; runs whose process died are found by
# liveness.free_dead_runs when a command starts.
DAGSTER_YAML = """telemetry:
  enabled: false
concurrency:
  pools:
    default_limit: 1
run_monitoring:
  enabled: true
  free_slots_after_run_end_seconds: 30
"""

# The first line of a dagster.yaml this tool wrote; such a file is rewritten when the settings change. A file
# without it is the administrator's own and is used as it is.
GENERATED = "# Written by dd-pipeline from its settings (docs/deploy.md); remove this line to keep your edits.\n"

# A shared instance (docs/deploy.md): run, event-log and schedule storage in PostgreSQL, read from the
# environment by Dagster itself (the password never lands in the file), and as many concurrent warehouse writers
# as the shared warehouse takes; the daemon's run queue starts at most that many queued runs at once.
TEAM_YAML = """telemetry:
  enabled: false
storage:
  postgres:
    postgres_url:
      env: DD_DAGSTER_PG_URL
concurrency:
  pools:
    default_limit: {writers}
  runs:
    max_concurrent_runs: {writers}
    tag_concurrency_limits:
      - key: dagster/partition
        value:
          applyLimitPerUniqueValue: true
        limit: 1
run_monitoring:
  enabled: true
  free_slots_after_run_end_seconds: 30
"""


def instance_yaml() -> str:
    """The dagster.yaml the settings call for: the embedded one, or the shared instance's when
    DD_DAGSTER_PG_URL is set."""
    if not dagster_pg_url():
        return DAGSTER_YAML
    return TEAM_YAML.format(writers=warehouse_writers())


# The command line prints its own progress; Dagster's event log stays in the instance (and the UI).
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@dataclass
class DealOutcome:
    deal_id: str
    status: str  # "done", "blocked" (input checks failed) or "failed"
    seconds: float
    failure: str = ""


@dataclass
class RunSummary:
    playbook_ok: bool = True
    playbook_failure: str = ""
    deals: list[DealOutcome] = field(default_factory=list)
    portfolio_failure: str = ""

    @property
    def ok(self) -> bool:
        return self.playbook_ok and all(d.status == "done" for d in self.deals)


def ensure_dagster_home(default: Path) -> Path:
    """DAGSTER_HOME, or ``default`` when unset, with the dagster.yaml of instance_yaml(): written if missing, and
    rewritten when it is one this tool wrote and the settings changed. An administrator's own file is kept."""
    home = Path(os.environ.get("DAGSTER_HOME") or default).resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    wanted = GENERATED + instance_yaml()
    current = config.read_text(encoding="utf-8") if config.exists() else None
    if current is None or (current != wanted and current.startswith(GENERATED)):
        atomic_write_text(config, wanted)
    os.environ["DAGSTER_HOME"] = str(home)
    os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
    return home


def open_instance(home: Path) -> dg.DagsterInstance:
    """The Dagster instance in ``home``, its storage created under a file lock: two commands started at
    the same time on a new home would otherwise both try to create the same tables."""
    import fcntl

    with (home / ".dd-instance.lock").open("w") as lock, _instance_creation_lock():
        fcntl.flock(lock, fcntl.LOCK_EX)
        instance = dg.DagsterInstance.get()
        if dagster_pg_url():
            # Dagster's PostgreSQL storage opens a new connection for every event unless told that the process
            # lives long, as the webserver does: a command runs many steps, so it keeps one pooled connection
            # (no statement timeout: a command waits as long as its steps take)
            instance.optimize_for_webserver(statement_timeout=0, pool_recycle=3600, max_overflow=4)
        instance.get_runs(limit=1)
        instance.get_dynamic_partitions(DEALS_NAME)
        instance.all_instigator_state()
        free_dead_runs(instance)
        fcntl.flock(lock, fcntl.LOCK_UN)
    return instance


INSTANCE_LOCK_KEY = 0x64642D696E7374  # "dd-inst": the advisory lock around creating a shared instance's tables


@contextmanager
def _instance_creation_lock() -> Iterator[None]:
    """In a shared instance, workers on other machines may open a new instance at the same moment, and
    Dagster's table creation is not safe against that: a PostgreSQL advisory lock on the instance's database
    lets one of them create the tables while the others wait. The embedded instance needs no lock of this kind
    (the file lock in its home covers it)."""
    url = dagster_pg_url()
    if not url:
        yield
        return
    import psycopg2  # type: ignore[import-untyped]

    con = psycopg2.connect(url.replace(PG_URL_SCHEME, "postgresql://", 1))
    try:
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", [INSTANCE_LOCK_KEY])
        yield
    finally:
        con.close()  # ends the session, which releases the lock


def _quiet_dagster() -> None:
    for name in ("dagster", "dagster.builtin", "great_expectations"):
        logging.getLogger(name).setLevel(logging.ERROR)


def materialize_deals(
    settings: Settings,
    deal_ids: list[str],
    instance: dg.DagsterInstance,
    on_event: Callable[[str, str], None] = lambda deal, message: None,
    outcomes: list[DealOutcome] | None = None,
) -> RunSummary:
    """Load the playbook, then run every deal's partition; one deal's failure does not stop the others."""
    _quiet_dagster()
    resources = resources_for(settings)
    assets = all_assets()
    checks = all_checks()
    summary = RunSummary(deals=outcomes if outcomes is not None else [])

    def run(targets, **kwargs):  # type: ignore[no-untyped-def]
        """One in-process run, started once the warehouse pool has a free slot and watched while it waits."""
        say = lambda text: on_event("", text)  # noqa: E731
        if dagster_pg_url() and kwargs.get("partition_key"):
            wait_for_deal(instance, kwargs["partition_key"], say)
        wait_for_pool(instance, WAREHOUSE_POOL, say)
        tags = {**kwargs.pop("tags", {}), **process_tags(), "dd/attempt": uuid.uuid4().hex}
        with watched_run(instance, WAREHOUSE_POOL, {"dd/attempt": tags["dd/attempt"]}, say):
            result = dg.materialize(
                targets,
                instance=instance,
                resources=resources,
                raise_on_error=False,
                run_config=QUIET,
                tags=tags,
                **kwargs,
            )
        if _interrupted(result):  # Ctrl-C or SIGTERM inside a step: Dagster ended the run, the command stops too
            deal_id = kwargs.get("partition_key")
            if deal_id and not is_recorded(settings, deal_id, result.run_id):
                discard(settings, deal_id, result.run_id)
            raise KeyboardInterrupt
        return result

    recover_outputs(settings)
    on_event("", "loading the playbook")
    pinned = playbook_fingerprint(settings.assets_dir)  # every deal of this command runs with this playbook
    after_deals = _after_deals(assets)
    unpartitioned = [a for a in assets if a.partitions_def is None and a not in after_deals]
    result = run(unpartitioned, tags={PLAYBOOK_TAG: pinned})
    if not result.success:
        summary.playbook_ok = False
        summary.playbook_failure = _failure_text(result)
        return summary

    known = set(instance.get_dynamic_partitions(DEALS_NAME))
    new = [d for d in deal_ids if d not in known]
    if new:
        instance.add_dynamic_partitions(DEALS_NAME, new)
    partitioned = [a for a in assets if a.partitions_def is not None]
    for deal_id in deal_ids:
        on_event(deal_id, "running")
        started = time.perf_counter()
        result = run(
            [*assets, *checks],
            selection=dg.AssetSelection.assets(*partitioned),
            partition_key=deal_id,
            tags={"dd/deal": deal_id, "dd/trigger": "cli", PLAYBOOK_TAG: pinned},
        )
        elapsed = time.perf_counter() - started
        if not result.success and not is_recorded(settings, deal_id, result.run_id):
            # Not recorded: the run's files are dropped. A run recorded in the history whose publication
            # failed keeps them; the next command publishes them (recover_outputs).
            discard(settings, deal_id, result.run_id)
        if result.success:
            summary.deals.append(DealOutcome(deal_id, "done", elapsed))
        elif _blocked(result):
            summary.deals.append(DealOutcome(deal_id, "blocked", elapsed))
        else:
            summary.deals.append(DealOutcome(deal_id, "failed", elapsed, _failure_text(result)))
        on_event(deal_id, summary.deals[-1].status)
    if after_deals:
        on_event("", "writing the portfolio page")
        result = run(after_deals)
        if not result.success:
            summary.portfolio_failure = _failure_text(result)
    return summary


def _after_deals(assets: list[dg.AssetsDefinition]) -> list[dg.AssetsDefinition]:
    """Unpartitioned assets over all deals (the portfolio page): built once, after the deals' partitions."""
    partitioned = {key for a in assets if a.partitions_def is not None for key in a.keys}
    return [
        a
        for a in assets
        if a.partitions_def is None and any(dep.asset_key in partitioned for dep in a.specs_by_key[a.key].deps)
    ]


def _interrupted(result: dg.ExecuteInProcessResult) -> bool:
    """True when a step ended because the process was told to stop (Ctrl-C, SIGTERM)."""
    for event in result.all_events:
        error = event.step_failure_data.error if event.is_step_failure else None
        while error is not None:
            if error.cls_name in INTERRUPTIONS or error.message.strip().endswith("Query interrupted"):
                return True
            error = error.cause or error.context
    return False


def _blocked(result: dg.ExecuteInProcessResult) -> bool:
    """True when a blocking (ERROR) check evaluated and failed: the deal's inputs stopped it."""
    return any(not e.passed and e.severity == dg.AssetCheckSeverity.ERROR for e in result.get_asset_check_evaluations())


def _failure_text(result: dg.ExecuteInProcessResult) -> str:
    for event in result.all_events:
        if event.is_step_failure:
            error = event.step_failure_data.error
            if error is None:
                continue
            # A dagster.Failure carries the plain description (ours name the deal, the step and what it was
            # doing); other errors their innermost cause's message.
            text = error.message.strip()
            if error.cls_name == "Failure":
                return text
            cause = error.cause
            while cause is not None:
                text = cause.message.strip()
                cause = cause.cause
            return text
    return "the run failed"
