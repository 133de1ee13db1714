"""Scheduling, recurrence (in the organiser's zone, across DST), rescheduling one or the rest of a
series, cancelling, attendance, notes and feedback."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from typing import Any

import pytest
from dateutil.rrule import rrulestr
from django.utils import timezone

from tandem.errors import DomainError
from tandem.meetings.errors import MeetingConflict, MeetingInvalid, MeetingNotAllowed
from tandem.meetings.models import Frequency, Meeting, MeetingSeries, MeetingStatus, PrivateNote
from tandem.meetings.recurrence import rule_parts
from tandem.meetings.selectors import meeting_feedback, private_note_of
from tandem.meetings.services import (
    HORIZON,
    MeetingChanges,
    Recurrence,
    feedback_give,
    meeting_cancel,
    meeting_change,
    meeting_notes_save,
    meeting_series_extend,
    meeting_set_attendance,
    private_note_save,
)
from tandem.meetings.tests.conftest import UTC, schedule, soon, wall
from tandem.mentorships.models import MentorshipStatus
from tandem.notifications.models import Notification, NotificationKind
from tandem.organisations.models import Membership, Organisation
from tests.factories import make_member
from tests.relationship_setup import Live

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def _rows(series: MeetingSeries) -> list[Meeting]:
    return list(series.occurrences.order_by("original_start"))


def _local(moment: dt.datetime, tz: zoneinfo.ZoneInfo = LONDON) -> tuple[int, int]:
    local = moment.astimezone(tz)
    return local.hour, local.minute


# --- scheduling ---------------------------------------------------------------------------------


def test_schedule_single_meeting_in_the_schedulers_zone_and_tell_the_other_side(live: Live) -> None:
    # given a mentor in London
    day = timezone.localdate() + dt.timedelta(days=10)
    # when they schedule a meeting at 09:00 their time
    meeting = schedule(live, starts=dt.datetime.combine(day, dt.time(9)), duration_minutes=45)
    # then it is stored in UTC, at 09:00 London time, for 45 minutes
    assert meeting.series is None
    assert _local(meeting.starts_at) == (9, 0)
    assert meeting.ends_at - meeting.starts_at == dt.timedelta(minutes=45)
    assert meeting.tzid == "Europe/London"
    # and the mentee (not the mentor) is told, on their own New York clock
    told = Notification.objects.get(kind=NotificationKind.MEETING_SCHEDULED)
    assert told.recipient == live.mentee
    local_ny = meeting.starts_at.astimezone(NEW_YORK)
    assert f"{local_ny:%H:%M} (America/New_York)" in told.body
    assert told.url.endswith(f"/meetings/{meeting.pk}/")


def test_schedule_weekly_series_materialises_what_the_rule_gives(live: Live) -> None:
    # when the mentor schedules ten weekly meetings
    first = schedule(live, recurrence=Recurrence(frequency=Frequency.WEEKLY, count=10))
    series = first.series
    assert series is not None
    # then there is one row per occurrence, exactly the starts the RRULE expands to
    local_start = series.starts_at.astimezone(LONDON)
    rule = rrulestr(
        rule_parts(frequency=series.frequency, local_start=local_start, count=10, until=None),
        dtstart=local_start,
    )
    expected = [moment.astimezone(UTC) for moment in rule]
    assert [r.starts_at for r in _rows(series)] == expected
    assert [r.original_start for r in _rows(series)] == expected
    assert all((b - a).days == 7 for a, b in itertools.pairwise(expected))
    # and the other side hears of it once, not ten times
    assert (
        Notification.objects.filter(recipient=live.mentee, kind=NotificationKind.MEETING_SCHEDULED).count()
        == 1
    )


def test_series_keeps_the_organisers_wall_clock_across_daylight_saving(live: Live) -> None:
    # given weekly meetings at 09:00 London time, from before the clocks go forward (29 Mar 2026)
    now = dt.datetime(2026, 3, 1, tzinfo=UTC)
    first = schedule(
        live,
        starts=wall(2026, 3, 16, 9, 0),
        recurrence=Recurrence(frequency=Frequency.WEEKLY, count=4),
        now=now,
    )
    assert first.series is not None
    rows = _rows(first.series)
    # then every meeting is at 09:00 in London …
    assert [_local(r.starts_at) for r in rows] == [(9, 0)] * 4
    # … which is 09:00 UTC in winter and 08:00 UTC in summer
    assert [r.starts_at.hour for r in rows] == [9, 9, 8, 8]
    # and the mentee in New York (whose clocks changed on 8 March) sees it at their own time
    assert [_local(r.starts_at, NEW_YORK) for r in rows] == [(5, 0), (5, 0), (4, 0), (4, 0)]


def test_monthly_on_the_second_tuesday(live: Live) -> None:
    # given 13 January 2026 is the second Tuesday of its month
    now = dt.datetime(2026, 1, 1, tzinfo=UTC)
    first = schedule(
        live,
        starts=wall(2026, 1, 13, 17, 30),
        recurrence=Recurrence(frequency=Frequency.MONTHLY_WEEKDAY, count=4),
        now=now,
    )
    assert first.series is not None
    # then the series repeats on each month's second Tuesday
    days = [r.starts_at.astimezone(LONDON).date() for r in _rows(first.series)]
    assert days == [dt.date(2026, 1, 13), dt.date(2026, 2, 10), dt.date(2026, 3, 10), dt.date(2026, 4, 14)]
    assert "BYDAY=2TU" in rule_parts(
        frequency=Frequency.MONTHLY_WEEKDAY,
        local_start=first.starts_at.astimezone(LONDON),
        count=4,
        until=None,
    )


def test_monthly_on_a_date_until_a_last_day(live: Live) -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=UTC)
    first = schedule(
        live,
        starts=wall(2026, 1, 15, 12, 0),
        recurrence=Recurrence(frequency=Frequency.MONTHLY_DATE, until=dt.date(2026, 5, 15)),
        now=now,
    )
    assert first.series is not None
    days = [r.starts_at.astimezone(LONDON).day for r in _rows(first.series)]
    # then the 15th of each month, up to and including the last day
    assert days == [15] * 5
    assert first.series.until is not None
    assert first.series.count is None


@pytest.mark.parametrize(
    ("recurrence", "starts", "details", "field"),
    [
        (Recurrence(frequency=Frequency.WEEKLY, count=5, until=dt.date(2030, 1, 1)), None, {}, "until"),
        (Recurrence(frequency=Frequency.WEEKLY), None, {}, "count"),
        (Recurrence(frequency=Frequency.WEEKLY, count=1), None, {}, "count"),
        (Recurrence(frequency=Frequency.WEEKLY, count=500), None, {}, "count"),
        (Recurrence(frequency=Frequency.WEEKLY, until=dt.date(2000, 1, 1)), None, {}, "until"),
        (Recurrence(frequency="daily", count=3), None, {}, "frequency"),
        (Recurrence(frequency=Frequency.MONTHLY_DATE, count=3), wall(2026, 1, 31, 9), {}, "frequency"),
        (None, None, {"video_link": "http://meet.example.com/abc"}, "video_link"),
        (None, None, {"video_link": "javascript:alert(1)"}, "video_link"),
        (None, None, {"duration_minutes": 3}, "duration_minutes"),
        (None, None, {"title": "   "}, "title"),
        (None, None, {"format": "carrier_pigeon"}, "format"),
        # 01:30 on 29 March 2026 does not exist in London: the clocks jump from 01:00 to 02:00
        (None, wall(2026, 3, 29, 1, 30), {}, "starts_at"),
        (None, wall(2001, 1, 1, 9), {}, "starts_at"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    live: Live,
    recurrence: Recurrence | None,
    starts: dt.datetime | None,
    details: dict[str, Any],
    field: str,
) -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=UTC)
    # when
    with pytest.raises(MeetingInvalid) as caught:
        schedule(live, starts=starts or wall(2026, 2, 2, 9), recurrence=recurrence, now=now, **details)
    # then
    assert caught.value.field == field
    assert not Meeting.objects.exists()
    assert not MeetingSeries.objects.exists()


def test_only_participants_schedule_and_only_in_active_mentorships(
    live: Live, org: Organisation, program_admin: Membership
) -> None:
    # a program admin is not in the mentorship
    with pytest.raises(MeetingNotAllowed):
        schedule(live, by=program_admin)
    with pytest.raises(MeetingNotAllowed):
        schedule(live, by=make_member(org))
    # a paused mentorship takes no new meetings
    live.mentorship.status = MentorshipStatus.PAUSED
    live.mentorship.save(update_fields=["status"])
    with pytest.raises(MeetingConflict):
        schedule(live)


def test_series_rows_stop_at_the_horizon_and_the_job_extends_them_once(live: Live) -> None:
    # given a weekly series for two years
    now = dt.datetime(2026, 1, 1, tzinfo=UTC)
    first = schedule(
        live,
        starts=wall(2026, 1, 5, 9),
        recurrence=Recurrence(frequency=Frequency.WEEKLY, until=dt.date(2027, 12, 20)),
        now=now,
    )
    series = first.series
    assert series is not None
    # then only the next six months exist as rows
    assert series.occurrences.filter(starts_at__gte=now + HORIZON).count() == 0
    before = series.occurrences.count()
    assert before == 26
    # when the periodic job runs two months later, twice
    later = now + dt.timedelta(days=60)
    created = meeting_series_extend(now=later)
    again = meeting_series_extend(now=later)
    # then the horizon moved on by about two months, once
    assert created in {8, 9}
    assert again == 0
    assert series.occurrences.count() == before + created
    local_times = {_local(r.starts_at) for r in series.occurrences.all()}
    assert local_times == {(9, 0)}


# --- rescheduling -------------------------------------------------------------------------------


def _weekly(live: Live, count: int = 6, *, by: Membership | None = None) -> list[Meeting]:
    first = schedule(
        live, by=by, starts=soon(days=2), recurrence=Recurrence(frequency=Frequency.WEEKLY, count=count)
    )
    assert first.series is not None
    return _rows(first.series)


def test_reschedule_one_occurrence_keeps_its_recurrence_id(live: Live) -> None:
    # given six weekly meetings
    rows = _weekly(live)
    third = rows[2]
    series_sequence = third.series.sequence if third.series else 0
    moved_to = (third.starts_at.astimezone(LONDON) + dt.timedelta(days=1, hours=2)).replace(tzinfo=None)
    # when the mentor moves only the third one a day and two hours later
    moved = meeting_change(
        meeting=third, by=live.mentor, changes=MeetingChanges(starts_local=moved_to), scope="this"
    )
    # then that row moved, keeping the start the rule gave it as its RECURRENCE-ID
    assert third.original_start is not None
    assert moved.starts_at == third.original_start + dt.timedelta(days=1, hours=2)
    assert moved.original_start == rows[2].original_start
    assert moved.is_override
    # and no other meeting changed; the series is the same, with a new SEQUENCE
    after = _rows(MeetingSeries.objects.get(occurrences__pk=third.pk))
    assert [r.starts_at for i, r in enumerate(after) if i != 2] == [
        r.starts_at for i, r in enumerate(rows) if i != 2
    ]
    assert MeetingSeries.objects.get(occurrences__pk=third.pk).sequence == series_sequence + 1
    assert Notification.objects.filter(recipient=live.mentee, title__contains="moved a meeting").exists()


def test_reschedule_the_rest_splits_the_series(live: Live) -> None:
    # given six weekly meetings, the first held with shared notes
    rows = _weekly(live)
    old = MeetingSeries.objects.get(occurrences__pk=rows[0].pk)
    first = rows[0]
    Meeting.objects.filter(pk=first.pk).update(status=MeetingStatus.HELD, shared_notes="We met!")
    fourth = rows[3]
    # when the mentee (in New York) moves the fourth and following to 10:00 their time
    new_local = dt.datetime.combine(fourth.starts_at.astimezone(NEW_YORK).date(), dt.time(10))
    moved = meeting_change(
        meeting=fourth, by=live.mentee, changes=MeetingChanges(starts_local=new_local), scope="following"
    )
    # then the old series ends just before the fourth, keeping its first three meetings
    old.refresh_from_db()
    assert old.count is None
    assert old.until is not None
    assert old.until < fourth.original_start  # type: ignore[operator]
    assert [r.pk for r in _rows(old)] == [r.pk for r in rows[:3]]
    assert Meeting.objects.get(pk=first.pk).shared_notes == "We met!"
    # and a new series of the remaining three starts from the fourth, at 10:00 New York time
    new = moved.series
    assert new is not None
    assert new.pk != old.pk
    assert new.count == 3
    assert new.tzid == "America/New_York"
    new_rows = _rows(new)
    assert [r.pk for r in new_rows] == [r.pk for r in rows[3:]]  # the same rows, moved
    assert {_local(r.starts_at, NEW_YORK) for r in new_rows} == {(10, 0)}
    assert moved.pk == fourth.pk
    assert moved.original_start == moved.starts_at


def test_changing_the_rest_from_the_first_meeting_changes_the_whole_series(live: Live) -> None:
    rows = _weekly(live, count=4)
    series_id = rows[0].series_id
    # when the agenda of the first and following changes
    changed = meeting_change(
        meeting=rows[0], by=live.mentor, changes=MeetingChanges(agenda="Career plan"), scope="following"
    )
    # then the same series (and UID) carries the new agenda into every meeting
    assert changed.series_id == series_id
    series = MeetingSeries.objects.get(occurrences__pk=rows[0].pk)
    assert [r.agenda for r in _rows(series)] == ["Career plan"] * 4
    assert MeetingSeries.objects.filter(mentorship=live.mentorship).count() == 1


def test_a_held_meeting_cannot_be_moved(live: Live) -> None:
    meeting = schedule(live, starts=soon(days=-1))
    meeting_set_attendance(meeting=meeting, by=live.mentee, status=MeetingStatus.HELD)
    with pytest.raises(MeetingConflict) as caught:
        meeting_change(meeting=meeting, by=live.mentor, changes=MeetingChanges(starts_local=soon(days=4)))
    assert caught.value.field == "starts_at"


def test_cancel_one_occurrence_then_the_rest(live: Live) -> None:
    rows = _weekly(live, count=5)
    # when the second is cancelled on its own
    meeting_cancel(meeting=rows[1], by=live.mentee, scope="this")
    # then only it is cancelled
    statuses = [r.status for r in _rows(MeetingSeries.objects.get(occurrences__pk=rows[0].pk))]
    assert statuses == ["scheduled", "cancelled", "scheduled", "scheduled", "scheduled"]
    # when the fourth and following are cancelled
    meeting_cancel(meeting=rows[3], by=live.mentor, scope="following")
    series = MeetingSeries.objects.get(occurrences__pk=rows[0].pk)
    assert [r.status for r in _rows(series)] == [
        "scheduled",
        "cancelled",
        "scheduled",
        "cancelled",
        "cancelled",
    ]
    # and the series now ends before the fourth
    assert series.until is not None
    assert series.until < rows[3].starts_at
    # cancelling twice is refused
    with pytest.raises(MeetingConflict):
        meeting_cancel(meeting=Meeting.objects.get(pk=rows[1].pk), by=live.mentor)


# --- attendance, notes, feedback ----------------------------------------------------------------


def test_attendance_held_only_once_started(live: Live) -> None:
    upcoming = schedule(live, starts=soon(days=2))
    with pytest.raises(MeetingConflict):
        meeting_set_attendance(meeting=upcoming, by=live.mentor, status=MeetingStatus.HELD)
    past = schedule(live, starts=soon(days=-2))
    assert (
        meeting_set_attendance(meeting=past, by=live.mentor, status=MeetingStatus.NO_SHOW).status == "no_show"
    )
    assert meeting_set_attendance(meeting=past, by=live.mentee, status=MeetingStatus.HELD).status == "held"
    with pytest.raises(MeetingInvalid) as caught:
        meeting_set_attendance(meeting=past, by=live.mentee, status="party")
    assert caught.value.field == "status"


def test_shared_notes_record_who_edited_last(live: Live) -> None:
    meeting = schedule(live)
    meeting_notes_save(meeting=meeting, by=live.mentor, text="Agenda: goals")
    saved = meeting_notes_save(meeting=meeting, by=live.mentee, text="Agenda: goals\nAlso: CV")
    assert saved.shared_notes.endswith("CV")
    assert saved.notes_edited_by == live.mentee
    assert saved.notes_edited_at is not None


def test_private_notes_are_each_authors_own(live: Live) -> None:
    meeting = schedule(live)
    private_note_save(meeting=meeting, by=live.mentor, text="Mentor's thoughts")
    private_note_save(meeting=meeting, by=live.mentee, text="Mentee's worries")
    # each reads only their own
    assert private_note_of(meeting=meeting, viewer=live.mentor).text == "Mentor's thoughts"  # type: ignore[union-attr]
    assert private_note_of(meeting=meeting, viewer=live.mentee).text == "Mentee's worries"  # type: ignore[union-attr]
    # an empty save deletes it
    assert private_note_save(meeting=meeting, by=live.mentor, text="  ") is None
    assert private_note_of(meeting=meeting, viewer=live.mentor) is None
    assert PrivateNote.objects.filter(meeting=meeting).count() == 1


def test_feedback_opens_after_the_meeting(live: Live) -> None:
    upcoming = schedule(live, starts=soon(days=2))
    with pytest.raises(MeetingConflict):
        feedback_give(meeting=upcoming, by=live.mentee, rating=5)
    past = schedule(live, starts=soon(days=-2))
    meeting_cancel(meeting=past, by=live.mentee)
    with pytest.raises(MeetingConflict):
        feedback_give(meeting=Meeting.objects.get(pk=past.pk), by=live.mentee, rating=5)


@pytest.mark.parametrize("rating", [0, 6, True])
def test_feedback_rating_is_one_to_five(live: Live, rating: int) -> None:
    past = schedule(live, starts=soon(days=-2))
    with pytest.raises(MeetingInvalid) as caught:
        feedback_give(meeting=past, by=live.mentee, rating=rating)
    assert caught.value.field == "rating"


def test_unshared_feedback_stays_with_its_author_shared_is_told(live: Live) -> None:
    past = schedule(live, starts=soon(days=-2))
    Notification.objects.all().delete()
    # when the mentee keeps theirs and the mentor shares theirs
    feedback_give(meeting=past, by=live.mentee, rating=2, comment="Felt rushed", shared=False)
    feedback_give(meeting=past, by=live.mentor, rating=5, comment="Great progress", shared=True)
    # then the mentor sees none of the mentee's, the mentee sees the mentor's
    for_mentor = meeting_feedback(meeting=past, viewer=live.mentor)
    assert for_mentor.mine is not None
    assert for_mentor.mine.rating == 5
    assert for_mentor.shared_with_me == []
    for_mentee = meeting_feedback(meeting=past, viewer=live.mentee)
    assert [f.comment for f in for_mentee.shared_with_me] == ["Great progress"]
    # and only the sharing was notified, to the other side
    told = Notification.objects.get(kind=NotificationKind.FEEDBACK)
    assert (told.recipient, told.kind) == (live.mentee, NotificationKind.FEEDBACK)
    # when the mentee later shares theirs, the mentor is told once; saving again tells nobody
    feedback_give(meeting=past, by=live.mentee, rating=3, comment="Better", shared=True)
    feedback_give(meeting=past, by=live.mentee, rating=4, comment="Better still", shared=True)
    assert Notification.objects.filter(recipient=live.mentor, kind=NotificationKind.FEEDBACK).count() == 1
    assert [f.rating for f in meeting_feedback(meeting=past, viewer=live.mentor).shared_with_me] == [4]


def test_strangers_cannot_write_anything(live: Live, org: Organisation, program_admin: Membership) -> None:
    meeting = schedule(live, starts=soon(days=-1))
    for stranger in (program_admin, make_member(org)):
        for write in (
            lambda s: meeting_notes_save(meeting=meeting, by=s, text="x"),
            lambda s: private_note_save(meeting=meeting, by=s, text="x"),
            lambda s: feedback_give(meeting=meeting, by=s, rating=3),
            lambda s: meeting_set_attendance(meeting=meeting, by=s, status="held"),
            lambda s: meeting_cancel(meeting=meeting, by=s),
            lambda s: meeting_change(meeting=meeting, by=s, changes=MeetingChanges(agenda="x")),
        ):
            with pytest.raises(DomainError):
                write(stranger)
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.SCHEDULED


def test_changing_only_details_of_the_rest_keeps_the_series_zone(live: Live) -> None:
    # given a London series, whose agenda the New York mentee changes from the third on
    rows = _weekly(live, count=5)
    changed = meeting_change(
        meeting=rows[2], by=live.mentee, changes=MeetingChanges(agenda="New agenda"), scope="following"
    )
    # then the new series still recurs on London time, at the same instants
    assert changed.series is not None
    assert changed.series.tzid == "Europe/London"
    assert [r.starts_at for r in _rows(changed.series)] == [r.starts_at for r in rows[2:]]
