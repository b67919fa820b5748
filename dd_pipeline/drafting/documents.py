"""Clause documents for legal: Markdown, Word and JSON, each clause with its drafting note."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dd_pipeline.drafting.clauses import ClauseDraft, DraftedClause
from dd_pipeline.models import Deal, HomeOrganization
from dd_pipeline.outputs import atomic_write_bytes, atomic_write_text
from dd_pipeline.sanitize import markdown_text as md
from dd_pipeline.sanitize import xml_text as xml
from dd_pipeline.zipfiles import normalize_zip


@dataclass(frozen=True)
class NoteFacts:
    """The gaps and evidence behind the clauses, looked up by dimension id."""

    gaps: pd.DataFrame  # one row per dimension: dimension_id, dimension_name, band, severity, scores, scale
    evidence: pd.DataFrame  # dimension_id, about_side, kind, observation, source, source_file, source_row

    def gap_lines(self, dims: list[str]) -> list[str]:
        rows = self.gaps.set_index("dimension_id")
        lines = []
        for d in dims:
            if d not in rows.index:
                continue
            g = rows.loc[d]
            if pd.isna(g["severity"]):
                lines.append(f"{g['dimension_name']}: not scored")
                continue
            lines.append(
                f"{g['dimension_name']}: {g['band']} gap (severity {g['severity']:.1f}); home {g['home_score']:.1f}, "
                f"partner {g['partner_score']:.1f} on {int(g['scale_min'])}-{int(g['scale_max'])}"
                + (f" [overridden by {g['override_author']} on {g['override_date']}: {g['override_reason']}; "
                   f"computed {g['computed_band']} ({g['computed_severity']:.1f})]"
                   if "overridden" in g and g["overridden"] is True else "")
            )
        return lines

    def evidence_lines(self, dims: list[str]) -> list[str]:
        if self.evidence.empty:
            return []
        rows = self.evidence[self.evidence["dimension_id"].isin(dims)]
        return [
            f"\"{r.observation}\" ({r.kind} about {r.about_side}; {r.source}; {r.source_file} row {r.source_row})"
            for r in rows.sort_values(["dimension_id", "source_file", "source_row"]).itertuples()
        ]


def paragraphs(text: str) -> list[str]:
    """Each line of a rendered clause is a paragraph (templates put one sub-clause per line)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _note(item: DraftedClause, facts: NoteFacts) -> list[str]:
    lines = [f"Why: {' '.join(item.clause.note.split())}", f"Included: {'; '.join(item.reasons)}."]
    gap_lines = facts.gap_lines(item.dimensions)
    if gap_lines:
        lines.append("Gaps: " + "; ".join(gap_lines) + ".")
    ev = facts.evidence_lines(item.dimensions)
    if ev:
        lines.append("Evidence: " + "; ".join(ev) + ".")
    lines.append(f"Source: {item.clause.source}.")
    return lines


def _title(deal: Deal, home: HomeOrganization) -> str:
    return f"Draft clauses: {home.short_name} and {deal.partner_label}"


def clauses_markdown(deal: Deal, home: HomeOrganization, draft: ClauseDraft, facts: NoteFacts) -> str:
    # Every piece of text is escaped (markdown_text): names, notes and clause text come from the inputs.
    out = [f"# {md(_title(deal, home))}", "",
           f"Deal `{deal.deal_id}` ({md(draft.alliance_type.lower())}), term sheet {deal.term_sheet_date}, "
           f"effective {deal.effective_date}. Draft language for legal review, generated from the engagement "
           "due diligence; each clause is followed by a drafting note saying why it is here.", ""]
    for item in draft.drafted:
        out += [f"## {item.number}. {md(item.clause.title)}", ""]
        for para in paragraphs(item.text):
            out += [md(para), ""]
        note = _note(item, facts)
        out += ["> **Drafting note.** " + md(note[0])] + [f"> {md(line)}" for line in note[1:]]
        out.append("")
    if draft.problems:
        out += ["## Not drafted", ""]
        out += [f"- {md(p)}" for p in draft.problems]
        out.append("")
    return "\n".join(out)


def clauses_json(deal: Deal, draft: ClauseDraft, facts: NoteFacts) -> str:
    doc = {
        "deal_id": deal.deal_id,
        "clauses": [
            {
                "number": item.number,
                "id": item.clause.id,
                "title": item.clause.title,
                "topic": item.clause.topic,
                "text": item.text,
                "reasons": item.reasons,
                "mitigations": item.mitigations,
                "dimensions": item.dimensions,
                "parameters": item.parameters,
                "drafting_note": _note(item, facts),
            }
            for item in draft.drafted
        ],
        "not_drafted": [
            {"id": p.clause_id, "title": p.title, "missing_parameter": p.parameter, "message": p.message}
            for p in draft.problems
        ],
    }
    return json.dumps(doc, indent=2, sort_keys=False, ensure_ascii=False, default=str) + "\n"


def clauses_docx(deal: Deal, home: HomeOrganization, draft: ClauseDraft, facts: NoteFacts) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    doc = Document()
    stamp = dt.datetime.combine(deal.term_sheet_date, dt.time())
    props = doc.core_properties
    props.author = "dd-pipeline"
    props.last_modified_by = "dd-pipeline"
    props.title = xml(_title(deal, home))
    props.created = stamp
    props.modified = stamp
    props.revision = 1

    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)

    # Word text is XML: characters XML cannot hold are left out (sanitize.xml_text) rather than failing.
    heading = doc.add_heading(xml(_title(deal, home)), level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.LEFT
    intro = doc.add_paragraph()
    intro.add_run("DRAFT FOR LEGAL REVIEW. ").bold = True
    intro.add_run(xml(
        f"Deal {deal.deal_id} ({draft.alliance_type.lower()}), term sheet {deal.term_sheet_date}, "
        f"effective {deal.effective_date}. Each clause is followed by a drafting note naming the gaps and "
        "evidence that triggered it."
    ))
    for item in draft.drafted:
        doc.add_heading(xml(f"{item.number}. {item.clause.title}"), level=1)
        for para in paragraphs(item.text):
            doc.add_paragraph(xml(para))
        for i, line in enumerate(_note(item, facts)):
            label, _, body = line.partition(": ")
            note = doc.add_paragraph()
            note.paragraph_format.left_indent = Cm(0.75)
            note.paragraph_format.space_after = Pt(2)
            runs = []
            if i == 0:
                runs.append(note.add_run("Drafting note. "))
            runs.append(note.add_run(xml(f"{label}: ")))
            for run in runs:
                run.bold = True
            runs.append(note.add_run(xml(body)))
            for run in runs:
                run.italic = True
                run.font.size = Pt(9)
                run.font.color.rgb = RGBColor(0x44, 0x44, 0x44)
    if draft.problems:
        doc.add_heading("Not drafted", level=1)
        for p in draft.problems:
            doc.add_paragraph(xml(p), style="List Bullet")
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalize_zip(buffer.getvalue())


def write_clause_documents(
    folder: Path, deal: Deal, home: HomeOrganization, draft: ClauseDraft, facts: NoteFacts
) -> list[Path]:
    paths = [folder / "clauses.md", folder / "clauses.json", folder / "clauses.docx"]
    atomic_write_text(paths[0], clauses_markdown(deal, home, draft, facts))
    atomic_write_text(paths[1], clauses_json(deal, draft, facts))
    atomic_write_bytes(paths[2], clauses_docx(deal, home, draft, facts))
    return paths
