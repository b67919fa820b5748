"""docs/catalogue.md is generated from assets/ and must say what the playbook says today."""

from __future__ import annotations

import shutil
from pathlib import Path

from dd_pipeline.playbook import Playbook, load_playbook
from dd_pipeline.reporting.catalogue import main, render_catalogue
from dd_pipeline.settings import PROJECT_ROOT

CHECKED_IN = PROJECT_ROOT / "docs" / "catalogue.md"


def test_checked_in_catalogue_matches_the_playbook(playbook: Playbook) -> None:
    assert CHECKED_IN.read_text(encoding="utf-8") == render_catalogue(playbook), (
        "docs/catalogue.md is out of date with assets/: run 'make catalogue' and commit the result"
    )


def test_catalogue_lists_every_dimension_mitigation_and_clause(playbook: Playbook) -> None:
    text = render_catalogue(playbook)
    for item in [*playbook.dimensions, *playbook.mitigations, *playbook.clauses]:
        assert f"`{item.id}`" in text, item.id
    for clause in playbook.clauses:
        for parameter in clause.parameters:
            assert f"`{parameter.name}`" in text
    # a parameter legal must set is called out as such
    assert "no default: the deal must set it" in text


def test_an_edited_playbook_gives_a_different_catalogue(tmp_path: Path, playbook: Playbook) -> None:
    assets = tmp_path / "assets"
    shutil.copytree(PROJECT_ROOT / "assets", assets)
    norms = assets / "framework" / "dimensions" / "norms.yaml"
    first = playbook.dimensions[[d.category for d in playbook.dimensions].index("norms")]
    norms.write_text(
        norms.read_text(encoding="utf-8").replace(first.name, "Renamed norm dimension", 1), encoding="utf-8"
    )
    out = tmp_path / "catalogue.md"

    assert main([str(out), "--assets", str(assets)]) == 0
    written = out.read_text(encoding="utf-8")
    assert "Renamed norm dimension" in written
    assert written != CHECKED_IN.read_text(encoding="utf-8")
    assert written == render_catalogue(load_playbook(assets))  # the same assets give the same bytes


def test_a_broken_playbook_is_reported_not_written(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assets = tmp_path / "assets"
    shutil.copytree(PROJECT_ROOT / "assets", assets)
    (assets / "launch_plan" / "seed.yaml").unlink()
    out = tmp_path / "catalogue.md"

    assert main([str(out), "--assets", str(assets)]) == 2
    assert "seed.yaml" in capsys.readouterr().err
    assert not out.exists()
