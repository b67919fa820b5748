"""Shared fixtures: a temporary project (copy of assets/ and inputs/), the same project after one run of
helix-jv, and a builder for small deals."""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from sample_project import copy_ran_project, copy_sample_inputs, copy_sample_project

from dd_pipeline.playbook import Playbook, load_playbook
from dd_pipeline.settings import PROJECT_ROOT, Settings

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")

ANSWER_HEADER = ["respondent_id", "respondent_side", "division", "level", "rated_side", "dimension", "value", "comment"]


@pytest.fixture(autouse=True)
def _no_dagster_state_storage_left_behind() -> Iterator[None]:
    """Dagster keeps the state storage of the instance entered last in a context variable. A sensor or
    schedule context built in a test may enter an instance that is never left, so the variable outlives the
    instance and every later load of definitions in the same process fails ('Attempted to resolve undefined
    DagsterInstance weakref'). Each test starts and ends without one."""
    from dagster._core.storage.defs_state.base import _current_storage

    _current_storage.set(None)
    yield
    _current_storage.set(None)


@pytest.fixture(scope="session")
def playbook() -> Playbook:
    return load_playbook(PROJECT_ROOT / "assets")


@pytest.fixture
def project(tmp_path: Path) -> Settings:
    """A private copy of the sample project: assets/, inputs/ and an empty outputs/."""
    shutil.copytree(PROJECT_ROOT / "assets", tmp_path / "assets")
    copy_sample_inputs(tmp_path / "inputs")
    (tmp_path / "outputs").mkdir()
    return Settings(
        tmp_path / "assets", tmp_path / "inputs", tmp_path / "outputs", tmp_path / "outputs" / "warehouse.duckdb"
    )


@pytest.fixture(scope="session")
def helix_jv_ran_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample project after one successful `dd-pipeline run --deal helix-jv` from scratch: assets/,
    inputs/, outputs/ (the deal's files and the warehouse) and the Dagster home dagster_home/. Built once per
    test session, in-process, and never changed afterwards: a test takes its own copy (copy_ran_project).
    Nothing in outputs/ or the warehouse names the folder it was written in, so a copy is up to date."""
    from typer.testing import CliRunner

    from dd_pipeline.cli import app

    root = tmp_path_factory.mktemp("helix-jv-ran")
    settings = copy_sample_project(root)
    home = root / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DD_ASSETS", str(settings.assets_dir))
        mp.setenv("DD_INPUTS", str(settings.inputs_dir))
        mp.setenv("DD_OUTPUTS", str(settings.outputs_dir))
        mp.setenv("DAGSTER_HOME", str(home))
        result = CliRunner().invoke(app, ["run", "--deal", "helix-jv", "--top", "1"])
    assert result.exit_code == 0, result.output
    assert "1 deal(s) done" in result.output, result.output
    return root


@pytest.fixture
def ran_project(tmp_path: Path, helix_jv_ran_once: Path) -> Settings:
    """A private copy of the sample project after one run of helix-jv; its Dagster home is
    tmp_path/dagster_home (where the dagster_home fixture would put it)."""
    return copy_ran_project(helix_jv_ran_once, tmp_path)


@pytest.fixture
def empty_project(tmp_path: Path) -> Settings:
    """The real playbook with no deals and a small home organization with no answers yet."""
    shutil.copytree(PROJECT_ROOT / "assets", tmp_path / "assets")
    (tmp_path / "inputs" / "deals").mkdir(parents=True)
    (tmp_path / "outputs").mkdir()
    home = tmp_path / "inputs" / "home"
    home.mkdir()
    (home / "organization.yaml").write_text(
        yaml.safe_dump(
            {
                "name": "Home Test Co",
                "short_name": "HomeCo",
                "divisions": ["R&D", "Commercial"],
            }
        ),
        encoding="utf-8",
    )
    return Settings(
        tmp_path / "assets", tmp_path / "inputs", tmp_path / "outputs", tmp_path / "outputs" / "warehouse.duckdb"
    )


def deal_yaml(deal_id: str, **overrides: object) -> dict[str, object]:
    doc: dict[str, object] = {
        "deal_id": deal_id,
        "partner": "Partner Test Inc.",
        "partner_short_name": "PartnerCo",
        "alliance_type": "co_development",
        "term_sheet_date": "2027-01-15",
        "effective_date": "2027-03-01",
        "home_alliance_manager": {"name": "Ann Home", "role": "Alliance Manager"},
        "partner_alliance_manager": {"name": "Pat Partner", "role": "Alliance Director"},
    }
    doc.update(overrides)
    return doc


@dataclass
class DealBuilder:
    """Writes a small deal folder: answers given as {(side, rated_side, dimension): [values...]}."""

    settings: Settings

    def home_answers(self, answers: dict[str, list[object]]) -> None:
        rows = []
        for dim, values in answers.items():
            for i, v in enumerate(values, start=1):
                rows.append([f"H{i:02d}", "home", "R&D" if i % 2 else "Commercial", "middle", "home", dim, v, ""])
        write_csv(self.settings.home_dir / "answers.csv", rows)

    def deal(
        self,
        deal_id: str,
        partner_self: dict[str, list[object]],
        home_about_partner: dict[str, list[object]] | None = None,
        partner_about_home: dict[str, list[object]] | None = None,
        partner_divisions: list[str] | None = None,
        **deal_fields: object,
    ) -> Path:
        folder = self.settings.deal_dir(deal_id)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "deal.yaml").write_text(yaml.safe_dump(deal_yaml(deal_id, **deal_fields)), encoding="utf-8")
        divisions = partner_divisions or ["Research", "Operations"]
        rows = []
        for dim, values in partner_self.items():
            for i, v in enumerate(values, start=1):
                rows.append(
                    [f"P{i:02d}", "partner", divisions[(i - 1) % len(divisions)], "middle", "partner", dim, v, ""]
                )
        for dim, values in (partner_about_home or {}).items():
            for i, v in enumerate(values, start=1):
                rows.append([f"P{i:02d}", "partner", divisions[(i - 1) % len(divisions)], "middle", "home", dim, v, ""])
        write_csv(folder / "answers_partner.csv", rows)
        if home_about_partner:
            rows = []
            for dim, values in home_about_partner.items():
                for i, v in enumerate(values, start=1):
                    rows.append(
                        [f"H{i:02d}", "home", "R&D" if i % 2 else "Commercial", "middle", "partner", dim, v, ""]
                    )
            write_csv(folder / "answers_home.csv", rows)
        return folder


def write_csv(path: Path, rows: list[list[object]], header: list[str] | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header or ANSWER_HEADER)
        writer.writerows(rows)


@pytest.fixture
def builder(empty_project: Settings) -> DealBuilder:
    return DealBuilder(empty_project)


@pytest.fixture
def dagster_home(tmp_path: Path) -> Iterator[Path]:
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    old = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(home)
    yield home
    if old is None:
        os.environ.pop("DAGSTER_HOME", None)
    else:
        os.environ["DAGSTER_HOME"] = old


def cli_for(settings: Settings, monkeypatch):  # type: ignore[no-untyped-def]
    """Point the command line at ``settings``' folders; returns invoke(*args) -> typer Result."""
    from typer.testing import CliRunner

    from dd_pipeline.cli import app

    monkeypatch.setenv("DD_ASSETS", str(settings.assets_dir))
    monkeypatch.setenv("DD_INPUTS", str(settings.inputs_dir))
    monkeypatch.setenv("DD_OUTPUTS", str(settings.outputs_dir))
    runner = CliRunner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, list(args), catch_exceptions=False)

    return invoke
