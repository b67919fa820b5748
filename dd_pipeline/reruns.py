"""Which deals need a run: the one rule the command line, the sensor and the daily schedule share.

A deal needs a run when its inputs, the home profile, the playbook or the tool's own code changed since its
last successful run (judged by content hashes, not modification times), when its outputs were altered, or
when it never ran. A deal whose folder holds no answers yet is *waiting for answers*: it is shown as such,
never run (a run could only fail).

The last run is read from the deal's run.json, which the run writes after its snapshot is in the warehouse:
deciding never opens the warehouse, so the sensor cannot hold the file while a run writes it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from dd_pipeline.fingerprints import code_fingerprint, fingerprint, output_fingerprint
from dd_pipeline.settings import Settings

UP_TO_DATE = "unchanged since its last run"
WAITING = "waiting for answers"


@dataclass(frozen=True)
class LastRun:
    """What outputs/<deal>/run.json says about the deal's last successful run."""

    sequence: int
    recorded_at: str
    input_fingerprint: str
    playbook_fingerprint: str
    code_fingerprint: str
    output_fingerprint: str


@dataclass(frozen=True)
class RunNeed:
    deal_id: str
    needed: bool
    reason: str  # why it needs a run, UP_TO_DATE or WAITING
    state: str  # deal_state(): changes whenever anything the run reads changes
    last_run: LastRun | None = None

    @property
    def waiting(self) -> bool:
        return self.reason == WAITING


def deal_state(settings: Settings, deal_id: str, playbook_fp: str) -> str:
    """One hash of everything a deal's run reads: its folder, the home profile, the playbook, the code."""
    inputs = fingerprint(settings.home_dir, settings.deal_dir(deal_id))
    return hashlib.sha256(f"{inputs}:{playbook_fp}:{code_fingerprint()}".encode()).hexdigest()[:16]


def last_run(settings: Settings, deal_id: str) -> LastRun | None:
    from dd_pipeline.clean_team import CleanTeamRefused

    try:
        path = settings.deal_outputs(deal_id) / "run.json"
    except CleanTeamRefused:
        return None  # a clean-team deal with no place for its outputs: its run is refused with the reason
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return LastRun(
            int(data["sequence"]),
            str(data.get("recorded_at") or ""),
            str(data["input_fingerprint"]),
            str(data["playbook_fingerprint"]),
            str(data["code_fingerprint"]),
            str(data["output_fingerprint"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def run_need(settings: Settings, deal_id: str, playbook_fp: str, force: bool = False) -> RunNeed:
    """Whether ``deal_id`` needs a run, and why; ``force`` reruns an unchanged deal (never a waiting one)."""
    state = deal_state(settings, deal_id, playbook_fp)
    previous = last_run(settings, deal_id)
    reason = _stale(settings, deal_id, playbook_fp, previous)
    if reason is None:
        return RunNeed(deal_id, force, "rerun asked for" if force else UP_TO_DATE, state, previous)
    if waiting_for_answers(settings, deal_id):
        return RunNeed(deal_id, False, WAITING, state, previous)
    return RunNeed(deal_id, True, reason, state, previous)


def run_needs(settings: Settings, deal_ids: list[str], playbook_fp: str, force: bool = False) -> list[RunNeed]:
    return [run_need(settings, deal_id, playbook_fp, force) for deal_id in deal_ids]


def unchanged_deals(settings: Settings, deal_ids: list[str], playbook_fp: str) -> list[str]:
    """Deals whose last successful run read exactly the current inputs and whose outputs are untouched."""
    return [n.deal_id for n in run_needs(settings, deal_ids, playbook_fp) if n.reason == UP_TO_DATE]


def _stale(settings: Settings, deal_id: str, playbook_fp: str, previous: LastRun | None) -> str | None:
    """Why the last run no longer stands for the deal, or None when it does."""
    if previous is None:
        return "it has not run yet"
    if not settings.has_warehouse:
        return "the warehouse is missing"
    if previous.input_fingerprint != fingerprint(settings.home_dir, settings.deal_dir(deal_id)):
        return "its inputs changed"
    if previous.playbook_fingerprint != playbook_fp:
        return "the playbook changed"
    if previous.code_fingerprint != code_fingerprint():
        return "dd-pipeline was updated"
    if previous.output_fingerprint != output_fingerprint(settings.deal_outputs(deal_id)):
        return "its outputs were changed by hand"
    return None


def waiting_for_answers(settings: Settings, deal_id: str) -> bool:
    """True when the deal folder holds no answer at all yet: no answers table, and every workbook in it
    is a questionnaire nobody has filled in. (Files that cannot be read are problems, not a wait.)"""
    from dd_pipeline.intake.workbook import is_answers_table, is_questionnaire, response_files

    folder = settings.deal_dir(deal_id)
    if not folder.is_dir():
        return False
    for path in response_files(folder):
        if is_answers_table(path) or not is_questionnaire(path) or questionnaire_has_answers(path):
            return False
    return True


def questionnaire_has_answers(path: Path) -> bool:
    """Whether any answer cell of a questionnaire workbook is filled (read without checking the layout)."""
    from dd_pipeline.intake.workbook import filled_answer_cells

    try:
        return filled_answer_cells(path)[0] > 0
    except Exception:  # noqa: BLE001 - a workbook that cannot be read is reported by the intake, not here
        return True
