"""Network findings: each pattern of the relationship audit that shows in a deal's network, with its
severity (0..100), band, the side it concerns and the people and ties behind it.

Every rule treats the two firms alike, so swapping which firm is home swaps the sides and nothing else.
Evidence names people by person_id and alliance role only, never by name.
"""

from __future__ import annotations

from dataclasses import dataclass

from dd_pipeline.models import BandThresholds
from dd_pipeline.network.analysis import LEVEL_RANK, SIDES, Network, PersonMetrics, firm_median_degree
from dd_pipeline.network.config import NetworkConfig
from dd_pipeline.network.pattern_ids import PATTERNS

COUNTERPART_ROLES = ("sponsor", "governance", "project_lead")
LOW_LEVEL_SHARE = 2 / 3


@dataclass(frozen=True)
class NetworkFinding:
    pattern: str
    subject: str  # the level for level_not_connected, else ""
    side: str  # home, partner or both
    severity: float
    band: str
    detail: str
    people: str  # '; '-separated "id (role, level)"
    ties: str  # '; '-separated "a-b"

    @property
    def finding_id(self) -> str:
        return ":".join(p for p in ("network", self.pattern, self.subject, self.side) if p)

    @property
    def title(self) -> str:
        base = PATTERNS[self.pattern]
        return f"{base} ({self.subject.replace('_', ' ')})" if self.subject else base


def band_of(severity: float, bands: BandThresholds) -> str:
    if severity >= bands.critical:
        return "critical"
    if severity >= bands.high:
        return "high"
    if severity >= bands.moderate:
        return "moderate"
    return "low"


def _who(m: PersonMetrics) -> str:
    role = (m.node.alliance_role or "not surveyed").replace("_", " ")
    return f"{m.node.person_id} ({role}, {m.node.level or 'level unknown'})"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _people(ms: list[PersonMetrics]) -> str:
    return "; ".join(_who(m) for m in sorted(ms, key=lambda m: m.node.person_id))


def find_patterns(net: Network, config: NetworkConfig, bands: BandThresholds) -> list[NetworkFinding]:
    """Every pattern that shows, sorted by severity (worst first), then finding id."""
    sev = config.severity
    out: list[NetworkFinding] = []

    def add(
        pattern: str, side: str, severity: float, detail: str, people: str, ties: str = "", subject: str = ""
    ) -> None:
        s = round(max(0.0, min(100.0, severity)), 1)
        if s > 0:
            out.append(NetworkFinding(pattern, subject, side, s, band_of(s, bands), detail, people, ties))

    metrics = net.people
    for side in SIDES:
        org = net.orgs[side]
        if org.centralized and org.top_contact and org.top_share is not None:
            other = net.orgs["partner" if side == "home" else "home"]
            contact = metrics[org.top_contact]
            ties = [t for t in net.ties if t.cross and org.top_contact in (t.a, t.b)]
            add(
                "centralized_interface",
                side,
                sev.centralized_interface * org.top_share,
                f"{org.top_share:.0%} of this firm's cross-firm tie weight runs through {contact.node.person_id}; "
                f"{other.with_cross_ties} people of the other firm deal with it directly",
                _who(contact),
                "; ".join(f"{t.a}-{t.b}" for t in ties),
            )

    for side in SIDES:
        middle = firm_median_degree(metrics, side)
        execs = [m for m in metrics.values() if m.node.organization == side and m.node.level == "executive"]
        edge = [m for m in execs if not m.core and m.weighted_degree < config.peripheral_share * middle]
        if execs and edge:
            add(
                "senior_executives_peripheral",
                side,
                sev.senior_executives_peripheral * len(edge) / len(execs),
                f"{len(edge)} of this firm's {_count(len(execs), 'executive', 'executives')} with weak ties "
                "(weighted degree below "
                f"{config.peripheral_share:.0%} of the firm's median {middle:.2f})",
                _people(edge),
            )

    for side in SIDES:
        spanners = [m for m in metrics.values() if m.boundary_spanner and m.node.organization == side]
        low = [m for m in spanners if m.node.level == "operational"]
        if spanners and len(low) / len(spanners) >= LOW_LEVEL_SHARE:
            add(
                "spanners_low_level",
                side,
                sev.spanners_low_level * len(low) / len(spanners),
                f"{len(low)} of this firm's {len(spanners)} boundary spanners are operational",
                _people(spanners),
            )

    for link in net.levels:
        if link.connected or (link.home_people == 0 and link.partner_people == 0):
            continue
        missing = [s for s, n in (("home", link.home_people), ("partner", link.partner_people)) if n == 0]
        side = missing[0] if len(missing) == 1 else "both"
        at_level = [m for m in metrics.values() if m.node.level == link.level]
        add(
            "level_not_connected",
            side,
            sev.level_not_connected,
            f"no tie between the two firms at {link.level} level (people at that level in the two firms: "
            f"{' and '.join(str(n) for n in sorted((link.home_people, link.partner_people)))})",
            _people(at_level),
            subject=link.level,
        )

    for role in COUNTERPART_ROLES:
        holders = {
            s: [
                m
                for m in metrics.values()
                if m.node.organization == s and m.node.alliance_role == role and m.node.status == "active"
            ]
            for s in SIDES
        }
        if not holders["home"] or not holders["partner"]:
            continue
        top = {s: max(LEVEL_RANK[m.node.level or "operational"] for m in holders[s]) for s in SIDES}
        if top["home"] == top["partner"]:
            continue
        junior = "home" if top["home"] < top["partner"] else "partner"
        gap = abs(top["home"] - top["partner"])
        add(
            "seniority_mismatch",
            junior,
            sev.seniority_mismatch * (0.75 if gap == 1 else 1.0),
            f"this firm's most senior {role.replace('_', ' ')} is {'a level' if gap == 1 else 'two levels'} "
            "below the other firm's",
            _people(holders["home"] + holders["partner"]),
            subject=role,
        )

    for side in SIDES:
        key = [m for m in metrics.values() if m.key_person and m.node.organization == side]
        if key:
            add(
                "key_person_risk",
                side,
                sev.key_person_risk * min(1.0, 0.75 + 0.25 * (len(key) - 1)),
                f"without {', '.join(m.node.person_id for m in key)} at least {config.key_person_share:.0%} of the "
                "people in the network could no longer reach the other firm",
                _people(key),
            )

    for side in SIDES:
        gone = [
            m
            for m in metrics.values()
            if m.node.organization == side and m.node.status in ("reassigned", "left") and m.cross_ties
        ]
        if gone:
            strong = any(m.strong_cross or m.boundary_spanner for m in gone)
            ties = [t for t in net.ties if t.cross and ({t.a, t.b} & {m.node.person_id for m in gone})]
            add(
                "turnover_on_ties",
                side,
                sev.turnover_on_ties * (1.0 if strong else 0.6),
                f"{_count(len(gone), 'person', 'people')} of this firm reassigned or gone held "
                f"{_count(len(ties), 'tie', 'ties')} to the other firm"
                + (" (strong ties among them)" if strong else ""),
                _people(gone),
                "; ".join(f"{t.a}-{t.b}" for t in ties),
            )

    surveyed = [t for t in net.ties if net.nodes[t.a].surveyed and net.nodes[t.b].surveyed]
    one_way = [t for t in surveyed if t.one_way]
    if surveyed and len(one_way) / len(surveyed) >= config.one_way_share:
        silent = {s: 0 for s in SIDES}  # the firm of the person who did not name the tie
        for t in one_way:
            silent[net.nodes[t.b if t.reported_by == t.a else t.a].organization] += 1
        side = next((s for s in SIDES if silent[s] >= LOW_LEVEL_SHARE * len(one_way)), "both")
        add(
            "one_way_ties",
            side,
            sev.one_way_ties * min(1.0, len(one_way) / len(surveyed) / config.one_way_share),
            f"{len(one_way)} of {len(surveyed)} ties between surveyed people are named by one person only "
            f"(left unnamed by the other person: {' and '.join(str(n) for n in sorted(silent.values()))} "
            "in the two firms)",
            "",
            "; ".join(f"{t.reported_by}->{t.b if t.reported_by == t.a else t.a}" for t in one_way),
        )

    out.sort(key=lambda f: (-f.severity, f.finding_id))
    return out
