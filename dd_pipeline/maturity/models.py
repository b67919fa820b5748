"""The maturity model file (assets/framework/maturity.yaml) and one row of a deal's maturity.csv."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from dd_pipeline.models import Identifier, Line, Side, Strict, Text

LEVELS = (1, 2, 3, 4)
MATURITY_COLUMNS = ("respondent_id", "respondent_side", "rated_side", "area", "level")
MATURITY_REQUIRED = ("respondent_id", "respondent_side", "area", "level")


class MaturityArea(Strict):
    """One row of the model: an area of partnering capability, described at each of the four levels."""

    id: Identifier
    name: Line = Field(min_length=1, max_length=80)
    levels: dict[int, Text] = Field(description="What the organization looks like at level 1, 2, 3 and 4.")

    @field_validator("levels")
    @classmethod
    def _four_levels(cls, levels: dict[int, str]) -> dict[int, str]:
        if sorted(levels) != list(LEVELS):
            raise ValueError(
                f"must describe exactly the levels 1, 2, 3 and 4 (found {', '.join(map(str, sorted(levels)))})"
            )
        for level, text in levels.items():
            if not text.strip():
                raise ValueError(f"the description of level {level} is empty")
        return levels


class MaturityRule(Strict):
    """How a side's answers become its profile, and when the profile counts as immature."""

    overall: Literal["median", "lowest"] = Field(
        "median",
        description="A side's overall level from its area levels: their median, or its weakest area; "
        "rounded down to a whole level.",
    )
    immature_at_or_below: int = Field(
        2, ge=1, le=3, description="An overall level at or below this is immature (raises every challenge)."
    )
    fallback_dimension: Identifier = Field(
        "am_maturity",
        description="A side without maturity answers is judged on this 1-4 dimension's score instead.",
    )


class MaturityModel(Strict):
    source: Line
    areas: list[MaturityArea] = Field(min_length=1)
    rule: MaturityRule = MaturityRule()

    @model_validator(mode="after")
    def _distinct_ids(self) -> MaturityModel:
        seen: set[str] = set()
        for area in self.areas:
            if area.id in seen:
                raise ValueError(f"the area id '{area.id}' is used twice; each area needs its own id")
            seen.add(area.id)
        return self

    @property
    def area_ids(self) -> list[str]:
        return [a.id for a in self.areas]


class MaturityAnswer(Strict):
    """One row of maturity.csv: one person's level for one area of one organization."""

    respondent_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")]
    respondent_side: Side
    rated_side: Side
    area: Identifier
    level: int = Field(ge=1, le=4)
