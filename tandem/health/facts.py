"""Gathers a mentorship's health facts from the apps that hold them.

The other apps are read through their published selectors only, imported here lazily so that
the health app does not load them at import time:

- `tandem.agreements.selectors.agreed_cadence_days(mentorship) -> int`
- `tandem.goals.selectors.goals_progress(mentorship) -> float | None`
- `tandem.meetings.selectors.meeting_stats(mentorship, *, since) -> MeetingStats`
- `tandem.meetings.selectors.average_rating(mentorship, *, since) -> float | None`
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from tandem.health.assessment import RATING_WINDOW_DAYS, CheckInFact, HealthFacts
from tandem.health.models import CheckIn
from tandem.mentorships.models import MemberRole, Mentorship


def who(role: str, same_role_count: int) -> str:
    """How an admin's reasons name a participant: "Mentee" when alone in the role, else "A mentee"."""
    label = MemberRole(role).label if role in MemberRole.values else "Participant"
    return label if same_role_count <= 1 else f"A {label.lower()}"


def latest_checkins(mentorship: Mentorship) -> tuple[CheckInFact, ...]:
    """The latest check-in of each participant who checked in (one query), mentors first."""
    roles = Counter(m.role for m in mentorship.members.all())
    latest: dict[int, CheckIn] = {}
    for checkin in CheckIn.objects.filter(mentorship=mentorship).order_by("created_at", "pk"):
        latest[checkin.author_id] = checkin
    return tuple(
        CheckInFact(
            who=who(c.role, roles.get(c.role, 0)),
            satisfaction=c.satisfaction,
            working=c.working,
            on=c.created_at.astimezone(UTC).date(),
        )
        for c in sorted(latest.values(), key=lambda c: (c.role != MemberRole.MENTOR, c.created_at))
    )


def health_facts(mentorship: Mentorship, now: datetime) -> HealthFacts:
    """Everything the health signal of `mentorship` depends on, at `now`."""
    from tandem.agreements.selectors import agreed_cadence_days  # noqa: PLC0415 — see the module doc
    from tandem.goals.selectors import goals_progress  # noqa: PLC0415
    from tandem.meetings.selectors import average_rating, meeting_stats  # noqa: PLC0415

    started_at = mentorship.started_at or mentorship.created_at
    stats = meeting_stats(mentorship, since=started_at)
    rating = average_rating(mentorship, since=max(started_at, now - timedelta(days=RATING_WINDOW_DAYS)))
    return HealthFacts(
        status=mentorship.status,
        today=now.astimezone(UTC).date(),
        started_on=started_at.astimezone(UTC).date(),
        cadence_days=max(1, int(agreed_cadence_days(mentorship))),
        meetings_held=stats.held,
        no_shows=stats.no_show,
        cancelled=stats.cancelled,
        last_meeting_on=stats.last_held_at.astimezone(UTC).date() if stats.last_held_at else None,
        next_meeting_on=stats.next_at.astimezone(UTC).date() if stats.next_at else None,
        goals_progress=goals_progress(mentorship),
        average_rating=round(rating, 2) if rating is not None else None,
        checkins=latest_checkins(mentorship),
    )
