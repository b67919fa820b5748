"""Whether the pandas reference and the DuckDB scoring give the same numbers.

Rounded columns are compared as stored. Where they differ, the difference counts as a rounding tie (and
not as a mismatch) only when the reference's unrounded value lies within 1e-9 of a value that rounds to
the DuckDB figure: the two engines add the same numbers in a different order, which can move a value that
sits exactly on a rounding boundary (x.xxxx5) by one unit in the last bit.

For the same reason two of an organization's divisions can have means that are equal but for their last
bits, and then which one internal_disagreement.sql names as the lowest (or highest) depends on the order
DuckDB added the answers in, not on the division names that are meant to break the tie. Where DuckDB
names another division than the reference and both divisions' means (in the reference) are within 1e-9
of the lowest (or highest), the row's differing values, and those of its disagreement finding, count as
ties.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from bench.reference import (
    CATEGORY_EXACT,
    CATEGORY_ROUNDING,
    DEAL_EXACT,
    DEAL_ROUNDING,
    DISAGREEMENT_EXACT,
    DISAGREEMENT_ROUNDING,
    FINDING_EXACT,
    FINDING_ROUNDING,
    GAP_EXACT,
    GAP_ROUNDING,
    PERCEPTION_EXACT,
    PERCEPTION_ROUNDING,
    ReferenceScores,
)

TOLERANCE = 1e-9

# Each compared table: its key columns, its rounded columns and its columns compared exactly.
COMPARED = (
    ("gaps", ["deal_id", "dimension_id"], GAP_ROUNDING, GAP_EXACT),
    ("perception_gaps", ["deal_id", "dimension_id", "rated_side"], PERCEPTION_ROUNDING, PERCEPTION_EXACT),
    ("internal_disagreement", ["deal_id", "side", "dimension_id"], DISAGREEMENT_ROUNDING, DISAGREEMENT_EXACT),
    ("findings", ["deal_id", "finding_id"], FINDING_ROUNDING, FINDING_EXACT),
    ("category_scores", ["deal_id", "category_id"], CATEGORY_ROUNDING, CATEGORY_EXACT),
    ("deal_scores", ["deal_id"], DEAL_ROUNDING, DEAL_EXACT),
)


@dataclass
class TableEquality:
    table: str
    rows: int
    values: int = 0
    exact: int = 0
    ties: int = 0
    mismatches: int = 0
    examples: list[str] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return self.mismatches == 0

    def as_dict(self) -> dict[str, object]:
        return {
            "table": self.table,
            "rows": self.rows,
            "values": self.values,
            "exact": self.exact,
            "rounding_ties": self.ties,
            "mismatches": self.mismatches,
            "equal": self.equal,
            "examples": self.examples,
        }


def _same(a: pd.Series, b: pd.Series) -> np.ndarray:
    left, right = a.astype("object"), b.astype("object")
    missing_left, missing_right = left.isna().to_numpy(), right.isna().to_numpy()
    values = np.array(
        [x == y for x, y in zip(left.where(~missing_left, None), right.where(~missing_right, None), strict=True)],
        dtype=bool,
    )
    return (missing_left & missing_right) | (~missing_left & ~missing_right & values)


def compare_table(
    table: str,
    reference: pd.DataFrame,
    stored: pd.DataFrame,
    keys: list[str],
    rounding: dict[str, int],
    exact: list[str],
    equal_choices: pd.DataFrame | None = None,
) -> TableEquality:
    """``equal_choices``: values of some columns of the rows where DuckDB chose differently between values
    that are equal but for their last bits; every differing value of those rows counts as a tie."""
    result = TableEquality(table, len(stored))
    merged = stored.merge(reference, on=keys, how="outer", suffixes=("", "_ref"), indicator=True)
    unmatched = merged[merged["_merge"] != "both"]
    if not unmatched.empty:
        result.mismatches += len(unmatched)
        result.examples += [
            f"row {tuple(r)} only in {'DuckDB' if m == 'left_only' else 'the reference'}"
            for r, m in zip(unmatched[keys].itertuples(index=False), unmatched["_merge"], strict=True)
        ][:5]
    merged = merged[merged["_merge"] == "both"].reset_index(drop=True)
    chosen = np.zeros(len(merged), dtype=bool)
    if equal_choices is not None and len(equal_choices):
        on = list(equal_choices.columns)
        marks = merged[on].merge(equal_choices.drop_duplicates().assign(_chosen=True), on=on, how="left")
        chosen = marks["_chosen"].eq(True).to_numpy()
    tie_rows = chosen.copy()
    for column, decimals in rounding.items():
        duck = merged[column].astype("float64").to_numpy()
        ref = merged[f"{column}_ref"].astype("float64").to_numpy()
        raw = merged[f"{column}_unrounded"].astype("float64").to_numpy()
        same = (np.isnan(duck) & np.isnan(ref)) | (duck == ref)
        tie = ~same & ((np.abs(raw - duck) <= 0.5 * 10.0**-decimals + TOLERANCE) | chosen)
        result.values += len(merged)
        result.exact += int(same.sum())
        result.ties += int(tie.sum())
        tie_rows |= tie
        _note(result, merged, keys, column, ~same & ~tie, duck, ref)
    for column in exact:
        same = _same(merged[column], merged[f"{column}_ref"])
        # a band, rank or count that follows from a severity on a rounding tie moves with it
        tie = ~same & tie_rows
        result.values += len(merged)
        result.exact += int(same.sum())
        result.ties += int(tie.sum())
        _note(result, merged, keys, column, ~same & ~tie, merged[column].to_numpy(), merged[f"{column}_ref"].to_numpy())
    return result


def _note(
    result: TableEquality,
    merged: pd.DataFrame,
    keys: list[str],
    column: str,
    bad: np.ndarray,
    duck: np.ndarray,
    ref: np.ndarray,
) -> None:
    count = int(bad.sum())
    if not count:
        return
    result.mismatches += count
    for i in np.flatnonzero(bad)[: max(0, 5 - len(result.examples))]:
        where = ", ".join(str(merged[k].iloc[i]) for k in keys)
        result.examples.append(f"{where}: {column} DuckDB {duck[i]!r} vs reference {ref[i]!r}")


def compare_scores(con: duckdb.DuckDBPyConnection, deal_ids: list[str], ref: ReferenceScores) -> list[TableEquality]:
    """The reference's tables against the warehouse's, for ``deal_ids``, in the order they are scored."""

    def stored(table: str) -> pd.DataFrame:
        return con.execute(f"SELECT * FROM {table} WHERE list_contains(?, deal_id)", [deal_ids]).df()

    tables = {table: stored(table) for table, *_ in COMPARED}
    divisions = _divisions_chosen_among_equals(tables["internal_disagreement"], ref)
    choices = {"internal_disagreement": divisions, "findings": divisions.assign(kind="disagreement")}
    return [
        compare_table(table, getattr(ref, table), tables[table], keys, rounding, exact, choices.get(table))
        for table, keys, rounding, exact in COMPARED
    ]


def _divisions_chosen_among_equals(stored: pd.DataFrame, ref: ReferenceScores) -> pd.DataFrame:
    """(deal_id, side, dimension_id) of the rows where DuckDB names another lowest or highest division than
    the reference, and both engines' choices are divisions whose means (in the reference) are within
    TOLERANCE of the lowest (highest) mean."""
    keys = ["deal_id", "side", "dimension_id"]
    means = ref.division_means
    means = means.join(means.groupby(keys)["mean"].agg(low="min", high="max"), on=keys)
    low = means.loc[means["mean"] <= means["low"] + TOLERANCE, [*keys, "division"]]
    high = means.loc[means["mean"] >= means["high"] - TOLERANCE, [*keys, "division"]]
    found = stored[[*keys, "lowest_division", "highest_division"]].merge(
        ref.internal_disagreement[[*keys, "lowest_division", "highest_division"]], on=keys, suffixes=("", "_ref")
    )
    found = found[
        (found["lowest_division"] != found["lowest_division_ref"])
        | (found["highest_division"] != found["highest_division_ref"])
    ]
    ok = pd.Series(True, index=found.index)
    for column, candidates in (("lowest_division", low), ("highest_division", high)):
        for name in (column, f"{column}_ref"):  # both engines' choices must be among the equal ones
            marks = found[[*keys, name]].merge(
                candidates.rename(columns={"division": name}).assign(_ok=True), on=[*keys, name], how="left"
            )
            ok &= marks["_ok"].eq(True).to_numpy()
    return found.loc[ok, keys].reset_index(drop=True)
