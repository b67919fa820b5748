"""Reading and checking people.csv and contacts.csv; one validator for the files and the questionnaire sheets.

Every problem names the file, row, field and value and says what was expected, as the answers files do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError

from dd_pipeline.errors import InputProblem, ProblemList, plain_validation_message, shown
from dd_pipeline.intake.tables import Row, display_path, read_table
from dd_pipeline.network.rows import (
    CONTACT_COLUMNS,
    CONTACT_REQUIRED,
    PEOPLE_COLUMNS,
    PEOPLE_REQUIRED,
    ContactRow,
    PersonRow,
)

PEOPLE_FILE = "people.csv"
CONTACTS_FILE = "contacts.csv"
NOT_IN_DEAL = "is not an organization in the deal; expected home or partner"
UNKNOWN_PERSON = f"is an unknown person; expected a person_id listed in {PEOPLE_FILE}"
_OPTIONAL = {"name", "named", "status", "contact_organization", "close"}

RowLike = Row | Mapping[str, str]
M = TypeVar("M", PersonRow, ContactRow)


@dataclass
class NetworkIntake:
    """What a deal folder says about its people and their ties; empty when it has neither file."""

    people: dict[str, PersonRow] = field(default_factory=dict)
    contacts: list[ContactRow] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    source: str = ""  # people.csv as the user knows it
    rows: dict[str, int] = field(default_factory=dict)  # person_id -> its row in people.csv
    # where each person and each tie was read: (file, row); a questionnaire's rows name the workbook
    person_origins: dict[str, tuple[str, int]] = field(default_factory=dict)
    contact_origins: list[tuple[str, int]] = field(default_factory=list)  # one per entry of ``contacts``

    def against_answers(self, respondents: Mapping[str, tuple[str, str]]) -> list[InputProblem]:
        """A respondent of the answers with a person's id is that person: the firm must agree (an error)
        and the level should (a warning). ``respondents``: respondent_id -> (side, level)."""
        problems = []
        for pid, person in sorted(self.people.items()):
            if pid not in respondents:
                continue
            side, level = respondents[pid]
            row = self.rows.get(pid)
            if side != person.organization.value:
                problems.append(
                    InputProblem(
                        self.source,
                        row,
                        "organization",
                        shown(person.organization.value),
                        f"does not agree with the answers, where respondent {shown(pid)} answers for {side}; "
                        "expected the same firm (the same id is the same person)",
                    )
                )
            elif level != person.level.value:
                problems.append(
                    InputProblem(
                        self.source,
                        row,
                        "level",
                        shown(person.level.value),
                        f"differs from the answers, where respondent {shown(pid)} gives the level {level}; "
                        "expected the same level (the same id is the same person)",
                        "warning",
                    )
                )
        return problems

    @property
    def present(self) -> bool:
        return bool(self.people)


def _numbered(rows: Sequence[RowLike]) -> list[tuple[int, dict[str, str]]]:
    """(spreadsheet row, cells) of each row; plain dicts are numbered from row 2 (below the header)."""
    out = []
    for i, row in enumerate(rows):
        if isinstance(row, Row):
            out.append((row.number, dict(row.values)))
        else:
            out.append((i + 2, {str(k): "" if v is None else str(v).strip() for k, v in row.items()}))
    return out


def _parse(model: type[M], cells: dict[str, str], source: str, number: int) -> tuple[M | None, list[InputProblem]]:
    """The model of one row, or the problems of its cells."""
    values = {k: v.lower() if k not in ("person_id", "contact_id", "function", "name") else v for k, v in cells.items()}
    values = {k: v for k, v in values.items() if not (k in _OPTIONAL and v == "")}
    try:
        return model.model_validate(values), []
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else None
            value = cells.get(name or "", "")
            if name in ("organization", "contact_organization") and err.get("type") == "enum":
                message = NOT_IN_DEAL
            else:
                message = plain_validation_message(err)
            problems.append(InputProblem(source, number, name, shown(value) if value else None, message))
        return None, problems


def validate_people(rows: Sequence[RowLike], source: str) -> tuple[dict[str, PersonRow], list[InputProblem]]:
    """The roster by person_id, and the problems of its rows (a person listed twice is one)."""
    people: dict[str, PersonRow] = {}
    first_row: dict[str, int] = {}
    problems: list[InputProblem] = []
    for number, cells in _numbered(rows):
        person, found = _parse(PersonRow, {k: v for k, v in cells.items() if k in PEOPLE_COLUMNS}, source, number)
        problems += found
        if person is None:
            continue
        if person.person_id in people:
            problems.append(
                InputProblem(
                    source,
                    number,
                    "person_id",
                    shown(person.person_id),
                    f"is listed twice (first on row {first_row[person.person_id]}); expected one row per person",
                )
            )
            continue
        people[person.person_id] = person
        first_row[person.person_id] = number
    return people, problems


def validate_contacts(
    rows: Sequence[RowLike], people: Mapping[str, PersonRow], source: str
) -> tuple[list[ContactRow], list[InputProblem]]:
    """The ties as reported, and the problems of their rows: unknown person, a person naming themself, an
    organization not in the deal, a frequency or importance not on the list, the same tie twice."""
    contacts: list[ContactRow] = []
    problems: list[InputProblem] = []
    seen: dict[tuple[str, str], int] = {}
    for number, cells in _numbered(rows):
        tie, found = _parse(ContactRow, {k: v for k, v in cells.items() if k in CONTACT_COLUMNS}, source, number)
        problems += found
        if tie is None:
            continue
        row_problems = []
        if tie.person_id not in people:
            row_problems.append(InputProblem(source, number, "person_id", shown(tie.person_id), UNKNOWN_PERSON))
        if tie.contact_id == tie.person_id:
            row_problems.append(
                InputProblem(
                    source,
                    number,
                    "contact_id",
                    shown(tie.contact_id),
                    "is the person reporting the tie; expected someone else (a person cannot name themself)",
                )
            )
        contact = people.get(tie.contact_id)
        if contact is None and tie.contact_organization is None:
            row_problems.append(
                InputProblem(
                    source,
                    number,
                    "contact_organization",
                    None,
                    f"is empty; it is required when the contact {shown(tie.contact_id)} is not in {PEOPLE_FILE} "
                    "(expected home or partner)",
                )
            )
        if contact is not None and tie.contact_organization not in (None, contact.organization):
            row_problems.append(
                InputProblem(
                    source,
                    number,
                    "contact_organization",
                    shown(str(tie.contact_organization)),
                    f"does not agree with {PEOPLE_FILE}, where {shown(tie.contact_id)} is in "
                    f"{contact.organization.value}; leave it empty or write {contact.organization.value}",
                )
            )
        key = (tie.person_id, tie.contact_id)
        if key in seen:
            row_problems.append(
                InputProblem(
                    source,
                    number,
                    "contact_id",
                    shown(tie.contact_id),
                    f"is named by {shown(tie.person_id)} a second time (first on row {seen[key]}); "
                    "expected one row per tie",
                )
            )
        seen.setdefault(key, number)
        problems += row_problems
        if not row_problems:
            contacts.append(tie)
    return contacts, problems


def _by_file(rows: Sequence[Row]) -> dict[str, list[Row]]:
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(row.file, []).append(row)
    return groups


def read_network(
    deal_dir: Path, base: Path, sheet_people: Sequence[Row] = (), sheet_contacts: Sequence[Row] = ()
) -> NetworkIntake:
    """people.csv and contacts.csv of a deal folder (both optional) and the rows of the questionnaires'
    "About you" and "Your contacts" sheets, checked; problems collected, not raised.

    people.csv is the roster the alliance team keeps: a respondent it lists keeps its row there, and a
    respondent it does not list joins the roster from the questionnaire. A tie both contacts.csv and a
    questionnaire report is taken once, from contacts.csv, with a warning."""
    result = NetworkIntake()
    people_path, contacts_path = deal_dir / PEOPLE_FILE, deal_dir / CONTACTS_FILE
    rows: list[Row] = []
    if people_path.is_file():
        try:
            rows = read_table(people_path, base, PEOPLE_COLUMNS, PEOPLE_REQUIRED, allow_empty=True)  # a template
        except ProblemList as exc:
            result.problems += exc.problems
            return result
        result.source = display_path(people_path, base)
        result.people, found = validate_people(rows, result.source)
        result.problems += found
        for row in rows:
            result.rows.setdefault(row.values.get("person_id", ""), row.number)
        result.person_origins = {pid: (result.source, result.rows[pid]) for pid in result.people}
    for file, file_rows in sorted(_by_file(sheet_people).items()):
        unlisted = [r for r in file_rows if r.values.get("person_id", "") not in result.people]
        file_rows = [r for r in unlisted if not _missing_about(r, result.problems)]
        people, found = validate_people(file_rows, file)
        result.problems += found
        numbers = {r.values.get("person_id", ""): r.number for r in file_rows}
        for pid, person in people.items():
            if pid not in result.people:
                result.people[pid] = person
                result.person_origins[pid] = (file, numbers[pid])
    if not people_path.is_file() and not sheet_people:
        if contacts_path.is_file():
            result.problems.append(
                InputProblem(
                    display_path(contacts_path, base),
                    None,
                    None,
                    None,
                    f"needs {PEOPLE_FILE} next to it: every person who reports ties must be on the roster",
                )
            )
        return result
    if contacts_path.is_file():
        try:
            crows = read_table(contacts_path, base, CONTACT_COLUMNS, CONTACT_REQUIRED, allow_empty=True)
        except ProblemList as exc:
            result.problems += exc.problems
            return result
        source = display_path(contacts_path, base)
        ties, found = validate_contacts(crows, result.people, source)
        result.problems += found
        numbers_of = _tie_rows(crows)
        result.contacts = ties
        result.contact_origins = [(source, numbers_of[(t.person_id, t.contact_id)]) for t in ties]
    sheet_contacts = _named_in_roster(sheet_contacts, result.people)
    reported = {
        (t.person_id, t.contact_id): origin for t, origin in zip(result.contacts, result.contact_origins, strict=True)
    }
    for file, file_rows in sorted(_by_file(sheet_contacts).items()):
        ties, found = validate_contacts(file_rows, result.people, file)
        result.problems += found
        numbers_of = _tie_rows(file_rows)
        for tie in ties:
            key = (tie.person_id, tie.contact_id)
            number = numbers_of[key]
            if key in reported:
                first_file, first_row = reported[key]
                result.problems.append(
                    InputProblem(
                        file,
                        number,
                        "contact_id",
                        shown(tie.contact_id),
                        f"is a tie of {shown(tie.person_id)} that {first_file} reports too (row {first_row}); "
                        f"the row of {first_file} is used",
                        "warning",
                    )
                )
                continue
            reported[key] = (file, number)
            result.contacts.append(tie)
            result.contact_origins.append((file, number))
    return result


def _missing_about(row: Row, problems: list[InputProblem]) -> bool:
    """A respondent not on people.csv joins the roster from the questionnaire's "About you" sheet, which then
    needs the function and the role in the alliance; a missing one is named by its cell."""
    from dd_pipeline.intake.questionnaire_layout import ABOUT_SHEET, ABOUT_VALUE_COL, ALLIANCE_FIELDS

    missing = False
    for key, label, number in ALLIANCE_FIELDS:
        if key in ("function", "alliance_role") and not row.values.get(key):
            problems.append(
                InputProblem(
                    row.file,
                    number,
                    f"sheet '{ABOUT_SHEET}' cell {ABOUT_VALUE_COL}{number}",
                    None,
                    f"is empty; {shown(row.values.get('person_id', ''))} is not in {PEOPLE_FILE}, so "
                    f"'{label}' is needed to place them in the alliance's network (or list them in {PEOPLE_FILE})",
                )
            )
            missing = True
    return missing


def _named_in_roster(rows: Sequence[Row], people: Mapping[str, PersonRow]) -> list[Row]:
    """A contacts-sheet row whose person was typed by name (the workbook was made before the roster listed
    them) names the roster's person of that name, when exactly one person has it."""
    from dd_pipeline.intake.workbook import stand_in_id

    names: dict[str, list[str]] = {}
    for pid, person in people.items():
        if person.name:
            names.setdefault(stand_in_id(person.name).casefold(), []).append(pid)
    out = []
    for row in rows:
        contact = row.values.get("contact_id", "")
        match = names.get(contact.casefold(), [])
        if contact not in people and len(match) == 1:
            row = Row(row.file, row.number, {**row.values, "contact_id": match[0]})
        out.append(row)
    return out


def _tie_rows(rows: Sequence[Row]) -> dict[tuple[str, str], int]:
    """(person_id, contact_id) -> the first row that reports the tie."""
    numbers: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row.values.get("person_id", "").strip(), row.values.get("contact_id", "").strip())
        numbers.setdefault(key, row.number)
    return numbers
