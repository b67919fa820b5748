"""The rows of people.csv and contacts.csv (docs/network.md), as the questionnaire's contacts sheet yields them too."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from dd_pipeline.models import Level, Side, Strict

PersonId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")]
AllianceRole = Literal["sponsor", "governance", "project_lead", "core_team", "peripheral"]
YesNo = Literal["yes", "no"]
Frequency = Literal["daily", "weekly", "monthly", "rarely"]
Importance = Literal["high", "medium", "low"]
Status = Literal["active", "reassigned", "left"]

PEOPLE_COLUMNS = ("person_id", "organization", "level", "function", "alliance_role", "name", "named", "status")
PEOPLE_REQUIRED = ("person_id", "organization", "level", "function", "alliance_role")
CONTACT_COLUMNS = ("person_id", "contact_id", "contact_organization", "frequency", "importance", "close")
CONTACT_REQUIRED = ("person_id", "contact_id", "frequency", "importance")


class PersonRow(Strict):
    """One person of the alliance roster (people.csv)."""

    person_id: PersonId = Field(description="Same id as respondent_id in the answers when the person answered.")
    organization: Side
    level: Level
    function: Annotated[str, StringConstraints(min_length=1, max_length=80)] = Field(
        description="Free text, e.g. R&D, Marketing, Legal."
    )
    alliance_role: AllianceRole
    name: Annotated[str, StringConstraints(max_length=120)] = Field(default="", description="Optional display name.")
    named: YesNo = Field(default="yes", description="'no': the name is never shown, the role is shown instead.")
    status: Status = Field(default="active", description="reassigned or left: no longer on the alliance.")

    @property
    def label(self) -> str:
        """What outputs show for the person: the name when it may be shown, else the id and role."""
        if self.named == "yes" and self.name:
            return self.name
        return f"{self.person_id} ({self.alliance_role.replace('_', ' ')})"


class ContactRow(Strict):
    """One tie as one person reports it (contacts.csv)."""

    person_id: PersonId
    contact_id: PersonId
    contact_organization: Side | None = None
    frequency: Frequency
    importance: Importance
    close: YesNo = "no"
