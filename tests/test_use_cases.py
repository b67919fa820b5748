"""The use cases on their own, without Dagster: a sample deal from its folder to a launch plan and a recorded
run, and the one verdict on whether a deal is valid, worded as the command line words it."""

from __future__ import annotations

import datetime as dt
import json

from dd_pipeline.use_cases import (
    SCORING_TABLES,
    accept_deal,
    deal_place,
    draft_deal,
    ingest_deal,
    match_deal,
    plan_deal,
    publish_deal,
    score_deal,
    snapshot_deal,
    validate_deal,
)
from dd_pipeline.warehouse.connection import connect
from tests.conftest import cli_for

DEAL = "helix-jv"


def test_the_use_cases_alone_take_a_sample_deal_from_its_folder_to_a_launch_plan(project, playbook):
    with connect(project.warehouse_path) as con:
        ingested = ingest_deal(con, project, playbook, DEAL)
        validation = validate_deal(con, playbook, DEAL, deal_place(project, DEAL))
        assert ingested.errors == [] and validation.valid and validation.outcomes
        accepted = accept_deal(con, DEAL)
        assert accepted.deal.partner == ingested.inputs.intake.deal.partner
        assert accepted.counts.rows == len(ingested.inputs.intake.answers)
        rows = score_deal(con, DEAL)
        assert list(rows) == list(SCORING_TABLES) and rows["findings"] > 0 and rows["deal_scores"] == 1
        matched = match_deal(con, playbook, DEAL)
        drafted = draft_deal(con, playbook, DEAL)
        planned = plan_deal(con, playbook, DEAL)
    assert matched.result.selected, "a sample deal with high findings selects mitigations"
    assert drafted.draft.drafted and not drafted.draft.problems
    tasks = [t for t in planned.tasks if t.kind == "task"]
    assert any(t.origin.startswith("mitigation:") for t in tasks), "the selected mitigations add launch tasks"
    assert any(t.kind == "meeting" for t in planned.tasks)


def test_a_recorded_run_says_whether_anything_changed_since_the_one_before(project, playbook):
    folder = project.outputs_dir / "staged-run"
    folder.mkdir()
    (folder / "gaps.csv").write_text("rank\n1\n", encoding="utf-8")
    when = dt.datetime(2026, 1, 5, 9, 30)
    with connect(project.warehouse_path) as con:
        ingest_deal(con, project, playbook, DEAL)
        accept_deal(con, DEAL)
        score_deal(con, DEAL)
        match_deal(con, playbook, DEAL)
        draft_deal(con, playbook, DEAL)
        plan_deal(con, playbook, DEAL)
        first = snapshot_deal(con, DEAL, "run-a", folder, when)
        second = snapshot_deal(con, DEAL, "run-b", folder, when + dt.timedelta(days=1))
    assert first.run["sequence"] == 1 and first.run["changed"] is True and first.changes.first_run
    assert second.run["sequence"] == 2 and second.run["changed"] is False
    assert second.run["recorded_at"] == "2026-01-06T09:30:00Z"
    assert second.run["output_fingerprint"] == first.run["output_fingerprint"]
    assert second.run["input_fingerprint"] == first.run["input_fingerprint"] != ""
    assert (folder / "changes.md").read_text(encoding="utf-8").strip()
    json.dumps(second.run)  # run.json holds plain values only


def test_publishing_writes_run_json_and_puts_the_runs_files_in_place(project, playbook):
    from dd_pipeline.publish import stage

    folder = stage(project, DEAL, "run-a")
    (folder / "gaps.csv").write_text("rank\n1\n", encoding="utf-8")
    published = publish_deal(project, DEAL, "run-a", folder, {"deal_id": DEAL, "sequence": 1})
    assert published == project.deal_outputs(DEAL)
    assert json.loads((published / "run.json").read_text(encoding="utf-8")) == {"deal_id": DEAL, "sequence": 1}
    assert (published / "gaps.csv").read_text(encoding="utf-8") == "rank\n1\n"


def test_validate_deal_refuses_a_bad_row_with_the_message_the_command_line_prints(project, playbook, monkeypatch):
    answers = project.deal_dir(DEAL) / "answers_partner.csv"
    lines = answers.read_text(encoding="utf-8").splitlines()
    row = lines[2].split(",")
    row[6] = "9"
    lines[2] = ",".join(row)
    answers.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with connect(project.warehouse_path) as con:
        ingest_deal(con, project, playbook, DEAL)
        validation = validate_deal(con, playbook, DEAL, deal_place(project, DEAL))
    assert not validation.valid
    messages = [str(p) for p in validation.problems]
    assert "inputs/deals/helix-jv/answers_partner.csv, row 3, value: '9' is not on the scale" in " ".join(messages)
    result = cli_for(project, monkeypatch)("validate", "--deal", DEAL)
    assert result.exit_code == 2
    printed = [line.strip().removeprefix("x ") for line in result.output.splitlines()]
    assert set(messages) <= set(printed), (messages, result.output)
