"""Reruns as the schedule and the deal team meet them: sensor, schedule, history, change reports, concurrency."""

from __future__ import annotations

import csv
import datetime
import hashlib
import json
import os
import subprocess
import sys
import time

import dagster as dg
import pytest
from typer.testing import CliRunner

from dd_pipeline.cli import app
from dd_pipeline.defs import build_definitions
from dd_pipeline.defs.partitions import DEALS_NAME
from dd_pipeline.warehouse.connection import connect

SAMPLE_DEALS = ["brightpath-comarketing", "helix-jv", "northwind-codev"]


def _point_at(settings, monkeypatch) -> None:
    monkeypatch.setenv("DD_ASSETS", str(settings.assets_dir))
    monkeypatch.setenv("DD_INPUTS", str(settings.inputs_dir))
    monkeypatch.setenv("DD_OUTPUTS", str(settings.outputs_dir))


@pytest.fixture
def env(project, dagster_home, monkeypatch):
    _point_at(project, monkeypatch)
    return project


@pytest.fixture
def ran(ran_project, tmp_path, monkeypatch):
    """The sample project after `dd-pipeline run --deal helix-jv` from scratch (a copy of the session's run),
    the command line pointed at it; DAGSTER_HOME is the run's Dagster home, tmp_path/dagster_home."""
    _point_at(ran_project, monkeypatch)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    return ran_project


def tick(instance, cursor=None):
    defs = build_definitions()
    sensor = defs.get_repository_def().get_sensor_def("deal_folders")
    context = dg.build_sensor_context(instance=instance, cursor=cursor, definitions=defs)
    return sensor(context)


def requested(result) -> list[str]:
    return sorted(r.partition_key for r in result.run_requests)


def set_answer(path, dimension: str, rated_side: str, value: str) -> None:
    rows = list(csv.reader(path.open(encoding="utf-8")))
    for row in rows[1:]:
        if row[5] == dimension and row[4] == rated_side:
            row[6] = value
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def test_sensor_runs_new_and_changed_deals_only(env, dagster_home):
    with dg.instance_for_test(temp_dir=str(dagster_home)) as instance:
        first = tick(instance)
        assert requested(first) == SAMPLE_DEALS
        assert sorted(first.dynamic_partitions_requests[0].partition_keys) == SAMPLE_DEALS
        instance.add_dynamic_partitions(DEALS_NAME, SAMPLE_DEALS)

        unchanged = tick(instance, first.cursor)
        assert requested(unchanged) == [] and unchanged.dynamic_partitions_requests == []

        answers = env.deal_dir("helix-jv") / "answers_partner.csv"
        os.utime(answers, (1, 1))  # a new modification time alone is not a change
        assert requested(tick(instance, first.cursor)) == []

        set_answer(answers, "trust_propensity", "partner", "4")
        changed = tick(instance, first.cursor)
        assert requested(changed) == ["helix-jv"]

        # a new deal with no answers yet is known, but waits for answers instead of failing a run
        new_deal = env.deals_dir / "orion-supply"
        new_deal.mkdir()
        (new_deal / "deal.yaml").write_text((env.deal_dir("helix-jv") / "deal.yaml").read_text())
        added = tick(instance, changed.cursor)
        assert requested(added) == []
        assert added.dynamic_partitions_requests[0].partition_keys == ["orion-supply"]
        instance.add_dynamic_partitions(DEALS_NAME, ["orion-supply"])
        (new_deal / "answers_partner.csv").write_text(answers.read_text())
        assert requested(tick(instance, added.cursor)) == ["orion-supply"]


def test_a_restarted_sensor_and_the_schedule_leave_a_deal_the_command_line_ran(ran, tmp_path):
    """The command line, the sensor and the schedule share one rule: after `run`, a restarted UI (its sensor
    cursor lost or stale) does not run the deal again, so no 'no change' run hides the real change."""
    env = ran  # `run --deal helix-jv` has run
    with dg.instance_for_test(temp_dir=str(tmp_path / "dagster_home")) as instance:
        instance.add_dynamic_partitions(DEALS_NAME, SAMPLE_DEALS)
        fresh = tick(instance)
        assert requested(fresh) == ["brightpath-comarketing", "northwind-codev"]  # never ran
        defs = build_definitions()
        schedule = defs.get_repository_def().get_schedule_def("daily_rerun")
        context = dg.build_schedule_context(
            instance=instance,
            repository_def=defs.get_repository_def(),
            scheduled_execution_time=datetime.datetime(2027, 3, 1, 6, 0),
        )
        daily = schedule.evaluate_tick(context).run_requests
        assert sorted(r.partition_key for r in daily) == ["brightpath-comarketing", "northwind-codev"]
        set_answer(env.deal_dir("helix-jv") / "answers_partner.csv", "trust_propensity", "partner", "4")
        assert requested(tick(instance, fresh.cursor)) == ["helix-jv"]
        daily = schedule.evaluate_tick(context).run_requests
        assert "helix-jv" in {r.partition_key for r in daily}


def test_sensor_reruns_every_deal_when_the_playbook_or_home_profile_changes(env, dagster_home):
    with dg.instance_for_test(temp_dir=str(dagster_home)) as instance:
        first = tick(instance)
        instance.add_dynamic_partitions(DEALS_NAME, SAMPLE_DEALS)
        scoring = env.assets_dir / "framework" / "scoring.yaml"
        scoring.write_text(scoring.read_text() + "\n# reviewed by the alliance office\n")
        after_playbook = tick(instance, first.cursor)
        assert requested(after_playbook) == SAMPLE_DEALS
        org = env.home_dir / "organization.yaml"
        org.write_text(org.read_text() + "\n# reviewed\n")
        assert requested(tick(instance, after_playbook.cursor)) == SAMPLE_DEALS


def test_daily_schedule_requests_every_known_deal(env, dagster_home, monkeypatch):
    monkeypatch.setenv("DD_RERUN_CRON", "30 7 * * 1-5")
    with dg.instance_for_test(temp_dir=str(dagster_home)) as instance:
        instance.add_dynamic_partitions(DEALS_NAME, SAMPLE_DEALS)
        defs = build_definitions()
        schedule = defs.get_repository_def().get_schedule_def("daily_rerun")
        assert schedule.cron_schedule == "30 7 * * 1-5"
        assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
        context = dg.build_schedule_context(
            instance=instance,
            repository_def=defs.get_repository_def(),
            scheduled_execution_time=datetime.datetime(2027, 3, 1, 7, 30),
        )
        requests = schedule.evaluate_tick(context).run_requests
        assert sorted(r.partition_key for r in requests) == SAMPLE_DEALS
    monkeypatch.setenv("DD_DAILY_RERUN", "off")
    stopped = build_definitions().get_repository_def().get_schedule_def("daily_rerun")
    assert stopped.default_status == dg.DefaultScheduleStatus.STOPPED


def outputs_digest(folder) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "run.json" and p.suffix not in (".duckdb", ".wal") and not p.name.startswith(".")
    }


def test_reruns_keep_history_skip_unchanged_and_report_changes(ran):
    env = ran  # run 1: `run --deal helix-jv` from scratch
    runner = CliRunner()
    deal = ["--deal", "helix-jv"]
    folder = env.deal_outputs("helix-jv")
    assert "First run of this deal" in (folder / "changes.md").read_text()

    skipped = runner.invoke(app, ["run", *deal])
    assert "helix-jv: unchanged since its last run" in skipped.output

    assert runner.invoke(app, ["run", "--force", *deal]).exit_code == 0
    assert (folder / "changes.md").read_text().endswith("No change since the previous run.\n")
    after_second = outputs_digest(env.outputs_dir)
    assert runner.invoke(app, ["run", "--force", *deal]).exit_code == 0
    assert outputs_digest(env.outputs_dir) == after_second
    assert json.loads((folder / "run.json").read_text())["sequence"] == 3

    set_answer(env.deal_dir("helix-jv") / "answers_partner.csv", "trust_propensity", "partner", "4")
    assert runner.invoke(app, ["run", *deal]).exit_code == 0
    report = (folder / "changes.md").read_text()
    # the partner now trusts a little more than the home side: the high shortfall closes to a low one
    assert "## Closed gaps\n\n- Readiness to trust: high (55.1) -> low (" in report
    assert "partner 1.7 -> 4.0" in report
    assert "dropped 'Behavioral Principles'" in report
    # the inputs come first: the answers that changed, by respondent and dimension, old and new value
    assert report.index("## Answers") < report.index("## Closed gaps") < report.index("## Mitigations")
    assert "- P01 (partner) about Helix, Readiness to trust: 1 -> 4\n" in report
    assert "## Perception gaps\n\n" in report and "Readiness to trust, Helix as it sees itself" in report
    # `diff` says the same for the last two runs, and can compare any two
    diff = runner.invoke(app, ["diff", *deal])
    assert diff.exit_code == 0, diff.output
    assert diff.output.splitlines()[0].startswith("helix-jv: run 3 (") and "-> run 4 (" in diff.output
    assert diff.output.split("\n", 1)[1] == report
    first_and_last = runner.invoke(app, ["diff", *deal, "--from", "1", "--to", "4"]).output
    assert first_and_last.split("\n", 1)[1] == report  # runs 1 to 3 read the same inputs
    unchanged = runner.invoke(app, ["diff", *deal, "--from", "1", "--to", "3"]).output
    assert "No change between run 1 and run 3." in unchanged
    missing = runner.invoke(app, ["diff", *deal, "--to", "7"])
    assert missing.exit_code == 2 and "--to 7: helix-jv has no run 7 (runs 1 to 4 are recorded)" in missing.output

    # a change that moves no score is still a change: an evidence note and a comment
    with (env.deal_dir("helix-jv") / "evidence.csv").open("a", encoding="utf-8") as handle:
        handle.write("decision_style,partner,observation,Board papers go out two weeks ahead.,Kick-off,2027-06-01\n")
    assert runner.invoke(app, ["run", *deal]).exit_code == 0
    quiet = (folder / "changes.md").read_text()
    assert "No change" not in quiet
    assert (
        "## Evidence\n\n- added: Decision-making style, about Helix (observation): 'Board papers go out two "
        "weeks ahead.'"
    ) in quiet
    with connect(env.warehouse_path, read_only=True) as con:
        runs = con.execute(
            "SELECT sequence, risk_index FROM run_history WHERE deal_id = 'helix-jv' ORDER BY sequence"
        ).fetchall()
        kept = con.execute("SELECT count(DISTINCT run_id) FROM history_gaps WHERE deal_id = 'helix-jv'").fetchone()
    assert [r[0] for r in runs] == [1, 2, 3, 4, 5]
    assert runs[0][1] == runs[2][1] != runs[3][1]
    assert kept[0] == 5


def test_two_deals_run_at_the_same_time_against_one_warehouse(env, dagster_home):
    command = [sys.executable, "-m", "dd_pipeline.cli", "run", "--deal"]
    base_env = {**os.environ, "DAGSTER_HOME": str(dagster_home)}
    started = time.monotonic()
    procs = [
        subprocess.Popen([*command, d], env=base_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for d in ("helix-jv", "northwind-codev")
    ]
    outputs = [p.communicate(timeout=300)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert all("Could not set lock" not in o for o in outputs)
    assert time.monotonic() - started < 300
    with connect(env.warehouse_path, read_only=True) as con:
        scored = con.execute("SELECT deal_id FROM deal_scores ORDER BY deal_id").fetchall()
        history = con.execute("SELECT count(*) FROM run_history").fetchone()[0]
    assert scored == [("helix-jv",), ("northwind-codev",)]
    assert history == 2
