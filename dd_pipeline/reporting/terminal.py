"""What the command line prints after a run: the ranked findings of each deal."""

from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dd_pipeline.errors import InputProblem
from dd_pipeline.findings import KIND_LABELS, describe, party_names
from dd_pipeline.models import FindingKind
from dd_pipeline.settings import Settings
from dd_pipeline.warehouse.connection import connect
from dd_pipeline.warehouse.read_model import (
    clause_problems,
    deal_names,
    deal_score_summary,
    drafting_counts,
    quarantine_counts,
    ranked_findings,
    stored_problems,
)

BAND_STYLE = {"critical": "bold red", "high": "red", "moderate": "yellow", "low": "green"}


def _num(value: object, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "-"
    return f"{float(value):.{digits}f}"  # type: ignore[arg-type]


def styled(text: object, band: object) -> str:
    """``text`` escaped and coloured by band; plain when there is no band (e.g. nothing scored)."""
    style = BAND_STYLE.get(str(band), "") if isinstance(band, str) else ""
    return f"[{style}]{escape(str(text))}[/]" if style else escape(str(text))


def deal_report(console: Console, settings: Settings, deal_id: str, top: int, seconds: float) -> None:
    if settings.is_clean_team(deal_id):
        # The terminal of a run is shared across its deals: a clean-team deal's results stay in its folder.
        console.print()
        console.print(
            f"[bold]{escape(deal_id)}[/] - clean-team deal: done; its results are not shown here, only in "
            f"{escape(str(settings.deal_outputs(deal_id)))} [dim]({seconds:.1f} s)[/]",
            soft_wrap=True,
        )
        return
    with connect(settings.warehouse_path, read_only=True, lake=settings.lake) as con:
        names = deal_names(con, deal_id)
        score = deal_score_summary(con, deal_id)
        found = ranked_findings(con, deal_id, top)
        drafting = drafting_counts(con, deal_id)
        problems = clause_problems(con, deal_id)
    assert names is not None and score is not None
    band = score[1] or "not scored"
    parties = party_names(names.home_short, names.partner_short)
    console.print()
    console.print(
        f"[bold]{escape(deal_id)}[/] - {escape(names.partner)} ({escape(names.alliance_type)}): engagement-risk index "
        f"{styled(f'{_num(score[0])} {band}', score[1])}, {score[2]} critical and {score[3]} high findings, "
        f"{score[4]} of {score[5]} dimensions scored [dim]({seconds:.1f} s)[/]"
    )
    if found.empty:
        console.print("no findings: no dimension has answers from both organizations yet")
    else:
        table = Table(show_edge=False, pad_edge=False, header_style="bold")
        for name, justify in (
            ("#", "right"),
            ("finding", "left"),
            ("kind", "left"),
            (parties["home"], "right"),
            (parties["partner"], "right"),
            ("scale", "center"),
            ("severity", "right"),
            ("band", "left"),
            ("confidence", "right"),
        ):
            table.add_column(escape(name), justify=justify)  # type: ignore[arg-type]
        for r in found.itertuples():
            table.add_row(
                str(r.rank),
                escape(describe(r, parties)),
                KIND_LABELS[FindingKind(r.kind)],
                _num(r.home_score),
                _num(r.partner_score),
                "-" if pd.isna(r.scale_min) else f"{int(r.scale_min)}-{int(r.scale_max)}",  # network: no scale
                _num(r.severity),
                styled(r.band, r.band) + (" (overridden)" if r.overridden is True else ""),
                _num(r.confidence, 2),
            )
        console.print(table)
    if drafting:
        console.print(
            f"{drafting[0]} mitigations selected, {drafting[1]} high finding(s) uncovered; "
            f"{drafting[2]} clauses drafted; launch plan of {drafting[3]} tasks with {drafting[4]} "
            "milestones"
        )
    for clause_id, message in problems:
        console.print(f"[yellow]![/] clause {escape(clause_id)} not drafted: {escape(message)}")
    console.print(f"[dim]outputs: {settings.deal_outputs(deal_id)}[/]")


def input_problems(settings: Settings, deal_id: str) -> list[InputProblem]:
    with connect(settings.warehouse_path, read_only=True, lake=settings.lake) as con:
        return stored_problems(con, deal_id)


def quarantined(settings: Settings, deal_ids: list[str]) -> tuple[int, int]:
    """(rows, whole files) the last read of these deals set aside in the quarantine table; a row of the
    home profile counts once however many deals read it."""
    if not deal_ids or not settings.has_warehouse:
        return 0, 0
    with connect(settings.warehouse_path, read_only=True, lake=settings.lake) as con:
        return quarantine_counts(con, deal_ids)


def quarantine_words(rows: int, files: int) -> str:
    """'3 rows and 1 file quarantined', or '' when nothing was set aside."""
    parts = [f"{rows} row{'s' if rows != 1 else ''}"] if rows else []
    parts += [f"{files} whole file{'s' if files != 1 else ''}"] if files else []
    return f"{' and '.join(parts)} quarantined" if parts else ""
