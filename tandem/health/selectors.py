"""Reads of the health app. Check-ins are private to their author and the program admins who
oversee the mentorship; health reasons (derived from everyone's check-ins) are for those admins only.

A program admin who takes part in a mentorship is a participant there, not an overseer: they see
their own check-ins only, and neither its health reasons nor its row in the attention list —
what the other side said about them is not for them.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Case, IntegerField, Max, Prefetch, QuerySet, Value, When

from tandem.health.errors import AttentionListNotFound, HealthNotVisible
from tandem.health.models import CheckIn, HealthAssessment
from tandem.health.schedule import CheckInDue, checkin_due
from tandem.health.services import CHECKIN_OPEN_STATUSES
from tandem.mentorships.models import Health, Mentorship, MentorshipMember
from tandem.mentorships.selectors import member_of
from tandem.organisations.models import Membership, Organisation

LIVE_STATUSES = CHECKIN_OPEN_STATUSES
SIGNAL_ORDER = Case(
    When(health=Health.NEEDS_ATTENTION, then=Value(0)),
    When(health=Health.TOO_EARLY, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def oversees(mentorship: Mentorship, viewer: Membership) -> bool:
    """The viewer looks after this mentorship as a program admin, without being in it.
    `mentorship` must come from a selector scoped to the viewer's organisation."""
    return (
        viewer.is_program_admin
        and mentorship.organisation_id == viewer.organisation_id
        and member_of(mentorship, viewer) is None
    )


def checkin_list(*, mentorship: Mentorship, viewer: Membership) -> QuerySet[CheckIn]:
    """The check-ins the viewer may read, newest first: a participant's own; all for an overseer."""
    qs = (
        CheckIn.objects.filter(mentorship=mentorship)
        .select_related("author__user")
        .order_by("-created_at", "-pk")
    )
    if oversees(mentorship, viewer):
        return qs
    if member_of(mentorship, viewer) is not None:
        return qs.filter(author=viewer)
    return qs.none()


def checkin_due_of(*, mentorship: Mentorship, member: Membership, now: datetime) -> CheckInDue | None:
    """A participant's check-in state; None while the mentorship is not running (or paused)."""
    if mentorship.status not in LIVE_STATUSES or mentorship.started_at is None:
        return None
    previous = CheckIn.objects.filter(mentorship=mentorship, author=member).values_list(
        "created_at", flat=True
    )
    return checkin_due(
        started_at=mentorship.started_at,
        first_days=mentorship.program.checkin_first_days,
        every_days=mentorship.program.checkin_every_days,
        now=now,
        previous=list(previous),
    )


def health_assessment_get(*, mentorship: Mentorship, viewer: Membership) -> HealthAssessment | None:
    """The stored assessment (None before the first) — for overseeing program admins only."""
    if not oversees(mentorship, viewer):
        raise HealthNotVisible("Only the program admins overseeing this mentorship see its health.")
    return HealthAssessment.objects.filter(mentorship=mentorship).first()


def assessment_of(mentorship: Mentorship) -> HealthAssessment | None:
    """The assessment loaded with a mentorship (`select_related("health_assessment")`), if any."""
    try:
        return mentorship.health_assessment
    except HealthAssessment.DoesNotExist:
        return None


def attention_list(
    *,
    organisation: Organisation,
    viewer: Membership,
    program_id: int | None = None,
    signal: str | None = None,
) -> QuerySet[Mentorship]:
    """Live (active or paused) mentorships of the organisation, those needing attention first,
    each with its assessment, program, members and last check-in time (three queries, any size).
    Program admins only; the ones the viewer is in are left out (see the module doc)."""
    if not viewer.is_program_admin:
        raise AttentionListNotFound("No such page.")
    members = MentorshipMember.objects.select_related("membership__user").order_by("role", "pk")
    qs = (
        Mentorship.objects.filter(organisation=organisation, status__in=LIVE_STATUSES)
        .exclude(members__membership=viewer)
        .select_related("program", "health_assessment")
        .prefetch_related(Prefetch("members", queryset=members))
        .annotate(last_checkin_at=Max("checkins__created_at"), signal_order=SIGNAL_ORDER)
        .order_by("signal_order", "-health_assessment__computed_at", "-pk")
    )
    if program_id is not None:
        qs = qs.filter(program_id=program_id)
    if signal:
        qs = qs.filter(health=signal)
    return qs
