"""Storing and reading back mitigation matches, clauses and launch tasks."""

from __future__ import annotations

import json

import duckdb
import pandas as pd

from dd_pipeline.drafting.clauses import ClauseDraft
from dd_pipeline.drafting.launch_plan import PlanTask
from dd_pipeline.drafting.plan_files import PLAN_COLUMNS, plan_rows
from dd_pipeline.findings import finding_views
from dd_pipeline.matching import Match, MatchResult, matches_frame
from dd_pipeline.playbook import Playbook
from dd_pipeline.warehouse.connection import frame, replace_rows, transactions

GAPS_FOR_DRAFTING = """
SELECT g.dimension_id, g.dimension_name, g.band, g.severity, g.home_score, g.partner_score,
       g.scale_min, g.scale_max, g.overridden, g.computed_severity, g.computed_band, g.override_reason,
       g.override_author, g.override_date
FROM gaps g WHERE g.deal_id = ? ORDER BY g.dimension_id
"""


def deal_gaps(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    return frame(con, GAPS_FOR_DRAFTING, [deal_id])


def deal_evidence(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    return frame(
        con,
        "SELECT dimension_id, about_side, kind, observation, source, source_file, source_row "
        "FROM evidence WHERE deal_id = ? ORDER BY source_file, source_row",
        [deal_id],
    )


def deal_findings(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    return frame(con, "SELECT * FROM findings WHERE deal_id = ? ORDER BY rank", [deal_id])


def deal_scores_for_matching(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    return frame(
        con,
        "SELECT dimension_id, dimension_name, home_score, partner_score FROM gaps WHERE deal_id = ? "
        "ORDER BY dimension_id",
        [deal_id],
    )


def store_matches(con: duckdb.DuckDBPyConnection, deal_id: str, result: MatchResult) -> None:
    uncovered = pd.DataFrame(
        [
            (deal_id, f.dimension_id, f.band.value if f.band else None, f.severity, f.finding_id, f.kind.value, f.side)
            for f in result.uncovered
        ],
        columns=["deal_id", "dimension_id", "band", "severity", "finding_id", "kind", "side"],
    )
    for attempt in transactions(con):
        with attempt:
            replace_rows(con, "mitigation_matches", deal_id, matches_frame(deal_id, result))
            replace_rows(con, "uncovered_gaps", deal_id, uncovered)


def load_matches(con: duckdb.DuckDBPyConnection, deal_id: str, playbook: Playbook) -> MatchResult:
    """The matches stored by the mitigations step, rebuilt against the playbook."""
    rows = frame(con, "SELECT * FROM mitigation_matches WHERE deal_id = ? ORDER BY rank, position", [deal_id])
    by_id = {m.id: m for m in playbook.mitigations}
    matches: dict[str, Match] = {}
    for r in rows.itertuples():
        match = matches.get(r.mitigation_id)
        if match is None:
            match = Match(
                by_id[r.mitigation_id],
                r.status,
                rank=int(r.rank),
                worst_severity=float(r.worst_severity),
                dimensions=str(r.dimensions or "").split(),
                sides=set(str(r.sides or "").split()),
            )
            matches[r.mitigation_id] = match
        if isinstance(r.finding_id, str):
            match.findings.append(r.finding_id)
        if r.reason:
            match.reasons.append(r.reason)
    views = {f.finding_id: f for f in finding_views(deal_findings(con, deal_id))}
    uncovered_ids = [
        r[0]
        for r in con.execute(
            "SELECT finding_id FROM uncovered_gaps WHERE deal_id = ? ORDER BY severity DESC, finding_id", [deal_id]
        ).fetchall()
    ]
    ordered = sorted(matches.values(), key=lambda m: m.rank)
    return MatchResult(ordered, [views[f] for f in uncovered_ids if f in views])


def store_clauses(con: duckdb.DuckDBPyConnection, deal_id: str, draft: ClauseDraft) -> None:
    drafted = pd.DataFrame(
        [
            (
                deal_id,
                c.number,
                c.clause.id,
                c.clause.title,
                c.text,
                "; ".join(c.reasons),
                " ".join(c.mitigations),
                " ".join(c.dimensions),
                json.dumps(c.parameters, sort_keys=True, default=str),
            )
            for c in draft.drafted
        ],
        columns=[
            "deal_id",
            "number",
            "clause_id",
            "title",
            "text",
            "reasons",
            "mitigations",
            "dimensions",
            "parameters_json",
        ],
    )
    problems = pd.DataFrame(
        [(deal_id, p.clause_id, p.title, p.parameter, p.message) for p in draft.problems],
        columns=["deal_id", "clause_id", "title", "parameter", "message"],
    )
    for attempt in transactions(con):
        with attempt:
            replace_rows(con, "clauses", deal_id, drafted)
            replace_rows(con, "clause_problems", deal_id, problems)


def store_plan(con: duckdb.DuckDBPyConnection, deal_id: str, tasks: list[PlanTask]) -> None:
    df = pd.DataFrame(plan_rows(tasks), columns=PLAN_COLUMNS)
    df = df.drop(columns=["workstream_name"]).rename(
        columns={"id": "task_id", "start_business_day": "start_business_day"}
    )
    df["milestone"] = df["milestone"] == "yes"
    df["milestone_day"] = pd.to_numeric(df["milestone_day"], errors="coerce").astype("Int64")
    df["start_date"] = pd.to_datetime(df["start_date"]).dt.date
    df["end_date"] = pd.to_datetime(df["end_date"]).dt.date
    df.insert(0, "deal_id", deal_id)
    for attempt in transactions(con):
        with attempt:
            replace_rows(con, "launch_tasks", deal_id, df)
