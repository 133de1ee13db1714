"""Reminders a day before, cadence nudges when the agreed rhythm lapses — each sent once — and the
numbers the health signal reads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tandem.meetings import services
from tandem.meetings.models import CadenceNudge, Meeting, MeetingStatus
from tandem.meetings.selectors import average_rating, meeting_stats
from tandem.meetings.services import (
    cadence_nudges_send,
    feedback_give,
    meeting_reminders_send,
    meeting_set_attendance,
)
from tandem.meetings.tests.conftest import schedule, soon
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.notifications.models import Notification, NotificationKind
from tandem.periodic import periodic_tasks
from tests.relationship_setup import Live

pytestmark = pytest.mark.django_db


def _kind(kind: str) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind).order_by("recipient_id"))


# --- reminders ----------------------------------------------------------------------------------


def test_reminder_a_day_before_to_both_sides_once(live: Live) -> None:
    # given a meeting 20 hours from now and another in three days
    now = timezone.now()
    tomorrow = schedule(live, starts=(now + dt.timedelta(hours=20)).replace(tzinfo=None), now=now)
    later = schedule(live, starts=soon(days=3))
    # when the job runs twice
    first = meeting_reminders_send(now=now)
    second = meeting_reminders_send(now=now + dt.timedelta(minutes=15))
    # then both people were reminded of tomorrow's meeting, once
    assert (first, second) == (2, 0)
    reminders = _kind(NotificationKind.MEETING_REMINDER)
    assert {n.recipient_id for n in reminders} == {live.mentor.pk, live.mentee.pk}
    assert all("Catch-up" in n.title for n in reminders)
    assert "(America/New_York)" in next(n.title for n in reminders if n.recipient_id == live.mentee.pk)
    assert Meeting.objects.get(pk=tomorrow.pk).reminded_at is not None
    assert Meeting.objects.get(pk=later.pk).reminded_at is None


def test_no_reminder_for_cancelled_meetings(live: Live) -> None:
    now = timezone.now()
    meeting = schedule(live, starts=(now + dt.timedelta(hours=5)).replace(tzinfo=None), now=now)
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CANCELLED)
    assert meeting_reminders_send(now=now) == 0


def test_the_jobs_are_registered_as_periodic() -> None:
    names = {task.name for task in periodic_tasks()}
    assert {"extend_meeting_series", "send_meeting_reminders", "send_cadence_nudges"} <= names


# --- cadence nudges -----------------------------------------------------------------------------


@pytest.fixture
def fortnightly(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pair agreed to meet every 14 days (the agreements app answers; stood in for here)."""
    monkeypatch.setattr(services, "agreed_cadence_days", lambda _mentorship: 14)


def _started(live: Live, days_ago: int) -> Mentorship:
    started = timezone.now() - dt.timedelta(days=days_ago)
    Mentorship.objects.filter(pk=live.mentorship.pk).update(started_at=started, created_at=started)
    return Mentorship.objects.get(pk=live.mentorship.pk)


@pytest.mark.usefixtures("fortnightly")
def test_nudge_both_sides_once_when_the_cadence_lapses(live: Live) -> None:
    # given a mentorship that started 20 days ago and never met
    _started(live, 20)
    # when the job runs twice
    assert cadence_nudges_send() == 2
    assert cadence_nudges_send() == 0
    # then both were nudged, once
    nudges = _kind(NotificationKind.CADENCE_NUDGE)
    assert {n.recipient_id for n in nudges} == {live.mentor.pk, live.mentee.pk}
    assert "14 days" in nudges[0].body
    assert CadenceNudge.objects.count() == 1


@pytest.mark.usefixtures("fortnightly")
def test_no_nudge_within_the_cadence_or_with_a_meeting_coming(live: Live) -> None:
    # started 10 days ago: within the fortnight
    _started(live, 10)
    assert cadence_nudges_send() == 0
    # started 20 days ago but a meeting is scheduled in three days
    _started(live, 20)
    schedule(live, starts=soon(days=3))
    assert cadence_nudges_send() == 0


@pytest.mark.usefixtures("fortnightly")
def test_a_new_lapse_after_meeting_again_is_nudged_again(live: Live) -> None:
    # given a first lapse, nudged
    _started(live, 60)
    assert cadence_nudges_send() == 2
    # when they met 20 days ago (held) and nothing since
    met = schedule(live, starts=soon(days=-20))
    meeting_set_attendance(meeting=met, by=live.mentor, status=MeetingStatus.HELD)
    # then this is a new lapse: nudged once more
    assert cadence_nudges_send() == 2
    assert cadence_nudges_send() == 0
    assert CadenceNudge.objects.count() == 2


@pytest.mark.usefixtures("fortnightly")
def test_paused_mentorships_are_not_nudged(live: Live) -> None:
    _started(live, 60)
    Mentorship.objects.filter(pk=live.mentorship.pk).update(status=MentorshipStatus.PAUSED)
    assert cadence_nudges_send() == 0


def test_without_an_agreement_the_programs_default_cadence_counts(live: Live) -> None:
    # given no agreement yet: the program's monthly default applies (the agreements app says so)
    assert live.mentorship.program.default_cadence == "monthly"
    _started(live, 20)
    assert cadence_nudges_send() == 0
    _started(live, 40)
    assert cadence_nudges_send() == 2


# --- numbers for the health signal --------------------------------------------------------------


def test_meeting_stats_and_average_rating(live: Live) -> None:
    since = timezone.now() - dt.timedelta(days=30)
    # given: held twice recently, once long ago, a no-show, a cancellation, and one coming
    old = schedule(live, starts=soon(days=-60))
    held = [schedule(live, starts=soon(days=-d)) for d in (20, 10)]
    missed = schedule(live, starts=soon(days=-5))
    dropped = schedule(live, starts=soon(days=-3))
    coming = schedule(live, starts=soon(days=4))
    for meeting in [old, *held]:
        meeting_set_attendance(meeting=meeting, by=live.mentor, status=MeetingStatus.HELD)
    meeting_set_attendance(meeting=missed, by=live.mentor, status=MeetingStatus.NO_SHOW)
    meeting_set_attendance(meeting=dropped, by=live.mentee, status=MeetingStatus.CANCELLED)
    # when
    stats = meeting_stats(live.mentorship, since=since)
    # then
    assert (stats.held, stats.no_show, stats.cancelled) == (2, 1, 1)
    assert stats.last_held_at == held[1].starts_at
    assert stats.next_at == coming.starts_at
    # ratings: every one counts, shared or not, within the window
    assert average_rating(live.mentorship, since=since) is None
    feedback_give(meeting=held[0], by=live.mentee, rating=4, shared=False)
    feedback_give(meeting=held[1], by=live.mentor, rating=5, shared=True)
    feedback_give(meeting=old, by=live.mentor, rating=1, shared=True)
    assert average_rating(live.mentorship, since=since) == 4.5
