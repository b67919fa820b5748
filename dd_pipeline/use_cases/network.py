"""The alliance's communication network of one deal: from the people and ties accepted with its answers
(people.csv, contacts.csv and the questionnaires' contacts sheets, read and checked once when the deal's
inputs were read) to the network tables that the ranked findings take in. Runs after the answers are
accepted and before scoring's findings step."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from dd_pipeline.network.analysis import Network
from dd_pipeline.network.intake import NetworkIntake
from dd_pipeline.network.patterns import NetworkFinding
from dd_pipeline.network.run import network_of
from dd_pipeline.playbook import Playbook
from dd_pipeline.warehouse.network import accepted_network, store_network


@dataclass(frozen=True)
class Mapped:
    network: Network | None  # None when the deal has no roster
    findings: list[NetworkFinding]


def map_network(con: duckdb.DuckDBPyConnection, playbook: Playbook, deal_id: str) -> Mapped:
    """Analyse the deal's accepted network and store its tables (empty when the deal lists no people)."""
    people, contacts = accepted_network(con, deal_id)
    net, findings = network_of(
        NetworkIntake(people=people, contacts=contacts), playbook.network, playbook.scoring.bands
    )
    store_network(con, deal_id, net, findings)
    return Mapped(net, findings)
