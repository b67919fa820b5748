"""Packs of a deal's results for one audience: outputs/<deal>/share/<audience>/.

- partner: what both organizations work from once the partner's alliance manager joins the launch plan: the
  joint findings (gaps between the two organizations, perception gaps, the partner's own internal
  disagreement, likely challenges), the mitigations, the draft clauses without drafting notes, the evidence
  not marked internal, and the launch plan. Nothing in it names or quotes a home respondent: no respondent
  ids, no answers or comments, no divisions of the home side, no evidence marked internal, no home internal
  disagreement, no override reasons. Every table is written anew from a list of columns that may be shared,
  so a column added to a table later stays out until it is listed here.
- legal: the clauses with their drafting notes, and the findings and evidence behind them.
- internal: every output of the deal, for the home team.

The packs are written from the warehouse and the deal's outputs of its last run; the same run gives the same
bytes. A pack is written into a hidden folder first and then put in place of the old one, so a reader never
sees half a pack.
"""

from __future__ import annotations

import io
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from dd_pipeline.outputs import atomic_write_bytes, atomic_write_text, write_frame_csv
from dd_pipeline.settings import Settings
from dd_pipeline.warehouse import share_reads as reads
from dd_pipeline.zipfiles import normalize_zip

AUDIENCES = ("partner", "legal", "internal")
PLAN_FILES = ("launch_plan.csv", "launch_plan.xlsx", "launch_plan.ics")
LEGAL_FILES = ("clauses.docx", "clauses.md", "clauses.json")

# The columns of the deal's mitigations.csv that go to the partner (the table is the playbook's, filled in
# from the gaps; none of its columns quotes a respondent).
MITIGATION_COLUMNS = (
    "rank",
    "status",
    "mitigation_id",
    "title",
    "type",
    "owner",
    "owner_role",
    "effort",
    "worst_severity",
    "covers_dimensions",
    "reason",
    "challenges",
    "clauses",
    "tasks",
)


@dataclass(frozen=True)
class Pack:
    audience: str
    folder: Path
    files: list[str]


class ShareError(Exception):
    """The pack cannot be made (the message says why and what to do)."""


def write_pack(con: duckdb.DuckDBPyConnection, settings: Settings, deal_id: str, audience: str) -> Pack:
    """Write outputs/<deal>/share/<audience>/ and return what it holds."""
    source = settings.deal_outputs(deal_id)
    names = reads.organization_names(con, deal_id)
    if names is None:
        raise ShareError(f"{deal_id} has not been scored yet; run it first: dd-pipeline run --deal {deal_id}")
    partner, partner_short, home, home_short = names
    target = source / "share" / audience
    staging = source / "share" / f".{audience}.{os.getpid()}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        files: list[str]
        if audience == "partner":
            files = _partner_pack(con, deal_id, source, staging, (home_short, partner_short), (home, partner))
        elif audience == "legal":
            files = _legal_pack(con, deal_id, source, staging, (home, partner))
        elif audience == "internal":
            files = _internal_pack(con, deal_id, source, staging, (home, partner))
        else:
            raise ShareError(f"--audience {audience!r} is not an audience; expected one of {', '.join(AUDIENCES)}")
        old = source / "share" / f".{audience}.{os.getpid()}.old"
        if target.exists():
            target.rename(old)
        staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Pack(audience, target, files)


def _copy(source: Path, target: Path, names: tuple[str, ...]) -> list[str]:
    copied = []
    for name in names:
        path = source / name
        if not path.is_file():
            raise ShareError(f"{path} is missing; run the deal again (dd-pipeline run --deal {source.name} --force)")
        atomic_write_bytes(target / name, path.read_bytes())
        copied.append(name)
    return copied


def _csv(target: Path, name: str, table: pd.DataFrame) -> str:
    write_frame_csv(target / name, table)
    return name


def _columns(path: Path, target: Path, columns: tuple[str, ...]) -> str:
    """The listed columns of one of the deal's CSV outputs, cell for cell."""
    import csv

    from dd_pipeline.outputs import csv_text

    if not path.is_file():
        raise ShareError(f"{path} is missing; run the deal again (dd-pipeline run --deal {path.parent.name} --force)")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    kept = [c for c in columns if rows and c in rows[0]] if rows else list(columns)
    text = csv_text(kept, ([row[c] for c in kept] for row in rows))
    atomic_write_text(target / path.name, text)
    return path.name


def _partner_mitigations(con: duckdb.DuckDBPyConnection, deal_id: str, path: Path, target: Path) -> str:
    """mitigations.csv without what the home organization's internal disagreement says: its reasons are left
    out of each row, and a mitigation (or an uncovered finding) that only it called for is left out whole."""
    import csv

    from dd_pipeline.outputs import csv_text

    if not path.is_file():
        raise ShareError(f"{path} is missing; run the deal again (dd-pipeline run --deal {path.parent.name} --force)")
    home_only = reads.home_only_findings(con, deal_id)
    reasons: dict[str, list[tuple[str | None, str]]] = {}
    for mitigation_id, finding_id, reason in reads.match_reasons(con, deal_id):
        reasons.setdefault(mitigation_id, []).append((finding_id, reason or ""))
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    kept_rows = []
    for row in rows:
        if row.get("status") == "uncovered":
            if row.get("covers_findings") in home_only:
                continue
        elif row.get("mitigation_id") in reasons:
            shareable = [r for f, r in reasons[row["mitigation_id"]] if f not in home_only]
            if not shareable:
                continue
            row = {**row, "reason": "; ".join(shareable)}
        kept_rows.append(row)
    kept = [c for c in MITIGATION_COLUMNS if rows and c in rows[0]] if rows else list(MITIGATION_COLUMNS)
    atomic_write_text(target / path.name, csv_text(kept, ([row[c] for c in kept] for row in kept_rows)))
    return path.name


def _clause_rows(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    return reads.clauses(con, deal_id)


def _partner_pack(
    con: duckdb.DuckDBPyConnection,
    deal_id: str,
    source: Path,
    target: Path,
    short: tuple[str, str],
    full: tuple[str, str],
) -> list[str]:
    home_short, partner_short = short
    home, partner = full
    files = [
        _csv(target, "findings.csv", reads.joint_findings(con, deal_id, home_short, partner_short)),
        _csv(target, "category_scores.csv", reads.category_scores(con, deal_id)),
        _csv(target, "perception_gaps.csv", reads.perception_gaps(con, deal_id, home_short, partner_short)),
        _csv(
            target, f"internal_disagreement_{_file_word(partner_short)}.csv", reads.partner_disagreement(con, deal_id)
        ),
        _csv(target, "challenges.csv", reads.challenges(con, deal_id)),
        _partner_mitigations(con, deal_id, source / "mitigations.csv", target),
        _csv(target, "evidence.csv", reads.shared_evidence(con, deal_id, home_short, partner_short)),
    ]
    clauses = _clause_rows(con, deal_id)
    title = f"Draft clauses for discussion: {home} and {partner}"
    atomic_write_text(target / "clauses.md", _clauses_markdown(title, clauses))
    atomic_write_bytes(target / "clauses.docx", _clauses_docx(title, clauses, con, deal_id))
    files += ["clauses.md", "clauses.docx", *_copy(source, target, PLAN_FILES)]
    readme = [
        f"# {home} and {partner}: shared results of the engagement due diligence",
        "",
        f"Prepared by {home} for {partner}, to plan the launch of the alliance together. It holds the "
        "findings about how the two organizations differ, the mitigations chosen for them, the draft clauses "
        "for discussion and the 100-day launch plan.",
        "",
        "| file | content |",
        "| --- | --- |",
        "| findings.csv | every joint finding: differences, shortfalls of either side, shared weaknesses, "
        "perception gaps and the partner's internal disagreement, with severity and band |",
        "| category_scores.csv | the five categories |",
        "| perception_gaps.csv | how each organization sees itself and how the other sees it |",
        f"| {files[3]} | where {partner_short}'s own divisions see {partner_short} differently |",
        "| challenges.csv | the execution challenges the gaps make likely |",
        "| mitigations.csv | the mitigation strategies chosen, each with the gaps behind it |",
        "| evidence.csv | observations from the diligence meetings |",
        "| clauses.md, clauses.docx | draft clauses, without the drafting notes |",
        "| launch_plan.csv, launch_plan.xlsx, launch_plan.ics | the 100-day plan and its calendar |",
        "",
        f"Not included: who answered the questionnaires at {home_short}, their answers, comments and divisions, "
        f"{home_short}'s internal notes and evidence, and the disagreement between {home_short}'s own divisions.",
        "",
    ]
    atomic_write_text(target / "README.md", "\n".join(readme))
    return ["README.md", *files]


def _legal_pack(
    con: duckdb.DuckDBPyConnection, deal_id: str, source: Path, target: Path, full: tuple[str, str]
) -> list[str]:
    home, partner = full
    files = _copy(source, target, LEGAL_FILES)
    dims = sorted({d for text in _clause_rows(con, deal_id)["dimensions"].dropna() for d in str(text).split() if d})
    files.append(_csv(target, "findings_behind_clauses.csv", reads.findings_behind(con, deal_id, dims)))
    files.append(_csv(target, "evidence_behind_clauses.csv", reads.evidence_behind(con, deal_id, dims)))
    problems = reads.clause_problems(con, deal_id)
    readme = [
        f"# {home} and {partner}: draft clauses for legal review",
        "",
        "clauses.docx (also as clauses.md and clauses.json) holds the draft clauses, each with a drafting "
        "note saying why it is there: the gaps and evidence behind it and the mitigation that called for "
        "it. findings_behind_clauses.csv and evidence_behind_clauses.csv list those gaps and notes; "
        "evidence marked internal is for the home side only.",
        "",
    ]
    if not problems.empty:
        readme += ["Not drafted yet:", ""]
        readme += [f"- {r.title} ({r.clause_id}): {r.message}" for r in problems.itertuples()]
        readme.append("")
    atomic_write_text(target / "README.md", "\n".join(readme))
    return ["README.md", *files]


def _internal_pack(
    con: duckdb.DuckDBPyConnection, deal_id: str, source: Path, target: Path, full: tuple[str, str]
) -> list[str]:
    home, partner = full
    names = tuple(
        sorted(p.name for p in source.iterdir() if p.is_file() and not p.name.startswith(".") and p.name != "run.json")
    )
    files = _copy(source, target, names)
    files.append(_csv(target, "answers.csv", reads.all_answers(con, deal_id)))
    files.append(_csv(target, "evidence.csv", reads.all_evidence(con, deal_id)))
    page = target / "dashboard.html"
    script = source.parent / "plotly.min.js"
    if page.is_file() and script.is_file():  # the dashboard loads plotly from the folder above it
        atomic_write_bytes(target / script.name, script.read_bytes())
        atomic_write_text(
            page, page.read_text(encoding="utf-8").replace('src="../plotly.min.js"', 'src="plotly.min.js"', 1)
        )
        files.append(script.name)
    atomic_write_text(
        target / "README.md",
        "\n".join(
            [
                f"# {home} and {partner}: every result of the engagement due diligence",
                "",
                f"For {home}'s deal team only: every respondent's answers and comments (answers.csv), all evidence "
                "including the notes marked internal (evidence.csv), the internal disagreement of both sides, the "
                "drafting notes, the dashboard and the change report. Do not send it to "
                f"{partner}: use the partner pack (dd-pipeline share --audience partner) for that.",
                "",
            ]
        ),
    )
    return ["README.md", *files]


def _file_word(name: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "partner"


def _clauses_markdown(title: str, clauses: pd.DataFrame) -> str:
    out = [
        f"# {title}",
        "",
        "Draft language for discussion between the parties; it is not an offer and binds neither party.",
        "",
    ]
    for r in clauses.itertuples():
        out += [f"## {r.number}. {r.title}", ""]
        out += [line.strip() + "\n" for line in str(r.text).splitlines() if line.strip()]
    return "\n".join(out)


def _clauses_docx(title: str, clauses: pd.DataFrame, con: duckdb.DuckDBPyConnection, deal_id: str) -> bytes:
    import datetime as dt

    from docx import Document

    signed = reads.term_sheet_date(con, deal_id)
    doc = Document()
    stamp = dt.datetime.combine(signed, dt.time())
    props = doc.core_properties
    props.author = props.last_modified_by = "dd-pipeline"
    props.title = title
    props.created = props.modified = stamp
    props.revision = 1
    doc.add_heading(title, level=0)
    doc.add_paragraph("Draft language for discussion between the parties; it is not an offer and binds neither party.")
    for r in clauses.itertuples():
        doc.add_heading(f"{r.number}. {r.title}", level=1)
        for line in str(r.text).splitlines():
            if line.strip():
                doc.add_paragraph(line.strip())
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalize_zip(buffer.getvalue())
