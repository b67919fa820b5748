"""The network tables of one deal (ddl.sql: network_people, network_ties, network_levels,
network_organizations, network_findings), replaced whole on every run, and the queries that read them."""

from __future__ import annotations

import dataclasses

import duckdb
import pandas as pd

from dd_pipeline.network.analysis import Network
from dd_pipeline.network.patterns import NetworkFinding
from dd_pipeline.network.rows import ContactRow, PersonRow
from dd_pipeline.warehouse.connection import frame, replace_rows, transactions

NETWORK_TABLES = ("network_people", "network_ties", "network_levels", "network_organizations", "network_findings")

PEOPLE_SQL = """
SELECT person_id, organization, level, function, alliance_role, status, surveyed, shown_as, degree,
       weighted_degree, betweenness, closeness, core, internal_ties, cross_ties, strong_internal, strong_cross,
       cross_weight, boundary_spanner, key_person
FROM network_people WHERE deal_id = ? ORDER BY organization, person_id
"""
TIES_SQL = """
SELECT person_a, person_b, organization_a, organization_b, weight, frequency, importance, close, reported_by,
       one_way, cross_firm, strong
FROM network_ties WHERE deal_id = ? ORDER BY person_a, person_b
"""
LEVELS_SQL = """
SELECT level, home_people, partner_people, ties, strong_ties, connected, pairs FROM network_levels
WHERE deal_id = ? ORDER BY CASE level WHEN 'executive' THEN 0 WHEN 'middle' THEN 1 ELSE 2 END
"""
ORGANIZATIONS_SQL = """
SELECT side, people, with_cross_ties, cross_ties, cross_weight, top_contact, top_share, centralized
FROM network_organizations WHERE deal_id = ? ORDER BY side
"""
FINDINGS_SQL = """
SELECT n.finding_id, coalesce(f.rank, 0) AS rank, n.pattern, n.subject, n.side, n.severity, n.band, n.title,
       n.detail, n.people, n.ties
FROM network_findings n LEFT JOIN findings f ON f.deal_id = n.deal_id AND f.finding_id = n.finding_id
WHERE n.deal_id = ? ORDER BY n.severity DESC, n.finding_id
"""


def accepted_network(con: duckdb.DuckDBPyConnection, deal_id: str) -> tuple[dict[str, PersonRow], list[ContactRow]]:
    """The people and reported ties accepted with the deal's answers (checked when they were read)."""
    from dd_pipeline.warehouse.read_model import read_rows

    people_columns = ("person_id", "organization", "level", "function", "alliance_role", "name", "named", "status")
    contact_columns = ("person_id", "contact_id", "contact_organization", "frequency", "importance", "close")
    people: dict[str, PersonRow] = {}
    for row in read_rows(con, "alliance_people", [deal_id]):
        person = PersonRow.model_validate({k: v for k, v in zip(people_columns, row, strict=True) if v is not None})
        people[person.person_id] = person
    contacts = [
        ContactRow.model_validate({k: v for k, v in zip(contact_columns, row, strict=True) if v is not None})
        for row in read_rows(con, "alliance_contacts", [deal_id])
    ]
    return people, contacts


def _frame(deal_id: str, rows: list[dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame([{"deal_id": deal_id, **r} for r in rows])


def store_network(
    con: duckdb.DuckDBPyConnection, deal_id: str, net: Network | None, findings: list[NetworkFinding]
) -> None:
    """Replace the deal's network rows (none when the deal has no people.csv)."""
    people: list[dict[str, object]] = []
    ties: list[dict[str, object]] = []
    levels: list[dict[str, object]] = []
    orgs: list[dict[str, object]] = []
    if net is not None:
        for pid, m in net.people.items():
            node = m.node
            row = {k: v for k, v in dataclasses.asdict(m).items() if k != "node"}
            people.append(
                {
                    "person_id": pid,
                    "organization": node.organization,
                    "level": node.level,
                    "function": node.function,
                    "alliance_role": node.alliance_role,
                    "status": node.status,
                    "surveyed": node.surveyed,
                    "shown_as": node.label,
                    **row,
                }
            )
        for t in net.ties:
            ties.append(
                {
                    "person_a": t.a,
                    "person_b": t.b,
                    "organization_a": net.nodes[t.a].organization,
                    "organization_b": net.nodes[t.b].organization,
                    "weight": t.weight,
                    "frequency": t.frequency,
                    "importance": t.importance,
                    "close": t.close,
                    "reported_by": t.reported_by,
                    "one_way": t.one_way,
                    "cross_firm": t.cross,
                    "strong": t.strong,
                }
            )
        levels = [{**dataclasses.asdict(link), "pairs": "; ".join(link.pairs)} for link in net.levels]
        orgs = [dataclasses.asdict(o) for o in net.orgs.values()]
    found = [
        {
            "finding_id": f.finding_id,
            "pattern": f.pattern,
            "subject": f.subject,
            "side": f.side,
            "severity": f.severity,
            "band": f.band,
            "title": f.title,
            "detail": f.detail,
            "people": f.people,
            "ties": f.ties,
        }
        for f in findings
    ]
    for attempt in transactions(con):
        with attempt:
            for table, rows in zip(NETWORK_TABLES, (people, ties, levels, orgs, found), strict=True):
                replace_rows(con, table, deal_id, _frame(deal_id, rows))


def network_frames(con: duckdb.DuckDBPyConnection, deal_id: str) -> dict[str, pd.DataFrame]:
    """people, ties, levels, organizations and findings of one deal (empty frames when it has no network)."""
    return {
        "people": frame(con, PEOPLE_SQL, [deal_id]),
        "ties": frame(con, TIES_SQL, [deal_id]),
        "levels": frame(con, LEVELS_SQL, [deal_id]),
        "organizations": frame(con, ORGANIZATIONS_SQL, [deal_id]),
        "findings": frame(con, FINDINGS_SQL, [deal_id]),
    }
