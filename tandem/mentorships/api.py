"""API operations for self-service matching and mentorships.

A mentee of a self-service (or hybrid) program sees recommended mentors, ranked by the score
match rounds use, and sends requests; the mentor accepts or declines, the mentee may withdraw.
Requests are visible to their two parties only: to anyone else a request does not exist.
"""

# No `from __future__ import annotations`: ninja reads these signatures at runtime.

from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from tandem.matching.selectors import Recommendation, pair_candidate, recommended_mentors
from tandem.mentorships.errors import RequestInvalid
from tandem.mentorships.models import Mentorship, MentorshipRequest, RequestStatus
from tandem.mentorships.schemas import (
    ConsentIn,
    DeclineIn,
    MentorshipOut,
    ReceivedRequestsOut,
    RecommendationOut,
    RecommendationQuery,
    RequestIn,
    RequestOut,
    RequestQuery,
    SentRequestsOut,
)
from tandem.mentorships.selectors import (
    mentor_response_hours,
    mentorship_get,
    mentorship_list,
    mentorship_request_get,
    mentorship_request_list,
)
from tandem.mentorships.services import (
    mentorship_consent,
    mentorship_request_accept,
    mentorship_request_create,
    mentorship_request_decline,
    mentorship_request_withdraw,
)
from tandem.organisations.api import MAX_PAGE_SIZE, org_membership
from tandem.organisations.models import Membership
from tandem.organisations.schemas import ObjectId
from tandem.programs.api import api_field_names
from tandem.programs.errors import ProgramNotFound
from tandem.programs.models import Enrolment, Program
from tandem.programs.selectors import enrolment_get, enrolment_of, program_get

router = Router(tags=["mentorship requests"])

# The services name the parties; API clients only send the mentor's enrolment id, and the
# mentee is always the caller's own enrolment in the program.
_API_FIELD = {"mentor": "mentor_enrolment_id", "mentee": "program"}


def _program(caller: Membership, program_id: int) -> Program:
    return program_get(organisation=caller.organisation, program_id=program_id, viewer=caller)


def _my_mentee_enrolment(caller: Membership, program: Program) -> Enrolment:
    enrolment = enrolment_of(program=program, membership=caller)
    if enrolment is None:
        raise RequestInvalid("You are not enrolled in this program.", field="program")
    enrolment.program = program
    return enrolment


def _request(caller: Membership, request_id: int) -> MentorshipRequest:
    return mentorship_request_get(organisation=caller.organisation, request_id=request_id, viewer=caller)


def _page(
    caller: Membership, box: Literal["sent", "received"], query: RequestQuery
) -> tuple[int, list[MentorshipRequest]]:
    """One page of requests, each with its mentor's typical response time (fixed query count)."""
    requests = mentorship_request_list(
        organisation=caller.organisation,
        membership=caller,
        box=box,
        status=query.status.value if query.status else None,
        program_id=query.program_id,
    )
    limit = min(query.limit, MAX_PAGE_SIZE)  # cut down like the other lists, not refused
    items = list(requests[query.offset : query.offset + limit])
    hours = mentor_response_hours(
        organisation=caller.organisation, membership_ids={r.mentor.membership_id for r in items}
    )
    for item in items:
        item.mentor_response_hours = hours.get(item.mentor.membership_id)  # type: ignore[attr-defined]
    return requests.count(), items


# --- choosing a mentor --------------------------------------------------------------------------


@router.get(
    "/orgs/{org_slug}/programs/{program_id}/recommended-mentors",
    response=list[RecommendationOut],
    summary="Mentors for me in this program, best fit first, with the reasons",
)
def recommendation_list(
    request: HttpRequest, org_slug: str, program_id: ObjectId, query: Query[RecommendationQuery]
) -> list[Recommendation]:
    caller = org_membership(request, org_slug)
    enrolment = _my_mentee_enrolment(caller, _program(caller, program_id))
    return recommended_mentors(enrolment=enrolment, limit=query.limit)


@router.post(
    "/orgs/{org_slug}/programs/{program_id}/requests",
    response={201: RequestOut},
    summary="Ask a mentor of this program to mentor me, with a message",
)
def request_send(
    request: HttpRequest, org_slug: str, program_id: ObjectId, payload: RequestIn
) -> Status[MentorshipRequest]:
    caller = org_membership(request, org_slug)
    program = _program(caller, program_id)
    mentee = _my_mentee_enrolment(caller, program)
    try:
        mentor = enrolment_get(program=program, enrolment_id=payload.mentor_enrolment_id)
    except ProgramNotFound:
        raise RequestInvalid("No such mentor in this program.", field="mentor_enrolment_id") from None
    with api_field_names(_API_FIELD):
        sent = mentorship_request_create(mentee=mentee, mentor=mentor, message=payload.message, by=caller)
    return Status(201, _request(caller, sent.pk))


# --- my requests --------------------------------------------------------------------------------


@router.get(
    "/orgs/{org_slug}/requests/sent",
    response=SentRequestsOut,
    summary="Requests I sent as a mentee, newest first, with each mentor's typical response time",
)
def request_sent_list(request: HttpRequest, org_slug: str, query: Query[RequestQuery]) -> dict[str, object]:
    caller = org_membership(request, org_slug)
    count, items = _page(caller, "sent", query)
    return {"count": count, "items": items}


@router.get(
    "/orgs/{org_slug}/requests/received",
    response=ReceivedRequestsOut,
    summary="Requests I received as a mentor, newest first, and my typical response time",
)
def request_received_list(
    request: HttpRequest, org_slug: str, query: Query[RequestQuery]
) -> dict[str, object]:
    caller = org_membership(request, org_slug)
    count, items = _page(caller, "received", query)
    mine = mentor_response_hours(organisation=caller.organisation, membership_ids=[caller.pk])
    return {"count": count, "my_typical_response_hours": mine.get(caller.pk), "items": items}


@router.post(
    "/orgs/{org_slug}/requests/{request_id}/accept",
    response=RequestOut,
    summary="Accept a request (its mentor): the mentorship starts",
)
def request_accept(request: HttpRequest, org_slug: str, request_id: ObjectId) -> MentorshipRequest:
    caller = org_membership(request, org_slug)
    answered = _request(caller, request_id)
    # Score the pair before it leaves the pool, so the mentorship keeps why they fit; only
    # for the mentor (anyone else is refused by the service, no need to score for them).
    fit = (
        pair_candidate(mentee=answered.mentee, mentor=answered.mentor)
        if answered.mentor.membership_id == caller.pk and answered.status == RequestStatus.PENDING
        else None
    )
    mentorship_request_accept(
        request=answered,
        by=caller,
        score=fit.score if fit else None,
        explanation=fit.breakdown if fit else None,
    )
    return _request(caller, request_id)


@router.post(
    "/orgs/{org_slug}/requests/{request_id}/decline",
    response=RequestOut,
    summary="Decline a request with a reason (its mentor)",
)
def request_decline(
    request: HttpRequest, org_slug: str, request_id: ObjectId, payload: DeclineIn
) -> MentorshipRequest:
    caller = org_membership(request, org_slug)
    mentorship_request_decline(request=_request(caller, request_id), by=caller, reason=payload.reason)
    return _request(caller, request_id)


@router.post(
    "/orgs/{org_slug}/requests/{request_id}/withdraw",
    response=RequestOut,
    summary="Withdraw a request I sent",
)
def request_withdraw(request: HttpRequest, org_slug: str, request_id: ObjectId) -> MentorshipRequest:
    caller = org_membership(request, org_slug)
    mentorship_request_withdraw(request=_request(caller, request_id), by=caller)
    return _request(caller, request_id)


# --- mentorships --------------------------------------------------------------------------------


@router.get(
    "/orgs/{org_slug}/mentorships",
    response=list[MentorshipOut],
    summary="My mentorships, with why we were matched",
)
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE_SIZE)
def my_mentorships(request: HttpRequest, org_slug: str) -> QuerySet[Mentorship]:
    caller = org_membership(request, org_slug)
    return mentorship_list(organisation=caller.organisation, membership=caller)


@router.post(
    "/orgs/{org_slug}/mentorships/{mentorship_id}/consent",
    response=MentorshipOut,
    summary="Accept or decline a proposed match (programs that ask for both sides' consent)",
)
def mentorship_consent_answer(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, payload: ConsentIn
) -> Mentorship:
    caller = org_membership(request, org_slug)
    mentorship = mentorship_get(organisation=caller.organisation, mentorship_id=mentorship_id, viewer=caller)
    mentorship_consent(mentorship=mentorship, by=caller, accept=payload.accept)
    return mentorship_get(organisation=caller.organisation, mentorship_id=mentorship_id, viewer=caller)
