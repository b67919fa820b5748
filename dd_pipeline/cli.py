"""The dd-pipeline command line. It parses arguments and calls the same functions the assets call."""

from __future__ import annotations

import os
import signal
import sys
from typing import Annotated

import typer

from dd_pipeline.commands.base import (
    EXIT_FAILURE,
    EXIT_INPUT,
    INTERRUPTED,
    DealOption,
    _escape,
    _load_playbook,
    _print_problems,
    _select_deals,
    _settings,
    app,
    err,
    out,
)
from dd_pipeline.errors import InputProblem
from dd_pipeline.settings import PROJECT_ROOT, Settings


@app.command()
def validate(deal: DealOption = None) -> None:
    """Check the playbook and the inputs without running the pipeline."""
    from dd_pipeline.use_cases import deal_place, ingest_deal, validate_deal
    from dd_pipeline.warehouse.connection import scratch

    settings = _settings()
    playbook = _load_playbook(settings)
    deals = _select_deals(settings, deal)
    bad = 0
    home_reported = False
    with scratch() as con:  # the same steps as a run, on a warehouse in memory: nothing is written
        for deal_id in deals:
            inputs = ingest_deal(con, settings, playbook, deal_id).inputs
            validation = validate_deal(con, playbook, deal_id, deal_place(settings, deal_id))
            problems = list(inputs.intake.problems if home_reported else inputs.problems)
            if home_reported and inputs.home_intake.errors:
                problems.append(
                    InputProblem(
                        "inputs/home", None, None, None, "has problems (listed above); every deal uses the home profile"
                    )
                )
            home_reported = True
            _warn_ignored(settings, [deal_id], skip=("empty",))  # the intake warns about empty workbooks itself
            if not validation.input_errors:
                problems += validation.expectation_problems
            if not validation.valid:
                bad += 1
            _print_problems(problems, deal_id)
            if validation.valid:
                out.print(
                    f"[green]ok[/] {deal_id}: {len(inputs.intake.answers)} answers, "
                    f"{len(inputs.intake.evidence)} evidence notes"
                )
    if bad:
        err.print(f"{bad} of {len(deals)} deal(s) have input problems; nothing was run.")
        raise typer.Exit(EXIT_INPUT)


@app.command()
def run(
    deal: DealOption = None,
    top: Annotated[int, typer.Option(help="Rows of the gap table to print per deal.")] = 10,
    force: Annotated[bool, typer.Option("--force", help="Rerun deals even when nothing changed.")] = False,
) -> None:
    """Run the pipeline for all deals (or one) and write outputs/<deal_id>/.

    A deal whose inputs, home profile, playbook and outputs are unchanged since its last run is skipped
    (use --force to rerun it anyway).
    """
    settings = _settings()
    if not force and _nothing_changed(settings, deal):
        return
    playbook = _load_playbook(settings)
    _check_warehouse(settings)
    selected = _select_deals(settings, deal)
    misnamed = _misnamed_deals(settings, selected, playbook)
    selected = [d for d in selected if d not in misnamed]
    from dd_pipeline.recovery import recover_outputs
    from dd_pipeline.reruns import run_needs

    recover_outputs(settings)  # before deciding what is up to date: a killed run may have been recorded
    needs = run_needs(settings, selected, playbook.fingerprint, force)
    _warn_ignored(settings, selected)
    unchanged = [n.deal_id for n in needs if not n.needed and not n.waiting]
    waiting = [n.deal_id for n in needs if n.waiting]
    for deal_id in unchanged:
        out.print(f"{deal_id}: unchanged since its last run; outputs are up to date (--force reruns it)")
    for deal_id in waiting:
        out.print(
            f"{deal_id}: waiting for answers: no filled questionnaire or answers file in "
            f"{_shown(settings, settings.deal_dir(deal_id))}/ yet; nothing to score "
            f"(dd-pipeline status --deal {deal_id} shows who has answered)",
            soft_wrap=True,
        )
    deals = [n.deal_id for n in needs if n.needed]
    if not deals and misnamed:
        err.print(f"{len(misnamed)} deal folder(s) blocked by input problems; nothing was run.")
        raise typer.Exit(EXIT_INPUT)
    if not deals:
        out.print(f"\nNothing {'to run' if waiting and not unchanged else 'changed'}. Outputs: {settings.outputs_dir}")
        _print_portfolio(settings)
        return

    from dd_pipeline.defs.runner import ensure_dagster_home, materialize_deals, open_instance

    instance = open_instance(ensure_dagster_home(PROJECT_ROOT / ".dagster_home"))
    total = len(deals)
    position = {d: i + 1 for i, d in enumerate(deals)}

    from dd_pipeline.reporting.terminal import deal_report, input_problems, quarantine_words, quarantined

    def progress(deal_id: str, message: str) -> None:
        """Called by the runner as it goes: a line when a deal starts, its results when it ends."""
        if not deal_id:
            out.print(f"[dim]{message}...[/]")
            return
        if message == "running":
            out.print(f"[{position[deal_id]}/{total}] {deal_id}: reading inputs, scoring, drafting...")
            return
        outcome = next(o for o in reversed(summary_so_far) if o.deal_id == deal_id) if summary_so_far else None
        if message == "done" and outcome:
            deal_report(out, settings, deal_id, top, outcome.seconds)
        elif message == "blocked":
            _print_problems(
                input_problems(settings, deal_id), f"{deal_id} was not scored; its previous outputs are unchanged"
            )
            set_aside = quarantine_words(*quarantined(settings, [deal_id]))
            if set_aside:
                err.print(f"  {set_aside} (kept with the reason in the warehouse table 'quarantine')")
        elif outcome:
            err.print(f"[red]x[/] {deal_id} failed: {_escape(outcome.failure)}; its previous outputs are unchanged")

    from dd_pipeline.defs.liveness import SlotWaitExpired

    summary_so_far: list = []
    try:
        with instance:  # the instance's own storages for Dagster while it loads and runs the definitions
            summary = materialize_deals(settings, deals, instance, progress, summary_so_far)
    except SlotWaitExpired as exc:
        reason = str(exc) or "the warehouse stayed in use by another run"
        err.print(
            f"[red]x[/] gave up: {_escape(reason)} (DD_SLOT_WAIT_SECONDS sets how long to wait); deals "
            "not yet run keep their previous outputs"
        )
        raise typer.Exit(EXIT_FAILURE) from None
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM (typer would end the command without a word)
        err.print(INTERRUPTED)
        raise typer.Exit(130) from None
    if not summary.playbook_ok:
        if summary.playbook_failure.startswith("The playbook in assets/"):
            err.print(f"[red]x[/] the playbook could not be loaded: {_escape(summary.playbook_failure)}")
            raise typer.Exit(EXIT_INPUT)
        err.print(
            f"[red]x[/] the run could not start: {_escape(summary.playbook_failure)}; nothing was run, "
            "the outputs are unchanged"
        )
        raise typer.Exit(EXIT_FAILURE)

    done = sum(d.status == "done" for d in summary.deals)
    blocked = sum(d.status == "blocked" for d in summary.deals) + len(misnamed)
    failed = sum(d.status == "failed" for d in summary.deals)
    set_aside = quarantine_words(*quarantined(settings, [d.deal_id for d in summary.deals]))
    line = f"{done} deal(s) done"
    if unchanged:
        line += f", {len(unchanged)} unchanged"
    if waiting:
        line += f", {len(waiting)} waiting for answers"
    if blocked:
        line += f", {blocked} blocked by input problems"
    if failed:
        line += f", {failed} failed"
    if set_aside:
        line += f"; {set_aside}"
    out.print(f"\n{line}. Outputs: {settings.outputs_dir}")
    if summary.portfolio_failure:
        err.print(f"[red]x[/] the portfolio page could not be written: {_escape(summary.portfolio_failure)}")
    _print_portfolio(settings)
    if failed:
        raise typer.Exit(EXIT_FAILURE)
    if blocked:
        raise typer.Exit(EXIT_INPUT)


def _nothing_changed(settings: Settings, deal: str | None) -> bool:
    """The quick answer of a rerun: when no killed run left files behind and every selected deal's last run
    read exactly the current inputs, playbook and code (content fingerprints, no parsing), say so and stop,
    without reading the playbook or opening the warehouse. Anything else (a changed or broken playbook, a deal
    waiting for answers, a folder that cannot be a deal) takes the full path, which reports it."""
    from dd_pipeline.fingerprints import playbook_fingerprint
    from dd_pipeline.names import DEAL_ID_PATTERN
    from dd_pipeline.publish import staged_runs
    from dd_pipeline.reruns import UP_TO_DATE, run_needs

    selected = _select_deals(settings, deal)
    if staged_runs(settings) or not all(DEAL_ID_PATTERN.match(d) for d in selected):
        return False
    needs = run_needs(settings, selected, playbook_fingerprint(settings.assets_dir))
    if any(n.reason != UP_TO_DATE for n in needs):
        return False
    _warn_ignored(settings, selected)
    for deal_id in selected:
        out.print(f"{deal_id}: unchanged since its last run; outputs are up to date (--force reruns it)")
    out.print(f"\nNothing changed. Outputs: {settings.outputs_dir}")
    _print_portfolio(settings)
    return True


def _check_warehouse(settings: Settings) -> None:
    """A file at the warehouse path that is not this tool's warehouse stops the run before anything is
    written (exit 2); a warehouse that cannot be written is the machine's problem (exit 1)."""
    from dd_pipeline.warehouse.connection import WarehouseRefused, WarehouseUnwritable, connect

    try:
        with connect(settings.warehouse_path, lake=settings.lake):
            pass
    except WarehouseRefused as exc:
        err.print(f"[red]x[/] {_escape(str(exc))}; nothing was run, the outputs are unchanged")
        raise typer.Exit(EXIT_FAILURE if isinstance(exc, WarehouseUnwritable) else EXIT_INPUT) from None


def _shown(settings: Settings, path) -> str:  # type: ignore[no-untyped-def]
    from dd_pipeline.intake.tables import display_path

    return display_path(path, settings.inputs_dir.parent)


def _warn_ignored(settings: Settings, deal_ids: list[str], skip: tuple[str, ...] = ()) -> None:
    """Warn about workbooks in the deal folders that are not read as answers (and why); ``skip`` leaves out
    kinds the caller reports otherwise."""
    from dd_pipeline.intake.returns import ignored_files

    for deal_id in deal_ids:
        for ignored in ignored_files(settings, deal_id):
            if ignored.kind in skip:
                continue
            err.print(f"  [yellow]![/] warning: {_escape(ignored.shown)}: {_escape(ignored.reason)}", soft_wrap=True)


def _misnamed_deals(settings: Settings, deal_ids: list[str], playbook) -> list[str]:  # type: ignore[no-untyped-def]
    """Folders in inputs/deals/ whose names cannot be deal ids: reported here, never run."""
    from dd_pipeline.intake import read_inputs
    from dd_pipeline.models import DEAL_ID_PATTERN

    misnamed = [d for d in deal_ids if not DEAL_ID_PATTERN.match(d)]
    for deal_id in misnamed:
        _print_problems(read_inputs(settings, deal_id, playbook).intake.problems, f"{deal_id} was not run")
    return misnamed


def _print_portfolio(settings: Settings) -> None:
    """The last line of a run: the portfolio page to open in a browser."""
    page = settings.outputs_dir / "index.html"
    if page.is_file():
        out.print(f"Portfolio: {page}", soft_wrap=True)


@app.command()
def schemas(
    check: Annotated[bool, typer.Option(help="Only check that schemas/ is up to date.")] = False,
) -> None:
    """Write the JSON Schema of every input and playbook file into schemas/."""
    from dd_pipeline.schemas import stale_schemas, write_schemas

    folder = PROJECT_ROOT / "schemas"
    if check:
        stale = stale_schemas(folder)
        if stale:
            err.print("[red]x[/] out of date: " + ", ".join(stale) + " (run dd-pipeline schemas)")
            raise typer.Exit(EXIT_FAILURE)
        out.print("schemas/ is up to date")
        return
    for path in write_schemas(folder):
        out.print(f"wrote {path.relative_to(PROJECT_ROOT)}")


def _load_commands() -> None:
    """Import the modules in dd_pipeline/commands/, which add their commands to ``app``."""
    import importlib
    import pkgutil

    import dd_pipeline.commands as commands

    for module in sorted(m.name for m in pkgutil.iter_modules(commands.__path__)):
        importlib.import_module(f"dd_pipeline.commands.{module}")


_load_commands()


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM ends a run as Ctrl-C does: the step being written is abandoned, published outputs stay."""
    raise KeyboardInterrupt


def main() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
    signal.signal(signal.SIGTERM, _terminate)
    try:
        app()
    except KeyboardInterrupt:
        err.print(INTERRUPTED)
        sys.exit(130)


if __name__ == "__main__":
    main()
