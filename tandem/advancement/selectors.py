"""Reads for endorsements and introductions, scoped by organisation and by who may see what:

- an endorsement: its author and the person endorsed; program admins only while that person
  shares it;
- an introduction: the mentor who made it and the mentee (on the mentorship's Career tab), and
  the member introduced (in their own inbox). Program admins have no view of introductions.
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When

from tandem.advancement.errors import AdvancementNotAllowed, EndorsementNotFound, IntroductionNotFound
from tandem.advancement.models import Endorsement, Introduction, IntroductionStatus
from tandem.mentorships.models import Mentorship, MentorshipMember
from tandem.organisations.models import Membership, Organisation
from tandem.people.models import Skill


def _endorsements(organisation_id: int) -> QuerySet[Endorsement]:
    return (
        Endorsement.objects.filter(organisation_id=organisation_id)
        .select_related("author__user", "subject__user")
        .prefetch_related(Prefetch("skills", queryset=Skill.objects.order_by("name")))
        .order_by("-created_at", "-pk")
    )


def _visible_endorsements(viewer: Membership) -> Q:
    visible = Q(author=viewer) | Q(subject=viewer)
    if viewer.is_program_admin:
        visible |= Q(shared_with_admins=True)
    return visible


def endorsement_list(*, mentorship: Mentorship, viewer: Membership) -> QuerySet[Endorsement]:
    """The endorsements of a mentorship the viewer may read, newest first (two queries)."""
    return _endorsements(mentorship.organisation_id).filter(
        _visible_endorsements(viewer), mentorship=mentorship
    )


def endorsement_get(*, mentorship: Mentorship, endorsement_id: int, viewer: Membership) -> Endorsement:
    endorsement = endorsement_list(mentorship=mentorship, viewer=viewer).filter(pk=endorsement_id).first()
    if endorsement is None:
        raise EndorsementNotFound("No such endorsement.")
    return endorsement


def endorsements_shared(*, organisation: Organisation, viewer: Membership) -> QuerySet[Endorsement]:
    """Every endorsement the people endorsed chose to share with program admins (for them only)."""
    if not viewer.is_program_admin:
        raise AdvancementNotAllowed("Only program admins see shared endorsements.")
    return (
        _endorsements(organisation.pk)
        .filter(shared_with_admins=True)
        .select_related("mentorship__program")
        .order_by("-shared_at", "-pk")
    )


def _introductions(organisation_id: int) -> QuerySet[Introduction]:
    return Introduction.objects.filter(organisation_id=organisation_id).select_related(
        "introduced_by__user", "mentee__user", "contact__user"
    )


def introduction_list(*, mentorship: Mentorship, viewer: Membership) -> QuerySet[Introduction]:
    """The introductions of a mentorship the viewer made or received as the mentee, newest first."""
    return (
        _introductions(mentorship.organisation_id)
        .filter(Q(introduced_by=viewer) | Q(mentee=viewer), mentorship=mentorship)
        .order_by("-created_at", "-pk")
    )


def introductions_received(*, organisation: Organisation, viewer: Membership) -> QuerySet[Introduction]:
    """Introductions to the viewer as the contact: waiting ones first, then newest first."""
    waiting_first = Case(
        When(status=IntroductionStatus.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return (
        _introductions(organisation.pk)
        .filter(contact=viewer)
        .select_related("mentorship__program")
        .order_by(waiting_first, "-created_at", "-pk")
    )


def introduction_get(*, organisation: Organisation, introduction_id: int, viewer: Membership) -> Introduction:
    """An introduction the viewer made, received as the mentee, or was introduced to."""
    introduction = (
        _introductions(organisation.pk)
        .select_related("mentorship__organisation")
        .filter(Q(introduced_by=viewer) | Q(mentee=viewer) | Q(contact=viewer), pk=introduction_id)
        .first()
    )
    if introduction is None:
        raise IntroductionNotFound("No such introduction.")
    return introduction


def introduction_candidates(*, mentorship: Mentorship) -> QuerySet[Membership]:
    """Active members one may introduce a mentee to: everyone outside the mentorship."""
    inside = MentorshipMember.objects.filter(mentorship=mentorship).values("membership_id")
    return (
        Membership.objects.filter(organisation_id=mentorship.organisation_id, is_active=True)
        .exclude(pk__in=inside)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
