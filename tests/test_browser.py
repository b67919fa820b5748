"""The dashboards and the portfolio page in a real browser (headless Chromium), opened from file:// with no
network: charts drawn, no JavaScript error, nothing fetched from elsewhere, markup from inputs shown as text,
and a page that prints. Screenshots are saved next to each page (and into DD_SCREENSHOTS when set)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from chromium import Chromium, find_chromium
from sample_portfolio import DEALS, INJECTED_DIVISION, INJECTED_PARTNER, build_sample_portfolio

PAGES = [*DEALS, "index"]
# A toolbar button that uploads a chart (with its hover text: respondents' answers) or opens it elsewhere.
CLOUD = re.compile(r"cloud|share|chart ?studio|plotly\.com|plot\.ly|https?:", re.IGNORECASE)
CHARTS_DRAWN = (
    "Array.from(document.querySelectorAll('.plotly-graph-div'))"
    ".every(function (d) { return d.querySelector('.main-svg') !== null; })"
)


def installed_chromium() -> str | None:
    """Chromium on PATH; on CI, running as root with apt-get, Debian's package is installed first."""
    found = find_chromium()
    if found or not os.environ.get("CI") or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False, capture_output=True, timeout=600)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium", "fonts-dejavu-core"],
        env=env,
        check=False,
        capture_output=True,
        timeout=1200,
    )
    return find_chromium()


@pytest.fixture(scope="module")
def browser():
    path = installed_chromium()
    if path is None:
        pytest.skip(
            "browser tests skipped: no Chromium found. Install Debian's chromium package "
            "(apt-get install chromium; .ci/run does this) to run them."
        )
    with Chromium(path) as chromium:
        yield chromium


@pytest.fixture(scope="module")
def sample(tmp_path_factory, playbook):
    return build_sample_portfolio(tmp_path_factory.mktemp("browser"), playbook)


@pytest.mark.parametrize("page", PAGES)
def test_page_draws_every_chart_offline_without_errors(browser, sample, page):
    settings, pages = sample
    path = pages[page]
    expected = path.read_text(encoding="utf-8").count('class="plotly-graph-div"')
    assert expected >= (1 if page == "index" else 10)
    tab = browser.open(path.as_uri())
    try:
        assert tab.wait_until(CHARTS_DRAWN), f"{page}: not every chart was drawn"
        drawn = tab.evaluate(
            "document.querySelectorAll('.plotly-graph-div .main-svg').length > 0 && "
            "document.querySelectorAll('.plotly-graph-div').length"
        )
        assert drawn == expected
        tab.evaluate(
            "document.querySelectorAll('.plotly-graph-div').forEach(function (d) {"
            " d.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); }); true"
        )
        buttons = tab.toolbar_buttons()
        assert any("png" in b["title"].lower() for b in buttons), f"{page}: no chart toolbar found: {buttons}"
        to_cloud = [b for b in buttons if CLOUD.search(" ".join(b.values()))]
        assert to_cloud == [], f"{page}: a chart offers to send its data off the machine: {to_cloud}"
        report = tab.report()
        assert report.errors == [], f"{page}: {report.errors}"
        assert report.dialogs == []
        assert report.requests and all(url.startswith("file://") for url in report.requests), report.requests
        shot = tab.screenshot(path.with_suffix(".png"))
    finally:
        tab.close()
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    keep = os.environ.get("DD_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / f"{page}.png")


def test_markup_from_inputs_is_shown_as_text(browser, sample):
    _, pages = sample
    tab = browser.open(pages["brightpath-comarketing"].as_uri())
    try:
        assert tab.wait_until(CHARTS_DRAWN)
        assert INJECTED_PARTNER in tab.evaluate("document.querySelector('h1').innerText")
        labels = tab.evaluate("Array.from(document.querySelectorAll('.main-svg text')).map(t => t.textContent)")
        assert any(INJECTED_DIVISION in label for label in labels)
        assert any(INJECTED_PARTNER in label for label in labels)
        assert tab.evaluate("document.querySelectorAll('img').length") == 0
        assert tab.report().dialogs == []
    finally:
        tab.close()
    index = browser.open(pages["index"].as_uri())
    try:
        assert INJECTED_PARTNER in index.evaluate("document.getElementById('deal-table').innerText")
        assert index.report().dialogs == []
    finally:
        index.close()


def test_dashboard_prints_at_page_width_without_the_navigation(browser, sample):
    _, pages = sample
    tab = browser.open(pages["northwind-codev"].as_uri())
    try:
        assert tab.wait_until(CHARTS_DRAWN)
        pdf = tab.print_pdf()
        tab.emulate_print(760)
        assert tab.evaluate("getComputedStyle(document.querySelector('nav.toc')).display") == "none"
        widths = tab.evaluate(
            "Array.from(document.querySelectorAll('.plotly-graph-div > .plot-container .main-svg'))"
            ".map(s => s.getBoundingClientRect().width)"
        )
        assert widths and max(widths) <= 700.5, widths
        assert tab.report().errors == []
    finally:
        tab.close()
    assert pdf[:5] == b"%PDF-"
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 8  # a page break before each section
