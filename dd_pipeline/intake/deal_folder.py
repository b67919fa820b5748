"""Read a deal folder and the home profile into validated records, with every problem found.

The answers (answers.py), the evidence (evidence.py), the records and merged problems (records.py) and the
thin-data warnings (thin_data.py) have modules of their own; their names stay importable from here."""

from __future__ import annotations

from pathlib import Path

from dd_pipeline.errors import InputProblem, ProblemList
from dd_pipeline.errors import shown as quoted
from dd_pipeline.intake.answers import ANSWER_REQUIRED, COPY_NAME, answer_files, looks_like_a_copy, read_answers
from dd_pipeline.intake.evidence import EVIDENCE_REQUIRED, read_evidence
from dd_pipeline.intake.maturity import read_maturity
from dd_pipeline.intake.overrides import read_overrides
from dd_pipeline.intake.records import AnswerRecord, DealIntake, EvidenceRecord, Intake, Quarantined, merge_repeats
from dd_pipeline.intake.tables import display_path
from dd_pipeline.intake.thin_data import thin_data_warnings
from dd_pipeline.intake.workbook import response_files
from dd_pipeline.models import (
    DEAL_ID_PATTERN,
    Deal,
    HomeOrganization,
)
from dd_pipeline.playbook import Playbook, key_line, parse_model, read_yaml

__all__ = [
    "ANSWER_REQUIRED",
    "COPY_NAME",
    "EVIDENCE_REQUIRED",
    "AnswerRecord",
    "DealIntake",
    "EvidenceRecord",
    "Intake",
    "Quarantined",
    "answer_files",
    "looks_like_a_copy",
    "merge_repeats",
    "read_deal",
    "read_home",
]


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
    read_answers(files, base, playbook, intake)
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
            deal = parse_model(Deal, raw, deal_path, base / "inputs", playbook.governance.context())
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
    unreadable = read_answers(files, base, playbook, intake, known=home.answers if home else [])
    if home is not None:
        # A deal's own answer about home replaces the general home profile's answer by the same person
        # on the same dimension (strategic importance or competitive overlap differ from deal to deal).
        specific = {(a.respondent_id, a.rated_side, a.dimension_id) for a in intake.answers}
        general = [a for a in home.answers if (a.respondent_id, a.rated_side, a.dimension_id) not in specific]
        intake.answers = general + intake.answers
    read_evidence(deal_dir / "evidence.csv", base, playbook, intake)
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
    thin_data_warnings(intake, playbook, shown)
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
