"""The demo builder: deterministic history that the rest of the app can read."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from tandem.meetings.demo import demo_meetings
from tandem.meetings.models import Meeting, MeetingStatus, SessionFeedback
from tandem.meetings.selectors import meeting_stats
from tandem.mentorships.models import MentorshipStatus
from tandem.notifications.models import Notification, NotificationKind
from tests.relationship_setup import Live

pytestmark = pytest.mark.django_db


def test_demo_meetings_past_and_upcoming(live: Live) -> None:
    # given
    now = timezone.now()
    before = Notification.objects.count()
    # when
    demo_meetings(mentorship=live.mentorship, rng=random.Random(7), now=now, held=5, cadence_days=14)
    # then a fortnightly series: five in the past (one a no-show), three to come
    meetings = list(Meeting.objects.filter(mentorship=live.mentorship).order_by("starts_at"))
    past = [m for m in meetings if m.starts_at < now]
    assert len(meetings) == 8
    assert len(past) == 5
    assert [m.status for m in meetings[5:]] == [MeetingStatus.SCHEDULED] * 3
    assert sum(m.status == MeetingStatus.NO_SHOW for m in past) == 1
    held = [m for m in past if m.status == MeetingStatus.HELD]
    assert len(held) == 4
    assert all(m.shared_notes for m in held)
    assert all(m.created_at < m.starts_at for m in meetings)
    assert SessionFeedback.objects.filter(meeting__mentorship=live.mentorship).exists()
    stats = meeting_stats(live.mentorship, since=now - dt.timedelta(days=365))
    assert (stats.held, stats.no_show) == (4, 1)
    assert stats.next_at == meetings[5].starts_at
    # the history is quiet: no notifications about long-past events
    assert Notification.objects.count() == before
    assert not Notification.objects.filter(kind=NotificationKind.FEEDBACK).exists()


def test_demo_meetings_is_deterministic_and_works_for_ended_mentorships(live: Live) -> None:
    now = timezone.now()
    live.mentorship.status = MentorshipStatus.COMPLETED
    live.mentorship.save(update_fields=["status"])
    demo_meetings(mentorship=live.mentorship, rng=random.Random(3), now=now, held=3, cadence_days=30)
    first = list(Meeting.objects.values_list("starts_at", "status", "title"))
    Meeting.objects.all().delete()
    demo_meetings(mentorship=live.mentorship, rng=random.Random(3), now=now, held=3, cadence_days=30)
    assert list(Meeting.objects.values_list("starts_at", "status", "title")) == first
    # completed: nothing upcoming
    assert all(start < now for start, _, _ in first)
    assert len(first) == 3
