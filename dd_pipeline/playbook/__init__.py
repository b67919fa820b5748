"""Load assets/ into one typed, cross-checked Playbook.

An error names the file and the key path (for example
``assets/framework/dimensions/norms.yaml: dimensions[3].scale.labels: ...``).

The package reads YAML keeping positions (yaml_reading), places problems at a key and line (placement),
loads and caches the files (loading) and checks the references between them (cross_checks).
"""

from __future__ import annotations

from dd_pipeline.playbook.book import Playbook, _CategoryFile
from dd_pipeline.playbook.loading import load_playbook, playbook_files, playbook_fingerprint
from dd_pipeline.playbook.placement import key_line, parse_model
from dd_pipeline.playbook.yaml_reading import MAX_ASSET_BYTES, YamlMapping, read_yaml

__all__ = [
    "MAX_ASSET_BYTES",
    "Playbook",
    "YamlMapping",
    "_CategoryFile",
    "key_line",
    "load_playbook",
    "parse_model",
    "playbook_files",
    "playbook_fingerprint",
    "read_yaml",
]
