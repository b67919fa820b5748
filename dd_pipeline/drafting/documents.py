"""Clause documents for legal: Markdown, Word and JSON, each clause with its drafting note."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dd_pipeline.drafting.clauses import ClauseDraft, DraftedClause
from dd_pipeline.findings import describe, party_names
from dd_pipeline.models import Deal, HomeOrganization
from dd_pipeline.outputs import atomic_write_bytes, atomic_write_text
from dd_pipeline.sanitize import markdown_text as md
from dd_pipeline.sanitize import xml_text as xml
from dd_pipeline.zipfiles import normalize_zip


@dataclass(frozen=True)
class NoteFacts:
    """The findings, scores and evidence behind the clauses."""

    gaps: pd.DataFrame  # one row per dimension: dimension_id, dimension_name, band, severity, scores, scale
    evidence: pd.DataFrame  # dimension_id, about_side, kind, observation, source, source_file, source_row
    findings: pd.DataFrame = field(default_factory=pd.DataFrame)  # the findings table of the deal
    parties: dict[str, str] = field(default_factory=party_names)

    def finding_lines(self, finding_ids: list[str]) -> list[str]:
        """Each finding behind a clause in words, with its band, severity and both organizations' scores."""
        if self.findings.empty:
            return []
        rows = self.findings.set_index("finding_id")
        gaps = self.gaps.set_index("dimension_id") if not self.gaps.empty else self.gaps
        lines = []
        for fid in finding_ids:
            if fid not in rows.index:
                continue
            f = rows.loc[fid]
            line = f"{describe(_Row(fid, f), self.parties)}: {f['band']} (severity {f['severity']:.1f})"
            d = f["dimension_id"]
            if f["kind"] in ("difference", "shortfall", "shared") and d in gaps.index:
                g = gaps.loc[d]
                line += (
                    f"; {self.parties['home']} {g['home_score']:.1f}, {self.parties['partner']} "
                    f"{g['partner_score']:.1f} on {int(g['scale_min'])}-{int(g['scale_max'])}"
                )
                if f["kind"] != "shared" and "overridden" in g and g["overridden"] is True:
                    line += (
                        f" [overridden by {g['override_author']} on {g['override_date']}: "
                        f"{g['override_reason']}; computed {g['computed_band']} ({g['computed_severity']:.1f})]"
                    )
            lines.append(line)
        return lines

    def evidence_lines(self, dims: list[str]) -> list[str]:
        if self.evidence.empty:
            return []
        rows = self.evidence[self.evidence["dimension_id"].isin(dims)]
        return [
            f'"{r.observation}" ({r.kind} about {r.about_side}; {r.source}; {r.source_file} row {r.source_row})'
            for r in rows.sort_values(["dimension_id", "source_file", "source_row"]).itertuples()
        ]


@dataclass(frozen=True)
class _Row:
    finding_id: str
    row: pd.Series

    def __getattr__(self, name: str) -> object:
        if name not in self.row.index:
            raise AttributeError(name)
        return self.row[name]


def paragraphs(text: str) -> list[str]:
    """Each line of a rendered clause is a paragraph (templates put one sub-clause per line)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _note(item: DraftedClause, facts: NoteFacts) -> list[str]:
    lines = [f"Why: {' '.join(item.clause.note.split())}", f"Included: {'; '.join(item.reasons)}."]
    if item.triggers:
        lines.append("Triggered by: " + "; ".join(item.triggers) + ".")
    found = facts.finding_lines(item.findings)
    if found:
        lines.append("Findings: " + "; ".join(found) + ".")
    ev = facts.evidence_lines(item.dimensions)
    if ev:
        lines.append("Evidence: " + "; ".join(ev) + ".")
    lines.append(f"Source: {item.clause.source}.")
    return lines


def _title(deal: Deal, home: HomeOrganization) -> str:
    return f"Draft clauses: {home.short_name} and {deal.partner_label}"


def clauses_markdown(deal: Deal, home: HomeOrganization, draft: ClauseDraft, facts: NoteFacts) -> str:
    # Every piece of text is escaped (markdown_text): names, notes and clause text come from the inputs.
    out = [
        f"# {md(_title(deal, home))}",
        "",
        f"Deal `{deal.deal_id}` ({md(draft.alliance_type.lower())}), term sheet "
        f"{long_date(deal.term_sheet_date)}, effective {long_date(deal.effective_date)}. Draft language for "
        "legal review, generated from the engagement due diligence; each clause is followed by a drafting "
        "note saying why it is here.",
        "",
    ]
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


NOTE_STYLE = "Drafting Note"
HEADER_TEXT = "Draft for legal review"
SUB_CLAUSE_MARK = re.compile(r"^\([a-z]{1,2}\)\s+")
SUB_CLAUSE_CAPTION = re.compile(r"^([A-Z][\w,'-]*(?: [\w,'-]+){0,5}\.)\s")  # "Establishment." opens a sub-clause


def long_date(day: dt.date) -> str:
    """Dates as the clauses write them: 1 June 2027."""
    return f"{day.day} {day:%B %Y}"


def clauses_docx(deal: Deal, home: HomeOrganization, draft: ClauseDraft, facts: NoteFacts) -> bytes:
    """Clauses numbered by Word itself (1., 1.1, 1.2), every drafting note in the "Drafting Note" style,
    a header saying it is a draft, page numbers in the footer, A4 or Letter as the deal asks."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Inches, Length, Mm, Pt, RGBColor

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
    note_style = doc.styles.add_style(NOTE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    note_style.base_style = normal
    note_style.quick_style = True
    note_style.font.italic = True
    note_style.font.size = Pt(9)
    note_style.font.color.rgb = RGBColor(0x44, 0x44, 0x44)
    note_style.paragraph_format.left_indent = Cm(1)
    note_style.paragraph_format.space_after = Pt(2)

    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    if deal.paper_for(home) == "Letter":
        section.page_width, section.page_height = Inches(8.5), Inches(11)
        margin: Length = Inches(1)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
        margin = Cm(2.5)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = margin
    header = section.header.paragraphs[0]
    header.text = HEADER_TEXT
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")

    # Word text is XML: characters XML cannot hold are left out (sanitize.xml_text) rather than failing.
    num_id = _clause_numbering(doc)
    heading = doc.add_heading(xml(_title(deal, home)), level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.LEFT
    intro = doc.add_paragraph()
    intro.add_run("DRAFT FOR LEGAL REVIEW. ").bold = True
    intro.add_run(
        xml(
            f"Deal {deal.deal_id} ({draft.alliance_type.lower()}), term sheet {long_date(deal.term_sheet_date)}, "
            f"effective {long_date(deal.effective_date)}. Each clause is followed by a drafting note naming the "
            f'findings and evidence that triggered it; the notes use the paragraph style "{NOTE_STYLE}", so that '
            "all of them can be selected, hidden or deleted at once."
        )
    )
    for item in draft.drafted:
        _numbered(doc.add_heading(xml(item.clause.title), level=1), num_id, 0)
        for para in paragraphs(item.text):
            text = SUB_CLAUSE_MARK.sub("", xml(para))
            paragraph = doc.add_paragraph()
            caption = SUB_CLAUSE_CAPTION.match(text)
            if caption:
                paragraph.add_run(caption.group(1)).bold = True
                text = text[caption.end(1) :]
            paragraph.add_run(text)
            _numbered(paragraph, num_id, 1)
        for i, line in enumerate(_note(item, facts)):
            label, _, body = line.partition(": ")
            note = doc.add_paragraph(style=NOTE_STYLE)
            if i == 0:
                note.add_run("Drafting note. ").bold = True
            note.add_run(xml(f"{label}: ")).bold = True
            note.add_run(xml(body))
    if draft.problems:
        doc.add_heading("Not drafted", level=1)
        for p in draft.problems:
            doc.add_paragraph(xml(p), style="List Bullet")
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalize_zip(buffer.getvalue())


def _field(paragraph, instruction: str) -> None:  # type: ignore[no-untyped-def]
    """A Word field (PAGE, NUMPAGES) that the word processor fills in as it lays out the pages."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str):  # type: ignore[no-untyped-def]
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    run = paragraph.add_run()
    run._r.append(char("begin"))
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    run._r.append(code)
    run._r.append(char("separate"))
    paragraph.add_run("1")  # shown until the word processor updates the field
    paragraph.add_run()._r.append(char("end"))


def _clause_numbering(doc) -> int:  # type: ignore[no-untyped-def]
    """Add a two-level list to numbering.xml: clauses 1., 2., sub-clauses 1.1, 1.2; returns its numId."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    numbering = doc.part.numbering_part.element
    abstract_ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    abstract_id = max(abstract_ids, default=-1) + 1
    levels = "".join(
        f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="567" w:hanging="567"/></w:pPr></w:lvl>'
        for level, text in ((0, "%1."), (1, "%1.%2"))
    )
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>'
    )
    existing = numbering.findall(qn("w:abstractNum"))
    if existing:
        existing[-1].addnext(abstract)
    else:
        numbering.insert(0, abstract)
    num = numbering.add_num(abstract_id)
    return int(num.numId)


def _numbered(paragraph, num_id: int, level: int) -> None:  # type: ignore[no-untyped-def]
    properties = paragraph._p.get_or_add_pPr()
    number = properties.get_or_add_numPr()
    number.get_or_add_ilvl().val = level
    number.get_or_add_numId().val = num_id


def write_clause_documents(
    folder: Path, deal: Deal, home: HomeOrganization, draft: ClauseDraft, facts: NoteFacts
) -> list[Path]:
    paths = [folder / "clauses.md", folder / "clauses.json", folder / "clauses.docx"]
    atomic_write_text(paths[0], clauses_markdown(deal, home, draft, facts))
    atomic_write_text(paths[1], clauses_json(deal, draft, facts))
    atomic_write_bytes(paths[2], clauses_docx(deal, home, draft, facts))
    return paths
