"""The seed of the 100-day launch plan (assets/launch_plan/seed.yaml)."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    Field,
)

from dd_pipeline.models.base import Identifier, Strict


class SeedTask(Strict):
    id: Identifier
    title: str
    owner: Literal["home", "partner", "joint"] = "joint"
    owner_role: str
    start_day: int = Field(ge=0, le=200)
    duration_days: int = Field(ge=1, le=200)
    depends_on: list[Identifier] = Field(default_factory=list)
    milestone: bool = False


class Workstream(Strict):
    id: Identifier
    name: str
    deliverable: str = Field(description="The 100-day deliverable this workstream produces.")
    tasks: list[SeedTask]
    source: str


class CommitteeMeetings(Strict):
    """When the committees first meet: never before the committees are staffed."""

    after_task: Identifier | None = Field(
        "committee_first_meetings",
        description="No committee meeting is scheduled before this seed task starts (the committees are staffed).",
    )
    steering_first_day: int = Field(10, ge=0, le=200, description="Earliest business day of the first meeting.")
    operating_first_day: int = Field(5, ge=0, le=200, description="Earliest business day of the first meeting.")


class LaunchPlanSeed(Strict):
    meetings: CommitteeMeetings = CommitteeMeetings()
    horizon_days: int = 100
    milestone_days: list[int] = Field(default_factory=lambda: [30, 60, 90, 100])
    workstreams: list[Workstream]
