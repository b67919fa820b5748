"""The maturity profile of each side (maturity.csv) and what an immature side does to the likely challenges."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import write_csv

from dd_pipeline.errors import ProblemList
from dd_pipeline.maturity.profile import load_profile, uplift_words
from dd_pipeline.playbook import load_playbook
from dd_pipeline.reporting.gap_tables import write_gap_tables
from dd_pipeline.warehouse.connection import connect, frame
from tests.sample_project import accept_and_score as ingest_and_score

MATURITY_HEADER = ["respondent_id", "respondent_side", "rated_side", "area", "level"]
AREAS = ["strategic_importance", "am_mission", "am_structure", "process_tools", "people_culture", "reputation"]
ANSWERS = {"decision_style": [3, 3, 3], "am_maturity": [3, 3, 3]}


def levels_rows(respondent: str, side: str, levels: list[int], rated: str = "") -> list[list[object]]:
    return [[respondent, side, rated, area, level] for area, level in zip(AREAS, levels, strict=True)]


def run(builder, playbook, maturity: list[list[object]] | None, home=None, partner=None):
    """Score deal d1 (with maturity.csv when rows are given); the profile, challenges, gaps and deal scores."""
    builder.home_answers(home or ANSWERS)
    folder = builder.deal("d1", partner or {"decision_style": [1, 1, 1], "am_maturity": [3, 3, 3]})
    path = folder / "maturity.csv"
    if maturity is not None:
        write_csv(path, maturity, MATURITY_HEADER)
    elif path.exists():
        path.unlink()
    with connect(builder.settings.warehouse_path) as con:
        ingest_and_score(con, builder.settings, playbook, "d1")
        profile = load_profile(con, "d1")
        tables = {
            name: frame(con, f"SELECT * FROM {name} WHERE deal_id = 'd1'")
            for name in ("likely_challenges", "gaps", "deal_scores")
        }
    return profile.set_index(["side", "area"]), tables


def test_area_level_is_the_median_of_the_sides_own_people(builder, playbook):
    rows = [
        *levels_rows("H01", "home", [1, 3, 3, 3, 3, 3]),
        *levels_rows("H02", "home", [3, 3, 3, 3, 3, 3]),
        *levels_rows("H03", "home", [4, 4, 4, 4, 4, 4]),
        *levels_rows("P01", "partner", [2, 2, 2, 2, 2, 2]),
        *levels_rows("P02", "partner", [3, 3, 3, 3, 3, 3]),
    ]
    profile, _ = run(builder, playbook, rows)
    home = profile.loc[("home", "strategic_importance")]
    assert (home.level, home.respondents, home.view) == (3, 3, "self")
    partner = profile.loc[("partner", "am_mission")]
    assert (partner.level, partner.respondents, partner.view) == (2.5, 2, "self")
    # the overall level is the median of the six area levels (2.5 each), rounded down: immature
    overall = profile.loc[("partner", "overall")]
    assert (overall.level, bool(overall.immature)) == (2, True)
    assert (profile.loc[("home", "overall")].level, bool(profile.loc[("home", "overall")].immature)) == (3, False)


def test_the_self_view_is_preferred_and_the_other_view_fills_in(builder, playbook):
    rows = [
        # the partner's own people rate five areas, not reputation
        *[["P01", "partner", "", area, 4] for area in AREAS[:5]],
        # the home deal team rates the partner from outside on every area
        *levels_rows("H01", "home", [1, 1, 1, 1, 1, 2], rated="partner"),
        *levels_rows("H02", "home", [1, 1, 1, 1, 1, 2], rated="partner"),
    ]
    profile, _ = run(builder, playbook, rows)
    own = profile.loc[("partner", "am_structure")]
    assert (own.level, own.respondents, own.view) == (4, 1, "self")
    outside = profile.loc[("partner", "reputation")]
    assert (outside.level, outside.respondents, outside.view) == (2, 2, "other")
    overall = profile.loc[("partner", "overall")]
    assert (overall.level, overall.view, overall.respondents) == (4, "mixed", 3)
    # nobody rated home on maturity and its am_maturity score is 3: the fallback, not immature
    home = profile.loc[("home", "overall")]
    assert (home.level, home.view, bool(home.immature)) == (3, "fallback", False)


def test_an_immature_side_raises_only_the_execution_challenges(builder, playbook):
    mature = [*levels_rows("H01", "home", [3] * 6), *levels_rows("P01", "partner", [3] * 6)]
    immature = [*levels_rows("H01", "home", [3] * 6), *levels_rows("P01", "partner", [2, 2, 2, 3, 2, 1])]
    _, before = run(builder, playbook, mature)
    _, after = run(builder, playbook, immature)
    uplift = playbook.scoring.immature_uplift
    b = before["likely_challenges"].set_index("challenge_id").likelihood
    a = after["likely_challenges"].set_index("challenge_id").likelihood
    scored = b.notna()
    assert scored.any()
    assert (a[scored] == (b[scored] + uplift).clip(upper=100)).all()
    assert a[~scored].isna().all()

    # the gaps and the risk index do not change
    def severities(tables: dict) -> object:  # type: ignore[type-arg]
        return tables["gaps"].set_index("dimension_id")["severity"].sort_index()

    assert severities(before).equals(severities(after))
    assert before["deal_scores"]["risk_index"].equals(after["deal_scores"]["risk_index"])


def test_without_maturity_answers_the_am_maturity_score_decides(builder, playbook):
    home = {"decision_style": [3, 3, 3], "am_maturity": [3, 3, 3]}
    partner = {"decision_style": [1, 1, 1], "am_maturity": [2, 2, 3]}
    profile, fallback = run(builder, playbook, None, home=home, partner=partner)
    assert list(profile.index) == [("home", "overall"), ("partner", "overall")]
    row = profile.loc[("partner", "overall")]
    assert (row.level, row.view, bool(row.immature)) == (2, "fallback", True)
    # the same answers with maturity levels of 3 for both sides: the maturity answers win over the item
    rows = [*levels_rows("H01", "home", [3] * 6), *levels_rows("P01", "partner", [3] * 6)]
    profile, answered = run(builder, playbook, rows, home=home, partner=partner)
    assert not profile.loc[("partner", "overall")].immature
    a = fallback["likely_challenges"].set_index("challenge_id").likelihood.dropna()
    b = answered["likely_challenges"].set_index("challenge_id").likelihood.dropna()
    assert (a == (b + playbook.scoring.immature_uplift).clip(upper=100)).all()


def test_swapping_home_and_partner_swaps_the_profile_and_nothing_else(builder, playbook):
    home_levels, partner_levels = [3, 4, 3, 3, 4, 3], [2, 2, 1, 2, 3, 2]
    one = [*levels_rows("H01", "home", home_levels), *levels_rows("P01", "partner", partner_levels)]
    two = [*levels_rows("H01", "home", partner_levels), *levels_rows("P01", "partner", home_levels)]
    answers = {"decision_style": [4, 4, 4], "am_maturity": [3, 3, 3]}
    other = {"decision_style": [1, 2, 1], "am_maturity": [3, 3, 3]}
    profile_a, a = run(builder, playbook, one, home=answers, partner=other)
    profile_b, b = run(builder, playbook, two, home=other, partner=answers)
    swapped = profile_b.rename(index={"home": "partner", "partner": "home"}, level="side").sort_index()
    columns = ["level", "respondents", "view", "immature"]
    assert profile_a.sort_index()[columns].equals(swapped[columns])
    la = a["likely_challenges"].set_index("challenge_id")[["likelihood", "band", "rank"]]
    lb = b["likely_challenges"].set_index("challenge_id")[["likelihood", "band", "rank"]]
    assert la.equals(lb)


def test_the_words_name_the_side_its_level_and_the_uplift(builder, playbook):
    rows = [*levels_rows("H01", "home", [3] * 6), *levels_rows("P01", "partner", [2] * 6)]
    run(builder, playbook, rows)
    with connect(builder.settings.warehouse_path) as con:
        words = uplift_words(load_profile(con, "d1"), {"home": "HomeCo", "partner": "PartnerCo"}, 10)
        folder = builder.settings.outputs_dir / "d1"
        folder.mkdir()
        write_gap_tables(con, "d1", folder)
    assert words == (
        "PartnerCo is at alliance-management maturity level 2 (rated by its own people), at or below level 2: "
        "immature organizations meet all 21 execution challenges more often, so every challenge's likelihood is "
        "raised by 10 points (capped at 100)."
    )
    lines = (folder / "maturity.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == ("side,organization,area,area_name,level,respondents,view,view_used,immature,level_description")
    assert "partner,PartnerCo,overall,Overall level,2,1,self,rated by its own people,True," in lines
    assert len(lines) == 1 + 2 * 7


BAD_CASES = [
    (
        ["P01", "partner", "", "reputaton", "2"],
        "area",
        "'reputaton' is not an area of the maturity model (did you mean 'reputation'?)",
    ),
    (
        ["P01", "partner", "", "reputation", "5"],
        "level",
        "'5' is not a maturity level; expected a whole number from 1 to 4",
    ),
    (
        ["P01", "partner", "", "reputation", "2.5"],
        "level",
        "'2.5' is not a maturity level; expected a whole number from 1 to 4",
    ),
    (["P01", "partner", "", "reputation", ""], "level", "'' is empty; expected a whole number from 1 to 4"),
    (["P01", "", "", "reputation", "2"], "respondent_side", "'' is empty; expected one of 'home' or 'partner'"),
    (["P01", "partner", "board", "reputation", "2"], "rated_side", "'board' "),
    (["P 01", "partner", "", "reputation", "2"], "respondent_id", "'P 01' "),
]


@pytest.mark.parametrize(("row", "field", "message"), BAD_CASES, ids=[c[1] + str(i) for i, c in enumerate(BAD_CASES)])
def test_a_bad_maturity_cell_is_refused_with_file_row_and_field(builder, playbook, row, field, message):
    with pytest.raises(ProblemList) as caught:
        run(builder, playbook, [levels_rows("H01", "home", [3] * 6)[0], row])
    text = str(caught.value)
    assert f"inputs/deals/d1/maturity.csv, row 3, {field}: {message}" in text


def test_twice_the_same_area_and_one_person_on_two_sides_are_refused(builder, playbook):
    rows = [
        ["P01", "partner", "", "reputation", "2"],
        ["P01", "partner", "partner", "reputation", "3"],
        ["P01", "home", "", "am_mission", "3"],
    ]
    with pytest.raises(ProblemList) as caught:
        run(builder, playbook, rows)
    text = str(caught.value)
    assert (
        "inputs/deals/d1/maturity.csv, row 3, area: 'reputation' is rated twice by P01 about partner "
        "(first in inputs/deals/d1/maturity.csv row 2); keep one row"
    ) in text
    assert (
        "inputs/deals/d1/maturity.csv, row 4, respondent_id: 'P01' is given as home here but as partner in "
        "inputs/deals/d1/maturity.csv row 2; a respondent id names one person, on one side"
    ) in text


def test_a_maturity_respondent_is_on_the_side_the_answers_give(builder, playbook):
    with pytest.raises(ProblemList) as caught:
        run(builder, playbook, [["P01", "home", "", "reputation", "2"]])
    assert (
        "inputs/deals/d1/maturity.csv, row 2, respondent_id: 'P01' is given as home here but as partner in "
        "inputs/deals/d1/answers_partner.csv row 2; a respondent id names one person, on one side"
    ) in str(caught.value)


def test_a_misspelt_column_is_named(builder, playbook):
    folder = builder.deal("d1", {"decision_style": [1, 1, 1]})
    builder.home_answers(ANSWERS)
    write_csv(folder / "maturity.csv", [["P01", "partner", "", "reputation", 2]], [*MATURITY_HEADER[:4], "levle"])
    with connect(builder.settings.warehouse_path) as con, pytest.raises(ProblemList) as caught:
        ingest_and_score(con, builder.settings, playbook, "d1")
    assert "inputs/deals/d1/maturity.csv, row 1: 'levle' is not a column name (did you mean 'level'?)" in str(
        caught.value
    )


def _edit_model(root: Path, edit) -> None:  # type: ignore[no-untyped-def]
    path = root / "framework" / "maturity.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(doc)
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")


def test_the_model_needs_four_levels_per_area_and_a_known_fallback(empty_project):
    root = empty_project.assets_dir

    def drop_level(doc: dict) -> None:  # type: ignore[type-arg]
        del doc["areas"][2]["levels"][4]

    def misspell_fallback(doc: dict) -> None:  # type: ignore[type-arg]
        doc["areas"][2]["levels"][4] = "A group with weight in the organization."
        doc["rule"]["fallback_dimension"] = "am_maturty"

    _edit_model(root, drop_level)
    with pytest.raises(ProblemList) as caught:
        load_playbook(root)
    assert (
        "assets/framework/maturity.yaml, line 25, areas[2] (am_structure).levels: must describe exactly the "
        "levels 1, 2, 3 and 4 (found 1, 2, 3)" in str(caught.value)
    )
    _edit_model(root, misspell_fallback)
    with pytest.raises(ProblemList) as caught:
        load_playbook(root)
    assert "rule.fallback_dimension: 'am_maturty' is not a dimension id in assets/framework/dimensions/" in str(
        caught.value
    )


def test_the_dashboard_shows_the_grid_and_says_what_maturity_does(builder, playbook):
    from dd_pipeline.reporting.dashboard import write_dashboard

    rows = [*levels_rows("H01", "home", [3] * 6), *levels_rows("P01", "partner", [2, 2, 2, 2, 3, 3])]
    run(builder, playbook, rows)
    with connect(builder.settings.warehouse_path) as con:
        page = write_dashboard(con, builder.settings, "d1", playbook).read_text(encoding="utf-8")
    assert 'id="fig-maturity"' in page
    words = (
        "PartnerCo is at alliance-management maturity level 2 (rated by its own people), at or below level 2: "
        "immature organizations meet all 21 execution challenges more often, so every challenge&#39;s likelihood "
        "is raised by 10 points (capped at 100)."
    )
    maturity, challenges = page.index('id="maturity"'), page.index('id="challenges"')
    assert maturity < page.index(words) < challenges < page.index(words, challenges)
    figure = page[page.index('id="fig-maturity"') :]
    figure = figure[: figure.index("</script>")]
    assert '"showSendToCloud": false' in figure and "sendDataToCloud" in figure  # the house figure config


def test_the_maturity_suite_flags_levels_off_the_model(playbook):
    import pandas as pd

    from dd_pipeline.quality.expectations import maturity_rules, validate

    frame_ = pd.DataFrame(
        [
            ["maturity.csv", 2, "P01", "partner", "partner", "reputation", 2],
            ["maturity.csv", 3, "P01", "partner", "partner", "reputation", 5],
            ["maturity.csv", 4, "P02", "partner", "partner", "brand", 3],
        ],
        columns=["source_file", "source_row", "respondent_id", "respondent_side", "rated_side", "area_id", "level"],
    )
    failed = {
        o.message for o in validate("maturity", frame_, maturity_rules(playbook.maturity.area_ids)) if not o.passed
    }
    assert failed == {
        "area must be one of the maturity model's areas",
        "a maturity level is a whole number from 1 to 4",
        "a respondent gives one level per area and organization rated",
    }
