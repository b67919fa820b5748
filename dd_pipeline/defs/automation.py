"""Reruns without anyone pressing a button: a sensor on the deal folders and a daily schedule.

Both ask the rule the command line uses (dd_pipeline/reruns.py) whether a deal needs a run: a deal that
ran from the command line, or before the UI was restarted, is not run again while nothing changed, and a
deal with no answers yet is logged as waiting for answers instead of failing. The sensor keeps the content
hash it last judged for each deal in its cursor, so it looks again only when something changed. Neither
opens the warehouse, so they can never hold the file while a run writes it.
"""

import json
import os
from typing import TYPE_CHECKING

import dagster as dg

from dd_pipeline.intake import deal_ids
from dd_pipeline.models import DEAL_ID_PATTERN
from dd_pipeline.playbook import playbook_fingerprint
from dd_pipeline.reruns import deal_state, run_need
from dd_pipeline.settings import Settings

from .partitions import DEALS, DEALS_NAME, PLAYBOOK_TAG

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
    @dg.sensor(
        job=job,
        minimum_interval_seconds=int(os.environ.get("DD_SENSOR_SECONDS", "30")),
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Runs a deal when its folder is new or its inputs, the home profile or the playbook "
        "changed (by content); unchanged deals are left alone.",
    )
    def deal_folders(context: dg.SensorEvaluationContext) -> dg.SensorResult:
        settings = Settings.from_env()
        seen: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
        playbook_fp = playbook_fingerprint(settings.assets_dir)
        known = set(context.instance.get_dynamic_partitions(DEALS_NAME))
        state: dict[str, str] = {}
        new: list[str] = []
        requests: list[dg.RunRequest] = []
        for deal_id in deal_ids(settings):
            if not DEAL_ID_PATTERN.match(deal_id):
                context.log.warning(f"skipping folder {deal_id!r}: not a valid deal id")
                continue
            if deal_id not in known:
                new.append(deal_id)
            current = deal_state(settings, deal_id, playbook_fp)
            state[deal_id] = current
            if seen.get(deal_id) == current:
                continue  # judged before and nothing changed since
            need = run_need(settings, deal_id, playbook_fp)
            if need.waiting:
                context.log.info(f"{deal_id}: waiting for answers (no filled questionnaire or answers file yet)")
            elif need.needed:
                context.log.info(f"{deal_id}: runs because {need.reason}")
                requests.append(
                    dg.RunRequest(
                        partition_key=deal_id,
                        run_key=f"{deal_id}:{current}",
                        tags={"dd/trigger": "sensor", PLAYBOOK_TAG: playbook_fp},
                    )
                )
        return dg.SensorResult(
            run_requests=requests,
            dynamic_partitions_requests=[DEALS.build_add_request(new)] if new else [],
            cursor=json.dumps(state, sort_keys=True),
        )

    return deal_folders


def daily_rerun_schedule(job: "UnresolvedAssetJobDefinition") -> dg.ScheduleDefinition:
    """Every deal, once a day (DD_RERUN_CRON, default 06:00); DD_DAILY_RERUN=off leaves it stopped."""
    enabled = os.environ.get("DD_DAILY_RERUN", "on").strip().lower() not in OFF

    @dg.schedule(
        job=job,
        cron_schedule=os.environ.get("DD_RERUN_CRON", "0 6 * * *"),
        execution_timezone=os.environ.get("DD_TIMEZONE", "UTC"),
        default_status=dg.DefaultScheduleStatus.RUNNING if enabled else dg.DefaultScheduleStatus.STOPPED,
        description="Once a day, runs every deal that needs a run (the command line's rule: inputs, "
        "playbook or code changed, or outputs altered); unchanged deals are left alone.",
    )
    def daily_rerun(context: dg.ScheduleEvaluationContext) -> dg.SkipReason | list[dg.RunRequest]:
        settings = Settings.from_env()
        day = context.scheduled_execution_time.strftime("%Y-%m-%d") if context.scheduled_execution_time else "now"
        playbook_fp = playbook_fingerprint(settings.assets_dir)
        present = set(deal_ids(settings))
        needs = [
            run_need(settings, deal_id, playbook_fp)
            for deal_id in sorted(context.instance.get_dynamic_partitions(DEALS_NAME))
            if deal_id in present
        ]
        requests = [
            dg.RunRequest(
                partition_key=n.deal_id,
                run_key=f"daily:{day}:{n.deal_id}:{n.state}",
                tags={"dd/trigger": "schedule", PLAYBOOK_TAG: playbook_fp},
            )
            for n in needs
            if n.needed
        ]
        if not requests:
            waiting = [n.deal_id for n in needs if n.waiting]
            return dg.SkipReason(
                "every deal is up to date" + (f"; waiting for answers: {', '.join(waiting)}" if waiting else "")
            )
        return requests

    return daily_rerun
