"""Fixtures for the meetings tests: a live mentorship whose people live in different zones."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tandem.meetings.models import Meeting
from tandem.meetings.services import MeetingPlan, Recurrence, meeting_schedule
from tandem.organisations.models import Membership, Organisation
from tests.factories import profile_of
from tests.relationship_setup import Live, live_mentorship

UTC = dt.UTC


def set_zone(membership: Membership, tz: str) -> None:
    profile = profile_of(membership)
    profile.time_zone = tz
    profile.save(update_fields=["time_zone"])
    membership.refresh_from_db()


@pytest.fixture
def live(org: Organisation, program_admin: Membership) -> Live:
    """Mentor in London, mentee in New York."""
    pair = live_mentorship(org, program_admin)
    set_zone(pair.mentor, "Europe/London")
    set_zone(pair.mentee, "America/New_York")
    return pair


def wall(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A naive wall-clock time, as a person types it (read in their own zone)."""
    return dt.datetime.combine(dt.date(year, month, day), dt.time(hour, minute))


def soon(days: int = 3, hour: int = 9) -> dt.datetime:
    """A naive wall-clock time `days` from today at `hour`:00."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, 0))


def schedule(
    live: Live,
    *,
    by: Membership | None = None,
    starts: dt.datetime | None = None,
    recurrence: Recurrence | None = None,
    now: dt.datetime | None = None,
    **details: object,
) -> Meeting:
    plan = MeetingPlan(title=str(details.pop("title", "Catch-up")), starts_local=starts or soon(), **details)  # type: ignore[arg-type]
    return meeting_schedule(
        mentorship=live.mentorship, by=by or live.mentor, plan=plan, recurrence=recurrence, now=now
    )
