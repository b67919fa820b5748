"""The layout of questionnaire workbooks, shared by the writer (intake/questionnaire.py and its sheets) and the
reader (intake/workbook.py): sheet names, rows and columns, the choices offered, and the plan of the category
sheets. A change to the layout of an existing sheet is a new FORMAT_VERSION.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from dd_pipeline.models import Category, Deal, Dimension, HomeOrganization, Level, Perspective, Side
from dd_pipeline.playbook import Playbook

FORMAT_VERSION = 1
META_SHEET = "dd_meta"
INSTRUCTIONS_SHEET = "Instructions"
ABOUT_SHEET = "About you"
SECONDS_PER_ANSWER = 15
NOT_APPLICABLE_CHOICE = "not applicable"
UNKNOWN_CHOICE = "don't know"

# Category sheets: a title row, a counts row, the headings, then one row per dimension.
HEADER_ROW = 3
FIRST_ROW = 4
ID_COL, NUMBER_COL, QUESTION_COL, LOW_COL, MIDDLE_COL, HIGH_COL, OWN_COL, OTHER_COL, COMMENT_COL = "ABCDEFGHI"
NOT_ASKED = "(your organization only)"

# "About you": label in column A, the respondent's entry in column B, a hint in column C.
ABOUT_VALUE_COL = "B"
ABOUT_FIELDS: tuple[tuple[str, str, int], ...] = (
    ("respondent_id", "Respondent id", 4),
    ("name", "Your name", 5),
    ("division", "Division", 6),
    ("level", "Level", 7),
)
LEVELS = [level.value for level in Level]
LEVEL_HINT = (
    "executive: sets direction (board, C-level, vice president); middle: runs a function, "
    "department or team; operational: does the day-to-day work"
)

# dd_meta: key/value pairs in rows 2.., then a table of question rows; divisions for the dropdown in F.
META_KEYS = ("format_version", "deal_id", "side", "home_name", "partner_name", "question_rows")
META_TABLE_ROW = 9
META_TABLE_HEADINGS = ("sheet", "row", "dimension", "perspective")
META_DIVISIONS_COL = "F"


def category_sheet_name(category: Category) -> str:
    """The tab name: the category id, capitalized (category names may exceed Excel's 31 characters)."""
    return category.id.value.capitalize()


def headings(own: str, other: str) -> tuple[str, ...]:
    """The heading of each column of a category sheet, A to I."""
    return (
        "id",
        "#",
        "Question",
        "Lowest answer means",
        "In between",
        "Highest answer means",
        f"About {own}\n(your organization)",
        f"About {other}\n(the other organization)",
        "Comment (optional)",
    )


def choices(dimension: Dimension) -> list[str]:
    """What the answer dropdown offers: the scale's points, then 'not applicable' and "don't know"."""
    return [str(p) for p in range(dimension.scale.min, dimension.scale.max + 1)] + [
        NOT_APPLICABLE_CHOICE,
        UNKNOWN_CHOICE,
    ]


def expected_answers(dimension: Dimension) -> str:
    return f"{dimension.scale.min}-{dimension.scale.max}, {NOT_APPLICABLE_CHOICE} or {UNKNOWN_CHOICE}"


def organization_names(deal: Deal, home: HomeOrganization, side: Side) -> tuple[str, str]:
    """(the respondent's own organization, the other organization) as the workbook names them."""
    names = (home.short_name, deal.partner_label)
    return names if side is Side.home else (names[1], names[0])


@dataclass(frozen=True)
class SheetPlan:
    category: Category
    dimensions: list[Dimension]
    first_number: int
    key_weight: float  # scoring.yaml key_item_weight: a question whose dimension weighs this much is marked

    def is_key(self, dimension: Dimension, alliance_type: str) -> bool:
        """Whether the question counts most for this kind of alliance (marked with a star)."""
        return dimension.weight_for(alliance_type) >= self.key_weight

    @property
    def name(self) -> str:
        return category_sheet_name(self.category)

    @property
    def last_row(self) -> int:
        return FIRST_ROW + len(self.dimensions) - 1

    @property
    def answer_cells(self) -> int:
        return sum(2 if d.perspective is Perspective.both else 1 for d in self.dimensions)

    @property
    def not_asked(self) -> int:
        return len(self.dimensions) * 2 - self.answer_cells


def sheet_plans(playbook: Playbook) -> list[SheetPlan]:
    """One sheet per category, in the framework's order, with its dimensions in the framework's order."""
    plans, number = [], 1
    for category in playbook.categories:
        dims = [d for d in playbook.dimensions if d.category == category.id]
        if dims:
            plans.append(SheetPlan(category, dims, number, playbook.scoring.key_item_weight))
            number += len(dims)
    return plans


def minutes_for(answer_cells: int) -> int:
    return max(1, math.ceil(answer_cells * SECONDS_PER_ANSWER / 60))


def questionnaire_filename(deal_id: str, side: Side, respondent_id: str | None = None) -> str:
    return f"{deal_id}_{side.value}{'_' + respondent_id if respondent_id else ''}.xlsx"


# --------------------------------------------------------------------------------------------------
# The respondent's place in the alliance, the maturity self-assessment and the respondent's contacts.
# Workbooks made before these existed lack them; the reader then yields no such rows.
# --------------------------------------------------------------------------------------------------

# "About you", below ABOUT_FIELDS
ALLIANCE_FIELDS: tuple[tuple[str, str, int], ...] = (
    ("function", "Function", 9),
    ("alliance_role", "Role in the alliance", 10),
)
ALLIANCE_ROLES = ("sponsor", "governance", "project_lead", "core_team", "peripheral")
ALLIANCE_ROLE_HINT = (
    "sponsor: the executive who answers for the alliance; governance: sits on its committees; project_lead: "
    "leads a project or workstream; core_team: works on it most days; peripheral: is called in now and then"
)
FUNCTION_HINT = "Your function, for example R&D, Marketing, Legal or Manufacturing."

# "Maturity": a title row, a note, the headings, then one row per area of the maturity model.
MATURITY_SHEET = "Maturity"
MATURITY_HEADER_ROW = 3
MATURITY_FIRST_ROW = 4
MATURITY_ID_COL, MATURITY_AREA_COL, MATURITY_LEVEL_COL = "A", "B", "G"
MATURITY_DESCRIPTION_COLS = "CDEF"  # level 1 to 4
MATURITY_CHOICES = ("1", "2", "3", "4")


def maturity_headings(own: str) -> tuple[str, ...]:
    return ("id", "Area", "Level 1", "Level 2", "Level 3", "Level 4", f"{own} today\n(pick 1-4)")


# "Your contacts": a title row, a note, the headings, then CONTACT_ROWS empty rows.
CONTACTS_SHEET = "Your contacts"
CONTACTS_HEADER_ROW = 3
CONTACTS_FIRST_ROW = 4
CONTACT_ROWS = 30
CONTACT_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("person", "Person you deal with", "A"),
    ("organization", "Their organization", "B"),
    ("frequency", "How often", "C"),
    ("importance", "How important for the alliance", "D"),
    ("close", "Close (trusted, informal)", "E"),
)
FREQUENCIES = ("daily", "weekly", "monthly", "rarely")
IMPORTANCES = ("high", "medium", "low")
CLOSE_CHOICES = ("yes", "no")

# dd_meta: the two organizations' names (for the organization dropdown) and the deal's roster (people.csv):
# the name shown in the person dropdown, the person id and the organization.
META_ORGANIZATIONS_COL = "H"
META_ROSTER_COLS = ("J", "K", "L")
