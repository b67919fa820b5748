"""Questionnaire workbooks: what a respondent fills in, generated from the framework in assets/.

One XLSX per respondent (or one per side): an Instructions sheet, an "About you" sheet, one sheet per
category with one row per dimension, and a hidden "dd_meta" sheet that records the deal, the side and the
dimension of every row so that a filled workbook can be read back (intake/workbook.py). The layout the
writer and the reader share is in intake/questionnaire_layout.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from dd_pipeline.intake.questionnaire_layout import (
    ABOUT_SHEET,
    CONTACTS_SHEET,
    INSTRUCTIONS_SHEET,
    MATURITY_SHEET,
    META_SHEET,
    minutes_for,
    organization_names,
    questionnaire_filename,
    sheet_plans,
)
from dd_pipeline.models import Deal, HomeOrganization, Side
from dd_pipeline.playbook import Playbook
from dd_pipeline.zipfiles import stamped_workbook, workbook_bytes

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["minutes_for", "questionnaire_filename", "questionnaire_xlsx", "sheet_plans"]


def questionnaire_xlsx(
    playbook: Playbook,
    deal: Deal,
    home: HomeOrganization,
    side: Side,
    respondent_id: str | None = None,
    roster: Sequence[tuple[str, str, str]] = (),
) -> bytes:
    """The questionnaire for one side (and one respondent when given), as XLSX bytes. ``roster``: the deal's
    people (questionnaire_extra_sheets.deal_roster) that the contacts sheet offers in its person dropdown.

    The same inputs give the same bytes: the document's dates are the deal's term-sheet date and every
    zip entry carries a fixed time.
    """
    from openpyxl.workbook.protection import WorkbookProtection

    from dd_pipeline.intake.questionnaire_extra_sheets import (
        write_alliance_fields,
        write_contacts,
        write_maturity,
        write_meta_lists,
    )
    from dd_pipeline.intake.questionnaire_sheets import (  # openpyxl is imported only when a workbook is made
        write_about_you,
        write_category,
        write_instructions,
        write_meta,
    )

    own, other = organization_names(deal, home, side)
    plans = sheet_plans(playbook)
    wb = stamped_workbook(deal.term_sheet_date, f"Alliance questionnaire: {own} and {other}")

    instructions: Worksheet = wb.active
    instructions.title = INSTRUCTIONS_SHEET
    about = wb.create_sheet(ABOUT_SHEET)
    categories = [wb.create_sheet(plan.name) for plan in plans]
    maturity = wb.create_sheet(MATURITY_SHEET)
    contacts = wb.create_sheet(CONTACTS_SHEET)
    meta = wb.create_sheet(META_SHEET)

    write_instructions(instructions, deal, playbook, plans, side, own, other)
    write_about_you(about, side, home, respondent_id)
    write_alliance_fields(about)
    for sheet, plan in zip(categories, plans, strict=True):
        write_category(sheet, plan, deal.alliance_type, own, other)
    write_maturity(maturity, playbook.maturity, own)
    write_contacts(contacts, own, other, roster)
    write_meta(meta, deal, home, side, plans)
    write_meta_lists(meta, own, other, roster)
    meta.sheet_state = "hidden"
    wb.security = WorkbookProtection(lockStructure=True)
    wb.active = 0

    return workbook_bytes(wb)
