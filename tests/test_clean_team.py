"""Clean-team deals: every output file of the deal under its clean-team root, nothing of it in the shared
outputs folder or on the shared pages, and a clear refusal when it has no place to write."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml

from dd_pipeline.clean_team import CleanTeamRefused, clean_team_root
from dd_pipeline.intake import read_inputs
from dd_pipeline.publish import OWNER, RECORDED, recover, staged_runs
from dd_pipeline.settings import Settings
from tests.conftest import cli_for

DEAL = "helix-jv"
OTHERS = ("brightpath-comarketing", "northwind-codev")
# Files of the shared outputs folder that are not outputs of a deal's run (the warehouse is a limit of
# the feature, see docs/clean-team.md).
WAREHOUSE_FILES = (".duckdb", ".wal")


def _set_deal_fields(settings: Settings, deal_id: str, **fields: object) -> None:
    """Set top-level keys of the deal's deal.yaml (None removes the key)."""
    path = settings.deal_dir(deal_id) / "deal.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, value in fields.items():
        if value is None:
            doc.pop(key, None)
        else:
            doc[key] = value
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _partner(settings: Settings, deal_id: str) -> tuple[str, str]:
    doc = yaml.safe_load((settings.deal_dir(deal_id) / "deal.yaml").read_text(encoding="utf-8"))
    return str(doc["partner"]), str(doc.get("partner_short_name") or doc["partner"])


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _mentions(folder: Path, words: tuple[str, ...]) -> list[str]:
    """The files under ``folder`` (warehouse aside) whose name or content holds one of ``words``."""
    found = []
    for path in _files(folder):
        if path.suffix in WAREHOUSE_FILES or ".wal" in path.name:
            continue
        data = path.read_bytes()
        if any(w.encode() in data or w in str(path.relative_to(folder)) for w in words):
            found.append(str(path.relative_to(folder)))
    return found


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in _files(folder)}


@pytest.fixture
def clean_root(tmp_path: Path) -> Path:
    root = tmp_path / "clean-team"
    root.mkdir()
    return root


def test_a_clean_team_deal_is_written_only_under_its_root_and_left_out_of_the_shared_pages(
    project, dagster_home, monkeypatch, clean_root
):
    monkeypatch.setenv("DD_CLEAN_TEAM_ROOT", str(clean_root))
    _set_deal_fields(project, DEAL, clean_team=True)
    partner, short = _partner(project, DEAL)
    cli = cli_for(project, monkeypatch)

    result = cli("run")
    assert result.exit_code == 0, result.output
    assert "3 deal(s) done" in result.output

    # Every output file of the deal is in <root>/<deal_id>/, with the page's plotly.min.js next to it.
    folder = clean_root / DEAL
    written = {p.name for p in folder.iterdir()}
    for name in (
        "dashboard.html",
        "gaps.csv",
        "findings.csv",
        "mitigations.csv",
        "clauses.docx",
        "launch_plan.xlsx",
        "launch_plan.ics",
        "changes.md",
        "run.json",
    ):
        assert name in written, f"{name} is missing from {folder}: {sorted(written)}"
    assert (clean_root / "plotly.min.js").is_file()
    assert partner.encode() in (folder / "clauses.md").read_bytes()
    assert not any((clean_root / ".staging").iterdir())  # publication left no staged copy

    # The shared outputs folder keeps nothing of the deal: no folder, no staged copy, no mention.
    shared = project.outputs_dir
    assert not (shared / DEAL).exists()
    assert not list((shared / ".staging").glob(f"{DEAL}.*"))
    assert _mentions(shared, (partner, short, DEAL)) == []
    for other in OTHERS:
        assert (shared / other / "dashboard.html").is_file()

    # The portfolio page lists the other deals and only counts the clean-team one.
    page = (shared / "index.html").read_text(encoding="utf-8")
    assert "1 clean-team deal is not shown here" in page
    for other in OTHERS:
        assert other in page and _partner(project, other)[0] in page
    assert partner not in page and short not in page and DEAL not in page

    # The terminal of the shared run names the deal but shows none of its results.
    assert partner not in result.output and short not in result.output
    assert f"{DEAL} - clean-team deal: done" in result.output

    # The portfolio asset's metadata in Dagster holds nothing of it either.
    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        event = instance.get_latest_materialization_event(dg.AssetKey("portfolio"))
    assert event is not None and event.asset_materialization is not None
    metadata = event.asset_materialization.metadata
    assert metadata["clean-team deals not shown"].value == 1
    assert metadata["deals"].value == 2
    assert short not in str(metadata["riskiest"].value) and DEAL not in str(metadata["riskiest"].value)

    # A share pack is written into the deal's clean-team folder too.
    shared_pack = cli("share", "--deal", DEAL, "--audience", "partner")
    assert shared_pack.exit_code == 0, shared_pack.output
    assert (folder / "share" / "partner").is_dir() and not (shared / DEAL).exists()

    # The next run finds the deal's last run in its clean-team folder: nothing changed.
    again = cli("run")
    assert again.exit_code == 0, again.output
    assert f"{DEAL}: unchanged since its last run" in again.output
    before = _digest(clean_root)

    # A bad clean_team value: refused with the file, the key, the value and what is expected.
    _set_deal_fields(project, DEAL, clean_team="maybe")
    bad = cli("run", "--deal", DEAL)
    assert bad.exit_code == 2, bad.output
    assert f"inputs/deals/{DEAL}/deal.yaml" in bad.output
    assert "clean_team: 'maybe' is not true or false" in bad.output
    assert _digest(clean_root) == before  # the earlier outputs are intact
    assert not (shared / DEAL).exists()
    page = (shared / "index.html").read_text(encoding="utf-8")
    assert partner not in page and DEAL not in page and "1 clean-team deal is not shown here" in page

    # A clean-team deal with no place to write: refused, saying what to set; nothing written anywhere.
    _set_deal_fields(project, DEAL, clean_team=True)
    monkeypatch.delenv("DD_CLEAN_TEAM_ROOT")
    missing = cli("run", "--deal", DEAL)
    assert missing.exit_code == 2, missing.output
    assert "clean_team: True is set, but there is no folder for the deal's outputs" in missing.output
    assert "set clean_team_outputs in deal.yaml or the environment setting DD_CLEAN_TEAM_ROOT" in missing.output
    assert _digest(clean_root) == before
    assert not (shared / DEAL).exists() and _mentions(shared, (partner, short, DEAL)) == []


def test_clean_team_outputs_in_deal_yaml_wins_over_the_setting(project, tmp_path, clean_root):
    own = tmp_path / "own-root"
    own.mkdir()
    _set_deal_fields(project, DEAL, clean_team=True, clean_team_outputs=str(own))
    settings = Settings(
        project.assets_dir, project.inputs_dir, project.outputs_dir, project.warehouse_path, clean_team_root=clean_root
    )
    assert settings.deal_outputs(DEAL) == own / DEAL
    _set_deal_fields(project, DEAL, clean_team_outputs=None)
    assert settings.deal_outputs(DEAL) == clean_root / DEAL
    assert settings.deal_outputs(OTHERS[0]) == project.outputs_dir / OTHERS[0]


@pytest.mark.parametrize(
    ("fields", "where", "expected"),
    [
        ({"clean_team": "yes please"}, "clean_team: 'yes please'", "is not true or false"),
        ({"clean_team": 1}, "clean_team: 1", "is not true or false"),
        ({"clean_team_outputs": "/srv/x"}, "clean_team_outputs: '/srv/x'", "is set, but clean_team is not true"),
        ({"clean_team": True, "clean_team_outputs": "clean"}, "clean_team_outputs: 'clean'", "is not an absolute path"),
        (
            {"clean_team": True, "clean_team_outputs": "/no/such/folder"},
            "clean_team_outputs: '/no/such/folder'",
            "does not exist or is not a folder",
        ),
        ({"clean_team": True}, "clean_team: True", "set clean_team_outputs in deal.yaml or the environment"),
    ],
)
def test_a_clean_team_deal_without_a_usable_place_is_refused_with_a_clear_message(
    project, playbook, fields, where, expected
):
    _set_deal_fields(project, DEAL, **fields)
    problems = [str(p) for p in read_inputs(project, DEAL, playbook).errors]
    assert any(f"inputs/deals/{DEAL}/deal.yaml" in p and where in p and expected in p for p in problems), problems
    with pytest.raises(CleanTeamRefused):
        project.deal_outputs(DEAL)  # never the shared outputs folder instead


def test_a_root_inside_the_shared_outputs_or_inputs_is_refused(project, playbook):
    for inside in (project.outputs_dir / "clean", project.inputs_dir / "clean", project.outputs_dir):
        inside.mkdir(exist_ok=True)
        _set_deal_fields(project, DEAL, clean_team=True, clean_team_outputs=str(inside))
        with pytest.raises(CleanTeamRefused, match="is inside the (shared outputs|inputs) folder"):
            clean_team_root(project, DEAL)
        assert any("is inside the" in str(p) for p in read_inputs(project, DEAL, playbook).errors)


def test_the_setting_must_be_a_usable_folder(project, tmp_path):
    _set_deal_fields(project, DEAL, clean_team=True)
    for root, expected in ((Path("relative"), "is not an absolute path"), (tmp_path / "none", "does not exist")):
        settings = Settings(
            project.assets_dir, project.inputs_dir, project.outputs_dir, project.warehouse_path, clean_team_root=root
        )
        with pytest.raises(CleanTeamRefused, match=expected) as refused:
            settings.deal_outputs(DEAL)
        assert "environment setting, DD_CLEAN_TEAM_ROOT" in str(refused.value)


def test_a_deal_that_becomes_a_clean_team_deal_must_leave_the_shared_folder_first(project, playbook, clean_root):
    old = project.outputs_dir / DEAL
    old.mkdir()
    (old / "gaps.csv").write_text("rank\n1\n", encoding="utf-8")
    settings = Settings(
        project.assets_dir, project.inputs_dir, project.outputs_dir, project.warehouse_path, clean_team_root=clean_root
    )
    _set_deal_fields(settings, DEAL, clean_team=True)
    problems = [str(p) for p in read_inputs(settings, DEAL, playbook).errors]
    expected = f"outputs/{DEAL}: holds outputs of this deal from before it was a clean-team deal"
    assert any(p.startswith(expected) for p in problems), problems
    assert (old / "gaps.csv").is_file()  # moved or deleted by hand, never by the tool


def _staged(root: Path, deal_id: str, run_id: str) -> Path:
    folder = root / ".staging" / f"{deal_id}.{run_id}"
    folder.mkdir(parents=True)
    (folder / "run.json").write_text(json.dumps({"run_id": run_id}), encoding="utf-8")
    (folder / RECORDED).write_text(run_id, encoding="ascii")
    (folder / OWNER).write_text("999999999", encoding="ascii")  # a process that no longer runs
    return folder


def test_recovery_publishes_a_killed_clean_team_run_in_its_root_and_never_in_the_shared_folder(project, clean_root):
    settings = Settings(
        project.assets_dir, project.inputs_dir, project.outputs_dir, project.warehouse_path, clean_team_root=clean_root
    )
    _set_deal_fields(settings, DEAL, clean_team=True)
    private = _staged(clean_root, DEAL, "run-b")
    left = _staged(settings.outputs_dir, DEAL, "run-a")  # staged before the deal became a clean-team deal
    assert sorted(staged_runs(settings)) == [(DEAL, "run-a"), (DEAL, "run-b")]
    published = recover(settings, committed={(DEAL, "run-a"), (DEAL, "run-b")})
    assert published == [DEAL]
    assert (clean_root / DEAL / "run.json").is_file() and not private.exists()
    assert not left.exists() and not (settings.outputs_dir / DEAL).exists()
    assert staged_runs(settings) == []


def test_a_clean_team_key_written_with_escapes_still_never_runs_as_a_shared_deal(project, playbook, clean_root):
    path = project.deal_dir(DEAL) / "deal.yaml"
    path.write_text(path.read_text(encoding="utf-8") + '\n"clean\\x5fteam": true\n', encoding="utf-8")
    settings = Settings(
        project.assets_dir, project.inputs_dir, project.outputs_dir, project.warehouse_path, clean_team_root=clean_root
    )
    inputs = read_inputs(settings, DEAL, playbook)
    assert inputs.intake.deal is not None and inputs.intake.deal.clean_team is True
    assert any("could not be read as a clean-team deal" in str(p) for p in inputs.errors), inputs.errors
