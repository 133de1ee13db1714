"""API shapes for mentorship requests, recommended mentors and mentorships."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from tandem.matching.schemas import CriterionOut
from tandem.matching.selectors import Recommendation
from tandem.mentorships.models import (
    Consent,
    Health,
    MemberRole,
    Mentorship,
    MentorshipMember,
    MentorshipOrigin,
    MentorshipRequest,
    MentorshipStatus,
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
    health: Health
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
