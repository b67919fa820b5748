"""One deal's gap dashboard: outputs/<deal_id>/dashboard.html, a self-contained page that works offline.

The page is a sandboxed jinja2 template with autoescaping; the figures are plotly divs with stable ids,
and plotly.js itself is written once to outputs/plotly.min.js and shared by every page (a clean-team deal's
pages load the copy in its clean-team root).
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go
from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

import dd_pipeline
from dd_pipeline.findings import KIND_LABELS, describe, render_side_text
from dd_pipeline.maturity.profile import load_profile
from dd_pipeline.models import FindingKind
from dd_pipeline.outputs import atomic_write_text
from dd_pipeline.playbook import Playbook
from dd_pipeline.reporting import chart_style as style
from dd_pipeline.reporting import figures as fx
from dd_pipeline.reporting import timelines
from dd_pipeline.reporting.deal_view import DealView, load_deal_view
from dd_pipeline.reporting.maturity_figures import maturity_context
from dd_pipeline.reporting.network_figures import network_picture, network_section
from dd_pipeline.reporting.network_tables import NETWORK_FILES
from dd_pipeline.settings import Settings
from dd_pipeline.warehouse.network import network_frames

PLOTLY_JS = "plotly.min.js"
DASHBOARD = "dashboard.html"
TEMPLATES = Path(__file__).parent / "templates"
# The files every run writes into the deal's folder (changes.md right after the dashboard): linked from the page.
DEAL_FILES = (
    "gaps.csv",
    "category_scores.csv",
    "perception_gaps.csv",
    "internal_disagreement.csv",
    "challenges.csv",
    "maturity.csv",
    "mitigations.csv",
    "clauses.docx",
    "clauses.md",
    "launch_plan.xlsx",
    "launch_plan.ics",
    "changes.md",
)
SECTIONS = (
    ("findings", "Findings"),
    ("categories", "By category"),
    ("gaps", "Gaps"),
    ("perception", "Perception"),
    ("disagreement", "Disagreement"),
    ("maturity", "Maturity"),
    ("network", "Network"),
    ("challenges", "Challenges"),
    ("mitigations", "Mitigations"),
    ("clauses", "Clauses"),
    ("launch-plan", "Launch plan"),
    ("data-quality", "Data quality"),
    ("trend", "Trend"),
)
TOP_GAPS = 10
TOP_FINDINGS = 15
POSITIONS = 15


@cache
def environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def embed(fig: go.Figure, div_id: str) -> Markup:
    """A plotly figure as a div with a stable id (no random ids: the same data gives the same bytes)."""
    return Markup(fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config=style.CONFIG))


def write_plotly_js(outputs_dir: Path) -> Path:
    """outputs/plotly.min.js from plotly's bundled copy; rewritten only when it differs."""
    from plotly.offline import get_plotlyjs

    path = outputs_dir / PLOTLY_JS
    text = get_plotlyjs()
    if not path.is_file() or hashlib.sha256(path.read_bytes()).digest() != hashlib.sha256(text.encode()).digest():
        atomic_write_text(path, text)
    return path


def write_dashboard(
    con: duckdb.DuckDBPyConnection, settings: Settings, deal_id: str, playbook: Playbook, folder: Path | None = None
) -> Path:
    """Render the deal's dashboard from the warehouse and write it into ``folder`` (the deal's output folder
    unless given) and the shared plotly.min.js."""
    page = render_dashboard(
        load_deal_view(con, deal_id), playbook, load_profile(con, deal_id), network_frames(con, deal_id)
    )
    path = (folder or settings.deal_outputs(deal_id)) / DASHBOARD
    write_plotly_js(settings.outputs_root(deal_id))  # next to the deal's folder: the page loads ../plotly.min.js
    atomic_write_text(path, page)
    return path


def render_dashboard(
    view: DealView,
    playbook: Playbook,
    maturity: pd.DataFrame | None = None,
    network: dict[str, pd.DataFrame] | None = None,
) -> str:
    context = dashboard_context(view, playbook, network)
    context.update(maturity_context(maturity, view.parties, playbook, embed))
    return environment().get_template("dashboard.html.j2").render(**context)


def dashboard_context(
    view: DealView, playbook: Playbook, network: dict[str, pd.DataFrame] | None = None
) -> dict[str, Any]:
    home, partner = view.home_label, view.partner_label
    labels = {"home": home, "partner": partner}
    rules = view.rules
    names = style.names_of(view.gaps, "dimension_id", "dimension_name")
    alliance = {t.id: t.name for t in playbook.alliance_types}.get(
        view.deal.alliance_type, view.deal.alliance_type.replace("_", " ")
    )
    figures: dict[str, Markup | None] = {
        "category_profile": embed(fx.category_profile(view.categories, home, partner), "fig-category-profile"),
        "category_risk": embed(fx.category_risk(view.categories, rules), "fig-category-risk"),
        "gap_ranking": embed(fx.gap_ranking(view.gaps, rules, home, partner), "fig-gaps"),
        "gap_positions": embed(fx.gap_positions(view.gaps, home, partner, POSITIONS), "fig-gap-positions"),
        **{
            f"perception_{side}": embed(fx.perception(view.perception, side, labels), f"fig-perception-{side}")
            if (view.perception["rated_side"] == side).any()
            else None
            for side in labels
        },
        **{
            f"disagreement_{side}": embed(
                fx.disagreement(view.disagreement, side, labels[side], rules.get("disagreement_threshold", 0.4)),
                f"fig-disagreement-{side}",
            )
            if ((view.disagreement["side"] == side) & view.disagreement["spread"].notna()).any()
            else None
            for side in labels
        },
        "challenges": embed(fx.challenges(view.challenges, names), "fig-challenges"),
        "coverage": embed(fx.coverage(view.findings, view.matches), "fig-coverage"),
        "launch_plan": embed(
            timelines.launch_plan(
                view.tasks,
                view.deal.effective_date,
                playbook.launch_plan.milestone_days,
                {w.id: w.name for w in playbook.launch_plan.workstreams},
                names,
            ),
            "fig-launch-plan",
        )
        if not view.tasks.empty
        else None,
        "respondents": embed(fx.respondents(view.respondents, home, partner), "fig-respondents")
        if not view.respondents.empty
        else None,
    }
    trend = _trend(view, figures)
    net = network_section(network, view.parties)  # network_figures.py; None without people.csv
    figures["network"] = (
        embed(network_picture(network["people"], network["ties"], home, partner), "fig-network")
        if net and network
        else None
    )
    sections = [s for s in SECTIONS if (s[0] != "trend" or trend) and (s[0] != "network" or net)]
    return {
        "version": getattr(dd_pipeline, "__version__", ""),
        "plotly_src": f"../{PLOTLY_JS}",
        "deal_id": view.deal_id,
        "home": home,
        "partner": partner,
        "partner_full": view.deal.partner,
        "home_full": view.home.name,
        "alliance_type": alliance,
        "description": view.deal.description.strip(),
        "term_sheet": _date(view.deal.term_sheet_date),
        "effective": _date(view.deal.effective_date),
        "home_manager": view.deal.home_alliance_manager.name,
        "partner_manager": view.deal.partner_alliance_manager.name,
        "score": _score(view),
        "sections": sections,
        "figures": figures,
        "top_findings": _top_findings(view),
        "finding_counts": _finding_counts(view),
        "agreement_views": _agreement_views(view),
        "rag_red": style.num(rules.get("agreement_red", 2.5), 2),
        "rag_green": style.num(rules.get("agreement_green", 3.0), 2),
        "top_gaps": _top_gaps(view),
        "positions_count": min(POSITIONS, int(view.gaps["severity"].notna().sum())),
        "unscored": [str(n) for n in view.gaps.loc[view.gaps["severity"].isna(), "dimension_name"]],
        "perception_threshold": style.num(rules.get("perception_threshold", 0.25), 2),
        "perception_flagged": {
            side: int(((view.perception["rated_side"] == side) & view.perception["flagged"]).sum())
            for side in ("home", "partner")
        },
        "disagreement_threshold": style.num(rules.get("disagreement_threshold", 0.4), 2),
        "divided": [
            {
                "side": r.side,
                "label": view.side_label(r.side),
                "name": r.dimension_name,
                "low": f"{r.lowest_division} {style.num(r.lowest_mean, 2)}",
                "high": f"{r.highest_division} {style.num(r.highest_mean, 2)}",
            }
            for r in view.disagreement.itertuples()
            if r.flagged is True
        ],
        "challenges_shown": min(10, len(view.challenges)),
        "uncovered": [
            {
                "name": describe(r, view.parties) if isinstance(r.kind, str) else r.dimension_name,
                "band": r.band,
                "severity": style.num(r.severity),
            }
            for r in view.uncovered.itertuples()
        ],
        "mitigations": _mitigations(view, playbook),
        "clauses": [
            {
                "number": r.number,
                "title": r.title,
                "text": r.text,
                "reasons": r.reasons,
                "gaps": [names.get(d, d) for d in str(r.dimensions or "").split()],
            }
            for r in view.clauses.itertuples()
        ],
        "clause_problems": [{"title": r.title, "message": r.message} for r in view.clause_problems.itertuples()],
        "plan": _plan(view, playbook),
        "quality": _quality(view),
        "trend": trend,
        "network": net,
        "files": DEAL_FILES + (NETWORK_FILES if net else ()),
        "fingerprints": {
            "inputs": view.input_fingerprint[:12] or "-",
            "playbook": view.playbook_fingerprint[:12] or "-",
        },
    }


def _date(value: object) -> str:
    return pd.Timestamp(value).strftime("%d %b %Y") if not style.missing(value) else "-"


def _score(view: DealView) -> dict[str, object]:
    s, rules = view.score, view.rules
    band = s.get("band") if isinstance(s.get("band"), str) else None
    top_k, share = int(rules.get("top_k", 5)), rules.get("top_share", 0.6)
    return {
        "risk_index": style.num(s.get("risk_index")),
        "band": band,
        "explain": f"{share:.0%} the mean of the {top_k} worst findings ({style.num(s.get('top_mean'))}), "
        f"{1 - share:.0%} the weighted mean of all ({style.num(s.get('weighted_mean'))})",
        "critical_gaps": s.get("critical_gaps", 0),
        "high_gaps": s.get("high_gaps", 0),
        "critical_from": f"{rules.get('band_critical', 70):g}",
        "high_from": f"{rules.get('band_high', 45):g}",
        "uncovered": len(view.uncovered),
        "scored": s.get("dimensions_scored", 0),
        "total": s.get("dimensions_total", 0),
        "home_respondents": s.get("home_respondents", 0),
        "partner_respondents": s.get("partner_respondents", 0),
    }


def _top_findings(view: DealView) -> list[dict[str, object]]:
    """The most severe findings of every kind, in words that name the organizations."""
    rows = view.findings.head(TOP_FINDINGS)
    return [
        {
            "rank": int(r.rank),
            "text": describe(r, view.parties),
            "kind": KIND_LABELS[FindingKind(r.kind)],
            "kind_id": r.kind,
            "side": view.side_label(r.side) if isinstance(r.side, str) else "both",
            "severity": style.num(r.severity),
            "band": r.band,
            "confidence": style.num(r.confidence, 2),
            "size": style.num(r.size_scale, 2),
            # a network finding has no answer scale
            "scale": "-" if style.missing(r.scale_min) else f"{int(r.scale_min)}-{int(r.scale_max)}",
        }
        for r in rows.itertuples()
    ]


def _finding_counts(view: DealView) -> list[dict[str, object]]:
    f = view.findings
    out = []
    for kind in FindingKind:
        part = f[f["kind"] == kind.value]
        out.append(
            {"kind": KIND_LABELS[kind], "total": len(part), "high": int(part["band"].isin(["high", "critical"]).sum())}
        )
    return out


def _agreement_views(view: DealView) -> list[dict[str, object]]:
    """Red/amber/green of both views of each organization on every agreement item (the internal vs partner
    survey comparison): how each rates itself and how the other side rates it."""
    g = view.gaps[view.gaps["scale_kind"] == "agreement"]

    def rag(value: object) -> str | None:
        return value if isinstance(value, str) else None

    return [
        {
            "name": r.dimension_name,
            "home_self": (style.num(r.home_score if r.home_basis == "self" else None, 2), rag(r.home_rag)),
            "home_other": (style.num(r.home_other_score, 2), rag(r.home_other_rag)),
            "partner_self": (style.num(r.partner_score if r.partner_basis == "self" else None, 2), rag(r.partner_rag)),
            "partner_other": (style.num(r.partner_other_score, 2), rag(r.partner_other_rag)),
        }
        for r in g.itertuples()
        if not (style.missing(r.home_score) and style.missing(r.partner_score))
    ]


def _top_gaps(view: DealView) -> list[dict[str, object]]:
    rows = view.gaps[view.gaps["severity"].notna()].sort_values("rank").head(TOP_GAPS)
    return [
        {
            "rank": int(r.rank),
            "name": r.dimension_name,
            "category": r.category_name,
            "home": style.num(r.home_score, 2),
            "partner": style.num(r.partner_score, 2),
            "scale": f"{int(r.scale_min)}-{int(r.scale_max)}",
            "severity": style.num(r.severity),
            "band": r.band,
            "confidence": style.num(r.confidence, 2),
            "evidence": r.evidence_count,
            "overridden": r.overridden is True,
            "override": f"computed {style.num(r.computed_severity)}; {r.override_author}, {_date(r.override_date)}: "
            f"{r.override_reason}"
            if r.overridden is True
            else "",
        }
        for r in rows.itertuples()
    ]


def _mitigations(view: DealView, playbook: Playbook) -> list[dict[str, object]]:
    by_id = {m.id: m for m in playbook.mitigations}
    selected = view.matches[view.matches["status"] == "selected"]
    out = []
    for mitigation_id, part in selected.groupby("mitigation_id", sort=False):
        m = by_id.get(str(mitigation_id))
        first = part.iloc[0]
        sides = set(str(first["sides"] or "").split())
        owner = str(first["owner_side"] or "joint")
        gaps = [
            {"name": r.reason, "band": r.finding_band if isinstance(r.finding_band, str) else None}
            for r in part.itertuples()
            if isinstance(r.reason, str) and r.reason
        ]
        out.append(
            {
                "rank": int(part["rank"].min()),
                "title": render_side_text(m.title, sides, view.parties) if m else mitigation_id,
                "owner": view.side_label(owner) if owner in ("home", "partner") else "joint",
                "kind": m.type.value.replace("_", " ") if m else "",
                "effort": m.effort.value if m else "",
                "gaps": gaps,
            }
        )
    return sorted(out, key=lambda m: (m["rank"], str(m["title"])))


def _plan(view: DealView, playbook: Playbook) -> dict[str, object]:
    tasks = view.tasks
    work = tasks[tasks["kind"] == "task"]
    last = work["end_date"].dropna().max() if not work.empty else None
    return {
        "tasks": len(work),
        "workstreams": work["workstream"].nunique(),
        "milestones": int(work["milestone"].fillna(False).astype(bool).sum()),
        "meetings": int((tasks["kind"] == "meeting").sum()),
        "from_mitigations": int(work["origin"].fillna("").str.startswith("mitigation").sum()),
        "last_end": _date(last),
        "days": list(playbook.launch_plan.milestone_days),
    }


def _quality(view: DealView) -> dict[str, object]:
    gaps, problems = view.gaps, view.problems
    total = len(gaps)
    errors = int((problems["severity"] == "error").sum())
    warnings = len(problems) - errors
    cards = [
        {
            "label": f"{view.home_label} respondents",
            "value": view.score.get("home_respondents", 0),
            "sub": f"answered {int((gaps['home_n'] > 0).sum())} of {total} dimensions",
        },
        {
            "label": f"{view.partner_label} respondents",
            "value": view.score.get("partner_respondents", 0),
            "sub": f"answered {int((gaps['partner_n'] > 0).sum())} of {total} dimensions",
        },
        {"label": "Errors", "value": errors, "sub": "block scoring until fixed"},
        {"label": "Warnings", "value": warnings, "sub": "thin data lowers confidence"},
        {"label": "Rows set aside", "value": len(view.quarantine), "sub": "quarantined, not scored"},
    ]
    return {
        "cards": cards,
        "problems": [
            {
                "severity": r.severity,
                "file": r.file,
                "row": _row(r.row_number),
                "field": r.field or "",
                "value": r.value or "",
                "message": r.message,
            }
            for r in problems.itertuples()
        ],
        "quarantine": [
            {
                "file": r.source_file,
                "row": _row(r.source_row),
                "field": r.field or "",
                "value": r.value or "",
                "reason": r.reason,
            }
            for r in view.quarantine.itertuples()
        ],
    }


def _row(value: object) -> object:
    return "" if style.missing(value) else int(value)  # type: ignore[call-overload]


def _trend(view: DealView, figures: dict[str, Markup | None]) -> dict[str, object] | None:
    """The trend section, once the deal has two or more recorded runs that differ: each recorded state, then
    this run's. A run that changed nothing adds no point, so rerunning the same inputs gives the same page."""
    if len(view.history) < 2:
        return None
    s = view.score
    current = {
        "run_id": "",
        "label": "this run",
        "risk_index": s.get("risk_index"),
        "band": s.get("band"),
        "critical_gaps": s.get("critical_gaps"),
        "high_gaps": s.get("high_gaps"),
        "uncovered_gaps": len(view.uncovered),
    }
    runs = [
        {
            **r,
            "label": f"run {r['sequence']}"
            + ("" if style.missing(r["recorded_at"]) else f" · {pd.Timestamp(r['recorded_at']):%d %b %Y %H:%M} UTC"),
        }
        for r in view.history.to_dict("records")
    ]
    severities = {
        run: dict(zip(part["dimension_id"], part["severity"], strict=True))
        for run, part in view.history_gaps.groupby("run_id", sort=False)
    }
    severities[""] = dict(zip(view.gaps["dimension_id"], view.gaps["severity"], strict=True))
    points: list[dict[str, object]] = []
    for run in [*runs, current]:
        state = _state(run, severities.get(str(run["run_id"]), {}))
        if points and points[-1]["state"] == state:
            continue
        points.append({**run, "state": state})
    if len(points) < 2:
        return None
    frame = pd.DataFrame(points).drop(columns="state")
    gap_runs = pd.DataFrame(
        [(run, dimension, severity) for run, values in severities.items() for dimension, severity in values.items()],
        columns=["run_id", "dimension_id", "severity"],
    )
    bands = pd.concat(
        [view.history_gaps[["run_id", "dimension_id", "band"]], view.gaps[["dimension_id", "band"]].assign(run_id="")],
        ignore_index=True,
    )
    gap_runs = gap_runs.merge(bands, on=["run_id", "dimension_id"], how="left")
    top = view.gaps[view.gaps["severity"].notna()].sort_values("rank").head(5)
    figures["risk_trend"] = embed(timelines.risk_trend(frame, view.rules), "fig-trend-risk")
    figures["gap_trend"] = embed(timelines.gap_trend(gap_runs, frame, top), "fig-trend-gaps")
    return {"points": len(points), "runs": len(view.history)}


def _state(run: dict[str, object], severities: dict[str, object]) -> tuple[object, ...]:
    """What a run's point shows: the index, the gap counts and every gap's severity."""
    values = tuple(
        sorted(
            (k, None if style.missing(v) else round(float(v), 1))  # type: ignore[arg-type]
            for k, v in severities.items()
        )
    )
    index = None if style.missing(run["risk_index"]) else round(float(run["risk_index"]), 1)  # type: ignore[arg-type]
    return (index, run["band"], run["critical_gaps"], run["high_gaps"], run["uncovered_gaps"], values)
