"""The house style of every chart: the colour-blind-safe palette, one font, and text made safe for plotly.

Every text that reaches a figure is HTML-escaped first: plotly reads a few tags (<b>, <br>, <a>) in labels,
so a name like ``<b>x</b>`` from a deal folder must be shown as typed, not interpreted. Colours are the
Okabe-Ito palette (safe for the common kinds of colour blindness) and every band colour also carries the
band's name in words.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

BANDS = ("critical", "high", "moderate", "low")
BAND_COLOURS = {"low": "#56B4E9", "moderate": "#F0E442", "high": "#E69F00", "critical": "#D55E00"}
BAND_EDGES = {"low": "#2C7FB8", "moderate": "#B8A800", "high": "#A86F00", "critical": "#8F3E00"}
NO_BAND = "#9AA5B1"
HOME_COLOUR = "#0072B2"
PARTNER_COLOUR = "#CC79A7"
INK = "#1F2933"
MUTED = "#52606D"
GRID = "#E4E7EB"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
ROW = 20  # pixels per bar in horizontal bar charts

# The chart toolbar (zoom, download as PNG) appears only when the pointer is over a chart. plotly.js offers
# to upload a chart (its data and hover text, here respondents' answers) to a public chart service: every
# such button is switched off, and the toolbar keeps no button that could send data anywhere (plotly.js 3 has
# no edit-in-Chart-Studio option any more; its button name stays in the list in case an older bundle is used).
CLOUD_BUTTONS = ("sendChartToCloud", "sendDataToCloud", "editInChartStudio")
CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "displayModeBar": "hover",
    "showSendToCloud": False,
    "plotlyServerURL": "",
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", *CLOUD_BUTTONS],
}


def esc(value: object) -> str:
    """Text from inputs or the playbook, safe to show in a plotly label."""
    return html.escape("" if missing(value) else str(value), quote=False)


def missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def num(value: object, digits: int = 1) -> str:
    if missing(value):
        return "-"
    return f"{float(value):.{digits}f}"  # type: ignore[arg-type]


def wrap(text: object, width: int = 70) -> str:
    """Escaped text broken into lines for a hover box."""
    return "<br>".join(esc(line) for line in textwrap.wrap("" if missing(text) else str(text), width)) or ""


def side_colour(side: str) -> str:
    return HOME_COLOUR if side == "home" else PARTNER_COLOUR


def band_label(band: object) -> str:
    return str(band) if isinstance(band, str) and band else "not scored"


def styled(fig: go.Figure, height: int, *, legend: bool = True, top: int = 40) -> go.Figure:
    """The house style: calm, white, one font, horizontal legend above the plot."""
    fig.update_layout(
        template=go.layout.Template(),
        height=height,
        margin={"l": 10, "r": 20, "t": top, "b": 40},
        font={"family": FONT, "size": 13, "color": INK},
        paper_bgcolor="white",
        plot_bgcolor="white",
        showlegend=legend,
        legend={
            "orientation": "h",
            "xref": "container",
            "yref": "container",
            "x": 0,
            "xanchor": "left",
            "y": 1.0,
            "yanchor": "top",
            "font": {"size": 12},
        },
        hoverlabel={
            "bgcolor": "white",
            "bordercolor": "#9AA5B1",
            "font": {"family": FONT, "size": 12, "color": INK},
            "align": "left",
        },
        bargap=0.28,
    )
    fig.update_xaxes(
        gridcolor=GRID, zerolinecolor="#CBD2D9", linecolor="#CBD2D9", automargin=True, tickfont={"color": MUTED}
    )
    fig.update_yaxes(gridcolor=GRID, zerolinecolor="#CBD2D9", automargin=True, tickfont={"color": INK})
    return fig


def ranked_axis(fig: go.Figure, labels: list[str], **where: int) -> None:
    fig.update_yaxes(
        tickvals=list(range(len(labels))), ticktext=labels, autorange="reversed", showgrid=False, range=None, **where
    )


def threshold_lines(fig: go.Figure, rules: Mapping[str, float], top_label: bool = True) -> None:
    for band in ("moderate", "high", "critical"):
        x = rules.get(f"band_{band}")
        if x is None:
            continue
        fig.add_shape(
            type="line",
            x0=x,
            x1=x,
            y0=0,
            y1=1,
            yref="paper",
            layer="below",
            line={"color": BAND_EDGES[band], "width": 1, "dash": "dot"},
        )
        if top_label:
            fig.add_annotation(
                x=x,
                y=1,
                yref="paper",
                yanchor="bottom",
                showarrow=False,
                text=f"{band} from {x:g}",
                font={"size": 11, "color": MUTED},
            )


def alpha(colour: str, opacity: float) -> str:
    """A #RRGGBB colour with the given opacity."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{opacity})"


def scale_axis(fig: go.Figure, right: float = 1.03) -> None:
    fig.update_xaxes(
        range=[-0.03, right],
        tickvals=[0, 0.25, 0.5, 0.75, 1],
        ticktext=["low end", "", "middle", "", "high end"],
        showgrid=True,
    )


def names_of(frame: pd.DataFrame, key: str, value: str) -> dict[str, str]:
    """A column-to-column mapping, e.g. dimension id to dimension name."""
    return {str(k): str(v) for k, v in zip(frame[key], frame[value], strict=True)}
