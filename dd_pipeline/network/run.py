"""One deal's network from its folder to its findings, the same for the pipeline and for callers without it."""

from __future__ import annotations

from dd_pipeline.models import BandThresholds
from dd_pipeline.network.analysis import Network, analyse
from dd_pipeline.network.config import NetworkConfig
from dd_pipeline.network.intake import NetworkIntake
from dd_pipeline.network.patterns import NetworkFinding, find_patterns


def network_of(
    intake: NetworkIntake, config: NetworkConfig, bands: BandThresholds
) -> tuple[Network | None, list[NetworkFinding]]:
    """The network and its findings; (None, []) when the deal has no roster."""
    if not intake.present:
        return None, []
    net = analyse(intake.people, intake.contacts, config)
    return net, find_patterns(net, config, bands)
