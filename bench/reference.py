"""The scoring formulas again, in plain pandas, to check the DuckDB scoring and to time it against.

It follows dd_pipeline/warehouse/sql/ step by step, in the order of SCORING_STEPS (see "How scores are
computed" in README.md), from each answer normalized to 0..1 on its dimension's scale:

- gaps.sql: per deal, dimension and organization rated, the mean of its own respondents ("self" basis), or
  of the other side's when nobody on that side answered ("other"); the gap (effective gap = its size, in
  every direction), the kind (a difference on a style dimension, else a shortfall of the side further from
  the better end), each side's goodness and whether it is in the weak zone, confidence from the number of
  respondents and their spread, severity, band and rank, red/amber/green of each side's self view and of
  the other side's view of it (the answers behind each score are not part of the scoring: gaps.csv and the
  dashboard list them for their one deal);
- perception_gaps.sql: each organization's self view against the other side's view of it;
- internal_disagreement.sql: the spread of one organization's division means about itself;
- findings.sql: gaps, shared weaknesses, perception gaps and internal disagreement ranked together;
- category_scores.sql and deal_scores.sql: each dimension at its worst finding, the weighted category
  scores, the risk index and the counts of critical and high findings.

Values are rounded as the warehouse stores them, with DuckDB's rounding (half away from zero), and each
step reads the rounded values of the steps before it, as the SQL does. Means of answers are taken as avg()
takes them, the answers added one after another in row order, so that a value exactly on a rounding
boundary rounds the same way in both. An alliance manager's overrides
(apply_overrides.sql) are not applied: the generated portfolio has none.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from dd_pipeline.playbook import Playbook

KEYS = ["deal_id", "dimension_id"]
SIDES = ("home", "partner")
BANDS = ("low", "moderate", "high", "critical")
NONE = np.array(None, dtype=object)  # a missing value that np.where broadcasts

# Rounded columns of each table and their number of decimals, as the SQL stores them; then the columns
# compared exactly. Every rounded column also has a "<column>_unrounded" twin in the reference's tables.
GAP_ROUNDING = {
    "home_score": 4,
    "partner_score": 4,
    "home_norm": 4,
    "partner_norm": 4,
    "home_sd": 4,
    "partner_sd": 4,
    "signed_gap": 4,
    "abs_gap": 4,
    "effective_gap": 4,
    "home_confidence": 4,
    "partner_confidence": 4,
    "confidence": 4,
    "severity": 1,
    "home_goodness": 4,
    "partner_goodness": 4,
    "home_other_score": 4,
    "partner_other_score": 4,
    "size_factor": 4,
    "confidence_factor": 4,
}
GAP_EXACT = [
    "category_id",
    "dimension_name",
    "direction",
    "home_n",
    "partner_n",
    "home_basis",
    "partner_basis",
    "weight",
    "band",
    "band_rank",
    "rank",
    "home_rag",
    "partner_rag",
    "evidence_count",
    "kind",
    "short_side",
    "home_weak",
    "partner_weak",
    "home_other_rag",
    "partner_other_rag",
]
PERCEPTION_ROUNDING = {
    "self_view": 4,
    "other_view": 4,
    "self_norm": 4,
    "other_norm": 4,
    "difference": 4,
    "difference_scale": 4,
    "confidence": 4,
    "severity": 1,
}
PERCEPTION_EXACT = ["self_n", "other_n", "flagged", "self_rag", "other_rag", "weight", "band"]
DISAGREEMENT_ROUNDING = {
    "lowest_mean": 4,
    "highest_mean": 4,
    "spread": 4,
    "respondent_sd": 4,
    "spread_scale": 4,
    "confidence": 4,
    "severity": 1,
}
DISAGREEMENT_EXACT = ["divisions", "respondents", "lowest_division", "highest_division", "flagged", "weight", "band"]
FINDING_ROUNDING = {"severity": 1, "size": 4, "size_scale": 4, "confidence": 4, "home_score": 4, "partner_score": 4}
FINDING_EXACT = [
    "rank",
    "kind",
    "dimension_id",
    "category_id",
    "dimension_name",
    "side",
    "band",
    "band_rank",
    "weight",
    "detail",
    "overridden",
]
CATEGORY_ROUNDING = {"home_mean": 4, "partner_mean": 4, "mean_abs_gap": 4, "score": 1}
CATEGORY_EXACT = [
    "category_name",
    "dimensions_scored",
    "dimensions_total",
    "max_severity",
    "band",
    "critical_gaps",
    "high_gaps",
    "top_dimension",
]
DEAL_ROUNDING = {"risk_index": 1, "top_mean": 1, "weighted_mean": 1}
DEAL_EXACT = [
    "band",
    "dimensions_scored",
    "dimensions_total",
    "critical_gaps",
    "high_gaps",
    "home_respondents",
    "partner_respondents",
]


def duck_round(values: pd.Series | np.ndarray, decimals: int) -> np.ndarray:
    """round(x, decimals) as DuckDB computes it for DOUBLE: std::round(x * 10^d) / 10^d (ties away from zero)."""
    scaled = np.asarray(values, dtype="float64") * (10.0**decimals)
    whole = np.trunc(scaled)
    whole = whole + np.where(np.abs(scaled - whole) >= 0.5, np.sign(scaled), 0.0)
    return whole / (10.0**decimals)


@dataclass(frozen=True)
class ReferenceInputs:
    """What the formulas read: the accepted answers, each deal's alliance type, evidence counts, the playbook."""

    answers: pd.DataFrame  # deal_id, respondent_id, respondent_side, division, rated_side, dimension_id, status,
    # raw_value
    deals: pd.DataFrame  # deal_id, alliance_type
    evidence: pd.DataFrame  # deal_id, dimension_id (one row per note)
    playbook: Playbook


def read_reference_inputs(con: duckdb.DuckDBPyConnection, deal_ids: list[str], playbook: Playbook) -> ReferenceInputs:
    """The accepted answers of ``deal_ids`` from the warehouse, with the key columns as pandas categoricals."""
    answers = con.execute(
        "SELECT deal_id, respondent_id, respondent_side, division, rated_side, dimension_id, status, raw_value "
        "FROM answers WHERE list_contains(?, deal_id)",
        [deal_ids],
    ).df()
    for column in ("deal_id", "respondent_id", "respondent_side", "division", "rated_side", "dimension_id", "status"):
        answers[column] = answers[column].astype("category")
    deals = con.execute(
        "SELECT deal_id, alliance_type FROM deals WHERE list_contains(?, deal_id) ORDER BY deal_id", [deal_ids]
    ).df()
    evidence = con.execute(
        "SELECT deal_id, dimension_id FROM evidence WHERE list_contains(?, deal_id)", [deal_ids]
    ).df()
    return ReferenceInputs(answers, deals, evidence, playbook)


def _dimensions(playbook: Playbook) -> pd.DataFrame:
    return pd.DataFrame(
        [
            (
                d.id,
                d.category.value,
                d.name,
                float(d.scale.min),
                float(d.scale.max),
                d.direction.value,
                d.scale.kind.value,
                d.weight,
                i,
            )
            for i, d in enumerate(playbook.dimensions)
        ],
        columns=[
            "dimension_id",
            "category_id",
            "dimension_name",
            "scale_min",
            "scale_max",
            "direction",
            "scale_kind",
            "default_weight",
            "sort_order",
        ],
    )


def _weighted_grid(deals: pd.DataFrame, dims: pd.DataFrame, playbook: Playbook) -> pd.DataFrame:
    """Every deal x dimension with its weight: the alliance type's weight, else the dimension's default."""
    grid = deals.assign(deal_id=deals["deal_id"].astype(str)).merge(dims, how="cross")
    weights = pd.DataFrame(
        [(d.id, t, w) for d in playbook.dimensions for t, w in d.weights.items()],
        columns=["dimension_id", "alliance_type", "type_weight"],
    )
    grid = grid.merge(weights, on=["dimension_id", "alliance_type"], how="left")
    grid["weight"] = grid["type_weight"].fillna(grid["default_weight"])
    return grid.drop(columns="type_weight")


def _codes(column: pd.Series, categories: list[str]) -> np.ndarray:
    """Positions in ``categories`` of the values of ``column`` (-1 for others); a categorical is not re-parsed."""
    values = column if isinstance(column.dtype, pd.CategoricalDtype) else column.astype("category")
    positions = pd.Index(categories).get_indexer(values.cat.categories)
    codes = values.cat.codes.to_numpy()
    return np.where(codes >= 0, positions[codes], -1)


def _byte_order(column: pd.Series) -> np.ndarray:
    """Each value's position among the column's distinct values sorted as DuckDB sorts text (by bytes)."""
    values = column if isinstance(column.dtype, pd.CategoricalDtype) else column.astype("category")
    names = np.asarray(values.cat.categories, dtype=object).astype(str)
    rank = np.empty(len(names), dtype="int64")
    rank[np.argsort(names, kind="stable")] = np.arange(len(names))
    return rank[values.cat.codes.to_numpy()]


def _answered(answers: pd.DataFrame, dims: pd.DataFrame) -> pd.DataFrame:
    """The answered rows with norm_value (promote_answers.sql) and whether the respondent rates its own side."""
    answered = answers.loc[
        answers["status"] == "answered",
        ["deal_id", "dimension_id", "rated_side", "respondent_side", "respondent_id", "division", "raw_value"],
    ]
    dim_codes = _codes(answered["dimension_id"], list(dims["dimension_id"]))
    lo = dims["scale_min"].to_numpy()[dim_codes]
    hi = dims["scale_max"].to_numpy()[dim_codes]
    return answered.assign(
        norm_value=(answered["raw_value"].to_numpy() - lo) / (hi - lo),
        own=_codes(answered["respondent_side"], list(SIDES)) == _codes(answered["rated_side"], list(SIDES)),
    )


def _views(answered: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per deal, dimension, organization rated and basis (own side or the other side): count, means, spread.
    Also the profile: the self view, else the other side's view."""
    grouped = answered.groupby(["deal_id", "dimension_id", "rated_side", "own"], observed=True, sort=False)
    group = grouped.ngroup().to_numpy()  # groups are numbered in the order agg() lists them
    views = grouped.agg(n=("norm_value", "size"))
    views["mean_raw"] = _plain_means(answered["raw_value"].to_numpy(), group, len(views))
    views["mean_norm"] = _plain_means(answered["norm_value"].to_numpy(), group, len(views))
    views["sd_norm"] = grouped["norm_value"].std(ddof=0).fillna(0.0)
    views = views.reset_index()
    views = views.assign(**{c: views[c].astype(str) for c in ("deal_id", "dimension_id", "rated_side")})
    profile = views.sort_values("own", ascending=False, kind="stable")  # own view first
    profile = profile.drop_duplicates(["deal_id", "dimension_id", "rated_side"], keep="first")
    profile = profile.assign(basis=np.where(profile["own"].to_numpy(), "self", "other"))
    return views, profile.drop(columns="own")


def _plain_means(values: np.ndarray, group: np.ndarray, groups: int) -> np.ndarray:
    """Each group's mean as DuckDB's avg() takes it: its values added one after another in row order, then
    divided by their count. pandas' groupby mean adds with compensation, which can end one bit away, and on
    a value exactly on a rounding boundary (a severity of 6.75) that bit decides the rounding."""
    sums = np.bincount(group, weights=values, minlength=groups)  # adds in the order of the rows
    return sums / np.bincount(group, minlength=groups)


def _side_confidence(n: np.ndarray, sd: np.ndarray, conf) -> np.ndarray:  # type: ignore[no-untyped-def]
    """least(1, n / full_n) * (1 - spread_penalty * least(1, sd / 0.5)); least() skips NULLs, as fmin skips NaN."""
    return np.fmin(1.0, n / float(conf.full_at_respondents)) * (1.0 - conf.spread_penalty * np.fmin(1.0, sd / 0.5))


def _severity(size: np.ndarray, weight: np.ndarray, confidence: np.ndarray, conf) -> np.ndarray:  # type: ignore[no-untyped-def]
    """100 * least(1, size * weight) * (severity_floor + (1 - severity_floor) * confidence), unrounded."""
    return 100.0 * np.fmin(1.0, size * weight) * (conf.severity_floor + (1.0 - conf.severity_floor) * confidence)


def _rag(is_agreement: np.ndarray, score: np.ndarray, agreement) -> pd.Series:  # type: ignore[no-untyped-def]
    """The rag() macro: red/amber/green of an agreement item's mean (rounded to 4 places); else empty."""
    rounded = duck_round(score, 4)
    labels = np.select(
        [rounded <= agreement.red_at_or_below, rounded >= agreement.green_at_or_above],
        ["red", "green"],
        default="amber",
    ).astype(object)
    return pd.Series(np.where(is_agreement & ~np.isnan(rounded), labels, NONE), dtype="object")


def _store(out: pd.DataFrame, unrounded: dict[str, np.ndarray], rounding: dict[str, int]) -> None:
    """Each value rounded as stored, and its unrounded twin (for telling rounding ties from mismatches)."""
    for column, decimals in rounding.items():
        if column in unrounded:
            out[column] = duck_round(unrounded[column], decimals)
            out[f"{column}_unrounded"] = unrounded[column]


def reference_gaps(
    inputs: ReferenceInputs, views: pd.DataFrame | None = None, profile: pd.DataFrame | None = None
) -> pd.DataFrame:
    """gaps.sql in pandas: one row per deal and dimension, values rounded as stored."""
    pb = inputs.playbook
    rules = pb.scoring
    dims = _dimensions(pb)
    if views is None or profile is None:
        views, profile = _views(_answered(inputs.answers, dims))
    grid = _weighted_grid(inputs.deals, dims, pb)
    for side in SIDES:
        part = (
            profile.loc[profile["rated_side"] == side]
            .rename(
                columns={
                    "n": f"{side}_n",
                    "mean_raw": f"{side}_score",
                    "mean_norm": f"{side}_norm",
                    "sd_norm": f"{side}_sd",
                    "basis": f"{side}_basis",
                }
            )
            .drop(columns="rated_side")
        )
        grid = grid.merge(part, on=KEYS, how="left")
        grid[f"{side}_n"] = grid[f"{side}_n"].fillna(0).astype("int64")
        rated = views.loc[views["rated_side"] == side]
        for own, name in ((True, "self"), (False, "other")):
            view = rated.loc[rated["own"] == own, [*KEYS, "mean_raw"]].rename(
                columns={"mean_raw": f"{side}_{name}_score"}
            )
            grid = grid.merge(view, on=KEYS, how="left")
    notes = inputs.evidence.assign(deal_id=inputs.evidence["deal_id"].astype(str)).groupby(KEYS).size()
    grid = grid.merge(notes.rename("evidence_count").reset_index(), on=KEYS, how="left")
    grid["evidence_count"] = grid["evidence_count"].fillna(0).astype("int64")

    home, partner = grid["home_norm"].to_numpy(), grid["partner_norm"].to_numpy()
    signed = partner - home
    effective = np.abs(signed)  # the size of the gap in every direction; the kind says what it means
    direction = grid["direction"].to_numpy()
    higher, lower = direction == "higher_is_better", direction == "lower_is_better"
    one_sided = direction != "symmetric"
    goodness = {
        side: np.where(higher, norm, np.where(lower, 1.0 - norm, np.nan))
        for side, norm in (("home", home), ("partner", partner))
    }
    lo, hi = grid["scale_min"].to_numpy(), grid["scale_max"].to_numpy()
    is_agreement = (grid["scale_kind"] == "agreement").to_numpy()
    weak_at = np.where(
        is_agreement, duck_round((rules.agreement.red_at_or_below - lo) / (hi - lo), 4), rules.weak_zone.rating
    )
    conf = rules.confidence
    side_confidence = {
        side: _side_confidence(grid[f"{side}_n"].to_numpy(), grid[f"{side}_sd"].to_numpy(), conf) for side in SIDES
    }
    both = ~np.isnan(home) & ~np.isnan(partner)
    confidence = np.where(both, np.fmin(side_confidence["home"], side_confidence["partner"]), np.nan)
    weight = grid["weight"].to_numpy()
    size_factor = np.where(both, np.fmin(1.0, effective * weight), np.nan)
    confidence_factor = np.where(both, conf.severity_floor + (1.0 - conf.severity_floor) * confidence, np.nan)
    raw_severity = np.where(both, _severity(effective, weight, confidence, conf), np.nan)

    out = grid[
        [
            "deal_id",
            "dimension_id",
            "category_id",
            "dimension_name",
            "direction",
            "sort_order",
            "scale_kind",
            "scale_min",
            "scale_max",
            "weight",
            "home_n",
            "partner_n",
            "home_basis",
            "partner_basis",
            "evidence_count",
        ]
    ].copy()
    _store(
        out,
        {
            "home_score": grid["home_score"].to_numpy(),
            "partner_score": grid["partner_score"].to_numpy(),
            "home_norm": home,
            "partner_norm": partner,
            "home_sd": grid["home_sd"].to_numpy(),
            "partner_sd": grid["partner_sd"].to_numpy(),
            "signed_gap": signed,
            "abs_gap": np.abs(signed),
            "effective_gap": effective,
            "home_confidence": side_confidence["home"],
            "partner_confidence": side_confidence["partner"],
            "confidence": confidence,
            "severity": raw_severity,
            "home_goodness": goodness["home"],
            "partner_goodness": goodness["partner"],
            "home_other_score": grid["home_other_score"].to_numpy(),
            "partner_other_score": grid["partner_other_score"].to_numpy(),
            "size_factor": size_factor,
            "confidence_factor": confidence_factor,
        },
        GAP_ROUNDING,
    )
    out["band"] = _bands(out["severity"], rules.bands)
    out["band_rank"] = _band_ranks(out["band"])
    scored = out.loc[out["severity"].notna()].sort_values(
        ["deal_id", "severity", "weight", "dimension_id"], ascending=[True, False, False, True], kind="stable"
    )
    out["rank"] = (scored.groupby("deal_id").cumcount() + 1).reindex(out.index).astype("Int64")
    out["kind"] = np.where(one_sided, "shortfall", "difference")
    # the side further from the better end (compared to 6 places, so that equal scores name nobody)
    home_6, partner_6 = duck_round(goodness["home"], 6), duck_round(goodness["partner"], 6)
    out["short_side"] = pd.Series(
        np.where(home_6 < partner_6, "home", np.where(partner_6 < home_6, "partner", NONE)),
        index=out.index,
        dtype="object",
    )
    for side in SIDES:
        rounded = out[f"{side}_goodness"].to_numpy()
        # false on a style dimension; unknown (NULL) where the side has no score
        weak = pd.array(np.where(np.isnan(rounded), None, rounded <= weak_at), dtype="boolean")
        weak[~one_sided] = False
        out[f"{side}_weak"] = weak
        out[f"{side}_rag"] = _rag(is_agreement, grid[f"{side}_self_score"].to_numpy(), rules.agreement).to_numpy()
        out[f"{side}_other_rag"] = _rag(
            is_agreement, grid[f"{side}_other_score"].to_numpy(), rules.agreement
        ).to_numpy()
    out["overridden"] = False
    return out.sort_values(["deal_id", "sort_order"], kind="stable").reset_index(drop=True)


def reference_perception_gaps(inputs: ReferenceInputs, views: pd.DataFrame) -> pd.DataFrame:
    """perception_gaps.sql in pandas: per deal, dimension and organization seen from both sides, its self view
    against the other side's view of it."""
    pb = inputs.playbook
    rules = pb.scoring
    keys = [*KEYS, "rated_side"]
    columns = [*keys, "n", "mean_raw", "mean_norm", "sd_norm"]
    pair = views.loc[views["own"], columns].merge(
        views.loc[~views["own"], columns], on=keys, suffixes=("_self", "_other")
    )  # both views present
    grid = _weighted_grid(inputs.deals, _dimensions(pb), pb)
    pair = pair.merge(grid, on=KEYS)
    conf = rules.confidence
    confidence = np.fmin(
        _side_confidence(pair["n_self"].to_numpy(), pair["sd_norm_self"].to_numpy(), conf),
        _side_confidence(pair["n_other"].to_numpy(), pair["sd_norm_other"].to_numpy(), conf),
    )
    self_norm, other_norm = pair["mean_norm_self"].to_numpy(), pair["mean_norm_other"].to_numpy()
    self_view, other_view = pair["mean_raw_self"].to_numpy(), pair["mean_raw_other"].to_numpy()
    size = np.abs(duck_round(other_norm - self_norm, 4))
    weight = pair["weight"].to_numpy()
    out = pair[[*keys, "sort_order", "weight"]].copy()
    out["self_n"] = pair["n_self"].to_numpy()
    out["other_n"] = pair["n_other"].to_numpy()
    _store(
        out,
        {
            "self_view": self_view,
            "other_view": other_view,
            "self_norm": self_norm,
            "other_norm": other_norm,
            "difference": other_norm - self_norm,
            "difference_scale": other_view - self_view,
            "confidence": confidence,
            "severity": _severity(size, weight, confidence, conf),
        },
        PERCEPTION_ROUNDING,
    )
    out["flagged"] = size >= rules.perception_threshold
    is_agreement = (pair["scale_kind"] == "agreement").to_numpy()
    out["self_rag"] = _rag(is_agreement, self_view, rules.agreement).to_numpy()
    out["other_rag"] = _rag(is_agreement, other_view, rules.agreement).to_numpy()
    out["band"] = _bands(out["severity"], rules.bands)
    return out.sort_values(["deal_id", "sort_order", "rated_side"], kind="stable").reset_index(drop=True)


def reference_internal_disagreement(
    inputs: ReferenceInputs, answered: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """internal_disagreement.sql in pandas: per deal, organization and dimension, the spread of the means of
    its own divisions about itself. Also each division's mean (deal_id, side, dimension_id, division, mean),
    for the comparison."""
    pb = inputs.playbook
    rules = pb.scoring
    keys = ["deal_id", "rated_side", "dimension_id"]
    own = answered.loc[answered["own"], [*keys, "division", "norm_value"]]
    divisions = own.groupby([*keys, "division"], observed=True, sort=False)["norm_value"]
    by_division = divisions.agg(["size"]).reset_index()
    by_division["mean"] = _plain_means(own["norm_value"].to_numpy(), divisions.ngroup().to_numpy(), len(by_division))
    group = by_division.groupby(keys, observed=True, sort=False).ngroup().to_numpy()
    groups = int(group.max()) + 1 if len(group) else 0
    mean = duck_round(by_division["mean"].to_numpy(), 6)  # the SQL rounds division means so ties go by name
    division = _byte_order(by_division["division"])
    # arg_min / arg_max over (mean, division): the lowest mean (ties: the first division by name) and the
    # highest mean (ties: the last division by name), the first and last of each group sorted by both
    order = np.lexsort((division, mean, group))
    starts = np.flatnonzero(np.r_[True, group[order][1:] != group[order][:-1]]) if groups else order
    lowest, highest = order[starts], order[np.r_[starts[1:], len(order)] - 1]
    names = by_division["division"].astype(str).to_numpy()
    counts = by_division["size"].to_numpy()
    spread = pd.DataFrame(
        {
            "group": np.arange(groups),
            "divisions": np.bincount(group, minlength=groups),
            "lowest_division": names[lowest],
            "lowest_mean": mean[lowest],
            "lowest_n": counts[lowest],
            "highest_division": names[highest],
            "highest_mean": mean[highest],
            "highest_n": counts[highest],
        }
    )
    first = np.unique(group, return_index=True)[1]
    for column in keys:
        spread[column] = by_division[column].astype(str).to_numpy()[first]
    per_side = own.groupby(keys, observed=True, sort=False)["norm_value"]
    people = pd.DataFrame({"respondents": per_side.size(), "sd": per_side.std(ddof=0)}).reset_index()
    people = people.assign(**{c: people[c].astype(str) for c in keys})
    spread = spread.merge(people, on=keys)
    spread = spread.merge(_weighted_grid(inputs.deals, _dimensions(pb), pb), on=KEYS)
    size = duck_round(spread["highest_mean"].to_numpy() - spread["lowest_mean"].to_numpy(), 4)
    conf = rules.confidence
    confidence = np.fmin(
        1.0, np.fmin(spread["lowest_n"].to_numpy(), spread["highest_n"].to_numpy()) / float(conf.full_at_respondents)
    )
    several = spread["divisions"].to_numpy() > 1
    width = (spread["scale_max"] - spread["scale_min"]).to_numpy()
    out = spread[
        [
            "deal_id",
            "rated_side",
            "dimension_id",
            "sort_order",
            "divisions",
            "respondents",
            "lowest_division",
            "highest_division",
            "weight",
        ]
    ].rename(columns={"rated_side": "side"})
    _store(
        out,
        {
            "lowest_mean": spread["lowest_mean"].to_numpy(),
            "highest_mean": spread["highest_mean"].to_numpy(),
            "spread": spread["highest_mean"].to_numpy() - spread["lowest_mean"].to_numpy(),
            "respondent_sd": spread["sd"].to_numpy(),
            "spread_scale": size * width,
            "confidence": confidence,
            "severity": np.where(several, _severity(size, spread["weight"].to_numpy(), confidence, conf), np.nan),
        },
        DISAGREEMENT_ROUNDING,
    )
    out["flagged"] = several & (size >= rules.disagreement_threshold)
    out["band"] = _bands(out["severity"], rules.bands)
    division_means = by_division[[*keys, "division", "mean"]].rename(columns={"rated_side": "side"})
    division_means = division_means.assign(
        **{c: division_means[c].astype(str) for c in ("deal_id", "side", "dimension_id", "division")}
    )
    return out.sort_values(["deal_id", "side", "sort_order"], kind="stable").reset_index(drop=True), division_means


def _finding_rows(
    frame: pd.DataFrame,
    kind: str | np.ndarray,
    side: object,
    values: dict[str, object],
    detail: object = None,
    overridden: object = False,
) -> pd.DataFrame:
    """One part of findings.sql's union, with the unrounded twin of each rounded value."""
    rows = pd.DataFrame(
        {
            "deal_id": frame["deal_id"].to_numpy(),
            "kind": kind,
            "dimension_id": frame["dimension_id"].to_numpy(),
            "side": side,
            "weight": frame["weight"].to_numpy(),
            "detail": detail,
            "overridden": overridden,
        }
    )
    for column, value in values.items():
        rows[column] = value
    return rows


def _two_places(values: pd.Series) -> np.ndarray:
    """printf('%.2f') of each value, formatting each distinct value once."""
    distinct, where = np.unique(values.to_numpy(dtype="float64"), return_inverse=True)
    return np.array([f"{v:.2f}" for v in distinct], dtype=object)[where.reshape(-1)]


def reference_findings(
    gaps: pd.DataFrame, perception: pd.DataFrame, disagreement: pd.DataFrame, playbook: Playbook
) -> pd.DataFrame:
    """findings.sql in pandas: every finding of each deal, ranked together, from the rounded stored values."""
    rules = playbook.scoring
    g = gaps.loc[gaps["severity"].to_numpy() > 0]
    width = (g["scale_max"] - g["scale_min"]).to_numpy()
    parts = [
        _finding_rows(
            g,
            g["kind"].to_numpy(),
            g["short_side"].to_numpy(),
            {
                "severity": g["severity"].to_numpy(),
                "severity_unrounded": g["severity_unrounded"].to_numpy(),
                "size": g["effective_gap"].to_numpy(),
                "size_unrounded": g["effective_gap_unrounded"].to_numpy(),
                "size_scale": g["effective_gap"].to_numpy() * width,
                "size_scale_unrounded": g["effective_gap_unrounded"].to_numpy() * width,
                **{c: g[c].to_numpy() for c in ("confidence", "home_score", "partner_score")},
                **{
                    f"{c}_unrounded": g[f"{c}_unrounded"].to_numpy()
                    for c in ("confidence", "home_score", "partner_score")
                },
            },
            overridden=g["overridden"].to_numpy(),
        )
    ]

    # shared weaknesses: both sides in the weak zone; as large as the stronger side is far from the better end
    shared = gaps.loc[
        gaps["home_weak"].fillna(False).to_numpy()
        & gaps["partner_weak"].fillna(False).to_numpy()
        & gaps["confidence_factor"].notna().to_numpy()
    ]
    size = 1.0 - np.fmax(shared["home_goodness"].to_numpy(), shared["partner_goodness"].to_numpy())
    raw = 100.0 * np.fmin(1.0, size * shared["weight"].to_numpy()) * shared["confidence_factor"].to_numpy()
    severity = duck_round(raw, 1)
    keep = severity > 0
    shared, size, raw, severity = shared.loc[keep], size[keep], raw[keep], severity[keep]
    width = (shared["scale_max"] - shared["scale_min"]).to_numpy()
    parts.append(
        _finding_rows(
            shared,
            "shared",
            None,
            {
                "severity": severity,
                "severity_unrounded": raw,
                "size": size,
                "size_unrounded": 1.0
                - np.fmax(
                    shared["home_goodness_unrounded"].to_numpy(), shared["partner_goodness_unrounded"].to_numpy()
                ),
                "size_scale": size * width,
                "size_scale_unrounded": size * width,
                **{c: shared[c].to_numpy() for c in ("confidence", "home_score", "partner_score")},
                **{
                    f"{c}_unrounded": shared[f"{c}_unrounded"].to_numpy()
                    for c in ("confidence", "home_score", "partner_score")
                },
            },
        )
    )

    p = perception.loc[perception["flagged"].to_numpy() & (perception["severity"].to_numpy() > 0)]
    parts.append(
        _finding_rows(
            p,
            "perception",
            p["rated_side"].to_numpy(),
            {
                "severity": p["severity"].to_numpy(),
                "severity_unrounded": p["severity_unrounded"].to_numpy(),
                "size": np.abs(p["difference"].to_numpy()),
                "size_unrounded": np.abs(p["difference_unrounded"].to_numpy()),
                "size_scale": np.abs(p["difference_scale"].to_numpy()),
                "size_scale_unrounded": np.abs(p["difference_scale_unrounded"].to_numpy()),
                "confidence": p["confidence"].to_numpy(),
                "confidence_unrounded": p["confidence_unrounded"].to_numpy(),
            },
            detail="self view " + _two_places(p["self_view"]) + ", other view " + _two_places(p["other_view"]),
        )
    )

    d = disagreement.loc[disagreement["flagged"].to_numpy() & (disagreement["severity"].to_numpy() > 0)]
    parts.append(
        _finding_rows(
            d,
            "disagreement",
            d["side"].to_numpy(),
            {
                "severity": d["severity"].to_numpy(),
                "severity_unrounded": d["severity_unrounded"].to_numpy(),
                "size": d["spread"].to_numpy(),
                "size_unrounded": d["spread_unrounded"].to_numpy(),
                "size_scale": d["spread_scale"].to_numpy(),
                "size_scale_unrounded": d["spread_scale_unrounded"].to_numpy(),
                "confidence": d["confidence"].to_numpy(),
                "confidence_unrounded": d["confidence_unrounded"].to_numpy(),
            },
            detail=(
                d["lowest_division"].to_numpy().astype(object)
                + " "
                + _two_places(d["lowest_mean"])
                + " to "
                + d["highest_division"].to_numpy().astype(object)
                + " "
                + _two_places(d["highest_mean"])
            ),
        )
    )

    found = pd.concat([part for part in parts if len(part)] or parts, ignore_index=True)
    for column in ("home_score", "partner_score", "home_score_unrounded", "partner_score_unrounded"):
        if column not in found.columns:
            found[column] = np.nan
    found = found.astype(
        {
            c: "float64"
            for c in found.columns
            if c.endswith("_unrounded")
            or c in ("severity", "size", "size_scale", "weight", "confidence", "home_score", "partner_score")
        }
    )
    found["band"] = _bands(found["severity"], rules.bands)
    found["band_rank"] = _band_ranks(found["band"])
    found = found.merge(_dimensions(playbook)[["dimension_id", "category_id", "dimension_name"]], on="dimension_id")
    has_side = found["side"].notna().to_numpy()
    side_text = found["side"].where(has_side, "").astype(str).to_numpy(dtype=object)
    found["finding_id"] = (
        found["kind"].to_numpy(dtype=object)
        + ":"
        + found["dimension_id"].to_numpy(dtype=object)
        + np.where(has_side, ":" + side_text, "")
    )
    for column in ("size", "size_scale", "confidence"):
        found[column] = duck_round(found[column], 4)
    found["overridden"] = found["overridden"].fillna(False).astype(bool)
    found["side_order"] = side_text  # NULLS FIRST: no side sorts before 'home' and 'partner'
    found = found.sort_values(
        ["deal_id", "severity", "band_rank", "weight", "kind", "dimension_id", "side_order"],
        ascending=[True, False, False, False, True, True, True],
        kind="stable",
    )
    found["rank"] = found.groupby("deal_id", sort=False).cumcount().to_numpy() + 1
    return found.drop(columns="side_order").reset_index(drop=True)


def _dimension_at_worst(gaps: pd.DataFrame, findings: pd.DataFrame) -> pd.DataFrame:
    """Each gap row with its dimension's worst severity (its own or its worst finding's; 0 from neither
    when only one of them is known) and the counts of its critical and high findings."""
    worst = (
        findings.assign(is_critical=findings["band"] == "critical", is_high=findings["band"] == "high")
        .groupby(KEYS, sort=False)
        .agg(worst=("severity", "max"), critical=("is_critical", "sum"), high=("is_high", "sum"))
    )
    g = gaps.merge(worst.reset_index(), on=KEYS, how="left")
    own, found = g["severity"].to_numpy(), g["worst"].to_numpy()
    either = ~np.isnan(own) | ~np.isnan(found)
    g["dim_severity"] = np.where(either, np.fmax(np.nan_to_num(own), np.nan_to_num(found)), np.nan)
    g["critical"] = g["critical"].fillna(0).astype("int64")
    g["high"] = g["high"].fillna(0).astype("int64")
    return g


def reference_category_scores(gaps: pd.DataFrame, findings: pd.DataFrame, playbook: Playbook) -> pd.DataFrame:
    """category_scores.sql in pandas, from the rounded gap and finding values."""
    bands = playbook.scoring.bands
    g = _dimension_at_worst(gaps, findings)
    has = g["dim_severity"].notna()
    g = g.assign(
        has=g["severity"].notna(), weighted=g["dim_severity"] * g["weight"], scored_weight=g["weight"].where(has)
    )
    grouped = g.groupby(["deal_id", "category_id"], sort=False)
    agg = grouped.agg(
        dimensions_scored=("has", "sum"),
        dimensions_total=("dimension_id", "size"),
        home_mean=("home_norm", "mean"),
        partner_mean=("partner_norm", "mean"),
        mean_abs_gap=("abs_gap", "mean"),
        weighted=("weighted", "sum"),
        scored_weight=("scored_weight", "sum"),
        max_severity=("dim_severity", "max"),
        critical_gaps=("critical", "sum"),
        high_gaps=("high", "sum"),
        any_severity=("dim_severity", "count"),
    ).reset_index()
    agg["score_unrounded"] = (agg["weighted"] / agg["scored_weight"].replace(0.0, np.nan)).where(
        agg["any_severity"] > 0
    )
    # arg_max over (severity, weight, dimension_id)
    top = (
        g.loc[has]
        .sort_values(
            ["deal_id", "category_id", "dim_severity", "weight", "dimension_id"],
            ascending=[True, True, False, False, False],
            kind="stable",
        )
        .drop_duplicates(["deal_id", "category_id"])[["deal_id", "category_id", "dimension_id"]]
        .rename(columns={"dimension_id": "top_dimension"})
    )
    categories = pd.DataFrame(
        [(c.id.value, c.name, i) for i, c in enumerate(playbook.categories)],
        columns=["category_id", "category_name", "sort_order"],
    )
    out = pd.DataFrame({"deal_id": gaps["deal_id"].unique()}).merge(categories, how="cross")
    out = out.merge(agg, on=["deal_id", "category_id"], how="left").merge(
        top, on=["deal_id", "category_id"], how="left"
    )
    for column in ("dimensions_scored", "dimensions_total", "critical_gaps", "high_gaps"):
        out[column] = out[column].fillna(0).astype("int64")
    for column in ("home_mean", "partner_mean", "mean_abs_gap"):
        out[f"{column}_unrounded"] = out[column]
        out[column] = duck_round(out[column], 4)
    out["score"] = duck_round(out["score_unrounded"], 1)
    out["band"] = _bands(out["score"], bands)
    return out.sort_values(["deal_id", "sort_order"], kind="stable").reset_index(drop=True)


def reference_deal_scores(
    gaps: pd.DataFrame, findings: pd.DataFrame, answers: pd.DataFrame, playbook: Playbook
) -> pd.DataFrame:
    """deal_scores.sql in pandas: the risk index from the top_k finding severities and the weighted mean of the
    dimensions at their worst finding; the counts of critical and high findings."""
    rules = playbook.scoring
    g = _dimension_at_worst(gaps, findings)
    g = g.assign(
        weighted=g["dim_severity"] * g["weight"],
        scored_weight=g["weight"].where(g["dim_severity"].notna()),
        has=g["severity"].notna(),
    )
    out = (
        g.groupby("deal_id", sort=True)
        .agg(
            weighted=("weighted", "sum"),
            scored_weight=("scored_weight", "sum"),
            any_severity=("dim_severity", "count"),
            dimensions_scored=("has", "sum"),
            dimensions_total=("dimension_id", "size"),
        )
        .reset_index()
    )
    out["weighted_mean"] = (out["weighted"] / out["scored_weight"].replace(0.0, np.nan)).where(out["any_severity"] > 0)
    f = findings.assign(
        top=findings["severity"].where(findings["rank"] <= rules.risk_index.top_k),
        is_critical=findings["band"] == "critical",
        is_high=findings["band"] == "high",
    )
    per_deal = f.groupby("deal_id").agg(
        top_mean=("top", "mean"), critical_gaps=("is_critical", "sum"), high_gaps=("is_high", "sum")
    )
    out = out.merge(per_deal.reset_index(), on="deal_id", how="left")
    for column in ("critical_gaps", "high_gaps"):
        out[column] = out[column].fillna(0).astype("int64")
    people = (
        answers.groupby(["deal_id", "respondent_side"], observed=True)["respondent_id"].nunique().unstack(fill_value=0)
    )
    people.index = people.index.astype(str)
    for side in SIDES:
        counts = people[side] if side in people.columns else pd.Series(dtype="int64")
        out[f"{side}_respondents"] = out["deal_id"].map(counts).fillna(0).astype("int64")
    share = rules.risk_index.top_share
    out["risk_index_unrounded"] = share * out["top_mean"].fillna(0.0) + (1 - share) * out["weighted_mean"]
    out["risk_index"] = duck_round(out["risk_index_unrounded"], 1)
    out["band"] = _bands(out["risk_index"], rules.bands)
    for column in ("top_mean", "weighted_mean"):
        out[f"{column}_unrounded"] = out[column]
        out[column] = duck_round(out[column], 1)
    return out


def _bands(values: pd.Series, bands) -> pd.Series:  # type: ignore[no-untyped-def]
    v = values.to_numpy(dtype="float64")
    labels = np.select(
        [v >= bands.critical, v >= bands.high, v >= bands.moderate], ["critical", "high", "moderate"], default="low"
    )
    return pd.Series(labels, index=values.index, dtype="object").where(~np.isnan(v), None)


def _band_ranks(bands: pd.Series) -> pd.Series:
    return bands.map({b: i for i, b in enumerate(BANDS)}).astype("Int64")


@dataclass(frozen=True)
class ReferenceScores:
    gaps: pd.DataFrame
    perception_gaps: pd.DataFrame
    internal_disagreement: pd.DataFrame
    findings: pd.DataFrame
    category_scores: pd.DataFrame
    deal_scores: pd.DataFrame
    division_means: pd.DataFrame  # deal_id, side, dimension_id, division, mean (on 0..1)


def score_reference(inputs: ReferenceInputs) -> ReferenceScores:
    """Every scoring table up to the risk index, for every deal in ``inputs``, in the order of SCORING_STEPS."""
    pb = inputs.playbook
    answered = _answered(inputs.answers, _dimensions(pb))
    views, profile = _views(answered)
    gaps = reference_gaps(inputs, views, profile)
    perception = reference_perception_gaps(inputs, views)
    disagreement, division_means = reference_internal_disagreement(inputs, answered)
    findings = reference_findings(gaps, perception, disagreement, pb)
    return ReferenceScores(
        gaps=gaps,
        perception_gaps=perception,
        internal_disagreement=disagreement,
        findings=findings,
        category_scores=reference_category_scores(gaps, findings, pb),
        deal_scores=reference_deal_scores(gaps, findings, inputs.answers, pb),
        division_means=division_means,
    )
