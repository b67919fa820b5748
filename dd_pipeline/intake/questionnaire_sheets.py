"""The sheets of a questionnaire workbook: Instructions, About you, one per category, and dd_meta.

Every sheet is protected without a password: a respondent can type only into the yellow cells (the
answers, the comments and their own details) and cannot move, rename or delete sheets and columns.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection
from openpyxl.styles import Side as Edge
from openpyxl.utils import column_index_from_string, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from dd_pipeline.intake.questionnaire_layout import (
    ABOUT_FIELDS,
    ABOUT_VALUE_COL,
    COMMENT_COL,
    FIRST_ROW,
    FORMAT_VERSION,
    HEADER_ROW,
    HIGH_COL,
    ID_COL,
    LEVEL_HINT,
    LEVELS,
    LOW_COL,
    META_DIVISIONS_COL,
    META_KEYS,
    META_SHEET,
    META_TABLE_HEADINGS,
    META_TABLE_ROW,
    MIDDLE_COL,
    NOT_APPLICABLE_CHOICE,
    NOT_ASKED,
    NUMBER_COL,
    OTHER_COL,
    OWN_COL,
    QUESTION_COL,
    SECONDS_PER_ANSWER,
    UNKNOWN_CHOICE,
    SheetPlan,
    category_sheet_name,
    choices,
    expected_answers,
    headings,
    minutes_for,
)
from dd_pipeline.models import Deal, HomeOrganization, Perspective, Side
from dd_pipeline.playbook import Playbook

NAVY = "1F4E79"
ANSWER_FILL = PatternFill("solid", fgColor="FFF2CC")
NOT_ASKED_FILL = PatternFill("solid", fgColor="E7E6E6")
HEADER_FILL = PatternFill("solid", fgColor=NAVY)
THIN = Edge(style="thin", color="BFBFBF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TOP_WRAP = Alignment(wrap_text=True, vertical="top")
UNLOCKED = Protection(locked=False)
STAR = "\u2605"


def _text(sheet: Worksheet, row: int, col: int, value: object) -> Cell | MergedCell:
    """Write ``value``; text that starts with '=' stays text (openpyxl would store it as a formula)."""
    cell = sheet.cell(row, col)
    cell.value = value  # type: ignore[assignment]
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"
    return cell


def _lines(text: str, width: float, size: float = 11) -> int:
    """Lines ``text`` takes in a wrapped cell ``width`` characters wide (an estimate, on the safe side)."""
    per_line = max(1, int(width * 11 / size))
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def _fit(sheet: Worksheet, row: int, cells: Sequence[tuple[str, float, float]]) -> None:
    """Set the height of ``row`` to hold the wrapped texts (text, column width, font size): spreadsheet
    programs do not all size rows by themselves, and a row too short hides part of a question."""
    points = max(_lines(text, width, size) * size * 1.35 for text, width, size in cells)
    sheet.row_dimensions[row].height = round(max(15.0, points + 4), 1)


def _protect(sheet: Worksheet) -> None:
    """Protected without a password; resizing rows and columns stays allowed."""
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def _input_cell(sheet: Worksheet, ref: str) -> None:
    cell = sheet[ref]
    cell.fill = ANSWER_FILL
    cell.border = BOX
    cell.protection = UNLOCKED
    cell.alignment = Alignment(wrap_text=True, vertical="top")


def _print_setup(sheet: Worksheet, landscape: bool) -> None:
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4


def write_instructions(
    sheet: Worksheet, deal: Deal, playbook: Playbook, plans: list[SheetPlan], side: Side, own: str, other: str
) -> None:
    alliance_type = next((t.name for t in playbook.alliance_types if t.id == deal.alliance_type), deal.alliance_type)
    questions = sum(len(p.dimensions) for p in plans)
    cells = sum(p.answer_cells for p in plans)
    keyed = sum(1 for p in plans for d in p.dimensions if p.is_key(d, deal.alliance_type))
    sheet.sheet_view.showGridLines = False
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 92
    sheet.column_dimensions["C"].width = 16

    sheet["A1"] = "Alliance due diligence questionnaire"
    sheet["A1"].font = Font(bold=True, size=16, color=NAVY)
    rows: list[tuple[str, str]] = [
        ("Proposed alliance", f"{own} and {other}: {alliance_type.lower()} (deal {deal.deal_id})"),
        ("You answer for", f"{own} (your organization)"),
        (
            "Time needed",
            f"about {minutes_for(cells)} minutes: {questions} questions, {cells} answers "
            f"(about {SECONDS_PER_ANSWER} seconds each). You can stop, save and continue later.",
        ),
        (
            "Why",
            f"Both organizations answer the same questions, about themselves and about each other. The "
            f"answers show where {own} and {other} work differently, so that the alliance can be set up "
            "to handle it from the start. There are no right or wrong answers: describe how things are "
            "today, not how they should be.",
        ),
        (
            "Who sees it",
            "The deal teams preparing the alliance. Results are shown by respondent id, division "
            "and level; your name is only for follow-up questions.",
        ),
    ]
    steps = [
        "Fill in the yellow cells on the sheet 'About you'.",
        "Work through the question sheets below, one row per question. Read the question and what the "
        "lowest and highest answers mean, then pick your answer from the dropdown in each yellow cell.",
        f"'About {own}' is your view of your own organization; 'About {other}' is your view of the other "
        f"organization. A grey cell marked {NOT_ASKED} means the question is asked about your "
        "organization only.",
        f"Pick '{NOT_APPLICABLE_CHOICE}' when a question does not apply, and '{UNKNOWN_CHOICE}' when you "
        "cannot judge: both are better than a guess. A cell left empty counts as not answered.",
        "A comment is optional: add one where a number alone would mislead.",
        f"Questions marked {STAR} count most for this kind of alliance ({keyed} of {questions}); if time is "
        "short, answer those first.",
        "Save the file (keep the .xlsx format) and send it back to the person who sent it to you. The "
        "sheets are protected so that only the yellow cells can be changed; please do not rename, move or "
        "delete sheets, rows or columns.",
    ]
    row = 3
    for label, text in rows:
        sheet.cell(row, 1, label).font = Font(bold=True)
        sheet.cell(row, 1).alignment = TOP_WRAP
        _text(sheet, row, 2, text).alignment = TOP_WRAP
        _fit(sheet, row, [(text, 92, 11)])
        row += 1
    row += 1
    sheet.cell(row, 1, "How to answer").font = Font(bold=True, size=12, color=NAVY)
    row += 1
    for i, text in enumerate(steps, start=1):
        sheet.cell(row, 1, f"Step {i}").font = Font(bold=True)
        sheet.cell(row, 1).alignment = TOP_WRAP
        _text(sheet, row, 2, text).alignment = TOP_WRAP
        _fit(sheet, row, [(text, 92, 11)])
        row += 1
    row += 1
    for col, text in enumerate(("Sheet", "Questions", "Answered so far"), start=1):
        cell = sheet.cell(row, col, text)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
    row += 1
    for plan in plans:
        marked = sum(1 for d in plan.dimensions if plan.is_key(d, deal.alliance_type))
        sheet.cell(row, 1, plan.name).font = Font(bold=True)
        _text(
            sheet,
            row,
            2,
            f"{plan.category.name}: questions {plan.first_number}-"
            f"{plan.first_number + len(plan.dimensions) - 1} ({len(plan.dimensions)} questions, "
            f"{plan.answer_cells} answers, {marked} marked {STAR}), about "
            f"{minutes_for(plan.answer_cells)} minutes",
        )
        sheet.cell(row, 2).alignment = TOP_WRAP
        _fit(sheet, row, [(str(sheet.cell(row, 2).value), 92, 11)])
        sheet.cell(row, 3, _progress_formula(plan, quote_sheetname(plan.name) + "!"))
        for col in (1, 2, 3):
            sheet.cell(row, col).border = BOX
            sheet.cell(row, col).alignment = TOP_WRAP
        row += 1
    _protect(sheet)
    _print_setup(sheet, landscape=False)
    sheet.print_area = f"A1:C{row - 1}"


def _progress_formula(plan: SheetPlan, prefix: str = "") -> str:
    own = f"{prefix}{OWN_COL}{FIRST_ROW}:{OTHER_COL}{plan.last_row}"
    return f'=(COUNTA({own})-{plan.not_asked})&" of {plan.answer_cells}"'


def write_about_you(sheet: Worksheet, side: Side, home: HomeOrganization, respondent_id: str | None) -> None:
    sheet.sheet_view.showGridLines = False
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions[ABOUT_VALUE_COL].width = 40
    sheet.column_dimensions["C"].width = 70
    sheet["A1"] = "About you"
    sheet["A1"].font = Font(bold=True, size=16, color=NAVY)
    sheet["A2"] = (
        "Fill in the yellow cells. Answers are compared between divisions and levels, so both "
        "matter; your name is only for follow-up questions."
    )
    sheet["A2"].alignment = Alignment(wrap_text=False, vertical="top")
    divisions = home.divisions if side is Side.home else []
    hints = {
        "respondent_id": "Filled in by the deal team."
        if respondent_id
        else "Leave empty unless the deal team gave you one (letters, digits, '.', '-' or '_').",
        "name": "Optional.",
        "division": "Pick your division from the list."
        if divisions
        else "The part of your organization you work in, for example 'Research' or 'Sales Europe'.",
        "level": LEVEL_HINT,
    }
    for key, label, row in ABOUT_FIELDS:
        sheet.cell(row, 1, label).font = Font(bold=True)
        sheet.cell(row, 1).alignment = TOP_WRAP
        ref = f"{ABOUT_VALUE_COL}{row}"
        if key == "respondent_id" and respondent_id:
            sheet[ref] = respondent_id
            sheet[ref].border = BOX
            sheet[ref].font = Font(bold=True)
        else:
            _input_cell(sheet, ref)
        sheet.cell(row, 3, hints[key]).alignment = TOP_WRAP
        sheet.cell(row, 3).font = Font(italic=True, color="595959")
        _fit(sheet, row, [(hints[key], 70, 11)])
        if key == "division" and divisions:
            last = len(divisions) + 1
            source = f"{META_SHEET}!${META_DIVISIONS_COL}$2:${META_DIVISIONS_COL}${last}"
            _dropdown(sheet, ref, source, "Division", "Pick your division from the list.")
        if key == "level":
            _dropdown(sheet, ref, '"' + ",".join(LEVELS) + '"', "Level", "Pick executive, middle or operational.")
    _protect(sheet)
    _print_setup(sheet, landscape=False)


def _dropdown(sheet: Worksheet, refs: str, formula: str, title: str, error: str) -> None:
    rule = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle=f"{title}: not on the list",
        error=error,
    )
    rule.add(refs)
    sheet.add_data_validation(rule)


def _scale_text(dimension_labels: dict[int, str], points: list[int]) -> str:
    return "\n".join(f"{p} = {dimension_labels[p]}" for p in points if p in dimension_labels)


def write_category(sheet: Worksheet, plan: SheetPlan, alliance_type: str, own: str, other: str) -> None:
    widths = {
        ID_COL: 4,
        NUMBER_COL: 6,
        QUESTION_COL: 58,
        LOW_COL: 26,
        MIDDLE_COL: 26,
        HIGH_COL: 26,
        OWN_COL: 17,
        OTHER_COL: 17,
        COMMENT_COL: 34,
    }
    for col, width in widths.items():
        sheet.column_dimensions[col].width = width
    sheet.column_dimensions[ID_COL].hidden = True
    title = sheet[f"{NUMBER_COL}1"]
    title.value = plan.category.name
    title.font = Font(bold=True, size=14, color=NAVY)
    count = sheet[f"{NUMBER_COL}2"]
    count.value = (
        f"{len(plan.dimensions)} questions, {plan.answer_cells} answers, about "
        f"{minutes_for(plan.answer_cells)} minutes. {STAR} = counts most for this kind of alliance."
    )
    count.font = Font(italic=True, color="595959")
    sheet[f"{OWN_COL}2"] = "Answered:"
    sheet[f"{OWN_COL}2"].alignment = Alignment(horizontal="right")
    sheet[f"{OTHER_COL}2"] = _progress_formula(plan)
    sheet[f"{OTHER_COL}2"].font = Font(bold=True)

    for number, text in enumerate(headings(own, other), start=1):
        cell = _text(sheet, HEADER_ROW, number, text)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.row_dimensions[HEADER_ROW].height = 46

    rules: dict[str, list[str]] = {}
    for offset, dim in enumerate(plan.dimensions):
        row = FIRST_ROW + offset
        key = plan.is_key(dim, alliance_type)
        sheet[f"{ID_COL}{row}"] = dim.id
        sheet[f"{NUMBER_COL}{row}"] = f"{plan.first_number + offset}{' ' + STAR if key else ''}"
        parts: list[str | TextBlock] = [TextBlock(InlineFont(b=True), dim.name), "\n" + " ".join(dim.question.split())]
        sheet[f"{QUESTION_COL}{row}"] = CellRichText(parts)
        points = list(range(dim.scale.min, dim.scale.max + 1))
        sheet[f"{LOW_COL}{row}"] = _scale_text(dim.scale.labels, points[:1])
        sheet[f"{MIDDLE_COL}{row}"] = _scale_text(dim.scale.labels, points[1:-1])
        sheet[f"{HIGH_COL}{row}"] = _scale_text(dim.scale.labels, points[-1:])
        for col in "ABCDEF":
            sheet[f"{col}{row}"].alignment = TOP_WRAP
            sheet[f"{col}{row}"].border = BOX
        for col in (LOW_COL, MIDDLE_COL, HIGH_COL):
            sheet[f"{col}{row}"].font = Font(size=9)
        question = dim.name + "\n" + " ".join(dim.question.split())
        _fit(
            sheet,
            row,
            [(question, widths[QUESTION_COL], 11)]
            + [(str(sheet[f"{col}{row}"].value), widths[col], 9) for col in (LOW_COL, MIDDLE_COL, HIGH_COL)],
        )
        formula = '"' + ",".join(choices(dim)) + '"'
        answer_cells = [OWN_COL] + ([OTHER_COL] if dim.perspective is Perspective.both else [])
        for col in answer_cells:
            _input_cell(sheet, f"{col}{row}")
            sheet[f"{col}{row}"].alignment = Alignment(horizontal="center", vertical="top")
            rules.setdefault(formula, []).append(f"{col}{row}")
        if dim.perspective is not Perspective.both:
            cell = sheet[f"{OTHER_COL}{row}"]
            cell.value = NOT_ASKED
            cell.fill = NOT_ASKED_FILL
            cell.border = BOX
            cell.font = Font(italic=True, size=9, color="595959")
            cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="center")
        _input_cell(sheet, f"{COMMENT_COL}{row}")

    for formula, refs in rules.items():
        dim = next(d for d in plan.dimensions if '"' + ",".join(choices(d)) + '"' == formula)
        rule = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop",
            errorTitle="Not an answer",
            error=f"Pick one of {expected_answers(dim)} from the list.",
            showInputMessage=True,
            promptTitle="Your answer",
            prompt=f"Pick {expected_answers(dim)}; leave empty if you skip the question.",
        )
        for ref in refs:
            rule.add(ref)
        sheet.add_data_validation(rule)

    sheet.freeze_panes = f"{QUESTION_COL}{FIRST_ROW}"
    _protect(sheet)
    _print_setup(sheet, landscape=True)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.print_area = f"{NUMBER_COL}1:{COMMENT_COL}{plan.last_row}"


def write_meta(sheet: Worksheet, deal: Deal, home: HomeOrganization, side: Side, plans: list[SheetPlan]) -> None:
    values = {
        "format_version": FORMAT_VERSION,
        "deal_id": deal.deal_id,
        "side": side.value,
        "home_name": home.short_name,
        "partner_name": deal.partner_label,
        "question_rows": sum(len(p.dimensions) for p in plans),
    }
    sheet["A1"], sheet["B1"] = "key", "value"
    for row, key in enumerate(META_KEYS, start=2):
        sheet.cell(row, 1, key)
        _text(sheet, row, 2, values[key])
    for col, text in enumerate(META_TABLE_HEADINGS, start=1):
        sheet.cell(META_TABLE_ROW, col, text)
    row = META_TABLE_ROW + 1
    for plan in plans:
        for offset, dim in enumerate(plan.dimensions):
            sheet.cell(row, 1, category_sheet_name(plan.category))
            sheet.cell(row, 2, FIRST_ROW + offset)
            sheet.cell(row, 3, dim.id)
            sheet.cell(row, 4, dim.perspective.value)
            row += 1
    sheet[f"{META_DIVISIONS_COL}1"] = "divisions"
    if side is Side.home:
        for i, division in enumerate(home.divisions, start=2):
            _text(sheet, i, column_index_from_string(META_DIVISIONS_COL), division)
    _protect(sheet)
