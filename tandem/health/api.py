"""JSON API of the health app: organisation-scoped under /api/orgs/{org_slug}/.

Check-ins are private: a participant reads only their own, program admins overseeing the
mentorship read them all. Health (signal, reasons, facts) and the attention list are for program
admins only; a program admin who is in a mentorship is a participant there (see selectors).
"""

# No `from __future__ import annotations`: ninja reads signatures at runtime.

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate

from tandem.api_pagination import Pagination
from tandem.health.errors import HealthNotVisible
from tandem.health.models import CheckIn, HealthAssessment
from tandem.health.schemas import (
    AttentionQuery,
    AttentionRowOut,
    CheckInIn,
    CheckInListOut,
    CheckInOut,
    CheckInQuery,
    HealthOut,
)
from tandem.health.selectors import (
    attention_list,
    checkin_due_of,
    checkin_list,
    health_assessment_get,
    oversees,
)
from tandem.health.services import checkin_submit, mentorship_health_refresh
from tandem.mentorships.models import Mentorship
from tandem.mentorships.selectors import member_of, mentorship_get_for_oversight
from tandem.organisations.api import MAX_PAGE_SIZE, org_membership
from tandem.organisations.models import Membership, Role
from tandem.organisations.schemas import ObjectId

router = Router(tags=["check-ins and health"])

MENTORSHIP = "/orgs/{org_slug}/mentorships/{mentorship_id}"


def _mentorship(caller: Membership, mentorship_id: int) -> Mentorship:
    return mentorship_get_for_oversight(
        organisation=caller.organisation, mentorship_id=mentorship_id, viewer=caller
    )


def _health(mentorship: Mentorship, assessment: HealthAssessment | None) -> dict[str, object]:
    return {
        "mentorship_id": mentorship.pk,
        "status": mentorship.status,
        "signal": assessment.signal if assessment else mentorship.health,
        "reasons": assessment.reasons if assessment else [],
        "facts": assessment.facts if assessment else {},
        "computed_at": assessment.computed_at if assessment else None,
    }


@router.get(
    MENTORSHIP + "/check-ins",
    response=CheckInListOut,
    summary="Check-ins: my own as a participant (with my schedule), all of them as an overseeing admin",
)
def checkin_index(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, page: Query[CheckInQuery]
) -> dict[str, object]:
    caller = org_membership(request, org_slug)
    mentorship = _mentorship(caller, mentorship_id)
    checkins = checkin_list(mentorship=mentorship, viewer=caller)
    limit, offset = min(page.limit, MAX_PAGE_SIZE), page.offset  # cut down like the other lists
    due = (
        checkin_due_of(mentorship=mentorship, member=caller, now=timezone.now())
        if member_of(mentorship, caller)
        else None
    )
    return {"count": checkins.count(), "due": due, "items": list(checkins[offset : offset + limit])}


@router.post(
    MENTORSHIP + "/check-ins",
    response={201: CheckInOut},
    summary="Check in on my mentorship: satisfaction 1–5, is it working, a comment (private)",
)
def checkin_create(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, payload: CheckInIn
) -> Status[CheckIn]:
    caller = org_membership(request, org_slug)
    checkin = checkin_submit(
        mentorship=_mentorship(caller, mentorship_id),
        by=caller,
        satisfaction=payload.satisfaction,
        working=payload.working.value,
        comment=payload.comment,
    )
    return Status(201, checkin)


@router.get(
    MENTORSHIP + "/health",
    response=HealthOut,
    summary="A mentorship's health signal with the reasons (program admins overseeing it)",
)
def health_detail(request: HttpRequest, org_slug: str, mentorship_id: ObjectId) -> dict[str, object]:
    caller = org_membership(request, org_slug)
    mentorship = _mentorship(caller, mentorship_id)
    return _health(mentorship, health_assessment_get(mentorship=mentorship, viewer=caller))


@router.post(
    MENTORSHIP + "/health",
    response=HealthOut,
    summary="Recompute a mentorship's health now (program admins overseeing it)",
)
def health_refresh(request: HttpRequest, org_slug: str, mentorship_id: ObjectId) -> dict[str, object]:
    caller = org_membership(request, org_slug)
    mentorship = _mentorship(caller, mentorship_id)
    if not oversees(mentorship, caller):
        raise HealthNotVisible("Only the program admins overseeing this mentorship see its health.")
    return _health(mentorship, mentorship_health_refresh(mentorship))


@router.get(
    "/orgs/{org_slug}/health/attention",
    response=list[AttentionRowOut],
    summary="Live mentorships, those needing attention first, with the reasons (program admins)",
)
@paginate(Pagination, max_limit=MAX_PAGE_SIZE)
def attention_index(
    request: HttpRequest, org_slug: str, filters: Query[AttentionQuery]
) -> QuerySet[Mentorship]:
    caller = org_membership(request, org_slug, min_role=Role.PROGRAM_ADMIN)
    return attention_list(
        organisation=caller.organisation,
        viewer=caller,
        program_id=filters.program_id,
        signal=filters.signal.value if filters.signal else None,
    )
