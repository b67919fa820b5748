"""Read a deal folder and the home profile into validated records, with every problem found."""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from dd_pipeline.errors import InputProblem, ProblemList, plain_validation_message
from dd_pipeline.errors import shown as quoted
from dd_pipeline.intake.maturity import MaturityRecord, read_maturity
from dd_pipeline.intake.overrides import read_overrides
from dd_pipeline.intake.tables import Row, display_path, read_table
from dd_pipeline.intake.workbook import answer_rows, is_questionnaire, response_files
from dd_pipeline.intake.workbook_extra_sheets import WorkbookRows
from dd_pipeline.models import (
    ANSWER_COLUMNS,
    DEAL_ID_PATTERN,
    EVIDENCE_COLUMNS,
    NOT_APPLICABLE,
    UNKNOWN,
    Answer,
    Deal,
    Evidence,
    HomeOrganization,
    Perspective,
)
from dd_pipeline.playbook import Playbook, key_line, parse_model, read_yaml

ANSWER_REQUIRED = tuple(c for c in ANSWER_COLUMNS if c != "comment")
EVIDENCE_REQUIRED = ("dimension", "about_side", "kind", "observation", "source")


@dataclass
class AnswerRecord:
    source_file: str
    source_row: int
    respondent_id: str
    respondent_side: str
    division: str
    level: str
    rated_side: str
    dimension_id: str
    status: str  # answered / not_applicable / unknown
    raw_value: float | None
    comment: str


@dataclass
class EvidenceRecord:
    source_file: str
    source_row: int
    dimension_id: str
    about_side: str
    kind: str
    observation: str
    source: str
    recorded_on: str | None
    internal: bool = False  # for the home side only: never shared with the partner


@dataclass
class Quarantined:
    source_file: str
    source_row: int | None
    field: str | None
    value: str | None
    reason: str
    row_values: str | None = None  # the rejected row's cells as JSON, kept even if the file changes later


@dataclass
class Intake:
    """What one read of the inputs produced: usable records, problems, and rejected rows."""

    answers: list[AnswerRecord] = field(default_factory=list)
    evidence: list[EvidenceRecord] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    quarantine: list[Quarantined] = field(default_factory=list)
    # questionnaires' maturity, people and contacts rows, by file (the answers of the same files are used)
    workbook_rows: dict[str, WorkbookRows] = field(default_factory=dict)

    @property
    def errors(self) -> list[InputProblem]:
        return [p for p in self.problems if p.severity == "error"]

    def reject(self, problem: InputProblem, row: Row | None = None) -> None:
        """Set a row (or a whole file, without ``row``) aside in quarantine, with the problem as reason."""
        self.problems.append(problem)
        cells = json.dumps(row.values, ensure_ascii=False) if row is not None else None
        self.quarantine.append(
            Quarantined(problem.file, problem.row, problem.field, problem.value, problem.message, cells)
        )


@dataclass
class DealIntake(Intake):
    deal: Deal | None = None
    overrides: list = field(default_factory=list)  # list[OverrideRecord]
    maturity: list[MaturityRecord] = field(default_factory=list)  # maturity.csv and questionnaires' sheet

    def questionnaire_people(self) -> list[Row]:
        """The people.csv-shaped rows of the questionnaires (one per respondent who gave function or role)."""
        return [r for rows in self.workbook_rows.values() for r in rows.people]

    def questionnaire_contacts(self) -> list[Row]:
        """The contacts.csv-shaped rows of the questionnaires' "Your contacts" sheets."""
        return [r for rows in self.workbook_rows.values() for r in rows.contacts]


def answer_files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.name.lower().startswith("answers")
        and p.suffix.lower() in (".csv", ".xlsx")
        and not p.name.startswith("~$")
    )


def read_home(home_dir: Path, base: Path, playbook: Playbook) -> tuple[HomeOrganization | None, Intake]:
    """The home organization and its self-profile answers (inputs/home/)."""
    intake = Intake()
    org: HomeOrganization | None = None
    org_path = home_dir / "organization.yaml"
    if not org_path.is_file():
        intake.problems.append(
            InputProblem(
                display_path(org_path, base), None, None, None, "is missing: describe the home organization there"
            )
        )
    else:
        try:
            org = parse_model(HomeOrganization, read_yaml(org_path, base / "inputs"), org_path, base / "inputs")
        except ProblemList as exc:
            intake.problems.extend(exc.problems)
    files = answer_files(home_dir) if home_dir.is_dir() else []
    if not files:
        # Home respondents may answer through each deal's questionnaires instead of a shared profile.
        intake.problems.append(
            InputProblem(
                display_path(home_dir, base),
                None,
                None,
                None,
                "has no answers*.csv or answers*.xlsx file; the home organization's "
                "scores come only from each deal's own answers about it",
                severity="warning",
            )
        )
    _read_answers(files, base, playbook, intake)
    for a in intake.answers:
        if a.respondent_side != "home" or a.rated_side != "home":
            wrong = "respondent_side" if a.respondent_side != "home" else "rated_side"
            intake.reject(
                InputProblem(
                    a.source_file,
                    a.source_row,
                    wrong,
                    quoted(getattr(a, wrong)),
                    "is not allowed in the home profile: inputs/home/ holds your own organization's respondents "
                    "rating your own organization (home); answers about a partner go in the deal's folder",
                )
            )
    intake.answers = [a for a in intake.answers if a.respondent_side == "home" and a.rated_side == "home"]
    intake.problems = merge_repeats(intake.problems)
    return org, intake


def read_deal(deal_dir: Path, base: Path, playbook: Playbook, home: Intake | None = None) -> DealIntake:
    """A deal folder: deal.yaml, answers*.csv/xlsx, evidence.csv; checked against the playbook."""
    intake = DealIntake()
    folder_name = deal_dir.name
    shown = display_path(deal_dir, base)
    if not DEAL_ID_PATTERN.match(folder_name):
        intake.problems.append(
            InputProblem(
                shown,
                None,
                None,
                None,
                "is not a valid deal id: rename the folder using lowercase letters, digits, '-' and '_' "
                "(for example 'acme-codev')",
            )
        )
        return intake
    if not deal_dir.is_dir():
        intake.problems.append(InputProblem(shown, None, None, None, "is not a folder"))
        return intake

    deal_path = deal_dir / "deal.yaml"
    if not deal_path.is_file():
        intake.problems.append(
            InputProblem(
                display_path(deal_path, base),
                None,
                None,
                None,
                "is missing: every deal folder needs a deal.yaml (dd-pipeline init-deal writes one)",
            )
        )
    else:
        not_a_type = "is not an alliance type; expected one of " + ", ".join(playbook.alliance_type_ids)
        raw: object = None
        try:
            raw = read_yaml(deal_path, base / "inputs")
            deal = parse_model(Deal, raw, deal_path, base / "inputs")
        except ProblemList as exc:
            intake.problems.extend(
                InputProblem(p.file, p.row, p.field, p.value, not_a_type) if p.field == "alliance_type" else p
                for p in exc.problems
            )
        else:
            name = display_path(deal_path, base)
            if deal.deal_id != folder_name:
                intake.problems.append(
                    InputProblem(
                        name,
                        key_line(raw, "deal_id"),
                        "deal_id",
                        quoted(deal.deal_id),
                        f"is not the folder name '{folder_name}'; the deal_id and the folder name must be the same",
                    )
                )
            if deal.alliance_type not in playbook.alliance_type_ids:
                intake.problems.append(
                    InputProblem(
                        name, key_line(raw, "alliance_type"), "alliance_type", quoted(deal.alliance_type), not_a_type
                    )
                )
            intake.deal = deal

    files = response_files(deal_dir)
    if not files:
        intake.problems.append(InputProblem(shown, None, None, None, "has no answers*.csv or answers*.xlsx file"))
    unreadable = _read_answers(files, base, playbook, intake, known=home.answers if home else [])
    if home is not None:
        # A deal's own answer about home replaces the general home profile's answer by the same person
        # on the same dimension (strategic importance or competitive overlap differ from deal to deal).
        specific = {(a.respondent_id, a.rated_side, a.dimension_id) for a in intake.answers}
        general = [a for a in home.answers if (a.respondent_id, a.rated_side, a.dimension_id) not in specific]
        intake.answers = general + intake.answers
    _read_evidence(deal_dir / "evidence.csv", base, playbook, intake)
    sheets = [r for rows in intake.workbook_rows.values() for r in rows.maturity]
    known: dict[str, tuple[str, str, int]] = {}
    for a in intake.answers:
        known.setdefault(a.respondent_id, (a.respondent_side, a.source_file, a.source_row))
    intake.maturity, maturity_problems = read_maturity(deal_dir, base, playbook.maturity, sheets, known)
    for problem, bad_row in maturity_problems:
        intake.reject(problem, bad_row)
    intake.overrides, override_problems = read_overrides(deal_dir, base, playbook)
    intake.problems.extend(override_problems)
    _overrides_without_gap(intake, base)

    intake.problems = merge_repeats(intake.problems)
    if not files or unreadable:
        return intake  # what follows would only repeat the problem with the files in other words
    if not any(a.rated_side == "home" for a in intake.answers):
        intake.problems.append(
            InputProblem(
                shown,
                None,
                "rated_side",
                None,
                "has no answers about the home organization: add inputs/home/answers.csv "
                "or home respondents' questionnaires to this deal's folder",
            )
        )
    if not any(a.respondent_side == "partner" for a in intake.answers):
        intake.problems.append(
            InputProblem(
                shown,
                None,
                "respondent_side",
                None,
                "has no partner respondents: at least one answer must come from "
                "someone at the partner (respondent_side = partner)",
            )
        )
        return intake  # thin-data warnings would only repeat it
    _thin_data_warnings(intake, playbook, shown)
    return intake


def _overrides_without_gap(intake: DealIntake, base: Path) -> None:
    """An override corrects a computed gap: a dimension nobody answered about both organizations has none."""
    answered = {(a.dimension_id, a.rated_side) for a in intake.answers if a.status == "answered"}
    kept = []
    for o in intake.overrides:
        if (o.dimension_id, "home") in answered and (o.dimension_id, "partner") in answered:
            kept.append(o)
            continue
        intake.problems.append(
            InputProblem(
                o.source_file,
                None,
                f"overrides[{o.position}].dimension",
                quoted(o.dimension_id),
                "has no answered ratings of both organizations, so there is no gap to override; remove the "
                "override or add the answers",
            )
        )
    intake.overrides = kept


def merge_repeats(problems: list[InputProblem]) -> list[InputProblem]:
    """One message for the same mistake on many rows of a file (a whole column with a wrong level, one
    respondent id used for two people): the first row is named, the others listed after it. Every row
    stays in quarantine on its own."""
    groups: dict[tuple[object, ...], list[InputProblem]] = {}
    for p in problems:
        key = (p.file, p.field, p.value, p.message, p.severity) if p.row is not None else (id(p),)
        groups.setdefault(key, []).append(p)
    merged = []
    for group in groups.values():
        first = group[0]
        if len(group) == 1:
            merged.append(first)
            continue
        rows = _row_ranges(sorted(p.row for p in group[1:] if p.row is not None))
        merged.append(
            InputProblem(
                first.file,
                first.row,
                first.field,
                first.value,
                f"{first.message}; the same in rows {rows}",
                first.severity,
            )
        )
    return merged


def _row_ranges(rows: list[int], shown_runs: int = 8) -> str:
    runs: list[list[int]] = []
    for n in rows:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    text = [f"{r[0]}-{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs[:shown_runs]]
    more = sum(len(r) for r in runs[shown_runs:])
    return ", ".join(text) + (f" and {more} more" if more else "")


def _parse_value(text: str, dim_scale: tuple[int, int]) -> tuple[str, float | None, str | None]:
    """(status, value, problem) for one answer cell."""
    value = text.strip().lower()
    if value in NOT_APPLICABLE:
        return "not_applicable", None, None
    if value in UNKNOWN or value == "":
        return "unknown", None, None
    lo, hi = dim_scale
    expected = f"expected a whole number from {lo} to {hi}, 'n/a' or 'unknown'"
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        return "", None, f"is not a number; {expected}"
    if not number.is_integer() or not lo <= number <= hi:
        return "", None, f"is not on the scale; {expected}"
    return "answered", number, None


def _read_answers(
    files: list[Path], base: Path, playbook: Playbook, intake: Intake, known: list[AnswerRecord] | None = None
) -> int:
    """Read every answers file into ``intake``; returns how many files could not be read at all."""
    unreadable = 0
    people: dict[str, tuple[str, str, str, str, int]] = {}
    for a in known or []:
        people.setdefault(a.respondent_id, (a.respondent_side, a.division, a.level, a.source_file, a.source_row))
    seen: dict[tuple[str, str, str], tuple[str, int]] = {}
    read: list[tuple[Path, list[Row]]] = []
    for path in files:
        try:
            read.append((path, answer_rows(path, base, playbook, intake.problems, intake.workbook_rows)))
        except ProblemList as exc:
            unreadable += 1
            for p in exc.problems:
                intake.reject(p)
    # A copy such as 'elena (1).xlsx' is read after 'elena.xlsx', so the copy is the one reported.
    read.sort(key=lambda item: (looks_like_a_copy(item[0].stem), item[0].name))
    workbooks: dict[str, tuple[str, str, frozenset[tuple[str, str, str]]]] = {}
    for path, rows in read:
        if rows and is_questionnaire(path):
            twin = _twin_workbook(rows, workbooks, playbook)
            if twin is not None:
                intake.reject(twin)
                intake.workbook_rows.pop(twin.file, None)
                continue
        for row in rows:
            record = _answer_from_row(row, playbook, intake)
            if record is None:
                continue
            who = (record.respondent_side, record.division, record.level)
            first = people.setdefault(record.respondent_id, (*who, row.file, row.number))
            if first[:3] != who:
                intake.reject(
                    InputProblem(
                        row.file,
                        row.number,
                        "respondent_id",
                        quoted(record.respondent_id),
                        f"is given as {'/'.join(who)} here but as {'/'.join(first[:3])} in {first[3]} row "
                        f"{first[4]}; a respondent id names one person, with one side, division and level",
                    ),
                    row,
                )
                continue
            key = (record.respondent_id, record.rated_side, record.dimension_id)
            if key in seen:
                f, n = seen[key]
                intake.reject(
                    InputProblem(
                        row.file,
                        row.number,
                        "dimension",
                        quoted(record.dimension_id),
                        f"is answered twice by {record.respondent_id} about {record.rated_side} "
                        f"(first in {f} row {n}); keep one row",
                    ),
                    row,
                )
                continue
            seen[key] = (row.file, row.number)
            intake.answers.append(record)
    return unreadable


COPY_NAME = re.compile(r"(\s*\(\d+\)|[\s_-]+(-\s*)?copy(\s*\d+)?|^copy of\s.*)$", re.IGNORECASE)


def looks_like_a_copy(stem: str) -> bool:
    """'elena (1)', 'elena - Copy', 'elena copy 2', 'Copy of elena': names a file manager or a mail program
    gives a second copy of a file."""
    return bool(COPY_NAME.search(stem.strip()))


def _twin_workbook(
    rows: list[Row], workbooks: dict[str, tuple[str, str, frozenset[tuple[str, str, str]]]], playbook: Playbook
) -> InputProblem | None:
    """One problem for a questionnaire workbook that repeats another one (the same respondent, or the very same
    answers under another file name), naming both files and the sheets they both answer; None otherwise.
    ``workbooks`` collects the workbooks read so far."""
    first = rows[0]
    respondent, side = first.values.get("respondent_id", ""), first.values.get("respondent_side", "")
    answers = frozenset(
        (r.values.get("rated_side", ""), r.values.get("dimension", ""), r.values.get("value", "")) for r in rows
    )
    for file, (other_id, other_side, other_answers) in workbooks.items():
        if (other_id, other_side) != (respondent, side) and other_answers != answers:
            continue
        both = {d for _rated, d, _v in answers} & {d for _rated, d, _v in other_answers}
        order = {c.id: i for i, c in enumerate(playbook.categories)}
        categories = sorted(
            {playbook.dimension_by_id[d].category for d in both if d in playbook.dimension_by_id},
            key=lambda c: order.get(c, 99),
        )
        sheets = ", ".join(f"'{c.value.capitalize()}'" for c in categories) or "no sheet in common"
        who = (
            f"the same respondent ({respondent}, {side})"
            if (other_id, other_side) == (respondent, side)
            else f"the same answers as {file} (respondent {other_id})"
        )
        return InputProblem(
            first.file,
            None,
            None,
            None,
            f"is a second workbook with {who}: both {file} and this file answer the sheets {sheets}. Only "
            f"{file} is read. Keep the workbook with the answers you want at the top of the deal folder and move "
            "the other into a subfolder (or delete it); if each holds answers the other lacks, copy them into "
            "one workbook first",
        )
    workbooks[first.file] = (respondent, side, answers)
    return None


def _reject_row(exc: ValidationError, row: Row, playbook: Playbook, intake: Intake) -> None:
    """One problem per invalid cell of a row that its model refused; the row goes to quarantine."""
    for err in exc.errors():
        fld = str(err["loc"][0]) if err["loc"] else None
        found = row.values.get(fld or "", "")
        if fld == "dimension" and found and err["type"] == "string_pattern_mismatch":
            message = _not_a_dimension(found, playbook)
        else:
            message = _plain(err, found)
        intake.reject(InputProblem(row.file, row.number, fld, quoted(found), message), row)


def _answer_from_row(row: Row, playbook: Playbook, intake: Intake) -> AnswerRecord | None:
    try:
        answer = Answer.model_validate(row.values)
    except ValidationError as exc:
        _reject_row(exc, row, playbook, intake)
        return None
    dim = playbook.dimension_by_id.get(answer.dimension)
    if dim is None:
        intake.reject(
            InputProblem(
                row.file,
                row.number,
                "dimension",
                quoted(answer.dimension),
                _not_a_dimension(answer.dimension, playbook),
            ),
            row,
        )
        return None
    if dim.perspective is Perspective.self_only and answer.rated_side != answer.respondent_side:
        intake.reject(
            InputProblem(
                row.file,
                row.number,
                "rated_side",
                quoted(answer.rated_side.value),
                f"is not allowed here: dimension '{dim.id}' is answered by each side "
                "about itself only (rated_side = respondent_side)",
            ),
            row,
        )
        return None
    status, value, problem = _parse_value(answer.value, (dim.scale.min, dim.scale.max))
    if problem:
        intake.reject(
            InputProblem(row.file, row.number, "value", quoted(answer.value), f"{problem} (dimension '{dim.id}')"), row
        )
        return None
    return AnswerRecord(
        source_file=row.file,
        source_row=row.number,
        respondent_id=answer.respondent_id,
        respondent_side=answer.respondent_side.value,
        division=answer.division,
        level=answer.level.value,
        rated_side=answer.rated_side.value,
        dimension_id=dim.id,
        status=status,
        raw_value=value,
        comment=answer.comment,
    )


def _plain(err: dict, found: str) -> str:  # type: ignore[type-arg]
    """A cell's problem in plain words; an empty cell is called empty whatever the column expects."""
    if found.strip() == "" or err.get("type") == "missing":
        if err.get("type") in ("enum", "literal_error"):
            return f"is empty; expected one of {(err.get('ctx') or {}).get('expected', '')}"
        return "is empty; a value is required"
    return plain_validation_message(err)


def _not_a_dimension(found: str, playbook: Playbook) -> str:
    guess = "_".join(found.strip().lower().replace("-", " ").split())
    close = difflib.get_close_matches(guess, playbook.dimension_by_id, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"is not a dimension of the framework{hint}; see assets/framework/dimensions/ for the ids"


def _read_evidence(path: Path, base: Path, playbook: Playbook, intake: DealIntake) -> None:
    if not path.is_file():
        return
    try:
        rows = read_table(path, base, EVIDENCE_COLUMNS, EVIDENCE_REQUIRED, allow_empty=True)
    except ProblemList as exc:
        for p in exc.problems:
            intake.reject(p)
        return
    for row in rows:
        values = {k: v for k, v in row.values.items() if not (k in ("recorded_on", "internal") and v == "")}
        try:
            ev = Evidence.model_validate(values)
        except ValidationError as exc:
            _reject_row(exc, row, playbook, intake)
            continue
        if ev.dimension not in playbook.dimension_by_id:
            intake.reject(
                InputProblem(
                    row.file, row.number, "dimension", quoted(ev.dimension), _not_a_dimension(ev.dimension, playbook)
                ),
                row,
            )
            continue
        intake.evidence.append(
            EvidenceRecord(
                row.file,
                row.number,
                ev.dimension,
                ev.about_side.value,
                ev.kind.value,
                ev.observation,
                ev.source,
                ev.recorded_on.isoformat() if ev.recorded_on else None,
                ev.internal,
            )
        )


def _thin_data_warnings(intake: DealIntake, playbook: Playbook, shown: str) -> None:
    rules = playbook.scoring
    for side in ("home", "partner"):
        people = {a.respondent_id for a in intake.answers if a.respondent_side == side and a.rated_side == side}
        if len(people) < rules.thin_side_respondents:
            intake.problems.append(
                InputProblem(
                    shown,
                    None,
                    f"{side} respondents",
                    str(len(people)),
                    f"is fewer than {rules.thin_side_respondents} respondents rating their own organization; the "
                    f"{side} side's scores rest on few people",
                    severity="warning",
                )
            )
        answered = {a.dimension_id for a in intake.answers if a.rated_side == side and a.status == "answered"}
        share = len(answered) / max(1, len(playbook.dimensions))
        if intake.answers and share < rules.thin_coverage:
            intake.problems.append(
                InputProblem(
                    shown,
                    None,
                    f"{side} coverage",
                    f"{share:.0%}",
                    f"of the framework's dimensions have an answer about {side}; "
                    f"below {rules.thin_coverage:.0%} many gaps cannot be scored",
                    severity="warning",
                )
            )
