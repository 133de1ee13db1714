"""Reads for competency feedback. An entry exists only for its author and the person it is about."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from tandem.feedback.models import CompetencyFeedback, CompetencyRating
from tandem.feedback.support import is_supported, supported_members
from tandem.mentorships.models import Mentorship
from tandem.organisations.models import Membership


def competency_feedback_list(*, mentorship: Mentorship, viewer: Membership) -> QuerySet[CompetencyFeedback]:
    """The entries of a mentorship the viewer wrote or is rated in, oldest first, with their
    ratings (two queries, any size). Everyone else — program admins included — sees none."""
    ratings = CompetencyRating.objects.select_related("competency").order_by("competency_name", "pk")
    return (
        CompetencyFeedback.objects.filter(
            organisation_id=mentorship.organisation_id, mentorship_id=mentorship.pk
        )
        .filter(Q(author=viewer) | Q(subject=viewer))
        .select_related("author__user", "subject__user")
        .prefetch_related(Prefetch("ratings", queryset=ratings))
        .order_by("given_on", "pk")
    )


def subjects_for(mentorship: Mentorship, viewer: Membership) -> list[Membership]:
    """Whose trends the viewer sees: their own (if anyone rates them), then those they rate."""
    subjects = [viewer] if is_supported(mentorship, viewer) else []
    return subjects + [m.membership for m in supported_members(mentorship, viewer)]
