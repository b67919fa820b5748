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


def _colourscale() -> list[list[object]]:
    """Each whole level its own colour on a 1..4 scale (a median between two levels takes the lower one)."""
    steps: list[list[object]] = []
    for level, colour in LEVEL_COLOURS.items():
        steps += [[(level - 1) / 4, alpha(colour, 0.6)], [level / 4, alpha(colour, 0.6)]]
    return steps


def maturity_grid(profile: pd.DataFrame, areas: Mapping[str, str], labels: Mapping[str, str]) -> go.Figure:
    """``profile``: maturity_report rows; ``areas``: area id -> name in the model's order."""
    rows = [*areas, "overall"]
    names = [*(esc(n) for n in areas.values()), "<b>Overall level</b>"]
    by_key = {(str(r["side"]), str(r["area"])): r for _, r in profile.iterrows()}
    z: list[list[float | None]] = []
    text: list[list[str]] = []
    hover: list[list[str]] = []
    for area in rows:
        z_row: list[float | None] = []
        text_row: list[str] = []
        hover_row: list[str] = []
        for side in SIDES:
            r = by_key.get((side, area))
            name = esc(labels[side])
            if r is None or missing(r["level"]):
                z_row.append(None)
                text_row.append("not rated")
                hover_row.append(f"<b>{name}</b><br>not rated")
                continue
            level = float(r["level"])
            z_row.append(min(4.0, float(int(level))) - 0.5)
            flag = " · immature" if area == "overall" and bool(r["immature"]) else ""
            outside = " (other side's view)" if r["view"] == "other" else ""
            text_row.append(f"level {level_text(level)}{flag}{outside}")
            description = "" if missing(r["level_description"]) else f"<br>{wrap(r['level_description'], 60)}"
            hover_row.append(
                f"<b>{name}: level {level_text(level)}</b>{description}<br>"
                f"{esc(view_words(r, dict(labels)))}; {int(r['respondents'])} respondents"
            )
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[esc(labels[s]) for s in SIDES],
            y=names,
            zmin=0,
            zmax=4,
            colorscale=_colourscale(),
            showscale=False,
            text=text,
            texttemplate="%{text}",
            textfont={"size": 12, "color": INK},
            hoverinfo="text",
            hovertext=hover,
            xgap=3,
            ygap=3,
        )
    )
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(side="top", showgrid=False)
    styled(fig, 90 + 42 * len(rows), legend=False, top=30)
    fig.update_layout(plot_bgcolor=alpha(NO_BAND, 0.3))
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
