"""The Great Expectations suites: what they catch on their own, the thin-data warnings as a Dagster WARN
check that agrees with the intake's warnings, and validation that stays in memory and off the network."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import dagster as dg
import pandas as pd
from sample_project import copy_sample_inputs

from dd_pipeline.defs import all_assets, all_checks
from dd_pipeline.defs.partitions import DEALS_NAME
from dd_pipeline.defs.resources import resources_for
from dd_pipeline.intake import read_inputs
from dd_pipeline.quality.frames import (
    ANSWER_COLUMNS,
    SuiteFrames,
    deal_frame,
    frames_from_intake,
    input_outcomes,
    outcome_problems,
    thin_data_outcomes,
)
from dd_pipeline.settings import PROJECT_ROOT


def _answers(rows: list[tuple]) -> pd.DataFrame:
    """Answer rows: (respondent, side, level, rated side, dimension, raw value) on a 1..5 scale."""
    records = [
        ["answers_x.csv", i + 2, r, side, "R&D", level, rated, dim, "answered", float(v), 1.0, 5.0, (v - 1) / 4]
        for i, (r, side, level, rated, dim, v) in enumerate(rows)
    ]
    return pd.DataFrame(records, columns=ANSWER_COLUMNS)


def _deal(**changes: object) -> pd.DataFrame:
    frame = pd.DataFrame(
        [
            {
                "deal_id": "d1",
                "partner": "Partner Inc.",
                "alliance_type": "co_development",
                "term_sheet_date": "2027-01-15",
                "effective_date": "2027-03-01",
                **changes,
            }
        ]
    )
    for column in ("term_sheet_date", "effective_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


EMPTY_EVIDENCE = pd.DataFrame(
    columns=["source_file", "source_row", "dimension_id", "about_side", "kind", "observation"]
)
GOOD = [
    ("P1", "partner", "middle", "partner", "decision_style", 2),
    ("H1", "home", "middle", "home", "decision_style", 4),
]


def _failed(frames: SuiteFrames, playbook) -> set[str]:
    outcomes = input_outcomes(frames, list(playbook.dimension_by_id), playbook.alliance_type_ids)
    return {o.message for o in outcomes if not o.passed}


def test_suites_pass_on_a_sound_deal(playbook):
    assert _failed(SuiteFrames(_deal(), _answers(GOOD), EMPTY_EVIDENCE), playbook) == set()


def test_suites_catch_what_they_are_for_on_their_own(playbook):
    """The suites are a second line behind the row checks: fed bad frames directly, each rule fires."""
    bad = _answers(
        [
            *GOOD,
            ("P1", "partner", "executive", "home", "decision_style", 3),  # P1 with a second level
            ("P2", "partner", "middle", "partner", "approval_layers", 9),  # above the scale
            ("P2", "partner", "middle", "partner", "approval_layers", 4),  # answered twice
            ("P3", "partner", "boss", "partner", "no_such_dimension", 3),
        ]
    )
    deal = _deal(effective_date="2026-12-31", alliance_type="merger")
    failed = _failed(SuiteFrames(deal, bad, EMPTY_EVIDENCE), playbook)
    assert failed == {
        "the effective date is before the term-sheet date",
        "is not an alliance type of the playbook",
        "a respondent id names one person, with one side, division and level",
        "an answer lies above its dimension's scale",
        "every answer must lie on its dimension's scale",
        "a respondent answers each dimension once per organization rated",
        "level must be executive, middle or operational",
        "dimension must be one of the framework's dimensions",
    }
    home_only = _answers([GOOD[1]])
    assert "at least one answer must come from the partner's side" in _failed(
        SuiteFrames(_deal(), home_only, EMPTY_EVIDENCE), playbook
    )
    assert "deal.yaml must give partner" in _failed(
        SuiteFrames(deal_frame(None), _answers(GOOD), EMPTY_EVIDENCE), playbook
    )


def test_failed_expectations_read_as_plain_problems(playbook):
    frames = SuiteFrames(_deal(effective_date="2026-12-31"), _answers(GOOD), EMPTY_EVIDENCE)
    outcomes = input_outcomes(frames, list(playbook.dimension_by_id), playbook.alliance_type_ids)
    assert [str(p) for p in outcome_problems(outcomes, "inputs/deals/d1")] == [
        "inputs/deals/d1, deal.effective_date,term_sheet_date: 2026-12-31 / 2027-01-15 the effective date is "
        "before the term-sheet date"
    ]


def _thin_deal(builder) -> None:
    """Two partner respondents (fewer than 3) who answer 4 of the 60 dimensions about the partner."""
    dims = ["decision_style", "approval_layers", "conflict_style", "risk_tolerance"]
    builder.home_answers({d: [3, 4, 4] for d in dims})
    builder.deal("thin", {d: [1, 2] for d in dims}, home_about_partner={d: [2, 2, 2] for d in dims})


def test_thin_data_warnings_agree_between_intake_and_expectations(builder, playbook):
    _thin_deal(builder)
    inputs = read_inputs(builder.settings, "thin", playbook)
    assert not inputs.errors
    intake_warnings = {p.field for p in inputs.problems if p.severity == "warning"}
    frames = frames_from_intake(inputs.intake.deal, inputs.intake.answers, inputs.intake.evidence, playbook)
    expectation_warnings = {o.table for o in thin_data_outcomes(frames.answers, playbook) if not o.passed}
    # home: 3 respondents but 4 of 60 dimensions; partner: 2 respondents and 4 of 60 dimensions
    assert intake_warnings == expectation_warnings == {"home coverage", "partner respondents", "partner coverage"}


def test_thin_data_is_a_warn_check_that_does_not_block(builder, dagster_home):
    _thin_deal(builder)
    settings = builder.settings
    resources = resources_for(settings)
    assets = all_assets()
    with dg.instance_for_test(temp_dir=str(dagster_home)) as instance:
        dg.materialize([a for a in assets if a.partitions_def is None], instance=instance, resources=resources)
        instance.add_dynamic_partitions(DEALS_NAME, ["thin"])
        result = dg.materialize(
            [*assets, *all_checks()],
            selection=dg.AssetSelection.assets(*[a for a in assets if a.partitions_def is not None]),
            partition_key="thin",
            instance=instance,
            resources=resources,
            raise_on_error=False,
        )
    checks = {e.asset_check_key.name: e for e in result.get_asset_check_evaluations()}
    assert checks["deal_inputs_are_valid"].passed
    thin = checks["deal_inputs_are_thick_enough"]
    assert not thin.passed and thin.severity == dg.AssetCheckSeverity.WARN
    text = thin.metadata["warnings"].value
    assert "partner respondents, respondent_id: 2 is fewer than 3 respondents rating their own organization" in text
    assert (
        "partner coverage, dimension_id: 4 dimensions have an answer, fewer than 48 (80% of the framework's 60)" in text
    )
    assert "inputs/deals/thin, partner respondents: 2 is fewer than 3 respondents rating their own" in text
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert {"gaps", "clauses", "launch_plan"} <= materialized  # thin data is scored, with its warning
    assert (settings.deal_outputs("thin") / "gaps.csv").is_file()


GUARDED_VALIDATE = textwrap.dedent("""
    import socket, sys
    attempts = []
    def refuse(*args, **kwargs):
        attempts.append(args[:2])
        raise OSError("network use is not allowed here")
    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
    from dd_pipeline.cli import app
    try:
        app(["validate", "--deal", "helix-jv"])
    except SystemExit as exit:
        code = exit.code
    print("network attempts:", len(attempts))
    print("great_expectations used:", "great_expectations.expectations" in sys.modules)
    sys.exit(code)
""")


def test_validation_writes_nothing_outside_its_folders_and_uses_no_network(tmp_path: Path):
    """`dd-pipeline validate` runs the suites (Great Expectations imported and used) with HOME, TMPDIR and
    the working folder pointed at empty folders, and with every way to open a connection refused."""
    project = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT / "assets", project / "assets")
    copy_sample_inputs(project / "inputs")
    home, temp, work = tmp_path / "home", tmp_path / "tmp", tmp_path / "work"
    for folder in (home, temp, work):
        folder.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DD_", "GX_", "DAGSTER_"))}
    env.update(
        HOME=str(home),
        TMPDIR=str(temp),
        DD_ASSETS=str(project / "assets"),
        DD_INPUTS=str(project / "inputs"),
        DD_OUTPUTS=str(project / "outputs"),
        PYTHONDONTWRITEBYTECODE="1",
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_CONFIG_HOME=str(home / ".config"),
    )
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    result = subprocess.run(
        [sys.executable, "-c", GUARDED_VALIDATE], cwd=work, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok helix-jv: 1145 answers, 8 evidence notes" in result.stdout
    assert "network attempts: 0" in result.stdout
    assert "great_expectations used: True" in result.stdout
    assert list(home.iterdir()) == [] and list(temp.iterdir()) == [] and list(work.iterdir()) == []
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before  # no outputs/, no gx/


def test_the_deal_frame_keeps_dates_as_dates():
    from dd_pipeline.models import Deal, Person

    deal = Deal(
        deal_id="d1",
        partner="P",
        alliance_type="supply",
        term_sheet_date=dt.date(2027, 1, 1),
        effective_date=dt.date(2027, 2, 1),
        home_alliance_manager=Person(name="A", role="B"),
        partner_alliance_manager=Person(name="C", role="D"),
    )
    frame = deal_frame(deal)
    assert str(frame["effective_date"].dtype).startswith("datetime64")
    assert frame.iloc[0]["effective_date"] > frame.iloc[0]["term_sheet_date"]
