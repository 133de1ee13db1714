"""Writes of the health app: check-ins, health assessments and check-in reminders."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tandem.health.assessment import ASSESSED_STATUSES, assess
from tandem.health.errors import CheckInClosed, CheckInInvalid, CheckInNotAllowed, HealthNotAssessed
from tandem.health.facts import health_facts
from tandem.health.models import CheckIn, CheckInReminder, HealthAssessment, Working
from tandem.health.schedule import checkin_due
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.mentorships.selectors import member_of
from tandem.notifications.models import NotificationKind
from tandem.notifications.services import notify
from tandem.organisations.models import Membership, Organisation

MAX_COMMENT = 2000
# Check-ins can be given while a mentorship runs or is paused ("is this working?" matters then too).
CHECKIN_OPEN_STATUSES = ASSESSED_STATUSES
# Reminders only go out while it runs: a pause is a break from the schedule.
REMINDED_STATUSES = (MentorshipStatus.ACTIVE,)


def checkins_url(mentorship: Mentorship) -> str:
    return reverse(
        "health:mentorship",
        kwargs={"org_slug": mentorship.organisation.slug, "mentorship_id": mentorship.pk},
    )


def _validated(satisfaction: object, working: object, comment: str) -> tuple[int, str, str]:
    if isinstance(satisfaction, bool) or not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        raise CheckInInvalid("Rate your satisfaction from 1 (poor) to 5 (great).", field="satisfaction")
    if working not in Working.values:
        raise CheckInInvalid("Answer yes, partly or no.", field="working")
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        raise CheckInInvalid(f"Keep the comment under {MAX_COMMENT} characters.", field="comment")
    return satisfaction, str(working), comment


@transaction.atomic
def checkin_submit(
    *,
    mentorship: Mentorship,
    by: Membership,
    satisfaction: int,
    working: str,
    comment: str = "",
    now: datetime | None = None,
) -> CheckIn:
    """Record a participant's check-in (any time, due or not) and refresh the mentorship's health.

    Only participants check in; what they say is for them and program admins only.
    """
    me = member_of(mentorship, by)
    if me is None:
        raise CheckInNotAllowed("Only the people in this mentorship check in on it.")
    if mentorship.status not in CHECKIN_OPEN_STATUSES:
        state = mentorship.get_status_display().lower()
        raise CheckInClosed(f"This mentorship is {state}: no check-ins now.")
    satisfaction, working, comment = _validated(satisfaction, working, comment)
    now = now or timezone.now()
    checkin = CheckIn.objects.create(
        mentorship=mentorship,
        author=by,
        role=me.role,
        satisfaction=satisfaction,
        working=working,
        comment=comment,
        created_at=now,
    )
    mentorship_health_refresh(mentorship, now=now)
    return checkin


@transaction.atomic
def mentorship_health_refresh(mentorship: Mentorship, *, now: datetime | None = None) -> HealthAssessment:
    """Compute the mentorship's health now, store it with its reasons and facts, and set
    `Mentorship.health`. Not-started and ended mentorships keep their last assessment."""
    if mentorship.status not in ASSESSED_STATUSES:
        state = mentorship.get_status_display().lower()
        raise HealthNotAssessed(f"A {state} mentorship is not assessed; its last assessment is kept.")
    now = now or timezone.now()
    facts = health_facts(mentorship, now)
    result = assess(facts)
    assessment, _ = HealthAssessment.objects.update_or_create(
        mentorship=mentorship,
        defaults={
            "signal": result.signal,
            "reasons": [r.to_json() for r in result.reasons],
            "facts": facts.to_json(),
            "computed_at": now,
        },
    )
    if mentorship.health != result.signal:
        Mentorship.objects.filter(pk=mentorship.pk).update(health=result.signal)
        mentorship.health = result.signal
    return assessment


def _live(organisation: Organisation | None, statuses: tuple[str, ...]) -> list[Mentorship]:
    qs = Mentorship.objects.filter(status__in=statuses, started_at__isnull=False)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return list(
        qs.select_related("organisation", "program")
        .prefetch_related("members__membership__user")
        .order_by("pk")
    )


def health_refresh_all(*, now: datetime | None = None, organisation: Organisation | None = None) -> int:
    """Refresh every live (active or paused) mentorship, of one organisation or all; returns how many."""
    now = now or timezone.now()
    mentorships = _live(organisation, ASSESSED_STATUSES)
    for mentorship in mentorships:
        mentorship_health_refresh(mentorship, now=now)
    return len(mentorships)


def checkins_remind_due(*, now: datetime | None = None) -> int:
    """Tell each participant of an active mentorship whose check-in is due; once per due window
    and person, however often this runs. Returns how many reminders were sent."""
    now = now or timezone.now()
    mentorships = _live(None, REMINDED_STATUSES)
    history: dict[tuple[int, int], list[datetime]] = {}
    for mentorship_id, author_id, created_at in CheckIn.objects.filter(
        mentorship__in=mentorships
    ).values_list("mentorship_id", "author_id", "created_at"):
        history.setdefault((mentorship_id, author_id), []).append(created_at)
    sent = set(
        CheckInReminder.objects.filter(mentorship__in=mentorships).values_list(
            "mentorship_id", "member_id", "window_start"
        )
    )
    count = 0
    for mentorship in mentorships:
        if mentorship.started_at is None:  # filtered out above; narrows the type
            continue
        for member in mentorship.members.all():
            if not member.membership.is_active:  # left the organisation: nobody to ask
                continue
            due = checkin_due(
                started_at=mentorship.started_at,
                first_days=mentorship.program.checkin_first_days,
                every_days=mentorship.program.checkin_every_days,
                now=now,
                previous=history.get((mentorship.pk, member.membership_id), []),
            )
            if not due.is_due or due.window_start is None:
                continue
            if (mentorship.pk, member.membership_id, due.window_start) in sent:
                continue
            if _remind(mentorship, member.membership, due.window_start, due.number):
                count += 1
    return count


def _remind(mentorship: Mentorship, member: Membership, window_start: datetime, number: int) -> bool:
    """Record the reminder and notify, together; False if another run got there first."""
    try:
        with transaction.atomic():
            CheckInReminder.objects.create(mentorship=mentorship, member=member, window_start=window_start)
            others = [
                m.membership.user.full_name or m.membership.user.email
                for m in mentorship.members.all()
                if m.membership_id != member.pk
            ]
            notify(
                recipient=member,
                kind=NotificationKind.CHECKIN_DUE,
                title="Time for a check-in" + (f" with {', '.join(others)}" if others else ""),
                body=(
                    f"Check-in {number} of {mentorship.program.name} is due: how satisfied are you, and is "
                    "it working? It takes a minute. Only you and the program admins see your answers."
                ),
                url=checkins_url(mentorship),
            )
    except IntegrityError:
        return False
    return True
