"""What changed since the previous run of a deal: gaps, risk index, mitigations, clauses, launch tasks.

The report compares the deal's current tables with its latest snapshot in the history tables. It holds
no timestamps or run ids (those are in run.json), so two runs over the same inputs write the same report.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

from dd_pipeline.sanitize import markdown_text
from dd_pipeline.warehouse.connection import frame

OPEN_BANDS = ("moderate", "high", "critical")
BAND_RANK = {"low": 0, "moderate": 1, "high": 2, "critical": 3}


@dataclass
class Changes:
    deal_id: str
    partner: str
    first_run: bool
    risk: tuple[float | None, float | None, str | None, str | None] = (None, None, None, None)
    new_gaps: list[str] = field(default_factory=list)
    closed_gaps: list[str] = field(default_factory=list)
    worsened: list[str] = field(default_factory=list)
    improved: list[str] = field(default_factory=list)
    overrides: list[str] = field(default_factory=list)
    mitigations: list[str] = field(default_factory=list)
    clauses: list[str] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.new_gaps or self.closed_gaps or self.worsened or self.improved or self.overrides
                    or self.mitigations or self.clauses or self.tasks or self.risk[0] != self.risk[1])


def _num(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "-"
    return f"{float(value):.1f}"  # type: ignore[arg-type]


def _band(value: object) -> str:
    return value if isinstance(value, str) else "not scored"


def compare(con: duckdb.DuckDBPyConnection, deal_id: str) -> Changes:
    partner_row = con.execute("SELECT partner FROM deals WHERE deal_id = ?", [deal_id]).fetchone()
    previous = con.execute("SELECT run_id, risk_index, band FROM run_history WHERE deal_id = ? "
                           "ORDER BY sequence DESC LIMIT 1", [deal_id]).fetchone()
    changes = Changes(deal_id, partner_row[0] if partner_row else deal_id, previous is None)
    if previous is None:
        return changes
    run_id = previous[0]
    now = con.execute("SELECT risk_index, band FROM deal_scores WHERE deal_id = ?", [deal_id]).fetchone()
    changes.risk = (previous[1], now[0] if now else None, previous[2], now[1] if now else None)
    _gaps(con, deal_id, run_id, changes)
    _mitigations(con, deal_id, run_id, changes)
    _clauses(con, deal_id, run_id, changes)
    _tasks(con, deal_id, run_id, changes)
    return changes


def _gaps(con: duckdb.DuckDBPyConnection, deal_id: str, run_id: str, changes: Changes) -> None:
    rows = frame(con, """
        SELECT g.dimension_id, g.dimension_name AS name, g.severity, g.band, g.home_score, g.partner_score,
               g.overridden, g.override_reason, g.override_author,
               h.severity AS old_severity, h.band AS old_band, h.home_score AS old_home,
               h.partner_score AS old_partner, h.overridden AS old_overridden
        FROM gaps g LEFT JOIN history_gaps h
               ON h.run_id = ? AND h.deal_id = g.deal_id AND h.dimension_id = g.dimension_id
        WHERE g.deal_id = ? ORDER BY g.severity DESC NULLS LAST, g.dimension_id""", [run_id, deal_id])
    for r in rows.itertuples():
        band, old = _band(r.band), _band(r.old_band)
        why = (f"{r.name}: {old} ({_num(r.old_severity)}) -> {band} ({_num(r.severity)}); home "
               f"{_num(r.old_home)} -> {_num(r.home_score)}, partner {_num(r.old_partner)} -> {_num(r.partner_score)}")
        if r.overridden is True:
            why += f"; overridden by {r.override_author}: {r.override_reason}"
        was_open, is_open = old in OPEN_BANDS, band in OPEN_BANDS
        if is_open and not was_open:
            changes.new_gaps.append(why)
        elif was_open and not is_open:
            changes.closed_gaps.append(why)
        elif is_open and BAND_RANK[band] > BAND_RANK[old]:
            changes.worsened.append(why)
        elif is_open and BAND_RANK[band] < BAND_RANK[old]:
            changes.improved.append(why)
        if bool(r.overridden is True) != bool(r.old_overridden is True):
            state = "now overridden" if r.overridden is True else "override removed"
            changes.overrides.append(f"{r.name}: {state}" + (f" ({r.override_reason})" if r.overridden is True
                                                             else ""))


def _mitigations(con: duckdb.DuckDBPyConnection, deal_id: str, run_id: str, changes: Changes) -> None:
    now = frame(con, """
        SELECT mitigation_id, min(status) AS status, string_agg(reason, '; ' ORDER BY dimension_id) AS reason
        FROM mitigation_matches WHERE deal_id = ? GROUP BY mitigation_id""", [deal_id]).set_index("mitigation_id")
    before = frame(con, "SELECT mitigation_id, status, dimensions FROM history_mitigations "
                        "WHERE run_id = ? AND deal_id = ?", [run_id, deal_id]).set_index("mitigation_id")
    for mid in sorted(set(now.index) - set(before.index)):
        changes.mitigations.append(f"added {mid} ({now.loc[mid, 'status']}): {now.loc[mid, 'reason']}")
    for mid in sorted(set(before.index) - set(now.index)):
        dims = before.loc[mid, "dimensions"] or "its triggers"
        changes.mitigations.append(f"dropped {mid}: the gaps that called for it ({dims}) no longer do")
    for mid in sorted(set(now.index) & set(before.index)):
        if now.loc[mid, "status"] != before.loc[mid, "status"]:
            changes.mitigations.append(f"{mid}: {before.loc[mid, 'status']} -> {now.loc[mid, 'status']}")


def _clauses(con: duckdb.DuckDBPyConnection, deal_id: str, run_id: str, changes: Changes) -> None:
    now = frame(con, "SELECT clause_id, title, sha256(text) AS sha, reasons FROM clauses WHERE deal_id = ?",
                [deal_id]).set_index("clause_id")
    before = frame(con, "SELECT clause_id, title, text_sha AS sha, reasons FROM history_clauses "
                        "WHERE run_id = ? AND deal_id = ?", [run_id, deal_id]).set_index("clause_id")
    for cid in sorted(set(now.index) - set(before.index)):
        changes.clauses.append(f"added '{now.loc[cid, 'title']}': {now.loc[cid, 'reasons']}")
    for cid in sorted(set(before.index) - set(now.index)):
        changes.clauses.append(f"dropped '{before.loc[cid, 'title']}': no longer called for (it was "
                               f"{before.loc[cid, 'reasons']})")
    for cid in sorted(set(now.index) & set(before.index)):
        if now.loc[cid, "sha"] != before.loc[cid, "sha"]:
            changes.clauses.append(f"reworded '{now.loc[cid, 'title']}' (its parameters or template changed)")


def _tasks(con: duckdb.DuckDBPyConnection, deal_id: str, run_id: str, changes: Changes) -> None:
    now = frame(con, "SELECT task_id, title, start_date, end_date, origin FROM launch_tasks WHERE deal_id = ? "
                     "AND kind = 'task'", [deal_id]).set_index("task_id")
    before = frame(con, "SELECT task_id, title, start_date, end_date, origin FROM history_tasks WHERE run_id = ? "
                        "AND deal_id = ? AND kind = 'task'", [run_id, deal_id]).set_index("task_id")
    for tid in sorted(set(now.index) - set(before.index)):
        changes.tasks.append(f"added '{now.loc[tid, 'title']}' ({_origin(now.loc[tid, 'origin'])}), "
                             f"{now.loc[tid, 'start_date']} to {now.loc[tid, 'end_date']}")
    for tid in sorted(set(before.index) - set(now.index)):
        changes.tasks.append(f"dropped '{before.loc[tid, 'title']}' ({_origin(before.loc[tid, 'origin'])}, "
                             "which no longer applies)")
    for tid in sorted(set(now.index) & set(before.index)):
        a, b = before.loc[tid], now.loc[tid]
        if (a.start_date, a.end_date) != (b.start_date, b.end_date):
            changes.tasks.append(f"moved '{b.title}': {a.start_date}..{a.end_date} -> {b.start_date}..{b.end_date}")


def _origin(origin: str) -> str:
    if origin.startswith("mitigation:"):
        return f"from mitigation {origin.split(':', 1)[1]}"
    return "from the launch-plan seed" if origin == "seed" else origin


def render(changes: Changes) -> str:
    lines = [f"# What changed: {changes.deal_id} ({markdown_text(changes.partner)})", ""]
    if changes.first_run:
        lines += ["First run of this deal: there is no earlier run to compare with. The next run will list "
                  "what changed.", ""]
        return "\n".join(lines)
    if not changes.any:
        lines += ["No change since the previous run.", ""]
        return "\n".join(lines)
    old_risk, new_risk, old_band, new_band = changes.risk
    lines += [f"Engagement-risk index: {_num(old_risk)} ({_band(old_band)}) -> {_num(new_risk)} ({_band(new_band)}).",
              ""]
    for title, items in (("New gaps", changes.new_gaps), ("Closed gaps", changes.closed_gaps),
                         ("Worsened gaps", changes.worsened), ("Improved gaps", changes.improved),
                         ("Overrides", changes.overrides), ("Mitigations", changes.mitigations),
                         ("Clauses", changes.clauses), ("Launch-plan tasks", changes.tasks)):
        if items:
            lines += [f"## {title}", ""] + [f"- {markdown_text(item)}" for item in items] + [""]
    return "\n".join(lines)


def changes_frame(changes: Changes) -> pd.DataFrame:
    """The same content as rows (section, text), for the dashboard."""
    rows = [(section, item) for section, items in (
        ("new gap", changes.new_gaps), ("closed gap", changes.closed_gaps), ("worsened", changes.worsened),
        ("improved", changes.improved), ("override", changes.overrides), ("mitigation", changes.mitigations),
        ("clause", changes.clauses), ("task", changes.tasks)) for item in items]
    return pd.DataFrame(rows, columns=["section", "change"])
