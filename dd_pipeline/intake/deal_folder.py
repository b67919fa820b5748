"""Read a deal folder and the home profile into validated records, with every problem found."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from dd_pipeline.errors import InputProblem, ProblemList
from dd_pipeline.intake.overrides import read_overrides
from dd_pipeline.intake.tables import Row, display_path, read_table
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
from dd_pipeline.playbook import Playbook, parse_model, read_yaml

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


@dataclass
class Quarantined:
    source_file: str
    source_row: int | None
    field: str | None
    value: str | None
    reason: str


@dataclass
class Intake:
    """What one read of the inputs produced: usable records, problems, and rejected rows."""

    answers: list[AnswerRecord] = field(default_factory=list)
    evidence: list[EvidenceRecord] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    quarantine: list[Quarantined] = field(default_factory=list)

    @property
    def errors(self) -> list[InputProblem]:
        return [p for p in self.problems if p.severity == "error"]

    def reject(self, problem: InputProblem) -> None:
        self.problems.append(problem)
        self.quarantine.append(
            Quarantined(problem.file, problem.row, problem.field, problem.value, problem.message)
        )


@dataclass
class DealIntake(Intake):
    deal: Deal | None = None
    overrides: list = field(default_factory=list)  # list[OverrideRecord]


def answer_files(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.iterdir()
        if p.is_file() and p.name.lower().startswith("answers")
        and p.suffix.lower() in (".csv", ".xlsx") and not p.name.startswith("~$")
    )


def read_home(home_dir: Path, base: Path, playbook: Playbook) -> tuple[HomeOrganization | None, Intake]:
    """The home organization and its self-profile answers (inputs/home/)."""
    intake = Intake()
    org: HomeOrganization | None = None
    org_path = home_dir / "organization.yaml"
    if not org_path.is_file():
        intake.problems.append(InputProblem(display_path(org_path, base), None, None, None,
                                            "is missing: describe the home organization there"))
    else:
        try:
            org = parse_model(HomeOrganization, read_yaml(org_path, base / "inputs"), org_path, base / "inputs")
        except ProblemList as exc:
            intake.problems.extend(exc.problems)
    files = answer_files(home_dir) if home_dir.is_dir() else []
    if not files:
        intake.problems.append(InputProblem(display_path(home_dir, base), None, None, None,
                                            "has no answers*.csv or answers*.xlsx file"))
    _read_answers(files, base, playbook, intake)
    for a in intake.answers:
        if a.respondent_side != "home" or a.rated_side != "home":
            intake.reject(InputProblem(a.source_file, a.source_row, "respondent_side/rated_side",
                                       f"{a.respondent_side}/{a.rated_side}",
                                       "the home profile holds home respondents rating home only"))
    intake.answers = [a for a in intake.answers if a.respondent_side == "home" and a.rated_side == "home"]
    return org, intake


def read_deal(deal_dir: Path, base: Path, playbook: Playbook, home: Intake | None = None) -> DealIntake:
    """A deal folder: deal.yaml, answers*.csv/xlsx, evidence.csv; checked against the playbook."""
    intake = DealIntake()
    folder_name = deal_dir.name
    shown = display_path(deal_dir, base)
    if not DEAL_ID_PATTERN.match(folder_name):
        intake.problems.append(InputProblem(shown, None, "deal id", folder_name,
                                            "is not a valid deal id: use lowercase letters, digits, '-' and '_'"))
        return intake
    if not deal_dir.is_dir():
        intake.problems.append(InputProblem(shown, None, None, None, "is not a folder"))
        return intake

    deal_path = deal_dir / "deal.yaml"
    if not deal_path.is_file():
        intake.problems.append(InputProblem(display_path(deal_path, base), None, None, None,
                                            "is missing: every deal folder needs a deal.yaml "
                                            "(dd-pipeline init-deal writes one)"))
    else:
        try:
            deal = parse_model(Deal, read_yaml(deal_path, base / "inputs"), deal_path, base / "inputs")
        except ProblemList as exc:
            intake.problems.extend(exc.problems)
        else:
            name = display_path(deal_path, base)
            if deal.deal_id != folder_name:
                intake.problems.append(InputProblem(name, None, "deal_id", deal.deal_id,
                                                    f"must equal the folder name '{folder_name}'"))
            if deal.alliance_type not in playbook.alliance_type_ids:
                intake.problems.append(InputProblem(name, None, "alliance_type", deal.alliance_type,
                                                    "is not an alliance type; expected one of "
                                                    + ", ".join(playbook.alliance_type_ids)))
            intake.deal = deal

    files = answer_files(deal_dir)
    if not files:
        intake.problems.append(InputProblem(shown, None, None, None,
                                            "has no answers*.csv or answers*.xlsx file"))
    _read_answers(files, base, playbook, intake, known=home.answers if home else [])
    if home is not None:
        # A deal's own answer about home replaces the general home profile's answer by the same person
        # on the same dimension (strategic importance or competitive overlap differ from deal to deal).
        specific = {(a.respondent_id, a.rated_side, a.dimension_id) for a in intake.answers}
        general = [a for a in home.answers if (a.respondent_id, a.rated_side, a.dimension_id) not in specific]
        intake.answers = general + intake.answers
    _read_evidence(deal_dir / "evidence.csv", base, playbook, intake)
    intake.overrides, override_problems = read_overrides(deal_dir, base, playbook)
    intake.problems.extend(override_problems)

    if files and not any(a.respondent_side == "partner" for a in intake.answers):
        intake.problems.append(InputProblem(shown, None, "respondent_side", None,
                                            "has no partner respondents: at least one answer must come from "
                                            "someone at the partner (respondent_side = partner)"))
    _thin_data_warnings(intake, playbook, shown)
    return intake


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
) -> None:
    people: dict[str, tuple[str, str, str, str, int]] = {}
    for a in known or []:
        people.setdefault(a.respondent_id, (a.respondent_side, a.division, a.level, a.source_file, a.source_row))
    seen: dict[tuple[str, str, str], tuple[str, int]] = {}
    for path in files:
        try:
            rows = read_table(path, base, ANSWER_COLUMNS, ANSWER_REQUIRED)
        except ProblemList as exc:
            for p in exc.problems:
                intake.reject(p)
            continue
        for row in rows:
            record = _answer_from_row(row, playbook, intake)
            if record is None:
                continue
            who = (record.respondent_side, record.division, record.level)
            first = people.setdefault(record.respondent_id, (*who, row.file, row.number))
            if first[:3] != who:
                intake.reject(InputProblem(
                    row.file, row.number, "respondent_id", record.respondent_id,
                    f"is given as {'/'.join(who)} here but as {'/'.join(first[:3])} in {first[3]} row {first[4]}; "
                    "a respondent has one side, division and level"))
                continue
            key = (record.respondent_id, record.rated_side, record.dimension_id)
            if key in seen:
                f, n = seen[key]
                intake.reject(InputProblem(
                    row.file, row.number, "dimension", record.dimension_id,
                    f"is answered twice by {record.respondent_id} about {record.rated_side} "
                    f"(first in {f} row {n}); keep one row"))
                continue
            seen[key] = (row.file, row.number)
            intake.answers.append(record)


def _answer_from_row(row: Row, playbook: Playbook, intake: Intake) -> AnswerRecord | None:
    try:
        answer = Answer.model_validate(row.values)
    except ValidationError as exc:
        for err in exc.errors():
            fld = str(err["loc"][0]) if err["loc"] else None
            intake.reject(InputProblem(row.file, row.number, fld, repr(row.values.get(fld or "", "")),
                                       _plain(err)))
        return None
    dim = playbook.dimension_by_id.get(answer.dimension)
    if dim is None:
        close = difflib.get_close_matches(answer.dimension, playbook.dimension_by_id, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        intake.reject(InputProblem(row.file, row.number, "dimension", repr(answer.dimension),
                                   f"is not a dimension of the framework{hint}; "
                                   "see assets/framework/dimensions/ for the ids"))
        return None
    if dim.perspective is Perspective.self_only and answer.rated_side != answer.respondent_side:
        intake.reject(InputProblem(row.file, row.number, "rated_side", answer.rated_side.value,
                                   f"dimension '{dim.id}' is answered by each side about itself only"))
        return None
    status, value, problem = _parse_value(answer.value, (dim.scale.min, dim.scale.max))
    if problem:
        intake.reject(InputProblem(row.file, row.number, "value", repr(answer.value),
                                   f"{problem} (dimension '{dim.id}')"))
        return None
    return AnswerRecord(
        source_file=row.file, source_row=row.number, respondent_id=answer.respondent_id,
        respondent_side=answer.respondent_side.value, division=answer.division, level=answer.level.value,
        rated_side=answer.rated_side.value, dimension_id=dim.id, status=status, raw_value=value,
        comment=answer.comment,
    )


def _plain(err: dict) -> str:  # type: ignore[type-arg]
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "enum":
        return f"is not allowed; expected one of {ctx.get('expected', '')}"
    if kind == "missing" or (kind == "string_too_short" and ctx.get("min_length") == 1):
        return "is empty; a value is required"
    if kind == "string_pattern_mismatch":
        return "has characters that are not allowed; use letters, digits, '.', '-' or '_' (at most 40)"
    if kind == "date_from_datetime_parsing" or kind.startswith("date"):
        return "is not a date; expected YYYY-MM-DD"
    return str(err.get("msg", "is not valid"))


def _read_evidence(path: Path, base: Path, playbook: Playbook, intake: DealIntake) -> None:
    if not path.is_file():
        return
    try:
        rows = read_table(path, base, EVIDENCE_COLUMNS, EVIDENCE_REQUIRED)
    except ProblemList as exc:
        for p in exc.problems:
            intake.reject(p)
        return
    for row in rows:
        values = {k: v for k, v in row.values.items() if not (k == "recorded_on" and v == "")}
        try:
            ev = Evidence.model_validate(values)
        except ValidationError as exc:
            for err in exc.errors():
                fld = str(err["loc"][0]) if err["loc"] else None
                intake.reject(InputProblem(row.file, row.number, fld, repr(row.values.get(fld or "", "")),
                                           _plain(err)))
            continue
        if ev.dimension not in playbook.dimension_by_id:
            intake.reject(InputProblem(row.file, row.number, "dimension", repr(ev.dimension),
                                       "is not a dimension of the framework"))
            continue
        intake.evidence.append(EvidenceRecord(
            row.file, row.number, ev.dimension, ev.about_side.value, ev.kind.value, ev.observation, ev.source,
            ev.recorded_on.isoformat() if ev.recorded_on else None,
        ))


def _thin_data_warnings(intake: DealIntake, playbook: Playbook, shown: str) -> None:
    rules = playbook.scoring
    for side in ("home", "partner"):
        people = {a.respondent_id for a in intake.answers if a.respondent_side == side and a.rated_side == side}
        if 0 < len(people) < rules.thin_side_respondents:
            intake.problems.append(InputProblem(
                shown, None, f"{side} respondents", str(len(people)),
                f"fewer than {rules.thin_side_respondents} {side} respondents rate their own organization; "
                "scores on that side rest on few people", severity="warning"))
        answered = {a.dimension_id for a in intake.answers
                    if a.rated_side == side and a.status == "answered"}
        share = len(answered) / max(1, len(playbook.dimensions))
        if intake.answers and share < rules.thin_coverage:
            intake.problems.append(InputProblem(
                shown, None, f"{side} coverage", f"{share:.0%}",
                f"of the framework's dimensions have an answer about {side}; "
                f"below {rules.thin_coverage:.0%} many gaps cannot be scored", severity="warning"))
