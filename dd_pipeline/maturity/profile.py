"""A deal's maturity profile as the outputs show it, and what it does to the likely challenges, in words."""

from __future__ import annotations

import math

import duckdb
import pandas as pd

from dd_pipeline.warehouse.connection import frame, query_text

VIEW_WORDS = {
    "self": "rated by its own people",
    "other": "rated from outside, by {other}",
    "mixed": "rated by its own people where they answered, else by {other}",
    "fallback": "no maturity answers; taken from its score on {dimension}",
}


def load_profile(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """Rows per side and area (and area 'overall'): level, respondents, view, immature, level_description."""
    return frame(con, query_text("maturity_report"), [deal_id])


def level_text(level: object) -> str:
    """'2', '2.5' or '-' (no level)."""
    if level is None or (isinstance(level, float) and math.isnan(level)):
        return "-"
    number = float(level)  # type: ignore[arg-type]
    return str(int(number)) if number.is_integer() else f"{number:g}"


def view_words(row: pd.Series, labels: dict[str, str]) -> str:
    other = labels["partner" if row["side"] == "home" else "home"]
    template = VIEW_WORDS.get(str(row["view"]), "no maturity answers and no score on {dimension}")
    return template.format(other=other, dimension=row.get("fallback_dimension", ""))


def overall(profile: pd.DataFrame) -> pd.DataFrame:
    return profile[profile["area"] == "overall"]


def uplift_words(profile: pd.DataFrame, labels: dict[str, str], uplift: float) -> str:
    """One sentence: which side is immature at which level, and what that does to the likelihoods."""
    sides = overall(profile)
    immature = [r for _, r in sides.iterrows() if bool(r["immature"])]
    if sides.empty:
        return (
            "Neither organization has a maturity level, so the likelihoods of the execution challenges are not raised."
        )
    threshold = int(sides["immature_at_or_below"].iloc[0])
    points = f"{uplift:g}"
    if not immature:
        levels = "; ".join(f"{labels[r['side']]} at level {level_text(r['level'])}" for _, r in sides.iterrows())
        return (
            f"Neither organization is at an immature level of alliance-management maturity (level {threshold} or "
            f"below): {levels}. The likelihoods of the execution challenges are not raised."
        )
    who = " and ".join(
        f"{labels[r['side']]} is at alliance-management maturity level {level_text(r['level'])} "
        f"({view_words(r, labels)})"
        for r in immature
    )
    return (
        f"{who}, at or below level {threshold}: immature organizations meet all 21 execution challenges more "
        f"often, so every challenge's likelihood is raised by {points} points (capped at 100)."
    )


def maturity_table(profile: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """outputs/<deal>/maturity.csv: one row per side and area (then its overall level), in words too."""
    columns = [
        "side",
        "organization",
        "area",
        "area_name",
        "level",
        "respondents",
        "view",
        "view_used",
        "immature",
        "level_description",
    ]
    if profile.empty:
        return pd.DataFrame(columns=columns)
    out = profile.copy()
    out["organization"] = [labels[s] for s in out["side"]]
    out["view_used"] = [view_words(r, labels) for _, r in out.iterrows()]
    return out[columns]
