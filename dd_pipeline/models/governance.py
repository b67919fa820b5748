"""The governance of an alliance: committees, cadences, escalation tiers, meeting times.

The cadences a committee may meet at and the governance a deal starts from are part of the playbook
(assets/framework/governance.yaml, ``GovernanceFile``). A deal read with the playbook at hand is validated
with ``GovernanceFile.context()``: the playbook's defaults fill what deal.yaml leaves out, and a cadence must
be one the playbook lists. The field defaults below apply only to a deal built without a playbook.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from dd_pipeline.models.base import Line, Name, Strict
from dd_pipeline.models.organizations import time_zone_name

Cadence = Line  # one of the cadences of assets/framework/governance.yaml
CADENCES_KEY = "cadences"  # validation context: the playbook's cadences (name -> business days)
DEFAULTS_KEY = "governance_defaults"  # validation context: the governance a deal starts from


def known_cadences(info: ValidationInfo) -> Mapping[str, int] | None:
    """The playbook's cadences when the model is validated with them (see GovernanceFile.context)."""
    found = (info.context or {}).get(CADENCES_KEY) if isinstance(info.context, Mapping) else None
    return found if isinstance(found, Mapping) else None


def listed(names: list[str]) -> str:
    """'a', 'b' or 'c', as the messages for a value outside a fixed list read."""
    quoted = [repr(n) for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + f" or {quoted[-1]}"


def check_cadence(value: str, cadences: Mapping[str, int]) -> str:
    if value not in cadences:
        raise PydanticCustomError(
            "literal_error", "is not a cadence of the playbook", {"expected": listed(list(cadences))}
        )
    return value


class Governance(Strict):
    """Parameters of the alliance's governance that the clauses draw on. What deal.yaml leaves out comes
    from ``defaults`` in assets/framework/governance.yaml."""

    steering_committee: Name = Field("Joint Steering Committee", min_length=1, max_length=120)
    operating_committee: Name = Field("Joint Operating Committee", min_length=1, max_length=120)
    steering_cadence: Cadence = Field(
        "quarterly",
        description="How often the steering committee meets: a cadence of assets/framework/governance.yaml.",
    )
    operating_cadence: Cadence = Field(
        "monthly", description="How often the operating committee meets: a cadence of assets/framework/governance.yaml."
    )
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

    @model_validator(mode="before")
    @classmethod
    def _playbook_defaults(cls, data: Any, info: ValidationInfo) -> Any:
        defaults = (info.context or {}).get(DEFAULTS_KEY) if isinstance(info.context, Mapping) else None
        if isinstance(defaults, Mapping) and isinstance(data, Mapping):
            return {**defaults, **data}
        return data

    @field_validator("steering_cadence", "operating_cadence")
    @classmethod
    def _cadence(cls, value: str, info: ValidationInfo) -> str:
        cadences = known_cadences(info)
        return value if cadences is None else check_cadence(value, cadences)

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


class GovernanceFile(Strict):
    """assets/framework/governance.yaml: the cadences committees may meet at, and the governance every deal
    starts from (deal.yaml may set each value for its own deal)."""

    cadences: dict[Line, int] = Field(
        description="Each cadence a committee may meet at, with the business days between two meetings."
    )
    defaults: Governance = Field(description="The governance of a deal whose deal.yaml does not set it.")

    @field_validator("cadences")
    @classmethod
    def _cadence_days(cls, value: dict[str, int]) -> dict[str, int]:
        if not value:
            raise ValueError("is empty; name at least one cadence with its business days, such as 'monthly: 21'")
        for name, days in value.items():
            if not 1 <= days <= 260:
                raise ValueError(f"gives {days} business days for '{name}'; expected 1 to 260 (a year)")
        return value

    def context(self) -> dict[str, object]:
        """The validation context of a deal read with this playbook."""
        return {CADENCES_KEY: dict(self.cadences), DEFAULTS_KEY: self.defaults.model_dump()}

    def days_between(self, cadence: str, committee: str) -> int:
        """Business days between two meetings at ``cadence``; a cadence the playbook does not list (a deal
        built without the playbook) meets at the default cadence of its committee."""
        fallback = self.defaults.steering_cadence if committee == "steering" else self.defaults.operating_cadence
        return self.cadences.get(cadence, self.cadences.get(fallback, max(self.cadences.values())))
