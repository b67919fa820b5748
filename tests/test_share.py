"""`dd-pipeline share`: packs for the partner, for legal and for the home team. Nothing only the home side may
see reaches the partner pack: marker strings planted in home respondent ids, comments, divisions, evidence
marked internal and override reasons are looked for in every byte of every file (and of every part of the
Excel and Word files, which are zip archives)."""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml

from dd_pipeline.settings import PROJECT_ROOT, Settings
from tests.conftest import cli_for, deal_yaml, write_csv

DIMENSIONS = {"decision_style": (1, 5), "trust_propensity": (1, 5), "ip_protection": (1, 5), "approval_layers": (1, 5)}
HOME_IDS = ["HOMEIDQX1", "HOMEIDQX2", "HOMEIDQX3", "HOMEIDQX4"]
HOME_DIVISIONS = ["DIVQX Research", "DIVQX Sales"]
HOME_COMMENT = "HOMECOMMENTQX the partner will copy us"
PARTNER_COMMENT = "PARTNERCOMMENTQX said in confidence"
INTERNAL_NOTE = "INTERNALNOTEQX their CFO wants out"
INTERNAL_SOURCE = "INTERNALSOURCEQX board dinner"
OVERRIDE_REASON = "OVERRIDEQX our CEO overruled the committee on this"
SHARED_NOTE = "SHAREDNOTEQX both teams agreed on the clean-team scope"
HOME_ONLY = [
    *HOME_IDS,
    *HOME_DIVISIONS,
    "DIVQX",
    HOME_COMMENT,
    PARTNER_COMMENT,
    INTERNAL_NOTE,
    INTERNAL_SOURCE,
    OVERRIDE_REASON,
    "HOMEIDQX",
    "HOMECOMMENTQX",
    "PARTNERCOMMENTQX",
    "INTERNALNOTEQX",
    "INTERNALSOURCEQX",
    "OVERRIDEQX",
]


@pytest.fixture(scope="module")
def shared(tmp_path_factory) -> Path:
    """A deal run once, then packed for all three audiences; returns the deal's outputs folder."""
    root = tmp_path_factory.mktemp("share")
    shutil.copytree(PROJECT_ROOT / "assets", root / "assets")
    settings = Settings(root / "assets", root / "inputs", root / "outputs", root / "outputs" / "warehouse.duckdb")
    settings.home_dir.mkdir(parents=True)
    (settings.home_dir / "organization.yaml").write_text(
        yaml.safe_dump({"name": "Home Test Co", "short_name": "HomeCo", "divisions": HOME_DIVISIONS}), encoding="utf-8"
    )
    folder = settings.deal_dir("d1")
    folder.mkdir(parents=True)
    (folder / "deal.yaml").write_text(
        yaml.safe_dump(deal_yaml("d1", clause_parameters={"governing_law": "the laws of England and Wales"})),
        encoding="utf-8",
    )
    home, partner = [], []
    for i, rid in enumerate(HOME_IDS):
        division = HOME_DIVISIONS[i % 2]
        for n, dim in enumerate(DIMENSIONS):
            own = 1 + (i % 2) * 3 if dim == "decision_style" else 2 + (n + i) % 2  # divisions disagree
            home.append([rid, "home", division, "middle", "home", dim, own, HOME_COMMENT if n == 0 else ""])
            home.append([rid, "home", division, "middle", "partner", dim, 4, ""])
    for i in range(1, 4):
        for dim in DIMENSIONS:
            partner.append(
                [
                    f"P{i}",
                    "partner",
                    "Operations" if i % 2 else "Research",
                    "middle",
                    "partner",
                    dim,
                    5 if dim != "trust_propensity" else 2,
                    PARTNER_COMMENT if dim == "ip_protection" else "",
                ]
            )
            partner.append([f"P{i}", "partner", "Operations" if i % 2 else "Research", "middle", "home", dim, 2, ""])
    write_csv(folder / "answers_home.csv", home)
    write_csv(folder / "answers_partner.csv", partner)
    write_csv(
        folder / "evidence.csv",
        [
            ["ip_protection", "partner", "weakness", INTERNAL_NOTE, INTERNAL_SOURCE, "2027-02-01", "yes"],
            ["ip_protection", "partner", "observation", SHARED_NOTE, "Joint workshop", "2027-02-02", ""],
            [
                "decision_style",
                "home",
                "observation",
                "INTERNALNOTEQX second note",
                "INTERNALSOURCEQX call",
                "",
                "true",
            ],
        ],
        header=["dimension", "about_side", "kind", "observation", "source", "recorded_on", "internal"],
    )
    (folder / "overrides.yaml").write_text(
        yaml.safe_dump(
            {
                "overrides": [
                    {
                        "dimension": "approval_layers",
                        "adjust": -5,
                        "reason": OVERRIDE_REASON,
                        "author": "Ann Home",
                        "date": "2027-02-03",
                    }
                ]
            }
        ),
        encoding="utf-8",
    )

    monkeypatch = pytest.MonkeyPatch()
    home_dir = root / "dagster_home"
    home_dir.mkdir()
    (home_dir / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    monkeypatch.setenv("DAGSTER_HOME", str(home_dir))
    cli = cli_for(settings, monkeypatch)
    try:
        result = cli("run", "--deal", "d1", "--top", "1")
        assert result.exit_code == 0, result.output
        for audience in ("partner", "legal", "internal"):
            result = cli("share", "--deal", "d1", "--audience", audience)
            assert result.exit_code == 0, result.output
            assert f"wrote {settings.deal_outputs('d1') / 'share' / audience}" in result.output
        first = {p.name: p.read_bytes() for p in (settings.deal_outputs("d1") / "share" / "partner").iterdir()}
        assert cli("share", "--deal", "d1", "--audience", "partner").exit_code == 0
        again = {p.name: p.read_bytes() for p in (settings.deal_outputs("d1") / "share" / "partner").iterdir()}
        assert again == first  # the same run gives the same pack, byte for byte
        result = cli("run", "--deal", "d1", "--force", "--top", "1")
        assert result.exit_code == 0, result.output
        kept = {p.name: p.read_bytes() for p in (settings.deal_outputs("d1") / "share" / "partner").iterdir()}
        assert kept == first  # a rerun publishes its files and leaves the packs where they were
    finally:
        monkeypatch.undo()
    return settings.deal_outputs("d1")


def every_text(folder: Path) -> dict[str, bytes]:
    """Each file's bytes, and each part of each zip archive (xlsx, docx) uncompressed."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        found[path.name] = data
        if zipfile.is_zipfile(io.BytesIO(data)):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for member in archive.namelist():
                    found[f"{path.name}:{member}"] = archive.read(member)
    return found


def test_no_home_only_text_reaches_the_partner_pack(shared):
    pack = shared / "share" / "partner"
    texts = every_text(pack)
    assert {
        "README.md",
        "findings.csv",
        "mitigations.csv",
        "clauses.md",
        "clauses.docx",
        "launch_plan.xlsx",
        "launch_plan.ics",
        "evidence.csv",
        "perception_gaps.csv",
    } <= set(texts)
    assert any(name.startswith("launch_plan.xlsx:xl/") for name in texts)  # the archives were opened
    leaks = [
        (name, marker)
        for name, data in texts.items()
        for marker in HOME_ONLY
        if marker.encode() in data or marker.encode("utf-16-le") in data
    ]
    assert leaks == []
    # what the partner should get is there: shared evidence, both sides' scores, the clauses and the plan
    assert SHARED_NOTE.encode() in texts["evidence.csv"]
    findings = list(csv.DictReader(io.StringIO(texts["findings.csv"].decode())))
    assert {r["dimension"] for r in findings} >= set(DIMENSIONS) and all(r["home_score"] for r in findings[:4])
    assert b"## 1. " in texts["clauses.md"] and b"Drafting note" not in texts["clauses.md"]
    assert texts["launch_plan.ics"] == (shared / "launch_plan.ics").read_bytes()


def test_the_markers_are_in_the_deal_outputs_so_the_check_above_can_fail(shared):
    """The internal pack holds everything: each marker that must stay home is found there."""
    internal = b"\n".join(every_text(shared / "share" / "internal").values())
    for marker in ("HOMEIDQX1", "DIVQX Research", "HOMECOMMENTQX", "INTERNALNOTEQX", "INTERNALSOURCEQX", "OVERRIDEQX"):
        assert marker.encode() in internal, marker
    disagreement = (shared / "share" / "internal" / "internal_disagreement.csv").read_text(encoding="utf-8")
    assert "home,decision_style" in disagreement and "DIVQX" in disagreement


def test_the_legal_pack_has_the_clauses_with_notes_and_the_findings_behind_them(shared):
    pack = shared / "share" / "legal"
    assert {p.name for p in pack.iterdir()} == {
        "README.md",
        "clauses.docx",
        "clauses.md",
        "clauses.json",
        "findings_behind_clauses.csv",
        "evidence_behind_clauses.csv",
    }
    assert (pack / "clauses.md").read_bytes() == (shared / "clauses.md").read_bytes()
    assert "Drafting note" in (pack / "clauses.md").read_text(encoding="utf-8")
    findings = list(csv.DictReader((pack / "findings_behind_clauses.csv").open(encoding="utf-8")))
    assert findings and {"ip_protection", "approval_layers"} & {r["dimension"] for r in findings}
    evidence = list(csv.DictReader((pack / "evidence_behind_clauses.csv").open(encoding="utf-8")))
    assert {r["internal"] for r in evidence if r["observation"] == INTERNAL_NOTE} == {"True"}


def test_share_refuses_outputs_older_than_the_inputs(shared, monkeypatch):
    from dd_pipeline.settings import Settings

    root = shared.parent.parent
    settings = Settings(root / "assets", root / "inputs", root / "outputs", root / "outputs" / "warehouse.duckdb")
    cli = cli_for(settings, monkeypatch)
    answers = settings.deal_dir("d1") / "answers_partner.csv"
    original = answers.read_bytes()
    try:
        answers.write_bytes(original.replace(b",5,", b",4,", 1))
        result = cli("share", "--deal", "d1", "--audience", "partner")
        assert result.exit_code == 2
        assert (
            "d1: nothing was shared: the outputs do not match the inputs (its inputs changed); run it first: "
            "dd-pipeline run --deal d1"
        ) in result.output
    finally:
        answers.write_bytes(original)
