"""Writing the playbook and a deal's inputs into the warehouse."""

from __future__ import annotations

import json

import duckdb
import pandas as pd

from dd_pipeline.intake.deal_folder import DealIntake, Intake
from dd_pipeline.models import Deal, HomeOrganization
from dd_pipeline.network.intake import NetworkIntake
from dd_pipeline.playbook import Playbook
from dd_pipeline.warehouse.connection import replace_rows, run_named, transactions


def store_playbook(con: duckdb.DuckDBPyConnection, pb: Playbook) -> None:
    """Replace the playbook tables with ``pb``."""
    categories = pd.DataFrame(
        [(c.id.value, c.name, c.description, i) for i, c in enumerate(pb.categories)],
        columns=["category_id", "name", "description", "sort_order"],
    )
    dimensions = pd.DataFrame(
        [
            (
                d.id,
                d.category.value,
                d.name,
                d.question,
                d.scale.kind.value,
                float(d.scale.min),
                float(d.scale.max),
                d.scale.labels[d.scale.min],
                d.scale.labels[d.scale.max],
                d.direction.value,
                d.perspective.value,
                d.weight,
                d.why,
                d.source,
                i,
            )
            for i, d in enumerate(pb.dimensions)
        ],
        columns=[
            "dimension_id",
            "category_id",
            "name",
            "question",
            "scale_kind",
            "scale_min",
            "scale_max",
            "low_label",
            "high_label",
            "direction",
            "perspective",
            "default_weight",
            "why",
            "source",
            "sort_order",
        ],
    )
    weights = pd.DataFrame(
        [(d.id, t, w) for d in pb.dimensions for t, w in sorted(d.weights.items())],
        columns=["dimension_id", "alliance_type", "weight"],
    )
    challenges = pd.DataFrame(
        [(c.id, c.group.value, c.title, c.description, c.costliest, c.source) for c in pb.challenges],
        columns=["challenge_id", "challenge_group", "title", "description", "costliest", "source"],
    )
    links = pd.DataFrame(
        sorted({(d.id, c) for d in pb.dimensions for c in d.challenges}),
        columns=["dimension_id", "challenge_id"],
    )
    s = pb.scoring
    rules = pd.DataFrame(
        [
            ("full_at_respondents", s.confidence.full_at_respondents),
            ("spread_penalty", s.confidence.spread_penalty),
            ("severity_floor", s.confidence.severity_floor),
            ("band_moderate", s.bands.moderate),
            ("band_high", s.bands.high),
            ("band_critical", s.bands.critical),
            ("agreement_red", s.agreement.red_at_or_below),
            ("agreement_green", s.agreement.green_at_or_above),
            ("top_k", s.risk_index.top_k),
            ("top_share", s.risk_index.top_share),
            ("disagreement_threshold", s.disagreement_threshold),
            ("perception_threshold", s.perception_threshold),
            ("immature_uplift", s.immature_uplift),
            ("weak_rating", s.weak_zone.rating),
        ],
        columns=["name", "value"],
    ).astype({"value": "float64"})
    m = pb.maturity
    maturity_areas = pd.DataFrame(
        [(a.id, a.name, i, *(a.levels[n] for n in (1, 2, 3, 4))) for i, a in enumerate(m.areas)],
        columns=["area_id", "name", "sort_order", "level_1", "level_2", "level_3", "level_4"],
    )
    maturity_rule = pd.DataFrame(
        [(m.rule.overall, m.rule.immature_at_or_below, m.rule.fallback_dimension)],
        columns=["overall", "immature_at_or_below", "fallback_dimension"],
    )
    tables = {
        "playbook_categories": categories,
        "playbook_dimensions": dimensions,
        "playbook_dimension_weights": weights,
        "playbook_challenges": challenges,
        "playbook_dimension_challenges": links,
        "playbook_rules": rules,
        "playbook_maturity_areas": maturity_areas,
        "playbook_maturity_rule": maturity_rule,
    }
    for attempt in transactions(con):
        with attempt:
            for table, df in tables.items():
                con.execute(f"DELETE FROM {table}")
                if not df.empty:
                    con.register("_incoming", df)
                    con.execute(
                        f"INSERT INTO {table} ({', '.join(df.columns)}) SELECT {', '.join(df.columns)} FROM _incoming"
                    )
                    con.unregister("_incoming")
            con.execute("DELETE FROM playbook_meta")
            con.execute("INSERT INTO playbook_meta VALUES (?, ?)", [pb.fingerprint, str(pb.root.name)])


ANSWER_FIELDS = [
    "source_file",
    "source_row",
    "respondent_id",
    "respondent_side",
    "division",
    "level",
    "rated_side",
    "dimension_id",
    "status",
    "raw_value",
    "comment",
]
OVERRIDE_FIELDS = ["dimension_id", "severity", "adjust", "band", "reason", "author", "date", "source_file", "position"]
MATURITY_FIELDS = ["source_file", "source_row", "respondent_id", "respondent_side", "rated_side", "area_id", "level"]
EVIDENCE_FIELDS = [
    "source_file",
    "source_row",
    "dimension_id",
    "about_side",
    "kind",
    "observation",
    "source",
    "recorded_on",
    "internal",
]


def _records(deal_id: str, items: list, fields: list[str]) -> pd.DataFrame:
    df = pd.DataFrame([[getattr(i, f) for f in fields] for i in items], columns=fields)
    df.insert(0, "deal_id", deal_id)
    if "raw_value" in df:
        df["raw_value"] = df["raw_value"].astype("float64")
    if "source_row" in df:
        df["source_row"] = df["source_row"].astype("int64")
    return df


PERSON_FIELDS = ["person_id", "organization", "level", "function", "alliance_role", "name", "named", "status"]
CONTACT_FIELDS = ["person_id", "contact_id", "contact_organization", "frequency", "importance", "close"]


def network_records(deal_id: str, network: NetworkIntake | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The people and ties of a deal's inputs as rows of staged_people and staged_contacts (none when the
    network has problems: the deal is not accepted then)."""
    people: list[dict[str, object]] = []
    contacts: list[dict[str, object]] = []
    if network is not None and not any(p.severity == "error" for p in network.problems):
        for pid, person in sorted(network.people.items()):
            file, row = network.person_origins.get(pid, (network.source, 0))
            people.append({"source_file": file, "source_row": row, **person.model_dump(mode="json")})
        for tie, (file, row) in zip(network.contacts, network.contact_origins, strict=True):
            contacts.append({"source_file": file, "source_row": row, **tie.model_dump(mode="json")})
    people_df = pd.DataFrame(people, columns=["source_file", "source_row", *PERSON_FIELDS])
    contacts_df = pd.DataFrame(contacts, columns=["source_file", "source_row", *CONTACT_FIELDS])
    for df in (people_df, contacts_df):
        df.insert(0, "deal_id", deal_id)
        df["source_row"] = df["source_row"].astype("int64")
    return people_df, contacts_df


def stage_deal(
    con: duckdb.DuckDBPyConnection,
    deal_id: str,
    intake: DealIntake,
    home: HomeOrganization | None,
    home_intake: Intake | None,
    fingerprint: str,
) -> None:
    """Record what the last read of the deal folder produced: staged rows, problems, quarantine."""
    problems = [*(home_intake.problems if home_intake else []), *intake.problems]
    quarantine = [*(home_intake.quarantine if home_intake else []), *intake.quarantine]
    problem_df = pd.DataFrame(
        [(deal_id, p.file, p.row, p.field, p.value, p.message, p.severity) for p in problems],
        columns=["deal_id", "file", "row_number", "field", "value", "message", "severity"],
    ).astype({"row_number": "Int64"})
    quarantine_df = pd.DataFrame(
        [(deal_id, q.source_file, q.source_row, q.field, q.value, q.reason, q.row_values) for q in quarantine],
        columns=["deal_id", "source_file", "source_row", "field", "value", "reason", "row_values"],
    ).astype({"source_row": "Int64"})
    deal_df = pd.DataFrame(
        [
            (
                deal_id,
                intake.deal.model_dump_json() if intake.deal else None,
                home.model_dump_json() if home else None,
                fingerprint,
            )
        ],
        columns=["deal_id", "deal_json", "home_json", "input_fingerprint"],
    )
    for attempt in transactions(con):
        with attempt:
            replace_rows(con, "staged_answers", deal_id, _records(deal_id, intake.answers, ANSWER_FIELDS))
            replace_rows(con, "staged_evidence", deal_id, _records(deal_id, intake.evidence, EVIDENCE_FIELDS))
            replace_rows(con, "staged_deals", deal_id, deal_df)
            maturity = _records(deal_id, intake.maturity, MATURITY_FIELDS).astype({"level": "int64"})
            replace_rows(con, "staged_maturity", deal_id, maturity)
            people, contacts = network_records(deal_id, intake.network)
            replace_rows(con, "staged_people", deal_id, people)
            replace_rows(con, "staged_contacts", deal_id, contacts)
            overrides = _records(deal_id, intake.overrides, OVERRIDE_FIELDS).rename(columns={"date": "override_date"})
            for column in ("severity", "adjust"):
                overrides[column] = overrides[column].astype("float64")
            replace_rows(con, "staged_overrides", deal_id, overrides)
            replace_rows(con, "input_problems", deal_id, problem_df)
            replace_rows(con, "quarantine", deal_id, quarantine_df)


def promote_deal(con: duckdb.DuckDBPyConnection, deal_id: str) -> Deal:
    """Accept the staged inputs of a deal whose checks passed: deals, answers and evidence tables."""
    row = con.execute(
        "SELECT deal_json, home_json, input_fingerprint FROM staged_deals WHERE deal_id = ?", [deal_id]
    ).fetchone()
    if row is None or row[0] is None:
        raise LookupError(f"deal {deal_id} has no staged inputs; run its deal_inputs step first")
    deal = Deal.model_validate_json(row[0])
    home = HomeOrganization.model_validate_json(row[1])
    deal_df = pd.DataFrame(
        [
            {
                "deal_id": deal_id,
                "partner": deal.partner,
                "partner_short": deal.partner_label,
                "home_name": home.name,
                "home_short": home.short_name,
                "alliance_type": deal.alliance_type,
                "term_sheet_date": deal.term_sheet_date,
                "effective_date": deal.effective_date,
                "description": deal.description,
                "deal_json": json.dumps(json.loads(row[0]), sort_keys=True),
                "home_json": row[1],
                "input_fingerprint": row[2],
            }
        ]
    )
    for attempt in transactions(con):
        with attempt:
            replace_rows(con, "deals", deal_id, deal_df)
            con.execute("DELETE FROM answers WHERE deal_id = ?", [deal_id])
            run_named(con, "promote_answers", [[deal_id]])
            con.execute("DELETE FROM overrides WHERE deal_id = ?", [deal_id])
            con.execute(
                "INSERT INTO overrides SELECT * FROM staged_overrides WHERE deal_id = ? ORDER BY position", [deal_id]
            )
            con.execute("DELETE FROM maturity_answers WHERE deal_id = ?", [deal_id])
            con.execute(
                "INSERT INTO maturity_answers BY NAME SELECT * FROM staged_maturity WHERE deal_id = ? "
                "ORDER BY source_file, source_row",
                [deal_id],
            )
            for accepted, staged in (("alliance_people", "staged_people"), ("alliance_contacts", "staged_contacts")):
                con.execute(f"DELETE FROM {accepted} WHERE deal_id = ?", [deal_id])
                con.execute(
                    f"INSERT INTO {accepted} BY NAME SELECT * FROM {staged} WHERE deal_id = ? "
                    "ORDER BY source_file, source_row",
                    [deal_id],
                )
            con.execute("DELETE FROM evidence WHERE deal_id = ?", [deal_id])
            con.execute(
                "INSERT INTO evidence BY NAME SELECT * FROM staged_evidence WHERE deal_id = ? "
                "ORDER BY source_file, source_row",
                [deal_id],
            )
    return deal


def load_deal(con: duckdb.DuckDBPyConnection, deal_id: str) -> tuple[Deal, HomeOrganization]:
    """The accepted deal and home organization of a scored deal."""
    row = con.execute("SELECT deal_json, home_json FROM deals WHERE deal_id = ?", [deal_id]).fetchone()
    if row is None:
        raise LookupError(f"deal {deal_id} has not been scored yet")
    return Deal.model_validate_json(row[0]), HomeOrganization.model_validate_json(row[1])


def pin_playbook(con: duckdb.DuckDBPyConnection, pb: Playbook) -> None:
    """Make ``pb`` the warehouse's playbook: stored again only when the warehouse holds another one."""
    row = con.execute("SELECT fingerprint FROM playbook_meta").fetchone()
    if row is None or row[0] != pb.fingerprint:
        store_playbook(con, pb)
