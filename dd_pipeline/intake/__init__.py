"""Reading deal folders and the home profile into validated records."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dd_pipeline.clean_team import clean_team_problems
from dd_pipeline.errors import InputProblem
from dd_pipeline.fingerprints import fingerprint
from dd_pipeline.intake.deal_folder import DealIntake, Intake, read_deal, read_home
from dd_pipeline.intake.tables import display_path
from dd_pipeline.models import DEAL_ID_PATTERN, HomeOrganization
from dd_pipeline.names import deal_ids
from dd_pipeline.playbook import Playbook
from dd_pipeline.settings import Settings

CHANGED_DURING_READ = "changed-during-read"

__all__ = ["DealInputs", "deal_ids", "fingerprint", "read_inputs"]


@dataclass
class DealInputs:
    deal_id: str
    home: HomeOrganization | None
    home_intake: Intake
    intake: DealIntake
    fingerprint: str

    @property
    def problems(self) -> list[InputProblem]:
        return [*self.home_intake.problems, *self.intake.problems]

    @property
    def errors(self) -> list[InputProblem]:
        return [p for p in self.problems if p.severity == "error"]


def read_inputs(settings: Settings, deal_id: str, playbook: Playbook) -> DealInputs:
    """Everything one deal's run reads from inputs/, with every problem found."""
    base = settings.inputs_dir.parent
    valid = bool(DEAL_ID_PATTERN.match(deal_id))
    before = fingerprint(settings.home_dir, settings.deal_dir(deal_id)) if valid else ""  # what is about to be parsed
    home, home_intake = read_home(settings.home_dir, base, playbook)
    if not DEAL_ID_PATTERN.match(deal_id) or "/" in deal_id or deal_id in (".", ".."):
        if Path(deal_id).name == deal_id and deal_id not in (".", ".."):
            # a folder in inputs/deals/ with an unusable name: the message says which folder to rename
            intake = read_deal(settings.deal_dir(deal_id), base, playbook, home_intake)
        else:
            intake = DealIntake()
            intake.problems.append(
                InputProblem(
                    "deal id",
                    None,
                    None,
                    repr(deal_id),
                    "is not a valid deal id: use lowercase letters, digits, '-' and '_'",
                )
            )
        return DealInputs(deal_id, home, home_intake, intake, "")
    deal_dir = settings.deal_dir(deal_id)
    if not deal_dir.is_dir():
        intake = DealIntake()
        intake.problems.append(
            InputProblem(
                str(deal_dir.relative_to(base)) if deal_dir.is_relative_to(base) else str(deal_dir),
                None,
                None,
                None,
                "does not exist: no deal folder with that id",
            )
        )
        return DealInputs(deal_id, home, home_intake, intake, "")
    intake = read_deal(deal_dir, base, playbook, home_intake)
    if intake.deal is not None and intake.deal.clean_team:
        intake.problems += clean_team_problems(settings, deal_id)  # a clean-team deal needs its own place
    from dd_pipeline.network.intake import read_network  # here: network.intake reads tables of this package

    # people.csv, contacts.csv and the questionnaires' contacts sheets (docs/network.md)
    network = read_network(deal_dir, base, intake.questionnaire_people(), intake.questionnaire_contacts())
    intake.network = network
    respondents = {a.respondent_id: (a.respondent_side, a.level) for a in intake.answers}
    intake.problems += network.problems + network.against_answers(respondents)
    after = fingerprint(settings.home_dir, deal_dir)
    if after != before:
        # A file changed while it was read: what was parsed matches neither hash. The run goes on with what it
        # read, and records a fingerprint no content has, so the next run reads the files again.
        intake.problems.append(
            InputProblem(
                display_path(deal_dir, base),
                None,
                None,
                None,
                "changed while it was being read; the next run reads it again",
                "warning",
            )
        )
        after = CHANGED_DURING_READ
    return DealInputs(deal_id, home, home_intake, intake, after)
