"""The governance of an alliance: committees, cadences, escalation tiers, meeting times."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import (
    Field,
    field_validator,
)

from dd_pipeline.models.base import Line, Name, Strict
from dd_pipeline.models.organizations import time_zone_name

Cadence = Literal["weekly", "every two weeks", "monthly", "every two months", "quarterly"]
CADENCE_BUSINESS_DAYS: dict[str, int] = {
    "weekly": 5,
    "every two weeks": 10,
    "monthly": 21,
    "every two months": 42,
    "quarterly": 63,
}


class Governance(Strict):
    """Parameters of the alliance's governance that the clauses draw on."""

    steering_committee: Name = Field("Joint Steering Committee", min_length=1, max_length=120)
    operating_committee: Name = Field("Joint Operating Committee", min_length=1, max_length=120)
    steering_cadence: Cadence = "quarterly"
    operating_cadence: Cadence = "monthly"
    escalation_days: list[int] = Field(
        default_factory=lambda: [10, 10, 15],
        description="Business days allowed at each escalation tier, first tier first.",
    )
    governing_law: Line | None = None
    meeting_time: str = Field(
        "10:00", description="Time of day (HH:MM, 24-hour clock) at which committee meetings start."
    )
    meeting_minutes: int = Field(60, ge=15, le=480, description="How long a committee meeting lasts.")
    meeting_timezone: str | None = Field(
        None,
        description="IANA time zone of meeting_time (Europe/Berlin); default: the home organization's "
        "timezone, else UTC.",
    )

    @field_validator("meeting_time", mode="before")
    @classmethod
    def _time_of_day(cls, value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
            return f"{value // 60:02d}:{value % 60:02d}"  # YAML reads an unquoted 10:00 as 600 (base 60)
        if isinstance(value, str):
            match = re.fullmatch(r"\s*([01]?[0-9]|2[0-3]):([0-5][0-9])\s*", value)
            if match:
                return f"{int(match.group(1)):02d}:{match.group(2)}"
        raise ValueError(
            'is not a time of day; expected hours and minutes on the 24-hour clock, such as "09:30" or "14:00"'
        )

    @field_validator("meeting_timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        return None if value is None else time_zone_name(value)

    @field_validator("escalation_days")
    @classmethod
    def _tiers(cls, value: list[int]) -> list[int]:
        if not 1 <= len(value) <= 5 or any(d < 1 or d > 90 for d in value):
            raise ValueError("escalation_days needs 1 to 5 tiers, each 1..90 business days")
        return value
