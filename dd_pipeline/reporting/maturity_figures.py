"""The maturity grid of the dashboard: the six areas of the Alliance Management Maturity Model (and the overall
level) for the two organizations, each cell coloured by its level."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dd_pipeline.maturity.profile import level_text, uplift_words, view_words
from dd_pipeline.playbook import Playbook
from dd_pipeline.reporting.chart_style import INK, NO_BAND, alpha, esc, missing, styled, wrap

# level 1 and 2 (immature) in the warm colours of the palette, 3 and 4 (mature) in the cool ones
LEVEL_COLOURS = {1: "#D55E00", 2: "#E69F00", 3: "#56B4E9", 4: "#0072B2"}
SIDES = ("home", "partner")


def _colour(level: float | None) -> str:
    """The cell colour of a level (a median between two levels takes the lower one); grey when not rated."""
    if level is None:
        return alpha(NO_BAND, 0.3)
    return alpha(LEVEL_COLOURS[min(4, max(1, int(level)))], 0.6)


def maturity_grid(profile: pd.DataFrame, areas: Mapping[str, str], labels: Mapping[str, str]) -> go.Figure:
    """``profile``: maturity_report rows; ``areas``: area id -> name in the model's order. One column per
    organization, one row per area and the overall level; drawn as bars (plain SVG, no image), each cell a bar
    of width one."""
    rows = [*areas, "overall"]
    names = [*(esc(n) for n in areas.values()), "<b>Overall level</b>"]
    by_key = {(str(r["side"]), str(r["area"])): r for _, r in profile.iterrows()}
    fig = go.Figure()
    for column, side in enumerate(SIDES):
        name = esc(labels[side])
        colours: list[str] = []
        text: list[str] = []
        hover: list[str] = []
        for area in rows:
            r = by_key.get((side, area))
            if r is None or missing(r["level"]):
                colours.append(_colour(None))
                text.append("not rated")
                hover.append(f"<b>{name}</b><br>not rated")
                continue
            level = float(r["level"])
            colours.append(_colour(level))
            flag = " · immature" if area == "overall" and bool(r["immature"]) else ""
            outside = " (other side's view)" if r["view"] == "other" else ""
            text.append(f"level {level_text(level)}{flag}{outside}")
            description = "" if missing(r["level_description"]) else f"<br>{wrap(r['level_description'], 60)}"
            hover.append(
                f"<b>{name}: level {level_text(level)}</b>{description}<br>"
                f"{esc(view_words(r, dict(labels)))}; {int(r['respondents'])} respondents"
            )
        fig.add_trace(
            go.Bar(
                orientation="h",
                y=list(range(len(rows))),
                x=[0.98] * len(rows),
                base=[column + 0.01] * len(rows),
                width=0.92,
                name=name,
                marker={"color": colours, "line": {"width": 0}},
                text=text,
                textposition="inside",
                insidetextanchor="middle",
                textfont={"size": 12, "color": INK},
                hoverinfo="text",
                hovertext=hover,
            )
        )
    fig.update_yaxes(
        tickvals=list(range(len(rows))), ticktext=names, autorange="reversed", showgrid=False, zeroline=False
    )
    fig.update_xaxes(
        range=[0, len(SIDES)],
        tickvals=[i + 0.5 for i in range(len(SIDES))],
        ticktext=[esc(labels[s]) for s in SIDES],
        side="top",
        showgrid=False,
        zeroline=False,
        fixedrange=True,
    )
    styled(fig, 90 + 42 * len(rows), legend=False, top=30)
    fig.update_layout(barmode="overlay", bargap=0.08, dragmode=False)
    return fig


def maturity_context(
    profile: pd.DataFrame | None,
    labels: Mapping[str, str],
    playbook: Playbook,
    embed: Callable[[go.Figure, str], object],
) -> dict[str, Any]:
    """What the dashboard's maturity section and its likely-challenges section say about maturity; ``embed``
    turns a figure into the page's markup."""
    profile = profile if profile is not None else pd.DataFrame(columns=["side", "area", "level"])
    areas = {a.id: a.name for a in playbook.maturity.areas}
    rated = not profile.empty and profile["level"].notna().any()
    return {
        "maturity_grid": embed(maturity_grid(profile, areas, labels), "fig-maturity") if rated else None,
        "maturity_words": uplift_words(profile, dict(labels), playbook.scoring.immature_uplift),
        "maturity_threshold": playbook.maturity.rule.immature_at_or_below,
    }
