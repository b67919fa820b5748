"""The command line as a deal team uses it: exit codes, messages, outputs, determinism."""

from __future__ import annotations

import hashlib

import pytest

from dd_pipeline.warehouse.history import RUN_FILES
from tests.conftest import cli_for


@pytest.fixture
def cli(project, dagster_home, monkeypatch):
    return cli_for(project, monkeypatch)


def digest_outputs(folder) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix != ".duckdb" and ".wal" not in p.name and p.name not in RUN_FILES
    }


def test_run_prints_ranked_gaps_and_is_deterministic(cli, project):
    first = cli("run")
    assert first.exit_code == 0, first.output
    assert "northwind-codev" in first.output and "engagement-risk index" in first.output
    assert "3 deal(s) done" in first.output
    outputs_once = digest_outputs(project.outputs_dir)
    assert "northwind-codev/gaps.csv" in outputs_once
    second = cli("run", "--force")
    assert second.exit_code == 0 and "3 deal(s) done" in second.output
    assert digest_outputs(project.outputs_dir) == outputs_once


def test_validate_lists_every_problem_with_exit_code_2(cli, project):
    answers = project.deal_dir("helix-jv") / "answers_partner.csv"
    lines = answers.read_text(encoding="utf-8").splitlines()
    row3, row4 = lines[2].split(","), lines[3].split(",")
    row3[6], row4[5] = "9", "decison_style"
    lines[2], lines[3] = ",".join(row3), ",".join(row4)
    answers.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("validate", "--deal", "helix-jv")
    assert result.exit_code == 2
    assert "inputs/deals/helix-jv/answers_partner.csv, row 3, value: '9' is not on the scale" in result.output
    assert "row 4, dimension: 'decison_style' is not a dimension of the framework" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("deal_id", ["../etc", "/tmp/x", "Bad Deal"])
def test_unsafe_deal_ids_are_refused(cli, deal_id):
    result = cli("run", "--deal", deal_id)
    assert result.exit_code == 2
    assert "is not valid" in result.output


def test_unknown_deal_is_named(cli):
    result = cli("run", "--deal", "nosuchdeal")
    assert result.exit_code == 2
    assert "no deal folder inputs/deals/nosuchdeal/" in result.output
