"""A deal's outputs change all at once or not at all: a writer that fails partway (here: as a full disk
would) leaves every file of the deal's previous set byte for byte as it was, and the message says which deal,
which step and what it was writing. A run whose files could not be published after it was recorded is
published by the next command."""

from __future__ import annotations

import errno
import hashlib
import json
from pathlib import Path

import duckdb
import pytest
from sample_project import copy_ran_project
from typer.testing import CliRunner

from dd_pipeline.cli import app

DEAL = "helix-jv"


def _disk_full(*args, **kwargs):  # type: ignore[no-untyped-def]
    raise OSError(errno.ENOSPC, "No space left on device")


# The writer made to fail, and the words the message must hold (the step and what it was writing).
WRITERS = {
    "gap tables": ("dd_pipeline.defs.scoring_assets.write_gap_tables", "gap_reports", "gap tables"),
    "mitigations.csv": ("dd_pipeline.defs.drafting_assets.mitigations_csv", "mitigations", "mitigations.csv"),
    "clauses.docx": ("dd_pipeline.drafting.documents.clauses_docx", "clauses", "clauses.docx"),
    "launch_plan.ics": ("dd_pipeline.drafting.plan_files.plan_ics", "launch_plan", "launch_plan.ics"),
    "dashboard.html": ("dd_pipeline.defs.reporting_assets.write_dashboard", "dashboard", "dashboard.html"),
    "publication": ("dd_pipeline.publish._exchange", "run_snapshot", "publishing"),
}


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory, helix_jv_ran_once: Path) -> Path:
    """A copy of the sample project after one successful run of the deal (the session's run), shared by the
    module's tests in order."""
    root = tmp_path_factory.mktemp("publication")
    copy_ran_project(helix_jv_ran_once, root)
    return root


def _run(root: Path, *args: str, patch: str | None = None):  # type: ignore[no-untyped-def]
    with pytest.MonkeyPatch.context() as mp:
        for name, sub in (("DD_ASSETS", "assets"), ("DD_INPUTS", "inputs"), ("DD_OUTPUTS", "outputs")):
            mp.setenv(name, str(root / sub))
        mp.setenv("DAGSTER_HOME", str(root / "dagster_home"))
        if patch:
            mp.setattr(patch, _disk_full)
        return CliRunner().invoke(app, ["run", "--deal", DEAL, "--top", "1", *args])


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def _inodes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_ino for p in folder.iterdir() if p.is_file()}


def test_a_run_replaces_the_whole_set_at_once(root: Path):
    """A successful run swaps the folder: every file of the deal is new, none is left from the set before."""
    before = _inodes(root / "outputs" / DEAL)
    result = _run(root, "--force")
    assert result.exit_code == 0, result.output
    after = _inodes(root / "outputs" / DEAL)
    assert set(after) == set(before) and not set(after.values()) & set(before.values())


@pytest.mark.parametrize("writer", list(WRITERS))
def test_a_failing_writer_leaves_the_previous_outputs_byte_identical(root: Path, writer: str):
    target, step, what = WRITERS[writer]
    outputs = root / "outputs"
    before, files = _digest(outputs / DEAL), _inodes(outputs / DEAL)
    result = _run(root, "--force", patch=target)
    assert result.exit_code == 1, result.output
    message = next(line for line in result.output.splitlines() if f"{DEAL} failed" in line)
    for words in (
        f"deal {DEAL}",
        f"step {step}",
        what,
        "No space left on device",
        "its previous outputs are unchanged",
    ):
        assert words in message, (words, message)
    assert "Traceback" not in result.output
    assert _digest(outputs / DEAL) == before
    assert _inodes(outputs / DEAL) == files  # not one file was replaced, not even by an identical one

    if writer == "publication":
        # Recorded in the history but not published: the next command publishes it, and the deal is current.
        with duckdb.connect(str(outputs / "warehouse.duckdb"), read_only=True) as con:
            last = con.execute(
                "SELECT run_id FROM run_history WHERE deal_id = ? ORDER BY sequence DESC LIMIT 1", [DEAL]
            ).fetchone()[0]
        assert json.loads((outputs / DEAL / "run.json").read_text(encoding="utf-8"))["run_id"] != last
        again = _run(root)
        assert again.exit_code == 0, again.output
        assert "unchanged since its last run" in again.output
        assert json.loads((outputs / DEAL / "run.json").read_text(encoding="utf-8"))["run_id"] == last
    else:
        assert not list((outputs / ".staging").iterdir())  # the failed run's files are gone
