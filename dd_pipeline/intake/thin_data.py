"""Warnings for thin data: a side with few respondents, or answers to too few dimensions."""

from __future__ import annotations

from dd_pipeline.errors import InputProblem
from dd_pipeline.intake.records import DealIntake
from dd_pipeline.playbook import Playbook


def thin_data_warnings(intake: DealIntake, playbook: Playbook, shown: str) -> None:
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
