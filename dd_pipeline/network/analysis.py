"""The network of reported ties as a graph, and what it says about each person and each firm.

A tie is undirected: a tie named by both people counts once, with the stronger of the two reports; a tie
named by one of two surveyed people is kept and marked one-way. Its weight is the frequency weight times the
importance weight of network.yaml (plus ``close_bonus`` for a close tie). Betweenness and closeness count
steps along ties (not weights), so a person's place in the picture does not hang on how generously people
rated their contacts. Every number is rounded and every list sorted, so the same files give the same output.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from statistics import median

import networkx as nx

from dd_pipeline.network.config import NetworkConfig
from dd_pipeline.network.rows import ContactRow, PersonRow

LEVEL_RANK = {"operational": 1, "middle": 2, "executive": 3}
LEVELS = ("operational", "middle", "executive")
SIDES = ("home", "partner")
DIGITS = 4


@dataclass(frozen=True)
class Tie:
    a: str  # the two people, a < b
    b: str
    weight: float
    frequency: str
    importance: str
    close: bool
    reported_by: str  # "both", or the person_id of the one who named it
    one_way: bool  # named by only one of two surveyed people
    cross: bool  # between the two firms
    strong: bool


@dataclass(frozen=True)
class Node:
    person_id: str
    organization: str
    level: str | None  # None: a contact who is not on the roster ("not surveyed")
    function: str
    alliance_role: str | None
    status: str
    label: str
    surveyed: bool


@dataclass
class PersonMetrics:
    node: Node
    degree: int = 0
    weighted_degree: float = 0.0
    betweenness: float = 0.0
    closeness: float = 0.0
    core: bool = False
    internal_ties: int = 0
    cross_ties: int = 0
    strong_internal: int = 0
    strong_cross: int = 0
    cross_weight: float = 0.0
    boundary_spanner: bool = False
    key_person: bool = False


@dataclass
class OrgSummary:
    side: str
    people: int
    with_cross_ties: int
    cross_ties: int
    cross_weight: float
    top_contact: str | None
    top_share: float | None  # share of the firm's cross-firm tie weight through its top contact
    centralized: bool


@dataclass
class LevelLink:
    level: str
    home_people: int
    partner_people: int
    ties: int
    strong_ties: int
    connected: bool
    pairs: list[str] = field(default_factory=list)


@dataclass
class Network:
    nodes: dict[str, Node]
    ties: list[Tie]
    people: dict[str, PersonMetrics]
    orgs: dict[str, OrgSummary]
    levels: list[LevelLink]
    graph: nx.Graph


def tie_weight(frequency: str, importance: str, close: bool, config: NetworkConfig) -> float:
    weight = getattr(config.frequency, frequency) * getattr(config.importance, importance)
    return round(weight + (config.close_bonus if close else 0.0), DIGITS)


def _nodes(people: Mapping[str, PersonRow], contacts: Sequence[ContactRow]) -> dict[str, Node]:
    nodes = {
        p.person_id: Node(
            p.person_id,
            p.organization.value,
            p.level.value,
            p.function,
            p.alliance_role,
            p.status,
            p.label,
            True,
        )
        for p in people.values()
    }
    for c in sorted(contacts, key=lambda c: (c.contact_id, c.person_id)):
        if c.contact_id not in nodes and c.contact_organization is not None:
            nodes[c.contact_id] = Node(
                c.contact_id,
                c.contact_organization.value,
                None,
                "",
                None,
                "active",
                f"{c.contact_id} (not surveyed)",
                False,
            )
    return nodes


def _ties(nodes: Mapping[str, Node], contacts: Sequence[ContactRow], config: NetworkConfig) -> list[Tie]:
    reports: dict[tuple[str, str], list[ContactRow]] = {}
    for c in contacts:
        a, b = sorted((c.person_id, c.contact_id))
        reports.setdefault((a, b), []).append(c)

    def strength(c: ContactRow) -> tuple[float, str]:
        return (tie_weight(c.frequency, c.importance, c.close == "yes", config), c.person_id)

    ties = []
    for (a, b), rows in sorted(reports.items()):
        best = max(rows, key=strength)
        weight = strength(best)[0]
        reporters = {c.person_id for c in rows}
        both_surveyed = nodes[a].surveyed and nodes[b].surveyed
        ties.append(
            Tie(
                a,
                b,
                weight,
                best.frequency,
                best.importance,
                best.close == "yes",
                "both" if len(reporters) == 2 else best.person_id,
                both_surveyed and len(reporters) == 1,
                nodes[a].organization != nodes[b].organization,
                weight >= config.strong_tie,
            )
        )
    return ties


def _key_people(graph: nx.Graph, nodes: Mapping[str, Node], share: float) -> set[str]:
    """People whose departure cuts at least ``share`` of the network's other people off from every person of
    the other firm they could reach before (only articulation points can)."""
    key = set()
    others = max(1, len(graph) - 1)
    for v in sorted(nx.articulation_points(graph)):
        before = nx.node_connected_component(graph, v)
        if {nodes[n].organization for n in before} != set(SIDES):
            continue
        rest = graph.subgraph(n for n in before if n != v)
        cut_off = sum(
            len(part) for part in nx.connected_components(rest) if len({nodes[n].organization for n in part}) == 1
        )
        if cut_off / others >= share:
            key.add(v)
    return key


def analyse(people: Mapping[str, PersonRow], contacts: Sequence[ContactRow], config: NetworkConfig) -> Network:
    """The graph, per-person metrics, per-firm concentration and the level-by-level connections."""
    nodes = _nodes(people, contacts)
    ties = _ties(nodes, contacts, config)
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(sorted(nodes))
    for t in ties:
        graph.add_edge(t.a, t.b, weight=t.weight)
    strong: nx.Graph[str] = nx.Graph()
    strong.add_nodes_from(sorted(nodes))
    strong.add_edges_from((t.a, t.b) for t in ties if t.strong)
    core = set(nx.k_core(strong, config.core_k)) if strong.number_of_edges() else set()
    betweenness = nx.betweenness_centrality(graph, normalized=True) if len(graph) > 2 else {}
    closeness = nx.closeness_centrality(graph)
    key = _key_people(graph, nodes, config.key_person_share)

    metrics = {pid: PersonMetrics(node) for pid, node in sorted(nodes.items())}
    for t in ties:
        for me in (t.a, t.b):
            m = metrics[me]
            m.degree += 1
            m.weighted_degree += t.weight
            if t.cross:
                m.cross_ties += 1
                m.cross_weight += t.weight
                m.strong_cross += t.strong
            else:
                m.internal_ties += 1
                m.strong_internal += t.strong
    for pid, m in metrics.items():
        m.weighted_degree = round(m.weighted_degree, DIGITS)
        m.cross_weight = round(m.cross_weight, DIGITS)
        m.betweenness = round(betweenness.get(pid, 0.0), DIGITS)
        m.closeness = round(closeness.get(pid, 0.0), DIGITS)
        m.core = pid in core
        m.boundary_spanner = m.strong_internal > 0 and m.strong_cross > 0
        m.key_person = pid in key

    orgs = {side: _org_summary(side, metrics, config) for side in SIDES}
    return Network(nodes, ties, metrics, orgs, _levels(metrics, ties, nodes), graph)


def _org_summary(side: str, metrics: Mapping[str, PersonMetrics], config: NetworkConfig) -> OrgSummary:
    mine = [m for m in metrics.values() if m.node.organization == side]
    crossing = [m for m in mine if m.cross_ties]
    total = sum(m.cross_weight for m in mine)
    n_cross = sum(m.cross_ties for m in mine)
    top = None
    if crossing:
        best = max(m.cross_weight for m in crossing)
        top = sorted((m for m in crossing if m.cross_weight == best), key=lambda m: m.node.person_id)[0]
    share = round(top.cross_weight / total, DIGITS) if top and total > 0 else None
    centralized = share is not None and n_cross >= config.min_cross_ties and share >= config.concentration_threshold
    return OrgSummary(
        side,
        len([m for m in mine if m.node.surveyed]),
        len(crossing),
        n_cross,
        round(total, DIGITS),
        top.node.person_id if top else None,
        share,
        centralized,
    )


def _levels(metrics: Mapping[str, PersonMetrics], ties: Sequence[Tie], nodes: Mapping[str, Node]) -> list[LevelLink]:
    links = []
    for level in LEVELS:
        count = {
            s: sum(1 for m in metrics.values() if m.node.level == level and m.node.organization == s) for s in SIDES
        }
        at_level = [t for t in ties if t.cross and nodes[t.a].level == level and nodes[t.b].level == level]
        links.append(
            LevelLink(
                level,
                count["home"],
                count["partner"],
                len(at_level),
                sum(t.strong for t in at_level),
                bool(at_level),
                [f"{t.a}-{t.b}" for t in at_level],
            )
        )
    return links


def firm_median_degree(metrics: Mapping[str, PersonMetrics], side: str) -> float:
    values = [m.weighted_degree for m in metrics.values() if m.node.organization == side and m.node.surveyed]
    return float(median(values)) if values else 0.0
