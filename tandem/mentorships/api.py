"""API operations for self-service matching and mentorships.

A mentee of a self-service (or hybrid) program sees recommended mentors, ranked by the score
match rounds use, and sends requests; the mentor accepts or declines, the mentee may withdraw.
Requests are visible to their two parties only: to anyone else a request does not exist.
"""

# No `from __future__ import annotations`: ninja reads these signatures at runtime.

from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from tandem.api_pagination import Pagination
from tandem.matching.selectors import Recommendation, pair_candidate, recommended_mentors
from tandem.mentorships.errors import LifecycleInvalid, RematchInvalid, RequestInvalid
from tandem.mentorships.lifecycle import (
    concern_acknowledge,
    concern_raise,
    concern_resolve,
    mentorship_complete,
    mentorship_create_by_admin,
    mentorship_end_early,
    mentorship_pause,
    mentorship_resume,
    rematch_choose,
)
from tandem.mentorships.models import Concern, Mentorship, MentorshipRequest, Rematch, RequestStatus
from tandem.mentorships.schemas import (
    AdminMentorshipIn,
    CompleteIn,
    ConcernAnswerIn,
    ConcernIn,
    ConcernOut,
    ConcernQuery,
    ConcernResolveIn,
    ConsentIn,
    DeclineIn,
    EndIn,
    EventOut,
    MentorshipOut,
    PauseIn,
    ReceivedRequestsOut,
    RecommendationOut,
    RecommendationQuery,
    RematchIn,
    RematchOut,
    RequestIn,
    RequestOut,
    RequestQuery,
    SentRequestsOut,
)
from tandem.mentorships.selectors import (
    mentor_response_hours,
    mentorship_get,
    mentorship_get_for_oversight,
    mentorship_list,
    mentorship_request_get,
    mentorship_request_list,
)
from tandem.mentorships.selectors_lifecycle import (
    concern_get,
    concern_list,
    mentorship_events,
    rematch_candidates,
    rematch_mentee,
)
from tandem.mentorships.services import (
    mentorship_consent,
    mentorship_request_accept,
    mentorship_request_create,
    mentorship_request_decline,
    mentorship_request_withdraw,
)
from tandem.organisations.api import MAX_PAGE_SIZE, org_membership
from tandem.organisations.models import Membership, Role
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
@paginate(Pagination, max_limit=MAX_PAGE_SIZE)
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


# --- lifecycle: pause, resume, complete, end early ----------------------------------------------


def _overseen(caller: Membership, mentorship_id: int) -> Mentorship:
    """A mentorship the caller is in, or any of the organisation's for a program admin."""
    return mentorship_get_for_oversight(
        organisation=caller.organisation, mentorship_id=mentorship_id, viewer=caller
    )


@router.post(
    "/orgs/{org_slug}/mentorships/{mentorship_id}/pause",
    response=MentorshipOut,
    tags=["mentorship lifecycle"],
    summary="Pause an active mentorship (either side, or a program admin)",
)
def mentorship_pause_op(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, payload: PauseIn
) -> Mentorship:
    caller = org_membership(request, org_slug)
    mentorship_pause(mentorship=_overseen(caller, mentorship_id), by=caller, reason=payload.reason)
    return _overseen(caller, mentorship_id)


@router.post(
    "/orgs/{org_slug}/mentorships/{mentorship_id}/resume",
    response=MentorshipOut,
    tags=["mentorship lifecycle"],
    summary="Resume a paused mentorship",
)
def mentorship_resume_op(request: HttpRequest, org_slug: str, mentorship_id: ObjectId) -> Mentorship:
    caller = org_membership(request, org_slug)
    mentorship_resume(mentorship=_overseen(caller, mentorship_id), by=caller)
    return _overseen(caller, mentorship_id)


@router.post(
    "/orgs/{org_slug}/mentorships/{mentorship_id}/complete",
    response=MentorshipOut,
    tags=["mentorship lifecycle"],
    summary="Complete a mentorship whose goals are met, with a short reflection",
)
def mentorship_complete_op(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, payload: CompleteIn
) -> Mentorship:
    caller = org_membership(request, org_slug)
    mentorship_complete(mentorship=_overseen(caller, mentorship_id), by=caller, reflection=payload.reflection)
    return _overseen(caller, mentorship_id)


@router.post(
    "/orgs/{org_slug}/mentorships/{mentorship_id}/end",
    response=MentorshipOut,
    tags=["mentorship lifecycle"],
    summary="End a mentorship early for a no-fault reason; its mentees are offered a re-match",
)
def mentorship_end_op(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, payload: EndIn
) -> Mentorship:
    caller = org_membership(request, org_slug)
    mentorship_end_early(
        mentorship=_overseen(caller, mentorship_id),
        by=caller,
        reason=payload.reason.value,
        private_note=payload.private_note,
    )
    return _overseen(caller, mentorship_id)


@router.get(
    "/orgs/{org_slug}/mentorships/{mentorship_id}/events",
    response=list[EventOut],
    tags=["mentorship lifecycle"],
    summary="The mentorship's history: who paused, resumed, completed or ended it, when and why",
)
def mentorship_event_list(request: HttpRequest, org_slug: str, mentorship_id: ObjectId) -> list[Any]:
    caller = org_membership(request, org_slug)
    return mentorship_events(mentorship=_overseen(caller, mentorship_id), viewer=caller)


# --- concerns -----------------------------------------------------------------------------------


def _concern(caller: Membership, concern_id: int) -> Concern:
    return concern_get(organisation=caller.organisation, concern_id=concern_id, viewer=caller)


@router.post(
    "/orgs/{org_slug}/mentorships/{mentorship_id}/concerns",
    response={201: ConcernOut},
    tags=["concerns"],
    summary="Raise a concern about my mentorship, privately to the program admins",
)
def concern_create(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, payload: ConcernIn
) -> Status[Concern]:
    caller = org_membership(request, org_slug)
    mentorship = mentorship_get(organisation=caller.organisation, mentorship_id=mentorship_id, viewer=caller)
    raised = concern_raise(mentorship=mentorship, by=caller, text=payload.text)
    return Status(201, _concern(caller, raised.pk))


@router.get(
    "/orgs/{org_slug}/concerns",
    response=list[ConcernOut],
    tags=["concerns"],
    summary="Concerns: program admins see the organisation's, members the ones they raised",
)
@paginate(Pagination, max_limit=MAX_PAGE_SIZE)
def concern_index(request: HttpRequest, org_slug: str, query: Query[ConcernQuery]) -> QuerySet[Concern]:
    caller = org_membership(request, org_slug)
    return concern_list(
        organisation=caller.organisation,
        viewer=caller,
        status=query.status.value if query.status else None,
        mentorship_id=query.mentorship_id,
    )


@router.post(
    "/orgs/{org_slug}/concerns/{concern_id}/acknowledge",
    response=ConcernOut,
    tags=["concerns"],
    summary="Acknowledge a concern, with an optional note to its author (program admins)",
)
def concern_acknowledge_op(
    request: HttpRequest, org_slug: str, concern_id: ObjectId, payload: ConcernAnswerIn
) -> Concern:
    caller = org_membership(request, org_slug, min_role=Role.PROGRAM_ADMIN)
    concern_acknowledge(concern=_concern(caller, concern_id), by=caller, note=payload.note)
    return _concern(caller, concern_id)


@router.post(
    "/orgs/{org_slug}/concerns/{concern_id}/resolve",
    response=ConcernOut,
    tags=["concerns"],
    summary="Resolve a concern with a note to its author (program admins)",
)
def concern_resolve_op(
    request: HttpRequest, org_slug: str, concern_id: ObjectId, payload: ConcernResolveIn
) -> Concern:
    caller = org_membership(request, org_slug, min_role=Role.PROGRAM_ADMIN)
    concern_resolve(concern=_concern(caller, concern_id), by=caller, note=payload.note)
    return _concern(caller, concern_id)


# --- guided re-match ----------------------------------------------------------------------------


def _rematch_mentee(caller: Membership, mentorship_id: int) -> tuple[Mentorship, Enrolment]:
    mentorship = mentorship_get(organisation=caller.organisation, mentorship_id=mentorship_id, viewer=caller)
    mentee = rematch_mentee(mentorship=mentorship, viewer=caller)
    if mentee is None:
        raise RematchInvalid(
            "A re-match is offered to the mentees of a mentorship that ended early.", field="mentorship_id"
        )
    return mentorship, mentee


@router.get(
    "/orgs/{org_slug}/mentorships/{mentorship_id}/rematch-candidates",
    response=list[RecommendationOut],
    tags=["re-match"],
    summary="New mentors for me after this mentorship ended early (never the previous one)",
)
def rematch_candidate_list(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, query: Query[RecommendationQuery]
) -> list[Recommendation]:
    caller = org_membership(request, org_slug)
    _ended, mentee = _rematch_mentee(caller, mentorship_id)
    return rematch_candidates(mentee=mentee, limit=query.limit)


@router.post(
    "/orgs/{org_slug}/mentorships/{mentorship_id}/rematch",
    response={201: RematchOut},
    tags=["re-match"],
    summary="Choose a new mentor from the re-match: a request, or a wish to the admins",
    description="In self-service and hybrid programs this sends the mentor a request with the "
    "message. Where the admins make the matches, the choice goes to the program admins and is "
    "recorded as the mentee's preferred mentor (`routed_to_admins`).",
)
def rematch_create(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, payload: RematchIn
) -> Status[Rematch]:
    caller = org_membership(request, org_slug)
    ended, mentee = _rematch_mentee(caller, mentorship_id)
    try:
        mentor = enrolment_get(program=mentee.program, enrolment_id=payload.mentor_enrolment_id)
    except ProgramNotFound:
        raise RematchInvalid("No such mentor in this program.", field="mentor_enrolment_id") from None
    mentor.program = mentee.program
    with api_field_names(_API_FIELD):
        chosen = rematch_choose(ended=ended, mentee=mentee, mentor=mentor, message=payload.message, by=caller)
    return Status(
        201,
        Rematch.objects.select_related(
            "mentor__membership__user",
            "request__program",
            "request__mentee__membership__user",
            "request__mentor__membership__user",
        ).get(pk=chosen.pk),
    )


# --- admin-created mentorships ------------------------------------------------------------------


@router.post(
    "/orgs/{org_slug}/programs/{program_id}/mentorships",
    response={201: MentorshipOut},
    tags=["mentorship lifecycle"],
    summary="Create a mentorship between enrolled people of the program (program admins)",
)
def mentorship_admin_create(
    request: HttpRequest, org_slug: str, program_id: ObjectId, payload: AdminMentorshipIn
) -> Status[Mentorship]:
    caller = org_membership(request, org_slug, min_role=Role.PROGRAM_ADMIN)
    program = _program(caller, program_id)

    def enrolment(enrolment_id: int, field: str) -> Enrolment:
        try:
            found = enrolment_get(program=program, enrolment_id=enrolment_id)
        except ProgramNotFound:
            raise LifecycleInvalid("No such enrolment in this program.", field=field) from None
        found.program = program
        return found

    mentor = enrolment(payload.mentor_enrolment_id, "mentor_enrolment_id")
    mentees = [enrolment(pk, "mentee_enrolment_ids") for pk in payload.mentee_enrolment_ids]
    with api_field_names({"mentor": "mentor_enrolment_id", "mentees": "mentee_enrolment_ids"}):
        created = mentorship_create_by_admin(program=program, mentor=mentor, mentees=mentees, by=caller)
    return Status(201, _overseen(caller, created.pk))
