"""API shapes for check-ins, health assessments and the attention list."""

# No `from __future__ import annotations`: ninja reads these at runtime.

import datetime as dt
from typing import Any

from ninja import Field, Schema

from tandem.health.models import CheckIn, Working
from tandem.health.schedule import DueStatus
from tandem.health.selectors import assessment_of
from tandem.mentorships.models import Health, MemberRole, Mentorship, MentorshipMember, MentorshipStatus
from tandem.organisations.schemas import InputSchema, ObjectId


class CheckInIn(InputSchema):
    satisfaction: int = Field(ge=1, le=5, description="How satisfied you are: 1 (poor) to 5 (great)")
    working: Working = Field(description="Is this working? yes, partly or no")
    comment: str = Field("", max_length=2000, description="Anything to add (optional)")


class CheckInOut(Schema):
    id: int
    mentorship_id: int
    author_membership_id: int
    author_name: str
    role: MemberRole
    satisfaction: int
    working: Working
    comment: str
    created_at: dt.datetime

    @staticmethod
    def resolve_author_membership_id(obj: CheckIn) -> int:
        return obj.author_id

    @staticmethod
    def resolve_author_name(obj: CheckIn) -> str:
        return str(obj.author.user.full_name or obj.author.user.email)


class DueOut(Schema):
    status: DueStatus = Field(description="not_yet, due, overdue or done (for the current window)")
    number: int = Field(description="Which scheduled check-in is current (1 = the first); 0 before it")
    window_start: dt.datetime | None
    next_due_at: dt.datetime
    last_checkin_at: dt.datetime | None


class CheckInListOut(Schema):
    count: int
    due: DueOut | None = Field(
        description="My check-in schedule (participants of a running or paused mentorship); null otherwise"
    )
    items: list[CheckInOut]


class CheckInQuery(Schema):
    limit: int = Field(100, ge=1, description="At most 100 a page")
    offset: int = Field(0, ge=0, le=1_000_000)


class ReasonOut(Schema):
    tone: str = Field(description="concern, good or info")
    text: str


class HealthOut(Schema):
    mentorship_id: int
    status: MentorshipStatus
    signal: Health
    reasons: list[ReasonOut]
    facts: dict[str, Any] = Field(description="What the signal was computed from")
    computed_at: dt.datetime | None = Field(description="null until first assessed")


class PersonOut(Schema):
    membership_id: int
    full_name: str
    role: MemberRole

    @staticmethod
    def resolve_full_name(obj: MentorshipMember) -> str:
        return str(obj.membership.user.full_name or obj.membership.user.email)


class ProgramRef(Schema):
    id: int
    name: str


class AttentionRowOut(Schema):
    mentorship_id: int
    program: ProgramRef
    status: MentorshipStatus
    signal: Health
    reasons: list[ReasonOut]
    people: list[PersonOut]
    last_meeting_on: dt.date | None
    last_checkin_at: dt.datetime | None
    computed_at: dt.datetime | None

    @staticmethod
    def resolve_mentorship_id(obj: Mentorship) -> int:
        return obj.pk

    @staticmethod
    def resolve_signal(obj: Mentorship) -> str:
        return obj.health

    @staticmethod
    def resolve_reasons(obj: Mentorship) -> list[dict[str, str]]:
        assessment = assessment_of(obj)
        return list(assessment.reasons) if assessment else []

    @staticmethod
    def resolve_people(obj: Mentorship) -> list[MentorshipMember]:
        return list(obj.members.all())

    @staticmethod
    def resolve_last_meeting_on(obj: Mentorship) -> str | None:
        assessment = assessment_of(obj)
        return assessment.facts.get("last_meeting_on") if assessment else None

    @staticmethod
    def resolve_computed_at(obj: Mentorship) -> dt.datetime | None:
        assessment = assessment_of(obj)
        return assessment.computed_at if assessment else None


class AttentionQuery(Schema):
    program_id: ObjectId | None = None
    signal: Health | None = Field(None, description="Only this signal; all live mentorships when left out")
