"""The benchmark's own parts: the seeded portfolio generator, the bulk loader and the pandas reference."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sample_project import accept_and_score

from bench.bulk_load import load_portfolio
from bench.equality import compare_scores
from bench.generate import Portfolio, PortfolioFolderError, generate_portfolio
from bench.reference import read_reference_inputs, score_reference
from dd_pipeline.intake import read_inputs
from dd_pipeline.settings import PROJECT_ROOT, Settings
from dd_pipeline.use_cases import score_deals
from dd_pipeline.warehouse.connection import connect


def _settings(portfolio: Portfolio, warehouse: Path) -> Settings:
    return Settings(PROJECT_ROOT / "assets", portfolio.inputs_dir, warehouse.parent, warehouse)


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def portfolio(tmp_path: Path, playbook) -> Portfolio:
    return generate_portfolio(tmp_path / "portfolio", deals=2, respondents=3, seed=3, playbook=playbook)


def test_same_seed_gives_byte_identical_files(tmp_path, playbook, portfolio):
    again = generate_portfolio(tmp_path / "again", deals=2, respondents=3, seed=3, playbook=playbook)
    other = generate_portfolio(tmp_path / "other", deals=2, respondents=3, seed=4, playbook=playbook)
    first = _files(portfolio.root)
    assert "inputs/deals/deal-0002/answers_partner.csv" in first
    assert first == _files(again.root)
    # each deal has its own random stream: a smaller portfolio is the start of a larger one
    one = _files(generate_portfolio(tmp_path / "one", deals=1, respondents=3, seed=3, playbook=playbook).root)
    assert {k: v for k, v in one.items() if k != "portfolio.json"} == {
        k: v for k, v in first.items() if k in one and k != "portfolio.json"
    }
    changed = _files(other.root)
    assert changed["inputs/deals/deal-0001/answers_partner.csv"] != first["inputs/deals/deal-0001/answers_partner.csv"]


def test_a_folder_with_other_files_is_left_alone(tmp_path, playbook):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(PortfolioFolderError):
        generate_portfolio(folder, deals=1, respondents=1, seed=1, playbook=playbook)
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_generated_deals_pass_intake_without_problems(tmp_path, playbook, portfolio):
    settings = _settings(portfolio, tmp_path / "w.duckdb")
    for deal_id in portfolio.deal_ids:
        inputs = read_inputs(settings, deal_id, playbook)
        assert inputs.problems == []
        assert len(inputs.intake.answers) == portfolio.answers_per_deal
        sides = {(a.respondent_side, a.rated_side) for a in inputs.intake.answers}
        assert sides == {("home", "home"), ("home", "partner"), ("partner", "partner"), ("partner", "home")}


def test_bulk_load_stages_what_intake_stages(tmp_path, playbook, portfolio):
    settings = _settings(portfolio, tmp_path / "intake.duckdb")
    ids = list(portfolio.deal_ids)
    by_row = "deal_id, source_file, source_row"
    tables = {
        "staged_answers": by_row,
        "staged_evidence": by_row,
        "staged_deals": "deal_id",
        "deals": "deal_id",
        "answers": by_row,
        "gaps": "deal_id, dimension_id",
        "deal_scores": "deal_id",
    }
    with connect(settings.warehouse_path) as intake, connect(tmp_path / "bulk.duckdb") as bulk:
        for deal_id in ids:
            accept_and_score(intake, settings, playbook, deal_id)
        load_portfolio(bulk, portfolio.inputs_dir, ids, playbook)
        score_deals(bulk, ids)
        for table, order in tables.items():
            expected = intake.execute(f"SELECT * FROM {table} ORDER BY {order}").df()
            found = bulk.execute(f"SELECT * FROM {table} ORDER BY {order}").df()
            assert len(found) > 0, table
            pd.testing.assert_frame_equal(found, expected, obj=table)


def test_pandas_reference_gives_the_duckdb_numbers(tmp_path, playbook, portfolio):
    settings = _settings(portfolio, tmp_path / "w.duckdb")
    ids = list(portfolio.deal_ids)
    with connect(settings.warehouse_path) as con:
        for deal_id in ids:
            accept_and_score(con, settings, playbook, deal_id)
        scores = score_reference(read_reference_inputs(con, ids, playbook))
        results = compare_scores(con, ids, scores)
        assert [r.table for r in results] == [
            "gaps",
            "perception_gaps",
            "internal_disagreement",
            "findings",
            "category_scores",
            "deal_scores",
        ]
        assert all(r.equal for r in results), [r.examples for r in results]
        assert results[0].rows == 2 * len(playbook.dimensions)
        assert all(r.rows > 0 and r.exact > 0 for r in results)
        # every kind of finding is there to compare, each deal's ranked from 1
        assert set(scores.findings["kind"]) >= {"difference", "shortfall", "perception", "disagreement"}
        assert (scores.findings.groupby("deal_id")["rank"].min() == 1).all()

        # the comparison notices a wrong number
        severity = scores.gaps["severity"].notna().idxmax()
        scores.gaps.loc[severity, "severity"] += 0.1
        scores.gaps.loc[severity, "severity_unrounded"] += 0.1
        gaps = compare_scores(con, ids, scores)[0]
        assert gaps.mismatches == 1
        assert "severity" in gaps.examples[0]

        # ... and a finding blamed on the wrong side
        shortfall = scores.findings.index[scores.findings["kind"] == "shortfall"][0]
        scores.findings.loc[shortfall, "side"] = {"home": "partner", "partner": "home"}[
            scores.findings.loc[shortfall, "side"]
        ]
        findings = compare_scores(con, ids, scores)[3]
        assert findings.mismatches == 1 and "side" in findings.examples[0]

        # ... and the wrong division named lowest and highest, unless the two divisions' means are equal but
        # for their last bits (then the order DuckDB added the answers in decides which one is "lowest")
        split = scores.internal_disagreement
        row = split.index[(split["divisions"] == 2) & (split["spread"] > 0) & ~split["flagged"]][0]
        split.loc[row, ["lowest_division", "highest_division"]] = split.loc[
            row, ["highest_division", "lowest_division"]
        ].to_numpy()
        assert compare_scores(con, ids, scores)[2].mismatches == 2
        means = scores.division_means
        same = (
            means[["deal_id", "side", "dimension_id"]] == split.loc[row, ["deal_id", "side", "dimension_id"]].to_numpy()
        ).all(axis=1)
        means.loc[same, "mean"] = means.loc[same, "mean"].min() + np.array([0.0, 1e-12])
        disagreement = compare_scores(con, ids, scores)[2]
        assert disagreement.mismatches == 0 and disagreement.ties >= 2


def test_pandas_reference_on_missing_views_and_empty_dimensions(builder, playbook):
    builder.home_answers(
        {
            "decision_style": [4, "n/a", 5],
            "approval_layers": [2, 2, 2],
            "trust_propensity": ["unknown", "unknown", "unknown"],
            "governance_authority": [3, 2, 3],
        }
    )
    builder.deal(
        "edge",
        {"decision_style": [1, 2, 2], "governance_authority": [4, 1]},
        # the partner does not rate itself on approval_layers: home's view of it is used ("other")
        home_about_partner={"approval_layers": [5, 4, 5], "trust_propensity": [2, 3, 3]},
    )
    with connect(builder.settings.warehouse_path) as con:
        accept_and_score(con, builder.settings, playbook, "edge")
        stored = con.execute("SELECT * FROM gaps WHERE deal_id = 'edge'").df().set_index("dimension_id")
        scores = score_reference(read_reference_inputs(con, ["edge"], playbook))
        results = compare_scores(con, ["edge"], scores)
    assert stored.loc["approval_layers", "partner_basis"] == "other"
    # a dimension where higher is better, with the home side unanswered: no gap, no severity, nobody short and
    # home's weakness unknown; the partner's goodness (home's view of it, 2.67 on 1-5) is known and not weak
    trust, ref_trust = stored.loc["trust_propensity"], scores.gaps.set_index("dimension_id").loc["trust_propensity"]
    for row in (trust, ref_trust):
        assert pd.isna(row["severity"]) and pd.isna(row["effective_gap"]) and pd.isna(row["short_side"])
        assert row["kind"] == "shortfall" and pd.isna(row["home_weak"]) and pd.isna(row["home_goodness"])
        assert row["partner_goodness"] == 0.4167 and not row["partner_weak"]
    # the partner's two divisions disagree about its governance authority (4 against 1 on a 1-4 scale)
    disagreement = scores.findings.set_index("finding_id").loc["disagreement:governance_authority:partner"]
    assert disagreement["size"] == 1.0 and disagreement["detail"] == "Operations 0.00 to Research 1.00"
    assert stored.loc["risk_tolerance", "home_n"] == 0 and pd.isna(stored.loc["risk_tolerance", "severity"])
    assert all(r.equal for r in results), [r.examples for r in results]
