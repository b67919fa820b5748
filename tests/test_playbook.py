"""Loading the playbook: a correct one loads, and each mistake a user makes while editing assets/ is reported with
the file, line, key and the value found, in words they can act on."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_playbook import DIMENSION_IDS, SEED_TASK_IDS, edit_file, line_of, write_fake_playbook

from dd_pipeline.errors import ProblemList
from dd_pipeline.playbook import load_playbook


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_fake_playbook(tmp_path)


def problems_of(root: Path) -> list[str]:
    with pytest.raises(ProblemList) as caught:
        load_playbook(root)
    return [str(p) for p in caught.value.problems]


def test_the_fake_playbook_loads_with_everything_it_defines(root: Path) -> None:
    playbook = load_playbook(root)

    assert [c.id for c in playbook.categories] == ["strategy", "norms"]
    assert playbook.alliance_type_ids == ["co_development", "licensing"]
    assert sorted(d.id for d in playbook.dimensions) == sorted(DIMENSION_IDS)
    assert [c.id for c in playbook.challenges] == ["C01", "C02"]
    assert sorted(m.id for m in playbook.mitigations) == ["conflict_norms", "joint_training", "priority_review"]
    assert sorted(playbook.clause_by_id) == ["dispute_resolution", "joint_escalation", "steering_committee_charter"]
    assert [w.id for w in playbook.launch_plan.workstreams] == ["governance_setup", "launch_review"]
    seed_tasks = [t.id for w in playbook.launch_plan.workstreams for t in w.tasks]
    assert sorted(seed_tasks) == sorted(SEED_TASK_IDS)
    assert playbook.escalation_tiers == ["the {{ operating_committee }}", "the {{ steering_committee }}"]


def test_defaults_fill_what_a_dimension_leaves_out(root: Path) -> None:
    time_horizon = load_playbook(root).dimension_by_id["time_horizon"]

    assert (time_horizon.scale.min, time_horizon.scale.max) == (1, 5)
    assert time_horizon.direction == "symmetric"
    assert time_horizon.weight_for("co_development") == 1.0
    assert load_playbook(root).dimension_by_id["alliance_priority"].weight_for("co_development") == 1.5


def test_a_mitigation_naming_an_unknown_dimension_says_where_and_which(root: Path) -> None:
    edit_file(root, "mitigations/governance.yaml", "dimensions: [alliance_priority]", "dimensions: [alliance_prio]")
    line = line_of(root, "mitigations/governance.yaml", "alliance_prio")

    assert problems_of(root) == [
        f"assets/mitigations/governance.yaml, line {line}, mitigations[0] (priority_review).triggers[0]"
        ".dimensions[0]: 'alliance_prio' is not a dimension id in assets/framework/dimensions/"
    ]


def test_a_mitigation_id_used_twice_names_both_places(root: Path) -> None:
    edit_file(root, "mitigations/training.yaml", "  - id: joint_training", "  - id: priority_review")

    assert problems_of(root) == [
        "assets/mitigations/training.yaml, line 2, mitigations[0] (priority_review).id: 'priority_review' is "
        "defined twice (first in assets/mitigations/governance.yaml, line 2)"
    ]


def test_a_clause_id_used_twice_is_reported_at_the_second(root: Path) -> None:
    edit_file(root, "clauses/10_governance.yaml", "  - id: joint_escalation", "  - id: steering_committee_charter")
    lines = (root / "clauses/10_governance.yaml").read_text(encoding="utf-8").splitlines()
    first, second = [n for n, text in enumerate(lines, start=1) if text == "  - id: steering_committee_charter"]

    problems = problems_of(root)

    assert (
        f"assets/clauses/10_governance.yaml, line {second}, clauses[1] (steering_committee_charter).id: "
        f"'steering_committee_charter' is defined twice (first in assets/clauses/10_governance.yaml, line {first})"
    ) in problems


def test_a_clause_name_misspelt_in_a_mitigation_gets_a_suggestion(root: Path) -> None:
    edit_file(root, "mitigations/governance.yaml", "clauses: [steering_committee_charter]", "clauses: [steering_chart]")

    (problem,) = problems_of(root)

    assert problem.startswith(
        "assets/mitigations/governance.yaml, line 13, mitigations[0] (priority_review).clauses[0]"
    )
    assert (
        "'steering_chart' is not a clause id in assets/clauses/ (did you mean 'steering_committee_charter'?)" in problem
    )


def test_a_colon_inside_a_value_is_broken_yaml_with_advice(root: Path) -> None:
    edit_file(root, "framework/dimensions/strategy.yaml", "name: Time horizon", "name: Time: horizon")
    line = line_of(root, "framework/dimensions/strategy.yaml", "Time: horizon")

    assert problems_of(root) == [
        f"assets/framework/dimensions/strategy.yaml, line {line}: is not valid YAML at column 15: a ':' inside a "
        "value needs quotes around the value"
    ]


def test_a_quote_never_closed_is_broken_yaml(root: Path) -> None:
    edit_file(root, "challenges.yaml", "    title: Partner objectives not understood", '    title: "Partner objectives')

    (problem,) = problems_of(root)

    assert problem.startswith("assets/challenges.yaml, line ")
    assert "is not valid YAML" in problem


def test_a_key_given_twice_names_the_first_line(root: Path) -> None:
    edit_file(root, "mitigations/training.yaml", "    effort: high", "    effort: high\n    effort: low")

    assert problems_of(root) == [
        "assets/mitigations/training.yaml, line 8, effort: is given twice (first on line 7); keep one"
    ]


def test_a_missing_required_field_names_the_item_and_the_key(root: Path) -> None:
    edit_file(
        root,
        "framework/dimensions/norms.yaml",
        "    category: norms\n    name: Conflict style",
        "    name: Conflict style",
    )

    assert problems_of(root) == [
        "assets/framework/dimensions/norms.yaml, line 2, dimensions[0] (conflict_style).category: is missing; "
        "it is required"
    ]


def test_a_misspelt_key_gets_a_suggestion(root: Path) -> None:
    edit_file(root, "mitigations/training.yaml", "    effort: high", "    efort: high")

    problems = problems_of(root)

    assert (
        "assets/mitigations/training.yaml, line 7, mitigations[0] (joint_training).efort: is not a known key "
        "(did you mean 'effort'?)" in problems
    )
    assert (
        "assets/mitigations/training.yaml, line 2, mitigations[0] (joint_training).effort: is missing; it is required"
        in problems
    )


def test_a_value_outside_a_fixed_list_lists_the_allowed_ones(root: Path) -> None:
    edit_file(root, "mitigations/training.yaml", "    effort: high", "    effort: huge")

    assert problems_of(root) == [
        "assets/mitigations/training.yaml, line 7, mitigations[0] (joint_training).effort: 'huge' is not allowed; "
        "expected one of 'low', 'medium' or 'high'"
    ]


def test_a_task_depending_on_an_unknown_task_is_reported_in_the_seed(root: Path) -> None:
    edit_file(root, "launch_plan/seed.yaml", "depends_on: [kickoff]", "depends_on: [kick_off]")
    line = line_of(root, "launch_plan/seed.yaml", "kick_off")

    assert problems_of(root) == [
        f"assets/launch_plan/seed.yaml, line {line}, workstreams[1] (launch_review).tasks[1] (closeout)"
        ".depends_on[0]: 'kick_off' is not a task id"
    ]


def test_a_mitigation_task_in_an_unknown_workstream_is_reported(root: Path) -> None:
    edit_file(root, "mitigations/governance.yaml", "workstream: governance_setup", "workstream: governance")

    (problem,) = problems_of(root)

    assert "tasks[0] (priority_review_session).workstream: 'governance' is not a workstream id" in problem
    assert problem.startswith("assets/mitigations/governance.yaml, line ")


def test_a_missing_file_is_named(root: Path) -> None:
    (root / "launch_plan" / "seed.yaml").unlink()

    assert problems_of(root) == ["assets/launch_plan/seed.yaml: is missing"]


def test_every_mistake_is_reported_at_once_sorted_by_file(root: Path) -> None:
    edit_file(root, "mitigations/training.yaml", "    effort: high", "    effort: huge")
    edit_file(root, "challenges.yaml", "  - id: C02", "  - id: C2")

    problems = problems_of(root)

    assert [p.split(",")[0] for p in problems] == ["assets/challenges.yaml", "assets/mitigations/training.yaml"]
    assert "'C2' is not allowed; expected a challenge id such as C07" in problems[0]


def test_an_edit_after_a_good_load_is_seen_by_the_next_load(root: Path) -> None:
    assert len(load_playbook(root).mitigations) == 3
    edit_file(root, "mitigations/training.yaml", "    effort: high", "    effort: huge")

    with pytest.raises(ProblemList, match="'huge' is not allowed"):
        load_playbook(root)

    edit_file(root, "mitigations/training.yaml", "    effort: huge", "    effort: low")
    assert load_playbook(root).mitigations[-1].effort == "low"


# --- mistakes the playbook does not report yet (product bugs; the tests say what a user should read) ------------


def test_a_retired_direction_names_the_value_to_write_instead(root: Path) -> None:
    edit_file(root, "framework/dimensions/strategy.yaml", "direction: higher_is_better", "direction: partner_lower")
    line = line_of(root, "framework/dimensions/strategy.yaml", "partner_lower")

    (problem,) = problems_of(root)

    assert problem.startswith(
        f"assets/framework/dimensions/strategy.yaml, line {line}, dimensions[0] (alliance_priority).direction: "
    )
    assert "write 'higher_is_better'" in problem


def test_a_retired_direction_shows_the_value_once(root: Path) -> None:
    edit_file(root, "framework/dimensions/strategy.yaml", "direction: higher_is_better", "direction: partner_lower")

    (problem,) = problems_of(root)

    assert problem.count("'partner_lower'") == 1, problem


def test_a_seed_task_id_used_twice_is_reported(root: Path) -> None:
    edit_file(root, "launch_plan/seed.yaml", "      - id: closeout", "      - id: committee_staffing")

    problems = problems_of(root)

    assert any("'committee_staffing' is defined twice" in p for p in problems), problems


def test_seed_tasks_depending_on_each_other_in_a_circle_are_reported(root: Path) -> None:
    edit_file(
        root,
        "launch_plan/seed.yaml",
        "        duration_days: 5\n      - id: committee_first_meetings",
        "        duration_days: 5\n        depends_on: [committee_first_meetings]\n"
        "      - id: committee_first_meetings",
    )

    problems = problems_of(root)

    assert any(p.startswith("assets/launch_plan/seed.yaml, line ") and "circle" in p for p in problems), problems


def test_an_unknown_after_task_for_the_meetings_is_reported(root: Path) -> None:
    edit_file(root, "launch_plan/seed.yaml", "after_task: committee_first_meetings", "after_task: committee_meetings")

    problems = problems_of(root)

    assert any("'committee_meetings' is not a task id" in p for p in problems), problems


def test_a_challenge_id_used_twice_is_reported(root: Path) -> None:
    edit_file(
        root,
        "challenges.yaml",
        "    source: fake source 2\n",
        "    source: fake source 2\n  - id: C01\n    group: team_members\n    title: Another\n"
        "    description: Another challenge.\n    source: fake source 14\n",
    )

    problems = problems_of(root)

    assert any(p.startswith("assets/challenges.yaml, line ") and "'C01' is defined twice" in p for p in problems)
