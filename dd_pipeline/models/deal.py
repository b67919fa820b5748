"""A deal (inputs/deals/<deal>/deal.yaml)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from dd_pipeline.models.base import (
    DEAL_ID_PATTERN,
    Identifier,
    Line,
    Name,
    ParameterValue,
    SaneDate,
    Strict,
    Text,
    control_character,
)
from dd_pipeline.models.governance import DEFAULTS_KEY, Governance, known_cadences
from dd_pipeline.models.organizations import (
    LETTER_COUNTRIES,
    HomeOrganization,
    Person,
    country_text,
    holiday_calendar_code,
)


class Deal(Strict):
    deal_id: str
    partner: Name = Field(min_length=1, max_length=200)
    partner_short_name: Name | None = None
    alliance_type: Identifier
    description: Text = ""
    term_sheet_date: SaneDate
    effective_date: SaneDate
    home_alliance_manager: Person
    partner_alliance_manager: Person
    deal_team: list[Person] = Field(default_factory=list)
    governance: Governance = Governance()
    clause_parameters: dict[Identifier, ParameterValue] = Field(
        default_factory=dict, description="Values for clause parameters; these win over all others."
    )
    holiday_calendar: str | None = Field(
        None,
        description="Whose public holidays the launch plan skips: a country code (US), a country and "
        "region (DE-BY) or none; default: the home organization's country.",
    )
    page_size: Literal["A4", "Letter"] | None = Field(
        None,
        description="Paper size of the Word and Excel files; default: Letter where the home "
        "organization's country uses it, else A4.",
    )
    clean_team: bool = Field(
        False,
        description="True for a deal run by a clean team (a partner who is a competitor): its outputs are "
        "written to its clean-team folder, never to the shared outputs folder, and the shared pages leave it "
        "out (docs/clean-team.md).",
    )
    clean_team_outputs: Line | None = Field(
        None,
        description="Full path of the clean-team folder of this deal; its outputs go to <folder>/<deal_id>/. "
        "Default: the DD_CLEAN_TEAM_ROOT setting. Only with clean_team: true.",
    )

    @field_validator("clean_team", mode="before")
    @classmethod
    def _clean_team(cls, value: object) -> object:
        if not isinstance(value, bool):
            raise ValueError(
                "is not true or false; write clean_team: true for a deal run by a clean team (its outputs are "
                "then kept out of the shared outputs folder) or clean_team: false"
            )
        return value

    @field_validator("clean_team_outputs")
    @classmethod
    def _clean_team_outputs(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return value
        if info.data.get("clean_team", True) is not True:  # absent: clean_team itself was refused
            raise ValueError(
                "is set, but clean_team is not true: add clean_team: true to run the deal as a clean-team deal "
                "(or remove clean_team_outputs)"
            )
        if not Path(value).is_absolute():
            raise ValueError(
                "is not an absolute path; expected the full path of the clean-team folder, such as "
                "/srv/clean-team (the deal's outputs then go to /srv/clean-team/<deal_id>/)"
            )
        return value

    @field_validator("holiday_calendar", mode="before")
    @classmethod
    def _holiday_calendar(cls, value: object) -> object:
        return holiday_calendar_code(country_text(value)) if value is not None else None

    @field_validator("page_size", mode="before")
    @classmethod
    def _page_size(cls, value: object) -> object:
        return {"a4": "A4", "letter": "Letter"}.get(value.strip().lower(), value) if isinstance(value, str) else value

    @field_validator("deal_id")
    @classmethod
    def _deal_id(cls, value: str) -> str:
        if not DEAL_ID_PATTERN.match(value):
            raise ValueError("must be 1-63 lowercase letters, digits, '-' or '_', starting with a letter or digit")
        return value

    @field_validator("effective_date")
    @classmethod
    def _dates_in_order(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        signed = info.data.get("term_sheet_date")
        if signed is not None and value < signed:
            raise ValueError(
                f"is before the term_sheet_date {signed}; the agreement cannot take effect before the term "
                "sheet is signed"
            )
        return value

    @field_validator("clause_parameters")
    @classmethod
    def _parameter_values(cls, value: dict[str, ParameterValue], info: ValidationInfo) -> dict[str, ParameterValue]:
        for name, given in value.items():
            for item in given if isinstance(given, list) else [given]:
                if isinstance(item, str) and control_character(item):
                    raise ValueError(
                        f"{name} has {control_character(item)}; write it on one line without control characters"
                    )
            cadences = known_cadences(info)
            if name.endswith("_cadence") and cadences is not None and given not in cadences:
                raise ValueError(
                    f"{name} is {given!r}; expected one of "
                    + ", ".join(cadences)
                    + " (the launch plan schedules its meetings by it)"
                )
        return value

    @model_validator(mode="before")
    @classmethod
    def _playbook_governance(cls, data: Any, info: ValidationInfo) -> Any:
        """With the playbook at hand, a deal.yaml without a governance block gets the playbook's defaults."""
        with_playbook = isinstance(info.context, Mapping) and DEFAULTS_KEY in info.context
        if with_playbook and isinstance(data, Mapping) and "governance" not in data:
            return {**data, "governance": {}}
        return data

    @property
    def partner_label(self) -> str:
        return self.partner_short_name or self.partner

    def holidays_for(self, home: HomeOrganization | None) -> str:
        """The holiday calendar the plan uses: deal.yaml's, else the home organization's country, else none."""
        return self.holiday_calendar or (home.country if home and home.country else None) or "none"

    def paper_for(self, home: HomeOrganization | None) -> Literal["A4", "Letter"]:
        if self.page_size:
            return self.page_size
        return "Letter" if home is not None and home.country in LETTER_COUNTRIES else "A4"

    def meeting_zone(self, home: HomeOrganization | None) -> str:
        return self.governance.meeting_timezone or (home.timezone if home and home.timezone else None) or "UTC"
