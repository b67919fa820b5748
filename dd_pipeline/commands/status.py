"""`dd-pipeline status`: who has answered, what is not read, and whether a deal needs a run."""

from __future__ import annotations

from rich.table import Table

from dd_pipeline.commands.base import DealOption, _escape, _load_playbook, _select_deals, _settings, app, out


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else many or word + 's'}"


@app.command()
def status(deal: DealOption = None) -> None:
    """Per deal: questionnaires issued, returned and missing, files not read (and why), and the last run."""
    from dd_pipeline.intake.returns import deal_returns
    from dd_pipeline.reruns import UP_TO_DATE, run_need

    settings = _settings()
    playbook = _load_playbook(settings)
    for number, deal_id in enumerate(_select_deals(settings, deal)):
        if number:
            out.print()
        returns = deal_returns(settings, deal_id, playbook)
        out.print(f"[bold]{_escape(deal_id)}[/]")

        issued = len(returns.issued)
        out.print(
            f"Questionnaires issued: {_plural(issued, 'personal copy', 'personal copies')}"
            + (
                f", {_plural(len(returns.blank), 'blank copy', 'blank copies')} for anybody on a side"
                if returns.blank
                else ""
            )
        )
        if returns.returned:
            table = Table("respondent", "side", "answered", "file", title=None, show_edge=False, pad_edge=False)
            for r in returns.returned:
                table.add_row(
                    _escape(r.respondent_id), r.side, f"{r.share:.0%} ({r.answered} of {r.asked})", _escape(r.file)
                )
            out.print(f"Returned: {_plural(len(returns.returned), 'respondent')}")
            out.print(table)
        else:
            out.print("Returned: none yet")
        if returns.home_profile:
            out.print(f"  and {_plural(returns.home_profile, 'respondent')} of the home profile (inputs/home/)")
        missing = returns.missing
        if missing:
            table = Table("respondent", "side", "personal copy", show_edge=False, pad_edge=False)
            for m in missing:
                table.add_row(_escape(m.respondent_id), m.side, _escape(m.file))
            out.print(f"Missing: {_plural(len(missing), 'personal copy', 'personal copies')} not returned")
            out.print(table)
        elif issued:
            out.print("Missing: none (every personal copy came back)")
        if returns.ignored:
            table = Table("file", "why it is not read", show_edge=False, pad_edge=False)
            for i in returns.ignored:
                table.add_row(_escape(i.shown), _escape(i.reason))
            out.print(f"Not read: {_plural(len(returns.ignored), 'file')}")
            out.print(table)
        if returns.unusable:
            out.print(
                f"[red]Problems[/] in {_plural(len(returns.unusable), 'file')} ("
                + ", ".join(_escape(f) for f in returns.unusable)
                + f"): dd-pipeline validate --deal {deal_id} names them"
            )

        need = run_need(settings, deal_id, playbook.fingerprint)
        last = need.last_run
        when = f"run {last.sequence} at {last.recorded_at.replace('T', ' ').rstrip('Z')} UTC" if last else "never"
        if need.waiting:
            verdict = "waiting for answers"
        elif need.reason == UP_TO_DATE:
            verdict = "inputs unchanged since; outputs are up to date"
        else:
            verdict = f"needs a run: {need.reason} (dd-pipeline run --deal {deal_id})"
        out.print(f"Last run: {when}; {verdict}", soft_wrap=True)
