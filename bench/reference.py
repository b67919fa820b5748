"""The gap formulas again, in plain pandas, to check the DuckDB scoring and to time it against.

It follows dd_pipeline/warehouse/sql/gaps.sql, category_scores.sql and deal_scores.sql step by step
(see "How scores are computed" in README.md): each answer normalized to 0..1 on its dimension's scale; per deal,
dimension and organization rated, the mean of its own respondents ("self" basis), or of the other side's
when nobody on that side answered ("other"); the gap, the effective gap by direction, confidence from the
number of respondents and their spread, severity, band and rank; the weighted category scores and the
risk index. Values are rounded as the warehouse stores them, with DuckDB's rounding (half away from
zero), and the rollups are computed from those rounded values, as the SQL does. The lists of answers behind
each score (home_answers, partner_answers) are rebuilt too, so both sides produce the same table.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from dd_pipeline.playbook import Playbook

KEYS = ["deal_id", "dimension_id"]
BANDS = ("low", "moderate", "high", "critical")

# Rounded columns of each table and their number of decimals, as the SQL stores them.
GAP_ROUNDING = {
    "home_score": 4, "partner_score": 4, "home_norm": 4, "partner_norm": 4, "home_sd": 4, "partner_sd": 4,
    "signed_gap": 4, "abs_gap": 4, "effective_gap": 4, "home_confidence": 4, "partner_confidence": 4,
    "confidence": 4, "severity": 1,
}
GAP_EXACT = ["home_n", "partner_n", "home_basis", "partner_basis", "home_answers", "partner_answers", "weight",
             "band", "band_rank", "rank", "home_rag", "partner_rag", "evidence_count"]
CATEGORY_ROUNDING = {"home_mean": 4, "partner_mean": 4, "mean_abs_gap": 4, "score": 1}
CATEGORY_EXACT = ["dimensions_scored", "dimensions_total", "max_severity", "band", "critical_gaps", "high_gaps",
                  "top_dimension"]
DEAL_ROUNDING = {"risk_index": 1, "top_mean": 1, "weighted_mean": 1}
DEAL_EXACT = ["band", "dimensions_scored", "dimensions_total", "critical_gaps", "high_gaps", "home_respondents",
              "partner_respondents"]


def duck_round(values: pd.Series | np.ndarray, decimals: int) -> np.ndarray:
    """round(x, decimals) as DuckDB computes it for DOUBLE: std::round(x * 10^d) / 10^d (ties away from zero)."""
    scaled = np.asarray(values, dtype="float64") * (10.0 ** decimals)
    whole = np.trunc(scaled)
    whole = whole + np.where(np.abs(scaled - whole) >= 0.5, np.sign(scaled), 0.0)
    return whole / (10.0 ** decimals)


@dataclass(frozen=True)
class ReferenceInputs:
    """What the formulas read: the accepted answers, each deal's alliance type, evidence counts, the playbook."""

    answers: pd.DataFrame  # deal_id, respondent_id, respondent_side, rated_side, dimension_id, status, raw_value
    deals: pd.DataFrame  # deal_id, alliance_type
    evidence: pd.DataFrame  # deal_id, dimension_id (one row per note)
    playbook: Playbook


def read_reference_inputs(con: duckdb.DuckDBPyConnection, deal_ids: list[str], playbook: Playbook) -> ReferenceInputs:
    """The accepted answers of ``deal_ids`` from the warehouse, with the key columns as pandas categoricals."""
    answers = con.execute(
        "SELECT deal_id, respondent_id, respondent_side, rated_side, dimension_id, status, raw_value "
        "FROM answers WHERE list_contains(?, deal_id)", [deal_ids]).df()
    for column in ("deal_id", "respondent_id", "respondent_side", "rated_side", "dimension_id", "status"):
        answers[column] = answers[column].astype("category")
    deals = con.execute("SELECT deal_id, alliance_type FROM deals WHERE list_contains(?, deal_id) ORDER BY deal_id",
                        [deal_ids]).df()
    evidence = con.execute("SELECT deal_id, dimension_id FROM evidence WHERE list_contains(?, deal_id)",
                           [deal_ids]).df()
    return ReferenceInputs(answers, deals, evidence, playbook)


def _dimensions(playbook: Playbook) -> pd.DataFrame:
    return pd.DataFrame(
        [(d.id, d.category.value, float(d.scale.min), float(d.scale.max), d.direction.value, d.scale.kind.value,
          d.weight, i) for i, d in enumerate(playbook.dimensions)],
        columns=["dimension_id", "category_id", "scale_min", "scale_max", "direction", "scale_kind",
                 "default_weight", "sort_order"],
    )


def _codes(column: pd.Series, categories: list[str]) -> np.ndarray:
    """Positions in ``categories`` of the values of ``column`` (-1 for others); a categorical is not re-parsed."""
    values = column if isinstance(column.dtype, pd.CategoricalDtype) else column.astype("category")
    positions = pd.Index(categories).get_indexer(values.cat.categories)
    codes = values.cat.codes.to_numpy()
    return np.where(codes >= 0, positions[codes], -1)


def _views(answers: pd.DataFrame, dims: pd.DataFrame) -> pd.DataFrame:
    """Per deal, dimension and organization rated: the profile (self view, else the other side's view),
    with the answers behind it as text ("H01=4; H02=3", by respondent id)."""
    answered = answers.loc[answers["status"] == "answered",
                           ["deal_id", "dimension_id", "rated_side", "respondent_side", "respondent_id", "raw_value"]]
    dim_codes = _codes(answered["dimension_id"], list(dims["dimension_id"]))
    lo = dims["scale_min"].to_numpy()[dim_codes]
    hi = dims["scale_max"].to_numpy()[dim_codes]
    sides = ["home", "partner"]
    answered = answered.assign(
        norm_value=(answered["raw_value"].to_numpy() - lo) / (hi - lo),
        own=_codes(answered["respondent_side"], sides) == _codes(answered["rated_side"], sides),
    )
    grouped = answered.groupby(["deal_id", "dimension_id", "rated_side", "own"], observed=True, sort=False)
    group_of_row = grouped.ngroup().to_numpy()  # groups are numbered in the order agg() lists them
    views = grouped.agg(n=("norm_value", "size"), mean_raw=("raw_value", "mean"), mean_norm=("norm_value", "mean"))
    views["sd_norm"] = grouped["norm_value"].std(ddof=0).fillna(0.0)
    views = views.reset_index()
    views["group"] = np.arange(len(views))
    views = views.sort_values("own", ascending=False, kind="stable")  # own view first
    profile = views.drop_duplicates(["deal_id", "dimension_id", "rated_side"], keep="first")
    texts = _answer_texts(answered, group_of_row, profile["group"].to_numpy(), len(views))
    profile = profile.assign(
        basis=np.where(profile["own"].to_numpy(), "self", "other"),
        answers_text=texts[profile["group"].to_numpy()],
        **{c: profile[c].astype(str) for c in ("deal_id", "dimension_id", "rated_side")},
    )
    return profile.drop(columns=["own", "group"])


def _answer_texts(answered: pd.DataFrame, group_of_row: np.ndarray, chosen: np.ndarray, groups: int) -> np.ndarray:
    """'id=value; id=value' per group (ordered by respondent id), built for the chosen groups only."""
    keep = np.zeros(groups, dtype=bool)
    keep[chosen] = True
    rows = keep[group_of_row]
    people = answered["respondent_id"]
    if not isinstance(people.dtype, pd.CategoricalDtype):
        people = people.astype("category")
    names = np.asarray(people.cat.categories, dtype=object)
    rank = np.empty(len(names), dtype="int64")
    rank[np.argsort(names.astype(str), kind="stable")] = np.arange(len(names))  # byte order of the ids
    person = rank[people.cat.codes.to_numpy()[rows]]
    value = duck_round(answered["raw_value"].to_numpy()[rows], 0).astype("int64")
    group = group_of_row[rows]
    order = np.lexsort((person, group))
    person, value, group = person[order], value[order], group[order]
    by_rank = names[np.argsort(rank)]
    pairs, where = np.unique(person * 1_000_003 + value, return_inverse=True)
    tokens = np.array([f"{by_rank[p // 1_000_003]}={p % 1_000_003}" for p in pairs], dtype=object)[where]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    texts = np.full(groups, None, dtype=object)
    for start, end in zip(starts, np.r_[starts[1:], len(group)], strict=True):
        texts[group[start]] = "; ".join(tokens[start:end])
    return texts


def reference_gaps(inputs: ReferenceInputs) -> pd.DataFrame:
    """gaps.sql in pandas: one row per deal and dimension, values rounded as stored."""
    pb = inputs.playbook
    rules = pb.scoring
    dims = _dimensions(pb)
    deals = inputs.deals.assign(deal_id=inputs.deals["deal_id"].astype(str))
    grid = deals.merge(dims, how="cross")
    weights = pd.DataFrame([(d.id, t, w) for d in pb.dimensions for t, w in d.weights.items()],
                           columns=["dimension_id", "alliance_type", "type_weight"])
    grid = grid.merge(weights, on=["dimension_id", "alliance_type"], how="left")
    grid["weight"] = grid["type_weight"].fillna(grid["default_weight"])

    profile = _views(inputs.answers, dims)
    for side in ("home", "partner"):
        part = profile.loc[profile["rated_side"] == side].rename(columns={
            "n": f"{side}_n", "mean_raw": f"{side}_score", "mean_norm": f"{side}_norm", "sd_norm": f"{side}_sd",
            "basis": f"{side}_basis", "answers_text": f"{side}_answers"}).drop(columns="rated_side")
        grid = grid.merge(part, on=KEYS, how="left")
        grid[f"{side}_n"] = grid[f"{side}_n"].fillna(0).astype("int64")
    notes = inputs.evidence.assign(deal_id=inputs.evidence["deal_id"].astype(str)).groupby(KEYS).size()
    grid = grid.merge(notes.rename("evidence_count").reset_index(), on=KEYS, how="left")
    grid["evidence_count"] = grid["evidence_count"].fillna(0).astype("int64")

    home, partner = grid["home_norm"].to_numpy(), grid["partner_norm"].to_numpy()
    signed = partner - home
    direction = grid["direction"].to_numpy()
    # greatest() skips NULLs in DuckDB too (fmax skips NaN): one side missing on a one-sided dimension gives 0.
    effective = np.where(direction == "partner_lower", np.fmax(home - partner, 0.0),
                         np.where(direction == "partner_higher", np.fmax(partner - home, 0.0), np.abs(signed)))
    conf = rules.confidence
    full = float(conf.full_at_respondents)
    # DuckDB's least() skips NULLs, hence fmin (which skips NaN) where the SQL uses least().
    side_confidence = {
        side: np.fmin(1.0, grid[f"{side}_n"].to_numpy() / full)
        * (1.0 - conf.spread_penalty * np.fmin(1.0, grid[f"{side}_sd"].to_numpy() / 0.5))
        for side in ("home", "partner")
    }
    both = ~np.isnan(home) & ~np.isnan(partner)
    confidence = np.where(both, np.fmin(side_confidence["home"], side_confidence["partner"]), np.nan)
    weight = grid["weight"].to_numpy()
    raw_severity = (100.0 * np.fmin(1.0, effective * weight)
                    * (conf.severity_floor + (1.0 - conf.severity_floor) * confidence))
    severity = np.where(both, duck_round(raw_severity, 1), np.nan)

    out = grid[["deal_id", "dimension_id", "category_id", "direction", "sort_order", "scale_kind", "weight",
                "home_n", "partner_n", "home_basis", "partner_basis", "home_answers", "partner_answers",
                "evidence_count"]].copy()
    unrounded = {
        "home_score": grid["home_score"].to_numpy(), "partner_score": grid["partner_score"].to_numpy(),
        "home_norm": home, "partner_norm": partner, "home_sd": grid["home_sd"].to_numpy(),
        "partner_sd": grid["partner_sd"].to_numpy(), "signed_gap": signed, "abs_gap": np.abs(signed),
        "effective_gap": effective, "home_confidence": side_confidence["home"],
        "partner_confidence": side_confidence["partner"], "confidence": confidence,
        "severity": np.where(both, raw_severity, np.nan),
    }
    for column, decimals in GAP_ROUNDING.items():
        out[column] = duck_round(unrounded[column], decimals) if column != "severity" else severity
        out[f"{column}_unrounded"] = unrounded[column]
    bands = rules.bands
    out["band"] = _bands(out["severity"], bands)
    out["band_rank"] = out["band"].map({b: i for i, b in enumerate(BANDS)}).astype("Int64")
    scored = out.loc[~np.isnan(severity)].sort_values(["deal_id", "severity", "weight", "dimension_id"],
                                                       ascending=[True, False, False, True], kind="stable")
    out["rank"] = (scored.groupby("deal_id").cumcount() + 1).reindex(out.index).astype("Int64")
    agreement = rules.agreement
    for side in ("home", "partner"):
        score = out[f"{side}_score"]
        rag = np.select([score <= agreement.red_at_or_below, score >= agreement.green_at_or_above],
                        ["red", "green"], default="amber")
        keep = (out["scale_kind"] == "agreement") & score.notna()
        out[f"{side}_rag"] = pd.Series(rag, index=out.index, dtype="object").where(keep, None)
    return out.sort_values(["deal_id", "sort_order"], kind="stable").reset_index(drop=True)


def reference_category_scores(gaps: pd.DataFrame, playbook: Playbook) -> pd.DataFrame:
    """category_scores.sql in pandas, from the rounded gap values."""
    bands = playbook.scoring.bands
    g = gaps.assign(
        has=gaps["severity"].notna(),
        weighted=gaps["severity"] * gaps["weight"],
        scored_weight=gaps["weight"].where(gaps["severity"].notna()),
        is_critical=gaps["band"] == "critical",
        is_high=gaps["band"] == "high",
    )
    grouped = g.groupby(["deal_id", "category_id"], sort=False)
    out = grouped.agg(
        dimensions_scored=("has", "sum"), dimensions_total=("dimension_id", "size"),
        home_mean=("home_norm", "mean"), partner_mean=("partner_norm", "mean"), mean_abs_gap=("abs_gap", "mean"),
        weighted=("weighted", "sum"), scored_weight=("scored_weight", "sum"), max_severity=("severity", "max"),
        critical_gaps=("is_critical", "sum"), high_gaps=("is_high", "sum"),
    ).reset_index()
    out["score_unrounded"] = (out["weighted"] / out["scored_weight"].replace(0.0, np.nan)).where(
        out["dimensions_scored"] > 0)
    top = (g.loc[g["has"]].sort_values(["deal_id", "category_id", "severity", "weight", "dimension_id"],
                                       ascending=[True, True, False, False, False], kind="stable")
           .drop_duplicates(["deal_id", "category_id"])[["deal_id", "category_id", "dimension_id"]]
           .rename(columns={"dimension_id": "top_dimension"}))
    out = out.merge(top, on=["deal_id", "category_id"], how="left")
    for column in ("home_mean", "partner_mean", "mean_abs_gap"):
        out[f"{column}_unrounded"] = out[column]
        out[column] = duck_round(out[column], 4)
    out["score"] = duck_round(out["score_unrounded"], 1)
    out["band"] = _bands(out["score"], bands)
    order = {c.id.value: i for i, c in enumerate(playbook.categories)}
    out["sort_order"] = out["category_id"].map(order)
    return out.sort_values(["deal_id", "sort_order"], kind="stable").reset_index(drop=True)


def reference_deal_scores(gaps: pd.DataFrame, answers: pd.DataFrame, playbook: Playbook) -> pd.DataFrame:
    """deal_scores.sql in pandas: the risk index from the top_k severities and the weighted mean of all."""
    rules = playbook.scoring
    g = gaps.assign(
        weighted=gaps["severity"] * gaps["weight"],
        scored_weight=gaps["weight"].where(gaps["severity"].notna()),
        top=gaps["severity"].where(gaps["rank"].fillna(np.iinfo("int64").max) <= rules.risk_index.top_k),
        has=gaps["severity"].notna(), is_critical=gaps["band"] == "critical", is_high=gaps["band"] == "high",
    )
    out = g.groupby("deal_id", sort=True).agg(
        top_mean=("top", "mean"), weighted=("weighted", "sum"), scored_weight=("scored_weight", "sum"),
        dimensions_scored=("has", "sum"), dimensions_total=("dimension_id", "size"),
        critical_gaps=("is_critical", "sum"), high_gaps=("is_high", "sum"),
    ).reset_index()
    out["weighted_mean"] = (out["weighted"] / out["scored_weight"].replace(0.0, np.nan)).where(
        out["dimensions_scored"] > 0)
    people = (answers.groupby(["deal_id", "respondent_side"], observed=True)["respondent_id"].nunique()
              .unstack(fill_value=0))
    people.index = people.index.astype(str)
    for side in ("home", "partner"):
        counts = people[side] if side in people.columns else pd.Series(dtype="int64")
        out[f"{side}_respondents"] = out["deal_id"].map(counts).fillna(0).astype("int64")
    share = rules.risk_index.top_share
    out["risk_index_unrounded"] = share * out["top_mean"] + (1 - share) * out["weighted_mean"]
    out["risk_index"] = duck_round(out["risk_index_unrounded"], 1)
    out["band"] = _bands(out["risk_index"], rules.bands)
    for column in ("top_mean", "weighted_mean"):
        out[f"{column}_unrounded"] = out[column]
        out[column] = duck_round(out[column], 1)
    return out


def _bands(values: pd.Series, bands) -> pd.Series:  # type: ignore[no-untyped-def]
    v = values.to_numpy(dtype="float64")
    labels = np.select([v >= bands.critical, v >= bands.high, v >= bands.moderate], ["critical", "high", "moderate"],
                       default="low")
    return pd.Series(labels, index=values.index, dtype="object").where(~np.isnan(v), None)


@dataclass(frozen=True)
class ReferenceScores:
    gaps: pd.DataFrame
    category_scores: pd.DataFrame
    deal_scores: pd.DataFrame


def score_reference(inputs: ReferenceInputs) -> ReferenceScores:
    """Gaps, category scores and risk indices of every deal in ``inputs``."""
    gaps = reference_gaps(inputs)
    return ReferenceScores(
        gaps=gaps,
        category_scores=reference_category_scores(gaps, inputs.playbook),
        deal_scores=reference_deal_scores(gaps, inputs.answers, inputs.playbook),
    )
