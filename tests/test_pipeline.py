"""The whole graph, materialized with Dagster into a temporary DAGSTER_HOME and warehouse."""

from __future__ import annotations

import dagster as dg
import pytest

from dd_pipeline.defs import all_assets, all_checks, build_definitions
from dd_pipeline.defs.partitions import DEALS, DEALS_NAME
from dd_pipeline.defs.resources import resources_for
from dd_pipeline.playbook import load_playbook
from dd_pipeline.warehouse.connection import connect, frame


def materialize_deal(
    settings, deal_id: str, instance: dg.DagsterInstance, tags: dict[str, str] | None = None
) -> dg.ExecuteInProcessResult:
    resources = resources_for(settings)
    assets = all_assets()
    dg.materialize([a for a in assets if a.partitions_def is None], instance=instance, resources=resources)
    instance.add_dynamic_partitions(DEALS_NAME, [deal_id])
    return dg.materialize(
        [*assets, *all_checks()],
        selection=dg.AssetSelection.assets(*[a for a in assets if a.partitions_def is not None]),
        partition_key=deal_id,
        instance=instance,
        resources=resources,
        raise_on_error=False,
        tags=tags,
    )


def test_a_run_never_mixes_two_playbooks(project, dagster_home):
    """A run started with one playbook (the dd/playbook tag) fails its steps once assets/ holds another."""
    from dd_pipeline.defs.partitions import PLAYBOOK_TAG

    with dg.instance_for_test(temp_dir=str(dagster_home)) as instance:
        result = materialize_deal(project, "helix-jv", instance, tags={PLAYBOOK_TAG: "0123456789abcdef"})
    assert not result.success
    failures = [
        e.step_failure_data.user_failure_data.description
        for e in result.all_events
        if e.is_step_failure and e.step_failure_data.user_failure_data
    ]
    assert (
        failures
        and "The playbook in assets/ changed while this run was going on (it started with playbook 0123456789abcdef"
        in failures[0]
    )
    assert not (project.deal_outputs("helix-jv") / "gaps.csv").exists()  # nothing of the run was published


def test_definitions_load_with_partitioned_graph():
    defs = build_definitions()
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert {
        "playbook",
        "deal_inputs",
        "answers",
        "gaps",
        "category_scores",
        "deal_scores",
        "perception_gaps",
        "internal_disagreement",
        "likely_challenges",
        "mitigations",
        "clauses",
        "launch_plan",
    } <= keys
    assert graph.get(dg.AssetKey("gaps")).partitions_def == DEALS


def test_sample_deal_end_to_end(project, dagster_home):
    with dg.instance_for_test(temp_dir=str(dagster_home)) as instance:
        result = materialize_deal(project, "northwind-codev", instance)
        assert result.success
        checks = {e.asset_check_key.name: e.passed for e in result.get_asset_check_evaluations()}
        assert checks["deal_inputs_are_valid"] is True
    with connect(project.warehouse_path, read_only=True) as con:
        gaps = frame(con, "SELECT * FROM gaps WHERE deal_id = 'northwind-codev' ORDER BY rank")
        deal = frame(con, "SELECT * FROM deal_scores WHERE deal_id = 'northwind-codev'").iloc[0]
        answers = con.execute("SELECT count(*) FROM answers WHERE deal_id = 'northwind-codev'").fetchone()[0]
    assert len(gaps) == len(load_playbook(project.assets_dir).dimensions) and answers > 500
    # the sample partner is hierarchical and consensus-driven: structure dominates the top gaps
    assert gaps.iloc[0].band == "critical"
    assert "decision_style" in set(gaps.head(5).dimension_id)
    assert deal.band in ("high", "critical") and deal.critical_gaps >= 3
    out = project.deal_outputs("northwind-codev")
    for name in (
        "gaps.csv",
        "category_scores.csv",
        "mitigations.csv",
        "clauses.md",
        "clauses.docx",
        "clauses.json",
        "launch_plan.csv",
        "launch_plan.xlsx",
        "launch_plan.ics",
    ):
        assert (out / name).stat().st_size > 0, name


def test_deal_with_input_errors_is_blocked_and_keeps_previous_outputs(project, dagster_home):
    with dg.instance_for_test(temp_dir=str(dagster_home)) as instance:
        assert materialize_deal(project, "brightpath-comarketing", instance).success
        gaps_csv = project.deal_outputs("brightpath-comarketing") / "gaps.csv"
        before = gaps_csv.read_bytes()
        answers = project.deal_dir("brightpath-comarketing") / "answers_partner.csv"
        lines = answers.read_text(encoding="utf-8").splitlines()
        fields = lines[5].split(",")
        fields[6] = "often"
        lines[5] = ",".join(fields)
        answers.write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = materialize_deal(project, "brightpath-comarketing", instance)
        assert not result.success
        checks = {e.asset_check_key.name: e.passed for e in result.get_asset_check_evaluations()}
        assert checks["deal_inputs_are_valid"] is False
        materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
        assert "gaps" not in materialized
    assert gaps_csv.read_bytes() == before
    with connect(project.warehouse_path, read_only=True) as con:
        problem = con.execute(
            "SELECT file, row_number, field, value, message FROM input_problems "
            "WHERE deal_id = 'brightpath-comarketing' AND severity = 'error'"
        ).fetchall()
        quarantined = con.execute(
            "SELECT count(*) FROM quarantine WHERE deal_id = 'brightpath-comarketing'"
        ).fetchone()[0]
    assert problem == [
        ("inputs/deals/brightpath-comarketing/answers_partner.csv", 6, "value", "'often'", pytest.approx(problem[0][4]))
    ]
    assert "is not a number; expected a whole number from" in problem[0][4]
    assert quarantined == 1
