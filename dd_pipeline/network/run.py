"""One deal's network from its folder to its findings, the same for the pipeline and for callers without it."""

from __future__ import annotations

from pathlib import Path

from dd_pipeline.models import BandThresholds
from dd_pipeline.network.analysis import Network, analyse
from dd_pipeline.network.config import NetworkConfig
from dd_pipeline.network.intake import NetworkIntake, read_network
from dd_pipeline.network.patterns import NetworkFinding, find_patterns


def network_of(
    intake: NetworkIntake, config: NetworkConfig, bands: BandThresholds
) -> tuple[Network | None, list[NetworkFinding]]:
    """The network and its findings; (None, []) when the deal has no roster."""
    if not intake.present:
        return None, []
    net = analyse(intake.people, intake.contacts, config)
    return net, find_patterns(net, config, bands)


def deal_network(
    deal_dir: Path, base: Path, config: NetworkConfig, bands: BandThresholds
) -> tuple[NetworkIntake, Network | None, list[NetworkFinding]]:
    intake = read_network(deal_dir, base)
    if intake.problems:
        return intake, None, []
    net, findings = network_of(intake, config, bands)
    return intake, net, findings
