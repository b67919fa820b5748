"""`dd-pipeline maintain`: tidy the shared warehouse of a team instance (docs/deploy.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from dd_pipeline.commands.base import EXIT_INPUT, _escape, _settings, app, err, out


@app.command()
def maintain(
    keep_days: Annotated[
        int, typer.Option("--keep-days", min=0, help="Keep the warehouse's snapshots of the last this many days.")
    ] = 7,
) -> None:
    """Merge the shared warehouse's small data files and delete the ones no snapshot needs (run it nightly)."""
    settings = _settings()
    if settings.lake is None:
        err.print(
            "[red]x[/] maintain is for the shared warehouse of a team instance (DD_LAKE_CATALOG and DD_LAKE_DATA "
            "are not set); the embedded warehouse file needs no maintenance"
        )
        raise typer.Exit(EXIT_INPUT)
    from dd_pipeline.warehouse.connection import WarehouseRefused, connect
    from dd_pipeline.warehouse.lake import maintain as tidy

    try:
        with connect(settings.warehouse_path, lake=settings.lake) as con:
            done = tidy(con, keep_days)
    except WarehouseRefused as exc:
        err.print(f"[red]x[/] {_escape(str(exc))}")
        raise typer.Exit(1) from None
    out.print(", ".join(f"{count} {step}" for step, count in done.items()))
