"""Reading back the questionnaire's sheets beyond the framework's questions (intake/questionnaire_extra_sheets.py):
the respondent's function and role ("About you"), the maturity levels ("Maturity") and the contacts ("Your
contacts"). They become rows shaped like maturity.csv, people.csv and contacts.csv, so that the same checks run
on both. A workbook made before these sheets existed simply gives no such rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dd_pipeline.intake.questionnaire_layout import (
    ABOUT_SHEET,
    ABOUT_VALUE_COL,
    ALLIANCE_FIELDS,
    ALLIANCE_ROLES,
    CLOSE_CHOICES,
    CONTACT_COLUMNS,
    CONTACT_ROWS,
    CONTACTS_FIRST_ROW,
    CONTACTS_SHEET,
    FREQUENCIES,
    IMPORTANCES,
    MATURITY_FIRST_ROW,
    MATURITY_ID_COL,
    MATURITY_LEVEL_COL,
    MATURITY_SHEET,
    META_ROSTER_COLS,
    META_SHEET,
)
from dd_pipeline.intake.tables import Row
from dd_pipeline.maturity.models import MaturityModel
from dd_pipeline.models import Side

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

Problem = Callable[[str, str | None, object, str], None]  # sheet, cell, value found, message
CHANGED = "the questionnaire's layout was changed; copy the answers into a fresh questionnaire or undo the change"


@dataclass
class WorkbookRows:
    """What one questionnaire yields besides its answers, as rows of maturity.csv, people.csv and contacts.csv."""

    maturity: list[Row] = field(default_factory=list)
    people: list[Row] = field(default_factory=list)
    contacts: list[Row] = field(default_factory=list)


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def read_extra_sheets(
    wb: Workbook,
    name: str,
    side: Side,
    names: dict[str, str],
    person: dict[str, str],
    model: MaturityModel,
    problem: Problem,
    stand_in_id: Callable[[str], str],
) -> WorkbookRows:
    """The rows of the extra sheets of one workbook. ``names``: side -> organization name as the workbook shows
    it; ``person``: respondent_id, division, level of the respondent; ``problem`` records a bad cell."""
    rows = WorkbookRows()
    respondent = person["respondent_id"]
    rows.maturity = _maturity(wb, name, side, respondent, model, problem)
    rows.contacts = _contacts(wb, name, names, respondent, problem, stand_in_id)
    about = _alliance_fields(wb, problem)
    if about is not None and (any(about.values()) or rows.contacts):
        rows.people.append(
            Row(
                name,
                ALLIANCE_FIELDS[0][2],  # the respondent's row is made from "About you"
                {
                    "person_id": respondent,
                    "organization": side.value,
                    "level": person["level"],
                    "function": about["function"],
                    "alliance_role": about["alliance_role"],
                    "name": person.get("name", ""),
                    # the questionnaire promises that the name is only for follow-up questions
                    "named": "no",
                    "status": "active",
                },
            )
        )
    return rows


def _alliance_fields(wb: Workbook, problem: Problem) -> dict[str, str] | None:
    if ABOUT_SHEET not in wb.sheetnames:
        return None
    sheet = wb[ABOUT_SHEET]
    values: dict[str, str] = {}
    for key, label, row in ALLIANCE_FIELDS:
        found = cell_text(sheet[f"A{row}"].value)
        if found != label:
            if found:
                problem(ABOUT_SHEET, f"A{row}", found, f"should read '{label}': {CHANGED}")
            return None  # made before these rows existed
        values[key] = cell_text(sheet[f"{ABOUT_VALUE_COL}{row}"].value)
    role_row = next(row for key, _label, row in ALLIANCE_FIELDS if key == "alliance_role")
    role = values["alliance_role"].lower().replace(" ", "_")
    if role and role not in ALLIANCE_ROLES:
        problem(
            ABOUT_SHEET,
            f"{ABOUT_VALUE_COL}{role_row}",
            values["alliance_role"],
            "is not a role in the alliance; expected one of " + ", ".join(ALLIANCE_ROLES),
        )
    values["alliance_role"] = role
    return values


def _maturity(
    wb: Workbook, name: str, side: Side, respondent: str, model: MaturityModel, problem: Problem
) -> list[Row]:
    if MATURITY_SHEET not in wb.sheetnames:
        return []
    sheet = wb[MATURITY_SHEET]
    rows = []
    for offset, area in enumerate(model.areas):
        number = MATURITY_FIRST_ROW + offset
        found = cell_text(sheet[f"{MATURITY_ID_COL}{number}"].value)
        if found != area.id:
            problem(
                MATURITY_SHEET,
                f"{MATURITY_ID_COL}{number}",
                found,
                f"should be the area id '{area.id}' of the maturity model (assets/framework/maturity.yaml): "
                "the questionnaire is older or newer than the model, or its layout was changed; generate a fresh "
                "questionnaire",
            )
            continue
        cell = sheet[f"{MATURITY_LEVEL_COL}{number}"]
        level = cell_text(cell.value)
        if not level:
            continue
        if level not in ("1", "2", "3", "4"):
            problem(MATURITY_SHEET, cell.coordinate, cell.value, "is not a maturity level; expected 1, 2, 3 or 4")
            continue
        values = {
            "respondent_id": respondent,
            "respondent_side": side.value,
            "rated_side": side.value,
            "area": area.id,
            "level": level,
        }
        rows.append(Row(name, number, values))
    return rows


def _roster(wb: Workbook) -> dict[str, tuple[str, str]]:
    """name shown in the person dropdown -> (person id, organization)."""
    from openpyxl.utils import column_index_from_string

    sheet = wb[META_SHEET]
    labels, ids, orgs = (column_index_from_string(c) for c in META_ROSTER_COLS)
    roster: dict[str, tuple[str, str]] = {}
    row = 2
    while cell_text(sheet.cell(row, labels).value):
        roster.setdefault(
            cell_text(sheet.cell(row, labels).value).casefold(),
            (cell_text(sheet.cell(row, ids).value), cell_text(sheet.cell(row, orgs).value)),
        )
        row += 1
    return roster


def _contacts(
    wb: Workbook,
    name: str,
    names: dict[str, str],
    respondent: str,
    problem: Problem,
    stand_in_id: Callable[[str], str],
) -> list[Row]:
    if CONTACTS_SHEET not in wb.sheetnames:
        return []
    sheet = wb[CONTACTS_SHEET]
    roster = _roster(wb)
    organizations = {n.casefold(): side for side, n in names.items()}
    lists = {"frequency": FREQUENCIES, "importance": IMPORTANCES, "close": CLOSE_CHOICES}
    rows = []
    for number in range(CONTACTS_FIRST_ROW, CONTACTS_FIRST_ROW + CONTACT_ROWS):
        cells = {key: sheet[f"{col}{number}"] for key, _label, col in CONTACT_COLUMNS}
        given = {key: cell_text(c.value) for key, c in cells.items()}
        if not any(given.values()):
            continue
        bad = False
        if not given["person"]:
            problem(CONTACTS_SHEET, cells["person"].coordinate, None, "is empty; name the person this row is about")
            bad = True
        known = roster.get(given["person"].casefold())
        contact_id = known[0] if known else stand_in_id(given["person"])
        organization = organizations.get(given["organization"].casefold(), "")
        if given["organization"] and not organization:
            problem(
                CONTACTS_SHEET,
                cells["organization"].coordinate,
                given["organization"],
                f"is not one of the two organizations; expected {names['home']} or {names['partner']}",
            )
            bad = True
        elif not organization and not known:
            problem(
                CONTACTS_SHEET,
                cells["organization"].coordinate,
                None,
                f"is empty; expected {names['home']} or {names['partner']}",
            )
            bad = True
        for key, allowed in lists.items():
            value = given[key].lower()
            if value not in allowed:
                problem(
                    CONTACTS_SHEET,
                    cells[key].coordinate,
                    given[key] or None,
                    ("is empty" if not value else "is not on the list") + "; expected " + ", ".join(allowed),
                )
                bad = True
        if bad:
            continue
        values = {
            "person_id": respondent,
            "contact_id": contact_id,
            "contact_organization": organization or (known[1] if known else ""),
            "frequency": given["frequency"].lower(),
            "importance": given["importance"].lower(),
            "close": given["close"].lower(),
        }
        rows.append(Row(name, number, values))
    return rows
