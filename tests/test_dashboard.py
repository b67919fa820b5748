"""Gap dashboards and the portfolio page as an alliance manager opens them: from a file, offline, escaped,
with every section, the same bytes for the same warehouse, riskiest deal first."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from html import escape

import dagster as dg
import pytest
import yaml
from plotly.offline import get_plotlyjs
from sample_portfolio import (
    DEALS,
    INJECTED_DIVISION,
    INJECTED_PARTNER,
    build_sample_portfolio,
    publish,
    score_and_draft,
)

from dd_pipeline.reporting.portfolio import write_portfolio
from dd_pipeline.settings import Settings
from dd_pipeline.warehouse.connection import connect
from dd_pipeline.warehouse.history import record_snapshot

SECTIONS = [
    "overview",
    "categories",
    "gaps",
    "perception",
    "disagreement",
    "challenges",
    "mitigations",
    "clauses",
    "launch-plan",
    "data-quality",
]
FIGURES = [
    "fig-category-profile",
    "fig-category-risk",
    "fig-gaps",
    "fig-gap-positions",
    "fig-perception-home",
    "fig-perception-partner",
    "fig-disagreement-home",
    "fig-disagreement-partner",
    "fig-challenges",
    "fig-coverage",
    "fig-launch-plan",
    "fig-respondents",
]


@pytest.fixture(scope="module")
def sample(tmp_path_factory, playbook):
    return build_sample_portfolio(tmp_path_factory.mktemp("portfolio"), playbook)


@pytest.fixture
def own_sample(sample, tmp_path):
    """A private copy of the built sample, for tests that add runs or change inputs."""
    settings, _ = sample
    root = tmp_path / "copy"
    shutil.copytree(settings.assets_dir.parent, root)
    return Settings(root / "assets", root / "inputs", root / "outputs", root / "outputs" / "warehouse.duckdb")


def html_of(settings: Settings, deal_id: str) -> str:
    return (settings.deal_outputs(deal_id) / "dashboard.html").read_text(encoding="utf-8")


def test_each_dashboard_is_small_offline_and_shares_one_plotly_js(sample):
    settings, pages = sample
    shared = settings.outputs_dir / "plotly.min.js"
    assert shared.read_text(encoding="utf-8") == get_plotlyjs()
    for deal_id in DEALS:
        page = pages[deal_id]
        assert page == settings.deal_outputs(deal_id) / "dashboard.html"
        assert page.stat().st_size < 1_000_000, f"{deal_id}: {page.stat().st_size} bytes"
        html = page.read_text(encoding="utf-8")
        assert re.findall(r"<script[^>]*\bsrc=\"([^\"]*)\"", html) == ["../plotly.min.js"]
        assert "http://" not in html and "https://" not in html and "cdn.plot.ly" not in html
        assert "Plotly.newPlot" in html
    index = pages["index"].read_text(encoding="utf-8")
    assert re.findall(r"<script[^>]*\bsrc=\"([^\"]*)\"", index) == ["plotly.min.js"]
    assert "https://" not in index


def test_no_chart_offers_to_upload_itself(sample):
    """plotly.js draws a 'Share chart...' button unless told not to: every chart on every page is told."""
    _, pages = sample
    for name, page in pages.items():
        html = page.read_text(encoding="utf-8")
        charts = html.count('class="plotly-graph-div"')
        configs = re.findall(r'\{"displaylogo": false[^{}]*\}', html)
        assert charts and len(configs) == charts, name
        for config in configs:
            assert '"showSendToCloud": false' in config and '"sendChartToCloud"' in config, config


def test_dashboard_shows_every_section_and_the_header_figures(sample):
    settings, _ = sample
    html = html_of(settings, "northwind-codev")
    for section in SECTIONS:
        assert f'id="{section}"' in html, section
    for div in FIGURES:
        assert f'id="{div}"' in html, div
    assert 'id="trend"' not in html  # no earlier runs recorded
    with connect(settings.warehouse_path, read_only=True) as con:
        risk, band, critical, high = con.execute(
            "SELECT risk_index, band, critical_gaps, high_gaps FROM deal_scores WHERE deal_id = 'northwind-codev'"
        ).fetchone()
        top = con.execute(
            "SELECT dimension_name, severity, band FROM gaps WHERE deal_id = 'northwind-codev' AND rank = 1"
        ).fetchone()
        clauses = [
            r[0]
            for r in con.execute(
                "SELECT title FROM clauses WHERE deal_id = 'northwind-codev' ORDER BY number"
            ).fetchall()
        ]
    header = html[html.index('id="overview"') : html.index("</header>")]
    assert f'<span class="kpi-value">{risk:.1f}</span>' in header
    assert f'<span class="band band-{band}"><span class="swatch"></span>{band}</span>' in header
    assert f'<span class="kpi-value">{critical}</span>' in header and f'<span class="kpi-value">{high}</span>' in header
    # the bar of the largest gap carries its band in words; its hover has the formula with its inputs
    assert top[0] in html and f"{top[1]:.1f} \\u00b7 {top[2]}" in html
    assert "min(1, gap " in html and "weight " in html and "confidence " in html
    assert all(title in html for title in clauses)
    assert html.count("day 30") >= 1 and "day 100" in html


def test_text_from_inputs_is_shown_as_text_never_as_markup(sample):
    settings, pages = sample
    for html in (html_of(settings, "brightpath-comarketing"), pages["index"].read_text(encoding="utf-8")):
        assert INJECTED_PARTNER not in html
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; BrightPath &amp; Co" in html
    dashboard = html_of(settings, "brightpath-comarketing")
    assert escape(INJECTED_DIVISION, quote=False) in dashboard  # a division name, inside a chart's labels


def test_same_warehouse_gives_the_same_bytes(sample, playbook):
    settings, pages = sample
    before = {name: path.read_bytes() for name, path in pages.items()}
    again = publish(settings, playbook)
    assert {name: path.read_bytes() for name, path in again.items()} == before


def test_portfolio_lists_every_deal_riskiest_first_with_links(sample):
    settings, pages = sample
    index = pages["index"].read_text(encoding="utf-8")
    with connect(settings.warehouse_path, read_only=True) as con:
        expected = con.execute("SELECT deal_id, risk_index, band FROM deal_scores ORDER BY risk_index DESC").fetchall()
    table = index[index.index('id="deal-table"') : index.index("</table>")]
    links = re.findall(r'<a href="([^"]+)/dashboard.html">', table)
    assert links == [deal_id for deal_id, _, _ in expected]
    assert len(expected) == len(DEALS)
    for deal_id, risk, band in expected:
        assert (settings.outputs_dir / deal_id / "dashboard.html").is_file()
        row = table[table.index(f'href="{deal_id}/dashboard.html"') :]
        row = row[: row.index("</tr>")]
        assert f"{risk:.1f}" in row and f"</span>{band}</span>" in row and "first run" in row


def test_reruns_bring_the_trend_the_change_and_the_override_marker(own_sample, playbook):
    settings = own_sample
    deal_id = "brightpath-comarketing"
    with connect(settings.warehouse_path) as con:
        record_snapshot(con, deal_id, "run-1", dt.datetime(2027, 4, 2, 9, 0), "outputs-1")
        first = con.execute("SELECT risk_index FROM deal_scores WHERE deal_id = ?", [deal_id]).fetchone()[0]
        top = con.execute("SELECT dimension_id FROM gaps WHERE deal_id = ? AND rank = 1", [deal_id]).fetchone()[0]
    reason = "Seen in the pilot: <b>worse</b> than rated"
    overrides = {
        "overrides": [
            {"dimension": top, "severity": 100, "reason": reason, "author": "Dana Whitfield", "date": "2027-04-03"}
        ]
    }
    (settings.deal_dir(deal_id) / "overrides.yaml").write_text(yaml.safe_dump(overrides), encoding="utf-8")
    score_and_draft(settings, playbook, deal_id)
    with connect(settings.warehouse_path) as con:
        record_snapshot(con, deal_id, "run-2", dt.datetime(2027, 4, 3, 9, 0), "outputs-2")
        second = con.execute("SELECT risk_index FROM deal_scores WHERE deal_id = ?", [deal_id]).fetchone()[0]
    assert second > first
    pages = publish(settings, playbook)

    html = pages[deal_id].read_text(encoding="utf-8")
    assert 'id="trend"' in html and 'id="fig-trend-risk"' in html and 'id="fig-trend-gaps"' in html
    assert "run 1 \\u00b7 02 Apr 2027 09:00 UTC" in html and "run 2 \\u00b7 03 Apr 2027 09:00 UTC" in html
    assert "overridden</span>" in html and "Seen in the pilot: &lt;b&gt;worse&lt;/b&gt; than rated" in html
    assert 'id="trend"' not in pages["helix-jv"].read_text(encoding="utf-8")

    index = pages["index"].read_text(encoding="utf-8")
    row = index[index.index(f'href="{deal_id}/dashboard.html"') :]
    row = row[: row.index("</tr>")]
    assert f"▲ +{second - first:.1f}" in row and "03 Apr 2027 09:00" in row
    other = index[index.index('href="helix-jv/dashboard.html"') :]
    assert "first run" in other[: other.index("</tr>")]


def test_reruns_that_change_nothing_leave_the_dashboard_as_it_was(own_sample, playbook):
    settings = own_sample
    before = (settings.deal_outputs("helix-jv") / "dashboard.html").read_bytes()
    with connect(settings.warehouse_path) as con:
        for day in (2, 3, 4):
            record_snapshot(con, "helix-jv", f"run-{day}", dt.datetime(2027, 4, day, 9, 0), "outputs")
    pages = publish(settings, playbook)
    assert pages["helix-jv"].read_bytes() == before
    index = pages["index"].read_text(encoding="utf-8")
    row = index[index.index('href="helix-jv/dashboard.html"') :]
    row = row[: row.index("</tr>")]
    # the page shows when the current results first appeared, so an identical rerun changes nothing on it
    assert "02 Apr 2027 09:00" in row and "no change" in row


def test_portfolio_of_an_empty_warehouse_says_so(empty_project):
    with connect(empty_project.warehouse_path) as con:
        page = write_portfolio(con, empty_project)
    html = page.read_text(encoding="utf-8")
    assert "No deal has been scored yet" in html and "Plotly.newPlot" not in html
    assert (empty_project.outputs_dir / "plotly.min.js").is_file()


def test_dagster_writes_the_dashboard_then_the_portfolio(project, dagster_home):
    from dd_pipeline.defs import all_assets, build_definitions
    from dd_pipeline.defs.resources import resources_for
    from dd_pipeline.defs.runner import materialize_deals

    graph = build_definitions(project).resolve_asset_graph()
    assert dg.AssetKey("dashboard") in graph.get(dg.AssetKey("portfolio")).parent_keys
    assert graph.get(dg.AssetKey("portfolio")).partitions_def is None
    defs = build_definitions(project)
    with dg.instance_for_test(temp_dir=str(dagster_home)) as instance:
        summary = materialize_deals(project, ["helix-jv"], instance)
        assert summary.ok and not summary.portfolio_failure
        dashboard = instance.get_latest_materialization_event(dg.AssetKey("dashboard"))
        portfolio = instance.get_latest_materialization_event(dg.AssetKey("portfolio"))
        # under the daemon: nothing to do right after the page was written, a new request once a deal ran again
        only_portfolio = dg.AssetSelection.assets("portfolio")
        quiet = dg.evaluate_automation_conditions(defs=defs, instance=instance, asset_selection=only_portfolio)
        again = [a for a in all_assets() if a.key.to_user_string() in ("dashboard", "run_snapshot")]
        rerun = dg.materialize(again, partition_key="helix-jv", instance=instance, resources=resources_for(project))
        assert rerun.success
        after = dg.evaluate_automation_conditions(
            defs=defs, instance=instance, asset_selection=only_portfolio, cursor=quiet.cursor
        )
    assert quiet.total_requested == 0 and after.total_requested == 1
    assert dashboard is not None and portfolio is not None
    assert dashboard.timestamp < portfolio.timestamp
    page = dashboard.asset_materialization.metadata["dashboard"]
    index = portfolio.asset_materialization.metadata["portfolio"]
    assert page.value == str(project.deal_outputs("helix-jv") / "dashboard.html")
    assert index.value == str(project.outputs_dir / "index.html")
    assert 'href="helix-jv/dashboard.html"' in (project.outputs_dir / "index.html").read_text(encoding="utf-8")


def test_thin_deal_still_gets_a_complete_page(builder, playbook):
    """Three dimensions answered, no cross-ratings, one division per side: sections say what is missing."""
    dims = [d.id for d in playbook.dimensions[:3]]
    builder.home_answers({d: [3, 3, 4] for d in dims})
    builder.deal("thin", {d: [1, 2, 1] for d in dims}, partner_divisions=["Operations"])
    score_and_draft(builder.settings, playbook, "thin")
    pages = publish(builder.settings, playbook, ("thin",))
    html = pages["thin"].read_text(encoding="utf-8")
    for section in SECTIONS:
        assert f'id="{section}"' in html, section
    assert "Neither side rated the other organization" in html
    assert "has respondents from fewer than two divisions" in html
    assert "Not scored (one side gave no answer)" in html
    assert 'href="thin/dashboard.html"' in pages["index"].read_text(encoding="utf-8")


def test_headings_and_counts_read_as_a_person_writes_them(builder, playbook):
    """Full names on both sides of the heading, '1 person' (not '1 people'), and 'not drafted' said once."""
    settings = builder.settings
    builder.home_answers({"decision_style": [2, 3, 2]})
    builder.deal("solo", {"decision_style": [5, 4, 5]}, partner_divisions=["Research", "Operations", "Legal"])
    score_and_draft(settings, playbook, "solo")
    html = publish(settings, playbook, ("solo",))["solo"].read_text(encoding="utf-8")
    assert re.search(r"<h1>Home Test Co<span class=\"versus\">and</span>Partner Test Inc\.</h1>", html)
    assert "1 person \\u00b7 " in html and "1 people" not in html
    assert "was not drafted: parameter &#39;governing_law&#39;" in html
    assert "not drafted: not drafted" not in html
