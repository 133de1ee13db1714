"""Demo data for the health app: check-ins on the schedule, and fresh health signals.

Called by the demo loader after it has created (and backdated) the mentorships.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Literal

from tandem.health.models import CheckIn, Working
from tandem.health.services import CHECKIN_OPEN_STATUSES, checkin_submit, health_refresh_all
from tandem.mentorships.models import MemberRole, Mentorship
from tandem.organisations.models import Membership, Organisation

_GOOD_COMMENTS = [
    "We meet regularly and I leave every session with something to try.",
    "Really useful conversations about prioritising my work.",
    "Good rhythm. The goals we set are starting to pay off.",
    "",
]
_POOR_COMMENTS = {
    MemberRole.MENTEE: [
        "Our meetings keep getting cancelled and I'm not sure what to work on.",
        "I don't feel we connect; the sessions are mostly small talk.",
        "Hard to find time together. I'd welcome some help.",
    ],
    MemberRole.MENTOR: [
        "We struggle to find a slot; I'm not sure what my mentee needs.",
        "It feels a bit stuck.",
    ],
}


def _answer(rng: random.Random, mood: str, role: str) -> tuple[int, str, str]:
    if mood == "poor":
        if role == MemberRole.MENTOR:
            return rng.choice([2, 3]), Working.PARTLY, rng.choice(_POOR_COMMENTS[MemberRole.MENTOR])
        return rng.choice([1, 2]), Working.NO, rng.choice(_POOR_COMMENTS[MemberRole.MENTEE])
    working = Working.YES if rng.random() < 0.85 else Working.PARTLY
    return rng.choice([4, 4, 5]), working, rng.choice(_GOOD_COMMENTS)


def _windows(mentorship: Mentorship, until: datetime) -> list[datetime]:
    """The due dates of the program's check-in schedule from the start up to `until`."""
    if mentorship.started_at is None:
        return []
    at = mentorship.started_at + timedelta(days=mentorship.program.checkin_first_days)
    every = timedelta(days=mentorship.program.checkin_every_days)
    dates = []
    while at <= until:
        dates.append(at)
        at += every
    return dates


def _record(
    mentorship: Mentorship, member: Membership, role: str, answer: tuple[int, str, str], at: datetime
) -> None:
    satisfaction, working, comment = answer
    if mentorship.status in CHECKIN_OPEN_STATUSES:
        checkin_submit(
            mentorship=mentorship,
            by=member,
            satisfaction=satisfaction,
            working=working,
            comment=comment,
            now=at,
        )
    else:
        # History of a mentorship that has since ended: the service (rightly) takes no new
        # check-ins there, so the past ones are written as they would have been at the time.
        CheckIn.objects.create(
            mentorship=mentorship,
            author=member,
            role=role,
            satisfaction=satisfaction,
            working=working,
            comment=comment,
            created_at=at,
        )


def demo_checkins(
    *, mentorship: Mentorship, rng: random.Random, now: datetime, mood: Literal["good", "poor"] = "good"
) -> None:
    """Backdated check-ins for each participant on each due date so far (a few days after it,
    some people skip one). "poor": low satisfaction, the mentee says it isn't working (and
    checks in early if none is due yet, so a young mentorship can need attention too)."""
    until = min(now, mentorship.ended_at) if mentorship.ended_at else now
    windows = _windows(mentorship, until)
    members = list(mentorship.members.select_related("membership").order_by("role", "pk"))
    for member in members:
        for number, due_at in enumerate(windows):
            last = number == len(windows) - 1
            if mood == "good" and not last and rng.random() < 0.2:
                continue
            at = min(until - timedelta(hours=1), due_at + timedelta(days=rng.uniform(0.5, 6)))
            _record(mentorship, member.membership, member.role, _answer(rng, mood, member.role), at)
        if mood == "poor" and not windows and member.role == MemberRole.MENTEE:
            start = mentorship.started_at or until
            at = max(start, until - timedelta(days=rng.uniform(1, 3)))
            _record(mentorship, member.membership, member.role, _answer(rng, mood, member.role), at)


def demo_health_refresh(*, organisation: Organisation, now: datetime) -> None:
    """Recompute the health of every live (active or paused) mentorship of the organisation."""
    health_refresh_all(now=now, organisation=organisation)
