"""The JSON Schemas in schemas/ are generated from the models and must not drift from them."""

from dd_pipeline.schemas import SCHEMAS, stale_schemas
from dd_pipeline.settings import PROJECT_ROOT


def test_schemas_are_up_to_date():
    stale = stale_schemas(PROJECT_ROOT / "schemas")
    assert stale == [], f"run 'dd-pipeline schemas' to regenerate: {stale}"


def test_every_input_file_has_a_schema():
    assert {
        "deal.schema.json",
        "answer_row.schema.json",
        "evidence_row.schema.json",
        "home_organization.schema.json",
    } <= set(SCHEMAS)
