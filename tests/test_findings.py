"""The two-sided model: shortfalls of either organization, shared weaknesses, perception gaps and internal
disagreement as findings, the mitigations they select and who owns them; and the invariants that make the two
organizations peers (swapping them swaps the sides of every finding and changes nothing else)."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
import yaml
from sample_project import accept_and_score

from dd_pipeline.playbook import Playbook
from dd_pipeline.settings import Settings
from dd_pipeline.use_cases import draft_deal, match_deal, plan_deal
from dd_pipeline.warehouse.connection import connect, frame
from tests.conftest import ANSWER_HEADER, deal_yaml

SWAP = {"home": "partner", "partner": "home"}


@dataclass
class Person:
    rid: str
    division: str
    level: str = "middle"


@dataclass
class Org:
    """One organization's respondents and what each of them answered: (rated, dimension) -> value."""

    people: list[Person]
    answers: dict[str, dict[tuple[str, str], object]] = field(default_factory=dict)  # rid -> answers


def write_deal(
    settings: Settings, home: Org, partner: Org, deal_id: str = "d1", shuffle: int | None = None, **deal_fields: object
) -> None:
    """The deal folder with both organizations' answers in the deal's own files. ``rated`` in the answers is
    'self' or 'other', so the same Org can be written as home or as partner."""
    folder = settings.deal_dir(deal_id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "deal.yaml").write_text(yaml.safe_dump(deal_yaml(deal_id, **deal_fields)), encoding="utf-8")
    for side, org in (("home", home), ("partner", partner)):
        rows = []
        for person in org.people:
            for (rated, dim), value in sorted(org.answers.get(person.rid, {}).items()):
                rated_side = side if rated == "self" else SWAP[side]
                rows.append([person.rid, side, person.division, person.level, rated_side, dim, value, ""])
        if shuffle is not None:
            random.Random(shuffle).shuffle(rows)
        with (folder / f"answers_{side}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(ANSWER_HEADER)
            writer.writerows(rows)


def run(settings: Settings, playbook: Playbook, deal_id: str = "d1") -> dict[str, pd.DataFrame]:
    with connect(settings.warehouse_path) as con:
        accept_and_score(con, settings, playbook, deal_id)
        match_deal(con, playbook, deal_id)
        draft_deal(con, playbook, deal_id)
        plan_deal(con, playbook, deal_id)
        return {
            t: frame(con, f"SELECT * FROM {t} WHERE deal_id = ?", [deal_id])
            for t in (
                "findings",
                "gaps",
                "deal_scores",
                "mitigation_matches",
                "launch_tasks",
                "likely_challenges",
                "clauses",
                "perception_gaps",
                "internal_disagreement",
            )
        }


def org(
    prefix: str,
    answers: dict[tuple[str, str], list[object]],
    divisions: tuple[str, ...] = ("R&D", "Sales"),
) -> Org:
    """An organization whose i-th respondent gives the i-th value of each list."""
    n = max(len(v) for v in answers.values())
    people = [Person(f"{prefix}{i:02d}", divisions[(i - 1) % len(divisions)]) for i in range(1, n + 1)]
    result = Org(people)
    for key, values in answers.items():
        for person, value in zip(people, values, strict=False):
            result.answers.setdefault(person.rid, {})[key] = value
    return result


def finding(tables: dict[str, pd.DataFrame], kind: str, dimension: str, side: str | None = None) -> pd.Series:
    f = tables["findings"]
    part = f[(f["kind"] == kind) & (f["dimension_id"] == dimension)]
    if side is not None:
        part = part[part["side"] == side]
    assert len(part) == 1, f"expected one {kind} finding on {dimension} ({side}), got {len(part)}"
    return part.iloc[0]


def selected(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """mitigation id -> owner side of the selected mitigations."""
    m = tables["mitigation_matches"]
    m = m[m["status"] == "selected"]
    return dict(zip(m["mitigation_id"], m["owner_side"], strict=False))


# -- a shortfall of the home organization is a finding like the partner's -------------------------------


def test_home_alliance_team_without_authority_is_a_home_shortfall_with_home_owned_work(builder, playbook):
    weak = {("self", "alliance_team_authority"): [1, 1, 2], ("other", "alliance_team_authority"): [5, 5, 4]}
    strong = {("self", "alliance_team_authority"): [5, 5, 4], ("other", "alliance_team_authority"): [1, 2, 1]}
    write_deal(builder.settings, org("A", weak), org("B", strong))
    tables = run(builder.settings, playbook)
    f = finding(tables, "shortfall", "alliance_team_authority", "home")
    assert f["band"] in ("high", "critical")
    gap = tables["gaps"].set_index("dimension_id").loc["alliance_team_authority"]
    assert gap.short_side == "home" and gap.severity == f["severity"]
    owners = selected(tables)
    assert owners["alliance_team_mandate"] == "home"
    tasks = tables["launch_tasks"].set_index("task_id")
    mandate = tasks.loc["team_mandate_delegation"]
    assert mandate.owner == "home"
    assert mandate.title.startswith("HomeCo delegates a written decision mandate")
    assert mandate.end_calendar_day <= 30
    # the decision-rights mapping the finding calls for also lands in the first 30 days
    assert tasks.loc["decision_rights_mapping_session"].end_calendar_day <= 30


def test_the_same_answers_with_the_sides_swapped_make_the_partner_the_one_that_falls_short(builder, playbook):
    weak = {("self", "alliance_team_authority"): [1, 1, 2]}
    strong = {("self", "alliance_team_authority"): [5, 5, 4]}
    write_deal(builder.settings, org("A", strong), org("B", weak))
    tables = run(builder.settings, playbook)
    assert finding(tables, "shortfall", "alliance_team_authority", "partner")["band"] in ("high", "critical")
    assert selected(tables)["alliance_team_mandate"] == "partner"
    task = tables["launch_tasks"].set_index("task_id").loc["team_mandate_delegation"]
    assert task.owner == "partner" and task.title.startswith("PartnerCo delegates")


# -- shared weaknesses ----------------------------------------------------------------------------------


def test_both_sides_negotiating_positionally_is_a_shared_weakness_that_selects_working_rules(builder, playbook):
    both = {("self", "positional_negotiation"): [5, 5, 4], ("other", "positional_negotiation"): [5, 4, 5]}
    write_deal(builder.settings, org("A", both), org("B", both))
    tables = run(builder.settings, playbook)
    gap = tables["gaps"].set_index("dimension_id").loc["positional_negotiation"]
    assert gap.severity == 0 and gap.home_weak and gap.partner_weak
    shared = finding(tables, "shared", "positional_negotiation")
    assert pd.isna(shared["side"]) and shared["band"] in ("high", "critical")
    # size = 1 - the better goodness: both at 14/3 of 5 on a lower-is-better scale -> goodness 1/12
    assert shared["size"] == pytest.approx(1 - (5 - 14 / 3) / 4, abs=1e-4)
    assert selected(tables)["problem_solving_protocols"] == "joint"


def test_agreement_items_at_or_below_red_on_both_sides_are_shared_and_amber_is_not(builder, playbook):
    red = {("self", "governance_issue_resolution"): [2, 3, 2]}  # 2.33: red
    amber = {("self", "governance_issue_resolution"): [3, 3, 2]}  # 2.67: amber
    write_deal(builder.settings, org("A", red), org("B", red))
    tables = run(builder.settings, playbook)
    assert finding(tables, "shared", "governance_issue_resolution")["band"] in ("high", "critical")
    write_deal(builder.settings, org("A", red), org("B", amber))
    tables = run(builder.settings, playbook)
    assert not (tables["findings"]["kind"] == "shared").any()


def test_style_dimensions_give_differences_never_shared_weaknesses(builder, playbook):
    low = {("self", "decision_style"): [1, 1, 1]}
    write_deal(builder.settings, org("A", low), org("B", low))
    tables = run(builder.settings, playbook)
    assert tables["findings"].empty


# -- perception gaps and internal disagreement ----------------------------------------------------------


def test_a_strong_perception_gap_is_a_finding_on_the_items_own_scale_and_selects_the_workshop(builder, playbook):
    home = {("self", "governance_issue_resolution"): [4, 4, 4]}
    partner = {("self", "governance_issue_resolution"): [4, 4, 4], ("other", "governance_issue_resolution"): [1, 2, 1]}
    write_deal(builder.settings, org("A", home), org("B", partner))
    tables = run(builder.settings, playbook)
    p = tables["perception_gaps"].set_index(["dimension_id", "rated_side"]).loc[("governance_issue_resolution", "home")]
    assert p.difference_scale == pytest.approx(4 / 3 - 4, abs=1e-4)  # on the 1-4 scale
    assert p.difference == pytest.approx((4 / 3 - 4) / 3, abs=1e-4)  # on 0..1
    assert (p.self_rag, p.other_rag) == ("green", "red")
    f = finding(tables, "perception", "governance_issue_resolution", "home")
    assert f["band"] in ("high", "critical")
    assert "partisan_perception_workshop" in selected(tables)
    gaps = tables["gaps"].set_index("dimension_id").loc["governance_issue_resolution"]
    assert (gaps.home_rag, gaps.home_other_rag, gaps.partner_rag) == ("green", "red", "green")


def test_an_organization_whose_divisions_disagree_gets_its_own_alignment_session(builder, playbook):
    home = {("self", "priority_stability"): [3, 3, 3, 3, 3, 3]}
    split = {("self", "priority_stability"): [5, 1, 5, 1, 5, 1]}  # R&D says 5, Sales says 1
    write_deal(builder.settings, org("A", home), org("B", split))
    tables = run(builder.settings, playbook)
    f = finding(tables, "disagreement", "priority_stability", "partner")
    assert f["band"] in ("high", "critical") and f["size_scale"] == 4
    assert selected(tables)["division_alignment_session"] == "partner"
    task = tables["launch_tasks"].set_index("task_id").loc["internal_alignment_session"]
    assert task.owner == "partner" and task.title.startswith("PartnerCo holds an internal alignment session")


# -- invariants over generated deals --------------------------------------------------------------------


def generated(playbook: Playbook, seed: int) -> tuple[Org, Org]:
    rng = random.Random(seed)
    dims = rng.sample(playbook.dimensions, 14)
    orgs = []
    for prefix in ("A", "B"):
        n = rng.randint(2, 5)
        people = [
            Person(
                f"{prefix}{i:02d}",
                ("R&D", "Sales", "Finance")[i % rng.randint(1, 3)],
                rng.choice(("executive", "middle", "operational")),
            )
            for i in range(1, n + 1)
        ]
        o = Org(people)
        for p in people:
            for d in dims:
                for rated in ("self", "other") if d.perspective.value == "both" else ("self",):
                    if rng.random() < 0.85:
                        value: object = rng.randint(d.scale.min, d.scale.max) if rng.random() > 0.05 else "n/a"
                        o.answers.setdefault(p.rid, {})[(rated, d.id)] = value
        orgs.append(o)
    return orgs[0], orgs[1]


def _keyed_findings(tables: dict[str, pd.DataFrame], swap: bool) -> dict[tuple[str, str, str], tuple[float, str]]:
    out = {}
    for r in tables["findings"].itertuples():
        side = r.side if isinstance(r.side, str) else ""
        out[(r.kind, r.dimension_id, SWAP.get(side, side) if swap else side)] = (r.severity, r.band)
    return out


def _keyed_mitigations(tables: dict[str, pd.DataFrame], swap: bool) -> set[tuple[str, str, str]]:
    m = tables["mitigation_matches"]
    return {
        (r.mitigation_id, r.status, SWAP.get(r.owner_side, r.owner_side) if swap else r.owner_side)
        for r in m.itertuples()
    }


@pytest.mark.parametrize("seed", range(4))
def test_swapping_home_and_partner_swaps_the_sides_of_every_finding_and_nothing_else(tmp_path, playbook, seed):
    a, b = generated(playbook, seed)
    results = []
    for name, (home, partner) in (("ab", (a, b)), ("ba", (b, a))):
        settings = _project(tmp_path / name)
        write_deal(settings, home, partner)
        results.append(run(settings, playbook))
    first, second = results
    assert _keyed_findings(first, swap=False) == _keyed_findings(second, swap=True)
    assert not first["findings"].empty
    assert _keyed_mitigations(first, swap=False) == _keyed_mitigations(second, swap=True)
    assert first["deal_scores"].iloc[0].risk_index == second["deal_scores"].iloc[0].risk_index
    likelihoods = [
        t.set_index("challenge_id")["likelihood"].fillna(-1).to_dict()
        for t in (first["likely_challenges"], second["likely_challenges"])
    ]
    assert likelihoods[0] == likelihoods[1]


@pytest.mark.parametrize("seed", range(2))
def test_reordering_respondents_changes_nothing(tmp_path, playbook, seed):
    a, b = generated(playbook, seed + 10)
    results = []
    for name, shuffle in (("in_order", None), ("shuffled", seed)):
        settings = _project(tmp_path / name)
        write_deal(settings, a, b, shuffle=shuffle)
        results.append(run(settings, playbook))
    for table in ("findings", "deal_scores", "likely_challenges", "launch_tasks", "clauses"):
        left = results[0][table].drop(columns=[c for c in ("source_row",) if c in results[0][table]])
        right = results[1][table].drop(columns=[c for c in ("source_row",) if c in results[1][table]])
        pd.testing.assert_frame_equal(left.reset_index(drop=True), right.reset_index(drop=True))
    keep = ["mitigation_id", "status", "finding_id", "reason", "owner_side"]
    pd.testing.assert_frame_equal(results[0]["mitigation_matches"][keep], results[1]["mitigation_matches"][keep])


def test_a_dimension_nobody_answered_gives_no_finding_and_no_challenge_likelihood(builder, playbook):
    answered = {("self", "decision_style"): [5, 5, 5]}
    write_deal(builder.settings, org("A", answered), org("B", {("self", "decision_style"): [1, 1, 1]}))
    tables = run(builder.settings, playbook)
    assert set(tables["findings"]["dimension_id"]) == {"decision_style"}
    linked = {c for d in playbook.dimensions if d.id == "decision_style" for c in d.challenges}
    likely = tables["likely_challenges"].set_index("challenge_id")
    for challenge_id, row in likely.iterrows():
        if challenge_id in linked:
            assert row.likelihood > 0
        else:
            assert pd.isna(row.likelihood) and pd.isna(row.band), challenge_id


def _project(root: Path) -> Settings:
    import shutil

    from dd_pipeline.settings import PROJECT_ROOT

    shutil.copytree(PROJECT_ROOT / "assets", root / "assets")
    (root / "inputs" / "deals").mkdir(parents=True)
    (root / "inputs" / "home").mkdir()
    (root / "inputs" / "home" / "organization.yaml").write_text(
        yaml.safe_dump({"name": "Home Test Co", "short_name": "HomeCo", "divisions": ["R&D", "Sales"]}),
        encoding="utf-8",
    )
    (root / "outputs").mkdir()
    return Settings(root / "assets", root / "inputs", root / "outputs", root / "outputs" / "warehouse.duckdb")


def test_the_terminal_report_says_so_when_no_dimension_has_both_sides(builder, playbook):
    from rich.console import Console

    from dd_pipeline.reporting.terminal import deal_report

    write_deal(
        builder.settings, org("A", {("self", "decision_style"): [4, 4]}), org("B", {("self", "time_horizon"): [2, 2]})
    )
    run(builder.settings, playbook)
    console = Console(record=True, width=160)
    deal_report(console, builder.settings, "d1", 10, 1.0)
    text = console.export_text()
    assert "engagement-risk index - not scored" in text
    assert "no findings: no dimension has answers from both organizations yet" in text
