"""The alliance's communication network: metrics of hand-built networks, the patterns that become findings,
the checks of people.csv and contacts.csv, and the way network findings reach the ranked findings."""

from __future__ import annotations

import csv
import random
import shutil
from pathlib import Path

import duckdb
import pytest

from dd_pipeline.models import BandThresholds
from dd_pipeline.network.analysis import analyse
from dd_pipeline.network.config import NetworkConfig
from dd_pipeline.network.intake import read_network, validate_contacts, validate_people
from dd_pipeline.network.patterns import find_patterns
from dd_pipeline.network.rows import CONTACT_COLUMNS, PEOPLE_COLUMNS

CONFIG = NetworkConfig()
BANDS = BandThresholds()
LEVELS = {"E": "executive", "M": "middle", "O": "operational"}


def person(pid: str, org: str, level: str = "O", role: str = "core_team", **extra: str) -> dict[str, str]:
    return {
        "person_id": pid,
        "organization": org,
        "level": LEVELS[level],
        "function": "Marketing",
        "alliance_role": role,
        **extra,
    }


def tie(a: str, b: str, frequency: str = "weekly", importance: str = "high", **extra: str) -> dict[str, str]:
    return {"person_id": a, "contact_id": b, "frequency": frequency, "importance": importance, **extra}


def network(people: list[dict[str, str]], ties: list[dict[str, str]]):  # type: ignore[no-untyped-def]
    roster, problems = validate_people(people, "people.csv")
    contacts, more = validate_contacts(ties, roster, "contacts.csv")
    assert not problems and not more, [str(p) for p in problems + more]
    net = analyse(roster, contacts, CONFIG)
    return net, find_patterns(net, CONFIG, BANDS)


def both_ways(a: str, b: str, **kw: str) -> list[dict[str, str]]:
    return [tie(a, b, **kw), tie(b, a, **kw)]


def test_betweenness_closeness_and_degree_of_a_chain() -> None:
    """H1 - H2 - P1: the middle person lies on the only path between the others."""
    net, _ = network(
        [person("H1", "home"), person("H2", "home"), person("P1", "partner")],
        both_ways("H1", "H2") + both_ways("H2", "P1", frequency="daily"),
    )
    h1, h2, p1 = (net.people[p] for p in ("H1", "H2", "P1"))
    assert (h2.betweenness, h1.betweenness, p1.betweenness) == (1.0, 0.0, 0.0)
    assert (h2.closeness, h1.closeness) == (1.0, 0.6667)
    assert (h2.degree, h2.weighted_degree, h2.cross_ties, h1.cross_ties) == (2, 1.7, 1, 0)
    assert h2.boundary_spanner and not h1.boundary_spanner  # strong ties inside home and to the partner


def test_a_tie_named_by_both_counts_once_with_the_stronger_report_and_one_way_ties_are_kept() -> None:
    net, _ = network(
        [person("H1", "home"), person("H2", "home"), person("P1", "partner")],
        [tie("H1", "P1", "monthly", "low"), tie("P1", "H1", "daily", "high"), tie("H2", "P1", "weekly", "medium")],
    )
    assert [(t.a, t.b, t.weight, t.reported_by, t.one_way) for t in net.ties] == [
        ("H1", "P1", 1.0, "both", False),
        ("H2", "P1", 0.42, "H2", True),
    ]


def test_a_spanner_needs_strong_ties_inside_and_across() -> None:
    """H1 has a strong tie to the partner but only a weak one at home; H2 has strong ties on both sides."""
    net, _ = network(
        [person("H1", "home"), person("H2", "home"), person("H3", "home"), person("P1", "partner")],
        both_ways("H1", "P1")
        + both_ways("H1", "H3", frequency="monthly", importance="low")
        + both_ways("H2", "P1")
        + both_ways("H2", "H3"),
    )
    assert {p for p, m in net.people.items() if m.boundary_spanner} == {"H2"}  # P1 has no tie inside its own firm


def _star_vs_decentralized() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The partner's designated contact P1 answers every home person; at home anyone deals with the partner."""
    people = [person(f"H{i}", "home") for i in range(1, 5)]
    people += [person("P1", "partner", "M"), person("P2", "partner"), person("P3", "partner", "E", "sponsor")]
    people += [person("H0", "home", "E", "sponsor")]
    ties = [t for i in range(1, 5) for t in both_ways(f"H{i}", "P1")]
    ties += both_ways("H1", "H2") + both_ways("H2", "H3") + both_ways("H3", "H4") + both_ways("H4", "H1")
    ties += both_ways("P1", "P2", frequency="daily") + both_ways("P1", "P3") + both_ways("P2", "P3")
    return people, ties


def test_a_star_shaped_partner_interface_is_centralized_and_a_decentralized_home_is_not() -> None:
    people, ties = _star_vs_decentralized()
    net, findings = network(people, ties)
    assert (net.orgs["partner"].top_contact, net.orgs["partner"].top_share, net.orgs["partner"].centralized) == (
        "P1",
        1.0,
        True,
    )
    assert (net.orgs["home"].top_share, net.orgs["home"].centralized) == (0.25, False)
    central = [f for f in findings if f.pattern == "centralized_interface"]
    assert [(f.side, f.severity, f.band, f.people) for f in central] == [
        ("partner", 60.0, "high", "P1 (core team, middle)")
    ]
    key = [f for f in findings if f.pattern == "key_person_risk"]
    assert [(f.side, f.people) for f in key] == [("partner", "P1 (core team, middle)")]
    assert net.people["P1"].betweenness > net.people["H1"].betweenness


def test_an_isolated_senior_executive_is_at_the_edge() -> None:
    """H0, the home sponsor, has no tie at all; the partner's sponsor P3 is in the thick of it."""
    people, ties = _star_vs_decentralized()
    _, findings = network(people, ties)
    senior = [f for f in findings if f.pattern == "senior_executives_peripheral"]
    assert [(f.side, f.severity, f.band, f.people) for f in senior] == [
        ("home", 65.0, "high", "H0 (sponsor, executive)")
    ]
    levels = [(f.subject, f.side) for f in findings if f.pattern == "level_not_connected"]
    # nobody at home is a middle manager; home's operational staff deal only with the partner's middle manager
    assert levels == [("executive", "both"), ("middle", "home"), ("operational", "both")]


def test_seniority_mismatch_turnover_and_one_way_ties() -> None:
    people = [
        person("H1", "home", "O", "project_lead"),
        person("H2", "home", "M", "core_team", status="reassigned"),
        person("P1", "partner", "E", "project_lead"),
        person("P2", "partner", "M"),
    ]
    ties = both_ways("H1", "P1") + [tie("H2", "P2", "daily"), tie("H1", "H2"), tie("P1", "P2")]
    _, findings = network(people, ties)
    got = {f.finding_id: (f.severity, f.band) for f in findings}
    assert got["network:seniority_mismatch:project_lead:home"] == (55.0, "high")
    assert got["network:turnover_on_ties:home"] == (75.0, "critical")  # a strong tie to the partner
    # 3 of 4 ties are named by one person only; two of the three are left unnamed by P2, of the partner
    assert got["network:one_way_ties:partner"] == (35.0, "moderate")


def _swap(rows: list[dict[str, str]], key: str) -> list[dict[str, str]]:
    flip = {"home": "partner", "partner": "home"}
    return [{**r, key: flip.get(r.get(key, ""), r.get(key, ""))} for r in rows]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_swapping_which_firm_is_home_swaps_the_side_of_every_finding_and_nothing_else(project) -> None:
    folder = project.deal_dir("helix-jv")
    people, ties = _rows(folder / "people.csv"), _rows(folder / "contacts.csv")
    _, findings = network(people, ties)
    _, swapped = network(_swap(people, "organization"), _swap(ties, "contact_organization"))
    flip = {"home": "partner", "partner": "home", "both": "both"}
    assert len(findings) >= 6
    assert sorted(
        (f.pattern, f.subject, flip[f.side], f.severity, f.band, f.detail, f.people, f.ties) for f in findings
    ) == sorted((f.pattern, f.subject, f.side, f.severity, f.band, f.detail, f.people, f.ties) for f in swapped)


def test_the_sample_deal_shows_the_patterns_of_the_alpha_omega_case(project) -> None:
    intake = read_network(project.deal_dir("helix-jv"), project.inputs_dir.parent)
    assert not intake.problems
    net = analyse(intake.people, intake.contacts, CONFIG)
    ids = {f.finding_id for f in find_patterns(net, CONFIG, BANDS)}
    assert {
        "network:centralized_interface:partner",
        "network:senior_executives_peripheral:home",
        "network:spanners_low_level:home",
        "network:level_not_connected:executive:both",
        "network:seniority_mismatch:project_lead:home",
        "network:key_person_risk:partner",
        "network:turnover_on_ties:home",
    } <= ids
    assert "network:centralized_interface:home" not in ids
    assert not net.nodes["P-LEGAL1"].surveyed and net.nodes["P-LEGAL1"].organization == "partner"


def test_the_same_files_in_another_order_give_the_same_results() -> None:
    people, ties = _star_vs_decentralized()
    _, first = network(people, ties)
    rng = random.Random(7)
    shuffled_people, shuffled_ties = people[:], ties[:]
    rng.shuffle(shuffled_people)
    rng.shuffle(shuffled_ties)
    net2, second = network(shuffled_people, shuffled_ties)
    net1, _ = network(people, ties)
    assert first == second
    assert [vars(m) for m in net1.people.values()] == [vars(m) for m in net2.people.values()]


# --- bad input: file, row, field, value, what was expected --------------------------------------------------


def _write(path: Path, header: tuple[str, ...], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def deal_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "inputs" / "deals" / "acme"
    folder.mkdir(parents=True)
    _write(
        folder / "people.csv",
        PEOPLE_COLUMNS,
        [
            ["H1", "home", "middle", "Marketing", "project_lead", "Ann", "yes", ""],
            ["P1", "partner", "executive", "R&D", "project_lead", "", "no", "active"],
        ],
    )
    return folder


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            ["Z9", "P1", "", "weekly", "high", "no"],
            "inputs/deals/acme/contacts.csv, row 2, person_id: 'Z9' is an unknown person; "
            "expected a person_id listed in people.csv",
        ),
        (
            ["H1", "H1", "", "weekly", "high", "no"],
            "inputs/deals/acme/contacts.csv, row 2, contact_id: 'H1' is the person reporting the tie; "
            "expected someone else (a person cannot name themself)",
        ),
        (
            ["H1", "X7", "vendor", "weekly", "high", "no"],
            "inputs/deals/acme/contacts.csv, row 2, contact_organization: 'vendor' is not an organization in the "
            "deal; expected home or partner",
        ),
        (
            ["H1", "P1", "", "often", "high", "no"],
            "inputs/deals/acme/contacts.csv, row 2, frequency: 'often' is not allowed; "
            "expected one of 'daily', 'weekly', 'monthly' or 'rarely'",
        ),
        (
            ["H1", "P1", "", "weekly", "urgent", "no"],
            "inputs/deals/acme/contacts.csv, row 2, importance: 'urgent' is not allowed; "
            "expected one of 'high', 'medium' or 'low'",
        ),
        (
            ["H1", "X7", "", "weekly", "high", "no"],
            "inputs/deals/acme/contacts.csv, row 2, contact_organization: is empty; it is required when the "
            "contact 'X7' is not in people.csv (expected home or partner)",
        ),
    ],
)
def test_bad_contact_rows_are_refused_with_file_row_field_value_and_expectation(
    deal_dir: Path, row: list[str], message: str
) -> None:
    _write(deal_dir / "contacts.csv", CONTACT_COLUMNS, [row])
    intake = read_network(deal_dir, deal_dir.parents[2])
    assert [str(p) for p in intake.problems] == [message]
    assert intake.contacts == []


def test_a_tie_listed_twice_and_an_organization_not_in_the_deal_in_people_csv(deal_dir: Path) -> None:
    _write(
        deal_dir / "contacts.csv",
        CONTACT_COLUMNS,
        [["H1", "P1", "", "weekly", "high", "no"], ["H1", "P1", "partner", "daily", "low", "yes"]],
    )
    with (deal_dir / "people.csv").open("a", encoding="utf-8") as handle:
        handle.write("V1,vendor,middle,Sales,core_team,,,\n")
    problems = [str(p) for p in read_network(deal_dir, deal_dir.parents[2]).problems]
    assert problems == [
        "inputs/deals/acme/people.csv, row 4, organization: 'vendor' is not an organization in the deal; "
        "expected home or partner",
        "inputs/deals/acme/contacts.csv, row 3, contact_id: 'P1' is named by 'H1' a second time (first on row 2); "
        "expected one row per tie",
    ]


def test_contacts_without_a_roster_are_refused(deal_dir: Path) -> None:
    (deal_dir / "people.csv").unlink()
    _write(deal_dir / "contacts.csv", CONTACT_COLUMNS, [["H1", "P1", "", "weekly", "high", "no"]])
    assert [str(p) for p in read_network(deal_dir, deal_dir.parents[2]).problems] == [
        "inputs/deals/acme/contacts.csv: needs people.csv next to it: every person who reports ties must be on "
        "the roster"
    ]


def test_a_bad_contacts_file_blocks_the_deal_like_a_bad_answers_file(project, playbook) -> None:
    from dd_pipeline.intake import read_inputs

    contacts = project.deal_dir("helix-jv") / "contacts.csv"
    contacts.write_text(contacts.read_text(encoding="utf-8") + "H04,H04,,weekly,high,no\n", encoding="utf-8")
    errors = [str(p) for p in read_inputs(project, "helix-jv", playbook).errors]
    assert errors == [
        "inputs/deals/helix-jv/contacts.csv, row 61, contact_id: 'H04' is the person reporting the tie; "
        "expected someone else (a person cannot name themself)"
    ]


# --- findings, matching and outputs --------------------------------------------------------------------------


def test_network_findings_rank_with_the_others_and_select_mitigations(project, playbook, tmp_path: Path) -> None:
    import pandas as pd

    from dd_pipeline.matching import match_mitigations
    from dd_pipeline.reporting.network_tables import write_network_tables
    from dd_pipeline.warehouse.connection import ddl, frame
    from tests.sample_project import accept_and_score as ingest_and_score

    roster = project.deal_dir("helix-jv") / "people.csv"
    roster.write_text(
        roster.read_text(encoding="utf-8").replace(
            "P10,partner,executive,Operations,governance,,no",
            "P10,partner,executive,Operations,governance,Odile Secret,no",
        ),
        encoding="utf-8",
    )
    con = duckdb.connect()
    con.execute(ddl())
    ingest_and_score(con, project, playbook, "helix-jv")
    findings = frame(con, "SELECT * FROM findings WHERE deal_id = 'helix-jv' ORDER BY rank")
    network = findings[findings["kind"] == "network"]
    assert "network:centralized_interface:partner" in set(network["finding_id"])
    assert network["rank"].min() < findings["rank"].max()  # ranked among the gaps, not after them
    row = network[network["finding_id"] == "network:centralized_interface:partner"].iloc[0]
    assert (row.side, row.dimension_id, row.band) == ("partner", "centralized_interface", "high")
    both = network[network["finding_id"] == "network:level_not_connected:executive:both"].iloc[0]
    assert pd.isna(both.side)  # a finding about both firms has no side, like a shared weakness

    result = match_mitigations(
        playbook, findings, frame(con, "SELECT * FROM gaps WHERE deal_id = 'helix-jv'"), "joint_venture"
    )
    selected = {m.mitigation.id: m for m in result.matches if m.status == "selected"}
    assert {"relationship_audit", "designated_contact_with_levels", "visible_senior_sponsor"} <= set(selected)
    contact = selected["designated_contact_with_levels"]
    assert "network:centralized_interface:partner" in contact.findings
    # the partner's funnel alone would make it the partner's task; ties one firm names and the other does not
    # concern both firms, so the confidentiality levels are agreed jointly
    concern_both = [f for f in contact.findings if f.endswith(":both") or f.count(":") == 1]
    assert concern_both and contact.owner_side == "joint", contact.findings
    assert "network:key_person_risk:partner" in selected["key_personnel_continuity"].findings

    out = tmp_path / "out"
    out.mkdir()
    written = write_network_tables(con, "helix-jv", out)
    first = [p.read_bytes() for p in written]
    people = _rows(out / "network.csv")
    assert {r["person_id"]: r["shown_as"] for r in people}["P10"] == "P10 (governance)"  # named=no
    assert {r["person_id"]: r["shown_as"] for r in people}["P03"] == "Hélène Dubois"
    assert not any("Odile" in p.read_text(encoding="utf-8") for p in written)
    stored = con.execute("SELECT string_agg(detail || people || ties, ' ') FROM network_findings").fetchone()[0]
    assert "P10" in stored and "Odile" not in stored

    ingest_and_score(con, project, playbook, "helix-jv")
    assert [p.read_bytes() for p in write_network_tables(con, "helix-jv", out)] == first

    (project.deal_dir("helix-jv") / "people.csv").unlink()
    (project.deal_dir("helix-jv") / "contacts.csv").unlink()
    ingest_and_score(con, project, playbook, "helix-jv")
    assert write_network_tables(con, "helix-jv", out) == [] and not (out / "network.csv").exists()
    kinds = con.execute("SELECT DISTINCT kind FROM findings WHERE deal_id = 'helix-jv'").fetchall()
    assert ("network",) not in kinds


def test_a_trigger_naming_an_unknown_network_pattern_is_refused(tmp_path: Path) -> None:
    from dd_pipeline.errors import ProblemList
    from dd_pipeline.playbook import load_playbook
    from dd_pipeline.settings import PROJECT_ROOT

    shutil.copytree(PROJECT_ROOT / "assets", tmp_path / "assets")
    path = tmp_path / "assets" / "mitigations" / "network.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("[senior_executives_peripheral]", "[bosses_absent]"))
    with pytest.raises(ProblemList) as err:
        load_playbook(tmp_path / "assets")
    assert "'bosses_absent' is not a network pattern; expected one of centralized_interface" in str(err.value)


def test_changes_name_the_ties_and_spanners_that_appeared_or_went() -> None:
    from dd_pipeline.reporting.changes import State, _Names, compare_states, render
    from dd_pipeline.warehouse.connection import ddl
    from dd_pipeline.warehouse.history import live_findings
    from dd_pipeline.warehouse.network import store_network

    def findings_of(people: list[dict[str, str]], ties: list[dict[str, str]]) -> dict:  # type: ignore[type-arg]
        con = duckdb.connect()
        con.execute(ddl())
        net, found = network(people, ties)
        store_network(con, "d1", net, found)
        return live_findings(con, "d1")

    people = [person("H1", "home"), person("H2", "home"), person("P1", "partner"), person("P2", "partner")]
    before = findings_of(people, both_ways("H1", "H2") + both_ways("H1", "P1") + both_ways("P1", "P2"))
    after = findings_of(
        people, both_ways("H1", "H2") + both_ways("H2", "P1") + both_ways("P1", "P2", frequency="monthly")
    )

    def state(findings: dict) -> State:  # type: ignore[type-arg]
        return State(50.0, "high", "pb", "code", {}, findings, {}, {}, {})

    changes = compare_states("d1", "Acme Inc.", state(before), state(after), _Names({}, "Larkspur", "Acme"))
    assert changes.network == [
        "new tie H2-P1 (strong, between Larkspur and Acme)",
        "tie gone: H1-P1 (strong, between Larkspur and Acme)",
        "tie P1-P2 is no longer strong",
        "new boundary spanner: H2 (Larkspur, operational)",
        "boundary spanner H1 (Larkspur) no longer spans",
        "boundary spanner P1 (Acme) no longer spans",
    ]
    assert "## Ties and boundary spanners" in render(changes)
    assert compare_states("d1", "Acme Inc.", state(after), state(after), _Names({}, "L", "A")).network == []


def test_the_expectation_suites_pass_on_stored_tables_and_catch_a_tie_stored_twice() -> None:
    import pandas as pd

    from dd_pipeline.network.quality import network_outcomes
    from dd_pipeline.warehouse.connection import ddl
    from dd_pipeline.warehouse.network import network_frames, store_network

    con = duckdb.connect()
    con.execute(ddl())
    people, ties = _star_vs_decentralized()
    net, found = network(people, ties)
    store_network(con, "d1", net, found)
    frames = network_frames(con, "d1")
    assert all(o.passed for o in network_outcomes(frames["people"], frames["ties"]))
    doubled = pd.concat([frames["ties"], frames["ties"].head(1)], ignore_index=True)
    failed = [str(o) for o in network_outcomes(frames["people"], doubled) if not o.passed]
    assert len(failed) == 1 and failed[0].startswith(
        "network ties, person_a,person_b: {'person_a': 'H1', 'person_b': 'H2'}"
    )
    assert failed[0].endswith("a tie named by both people counts once")
    assert network_outcomes(frames["people"].head(0), frames["ties"]) == []


def test_a_person_who_also_answered_must_be_in_the_same_firm(project, playbook) -> None:
    from dd_pipeline.intake import read_inputs

    roster = project.deal_dir("helix-jv") / "people.csv"
    text = roster.read_text(encoding="utf-8")
    text = text.replace("H01,home,executive", "H01,partner,executive").replace(
        "P02,partner,middle", "P02,partner,operational"
    )
    roster.write_text(text, encoding="utf-8")
    problems = [
        (str(p), p.severity) for p in read_inputs(project, "helix-jv", playbook).problems if "people.csv" in p.file
    ]
    assert problems == [
        (
            "inputs/deals/helix-jv/people.csv, row 2, organization: 'partner' does not agree with the answers, where "
            "respondent 'H01' answers for home; expected the same firm (the same id is the same person)",
            "error",
        ),
        (
            "inputs/deals/helix-jv/people.csv, row 17, level: 'operational' differs from the answers, where respondent "
            "'P02' gives the level middle; expected the same level (the same id is the same person)",
            "warning",
        ),
    ]


def test_the_network_picture_marks_spanners_and_never_shows_a_hidden_name() -> None:
    from dd_pipeline.reporting import chart_style as style
    from dd_pipeline.reporting.dashboard import embed
    from dd_pipeline.reporting.network_figures import network_picture, network_section
    from dd_pipeline.warehouse.connection import ddl
    from dd_pipeline.warehouse.network import network_frames, store_network

    people, ties = _star_vs_decentralized()
    people[0] = {**people[0], "name": "Odile <b>Secret</b>", "named": "no"}  # H1
    people[1] = {**people[1], "name": "Ann <b>Visible</b>"}  # H2
    con = duckdb.connect()
    con.execute(ddl())
    net, found = network(people, ties)
    store_network(con, "d1", net, found)
    frames = network_frames(con, "d1")
    fig = network_picture(frames["people"], frames["ties"], "HomeCo", "PartnerCo")
    markers = {t.name: t for t in fig.data if t.mode == "markers+text"}
    assert set(markers) == {"HomeCo", "PartnerCo"}
    assert markers["HomeCo"].marker.color != markers["PartnerCo"].marker.color
    symbols = dict(zip(markers["HomeCo"].text, markers["HomeCo"].marker.symbol, strict=True))
    assert symbols["H2"] == "star" and symbols["H0"] == "circle"  # H2 spans the firms; H0 has no tie at all
    hover = " ".join(markers["HomeCo"].hovertext)
    assert "Odile" not in hover and "H1 (core team)" in hover and "Ann &lt;b&gt;Visible&lt;/b&gt;" in hover
    html = embed(fig, "fig-network")
    assert "Odile" not in html and '"displaylogo": false' in html and '"showSendToCloud": false' in html
    assert html == embed(network_picture(frames["people"], frames["ties"], "HomeCo", "PartnerCo"), "fig-network")
    section = network_section(frames, {"home": "HomeCo", "partner": "PartnerCo"})
    assert section is not None
    assert [(lv["level"], lv["connected"]) for lv in section["levels"]] == [  # type: ignore[index,union-attr]
        ("executive", False),
        ("middle", False),
        ("operational", False),
    ]
    assert [(o["label"], o["top_share"], o["centralized"]) for o in section["organizations"]] == [  # type: ignore[union-attr]
        ("HomeCo", "25%", False),
        ("PartnerCo", "100%", True),
    ]
    assert style.CONFIG["displaylogo"] is False


def test_a_roster_with_only_its_header_is_no_network_yet(deal_dir: Path) -> None:
    _write(deal_dir / "people.csv", PEOPLE_COLUMNS, [])
    _write(deal_dir / "contacts.csv", CONTACT_COLUMNS, [])
    intake = read_network(deal_dir, deal_dir.parents[2])
    assert intake.problems == [] and not intake.present


def test_the_network_asset_runs_per_deal_before_the_ranked_findings() -> None:
    import dagster as dg

    from dd_pipeline.defs import build_definitions
    from dd_pipeline.defs.partitions import DEALS

    graph = build_definitions().resolve_asset_graph()
    node = graph.get(dg.AssetKey("network"))
    assert node.partitions_def == DEALS
    assert dg.AssetKey("answers") in node.parent_keys
    assert dg.AssetKey("network") in graph.get(dg.AssetKey("findings")).parent_keys
    assert any(k.name == "network_is_consistent" for k in graph.asset_check_keys)


def test_network_findings_are_in_findings_csv_the_terminal_table_and_the_dashboard(project, playbook) -> None:
    """Every view of the ranked findings shows the network's among the others, with no rank left out."""
    import io

    from rich.console import Console

    from dd_pipeline.reporting.dashboard import write_dashboard
    from dd_pipeline.reporting.gap_tables import write_gap_tables
    from dd_pipeline.reporting.terminal import deal_report
    from dd_pipeline.warehouse.connection import connect, ddl
    from tests.sample_project import accept_and_score

    with connect(project.warehouse_path) as con:
        con.execute(ddl())
        accept_and_score(con, project, playbook, "helix-jv")
        out = project.deal_outputs("helix-jv")
        out.mkdir(parents=True, exist_ok=True)
        write_gap_tables(con, "helix-jv", out)
        ranks = con.execute("SELECT rank FROM findings WHERE deal_id = 'helix-jv' ORDER BY rank").fetchall()
        titles = con.execute("SELECT title FROM network_findings WHERE deal_id = 'helix-jv' AND severity > 0")
        network_titles = [r[0] for r in titles.fetchall()]
        dashboard = write_dashboard(con, project, "helix-jv", playbook, project.deal_dir("helix-jv"))
    rows = _rows(out / "findings.csv")
    assert [int(r["rank"]) for r in rows] == [r[0] for r in ranks]  # every finding, none dropped
    network = [r for r in rows if r["kind"] == "network"]
    assert network and all(r["scale_min"] == "" for r in network)
    assert {r["dimension_name"] for r in network} <= set(network_titles)

    console = Console(file=io.StringIO(), width=200)
    deal_report(console, project, "helix-jv", 10, 1.0)
    printed = console.file.getvalue()
    top_network = [r for r in rows if r["kind"] == "network" and int(r["rank"]) <= 10]
    assert top_network and all(r["dimension_name"][:30] in printed for r in top_network)
    assert "network pattern" in printed
    html = dashboard.read_text(encoding="utf-8")
    assert top_network[0]["dimension_name"] in html
