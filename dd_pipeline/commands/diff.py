"""`dd-pipeline diff`: what changed between any two recorded runs of a deal, in the words of changes.md."""

from __future__ import annotations

from typing import Annotated

import typer

from dd_pipeline.commands.base import EXIT_INPUT, _select_deals, _settings, app, err, out


@app.command()
def diff(
    deal: Annotated[str, typer.Option("--deal", "-d", help="The deal (its folder name).")],
    older: Annotated[
        int | None, typer.Option("--from", help="The earlier run's number; default the one before --to.")
    ] = None,
    newer: Annotated[int | None, typer.Option("--to", help="The later run's number; default the latest.")] = None,
) -> None:
    """What changed between two runs of a deal: inputs, findings, mitigations, clauses and launch tasks."""
    from dd_pipeline.reporting.changes import compare_runs, render, run_ids
    from dd_pipeline.warehouse.connection import connect
    from dd_pipeline.warehouse.history_reads import run_times

    settings = _settings()
    _select_deals(settings, deal)
    if not settings.has_warehouse:
        err.print(
            f"[red]x[/] {deal} has no recorded runs yet (no warehouse in {settings.outputs_dir}); "
            f"run it first: dd-pipeline run --deal {deal}"
        )
        raise typer.Exit(EXIT_INPUT)
    with connect(settings.warehouse_path, read_only=True, lake=settings.lake) as con:
        runs = run_ids(con, deal)
        if not runs:
            err.print(f"[red]x[/] {deal} has no recorded runs yet; run it first: dd-pipeline run --deal {deal}")
            raise typer.Exit(EXIT_INPUT)
        known = f"runs 1 to {max(runs)}" if len(runs) > 1 else "only run 1"
        to = newer if newer is not None else max(runs)
        start = older if older is not None else to - 1
        for option, number in (("--to", to), ("--from", start)):
            if number not in runs:
                if option == "--from" and older is None:
                    out.print(f"{deal}: run {to} is the first run; there is no earlier run to compare it with")
                    return
                err.print(f"[red]x[/] {option} {number}: {deal} has no run {number} ({known} are recorded)")
                raise typer.Exit(EXIT_INPUT)
        when = run_times(con, deal)
        report = render(compare_runs(con, deal, start, to))
    out.print(
        f"{deal}: run {start} ({when[start]:%Y-%m-%d %H:%M} UTC) -> run {to} ({when[to]:%Y-%m-%d %H:%M} UTC)",
        markup=False,
    )
    if to != start + 1:
        report = report.replace("No change since the previous run.", f"No change between run {start} and run {to}.")
    out.print(report.rstrip("\n"), markup=False, highlight=False, soft_wrap=True)
