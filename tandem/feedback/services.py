"""Writes for competency feedback. Who may rate whom: tandem/feedback/support.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tandem.feedback.errors import FeedbackClosed, FeedbackInvalid, FeedbackNotAllowed, FeedbackNotFound
from tandem.feedback.models import MAX_RATING, MIN_RATING, CompetencyFeedback, CompetencyRating
from tandem.feedback.support import supported_members
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.notifications.models import NotificationKind
from tandem.notifications.services import notify
from tandem.organisations.access import viewer_time_zone
from tandem.organisations.models import Membership
from tandem.people.models import Competency

# A mentorship that is under way, resting or done can receive feedback (a closing review is
# common); one that never started, was declined or ended early cannot.
OPEN_FOR_FEEDBACK = (MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED, MentorshipStatus.COMPLETED)

COMMENT_MAX = 2000
RATING_COMMENT_MAX = 1000


@dataclass(frozen=True)
class RatingInput:
    competency_id: int
    rating: int
    comment: str = ""


def local_today(membership: Membership) -> dt.date:
    """Today in the member's own time zone."""
    return timezone.localtime(timezone.now(), viewer_time_zone(membership)).date()


def resolve_subject(
    mentorship: Mentorship, by: Membership, subject_id: int | None, *, field: str, action: str
) -> Membership:
    """The member `by` acts for (`subject_id`, or the only one they support), or an error.

    `action` completes "Only the mentor can …". Raises NotFound for someone outside the
    mentorship, NotAllowed for a member who supports nobody (a mentee), Invalid for a subject
    they do not support (themself included)."""
    if mentorship.organisation_id != by.organisation_id or not any(
        m.membership_id == by.pk for m in mentorship.members.all()
    ):
        raise FeedbackNotFound("No such mentorship.")
    supported = supported_members(mentorship, by)
    if not supported:
        raise FeedbackNotAllowed(f"Only the mentor can {action} in this mentorship.")
    if subject_id is None:
        if len(supported) > 1:
            raise FeedbackInvalid("Choose whom this is for.", field=field)
        return supported[0].membership
    chosen = next((m for m in supported if m.membership_id == subject_id), None)
    if chosen is None:
        raise FeedbackInvalid(f"You cannot {action} for this person in this mentorship.", field=field)
    return chosen.membership


def feedback_url(mentorship: Mentorship) -> str:
    return reverse(
        "feedback:mentorship",
        kwargs={"org_slug": mentorship.organisation.slug, "mentorship_id": mentorship.pk},
    )


def _clean_ratings(mentorship: Mentorship, ratings: Sequence[RatingInput]) -> list[CompetencyRating]:
    if not ratings:
        raise FeedbackInvalid("Rate at least one competency.", field="ratings")
    known = {
        c.pk: c
        for c in Competency.objects.filter(
            organisation_id=mentorship.organisation_id, pk__in=[r.competency_id for r in ratings]
        )
    }
    seen: set[int] = set()
    rows = []
    for i, given in enumerate(ratings):
        competency = known.get(given.competency_id)
        if competency is None:
            raise FeedbackInvalid(
                "No such competency in this organisation.", field=f"ratings.{i}.competency_id"
            )
        if competency.pk in seen:
            raise FeedbackInvalid(
                f"“{competency.name}” is rated twice; rate each competency once.",
                field=f"ratings.{i}.competency_id",
            )
        seen.add(competency.pk)
        if not MIN_RATING <= given.rating <= MAX_RATING:
            raise FeedbackInvalid(
                f"A rating is a whole number from {MIN_RATING} to {MAX_RATING}.", field=f"ratings.{i}.rating"
            )
        comment = given.comment.strip()
        if len(comment) > RATING_COMMENT_MAX:
            raise FeedbackInvalid(
                f"Keep each comment under {RATING_COMMENT_MAX} characters.", field=f"ratings.{i}.comment"
            )
        rows.append(
            CompetencyRating(
                competency=competency, competency_name=competency.name, rating=given.rating, comment=comment
            )
        )
    return rows


@transaction.atomic
def competency_feedback_give(
    *,
    mentorship: Mentorship,
    by: Membership,
    ratings: Sequence[RatingInput],
    given_on: dt.date | None = None,
    comment: str = "",
    subject_id: int | None = None,
) -> CompetencyFeedback:
    """Record one feedback entry: ratings (1–5) on at least one of the organisation's
    competencies, each with an optional comment, plus an optional overall comment.

    The person rated is told; only they and the author ever see the entry.
    """
    subject = resolve_subject(
        mentorship, by, subject_id, field="subject_membership_id", action="give competency feedback"
    )
    if mentorship.status not in OPEN_FOR_FEEDBACK:
        raise FeedbackClosed(
            f"This mentorship is {mentorship.get_status_display().lower()}: it takes no new feedback."
        )
    today = local_today(by)
    given_on = given_on or today
    if given_on > today:
        raise FeedbackInvalid("The date cannot be in the future.", field="given_on")
    if mentorship.started_at is not None:
        started = timezone.localtime(mentorship.started_at, viewer_time_zone(by)).date()
        if given_on < started:
            raise FeedbackInvalid(
                f"The date cannot be before the mentorship started ({started:%d %b %Y}).", field="given_on"
            )
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise FeedbackInvalid(f"Keep the comment under {COMMENT_MAX} characters.", field="comment")
    rows = _clean_ratings(mentorship, ratings)
    feedback = CompetencyFeedback.objects.create(
        organisation_id=mentorship.organisation_id,
        mentorship=mentorship,
        author=by,
        subject=subject,
        given_on=given_on,
        comment=comment,
    )
    for row in rows:
        row.feedback = feedback
    CompetencyRating.objects.bulk_create(rows)
    author = by.user.full_name or by.user.email
    notify(
        recipient=subject,
        kind=NotificationKind.FEEDBACK,
        title=f"{author} gave you feedback on your competencies",
        body=", ".join(f"{r.competency_name}: {r.rating}/5" for r in rows),
        url=feedback_url(mentorship),
    )
    return feedback
