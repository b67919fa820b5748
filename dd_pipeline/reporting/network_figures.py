"""The picture of a deal's communication network for the dashboard: the two firms side by side in their
colours, management levels as rows, boundary spanners marked, each tie a line (strong ties thicker).

Hover text names people only as network.csv does (shown_as: the display name when named=yes, else the id and
alliance role), and every text is escaped for plotly.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dd_pipeline.reporting import chart_style as style

LEVEL_ROWS = {"executive": 3, "middle": 2, "operational": 1}
NOT_SURVEYED_ROW = 0
ROW_LABELS = {3: "executive", 2: "middle", 1: "operational", 0: "not surveyed"}


def positions(people: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """(x, y) of each person: home on the left (x < 0), the partner on the right, one row per level."""
    out: dict[str, tuple[float, float]] = {}
    for side, sign in (("home", -1.0), ("partner", 1.0)):
        mine = people[people["organization"] == side]
        for row in ROW_LABELS:
            ids = sorted(
                str(r.person_id)
                for r in mine.itertuples()
                if (LEVEL_ROWS.get(r.level) if isinstance(r.level, str) else NOT_SURVEYED_ROW) == row
            )
            for i, pid in enumerate(ids):
                offset = 0.15 + 0.85 * (i + 0.5) / max(len(ids), 1)
                stagger = 0.12 if i % 2 else -0.12  # ties along a row stay visible
                out[pid] = (round(sign * offset, 4), row + (stagger if len(ids) > 2 else 0.0))
    return out


def _hover(r: Any) -> str:  # a row of network_people (itertuples)
    role = getattr(r, "alliance_role", None)
    lines = [
        f"<b>{style.esc(r.shown_as)}</b>",
        f"{style.esc(str(role).replace('_', ' ')) if isinstance(role, str) else 'not surveyed'}, "
        f"{style.esc(r.level) if isinstance(r.level, str) else 'level unknown'}"
        + (f", {style.esc(r.function)}" if isinstance(r.function, str) and r.function else ""),
        f"ties: {int(r.degree)} ({int(r.cross_ties)} to the other firm, "
        f"{int(r.strong_internal) + int(r.strong_cross)} strong)",
        f"betweenness {style.num(r.betweenness, 2)}, closeness {style.num(r.closeness, 2)}",
    ]
    marks = [
        label
        for label, flag in (
            ("boundary spanner", r.boundary_spanner),
            ("core", r.core),
            ("key person", r.key_person),
        )
        if bool(flag)
    ]
    if r.status != "active":
        marks.append(str(r.status))
    if marks:
        lines.append(", ".join(marks))
    return "<br>".join(lines)


def network_picture(people: pd.DataFrame, ties: pd.DataFrame, home: str, partner: str) -> go.Figure:
    """Firms in two colours, levels as rows, spanners as stars, strong ties thicker, cross-firm ties darker."""
    where = positions(people)
    fig = go.Figure()
    groups = (
        ("ties inside a firm", False, False, 0.7, style.alpha(style.MUTED, 0.25)),
        ("strong ties inside a firm", False, True, 2.0, style.alpha(style.MUTED, 0.5)),
        ("ties across the firms", True, False, 0.9, style.alpha(style.INK, 0.35)),
        ("strong ties across the firms", True, True, 2.6, style.alpha(style.INK, 0.75)),
    )
    for name, cross, strong, width, colour in groups:
        xs: list[float | None] = []
        ys: list[float | None] = []
        part = ties[(ties["cross_firm"] == cross) & (ties["strong"] == strong)] if not ties.empty else ties
        for t in part.itertuples():
            (x0, y0), (x1, y1) = where[t.person_a], where[t.person_b]
            xs += [x0, x1, None]
            ys += [y0, y1, None]
        if xs:
            fig.add_trace(
                go.Scatter(
                    x=xs, y=ys, mode="lines", name=name, hoverinfo="skip", line={"width": width, "color": colour}
                )
            )
    for side, label in (("home", home), ("partner", partner)):
        mine = people[people["organization"] == side].sort_values("person_id")
        if mine.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=[where[p][0] for p in mine["person_id"]],
                y=[where[p][1] for p in mine["person_id"]],
                mode="markers+text",
                name=style.esc(label),
                text=[style.esc(p) for p in mine["person_id"]],
                textposition="top center",
                textfont={"size": 10, "color": style.MUTED},
                hovertext=[_hover(r) for r in mine.itertuples()],
                hoverinfo="text",
                marker={
                    "color": style.side_colour(side),
                    "size": [16 if s else 11 for s in mine["boundary_spanner"]],
                    "symbol": [
                        ("star" if s else "circle") + ("-open" if st != "active" else "")
                        for s, st in zip(mine["boundary_spanner"], mine["status"], strict=True)
                    ],
                    "line": {"width": 1.5, "color": style.side_colour(side)},
                },
            )
        )
    rows = sorted({round(y) for _, y in where.values()})
    fig.add_annotation(x=-0.55, y=max(rows, default=1) + 0.45, text=style.esc(home), showarrow=False)
    fig.add_annotation(x=0.55, y=max(rows, default=1) + 0.45, text=style.esc(partner), showarrow=False)
    style.styled(fig, 140 + 110 * max(len(rows), 1))
    fig.update_xaxes(range=[-1.08, 1.08], showticklabels=False, showgrid=False, zeroline=True)
    fig.update_yaxes(
        tickvals=rows,
        ticktext=[ROW_LABELS[r] for r in rows],
        range=[min(rows, default=0) - 0.5, max(rows, default=1) + 0.7],
        showgrid=True,
    )
    return fig


def network_section(network: dict[str, pd.DataFrame] | None, parties: dict[str, str]) -> dict[str, object] | None:
    """The dashboard's network section: level-by-level connections, concentration per firm, the findings."""
    if network is None or network["people"].empty:
        return None
    people = network["people"]
    return {
        "people": int(people["surveyed"].sum()),
        "not_surveyed": int((~people["surveyed"].astype(bool)).sum()),
        "ties": len(network["ties"]),
        "spanners": [
            {"side": r.organization, "label": parties[r.organization], "who": str(r.shown_as), "level": r.level}
            for r in people[people["boundary_spanner"].astype(bool)].itertuples()
        ],
        "levels": [
            {
                "level": r.level,
                "home": int(r.home_people),
                "partner": int(r.partner_people),
                "ties": int(r.ties),
                "strong": int(r.strong_ties),
                "connected": bool(r.connected),
            }
            for r in network["levels"].itertuples()
        ],
        "organizations": [
            {
                "side": r.side,
                "label": parties[r.side],
                "with_cross_ties": int(r.with_cross_ties),
                "cross_ties": int(r.cross_ties),
                "top_contact": str(people.loc[people["person_id"] == r.top_contact, "shown_as"].iloc[0])
                if isinstance(r.top_contact, str)
                else "-",
                "top_share": "-" if style.missing(r.top_share) else f"{float(r.top_share):.0%}",
                "centralized": bool(r.centralized),
            }
            for r in network["organizations"].itertuples()
        ],
        "findings": [
            {
                "rank": int(r.rank),
                "title": str(r.title),
                "side": r.side,
                "label": "both" if r.side == "both" else parties[r.side],
                "severity": style.num(r.severity),
                "band": r.band,
                "detail": str(r.detail),
                "people": str(r.people),
            }
            for r in network["findings"].itertuples()
        ],
    }
