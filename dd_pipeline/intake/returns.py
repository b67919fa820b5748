"""Who has answered: the questionnaires issued for a deal, the ones that came back, the ones still missing,
and the files in the deal folder that are not read as answers (and why).

Returned answers are counted from the same read of the deal folder that a run makes, so the status and a
run never disagree about who answered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dd_pipeline.intake.new_deal import QUESTIONNAIRES
from dd_pipeline.intake.tables import display_path
from dd_pipeline.intake.workbook import is_questionnaire, workbook_summary
from dd_pipeline.settings import Settings

# Spreadsheets a respondent or a deal team may save that the intake does not read, and what to do instead.
NOT_READ = {
    ".ods": "is an OpenDocument spreadsheet, which is not read; open it and save it as an Excel workbook (.xlsx) "
    "in the same folder",
    ".xlsm": "is a macro-enabled workbook, which is not read (macros are never run); save it as an Excel "
    "workbook (.xlsx) in the same folder",
    ".xls": "is an Excel 97-2003 workbook, which is not read; save it as an Excel workbook (.xlsx) in the same folder",
    ".xlsb": "is a binary Excel workbook, which is not read; save it as an Excel workbook (.xlsx) in the same folder",
    ".numbers": "is a Numbers spreadsheet, which is not read; export it as an Excel workbook (.xlsx) into the "
    "same folder",
}
READ_AT_TOP = ("deal.yaml", "evidence.csv", "maturity.csv", "overrides.yaml", "people.csv", "contacts.csv")


@dataclass(frozen=True)
class Ignored:
    path: Path
    shown: str
    kind: str  # "saved in questionnaires/", "format", "empty", "not read"
    reason: str


@dataclass(frozen=True)
class Issued:
    """A personal questionnaire in questionnaires/ (one with a respondent id filled in)."""

    respondent_id: str
    side: str
    file: str


@dataclass(frozen=True)
class Returned:
    respondent_id: str
    side: str
    answered: int  # answers given (a point of the scale, not applicable or don't know)
    asked: int  # answers the questionnaire asks for
    file: str

    @property
    def share(self) -> float:
        return self.answered / self.asked if self.asked else 0.0


@dataclass
class Returns:
    deal_id: str
    issued: list[Issued] = field(default_factory=list)
    blank: list[str] = field(default_factory=list)  # blank copies in questionnaires/ (for anybody on a side)
    returned: list[Returned] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)
    unusable: list[str] = field(default_factory=list)  # files with input problems (validate names them)
    home_profile: int = 0  # respondents of inputs/home/ answers that count for this deal

    @property
    def missing(self) -> list[Issued]:
        back = {(r.respondent_id, r.side) for r in self.returned}
        return [i for i in self.issued if (i.respondent_id, i.side) not in back]


def ignored_files(settings: Settings, deal_id: str) -> list[Ignored]:
    """The files of a deal folder that look like answers but are not read, each with the reason."""
    folder = settings.deal_dir(deal_id)
    if not folder.is_dir():
        return []
    base = settings.inputs_dir.parent
    found: list[Ignored] = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(("~$", "."))):
        suffix = path.suffix.lower()
        if suffix in NOT_READ:
            found.append(Ignored(path, display_path(path, base), "format", NOT_READ[suffix]))
        elif suffix == ".csv" and path.name not in READ_AT_TOP and not path.name.lower().startswith("answers"):
            found.append(
                Ignored(
                    path,
                    display_path(path, base),
                    "not read",
                    "is not read: only answers*.csv, evidence.csv, maturity.csv, people.csv and contacts.csv are; "
                    "rename it to start with 'answers' if it holds answers, or move it into a subfolder",
                )
            )
        elif suffix == ".xlsx" and is_questionnaire(path):
            try:
                summary = workbook_summary(path)
            except ValueError:
                continue  # the intake names what is wrong with it
            if summary.filled == 0:
                found.append(
                    Ignored(path, display_path(path, base), "empty", "has no answers yet, so it is not counted")
                )
    drafts = folder / QUESTIONNAIRES
    if drafts.is_dir():
        for path in sorted(p for p in drafts.iterdir() if p.is_file() and not p.name.startswith(("~$", "."))):
            suffix = path.suffix.lower()
            if suffix == ".xlsx" and is_questionnaire(path):
                try:
                    summary = workbook_summary(path)
                except ValueError:
                    continue
                if summary.filled:
                    found.append(
                        Ignored(
                            path,
                            display_path(path, base),
                            "saved in questionnaires/",
                            f"holds {summary.filled} answer(s), but {QUESTIONNAIRES}/ keeps the copies to send and is "
                            f"never read; move the filled workbook up into {display_path(folder, base)}/ (dd-pipeline "
                            "questionnaire makes a fresh copy if one is still needed)",
                        )
                    )
            elif suffix in NOT_READ:
                found.append(Ignored(path, display_path(path, base), "format", NOT_READ[suffix]))
    return found


def deal_returns(settings: Settings, deal_id: str, playbook) -> Returns:  # type: ignore[no-untyped-def]
    """Issued, returned, missing and ignored questionnaires of one deal."""
    from dd_pipeline.intake import read_inputs
    from dd_pipeline.intake.questionnaire import sheet_plans

    folder = settings.deal_dir(deal_id)
    base = settings.inputs_dir.parent
    result = Returns(deal_id)
    drafts = folder / QUESTIONNAIRES
    if drafts.is_dir():
        for path in sorted(p for p in drafts.iterdir() if p.suffix.lower() == ".xlsx" and is_questionnaire(p)):
            try:
                summary = workbook_summary(path)
            except ValueError:
                continue
            if summary.respondent_id:
                result.issued.append(Issued(summary.respondent_id, summary.side, display_path(path, base)))
            else:
                result.blank.append(display_path(path, base))
    result.ignored = ignored_files(settings, deal_id)

    asked = sum(p.answer_cells for p in sheet_plans(playbook))
    inputs = read_inputs(settings, deal_id, playbook)
    own = display_path(folder, base) + "/"
    counts: dict[tuple[str, str, str], int] = {}
    profile: set[str] = set()
    for answer in inputs.intake.answers:
        if not answer.source_file.startswith(own):
            profile.add(answer.respondent_id)
            continue
        key = (answer.respondent_id, answer.respondent_side, answer.source_file)
        counts[key] = counts.get(key, 0) + 1
    result.returned = sorted(
        (Returned(r, side, n, asked, file) for (r, side, file), n in counts.items()),
        key=lambda r: (r.side, r.respondent_id, r.file),
    )
    result.home_profile = len(profile - {r.respondent_id for r in result.returned})
    result.unusable = sorted({p.file for p in inputs.intake.errors if p.file.startswith(own)})
    return result
