"""A new deal folder: a commented deal.yaml and blank questionnaires for both sides.

Every value is written with yaml.safe_dump, so a partner name with quotes, colons or a leading '#' stays
valid YAML; the text is parsed back and compared with the deal before anything is written.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import textwrap
from pathlib import Path

import yaml

from dd_pipeline.errors import InputProblem, ProblemList
from dd_pipeline.intake.questionnaire import questionnaire_filename, questionnaire_xlsx
from dd_pipeline.models import Deal, Governance, HomeOrganization, Side
from dd_pipeline.playbook import Playbook

QUESTIONNAIRES = "questionnaires"
_UMASK = os.umask(0)
os.umask(_UMASK)


def _field(key: str, value: object) -> str:
    return yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False, width=100)


def _comment(text: str) -> str:
    """``text`` as YAML comment lines of at most 102 characters."""
    return "".join(f"# {line}\n" for line in textwrap.wrap(text, width=100))


def deal_yaml_text(deal: Deal, playbook: Playbook) -> str:
    """deal.yaml for ``deal``, with a comment above every key saying what it is for. A deal made without a
    governance block gets the playbook's (assets/framework/governance.yaml)."""
    context = playbook.governance.context()
    if "governance" not in deal.model_fields_set:
        deal = deal.model_copy(update={"governance": Governance.model_validate({}, context=context)})
    data = deal.model_dump(exclude_none=True)
    types = ", ".join(playbook.alliance_type_ids)
    governance = data["governance"]
    parts = [
        "# One prospective alliance. Lines starting with '#' are explanations; the tool ignores them.\n"
        "# Check every value below, then send the questionnaires in questionnaires/ to the respondents.\n\n",
        "# deal_id: the name of this folder (lowercase letters, digits, '-' and '_').\n",
        _field("deal_id", data["deal_id"]),
        "\n# partner: the partner's full legal name, as it should appear in draft contract clauses.\n",
        _field("partner", data["partner"]),
        "# partner_short_name: the name used in reports, tables and the questionnaires (optional).\n",
        _field("partner_short_name", data["partner_short_name"])
        if "partner_short_name" in data
        else "# partner_short_name: Example\n",
        f"\n# alliance_type: one of {types}.\n"
        "# It changes how much each dimension counts and which standard clauses are drafted.\n",
        _field("alliance_type", data["alliance_type"]),
        "\n# description: a few sentences on what the alliance is meant to do; shown at the top of the report.\n",
        _field("description", data["description"]),
        "\n# term_sheet_date: the day the term sheet was signed (YYYY-MM-DD). Due diligence starts here.\n",
        _field("term_sheet_date", data["term_sheet_date"]),
        "# effective_date: the day the agreement takes effect (YYYY-MM-DD); day 0 of the 100-day launch plan.\n"
        "# Must not be earlier than the term sheet date.\n",
        _field("effective_date", data["effective_date"]),
        "\n# home_alliance_manager / partner_alliance_manager: the two people who will run the alliance day to\n"
        "# day; they own the launch plan. The email is optional.\n",
        _field("home_alliance_manager", data["home_alliance_manager"]),
        _field("partner_alliance_manager", data["partner_alliance_manager"]),
        "\n# deal_team: the people on your side who negotiate the deal (name, role, optional email); the\n"
        "# report and the launch plan assign work to them by role.\n",
        _field("deal_team", data["deal_team"]),
        "\n"
        + _comment(
            "governance: how the alliance will be steered; these names and numbers go into the draft governance "
            f"and escalation clauses. Cadences: {', '.join(playbook.governance.cadences)}. escalation_days: "
            "business days allowed at each step of escalation, first step first (one to five steps, each 1 to "
            "90 days). meeting_time (HH:MM), meeting_minutes and meeting_timezone (such as Europe/Berlin; "
            "default: the home organization's timezone, else UTC) place the committee meetings in the launch "
            "plan calendar."
        ),
        _field("governance", governance),
        "\n# clause_parameters: values that go straight into the draft clauses and override everything else.\n"
        "# Some have no default and legal must set them, such as governing_law; the run names any missing:\n"
        "#   clause_parameters:\n"
        '#     governing_law: "the laws of the State of Delaware"\n',
        _field("clause_parameters", data["clause_parameters"]),
        "\n# holiday_calendar: whose public holidays the launch plan skips: a country code (US), a country and\n"
        "# region (DE-BY, GB-SCT) or none. Default: the home organization's country.\n",
        _field("holiday_calendar", data["holiday_calendar"])
        if "holiday_calendar" in data
        else "# holiday_calendar: US\n",
        "# page_size: A4 or Letter for the Word and Excel files. Default: Letter where the home organization's\n"
        "# country uses it, else A4.\n",
        _field("page_size", data["page_size"]) if "page_size" in data else "# page_size: A4\n",
    ]
    text = "".join(parts)
    parsed = Deal.model_validate(yaml.safe_load(text), context=context)
    if parsed != deal:  # a value that does not survive the round trip must never be written
        raise ValueError("deal.yaml would not read back as the deal it was written from")
    return text


def create_deal_folder(
    deals_dir: Path, deal: Deal, home: HomeOrganization, playbook: Playbook, shown: str
) -> list[Path]:
    """Write inputs/deals/<deal_id>/ (deal.yaml, questionnaires/<deal>_home.xlsx and _partner.xlsx).

    The folder appears whole or not at all (written beside it, then renamed). Raises ProblemList when a
    folder of that name exists already; nothing is changed then.
    """
    target = deals_dir / deal.deal_id
    if target.exists():
        raise ProblemList(
            [
                InputProblem(
                    shown,
                    None,
                    None,
                    None,
                    "already exists; nothing was changed (choose another deal id, or edit the files in that folder)",
                )
            ]
        )
    deals_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{deal.deal_id}.", dir=deals_dir))
    try:
        (staging / "deal.yaml").write_text(deal_yaml_text(deal, playbook), encoding="utf-8")
        folder = staging / QUESTIONNAIRES
        folder.mkdir()
        for side in Side:
            data = questionnaire_xlsx(playbook, deal, home, side)
            (folder / questionnaire_filename(deal.deal_id, side)).write_bytes(data)
        os.chmod(staging, 0o777 & ~_UMASK)
        if target.exists():
            raise ProblemList([InputProblem(shown, None, None, None, "already exists; nothing was changed")])
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [target / "deal.yaml", *(target / QUESTIONNAIRES / questionnaire_filename(deal.deal_id, s) for s in Side)]
