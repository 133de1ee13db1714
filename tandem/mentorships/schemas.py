"""API shapes for mentorship requests, recommended mentors and mentorships."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from tandem.matching.schemas import CriterionOut
from tandem.matching.selectors import Recommendation
from tandem.mentorships.models import (
    Concern,
    ConcernStatus,
    Consent,
    EndReason,
    EventKind,
    MemberRole,
    Mentorship,
    MentorshipEvent,
    MentorshipMember,
    MentorshipOrigin,
    MentorshipRequest,
    MentorshipStatus,
    Rematch,
    RequestStatus,
)
from tandem.organisations.schemas import InputSchema, ObjectId
from tandem.programs.models import Enrolment, ProgramKind

# --- reading ------------------------------------------------------------------------------------


class ProgramRefOut(Schema):
    id: int
    name: str
    kind: ProgramKind


class PartyOut(Schema):
    """One side of a request: their enrolment in the program."""

    enrolment_id: int
    membership_id: int
    full_name: str

    @staticmethod
    def resolve_enrolment_id(obj: Enrolment) -> int:
        return obj.pk

    @staticmethod
    def resolve_full_name(obj: Enrolment) -> str:
        return obj.membership.user.full_name


class RequestOut(Schema):
    id: int
    program: ProgramRefOut
    mentee: PartyOut
    mentor: PartyOut
    message: str
    status: RequestStatus
    decline_reason: str
    invalidated_reason: str = Field(description="Why the request could no longer be answered")
    created_at: dt.datetime
    expires_at: dt.datetime
    responded_at: dt.datetime | None
    mentorship_id: int | None = Field(description="The mentorship an accepted request started")
    mentor_typical_response_hours: float | None = Field(
        description="Median hours the mentor takes to answer (in request lists)"
    )

    @staticmethod
    def resolve_mentor_typical_response_hours(obj: MentorshipRequest) -> float | None:
        # Set by the list operations, which compute it for a whole page in one query.
        return getattr(obj, "mentor_response_hours", None)


class SentRequestsOut(Schema):
    count: int
    items: list[RequestOut]


class ReceivedRequestsOut(Schema):
    count: int
    my_typical_response_hours: float | None = Field(
        description="Median hours I take to accept or decline; none until I have answered one"
    )
    items: list[RequestOut]


class MentorCardOut(Schema):
    enrolment_id: int
    membership_id: int
    profile_id: int
    full_name: str
    headline: str
    job_title: str
    department: str | None

    @staticmethod
    def resolve_enrolment_id(obj: Enrolment) -> int:
        return obj.pk

    @staticmethod
    def resolve_profile_id(obj: Enrolment) -> int:
        return obj.membership.profile.pk

    @staticmethod
    def resolve_full_name(obj: Enrolment) -> str:
        return obj.membership.user.full_name

    @staticmethod
    def resolve_headline(obj: Enrolment) -> str:
        return obj.membership.profile.headline

    @staticmethod
    def resolve_job_title(obj: Enrolment) -> str:
        return obj.membership.profile.job_title

    @staticmethod
    def resolve_department(obj: Enrolment) -> str | None:
        department = obj.membership.profile.department
        return department.name if department else None


class RecommendationOut(Schema):
    mentor: MentorCardOut
    score: float = Field(description="Weighted fit, 0–1, as match rounds compute it")
    breakdown: list[CriterionOut]
    reasons: list[str] = Field(description="Why this mentor, most important first")
    places_left: int
    typical_response_hours: float | None = Field(description="Median hours this mentor takes to answer")
    requested: bool = Field(description="I already have a pending request to this mentor")

    @staticmethod
    def resolve_mentor(obj: Recommendation) -> Enrolment:
        return obj.candidate.mentor

    @staticmethod
    def resolve_score(obj: Recommendation) -> float:
        return obj.candidate.score

    @staticmethod
    def resolve_breakdown(obj: Recommendation) -> list[dict[str, object]]:
        return obj.candidate.breakdown

    @staticmethod
    def resolve_reasons(obj: Recommendation) -> list[str]:
        return obj.candidate.reasons

    @staticmethod
    def resolve_places_left(obj: Recommendation) -> int:
        return obj.candidate.places_left


class MentorshipMemberOut(Schema):
    membership_id: int
    full_name: str
    role: MemberRole
    consent: Consent

    @staticmethod
    def resolve_full_name(obj: MentorshipMember) -> str:
        return obj.membership.user.full_name


class MentorshipOut(Schema):
    id: int
    program: ProgramRefOut
    status: MentorshipStatus
    origin: MentorshipOrigin
    # No health here: participants would read the other side's private check-ins off it.
    # Program admins get it from /health and /health/attention.
    members: list[MentorshipMemberOut]
    score: float | None
    explanation: list[CriterionOut] = Field(description="Why we were matched, criterion by criterion")
    reasons: list[str] = Field(description="The reasons in plain words, most important first")
    created_at: dt.datetime
    started_at: dt.datetime | None
    ended_at: dt.datetime | None

    @staticmethod
    def resolve_members(obj: Mentorship) -> list[MentorshipMember]:
        return list(obj.members.all())

    @staticmethod
    def resolve_reasons(obj: Mentorship) -> list[str]:
        # The same order as the engine's Explanation.reasons(): weighted criteria by contribution.
        rows: list[dict[str, Any]] = [r for r in obj.explanation if r.get("weight")]
        return [str(r["reason"]) for r in sorted(rows, key=lambda r: -float(r.get("contribution", 0)))]


# --- writing ------------------------------------------------------------------------------------


class RequestIn(InputSchema):
    mentor_enrolment_id: ObjectId
    message: str = Field(max_length=2000, description="Why you'd like this mentor")


class DeclineIn(InputSchema):
    reason: str = Field(max_length=500, description="A short reason, shown to the mentee")


class RequestQuery(Schema):
    status: RequestStatus | None = None
    program_id: ObjectId | None = None
    limit: int = Field(100, ge=1, description="At most 100 a page")
    offset: int = Field(0, ge=0, le=1_000_000)


class RecommendationQuery(Schema):
    limit: int = Field(10, ge=1, le=50)


class ConsentIn(Schema):
    accept: bool = Field(
        description="true to accept the proposed match, false to decline it (no reason needed)"
    )


# --- lifecycle, concerns, re-match, admin-created mentorships --------------------------------------


class PauseIn(InputSchema):
    reason: str = Field("", max_length=500, description="Optional; seen by everyone in the mentorship")


class CompleteIn(InputSchema):
    reflection: str = Field(
        max_length=1000, description="A short reflection, seen by everyone in the mentorship"
    )


class EndIn(InputSchema):
    reason: EndReason = Field(description="The no-fault reason, seen by everyone in the mentorship")
    private_note: str = Field(
        "", max_length=2000, description="Optional note to the program admins only — never the other side"
    )


class EventOut(Schema):
    id: int
    kind: EventKind
    from_status: MentorshipStatus | None
    to_status: MentorshipStatus
    by_membership_id: int | None
    by_name: str | None
    by_admin: bool = Field(description="Done by a program admin overseeing the mentorship")
    reason: str = Field(description="Pause reason, end reason or completion reflection")
    private_note: str | None = Field(
        description="The note to the program admins: only for its author and the admins, else null"
    )
    at: dt.datetime

    @staticmethod
    def resolve_from_status(obj: MentorshipEvent) -> str | None:
        return obj.from_status or None

    @staticmethod
    def resolve_by_membership_id(obj: MentorshipEvent) -> int | None:
        return obj.by_id

    @staticmethod
    def resolve_by_name(obj: MentorshipEvent) -> str | None:
        return (obj.by.user.full_name or obj.by.user.email) if obj.by else None

    @staticmethod
    def resolve_private_note(obj: MentorshipEvent) -> str | None:
        return obj.private_note if getattr(obj, "note_visible", False) else None


class ConcernIn(InputSchema):
    text: str = Field(max_length=4000, description="What is happening; only the program admins read it")


class ConcernAnswerIn(InputSchema):
    note: str = Field("", max_length=2000, description="Sent to the concern's author")


class ConcernResolveIn(InputSchema):
    note: str = Field(max_length=2000, description="What was done; sent to the concern's author")


class ConcernOut(Schema):
    id: int
    mentorship_id: int
    program: ProgramRefOut
    raised_by_membership_id: int
    raised_by_name: str
    text: str
    status: ConcernStatus
    created_at: dt.datetime
    acknowledged_at: dt.datetime | None
    acknowledgement: str
    resolved_at: dt.datetime | None
    resolution: str

    @staticmethod
    def resolve_program(obj: Concern) -> Any:
        return obj.mentorship.program

    @staticmethod
    def resolve_raised_by_membership_id(obj: Concern) -> int:
        return obj.raised_by_id

    @staticmethod
    def resolve_raised_by_name(obj: Concern) -> str:
        return str(obj.raised_by.user.full_name or obj.raised_by.user.email)


class ConcernQuery(Schema):
    status: ConcernStatus | None = None
    mentorship_id: ObjectId | None = None


class RematchIn(InputSchema):
    mentor_enrolment_id: ObjectId
    message: str = Field(max_length=2000, description="Why you'd like this mentor")


class RematchOut(Schema):
    id: int
    ended_mentorship_id: int
    mentor: PartyOut
    message: str
    score: float | None
    routed_to_admins: bool = Field(
        description="The program's admins make the matches: the pick went to them, not as a request"
    )
    request: RequestOut | None
    created_at: dt.datetime

    @staticmethod
    def resolve_ended_mentorship_id(obj: Rematch) -> int:
        return obj.ended_id

    @staticmethod
    def resolve_routed_to_admins(obj: Rematch) -> bool:
        return obj.request_id is None


class AdminMentorshipIn(InputSchema):
    mentor_enrolment_id: ObjectId
    mentee_enrolment_ids: list[ObjectId] = Field(
        min_length=1, max_length=30, description="One mentee; several in group programs"
    )
