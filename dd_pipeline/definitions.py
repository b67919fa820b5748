"""The Dagster definitions: assets, checks, partitions, sensors and schedules, with their resources."""

from dd_pipeline.defs import build_definitions

defs = build_definitions()
