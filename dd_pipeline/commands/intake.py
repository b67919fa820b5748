"""Starting a deal and sending questionnaires: `dd-pipeline init-deal` and `dd-pipeline questionnaire`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

from dd_pipeline.commands.base import EXIT_INPUT, _load_playbook, _print_problems, _settings, app, out
from dd_pipeline.errors import InputProblem, ProblemList
from dd_pipeline.names import DEAL_ID_PATTERN, Side
from dd_pipeline.settings import Settings

EFFECTIVE_AFTER_DAYS = 60
PLACEHOLDER_NAME = "To be named"
RESPONDENT_ID_RULE = "letters, digits, '.', '-' or '_', at most 40, starting with a letter or digit"


def _fail(title: str, problems: list[InputProblem]) -> typer.Exit:
    _print_problems(problems, title)
    return typer.Exit(EXIT_INPUT)


def _shown(settings: Settings, path: Path) -> str:
    from dd_pipeline.intake.tables import display_path

    return display_path(path, settings.inputs_dir.parent)


def _home(settings: Settings):  # type: ignore[no-untyped-def]
    """The home organization from inputs/home/organization.yaml; exits with the problems when unusable."""
    from dd_pipeline.models import HomeOrganization
    from dd_pipeline.playbook import parse_model, read_yaml

    path = settings.home_dir / "organization.yaml"
    if not path.is_file():
        raise _fail(
            "The home organization is not described",
            [
                InputProblem(
                    _shown(settings, path),
                    None,
                    None,
                    None,
                    "is missing: describe your organization there (name, short_name, divisions)",
                )
            ],
        )
    try:
        return parse_model(HomeOrganization, read_yaml(path, settings.inputs_dir), path, settings.inputs_dir)
    except ProblemList as exc:
        raise _fail("The home organization cannot be read", exc.problems) from None


def _date(value: str | None, option: str, default: dt.date) -> dt.date:
    if value is None:
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _fail(
            "Nothing was created",
            [
                InputProblem(
                    option, None, None, repr(value), "is not a date; expected YYYY-MM-DD, for example 2027-03-01"
                )
            ],
        ) from None


def _deal_problem(error: Mapping[str, Any]) -> InputProblem:
    """One of pydantic's complaints about the new deal, in the words of the other input messages."""
    from dd_pipeline.errors import plain_validation_message

    field = ".".join(str(p) for p in error["loc"]) or None
    given = error.get("input")
    value = given.isoformat() if isinstance(given, dt.date) else repr(given) if isinstance(given, str) else None
    message = (
        plain_validation_message(error)
        if error.get("type") != "value_error"
        else str(error["msg"]).removeprefix("Value error, ")
    )
    return InputProblem("deal", None, field, value, message)


@app.command("init-deal")
def init_deal(
    deal_id: Annotated[str, typer.Argument(help="Short name of the deal and its folder, e.g. acme-codev.")],
    partner: Annotated[str, typer.Option("--partner", help="The partner's full legal name.")],
    alliance_type: Annotated[str, typer.Option("--type", help="Alliance type, e.g. co_development.")],
    partner_short: Annotated[str | None, typer.Option("--partner-short", help="Short partner name.")] = None,
    description: Annotated[str, typer.Option(help="What the alliance is meant to do.")] = "",
    term_sheet_date: Annotated[str | None, typer.Option(help="YYYY-MM-DD; default today.")] = None,
    effective_date: Annotated[
        str | None, typer.Option(help=f"YYYY-MM-DD; default {EFFECTIVE_AFTER_DAYS} days after the term sheet date.")
    ] = None,
    partner_manager: Annotated[str, typer.Option(help="The partner's alliance manager.")] = PLACEHOLDER_NAME,
    partner_manager_role: Annotated[str, typer.Option(help="Their role.")] = "Alliance Manager",
    home_manager: Annotated[
        str | None, typer.Option(help="Your alliance manager; default the one in inputs/home/organization.yaml.")
    ] = None,
    home_manager_role: Annotated[str | None, typer.Option(help="Their role.")] = None,
) -> None:
    """Create inputs/deals/<deal_id>/ with a commented deal.yaml and blank questionnaires for both sides."""
    from pydantic import ValidationError

    from dd_pipeline.intake.new_deal import create_deal_folder
    from dd_pipeline.intake.questionnaire import minutes_for, sheet_plans
    from dd_pipeline.models import Deal, Person

    settings = _settings()
    playbook = _load_playbook(settings)
    if not DEAL_ID_PATTERN.match(deal_id):
        raise _fail(
            "Nothing was created",
            [
                InputProblem(
                    "deal id",
                    None,
                    None,
                    repr(deal_id),
                    "is not valid: use 1-63 lowercase letters, digits, '-' or '_', starting with a letter or digit",
                )
            ],
        )
    kind = alliance_type.strip().lower().replace("-", "_").replace(" ", "_")
    if kind not in playbook.alliance_type_ids:
        raise _fail(
            "Nothing was created",
            [
                InputProblem(
                    "--type",
                    None,
                    None,
                    repr(alliance_type),
                    "is not an alliance type; expected one of " + ", ".join(playbook.alliance_type_ids),
                )
            ],
        )
    blank = [
        o
        for o, v in (
            ("--partner-manager", partner_manager),
            ("--partner-manager-role", partner_manager_role),
            ("--home-manager", home_manager),
            ("--home-manager-role", home_manager_role),
        )
        if v is not None and not v.strip()
    ]
    if blank:
        raise _fail(
            "Nothing was created",
            [InputProblem(o, None, None, None, "is empty; give a name or leave it out") for o in blank],
        )
    home = _home(settings)
    signed = _date(term_sheet_date, "--term-sheet-date", dt.date.today())
    starts = _date(effective_date, "--effective-date", signed + dt.timedelta(days=EFFECTIVE_AFTER_DAYS))
    own_manager = home.alliance_manager or Person(name=PLACEHOLDER_NAME, role="Alliance Manager")
    try:
        deal = Deal(
            deal_id=deal_id,
            partner=partner.strip(),
            partner_short_name=(partner_short or "").strip() or None,
            alliance_type=kind,
            description=description.strip(),
            term_sheet_date=signed,
            effective_date=starts,
            home_alliance_manager=Person(
                name=home_manager or own_manager.name,
                role=home_manager_role or own_manager.role,
                email=None if home_manager else own_manager.email,
            ),
            partner_alliance_manager=Person(name=partner_manager, role=partner_manager_role),
        )
    except ValidationError as exc:
        raise _fail("Nothing was created", [_deal_problem(e) for e in exc.errors()]) from None

    target = settings.deal_dir(deal_id)
    try:
        written = create_deal_folder(settings.deals_dir, deal, home, playbook, _shown(settings, target) + "/")
    except ProblemList as exc:
        raise _fail("Nothing was created", exc.problems) from None

    cells = sum(p.answer_cells for p in sheet_plans(playbook))
    out.print(f"Created {_shown(settings, target)}/")
    out.print(f"  {_shown(settings, written[0])}")
    for path, side in zip(written[1:], Side, strict=True):
        who = home.short_name if side is Side.home else deal.partner_label
        out.print(f"  {_shown(settings, path)}  (blank, for {who} respondents; about {minutes_for(cells)} minutes)")
    placeholders = [
        k
        for k, p in (
            ("home_alliance_manager", deal.home_alliance_manager),
            ("partner_alliance_manager", deal.partner_alliance_manager),
        )
        if p.name == PLACEHOLDER_NAME
    ]
    folder = _shown(settings, target)
    out.print("\nNext:")
    out.print(
        f"  1. Check {folder}/deal.yaml"
        + (f"; name the {' and '.join(placeholders)} (now '{PLACEHOLDER_NAME}')" if placeholders else "")
        + "."
    )
    out.print(
        f"  2. Send {deal_id}_home.xlsx to each respondent at {home.short_name} and {deal_id}_partner.xlsx "
        f"to each at {deal.partner_label},"
    )
    out.print(
        f"     or make personal copies: dd-pipeline questionnaire --deal {deal_id} --side partner "
        "--respondent P01 --respondent P02"
    )
    out.print(f"  3. Save each filled workbook in {folder}/ (one file per person, any name ending in .xlsx).")
    out.print(f"  4. dd-pipeline validate --deal {deal_id}")
    out.print(f"  5. dd-pipeline run --deal {deal_id}")


@app.command("questionnaire")
def questionnaire(
    deal: Annotated[str, typer.Option("--deal", "-d", help="The deal (its folder name).")],
    side: Annotated[Side | None, typer.Option(help="Only this side; default both.")] = None,
    respondent: Annotated[
        list[str] | None,
        typer.Option("--respondent", "-r", help="A respondent id to prefill; repeat for several (needs --side)."),
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Folder to write into; default inputs/deals/<deal>/questionnaires/.")
    ] = None,
) -> None:
    """Write questionnaire workbooks (XLSX) for a deal: one per respondent, or one blank per side."""
    from dd_pipeline.intake.new_deal import QUESTIONNAIRES
    from dd_pipeline.intake.questionnaire import (
        minutes_for,
        questionnaire_filename,
        questionnaire_xlsx,
        sheet_plans,
    )
    from dd_pipeline.intake.questionnaire_extra_sheets import deal_roster
    from dd_pipeline.intake.workbook import RESPONDENT_ID
    from dd_pipeline.models import Deal
    from dd_pipeline.outputs import atomic_write_bytes
    from dd_pipeline.playbook import parse_model, read_yaml

    settings = _settings()
    playbook = _load_playbook(settings)
    if not DEAL_ID_PATTERN.match(deal):
        raise _fail(
            "No questionnaire was written",
            [
                InputProblem(
                    "--deal",
                    None,
                    None,
                    repr(deal),
                    "is not a valid deal id: use lowercase letters, digits, '-' and '_'",
                )
            ],
        )
    folder = settings.deal_dir(deal)
    deal_path = folder / "deal.yaml"
    if not deal_path.is_file():
        raise _fail(
            "No questionnaire was written",
            [
                InputProblem(
                    _shown(settings, deal_path),
                    None,
                    None,
                    None,
                    f"is missing: create the deal first with dd-pipeline init-deal {deal} --partner ... --type ...",
                )
            ],
        )
    ids = list(dict.fromkeys(r.strip() for r in respondent or []))
    bad = [r for r in ids if not RESPONDENT_ID.match(r)]
    if bad:
        raise _fail(
            "No questionnaire was written",
            [
                InputProblem("--respondent", None, None, repr(r), f"is not a respondent id; use {RESPONDENT_ID_RULE}")
                for r in bad
            ],
        )
    if ids and side is None:
        raise _fail(
            "No questionnaire was written",
            [
                InputProblem(
                    "--respondent",
                    None,
                    None,
                    None,
                    "needs --side home or --side partner: say which organization these respondents work for",
                )
            ],
        )
    try:
        the_deal = parse_model(Deal, read_yaml(deal_path, settings.inputs_dir), deal_path, settings.inputs_dir)
    except ProblemList as exc:
        raise _fail(f"{_shown(settings, deal_path)} cannot be used", exc.problems) from None
    home = _home(settings)

    target = out_dir or folder / QUESTIONNAIRES
    cells = sum(p.answer_cells for p in sheet_plans(playbook))
    questions = sum(len(p.dimensions) for p in sheet_plans(playbook))
    respondents: list[str | None] = [*ids] if ids else [None]
    jobs = [(s, r) for s in ([side] if side else list(Side)) for r in respondents]
    roster = deal_roster(folder)  # people.csv: the people the contacts sheet offers in its dropdown
    for s, r in jobs:
        path = target / questionnaire_filename(deal, s, r)
        atomic_write_bytes(path, questionnaire_xlsx(playbook, the_deal, home, s, r, roster))
        who = home.short_name if s is Side.home else the_deal.partner_label
        out.print(f"wrote {_shown(settings, path)}  ({who}{', respondent ' + r if r else ', blank'})")
    out.print(
        f"Each has {questions} questions and {cells} answers: about {minutes_for(cells)} minutes. "
        f"Filled workbooks go back into {_shown(settings, folder)}/ (one file per person)."
    )
