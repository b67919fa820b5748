"""What the command line prints after a run: the ranked findings of each deal."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dd_pipeline.errors import InputProblem
from dd_pipeline.findings import KIND_LABELS, describe, party_names
from dd_pipeline.models import FindingKind
from dd_pipeline.settings import Settings
from dd_pipeline.warehouse.connection import connect, frame

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
    with connect(settings.warehouse_path, read_only=True) as con:
        deal = con.execute("SELECT partner, alliance_type FROM deals WHERE deal_id = ?", [deal_id]).fetchone()
        score = con.execute(
            "SELECT risk_index, band, critical_gaps, high_gaps, dimensions_scored, "
            "dimensions_total FROM deal_scores WHERE deal_id = ?",
            [deal_id],
        ).fetchone()
        found = frame(
            con,
            """
            SELECT f.rank, f.kind, f.dimension_name, f.side, f.detail, f.category_id, f.home_score, f.partner_score,
                   d.scale_min, d.scale_max, f.severity, f.band, f.confidence, f.overridden
            FROM findings f JOIN playbook_dimensions d USING (dimension_id)
            WHERE f.deal_id = ? AND f.rank <= ? ORDER BY f.rank""",
            [deal_id, top],
        )
        names = con.execute("SELECT home_short, partner_short FROM deals WHERE deal_id = ?", [deal_id]).fetchone()
        drafting = con.execute(
            """
            SELECT (SELECT count(DISTINCT mitigation_id) FROM mitigation_matches
                    WHERE deal_id = $1 AND status = 'selected'),
                   (SELECT count(*) FROM uncovered_gaps WHERE deal_id = $1),
                   (SELECT count(*) FROM clauses WHERE deal_id = $1),
                   (SELECT count(*) FILTER (WHERE kind = 'task') FROM launch_tasks WHERE deal_id = $1),
                   (SELECT count(*) FILTER (WHERE milestone) FROM launch_tasks WHERE deal_id = $1)""",
            [deal_id],
        ).fetchone()
        clause_problems = con.execute(
            "SELECT clause_id, message FROM clause_problems WHERE deal_id = ? ORDER BY clause_id", [deal_id]
        ).fetchall()
    assert deal is not None and score is not None
    band = score[1] or "not scored"
    parties = party_names(*(names or ("home", "partner")))
    console.print()
    console.print(
        f"[bold]{escape(deal_id)}[/] - {escape(deal[0])} ({escape(deal[1])}): engagement-risk index "
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
                f"{int(r.scale_min)}-{int(r.scale_max)}",
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
    for clause_id, message in clause_problems:
        console.print(f"[yellow]![/] clause {escape(clause_id)} not drafted: {escape(message)}")
    console.print(f"[dim]outputs: {settings.deal_outputs(deal_id)}[/]")


def input_problems(settings: Settings, deal_id: str) -> list[InputProblem]:
    with connect(settings.warehouse_path, read_only=True) as con:
        rows = con.execute(
            "SELECT file, row_number, field, value, message, severity FROM input_problems "
            "WHERE deal_id = ? ORDER BY severity, file, row_number NULLS FIRST, field",
            [deal_id],
        ).fetchall()
    return [InputProblem(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]


def quarantined(settings: Settings, deal_ids: list[str]) -> tuple[int, int]:
    """(rows, whole files) the last read of these deals set aside in the quarantine table; a row of the
    home profile counts once however many deals read it."""
    if not deal_ids or not settings.warehouse_path.is_file():
        return 0, 0
    with connect(settings.warehouse_path, read_only=True) as con:
        row = con.execute(
            """
            SELECT count(DISTINCT (source_file, source_row)) FILTER (WHERE source_row IS NOT NULL),
                   count(DISTINCT source_file) FILTER (WHERE source_row IS NULL)
            FROM quarantine WHERE list_contains(?, deal_id)""",
            [deal_ids],
        ).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def quarantine_words(rows: int, files: int) -> str:
    """'3 rows and 1 file quarantined', or '' when nothing was set aside."""
    parts = [f"{rows} row{'s' if rows != 1 else ''}"] if rows else []
    parts += [f"{files} whole file{'s' if files != 1 else ''}"] if files else []
    return f"{' and '.join(parts)} quarantined" if parts else ""
