"""The ids and titles of the network patterns: what a mitigation trigger names under ``network:``."""

from __future__ import annotations

# pattern id -> the title findings show (the pattern id is what a mitigation trigger names)
PATTERNS: dict[str, str] = {
    "centralized_interface": "Contact with the other firm runs through one person",
    "senior_executives_peripheral": "Senior executives sit at the edge of the alliance network",
    "spanners_low_level": "Boundary spanners are almost all at the lowest level",
    "level_not_connected": "The two firms are not connected at one management level",
    "seniority_mismatch": "Counterparts differ in seniority",
    "key_person_risk": "One person's departure would cut the link to the other firm",
    "turnover_on_ties": "People reassigned or gone held ties to the other firm",
    "one_way_ties": "Many ties are named by one side of the tie only",
}
NOT_A_PATTERN = "is not a network pattern; expected one of " + ", ".join(PATTERNS)
