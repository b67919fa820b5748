"""Load a generated portfolio into the warehouse in bulk, for measuring scoring on a thousand deals.

The pipeline reads a deal through intake (every row checked by pydantic and the expectation suites), one
deal at a time; that cost is measured on its own. For the scoring measurement the same files are read
here by DuckDB's CSV reader in one statement per table and written to the same staged tables that
``stage_deal`` writes (same columns, same source file names and spreadsheet row numbers, the general
home profile merged in the same way), then accepted for all deals at once with promote_answers.sql.
It trusts the files: it is meant for generated portfolios, which tests/test_bench.py checks give the
same staged rows as intake.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas as pd

from dd_pipeline.intake import fingerprint
from dd_pipeline.intake.deal_folder import answer_files
from dd_pipeline.models import ANSWER_COLUMNS, EVIDENCE_COLUMNS, NOT_APPLICABLE, UNKNOWN, Deal, HomeOrganization
from dd_pipeline.playbook import Playbook, parse_model, read_yaml
from dd_pipeline.warehouse.connection import run_named, transaction
from dd_pipeline.warehouse.store import ANSWER_FIELDS, EVIDENCE_FIELDS, store_playbook


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _sql_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(_sql_text(v) for v in values) + "]"


def _read_csv(files: Sequence[Path], columns: Sequence[str]) -> str:
    """A read_csv(...) WITH ORDINALITY over ``files``: every column as text, the file name kept."""
    spec = "{" + ", ".join(f"{_sql_text(c)}: 'VARCHAR'" for c in columns) + "}"
    return (
        f"read_csv({_sql_list([str(f) for f in files])}, header = true, delim = ',', quote = '\"', "
        f"escape = '\"', columns = {spec}, filename = true, null_padding = true) WITH ORDINALITY"
    )


def _answer_values() -> str:
    """status and raw_value from the value cell, as intake's _parse_value reads it."""
    missing = _sql_list(list(NOT_APPLICABLE))
    unknown = _sql_list(list(UNKNOWN))
    cell = "lower(trim(coalesce(value, '')))"
    return (
        f"CASE WHEN list_contains({missing}, {cell}) THEN 'not_applicable' "
        f"WHEN {cell} = '' OR list_contains({unknown}, {cell}) THEN 'unknown' ELSE 'answered' END AS status, "
        f"CASE WHEN NOT list_contains({missing}, {cell}) AND NOT list_contains({unknown}, {cell}) "
        f"AND {cell} <> '' THEN CAST(replace({cell}, ',', '.') AS DOUBLE) END AS raw_value"
    )


DEAL_OF_FILE = "parse_filename(parse_dirpath(filename))"  # the deal folder that holds the file


def _deal_display(inputs_dir: Path) -> str:
    """The file name relative to the folder that holds inputs/, as intake shows it."""
    return f"{_sql_text(inputs_dir.name + '/deals/')} || {DEAL_OF_FILE} || '/' || parse_filename(filename)"


def _numbered(source: str, display: str) -> str:
    """Rows of ``source`` with the file as the user knows it and its spreadsheet row number (header = 1)."""
    return (
        f"SELECT *, {display} AS source_file, "
        f"CAST(row_number() OVER (PARTITION BY filename ORDER BY ordinality) + 1 AS INTEGER) AS source_row "
        f"FROM {source}"
    )


def stage_answers(con: duckdb.DuckDBPyConnection, inputs_dir: Path, deal_ids: Sequence[str]) -> None:
    """staged_answers for ``deal_ids``: the deals' own answers plus the home profile they do not override."""
    base = inputs_dir.parent
    deal_files = [f for d in deal_ids for f in answer_files(inputs_dir / "deals" / d)]
    home_files = answer_files(inputs_dir / "home")
    fields = ", ".join(ANSWER_FIELDS)
    home_display = f"{_sql_text(str(home_files[0].parent.relative_to(base)) + '/')} || parse_filename(filename)"
    deal_display = _deal_display(inputs_dir)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE bench_deal_ids AS SELECT unnest(?::VARCHAR[]) AS deal_id", [list(deal_ids)]
    )
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE bench_own AS
        SELECT {DEAL_OF_FILE} AS deal_id, source_file, source_row, trim(respondent_id) AS respondent_id,
               trim(respondent_side) AS respondent_side, trim(division) AS division, trim(level) AS level,
               trim(rated_side) AS rated_side, trim(dimension) AS dimension_id, {_answer_values()},
               coalesce(trim(comment), '') AS comment
        FROM ({_numbered(_read_csv(deal_files, ANSWER_COLUMNS), deal_display)})""")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE bench_home AS
        SELECT source_file, source_row, trim(respondent_id) AS respondent_id,
               trim(respondent_side) AS respondent_side, trim(division) AS division, trim(level) AS level,
               trim(rated_side) AS rated_side, trim(dimension) AS dimension_id, {_answer_values()},
               coalesce(trim(comment), '') AS comment
        FROM ({_numbered(_read_csv(home_files, ANSWER_COLUMNS), home_display)})""")
    with transaction(con):
        con.execute("DELETE FROM staged_answers WHERE deal_id IN (SELECT deal_id FROM bench_deal_ids)")
        con.execute(f"INSERT INTO staged_answers (deal_id, {fields}) SELECT deal_id, {fields} FROM bench_own")
        con.execute(f"""
            INSERT INTO staged_answers (deal_id, {fields})
            SELECT d.deal_id, {", ".join("h." + f for f in ANSWER_FIELDS)}
            FROM bench_deal_ids d CROSS JOIN bench_home h
            ANTI JOIN bench_own o ON o.deal_id = d.deal_id AND o.respondent_id = h.respondent_id
                                 AND o.rated_side = h.rated_side AND o.dimension_id = h.dimension_id""")
    for table in ("bench_own", "bench_home", "bench_deal_ids"):
        con.execute(f"DROP TABLE {table}")


# The generated portfolio's evidence files have no optional 'internal' column: none of their notes is internal.
GENERATED_EVIDENCE_COLUMNS = tuple(c for c in EVIDENCE_COLUMNS if c != "internal")


def stage_evidence(con: duckdb.DuckDBPyConnection, inputs_dir: Path, deal_ids: Sequence[str]) -> None:
    files = [inputs_dir / "deals" / d / "evidence.csv" for d in deal_ids]
    files = [f for f in files if f.is_file()]
    with transaction(con):
        con.execute("DELETE FROM staged_evidence WHERE list_contains(?, deal_id)", [list(deal_ids)])
        if not files:
            return
        display = _deal_display(inputs_dir)
        con.execute(f"""
            INSERT INTO staged_evidence (deal_id, {", ".join(EVIDENCE_FIELDS)})
            SELECT {DEAL_OF_FILE}, source_file, source_row, trim(dimension), trim(about_side),
                   trim(kind), trim(observation), trim(source), CAST(nullif(trim(recorded_on), '') AS DATE),
                   false
            FROM ({_numbered(_read_csv(files, GENERATED_EVIDENCE_COLUMNS), display)})""")


def _deal_and_home(inputs_dir: Path, deal_ids: Sequence[str]) -> tuple[list[Deal], HomeOrganization]:
    home_path = inputs_dir / "home" / "organization.yaml"
    home = parse_model(HomeOrganization, read_yaml(home_path, inputs_dir), home_path, inputs_dir)
    deals = []
    for deal_id in deal_ids:
        path = inputs_dir / "deals" / deal_id / "deal.yaml"
        deals.append(parse_model(Deal, read_yaml(path, inputs_dir), path, inputs_dir))
    return deals, home


def stage_deals(con: duckdb.DuckDBPyConnection, inputs_dir: Path, deal_ids: Sequence[str]) -> None:
    """staged_deals, as stage_deal writes it (deal and home as JSON, the input fingerprint)."""
    deals, home = _deal_and_home(inputs_dir, deal_ids)
    home_json = home.model_dump_json()
    rows = pd.DataFrame(
        [
            (
                d.deal_id,
                d.model_dump_json(),
                home_json,
                fingerprint(inputs_dir / "home", inputs_dir / "deals" / d.deal_id),
            )
            for d in deals
        ],
        columns=["deal_id", "deal_json", "home_json", "input_fingerprint"],
    )
    with transaction(con):
        con.execute("DELETE FROM staged_deals WHERE list_contains(?, deal_id)", [list(deal_ids)])
        con.register("bench_staged_deals", rows)
        con.execute("INSERT INTO staged_deals SELECT * FROM bench_staged_deals")
        con.unregister("bench_staged_deals")


def promote_deals(con: duckdb.DuckDBPyConnection, deal_ids: Sequence[str]) -> None:
    """deals, answers and evidence for every staged deal in ``deal_ids`` at once (promote_deal, in bulk)."""
    staged = con.execute(
        "SELECT deal_id, deal_json, home_json, input_fingerprint FROM staged_deals "
        "WHERE list_contains(?, deal_id) ORDER BY deal_id",
        [list(deal_ids)],
    ).fetchall()
    rows = []
    for identifier, deal_json, home_json, fingerprint_ in staged:
        deal = Deal.model_validate_json(deal_json)
        home = HomeOrganization.model_validate_json(home_json)
        rows.append(
            {
                "deal_id": identifier,
                "partner": deal.partner,
                "partner_short": deal.partner_label,
                "home_name": home.name,
                "home_short": home.short_name,
                "alliance_type": deal.alliance_type,
                "term_sheet_date": deal.term_sheet_date,
                "effective_date": deal.effective_date,
                "description": deal.description,
                "deal_json": json.dumps(json.loads(deal_json), sort_keys=True),
                "home_json": home_json,
                "input_fingerprint": fingerprint_,
            }
        )
    ids = list(deal_ids)
    with transaction(con):
        con.execute("DELETE FROM deals WHERE list_contains(?, deal_id)", [ids])
        con.register("bench_deals", pd.DataFrame(rows))
        con.execute("INSERT INTO deals BY NAME SELECT * FROM bench_deals")
        con.unregister("bench_deals")
        con.execute("DELETE FROM answers WHERE list_contains(?, deal_id)", [ids])
        run_named(con, "promote_answers", [ids])
        con.execute("DELETE FROM evidence WHERE list_contains(?, deal_id)", [ids])
        con.execute(
            "INSERT INTO evidence SELECT * FROM staged_evidence WHERE list_contains(?, deal_id) "
            "ORDER BY deal_id, source_file, source_row",
            [ids],
        )


def load_portfolio(
    con: duckdb.DuckDBPyConnection, inputs_dir: Path, deal_ids: Sequence[str], playbook: Playbook
) -> None:
    """Playbook, staged inputs and accepted answers for ``deal_ids``, ready for score_deals."""
    store_playbook(con, playbook)
    stage_deals(con, inputs_dir, deal_ids)
    stage_answers(con, inputs_dir, deal_ids)
    stage_evidence(con, inputs_dir, deal_ids)
    promote_deals(con, deal_ids)
