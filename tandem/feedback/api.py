"""JSON API of the feedback app: organisation-scoped under /api/orgs/{org_slug}/.

Competency feedback is private to its author and the person rated: everyone else in the
organisation — program admins too — finds no entries (and outsiders no mentorship at all).
"""

# No `from __future__ import annotations`: ninja reads signatures at runtime.

from django.http import HttpRequest
from ninja import Router, Status

from tandem.feedback.models import CompetencyFeedback
from tandem.feedback.schemas import FeedbackIn, FeedbackListOut, FeedbackOut
from tandem.feedback.selectors import competency_feedback_list, subjects_for
from tandem.feedback.services import RatingInput, competency_feedback_give
from tandem.feedback.trends import trend_of
from tandem.mentorships.models import Mentorship
from tandem.mentorships.selectors import mentorship_get
from tandem.organisations.api import org_membership
from tandem.organisations.models import Membership
from tandem.organisations.schemas import ObjectId

router = Router(tags=["feedback"])

FEEDBACK = "/orgs/{org_slug}/mentorships/{mentorship_id}/competency-feedback"


def _mentorship(caller: Membership, mentorship_id: int) -> Mentorship:
    return mentorship_get(organisation=caller.organisation, mentorship_id=mentorship_id, viewer=caller)


@router.get(FEEDBACK, response=FeedbackListOut, summary="Competency feedback I gave or received, with trends")
def feedback_list(request: HttpRequest, org_slug: str, mentorship_id: ObjectId) -> dict[str, object]:
    caller = org_membership(request, org_slug)
    mentorship = _mentorship(caller, mentorship_id)
    entries = list(competency_feedback_list(mentorship=mentorship, viewer=caller))
    trends = [trend_of(subject, entries) for subject in subjects_for(mentorship, caller)]
    return {"count": len(entries), "items": entries, "trends": trends}


@router.post(
    FEEDBACK,
    response={201: FeedbackOut},
    summary="Rate my mentee (or a peer) on the organisation's competencies, 1–5, with comments",
)
def feedback_give(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, payload: FeedbackIn
) -> Status[CompetencyFeedback]:
    caller = org_membership(request, org_slug)
    mentorship = _mentorship(caller, mentorship_id)
    given = competency_feedback_give(
        mentorship=mentorship,
        by=caller,
        ratings=[RatingInput(r.competency_id, r.rating, r.comment) for r in payload.ratings],
        given_on=payload.given_on,
        comment=payload.comment,
        subject_id=payload.subject_membership_id,
    )
    created = competency_feedback_list(mentorship=mentorship, viewer=caller).get(pk=given.pk)
    return Status(201, created)
