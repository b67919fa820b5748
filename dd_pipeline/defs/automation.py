"""Reruns without anyone pressing a button: a sensor on the deal folders and a daily schedule.

The sensor judges change by content hashes (deal folder, home profile, playbook, the tool's code) kept in
its cursor; it never opens the warehouse, so it can never hold the file while a run writes it.
"""

import json
import os
from typing import TYPE_CHECKING

import dagster as dg

from dd_pipeline.intake import deal_ids
from dd_pipeline.models import DEAL_ID_PATTERN
from dd_pipeline.playbook import playbook_fingerprint
from dd_pipeline.reruns import deal_state
from dd_pipeline.settings import Settings

from .partitions import DEALS

if TYPE_CHECKING:
    from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

OFF = ("off", "0", "false", "no")


def deal_job(partitioned: list[dg.AssetsDefinition]) -> "UnresolvedAssetJobDefinition":
    return dg.define_asset_job(
        "deal_job",
        selection=dg.AssetSelection.assets(*partitioned),
        partitions_def=DEALS,
        executor_def=dg.in_process_executor,
        description="Everything for one deal: inputs, checks, scores, mitigations, clauses, launch plan, history.",
    )


def deal_folder_sensor(job: "UnresolvedAssetJobDefinition") -> dg.SensorDefinition:
    @dg.sensor(job=job, minimum_interval_seconds=int(os.environ.get("DD_SENSOR_SECONDS", "30")),
               default_status=dg.DefaultSensorStatus.RUNNING,
               description="Runs a deal when its folder is new or its inputs, the home profile or the playbook "
                           "changed (by content); unchanged deals are left alone.")
    def deal_folders(context: dg.SensorEvaluationContext) -> dg.SensorResult:
        settings = Settings.from_env()
        seen: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
        playbook_fp = playbook_fingerprint(settings.assets_dir)
        known = set(context.instance.get_dynamic_partitions(DEALS.name))
        state: dict[str, str] = {}
        new: list[str] = []
        requests: list[dg.RunRequest] = []
        for deal_id in deal_ids(settings):
            if not DEAL_ID_PATTERN.match(deal_id):
                context.log.warning(f"skipping folder {deal_id!r}: not a valid deal id")
                continue
            current = deal_state(settings, deal_id, playbook_fp)
            state[deal_id] = current
            if deal_id not in known:
                new.append(deal_id)
            if seen.get(deal_id) != current:
                requests.append(dg.RunRequest(partition_key=deal_id, run_key=f"{deal_id}:{current}",
                                              tags={"dd/trigger": "sensor"}))
        return dg.SensorResult(
            run_requests=requests,
            dynamic_partitions_requests=[DEALS.build_add_request(new)] if new else [],
            cursor=json.dumps(state, sort_keys=True),
        )

    return deal_folders


def daily_rerun_schedule(job: "UnresolvedAssetJobDefinition") -> dg.ScheduleDefinition:
    """Every deal, once a day (DD_RERUN_CRON, default 06:00); DD_DAILY_RERUN=off leaves it stopped."""
    enabled = os.environ.get("DD_DAILY_RERUN", "on").strip().lower() not in OFF

    @dg.schedule(job=job, cron_schedule=os.environ.get("DD_RERUN_CRON", "0 6 * * *"),
                 execution_timezone=os.environ.get("DD_TIMEZONE", "UTC"),
                 default_status=dg.DefaultScheduleStatus.RUNNING if enabled else dg.DefaultScheduleStatus.STOPPED,
                 description="Reruns every deal daily so the outputs stay fresh.")
    def daily_rerun(context: dg.ScheduleEvaluationContext) -> list[dg.RunRequest]:
        day = context.scheduled_execution_time.strftime("%Y-%m-%d") if context.scheduled_execution_time else "now"
        return [
            dg.RunRequest(partition_key=deal_id, run_key=f"daily:{day}:{deal_id}", tags={"dd/trigger": "schedule"})
            for deal_id in sorted(context.instance.get_dynamic_partitions(DEALS.name))
        ]

    return daily_rerun
