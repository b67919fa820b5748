"""From a deal folder to accepted inputs: read and stage, decide whether the deal is valid, accept it.

``validate_deal`` is the one place that decides "is this deal valid": the blocking asset check and
``dd-pipeline validate`` both ask it, so they cannot disagree.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import duckdb

from dd_pipeline.errors import InputProblem
from dd_pipeline.intake import DealInputs, read_inputs
from dd_pipeline.intake.tables import display_path
from dd_pipeline.models import Deal
from dd_pipeline.playbook import Playbook
from dd_pipeline.quality.expectations import CheckOutcome
from dd_pipeline.quality.frames import frames_from_warehouse, input_outcomes, outcome_problems
from dd_pipeline.settings import Settings
from dd_pipeline.warehouse.read_model import AnswerCounts, answer_counts, stored_problems
from dd_pipeline.warehouse.store import pin_playbook, promote_deal, stage_deal


@dataclass(frozen=True)
class Ingested:
    """What one read of a deal folder and the home profile gave, as now staged in the warehouse."""

    inputs: DealInputs

    @property
    def problems(self) -> list[InputProblem]:
        return self.inputs.problems

    @property
    def errors(self) -> list[InputProblem]:
        return self.inputs.errors

    @property
    def warnings(self) -> list[InputProblem]:
        return [p for p in self.inputs.problems if p.severity == "warning"]


@dataclass(frozen=True)
class Validation:
    """The verdict on a deal's staged inputs: the input errors stored when they were read, and every
    blocking Great Expectations outcome on the staged rows."""

    input_errors: list[InputProblem]
    outcomes: list[CheckOutcome]
    where: str

    @property
    def failed(self) -> list[CheckOutcome]:
        return [o for o in self.outcomes if not o.passed and o.severity == "error"]

    @property
    def expectation_problems(self) -> list[InputProblem]:
        """The failed expectations as problems a user reads, placed in the deal's folder."""
        return [p for p in outcome_problems(self.outcomes, self.where) if p.severity == "error"]

    @property
    def problems(self) -> list[InputProblem]:
        return [*self.input_errors, *self.expectation_problems]

    @property
    def valid(self) -> bool:
        return not self.input_errors and not self.failed


def ingest_deal(con: duckdb.DuckDBPyConnection, settings: Settings, playbook: Playbook, deal_id: str) -> Ingested:
    """Read the deal folder and the home profile and stage every row, problem and quarantined row."""
    return stage_inputs(con, playbook, read_deal(settings, playbook, deal_id))


def read_deal(settings: Settings, playbook: Playbook, deal_id: str) -> DealInputs:
    """The first half of ingest_deal, without the warehouse: read and check the files (a step that holds the
    warehouse only while it writes calls the halves one after the other)."""
    return read_inputs(settings, deal_id, playbook)


def stage_inputs(con: duckdb.DuckDBPyConnection, playbook: Playbook, inputs: DealInputs) -> Ingested:
    """The second half of ingest_deal: stage what the read gave (the warehouse takes ``playbook`` first when
    it holds another one)."""
    pin_playbook(con, playbook)
    stage_deal(con, inputs.deal_id, inputs.intake, inputs.home, inputs.home_intake, inputs.fingerprint)
    return Ingested(inputs)


def validate_deal(con: duckdb.DuckDBPyConnection, playbook: Playbook, deal_id: str, where: str) -> Validation:
    """Is the staged deal valid? Its stored input errors, and the blocking expectation suites (deal, answers,
    respondents, evidence) over its staged rows. ``where`` names the deal's folder in the messages."""
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    errors = stored_problems(con, deal_id, "error")
    outcomes = input_outcomes(
        frames_from_warehouse(con, deal_id), list(playbook.dimension_by_id), playbook.alliance_type_ids
    )
    return Validation(errors, outcomes, where)


def deal_place(settings: Settings, deal_id: str) -> str:
    """The deal's folder as messages name it (relative to the project)."""
    return display_path(settings.deal_dir(deal_id), settings.inputs_dir.parent)


@dataclass(frozen=True)
class Accepted:
    deal: Deal
    counts: AnswerCounts


def accept_deal(con: duckdb.DuckDBPyConnection, deal_id: str) -> Accepted:
    """Promote the staged inputs of a valid deal to the accepted tables (deals, answers, evidence, overrides)."""
    deal = promote_deal(con, deal_id)
    return Accepted(deal, answer_counts(con, deal_id))
