"""API shapes for shared goals, milestones and their history."""

# No `from __future__ import annotations`: ninja reads these at runtime.

import datetime as dt

from ninja import Field, Schema

from tandem.goals.models import Goal, GoalEvent, GoalEventKind, GoalStatus, Milestone
from tandem.organisations.schemas import InputSchema


def _full_name(membership: object) -> str | None:
    if membership is None:
        return None
    user = membership.user  # type: ignore[attr-defined]
    return str(user.full_name or user.email)


class MilestoneOut(Schema):
    id: int
    title: str
    due_date: dt.date | None
    position: int
    done: bool
    done_at: dt.datetime | None
    done_by_membership_id: int | None

    @staticmethod
    def resolve_done_by_membership_id(obj: Milestone) -> int | None:
        return obj.done_by_id


class GoalOut(Schema):
    id: int
    title: str
    description: str
    target_date: dt.date | None
    status: GoalStatus
    progress: float = Field(description="Done milestones over all of them, 0–1; an achieved goal is 1")
    template_title: str = Field(description="The program template it was created from, if any")
    created_by_membership_id: int | None
    created_by_name: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    achieved_at: dt.datetime | None
    milestones: list[MilestoneOut]

    @staticmethod
    def resolve_created_by_membership_id(obj: Goal) -> int | None:
        return obj.created_by_id

    @staticmethod
    def resolve_created_by_name(obj: Goal) -> str | None:
        return _full_name(obj.created_by)

    @staticmethod
    def resolve_milestones(obj: Goal) -> list[Milestone]:
        return list(obj.milestones.all())


class GoalsOut(Schema):
    progress: float | None = Field(description="Mean progress of the goals not dropped; null without goals")
    items: list[GoalOut]


class GoalEventOut(Schema):
    id: int
    kind: GoalEventKind
    actor_membership_id: int | None
    actor_name: str | None
    field: str = Field(description="For edits: the field that changed")
    before: str
    after: str
    milestone_title: str
    created_at: dt.datetime

    @staticmethod
    def resolve_actor_membership_id(obj: GoalEvent) -> int | None:
        return obj.actor_id

    @staticmethod
    def resolve_actor_name(obj: GoalEvent) -> str | None:
        return _full_name(obj.actor)


class GoalTemplateOut(Schema):
    index: int = Field(description="Send it as `template_index` to create a goal from this template")
    title: str
    description: str
    milestones: list[str]


class MilestoneIn(InputSchema):
    title: str = Field(max_length=1000)
    due_date: dt.date | None = None


class GoalIn(InputSchema):
    """Either your own goal (`title`, optionally description, target date and milestones) or one of
    the program's templates (`template_index`, optionally a target date)."""

    title: str | None = Field(None, max_length=1000)
    description: str = Field("", max_length=10_000)
    target_date: dt.date | None = None
    milestones: list[MilestoneIn] = Field(default_factory=list, max_length=100)
    template_index: int | None = Field(None, ge=0, le=10_000)


class GoalPatchIn(InputSchema):
    """Only the fields sent change; `target_date: null` removes the date."""

    title: str | None = Field(None, max_length=1000)
    description: str | None = Field(None, max_length=10_000)
    target_date: dt.date | None = None
    status: GoalStatus | None = None


class MilestonePatchIn(InputSchema):
    """Only the fields sent change; `due_date: null` removes the date."""

    title: str | None = Field(None, max_length=1000)
    due_date: dt.date | None = None
    done: bool | None = None
