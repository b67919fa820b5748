"""The two organizations: sides, people, the home organization, and the country and time zone checks."""

from __future__ import annotations

from enum import StrEnum

from pydantic import (
    Field,
    field_validator,
)

from dd_pipeline.models.base import Line, Name, Strict
from dd_pipeline.names import Side as Side  # re-exported: the models name the sides


class Level(StrEnum):
    executive = "executive"
    middle = "middle"
    operational = "operational"


class Person(Strict):
    name: Name = Field(min_length=1, max_length=120)
    role: Name = Field(min_length=1, max_length=120)
    email: Line | None = None


LETTER_COUNTRIES = frozenset({"US", "CA", "MX", "CL", "CO", "VE", "PH", "PR", "GT", "CR", "PA", "DO", "SV", "NI"})
HOLIDAY_CALENDAR_HELP = (
    "expected a two-letter country code such as US, DE or GB, optionally with a region after a dash "
    "(US-NY, DE-BY, GB-SCT), or none for no public holidays"
)


def holiday_calendar_code(value: str, *, regions: bool = True) -> str:
    """``value`` as a holiday calendar the holidays package knows ("US", "DE-BY", "none"), in its spelling."""
    import holidays

    text = value.strip()
    if text.lower() == "none":
        return "none"
    country, _, region = text.partition("-")
    supported = {
        code: subdivisions for code, subdivisions in holidays.list_supported_countries().items() if len(code) == 2
    }
    country = country.upper()
    if country not in supported or (region and not regions):
        raise ValueError(
            f"is not a country whose public holidays are known; {HOLIDAY_CALENDAR_HELP}"
            if regions
            else "is not a two-letter country code such as US, DE or GB"
        )
    if not region:
        return country
    known = {s.upper(): s for s in supported[country]}
    if region.upper() not in known:
        listed = ", ".join(sorted(supported[country])[:40]) or "none"
        raise ValueError(f"names a region that {country} has no public holidays for; known regions: {listed}")
    return f"{country}-{known[region.upper()]}"


def country_text(value: object) -> str:
    """YAML reads an unquoted NO (Norway) as false."""
    if value is False:
        return "NO"
    if not isinstance(value, str):
        raise ValueError("is not text; expected a two-letter country code such as US, DE or GB")
    return value


def time_zone_name(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            "is not a time zone; expected a name from the IANA time zone database such as Europe/Berlin, "
            "America/New_York or UTC"
        ) from None
    return value


class HomeOrganization(Strict):
    name: Name
    short_name: Name
    divisions: list[Name] = Field(default_factory=list)
    alliance_manager: Person | None = None
    country: str | None = Field(
        None,
        description="Two-letter country code (US, DE, GB). Deals use its public holidays and paper "
        "size unless deal.yaml says otherwise; none set means no public holidays and A4 paper.",
    )
    timezone: str | None = Field(
        None,
        description="IANA time zone (America/New_York) for committee meetings unless deal.yaml sets "
        "governance.meeting_timezone; UTC when neither is set.",
    )

    @field_validator("country", mode="before")
    @classmethod
    def _country(cls, value: object) -> object:
        return holiday_calendar_code(country_text(value), regions=False) if value is not None else None

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        return None if value is None else time_zone_name(value)
