"""JSON Schema of every file format, generated from dd_pipeline/models/ into schemas/ (checked in)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from dd_pipeline.maturity.models import MaturityAnswer, MaturityModel
from dd_pipeline.models import (
    Answer,
    ChallengeFile,
    ClauseFile,
    Deal,
    DimensionFile,
    Evidence,
    GovernanceFile,
    HomeOrganization,
    LaunchPlanSeed,
    MitigationFile,
    OverrideFile,
    ScoringRules,
)
from dd_pipeline.network.config import NetworkConfig
from dd_pipeline.network.rows import ContactRow, PersonRow
from dd_pipeline.playbook import _CategoryFile

SCHEMAS: dict[str, type[BaseModel]] = {
    "deal.schema.json": Deal,
    "home_organization.schema.json": HomeOrganization,
    "answer_row.schema.json": Answer,
    "evidence_row.schema.json": Evidence,
    "overrides.schema.json": OverrideFile,
    "framework_categories.schema.json": _CategoryFile,
    "framework_dimensions.schema.json": DimensionFile,
    "framework_scoring.schema.json": ScoringRules,
    "framework_governance.schema.json": GovernanceFile,
    "framework_maturity.schema.json": MaturityModel,
    "maturity_row.schema.json": MaturityAnswer,
    "challenges.schema.json": ChallengeFile,
    "mitigations.schema.json": MitigationFile,
    "clauses.schema.json": ClauseFile,
    "launch_plan_seed.schema.json": LaunchPlanSeed,
    "people_row.schema.json": PersonRow,
    "contact_row.schema.json": ContactRow,
    "framework_network.schema.json": NetworkConfig,
}


def schema_text(model: type[BaseModel]) -> str:
    return json.dumps(model.model_json_schema(), indent=2, sort_keys=True) + "\n"


def _documents() -> dict[str, str]:
    from dd_pipeline.warehouse.connection import ddl

    docs = {name: schema_text(model) for name, model in SCHEMAS.items()}
    docs["warehouse.sql"] = ddl()
    return docs


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in _documents().items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def stale_schemas(folder: Path) -> list[str]:
    """Names of schema files that are missing or differ from what the models generate."""
    stale = []
    for name, text in _documents().items():
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(name)
    return stale
