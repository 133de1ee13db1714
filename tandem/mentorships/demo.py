"""Northwind's mentorships brought to life: every running relationship gets an age, an agreement,
meetings (past and upcoming), goals, feedback and check-ins, so the demo shows each stage — a new
pair still agreeing, pairs well on their way, one that needs attention, one paused, one completed,
and one ended early and re-matched.

Each part is written by its own app's demo function through that app's services; this module only
decides who gets what, in an order where later parts see the history the earlier ones wrote.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from tandem.advancement.demo import demo_career
from tandem.agreements.demo import demo_agreement
from tandem.agreements.selectors import agreed_cadence_days
from tandem.feedback.demo import demo_competency_feedback
from tandem.goals.demo import demo_goals
from tandem.health.demo import demo_checkins, demo_health_refresh
from tandem.meetings.demo import demo_meetings
from tandem.mentorships.demo_relationships import demo_end_early_and_rematch, demo_lifecycle_variety
from tandem.mentorships.models import Mentorship, MentorshipMember, MentorshipStatus
from tandem.notifications.models import Notification
from tandem.organisations.models import Organisation

# Days since the start, one per running mentorship in turn: a spread from "just matched" to "half a
# year in", so the health signal and the check-in schedule have every stage to show.
AGES = (9, 24, 45, 70, 100, 130, 170)
DEMO_MEMBER_EMAIL_PREFIX = "member@"


def demo_relationships(*, organisation: Organisation, rng: random.Random, now: datetime) -> None:
    live = _running(organisation)
    ages = _spread_ages(live, rng, now)
    demo_end_early_and_rematch(organisation=organisation, rng=rng, now=now)
    demo_lifecycle_variety(organisation=organisation, rng=rng, now=now)

    everyone = list(
        Mentorship.objects.filter(organisation=organisation)
        .exclude(status__in=[MentorshipStatus.PROPOSED, MentorshipStatus.DECLINED])
        .select_related("program", "organisation")
        .order_by("pk")
    )
    # The one that needs attention: a few months in, meetings stopped and the mentee is unhappy.
    struggling = next(
        (
            m
            for m in everyone
            if m.status == MentorshipStatus.ACTIVE and ages.get(m.pk, 0) >= 90 and not _is_demo_members(m)
        ),
        None,
    )
    for mentorship in everyone:
        mentorship.refresh_from_db()
        age_days = max(1, ((mentorship.ended_at or now) - (mentorship.started_at or now)).days)
        just_matched = age_days < 14 and mentorship.status == MentorshipStatus.ACTIVE
        demo_agreement(mentorship=mentorship, rng=rng, now=now, accepted=not just_matched)
        cadence = agreed_cadence_days(mentorship)
        if mentorship == struggling:
            demo_meetings(
                mentorship=mentorship, rng=rng, now=now - timedelta(days=60), held=2, cadence_days=cadence
            )
            demo_goals(mentorship=mentorship, rng=rng, now=now)
            demo_checkins(mentorship=mentorship, rng=rng, now=now, mood="poor")
            continue
        held = min(age_days // cadence, 8)
        demo_meetings(mentorship=mentorship, rng=rng, now=now, held=held, cadence_days=cadence)
        if just_matched:
            continue
        demo_goals(mentorship=mentorship, rng=rng, now=now)
        if age_days >= 45:
            entries = max(2, min(age_days // 40, 4))
            demo_competency_feedback(mentorship=mentorship, rng=rng, now=now, entries=entries)
        if age_days >= 60 and (rng.random() < 0.3 or _is_demo_members(mentorship)):
            demo_career(mentorship=mentorship, rng=rng, now=now)
        demo_checkins(mentorship=mentorship, rng=rng, now=now, mood="good")
    demo_health_refresh(organisation=organisation, now=now)
    _fresh_inbox(organisation, now)


def _fresh_inbox(organisation: Organisation, now: datetime) -> None:
    """Everything the demo's history notified people about happened weeks ago: mark it read.
    What is due today (reminders, nudges, check-ins) arrives from `run_periodic`, which
    `make run` starts beside the server — run here, it would also touch other organisations."""
    Notification.objects.filter(organisation=organisation, read_at__isnull=True).update(read_at=now)


def _running(organisation: Organisation) -> list[Mentorship]:
    return list(
        Mentorship.objects.filter(organisation=organisation, status=MentorshipStatus.ACTIVE).order_by("pk")
    )


def _spread_ages(live: list[Mentorship], rng: random.Random, now: datetime) -> dict[int, int]:
    """Move each running mentorship's start into the past; the demo member's is a few months old."""
    ages: dict[int, int] = {}
    for index, mentorship in enumerate(live):
        age = 75 if _is_demo_members(mentorship) else AGES[index % len(AGES)] + rng.randint(0, 6)
        started = now - timedelta(days=age)
        Mentorship.objects.filter(pk=mentorship.pk).update(started_at=started, created_at=started)
        MentorshipMember.objects.filter(mentorship=mentorship).update(consent_at=started)
        ages[mentorship.pk] = age
    return ages


def _is_demo_members(mentorship: Mentorship) -> bool:
    return mentorship.members.filter(membership__user__email__startswith=DEMO_MEMBER_EMAIL_PREFIX).exists()
