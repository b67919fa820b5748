"""`dd-pipeline share`: a deal's results packed for one audience (partner, legal or internal)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from dd_pipeline.commands.base import EXIT_INPUT, _escape, _load_playbook, _select_deals, _settings, app, err, out


class Audience(StrEnum):
    partner = "partner"
    legal = "legal"
    internal = "internal"


@app.command()
def share(
    deal: Annotated[str, typer.Option("--deal", "-d", help="The deal (its folder name).")],
    audience: Annotated[
        Audience,
        typer.Option(
            help="partner: joint findings, mitigations, clauses and plan, "
            "nothing that names or quotes home respondents; legal: the "
            "clauses with notes and the findings behind them; internal: "
            "everything."
        ),
    ],
) -> None:
    """Write outputs/<deal>/share/<audience>/: the deal's results for one audience, to send as it is."""
    from dd_pipeline.reporting.share import ShareError, write_pack
    from dd_pipeline.reruns import UP_TO_DATE, run_need
    from dd_pipeline.warehouse.connection import connect

    settings = _settings()
    playbook = _load_playbook(settings)
    _select_deals(settings, deal)
    need = run_need(settings, deal, playbook.fingerprint)
    if need.reason != UP_TO_DATE:
        why = "it has no answers yet" if need.waiting else need.reason
        err.print(
            f"[red]x[/] {deal}: nothing was shared: the outputs do not match the inputs ({why}); run it "
            f"first: dd-pipeline run --deal {deal}"
        )
        raise typer.Exit(EXIT_INPUT)
    try:
        with connect(settings.warehouse_path, read_only=True, lake=settings.lake) as con:
            pack = write_pack(con, settings, deal, audience.value)
    except ShareError as exc:
        err.print(f"[red]x[/] {deal}: nothing was shared: {_escape(str(exc))}")
        raise typer.Exit(EXIT_INPUT) from None
    run = f", from run {need.last_run.sequence}" if need.last_run else ""
    out.print(f"wrote {pack.folder} ({len(pack.files)} files{run})", soft_wrap=True, markup=False)
    for name in pack.files:
        out.print(f"  {name}", markup=False)
    if audience is Audience.partner:
        out.print("Nothing in it names or quotes a home respondent; evidence marked internal is left out.")
