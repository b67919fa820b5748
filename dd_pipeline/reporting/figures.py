"""Plotly figures of one deal's gaps (and of the portfolio), built from the warehouse's DataFrames."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dd_pipeline.reporting.chart_style import (
    BAND_COLOURS,
    BAND_EDGES,
    BANDS,
    GRID,
    INK,
    MUTED,
    NO_BAND,
    ROW,
    alpha,
    band_label,
    esc,
    missing,
    num,
    ranked_axis,
    scale_axis,
    side_colour,
    styled,
    threshold_lines,
    wrap,
)


def category_profile(categories: pd.DataFrame, home: str, partner: str) -> go.Figure:
    """Radar of each side's average position per category (0 = low end of every scale, 1 = high end)."""
    fig = go.Figure()
    names = [wrap(n, 14) for n in categories["category_name"]]
    for side, label, column in (("home", home, "home_mean"), ("partner", partner, "partner_mean")):
        values = [None if missing(v) else round(float(v), 3) for v in categories[column]]
        hover = [
            f"<b>{esc(r.category_name)}</b><br>{esc(label)}: {num(getattr(r, column), 2)} "
            f"(0 = low end, 1 = high end of the scales)<br>mean gap between the two: {num(r.mean_abs_gap, 2)}"
            for r in categories.itertuples()
        ]
        fig.add_trace(
            go.Scatterpolar(
                r=[*values, values[0]] if values else [],
                theta=[*names, names[0]] if names else [],
                name=esc(label),
                mode="lines+markers",
                line={"color": side_colour(side), "width": 2.5},
                marker={"symbol": "circle" if side == "home" else "diamond", "size": 9},
                fill="toself",
                fillcolor=alpha(side_colour(side), 0.08),
                hovertext=[*hover, hover[0]] if hover else [],
                hoverinfo="text",
            )
        )
    fig.update_layout(
        polar={
            "domain": {"x": [0.14, 0.86], "y": [0, 1]},
            "bgcolor": "white",
            # first category at the top, clockwise; the radial scale drawn between two spokes
            "radialaxis": {
                "range": [0, 1],
                "tickvals": [0.25, 0.5, 0.75, 1],
                "angle": 54,
                "tickangle": 54,
                "gridcolor": GRID,
                "tickfont": {"size": 10, "color": MUTED},
            },
            "angularaxis": {"gridcolor": GRID, "tickfont": {"size": 12}, "rotation": 90, "direction": "clockwise"},
        }
    )
    styled(fig, 440, top=50)
    fig.update_layout(margin={"l": 30, "r": 30, "t": 50, "b": 50}, legend={"y": 0, "yanchor": "bottom"})
    return fig


def category_risk(categories: pd.DataFrame, rules: Mapping[str, float]) -> go.Figure:
    """Severity rolled up per category, coloured and labelled by band."""
    ordered = categories.sort_values(["score", "category_id"], ascending=[False, True], na_position="last")
    labels = [esc(n) for n in ordered["category_name"]]
    fig = go.Figure()
    for band in (*BANDS, None):
        rows = [
            (i, r) for i, r in enumerate(ordered.itertuples()) if (r.band if isinstance(r.band, str) else None) == band
        ]
        if not rows:
            continue
        fig.add_trace(
            go.Bar(
                orientation="h",
                y=[i for i, _ in rows],
                x=[0 if missing(r.score) else r.score for _, r in rows],
                name=band_label(band),
                marker={
                    "color": BAND_COLOURS.get(band or "", NO_BAND),
                    "line": {"color": BAND_EDGES.get(band or "", MUTED), "width": 1},
                },
                text=[
                    band_label(band) if missing(r.score) else f"{num(r.score)} · {band_label(band)}" for _, r in rows
                ],
                textposition="outside",
                cliponaxis=False,
                hoverinfo="text",
                hovertext=[
                    f"<b>{esc(r.category_name)}</b>: score {num(r.score)} ({band_label(band)})<br>"
                    f"worst gap {num(r.max_severity)}: {esc(r.top_dimension_name)}<br>"
                    f"{r.critical_gaps} critical and {r.high_gaps} high gaps; "
                    f"{r.dimensions_scored} of {r.dimensions_total} dimensions scored"
                    for _, r in rows
                ],
            )
        )
    ranked_axis(fig, labels)
    fig.update_xaxes(range=[0, 125], title_text="category score (0-100)")
    threshold_lines(fig, rules, top_label=False)
    styled(fig, 120 + 44 * len(labels), legend=False, top=30)
    fig.update_layout(barmode="overlay", bargap=0.35)
    return fig


def _severity_formula(g: Any, floor: float) -> str:
    """The severity formula with this gap's numbers in it, then the result (and an override, if any)."""
    text = (
        f"severity = 100 × min(1, gap {num(g.effective_gap, 3)} × weight {num(g.weight, 2)}) × "
        f"({floor:g} + {1 - floor:g} × confidence {num(g.confidence, 3)})"
    )
    if not missing(getattr(g, "size_factor", None)) and not missing(getattr(g, "confidence_factor", None)):
        # the two factors as gaps.sql computed them: nothing here recomputes the formula
        text += f"<br>= 100 × {float(g.size_factor):.3f} × {float(g.confidence_factor):.3f}"
    if getattr(g, "overridden", False) is True:
        text += (
            f" = {num(g.computed_severity)}<br><b>overridden</b> to {num(g.severity)} "
            f"({esc(g.band)}) by {esc(g.override_author)}, {esc(g.override_date)}:<br>"
            f"{wrap(g.override_reason)}"
        )
    else:
        text += f" = {num(g.severity)}"
    return text


DIRECTION_TEXT = {
    "symmetric": "a style: a difference either way counts",
    "higher_is_better": "higher is better: the lower side falls short",
    "lower_is_better": "lower is better: the higher side falls short",
}


def gap_hover(r: Any, home: str, partner: str, floor: float) -> str:
    """Every input of one gap's severity: both scores with their answers, weight, confidence, formula."""
    scale = f"{int(r.scale_min)}-{int(r.scale_max)}"
    return "<br>".join(
        [
            f"<b>{esc(r.dimension_name)}</b> ({esc(r.category_name)})",
            f"rank {r.rank} · severity {num(r.severity)} · <b>{band_label(r.band)}</b>",
            f"{esc(home)}: {num(r.home_score, 2)} on {scale} (n={r.home_n}: {esc(r.home_answers)})",
            f"{esc(partner)}: {num(r.partner_score, 2)} on {scale} (n={r.partner_n}: {esc(r.partner_answers)})",
            f"{int(r.scale_min)} = {wrap(r.low_label, 60)}",
            f"{int(r.scale_max)} = {wrap(r.high_label, 60)}",
            f"gap {num(r.effective_gap, 3)} of the scale ({DIRECTION_TEXT.get(str(r.direction), esc(r.direction))})"
            + (
                f"; <b>{esc(home if r.short_side == 'home' else partner)} falls short</b>"
                if isinstance(getattr(r, "short_side", None), str)
                else ""
            ),
            _severity_formula(r, floor),
        ]
    )


def gap_ranking(gaps: pd.DataFrame, rules: Mapping[str, float], home: str, partner: str) -> go.Figure:
    """Every scored dimension's gap, ranked, coloured and labelled by band; hover shows the formula."""
    scored = gaps[gaps["severity"].notna()].sort_values("rank")
    floor = rules.get("severity_floor", 0.5)
    labels = [f"{int(r.rank)}. {esc(r.dimension_name)}" for r in scored.itertuples()]
    fig = go.Figure()
    for band in BANDS:
        rows = [(i, r) for i, r in enumerate(scored.itertuples()) if r.band == band]
        if not rows:
            continue
        fig.add_trace(
            go.Bar(
                orientation="h",
                y=[i for i, _ in rows],
                x=[r.severity for _, r in rows],
                name=f"{band} (from {rules.get('band_' + band, 0):g})" if band != "low" else "low",
                marker={"color": BAND_COLOURS[band], "line": {"color": BAND_EDGES[band], "width": 1}},
                text=[
                    f"{num(r.severity)} · {band}" + (" · overridden" if r.overridden is True else "") for _, r in rows
                ],
                textposition="outside",
                cliponaxis=False,
                textfont={"size": 11, "color": INK},
                hovertext=[gap_hover(r, home, partner, floor) for _, r in rows],
                hoverinfo="text",
            )
        )
    ranked_axis(fig, labels)
    fig.update_xaxes(range=[0, 122], side="top", title_text="severity (0-100)", title_standoff=4)
    threshold_lines(fig, rules, top_label=False)
    styled(fig, 110 + ROW * max(len(labels), 1), top=90)
    fig.update_layout(barmode="overlay", bargap=0.22, margin={"l": 10, "r": 20, "t": 80, "b": 20})
    return fig


def _connect(fig: go.Figure, left: pd.Series, right: pd.Series) -> None:
    """The grey bar between two positions on each row of a dumbbell chart (row i at y = i)."""
    xs: list[float | None] = []
    ys: list[int | None] = []
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        xs += [a, b, None]
        ys += [i, i, None]
    fig.add_trace(
        go.Scatter(x=xs, y=ys, mode="lines", line={"color": "#9AA5B1", "width": 3}, hoverinfo="skip", showlegend=False)
    )


def gap_positions(gaps: pd.DataFrame, home: str, partner: str, top: int = 15) -> go.Figure:
    """Where each side stands on the scales of the worst gaps (0 = low end, 1 = high end)."""
    rows = gaps[gaps["severity"].notna()].sort_values("rank").head(top)
    labels = [f"{int(r.rank)}. {esc(r.dimension_name)}" for r in rows.itertuples()]
    fig = go.Figure()
    _connect(fig, rows["home_norm"], rows["partner_norm"])
    for side, label in (("home", home), ("partner", partner)):
        hover = [
            f"<b>{esc(r.dimension_name)}</b><br>{esc(label)}: {num(getattr(r, side + '_score'), 2)} "
            f"on {int(r.scale_min)}-{int(r.scale_max)} (n={getattr(r, side + '_n')})<br>"
            f"{int(r.scale_min)} = {wrap(r.low_label, 60)}<br>{int(r.scale_max)} = {wrap(r.high_label, 60)}"
            for r in rows.itertuples()
        ]
        fig.add_trace(
            go.Scatter(
                x=list(rows[f"{side}_norm"]),
                y=list(range(len(rows))),
                mode="markers",
                name=esc(label),
                marker={
                    "color": side_colour(side),
                    "size": 13,
                    "symbol": "circle" if side == "home" else "diamond",
                    "line": {"color": "white", "width": 1},
                },
                hovertext=hover,
                hoverinfo="text",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[1.07] * len(rows),
            y=list(range(len(rows))),
            mode="markers+text",
            showlegend=False,
            marker={
                "symbol": "square",
                "size": 11,
                "color": [BAND_COLOURS.get(b, NO_BAND) for b in rows["band"]],
                "line": {"color": [BAND_EDGES.get(b, MUTED) for b in rows["band"]], "width": 1},
            },
            text=[f"{esc(b)} {num(s)}" for b, s in zip(rows["band"], rows["severity"], strict=True)],
            textposition="middle right",
            textfont={"size": 11},
            hoverinfo="skip",
            cliponaxis=False,
        )
    )
    ranked_axis(fig, labels)
    scale_axis(fig, right=1.25)
    return styled(fig, 90 + 30 * max(len(labels), 1), top=40)


def perception(perception_gaps: pd.DataFrame, rated: str, labels: Mapping[str, str], top: int = 8) -> go.Figure:
    """How one organization rates itself vs how the other side rates it, where the views differ most."""
    other = "partner" if rated == "home" else "home"
    part = perception_gaps[perception_gaps["rated_side"] == rated].head(top)
    names = [
        ("<b>" + esc(r.dimension_name) + "</b>") if r.flagged is True else esc(r.dimension_name)
        for r in part.itertuples()
    ]
    fig = go.Figure()
    _connect(fig, part["self_norm"], part["other_norm"])
    for viewer, column, raw, n_column in (
        (rated, "self_norm", "self_view", "self_n"),
        (other, "other_norm", "other_view", "other_n"),
    ):
        fig.add_trace(
            go.Scatter(
                x=list(part[column]),
                y=list(range(len(part))),
                mode="markers",
                name=f"{esc(labels[viewer])}'s view" + (" (self-view)" if viewer == rated else ""),
                marker={
                    "color": side_colour(viewer),
                    "size": 12,
                    "symbol": "circle" if viewer == "home" else "diamond",
                    "line": {"color": "white", "width": 1},
                },
                hoverinfo="text",
                hovertext=[
                    f"<b>{esc(r.dimension_name)}</b><br>{esc(labels[viewer])} rates {esc(labels[rated])} "
                    f"{num(getattr(r, raw), 2)} on {int(r.scale_min)}-{int(r.scale_max)} "
                    f"(n={getattr(r, n_column)})<br>{int(r.scale_min)} = {wrap(r.low_label, 60)}<br>"
                    f"{int(r.scale_max)} = {wrap(r.high_label, 60)}<br>"
                    f"difference {num(abs(r.difference), 2)} of the scale" + (" (flagged)" if r.flagged is True else "")
                    for r in part.itertuples()
                ],
            )
        )
    ranked_axis(fig, names)
    scale_axis(fig)
    return styled(fig, 110 + 32 * max(len(part), 1), top=40)


def disagreement(internal: pd.DataFrame, side: str, label: str, threshold: float, top: int = 8) -> go.Figure:
    """Spread between one organization's own divisions, largest first."""
    part = internal[(internal["side"] == side) & internal["spread"].notna()].head(top)
    fig = go.Figure(
        go.Bar(
            orientation="h",
            x=list(part["spread"]),
            y=list(range(len(part))),
            name=esc(label),
            marker={"color": side_colour(side), "line": {"color": INK, "width": 0.5}},
            text=[f"{num(r.spread, 2)}" + (" · divided" if r.flagged is True else "") for r in part.itertuples()],
            textposition="outside",
            cliponaxis=False,
            textfont={"size": 11},
            hoverinfo="text",
            hovertext=[
                f"<b>{esc(r.dimension_name)}</b> ({esc(label)})<br>"
                f"lowest: {esc(r.lowest_division)} {num(r.lowest_mean, 2)}<br>"
                f"highest: {esc(r.highest_division)} {num(r.highest_mean, 2)}<br>"
                f"spread {num(r.spread, 2)} of the scale across {r.divisions} divisions, "
                f"{r.respondents} respondents"
                for r in part.itertuples()
            ],
        )
    )
    ranked_axis(fig, [esc(n) for n in part["dimension_name"]])
    fig.update_xaxes(range=[0, 1.2], tickvals=[0, 0.25, 0.5, 0.75, 1], title_text="spread (share of the scale)")
    fig.add_shape(
        type="line",
        x0=threshold,
        x1=threshold,
        y0=0,
        y1=1,
        yref="paper",
        line={"color": INK, "dash": "dot", "width": 1},
    )
    fig.add_annotation(
        x=threshold,
        y=1,
        yref="paper",
        yanchor="bottom",
        showarrow=False,
        text=f"divided from {threshold:g}",
        font={"size": 11, "color": MUTED},
    )
    return styled(fig, 120 + 30 * max(len(part), 1), legend=False, top=30)


def challenges(likely: pd.DataFrame, dimension_names: Mapping[str, str], top: int = 10) -> go.Figure:
    """The execution challenges most likely to bite, by likelihood, coloured and labelled by band."""
    rows = likely.sort_values("rank").head(top)
    labels = [f"{esc(r.challenge_id)} {esc(r.title)}" for r in rows.itertuples()]
    fig = go.Figure()
    for band in BANDS:
        part = [(i, r) for i, r in enumerate(rows.itertuples()) if r.band == band]
        if not part:
            continue
        fig.add_trace(
            go.Bar(
                orientation="h",
                y=[i for i, _ in part],
                x=[r.likelihood for _, r in part],
                name=band,
                marker={"color": BAND_COLOURS[band], "line": {"color": BAND_EDGES[band], "width": 1}},
                text=[
                    f"{num(r.likelihood, 0)} · {band}" + (" · among the costliest" if r.costliest is True else "")
                    for _, r in part
                ],
                textposition="outside",
                cliponaxis=False,
                textfont={"size": 11},
                hoverinfo="text",
                hovertext=[
                    f"<b>{esc(r.challenge_id)} {esc(r.title)}</b><br>{wrap(r.description)}<br>"
                    f"likelihood {num(r.likelihood)} ({band}); {r.high_gaps} high or critical gaps behind it<br>"
                    f"driven by: {wrap(_names(r.driving_dimensions, dimension_names))}"
                    for _, r in part
                ],
            )
        )
    ranked_axis(fig, labels)
    fig.update_xaxes(range=[0, 145], title_text="likelihood (0-100)")
    styled(fig, 110 + 30 * max(len(labels), 1), legend=False, top=20)
    fig.update_layout(barmode="overlay")
    return fig


def _names(ids: object, names: Mapping[str, str]) -> str:
    if missing(ids) or not str(ids).strip():
        return "no gap above low"
    return ", ".join(names.get(i.strip(), i.strip()) for i in str(ids).replace(",", " ").split())


def coverage(findings: pd.DataFrame, matches: pd.DataFrame) -> go.Figure:
    """How many findings of each band a selected mitigation addresses, is only suggested for, or has none."""
    selected = set(matches.loc[matches["status"] == "selected", "finding_id"].dropna())
    suggested = set(matches["finding_id"].dropna()) - selected
    states = (
        ("addressed by a selected mitigation", "#009E73", ""),
        ("only a suggested mitigation", "#F0E442", "/"),
        ("no mitigation", "white", "x"),
    )
    bands = ["critical", "high", "moderate"]
    counts = {state: [] for state, _, _ in states}  # type: dict[str, list[int]]
    for band in bands:
        ids = set(findings.loc[findings["band"] == band, "finding_id"])
        counts[states[0][0]].append(len(ids & selected))
        counts[states[1][0]].append(len(ids & suggested))
        counts[states[2][0]].append(len(ids - selected - suggested))
    fig = go.Figure()
    for state, colour, pattern in states:
        fig.add_trace(
            go.Bar(
                orientation="h",
                y=[f"{b} findings" for b in bands],
                x=counts[state],
                name=state,
                marker={
                    "color": colour,
                    "line": {"color": INK, "width": 1},
                    "pattern": {
                        "shape": pattern,
                        "fgcolor": "#7B8794",
                        "bgcolor": colour,
                        "fillmode": "overlay",
                        "size": 7,
                        "solidity": 0.2,
                    },
                },
                text=[str(c) if c else "" for c in counts[state]],
                textposition="inside",
                insidetextanchor="middle",
                hovertemplate="%{y}: %{x} " + state + "<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(
        title_text="number of findings",
        dtick=1 if max(map(sum, zip(*counts.values(), strict=True)), default=0) <= 12 else None,
    )
    return styled(fig, 230, top=40)


def respondents(people: pd.DataFrame, home: str, partner: str) -> go.Figure:
    """Who answered: respondents per division on each side."""
    labels = {"home": home, "partner": partner}
    fig = go.Figure()
    for side in ("home", "partner"):
        part = people[people["side"] == side]
        fig.add_trace(
            go.Bar(
                orientation="h",
                y=[f"{esc(labels[side])} · {esc(d)}" for d in part["division"]],
                x=list(part["respondents"]),
                name=esc(labels[side]),
                marker={"color": side_colour(side), "line": {"color": INK, "width": 0.5}},
                text=[
                    f"{r.respondents} {'person' if r.respondents == 1 else 'people'} · {r.answered} of {r.answers} "
                    "answers given"
                    for r in part.itertuples()
                ],
                textposition="outside",
                cliponaxis=False,
                textfont={"size": 11},
                hoverinfo="text",
                hovertext=[
                    f"{esc(labels[side])}, {esc(r.division)}: {r.respondents} "
                    f"respondent{'' if r.respondents == 1 else 's'}, "
                    f"{r.answered} answers ({r.answers - r.answered} not applicable or don't know)"
                    for r in part.itertuples()
                ],
            )
        )
    fig.update_yaxes(autorange="reversed", showgrid=False)
    most = int(people["respondents"].max()) if not people.empty else 1
    fig.update_xaxes(range=[0, most * 2.1], title_text="respondents", dtick=1 if most <= 10 else None)
    return styled(fig, 90 + 28 * max(len(people), 1), top=30)


def portfolio_risk(deals: pd.DataFrame, rules: Mapping[str, float], top: int = 25) -> go.Figure:
    """Risk index of the riskiest deals, coloured and labelled by band."""
    rows = deals[deals["risk_index"].notna()].head(top)
    labels = [esc(r.label) for r in rows.itertuples()]
    fig = go.Figure()
    for band in BANDS:
        part = [(i, r) for i, r in enumerate(rows.itertuples()) if r.band == band]
        if not part:
            continue
        fig.add_trace(
            go.Bar(
                orientation="h",
                y=[i for i, _ in part],
                x=[r.risk_index for _, r in part],
                name=band,
                marker={"color": BAND_COLOURS[band], "line": {"color": BAND_EDGES[band], "width": 1}},
                text=[f"{num(r.risk_index)} · {band}" for _, r in part],
                textposition="outside",
                cliponaxis=False,
                hoverinfo="text",
                hovertext=[
                    f"<b>{esc(r.partner)}</b> ({esc(r.deal_id)})<br>risk index {num(r.risk_index)} ({band})<br>"
                    f"{r.critical_gaps} critical and {r.high_gaps} high gaps"
                    for _, r in part
                ],
            )
        )
    ranked_axis(fig, labels)
    fig.update_xaxes(range=[0, 115], title_text="engagement-risk index (0-100)")
    threshold_lines(fig, rules)
    styled(fig, 110 + 30 * max(len(labels), 1), legend=False, top=30)
    fig.update_layout(barmode="overlay")
    return fig
