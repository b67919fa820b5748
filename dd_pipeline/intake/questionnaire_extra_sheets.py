"""The sheets of a questionnaire beyond the framework's questions: the respondent's function and role in the
alliance ("About you"), the organization's maturity ("Maturity", one level 1-4 per area of the maturity model)
and the people the respondent deals with on the alliance ("Your contacts").

Protected like the other sheets: only the yellow cells take input, each through a dropdown.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from openpyxl.styles import Alignment, Font
from openpyxl.utils import column_index_from_string
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from dd_pipeline.intake.questionnaire_layout import (
    ALLIANCE_FIELDS,
    ALLIANCE_ROLE_HINT,
    ALLIANCE_ROLES,
    CLOSE_CHOICES,
    CONTACT_COLUMNS,
    CONTACT_ROWS,
    CONTACTS_FIRST_ROW,
    CONTACTS_HEADER_ROW,
    FREQUENCIES,
    FUNCTION_HINT,
    IMPORTANCES,
    MATURITY_AREA_COL,
    MATURITY_CHOICES,
    MATURITY_DESCRIPTION_COLS,
    MATURITY_FIRST_ROW,
    MATURITY_HEADER_ROW,
    MATURITY_ID_COL,
    MATURITY_LEVEL_COL,
    META_ORGANIZATIONS_COL,
    META_ROSTER_COLS,
    META_SHEET,
    maturity_headings,
)
from dd_pipeline.intake.questionnaire_sheets import (
    BOX,
    HEADER_FILL,
    NAVY,
    TOP_WRAP,
    _dropdown,
    _fit,
    _input_cell,
    _print_setup,
    _protect,
    _text,
)
from dd_pipeline.maturity.models import MaturityModel

Roster = Sequence[tuple[str, str, str]]  # (name shown, person id, organization home|partner)


def deal_roster(deal_dir: Path) -> list[tuple[str, str, str]]:
    """The people of the deal's people.csv as the person dropdown offers them: the name (or the person id when
    the name is not to be shown), the person id and the organization. No file, or no usable rows: empty."""
    path = deal_dir / "people.csv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    roster = []
    for row in rows:
        person = (row.get("person_id") or "").strip()
        organization = (row.get("organization") or "").strip().lower()
        if not person or organization not in ("home", "partner"):
            continue  # the network checks of people.csv name the problem
        named = (row.get("named") or "yes").strip().lower() != "no"
        name = (row.get("name") or "").strip()
        roster.append((name if named and name else person, person, organization))
    return roster


def write_alliance_fields(sheet: Worksheet) -> None:
    """Function and role in the alliance, below the respondent's details on "About you"."""
    hints = {"function": FUNCTION_HINT, "alliance_role": ALLIANCE_ROLE_HINT}
    for key, label, row in ALLIANCE_FIELDS:
        sheet.cell(row, 1, label).font = Font(bold=True)
        sheet.cell(row, 1).alignment = TOP_WRAP
        _input_cell(sheet, f"B{row}")
        sheet.cell(row, 3, hints[key]).alignment = TOP_WRAP
        sheet.cell(row, 3).font = Font(italic=True, color="595959")
        _fit(sheet, row, [(hints[key], 70, 11)])
        if key == "alliance_role":
            _dropdown(sheet, f"B{row}", '"' + ",".join(ALLIANCE_ROLES) + '"', "Role", "Pick your role from the list.")


def write_maturity(sheet: Worksheet, model: MaturityModel, own: str) -> None:
    widths = {MATURITY_ID_COL: 4, MATURITY_AREA_COL: 26, **dict.fromkeys(MATURITY_DESCRIPTION_COLS, 32)}
    widths[MATURITY_LEVEL_COL] = 16
    for col, width in widths.items():
        sheet.column_dimensions[col].width = width
    sheet.column_dimensions[MATURITY_ID_COL].hidden = True
    sheet["B1"] = "How good at partnering is your organization?"
    sheet["B1"].font = Font(bold=True, size=14, color=NAVY)
    sheet["B2"] = (
        f"For each area, read the four levels and pick the one that describes {own} today (1 to 4); leave a row "
        "empty if you cannot judge it."
    )
    sheet["B2"].font = Font(italic=True, color="595959")
    for number, text in enumerate(maturity_headings(own), start=1):
        cell = _text(sheet, MATURITY_HEADER_ROW, number, text)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.row_dimensions[MATURITY_HEADER_ROW].height = 32
    rule = DataValidation(
        type="list",
        formula1='"' + ",".join(MATURITY_CHOICES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle="Not a level",
        error="Pick a level from 1 to 4 from the list.",
        showInputMessage=True,
        promptTitle="Level",
        prompt="Pick 1, 2, 3 or 4; leave empty if you cannot judge.",
    )
    for offset, area in enumerate(model.areas):
        row = MATURITY_FIRST_ROW + offset
        sheet[f"{MATURITY_ID_COL}{row}"] = area.id
        _text(sheet, row, column_index_from_string(MATURITY_AREA_COL), area.name).font = Font(bold=True)
        for level, col in zip((1, 2, 3, 4), MATURITY_DESCRIPTION_COLS, strict=True):
            _text(sheet, row, column_index_from_string(col), " ".join(area.levels[level].split()))
            sheet[f"{col}{row}"].font = Font(size=9)
        for col in MATURITY_AREA_COL + MATURITY_DESCRIPTION_COLS:
            sheet[f"{col}{row}"].alignment = TOP_WRAP
            sheet[f"{col}{row}"].border = BOX
        _fit(sheet, row, [(" ".join(area.levels[n].split()), 32, 9) for n in (1, 2, 3, 4)])
        _input_cell(sheet, f"{MATURITY_LEVEL_COL}{row}")
        sheet[f"{MATURITY_LEVEL_COL}{row}"].alignment = Alignment(horizontal="center", vertical="top")
        rule.add(f"{MATURITY_LEVEL_COL}{row}")
    sheet.add_data_validation(rule)
    last = MATURITY_FIRST_ROW + len(model.areas) - 1
    sheet.freeze_panes = f"C{MATURITY_FIRST_ROW}"
    _protect(sheet)
    _print_setup(sheet, landscape=True)
    sheet.print_area = f"B1:{MATURITY_LEVEL_COL}{last}"


def write_contacts(sheet: Worksheet, own: str, other: str, roster: Roster) -> None:
    widths = {"A": 34, "B": 24, "C": 14, "D": 18, "E": 16}
    for col, width in widths.items():
        sheet.column_dimensions[col].width = width
    sheet["A1"] = "Who do you deal with on this alliance?"
    sheet["A1"].font = Font(bold=True, size=14, color=NAVY)
    sheet["A2"] = (
        f"One row per person, at {own} or at {other}: how often you deal with them about the alliance, how "
        "important they are for it, and whether you trust them enough to talk informally. Optional."
    )
    sheet["A2"].font = Font(italic=True, color="595959")
    for number, (_key, label, _letter) in enumerate(CONTACT_COLUMNS, start=1):
        cell = _text(sheet, CONTACTS_HEADER_ROW, number, label)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.row_dimensions[CONTACTS_HEADER_ROW].height = 32
    first, last = CONTACTS_FIRST_ROW, CONTACTS_FIRST_ROW + CONTACT_ROWS - 1
    for row in range(first, last + 1):
        for _key, _label, col in CONTACT_COLUMNS:
            _input_cell(sheet, f"{col}{row}")
    if roster:
        labels, _ids, _orgs = META_ROSTER_COLS
        source = f"{META_SHEET}!${labels}$2:${labels}${len(roster) + 1}"
        person = DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="information",  # someone who is not on the roster may still be typed in
            errorTitle="Not on the deal's list",
            error="This person is not on the deal's list of people; keep the name if that is right.",
        )
        person.add(f"A{first}:A{last}")
        sheet.add_data_validation(person)
    orgs = f"{META_SHEET}!${META_ORGANIZATIONS_COL}$2:${META_ORGANIZATIONS_COL}$3"
    _dropdown(sheet, f"B{first}:B{last}", orgs, "Organization", f"Pick {own} or {other}.")
    for col, values, title in (
        ("C", FREQUENCIES, "How often"),
        ("D", IMPORTANCES, "Importance"),
        ("E", CLOSE_CHOICES, "Close"),
    ):
        _dropdown(
            sheet, f"{col}{first}:{col}{last}", '"' + ",".join(values) + '"', title, "Pick " + ", ".join(values) + "."
        )
    sheet.freeze_panes = f"A{first}"
    _protect(sheet)
    _print_setup(sheet, landscape=False)
    sheet.print_area = f"A1:E{last}"


def write_meta_lists(sheet: Worksheet, own: str, other: str, roster: Roster) -> None:
    """The organization names and the roster on dd_meta, where the dropdowns read them."""
    col = column_index_from_string(META_ORGANIZATIONS_COL)
    sheet.cell(1, col, "organizations")
    _text(sheet, 2, col, own)
    _text(sheet, 3, col, other)
    cols = [column_index_from_string(c) for c in META_ROSTER_COLS]
    for c, heading in zip(cols, ("roster name", "person_id", "organization"), strict=True):
        sheet.cell(1, c, heading)
    for i, entry in enumerate(roster, start=2):
        for c, value in zip(cols, entry, strict=True):
            _text(sheet, i, c, value)
