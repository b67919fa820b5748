"""The alliance's communication network of one deal: from people.csv and contacts.csv (and the questionnaires'
contacts sheets) to the network tables that the ranked findings take in. Runs after the answers are accepted
and before scoring's findings step."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from dd_pipeline.errors import InputProblem
from dd_pipeline.network.analysis import Network
from dd_pipeline.network.patterns import NetworkFinding
from dd_pipeline.network.run import deal_network
from dd_pipeline.playbook import Playbook
from dd_pipeline.settings import Settings
from dd_pipeline.warehouse.network import store_network


@dataclass(frozen=True)
class Mapped:
    network: Network | None  # None when the deal has no roster
    findings: list[NetworkFinding]
    problems: list[InputProblem]


def map_network(con: duckdb.DuckDBPyConnection, settings: Settings, playbook: Playbook, deal_id: str) -> Mapped:
    """Analyse the deal's network and store its tables; with input problems nothing is stored."""
    intake, net, findings = deal_network(
        settings.deal_dir(deal_id), settings.inputs_dir.parent, playbook.network, playbook.scoring.bands
    )
    if not intake.problems:
        store_network(con, deal_id, net, findings)
    return Mapped(net, findings, intake.problems)
