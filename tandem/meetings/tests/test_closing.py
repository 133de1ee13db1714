"""A mentorship that closes calls off its meetings still to come; held ones keep their history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tandem.meetings.models import Frequency, Meeting, MeetingSeries, MeetingStatus
from tandem.meetings.services import Recurrence, meeting_reminders_send, meeting_series_extend
from tandem.mentorships.lifecycle import mentorship_complete, mentorship_end_early, mentorship_pause
from tandem.mentorships.models import EndReason
from tests.relationship_setup import Live

from .conftest import schedule

pytestmark = pytest.mark.django_db


def _weekly_series_half_held(live: Live) -> MeetingSeries:
    """A weekly series of 6 that started 13 days ago: 2 held, 4 to come."""
    now = timezone.now()
    first = schedule(
        live,
        starts=timezone.localtime(now - dt.timedelta(days=13)).replace(tzinfo=None),
        recurrence=Recurrence(frequency=Frequency.WEEKLY, count=6),
        now=now - dt.timedelta(days=15),
    )
    assert first.series is not None
    Meeting.objects.filter(series=first.series, starts_at__lt=now).update(status=MeetingStatus.HELD)
    return first.series


@pytest.mark.parametrize("close", ["end_early", "complete"])
def test_closing_a_mentorship_cancels_what_is_to_come_and_keeps_what_was_held(live: Live, close: str) -> None:
    # given a series with meetings held and to come
    series = _weekly_series_half_held(live)
    assert Meeting.objects.filter(series=series, status=MeetingStatus.SCHEDULED).count() == 4
    # when the mentorship ends early, or completes
    if close == "end_early":
        mentorship_end_early(mentorship=live.mentorship, by=live.mentee, reason=EndReason.SCHEDULES)
    else:
        mentorship_complete(mentorship=live.mentorship, by=live.mentee, reflection="We reached our goals.")
    # then nothing is left scheduled, the held meetings are untouched, and the series has ended
    statuses = list(
        Meeting.objects.filter(series=series).order_by("starts_at").values_list("status", flat=True)
    )
    assert statuses == [MeetingStatus.HELD] * 2 + [MeetingStatus.CANCELLED] * 4
    series.refresh_from_db()
    assert series.until is not None
    assert series.count is None
    # and no job brings meetings or reminders back
    meeting_series_extend(now=timezone.now() + dt.timedelta(days=200))
    assert not Meeting.objects.filter(series=series, status=MeetingStatus.SCHEDULED).exists()
    assert meeting_reminders_send(now=timezone.now() + dt.timedelta(days=6)) == 0


def test_pausing_keeps_the_meetings(live: Live) -> None:
    # given
    series = _weekly_series_half_held(live)
    # when
    mentorship_pause(mentorship=live.mentorship, by=live.mentor, reason="Parental leave")
    # then the pair may resume where they were
    assert Meeting.objects.filter(series=series, status=MeetingStatus.SCHEDULED).count() == 4
