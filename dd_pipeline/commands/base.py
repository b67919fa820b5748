"""What every dd-pipeline command shares: the Typer app, the consoles, exit codes and the deal selection.

The command modules (``dd_pipeline.cli`` and ``dd_pipeline.commands.*``) import from here and never from each
other, so the command line has no import cycle.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from dd_pipeline.errors import InputProblem, ProblemList
from dd_pipeline.settings import Settings, SettingsError

EXIT_INPUT = 2
EXIT_FAILURE = 1

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Engagement Model Due Diligence for strategic alliances: score the gaps between your organization "
    "and a prospective partner, and draft mitigations, clauses and a 100-day launch plan.",
)
# emoji=False: a value quoted in a message (":x:") is shown as typed, never as a picture.
out = Console(highlight=False, emoji=False)
if not out.is_terminal:
    out = Console(highlight=False, emoji=False, width=140)
err = Console(stderr=True, highlight=False, emoji=False, soft_wrap=True)

INTERRUPTED = "interrupted; the deals that finished are published, every other deal keeps its previous outputs"
DealOption = Annotated[str | None, typer.Option("--deal", "-d", help="Only this deal (its folder name).")]


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as exc:
        err.print(f"[red]x[/] {_escape(str(exc))}")
        raise typer.Exit(EXIT_INPUT) from None


def _print_problems(problems: list[InputProblem], title: str) -> None:
    problems = sorted(problems, key=lambda p: (p.file, p.row or 0, p.field or ""))  # file by file, row by row
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    if errors:
        err.print(f"[bold red]{title}: {len(errors)} problem{'s' if len(errors) != 1 else ''}[/]")
        for p in errors:
            err.print(f"  [red]x[/] {_escape(str(p))}")
    for p in warnings:
        err.print(f"  [yellow]![/] warning: {_escape(str(p))}")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _load_playbook(settings: Settings):  # type: ignore[no-untyped-def]
    from dd_pipeline.playbook import load_playbook

    try:
        return load_playbook(settings.assets_dir)
    except ProblemList as exc:
        _print_problems(exc.problems, "The playbook in assets/ cannot be used")
        err.print("Nothing was run; the outputs are unchanged.")
        raise typer.Exit(EXIT_INPUT) from None


def _select_deals(settings: Settings, deal: str | None) -> list[str]:
    from dd_pipeline.names import DEAL_ID_PATTERN, deal_ids

    if deal is not None:
        if not DEAL_ID_PATTERN.match(deal):
            err.print(
                f"[red]x[/] deal id {_escape(repr(deal))} is not valid: use lowercase letters, digits, "
                "'-' and '_' (the name of a folder in inputs/deals/)"
            )
            raise typer.Exit(EXIT_INPUT)
        if not settings.deal_dir(deal).is_dir():
            known = ", ".join(deal_ids(settings)) or "none"
            err.print(f"[red]x[/] no deal folder inputs/deals/{deal}/ (deals found: {known})")
            raise typer.Exit(EXIT_INPUT)
        return [deal]
    found = deal_ids(settings)
    if not found:
        err.print(f"[red]x[/] no deal folders in {settings.deals_dir}; create one with dd-pipeline init-deal")
        raise typer.Exit(EXIT_INPUT)
    return found
