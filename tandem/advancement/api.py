"""JSON API of the advancement app: endorsements and introductions, under /api/orgs/{org_slug}/.

Endorsements show to their author and the person endorsed, and to program admins only while
that person shares them. Introductions show to the mentor who made them and the mentee, and to
the member introduced (their "received" list). An external contact answers through the emailed
link's page, not the API.
"""

# No `from __future__ import annotations`: ninja reads signatures at runtime.

from django.db.models import QuerySet, Value
from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from tandem.advancement.models import Endorsement, Introduction
from tandem.advancement.schemas import (
    AnswerIn,
    EndorsementIn,
    EndorsementOut,
    EndorsementPatchIn,
    IntroductionIn,
    IntroductionOut,
    NoteIn,
    SharedEndorsementOut,
    SharingIn,
)
from tandem.advancement.selectors import (
    endorsement_get,
    endorsement_list,
    endorsements_shared,
    introduction_get,
    introduction_list,
    introductions_received,
)
from tandem.advancement.services import (
    endorsement_create,
    endorsement_share,
    endorsement_update,
    endorsement_withdraw,
    introduction_answer,
    introduction_create,
    introduction_note,
)
from tandem.api_pagination import Pagination
from tandem.mentorships.models import Mentorship
from tandem.mentorships.selectors import mentorship_get, mentorship_get_for_oversight
from tandem.organisations.api import MAX_PAGE_SIZE, org_membership
from tandem.organisations.models import Membership, Role
from tandem.organisations.schemas import ObjectId

router = Router(tags=["advancement"])

ENDORSEMENTS = "/orgs/{org_slug}/mentorships/{mentorship_id}/endorsements"
ENDORSEMENT = ENDORSEMENTS + "/{endorsement_id}"
INTRODUCTIONS = "/orgs/{org_slug}/mentorships/{mentorship_id}/introductions"
INTRODUCTION = "/orgs/{org_slug}/introductions/{introduction_id}"


def _mentorship(caller: Membership, mentorship_id: int) -> Mentorship:
    return mentorship_get(organisation=caller.organisation, mentorship_id=mentorship_id, viewer=caller)


def _endorsement(caller: Membership, mentorship_id: int, endorsement_id: int) -> Endorsement:
    mentorship = _mentorship(caller, mentorship_id)
    return endorsement_get(mentorship=mentorship, endorsement_id=endorsement_id, viewer=caller)


def _as_seen_by(introductions: QuerySet[Introduction], caller: Membership) -> QuerySet[Introduction]:
    return introductions.annotate(viewer_membership_id=Value(caller.pk))


def _introduction(caller: Membership, introduction_id: int) -> Introduction:
    found = introduction_get(organisation=caller.organisation, introduction_id=introduction_id, viewer=caller)
    found.viewer_membership_id = caller.pk  # type: ignore[attr-defined]
    return found


# --- endorsements -------------------------------------------------------------------------------


@router.get(
    ENDORSEMENTS,
    response=list[EndorsementOut],
    summary="Endorsements in a mentorship I wrote or received (program admins: the shared ones)",
)
@paginate(Pagination, max_limit=MAX_PAGE_SIZE)
def endorsement_index(request: HttpRequest, org_slug: str, mentorship_id: ObjectId) -> QuerySet[Endorsement]:
    caller = org_membership(request, org_slug)
    mentorship = mentorship_get_for_oversight(
        organisation=caller.organisation, mentorship_id=mentorship_id, viewer=caller
    )
    return endorsement_list(mentorship=mentorship, viewer=caller)


@router.post(ENDORSEMENTS, response={201: EndorsementOut}, summary="Endorse my mentee's skills")
def endorsement_write(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, payload: EndorsementIn
) -> Status[Endorsement]:
    caller = org_membership(request, org_slug)
    mentorship = _mentorship(caller, mentorship_id)
    created = endorsement_create(
        mentorship=mentorship,
        by=caller,
        text=payload.text,
        skill_ids=payload.skill_ids,
        subject_id=payload.subject_membership_id,
    )
    return Status(201, endorsement_get(mentorship=mentorship, endorsement_id=created.pk, viewer=caller))


@router.patch(ENDORSEMENT, response=EndorsementOut, summary="Rewrite an endorsement I wrote")
def endorsement_edit(
    request: HttpRequest,
    org_slug: str,
    mentorship_id: ObjectId,
    endorsement_id: ObjectId,
    payload: EndorsementPatchIn,
) -> Endorsement:
    caller = org_membership(request, org_slug)
    endorsement = _endorsement(caller, mentorship_id, endorsement_id)
    endorsement_update(endorsement=endorsement, by=caller, text=payload.text, skill_ids=payload.skill_ids)
    return _endorsement(caller, mentorship_id, endorsement_id)


@router.delete(ENDORSEMENT, response={204: None}, summary="Withdraw an endorsement I wrote")
def endorsement_remove(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, endorsement_id: ObjectId
) -> Status[None]:
    caller = org_membership(request, org_slug)
    endorsement_withdraw(endorsement=_endorsement(caller, mentorship_id, endorsement_id), by=caller)
    return Status(204, None)


@router.post(
    ENDORSEMENT + "/sharing",
    response=EndorsementOut,
    summary="Share an endorsement of me with program admins, or stop sharing it",
)
def endorsement_sharing(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, endorsement_id: ObjectId, payload: SharingIn
) -> Endorsement:
    caller = org_membership(request, org_slug)
    endorsement = _endorsement(caller, mentorship_id, endorsement_id)
    endorsement_share(endorsement=endorsement, by=caller, shared=payload.shared)
    return _endorsement(caller, mentorship_id, endorsement_id)


@router.get(
    "/orgs/{org_slug}/endorsements/shared",
    response=list[SharedEndorsementOut],
    summary="Endorsements the people endorsed shared with program admins (program admins)",
)
@paginate(Pagination, max_limit=MAX_PAGE_SIZE)
def endorsement_shared_index(request: HttpRequest, org_slug: str) -> QuerySet[Endorsement]:
    caller = org_membership(request, org_slug, min_role=Role.PROGRAM_ADMIN)
    return endorsements_shared(organisation=caller.organisation, viewer=caller)


# --- introductions ------------------------------------------------------------------------------


@router.get(
    INTRODUCTIONS, response=list[IntroductionOut], summary="Introductions in a mentorship I made or received"
)
@paginate(Pagination, max_limit=MAX_PAGE_SIZE)
def introduction_index(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId
) -> QuerySet[Introduction]:
    caller = org_membership(request, org_slug)
    mentorship = _mentorship(caller, mentorship_id)
    return _as_seen_by(introduction_list(mentorship=mentorship, viewer=caller), caller)


@router.post(
    INTRODUCTIONS,
    response={201: IntroductionOut},
    summary="Introduce my mentee to a member, or to an external contact by email, with context",
)
def introduction_make(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, payload: IntroductionIn
) -> Status[Introduction]:
    caller = org_membership(request, org_slug)
    mentorship = _mentorship(caller, mentorship_id)
    made, _token = introduction_create(
        mentorship=mentorship,
        by=caller,
        context=payload.context,
        contact_id=payload.contact_membership_id,
        contact_name=payload.contact_name,
        contact_email=payload.contact_email,
        subject_id=payload.subject_membership_id,
        base_url=request.build_absolute_uri("/"),
    )
    return Status(201, _introduction(caller, made.pk))


@router.get(
    "/orgs/{org_slug}/introductions/received",
    response=list[IntroductionOut],
    summary="Introductions to me, waiting ones first",
)
@paginate(Pagination, max_limit=MAX_PAGE_SIZE)
def introduction_received_index(request: HttpRequest, org_slug: str) -> QuerySet[Introduction]:
    caller = org_membership(request, org_slug)
    return _as_seen_by(introductions_received(organisation=caller.organisation, viewer=caller), caller)


@router.post(
    INTRODUCTION + "/answer",
    response=IntroductionOut,
    summary="Accept or decline an introduction to me, with an optional message",
)
def introduction_reply(
    request: HttpRequest, org_slug: str, introduction_id: ObjectId, payload: AnswerIn
) -> Introduction:
    caller = org_membership(request, org_slug)
    introduction_answer(
        introduction=_introduction(caller, introduction_id),
        by=caller,
        accept=payload.accept,
        message=payload.message,
    )
    return _introduction(caller, introduction_id)


@router.post(
    INTRODUCTION + "/note",
    response=IntroductionOut,
    summary="Keep a short note on an introduction made for me (the mentee)",
)
def introduction_annotate(
    request: HttpRequest, org_slug: str, introduction_id: ObjectId, payload: NoteIn
) -> Introduction:
    caller = org_membership(request, org_slug)
    introduction_note(
        introduction=_introduction(caller, introduction_id), by=caller, note=payload.mentee_note
    )
    return _introduction(caller, introduction_id)
