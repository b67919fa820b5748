"""Figures over time: the 100-day launch plan as a Gantt chart, and a deal's scores across reruns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dd_pipeline.reporting.chart_style import (
    BAND_COLOURS,
    BAND_EDGES,
    BANDS,
    GRID,
    HOME_COLOUR,
    INK,
    alpha,
    esc,
    missing,
    num,
    styled,
    wrap,
)

DAY_MS = 86_400_000
SEED_TASK = "#5B7A99"
MITIGATION_TASK = "#009E73"
MILESTONE = INK
MEETING = HOME_COLOUR


def _day(value: object) -> dt.date | None:
    if missing(value):
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _lanes(tasks: pd.DataFrame) -> list[int]:
    """Lane of each task inside its workstream so that tasks that overlap in time get their own row."""
    ends: list[dt.date] = []
    lanes = []
    for r in tasks.itertuples():
        start, end = _day(r.start_date), _day(r.end_date) or _day(r.start_date)
        for i, last in enumerate(ends):
            if start is not None and last < start:
                ends[i] = end  # type: ignore[assignment]
                lanes.append(i)
                break
        else:
            ends.append(end)  # type: ignore[arg-type]
            lanes.append(len(ends) - 1)
    return lanes


def _span(r: Any) -> tuple[dt.date, dt.date]:
    """The first and last day of a dated task row (a row without an end date lasts its start day)."""
    start = _day(r.start_date)
    if start is None:
        raise ValueError(f"task {r.task_id} has no start date")
    return start, _day(r.end_date) or start


def launch_plan(
    tasks: pd.DataFrame,
    effective: dt.date,
    milestone_days: Sequence[int],
    workstreams: Mapping[str, str],
    dimension_names: Mapping[str, str],
) -> go.Figure:
    """Gantt chart: one band of rows per workstream, tasks as bars, committee meetings and milestones as marks,
    and vertical lines at the day-30/60/90/100 points after the effective date."""
    order = {w: i for i, w in enumerate(workstreams)}
    dated = tasks[tasks["start_date"].notna()].copy()
    dated["_order"] = [order.get(w, len(order)) for w in dated["workstream"]]
    dated = dated.sort_values(["_order", "workstream", "start_date", "end_date", "task_id"], kind="stable")
    rows: list[tuple[int, Any]] = []
    ticks: list[tuple[int, str]] = []
    bands: list[tuple[int, int]] = []
    y = 0
    for workstream, part in dated.groupby(["_order", "workstream"], sort=True):
        lanes = _lanes(part)
        ticks.append((y, esc(workstreams.get(str(workstream[1]), str(workstream[1]).replace("_", " ").capitalize()))))
        bands.append((y, y + max(lanes)))
        rows += [(y + lane, r) for lane, r in zip(lanes, part.itertuples(), strict=True)]
        y += max(lanes) + 1

    fig = go.Figure()
    for name, colour, picked in (
        ("standard launch task", SEED_TASK, lambda r: r.kind == "task" and not str(r.origin).startswith("mitigation")),
        (
            "task added by a mitigation",
            MITIGATION_TASK,
            lambda r: r.kind == "task" and str(r.origin).startswith("mitigation"),
        ),
    ):
        part = [(lane, r) for lane, r in rows if picked(r)]
        fig.add_trace(
            go.Bar(
                orientation="h",
                name=name,
                y=[lane for lane, _ in part],
                base=[_span(r)[0].isoformat() for _, r in part],
                x=[(_span(r)[1] - _span(r)[0]).days * DAY_MS + DAY_MS for _, r in part],
                marker={"color": colour, "line": {"color": "white", "width": 1}},
                width=0.72,
                hoverinfo="text",
                hovertext=[_task_hover(r, workstreams, dimension_names) for _, r in part],
            )
        )
    meetings = [(lane, r) for lane, r in rows if r.kind != "task"]
    if meetings:
        fig.add_trace(
            go.Scatter(
                x=[_span(r)[0].isoformat() + " 12:00" for _, r in meetings],
                y=[lane for lane, _ in meetings],
                mode="markers",
                name="committee meeting",
                marker={"symbol": "circle", "size": 9, "color": MEETING, "line": {"color": "white", "width": 1}},
                hoverinfo="text",
                hovertext=[_task_hover(r, workstreams, dimension_names) for _, r in meetings],
            )
        )
    milestones = [(lane, r) for lane, r in rows if r.kind == "task" and r.milestone is True]
    if milestones:
        fig.add_trace(
            go.Scatter(
                x=[_span(r)[1].isoformat() + " 23:59" for _, r in milestones],
                y=[lane for lane, _ in milestones],
                mode="markers",
                name="milestone (end of task)",
                marker={"symbol": "diamond", "size": 11, "color": MILESTONE, "line": {"color": "white", "width": 1}},
                hoverinfo="text",
                hovertext=[_task_hover(r, workstreams, dimension_names) for _, r in milestones],
            )
        )
    for i, (first, last) in enumerate(bands):
        if i % 2 == 0:
            fig.add_shape(
                type="rect",
                xref="paper",
                x0=0,
                x1=1,
                y0=first - 0.5,
                y1=last + 0.5,
                fillcolor="#F5F7FA",
                line={"width": 0},
                layer="below",
            )
    for day in milestone_days:
        when = (effective + dt.timedelta(days=day)).isoformat()
        fig.add_shape(
            type="line", x0=when, x1=when, y0=0, y1=1, yref="paper", line={"color": INK, "width": 1.2, "dash": "dash"}
        )
        fig.add_annotation(
            x=when,
            y=1,
            yref="paper",
            yanchor="bottom",
            showarrow=False,
            text=f"<b>day {day}</b>",
            font={"size": 11, "color": INK},
            bgcolor="white",
        )
    start = effective - dt.timedelta(days=3)
    end = effective + dt.timedelta(days=max(milestone_days, default=100) + 7)
    fig.update_xaxes(
        type="date",
        range=[start.isoformat(), end.isoformat()],
        side="bottom",
        tickformat="%d %b",
        gridcolor=GRID,
        dtick=7 * DAY_MS,
        tick0=effective.isoformat(),
        tickfont={"size": 10},
    )
    fig.update_yaxes(
        tickvals=[t for t, _ in ticks],
        ticktext=[label for _, label in ticks],
        range=[y - 0.5, -0.7],
        showgrid=False,
        zeroline=False,
    )
    styled(fig, 150 + 21 * max(y, 1), top=70)
    fig.update_layout(barmode="overlay", margin={"l": 10, "r": 20, "t": 60, "b": 40})
    return fig


def _task_hover(t: Any, workstreams: Mapping[str, str], dimension_names: Mapping[str, str]) -> str:
    start, end = _day(t.start_date), _day(t.end_date)
    when = start.strftime("%d %b %Y") if start else "-"
    if end and end != start:
        when += f" to {end.strftime('%d %b %Y')}"
    lines = [
        f"<b>{wrap(t.title, 70)}</b>",
        f"{esc(workstreams.get(t.workstream, t.workstream))} · {when}",
        f"owner: {esc(t.owner_role or t.owner)}",
    ]
    if t.milestone is True:
        lines.append(f"milestone for day {t.milestone_day}")
    origin = str(t.origin or "")
    if origin.startswith("mitigation:"):
        lines.append(f"added by mitigation {esc(origin.split(':', 1)[1])}")
    gaps = str(t.addresses_gaps or "").split()
    if gaps:
        lines.append("addresses: " + wrap(", ".join(dimension_names.get(g, g) for g in gaps), 70))
    return "<br>".join(lines)


def risk_trend(runs: pd.DataFrame, rules: Mapping[str, float]) -> go.Figure:
    """The engagement-risk index across runs (a ``label`` per run, oldest first), over shaded band zones."""
    fig = go.Figure()
    lower = 0.0
    for band in reversed(BANDS):
        upper = rules.get(f"band_{_next(band)}", 100.0) if band != "critical" else 100.0
        fig.add_shape(
            type="rect",
            xref="paper",
            x0=0,
            x1=1,
            y0=lower,
            y1=upper,
            layer="below",
            fillcolor=alpha(BAND_COLOURS[band], 0.16),
            line={"width": 0},
        )
        fig.add_annotation(
            xref="paper",
            x=1,
            xanchor="right",
            y=(lower + upper) / 2,
            showarrow=False,
            text=band,
            font={"size": 11, "color": BAND_EDGES[band]},
        )
        lower = upper
    fig.add_trace(
        go.Scatter(
            x=[esc(v) for v in runs["label"]],
            y=list(runs["risk_index"]),
            mode="lines+markers+text",
            name="engagement-risk index",
            line={"color": INK, "width": 2.5},
            marker={"size": 9, "color": INK},
            text=[num(v) for v in runs["risk_index"]],
            textposition="top center",
            cliponaxis=False,
            hoverinfo="text",
            hovertext=[
                f"{esc(r.label)}<br>risk index {num(r.risk_index)} ({esc(r.band)})<br>"
                f"{r.critical_gaps} critical, {r.high_gaps} high, {r.uncovered_gaps} uncovered gaps"
                for r in runs.itertuples()
            ],
        )
    )
    fig.update_yaxes(range=[0, 100], title_text="risk index")
    fig.update_xaxes(type="category", showgrid=False)
    return styled(fig, 300, legend=False, top=20)


PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
SYMBOLS = ("circle", "diamond", "square", "triangle-up", "x", "star", "cross")


def gap_trend(gap_runs: pd.DataFrame, runs: pd.DataFrame, gaps: pd.DataFrame) -> go.Figure:
    """Severity of the given gaps (today's largest) in each run; ``gap_runs`` has run_id, dimension_id,
    severity and band, ``runs`` a ``label`` per run_id."""
    fig = go.Figure()
    labels = {r.run_id: esc(r.label) for r in runs.itertuples()}
    for i, r in enumerate(gaps.itertuples()):
        part = gap_runs[gap_runs["dimension_id"] == r.dimension_id]
        part = part.set_index("run_id").reindex([run for run in labels if run in set(part["run_id"])]).reset_index()
        fig.add_trace(
            go.Scatter(
                x=[labels[run] for run in part["run_id"]],
                y=list(part["severity"]),
                mode="lines+markers",
                name=esc(r.dimension_name),
                line={"color": PALETTE[i % len(PALETTE)], "width": 2},
                marker={"symbol": SYMBOLS[i % len(SYMBOLS)], "size": 9},
                hoverinfo="text",
                hovertext=[
                    f"<b>{esc(r.dimension_name)}</b><br>{labels[h.run_id]}: severity {num(h.severity)} ({esc(h.band)})"
                    for h in part.itertuples()
                ],
            )
        )
    fig.update_yaxes(range=[0, 100], title_text="severity")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=list(labels.values()), showgrid=False)
    return styled(fig, 320, top=40)


def _next(band: str) -> str:
    return {"low": "moderate", "moderate": "high", "high": "critical"}.get(band, "critical")
