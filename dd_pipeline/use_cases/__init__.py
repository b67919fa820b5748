"""The steps of a deal's run, each a plain function over a warehouse connection (and the run's playbook where
the step needs it): the Dagster assets, the command line, the benchmark and the tests all call these.

ingest_deal -> validate_deal -> accept_deal -> map_network -> score_deal (or score_table, one table at a
time) -> match_deal
-> draft_deal, plan_deal -> snapshot_deal -> publish_deal. Each step reads what the step before stored in the
warehouse and stores its own result, so the steps can run in separate processes (as Dagster runs them) or one
after the other in one (as the tests do).
"""

from dd_pipeline.use_cases.drafting import Drafted, Matched, Planned, draft_deal, match_deal, plan_deal
from dd_pipeline.use_cases.history import Snapshotted, publish_deal, run_record, snapshot_deal
from dd_pipeline.use_cases.intake import (
    Accepted,
    Ingested,
    Validation,
    accept_deal,
    deal_place,
    ingest_deal,
    read_deal,
    stage_inputs,
    validate_deal,
)
from dd_pipeline.use_cases.network import Mapped, map_network
from dd_pipeline.use_cases.scoring import SCORING_TABLES, score_deal, score_deals, score_table

__all__ = [
    "SCORING_TABLES",
    "Accepted",
    "Drafted",
    "Ingested",
    "Mapped",
    "Matched",
    "Planned",
    "Snapshotted",
    "Validation",
    "accept_deal",
    "deal_place",
    "draft_deal",
    "ingest_deal",
    "map_network",
    "match_deal",
    "plan_deal",
    "publish_deal",
    "read_deal",
    "run_record",
    "score_deal",
    "score_deals",
    "score_table",
    "snapshot_deal",
    "stage_inputs",
    "validate_deal",
]
