"""Text from the inputs is data, never code: a partner name or an evidence note that looks like a spreadsheet
formula, a script or template syntax comes out literally in the clauses, neutralized in CSV and XLSX cells,
and escaped in HTML. The run succeeds."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
import yaml
from hostile import markdown_view
from sample_project import copy_sample_inputs
from typer.testing import CliRunner

from dd_pipeline.cli import app
from dd_pipeline.settings import PROJECT_ROOT

FORMULA = '=HYPERLINK("http://x")'
SCRIPT = "<script>alert(1)</script>"
EXPRESSION = "{{ 7*7 }}"
LOOP = "{% for x in range(10**9) %}"
MARKUP = "## 99. Waiver <img src=x onerror=alert(1)> [pay](javascript:alert(1))"
PARTNER = f"{FORMULA} {SCRIPT} {EXPRESSION} {LOOP} {MARKUP}"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("injection")
    shutil.copytree(PROJECT_ROOT / "assets", root / "assets")
    copy_sample_inputs(root / "inputs")
    folder = root / "inputs" / "deals" / "helix-jv"
    deal = yaml.safe_load((folder / "deal.yaml").read_text(encoding="utf-8"))
    deal["partner"] = PARTNER
    deal["partner_short_name"] = SCRIPT
    deal["governance"]["steering_committee"] = FORMULA
    deal["governance"]["operating_committee"] = EXPRESSION
    (folder / "deal.yaml").write_text(yaml.safe_dump(deal, allow_unicode=True), encoding="utf-8")
    rows = list(csv.reader(io.StringIO((folder / "evidence.csv").read_text(encoding="utf-8"))))
    for row, text in zip(rows[1:], (FORMULA, SCRIPT, EXPRESSION, LOOP), strict=False):
        row[rows[0].index("observation")] = text
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    (folder / "evidence.csv").write_text(buffer.getvalue(), encoding="utf-8")
    home = root / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        for name, sub in (("DD_ASSETS", "assets"), ("DD_INPUTS", "inputs"), ("DD_OUTPUTS", "outputs")):
            mp.setenv(name, str(root / sub))
        mp.setenv("DAGSTER_HOME", str(home))
        result = CliRunner().invoke(app, ["run", "--deal", "helix-jv", "--top", "1"])
    assert result.exit_code == 0, result.output
    assert "1 deal(s) done" in result.output
    return root / "outputs" / "helix-jv"


def test_clauses_hold_the_literal_text(outputs: Path):
    markdown = (outputs / "clauses.md").read_text(encoding="utf-8")
    document = json.loads((outputs / "clauses.json").read_text(encoding="utf-8"))
    from docx import Document

    word = "\n".join(p.text for p in Document(str(outputs / "clauses.docx")).paragraphs)
    # Markdown as it renders: the text shows literally, and no HTML, link or extra heading comes from it.
    headings, kinds, shown = markdown_view(markdown)
    assert not {"html_inline", "html_block", "link_open", "image"} & set(kinds)
    assert len(headings) == 1 + len(document["clauses"]) + (1 if document["not_drafted"] else 0)
    texts = {"md": shown, "json": "\n".join(_strings(document)), "docx": word}
    for kind, text in texts.items():
        assert PARTNER in text, kind  # the partner's name, as given, in the parties clause
        for literal in (FORMULA, SCRIPT, EXPRESSION, LOOP):
            assert f'"{literal}"' in text, (kind, literal)  # each evidence note, quoted in a drafting note
    first = document["clauses"][0]
    assert PARTNER in first["text"] and f"and the {EXPRESSION}" in first["text"]
    assert "and the 49" not in shown and "and the 49" not in word


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _formula_like(cell: str) -> bool:
    if not cell.startswith(FORMULA_START):
        return False
    try:
        float(cell)  # a negative number is a number, not a formula
    except ValueError:
        return True
    return False


def test_csv_cells_that_look_like_formulas_are_neutralized(outputs: Path):
    meeting_titles = []
    for path in sorted(outputs.glob("*.csv")):
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))):
            assert not any(_formula_like(cell) for cell in row), (path.name, row)
            meeting_titles += [c for c in row if c.startswith(f"'{FORMULA} meeting")]
    assert f"'{FORMULA} meeting 1" in meeting_titles


def test_xlsx_cells_are_text_not_formulas(outputs: Path):
    from openpyxl import load_workbook

    workbook = load_workbook(outputs / "launch_plan.xlsx")
    values = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                values.append(cell.value)
    assert f"'{FORMULA} meeting 1" in values
    assert any(isinstance(v, str) and v.startswith(f"'{FORMULA}") for v in values)


def test_calendar_keeps_the_text_as_text(outputs: Path):
    from icalendar import Calendar

    calendar = Calendar.from_ical((outputs / "launch_plan.ics").read_bytes())
    assert str(calendar["x-wr-calname"]) == f"Launch plan: {SCRIPT}"
    summaries = {str(e["summary"]) for e in calendar.walk("VEVENT")}
    assert f"{FORMULA} meeting 1" in summaries and f"{EXPRESSION} meeting 1" in summaries


def test_html_shows_the_text_escaped(outputs: Path):
    pages = [outputs / "dashboard.html", outputs.parent / "index.html"]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert SCRIPT not in html, page.name
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "\\u003cscript\\u003e" in html, page.name
