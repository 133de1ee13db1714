"""Review findings for meetings: attempts to break in through every write and the calendar feed,
bad input that must be a 4xx naming its field, and the edges of recurrence (a series beyond the
horizon, splitting a series around meetings already held, reminders across a split)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar
from pytest_django import DjangoAssertNumQueries

from conftest import login
from tandem.meetings.errors import MeetingConflict, MeetingInvalid
from tandem.meetings.models import Frequency, Meeting, MeetingSeries, MeetingStatus, PrivateNote
from tandem.meetings.services import (
    MeetingChanges,
    Recurrence,
    calendar_feed_create,
    meeting_cancel,
    meeting_change,
    meeting_reminders_send,
    meeting_series_extend,
    meeting_set_attendance,
    private_note_save,
)
from tandem.meetings.tests.conftest import UTC, schedule, set_zone, soon, wall
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.notifications.models import Notification, NotificationKind
from tandem.organisations.models import Membership, Organisation
from tandem.organisations.services import membership_create
from tests.api_client import api_client
from tests.factories import make_member
from tests.relationship_setup import Live, live_mentorship

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


def _tab(live: Live) -> str:
    return f"/o/{live.mentorship.organisation.slug}/mentorships/{live.mentorship.pk}/meetings/"


def _api(live: Live) -> str:
    return f"/api/orgs/{live.mentorship.organisation.slug}/mentorships/{live.mentorship.pk}/meetings"


def _schedule_form(**fields: str) -> dict[str, str]:
    """The Meetings tab's schedule form, filled in for a meeting four days from now at 10:00."""
    return {
        "title": "Catch-up",
        "date": str(timezone.localdate() + dt.timedelta(days=4)),
        "time": "10:00",
        "duration_minutes": "60",
        "kind": "formal",
        "format": "video",
        "repeat": "once",
        **fields,
    }


def _rows(series_id: int | None) -> list[Meeting]:
    return list(Meeting.objects.filter(series_id=series_id).order_by("original_start", "pk"))


# --- breaking in --------------------------------------------------------------------------------


def test_strangers_cannot_schedule_or_change_through_the_pages(
    client: Client, live: Live, org: Organisation, program_admin: Membership, outsider: Membership
) -> None:
    # given a meeting of the pair
    meeting = schedule(live, starts=soon(days=2), title="Ours")
    form = _schedule_form(title="Hijacked")
    change = {f"change-{name}": value for name, value in form.items() if name != "repeat"}
    for stranger in (program_admin, make_member(org), outsider):
        client.logout()
        login(client, stranger)
        # when they post to the schedule form and the change form
        scheduled = client.post(f"{_tab(live)}schedule/", form)
        changed = client.post(f"{_tab(live)}{meeting.pk}/change/", change)
        # then both are 404 and nothing changed
        assert (scheduled.status_code, changed.status_code) == (404, 404), stranger
    assert list(Meeting.objects.values_list("title", flat=True)) == ["Ours"]


def test_another_mentorships_meeting_is_404_under_mine_over_the_api(
    live: Live, org: Organisation, program_admin: Membership
) -> None:
    # given a meeting of another pair, with a private note
    other = live_mentorship(org, program_admin, name="Other")
    theirs = schedule(Live(other.mentorship, other.mentor, other.mentee), starts=soon(days=-1))
    private_note_save(meeting=theirs, by=other.mentee, text="THEIR-SECRET")
    client = api_client(live.mentor)
    url = f"{_api(live)}/{theirs.pk}"
    # when the mentor of this pair addresses it under their own mentorship
    responses = [
        client.get(url),
        client.get(url + "/ics"),
        client.patch(url, {"shared_notes": "mine now"}, content_type="application/json"),
        client.post(url + "/cancel", {"scope": "this"}, content_type="application/json"),
        client.put(url + "/private-note", {"text": "x"}, content_type="application/json"),
    ]
    # then it does not exist for them
    assert [r.status_code for r in responses] == [404] * 5
    assert all(b"THEIR-SECRET" not in r.content for r in responses)
    assert Meeting.objects.get(pk=theirs.pk).shared_notes == ""
    assert PrivateNote.objects.count() == 1


def test_feed_token_opens_only_its_own_organisation_for_a_member_of_two(
    client: Client, live: Live, other_org: Organisation
) -> None:
    # given the mentor also belongs to another organisation, with a feed there too
    schedule(live, starts=soon(days=2), title="Here")
    elsewhere = membership_create(organisation=other_org, user=live.mentor.user)
    _, token_here = calendar_feed_create(membership=live.mentor)
    _, token_there = calendar_feed_create(membership=elsewhere)
    here = f"/o/{live.mentorship.organisation.slug}/mentorships/calendar/feed/"
    there = f"/o/{other_org.slug}/mentorships/calendar/feed/"
    # when each token is used under the other organisation's address, it is a 404
    assert client.get(f"{there}{token_here}.ics").status_code == 404
    assert client.get(f"{here}{token_there}.ics").status_code == 404
    # and under its own, each shows only that organisation's meetings
    mine_here = Calendar.from_ical(client.get(f"{here}{token_here}.ics").content).walk("VEVENT")
    mine_there = Calendar.from_ical(client.get(f"{there}{token_there}.ics").content).walk("VEVENT")
    assert [str(e["SUMMARY"]).split(" (")[0] for e in mine_here] == ["Here"]
    assert mine_there == []


def test_feed_of_a_deactivated_user_is_404(client: Client, live: Live) -> None:
    _, token = calendar_feed_create(membership=live.mentor)
    url = f"/o/{live.mentorship.organisation.slug}/mentorships/calendar/feed/{token}.ics"
    assert client.get(url).status_code == 200
    user = live.mentor.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get(url).status_code == 404


def test_feed_query_count_does_not_grow(
    client: Client, live: Live, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # given a series and a one-off meeting
    schedule(live, starts=soon(days=2), recurrence=Recurrence(frequency=Frequency.WEEKLY, count=3))
    schedule(live, starts=soon(days=5))
    _, token = calendar_feed_create(membership=live.mentor)
    url = f"/o/{live.mentorship.organisation.slug}/mentorships/calendar/feed/{token}.ics"
    client.get(url)  # records the first use
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    assert len(few.captured_queries) <= 6  # session-free: the feed, series, occurrences, members, …
    # when there are many more, in another mentorship of the same mentor too
    schedule(live, starts=soon(days=3), recurrence=Recurrence(frequency=Frequency.WEEKLY, count=8))
    for days in (6, 7, 8):
        schedule(live, starts=soon(days=days))
    # then the feed costs the same
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 6


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"starts_at": "0001-01-01T00:00:00"}, "starts_at"),  # the zone's offset leaves year 1
        ({"starts_at": "9999-12-31T23:59:59-12:00"}, "starts_at"),
        ({"recurrence": {"frequency": "weekly", "until": "9999-12-31"}}, "recurrence.until"),
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_a_400_over_the_api(
    live: Live, body: dict[str, Any], field: str
) -> None:
    set_zone(live.mentor, "Asia/Tokyo")
    payload = {"title": "x", "starts_at": f"{timezone.localdate() + dt.timedelta(days=3)}T10:00:00", **body}
    response = api_client(live.mentor).post(_api(live), payload, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    "extra",
    [
        {"date": "0001-01-01", "time": "00:00"},
        {"date": "9999-12-31", "time": "23:59"},
        {"repeat": "weekly", "until": "9999-12-31"},
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_a_field_error_on_the_page(
    client: Client, live: Live, extra: dict[str, str]
) -> None:
    set_zone(live.mentor, "America/New_York")
    form = _schedule_form(**extra)
    response = login(client, live.mentor).post(f"{_tab(live)}schedule/", form)
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    assert not Meeting.objects.exists()


def test_huge_numbers_in_queries_are_a_422(live: Live, program_admin: Membership) -> None:
    huge = "99999999999999999999999"
    client = api_client(live.mentor)
    assert client.get(f"{_api(live)}?offset={huge}").status_code == 422
    assert client.get(f"{_api(live)}?limit={huge}").status_code == 422
    ratings = f"/api/orgs/{live.mentorship.organisation.slug}/meeting-ratings?program_id={huge}"
    assert api_client(program_admin).get(ratings).status_code == 422


def test_a_title_is_kept_on_one_line(live: Live) -> None:
    # a title becomes an email subject (where a line break is refused) and a calendar summary
    meeting = schedule(live, starts=soon(days=2), title="Career\r\nplan  chat")
    assert meeting.title == "Career plan chat"
    told = Notification.objects.get(recipient=live.mentee, kind=NotificationKind.MEETING_SCHEDULED)
    assert "\n" not in told.title


# --- recurrence edges ---------------------------------------------------------------------------


def test_a_series_starting_beyond_the_horizon_has_its_first_meeting_at_once(live: Live) -> None:
    # given a monthly series whose first meeting is ten months away
    now = timezone.now()
    first_day = (now + dt.timedelta(days=300)).date()
    # when it is scheduled over the API
    response = api_client(live.mentor).post(
        _api(live),
        {
            "title": "Far off",
            "starts_at": f"{first_day}T09:00:00",
            "recurrence": {"frequency": "monthly_weekday", "count": 3},
        },
        content_type="application/json",
    )
    # then its first meeting exists (the page, the .ics and the notification are about it)
    assert response.status_code == 201, response.content
    series = MeetingSeries.objects.get()
    assert [r.pk for r in _rows(series.pk)] == [response.json()["id"]]
    # and the job adds the others once they come within the horizon, once
    later = now + dt.timedelta(days=300)
    assert meeting_series_extend(now=later) == 2
    assert meeting_series_extend(now=later) == 0
    assert len(_rows(series.pk)) == 3


def _six_weekly_since(live: Live, since: dt.datetime, *, now: dt.datetime) -> tuple[Meeting, list[Meeting]]:
    """Six weekly meetings at 09:00 London from the day of `since`: the first, and all rows."""
    first = schedule(
        live,
        starts=dt.datetime.combine(since.astimezone(LONDON).date(), dt.time(9)),
        recurrence=Recurrence(frequency=Frequency.WEEKLY, count=6),
        now=now,
    )
    return first, _rows(first.series_id)


def _held(row: Meeting, notes: str = "") -> None:
    Meeting.objects.filter(pk=row.pk).update(status=MeetingStatus.HELD, shared_notes=notes)


def test_changing_the_rest_keeps_held_meetings_in_their_slots(live: Live) -> None:
    # given six weekly meetings from three weeks ago: the first not marked yet, the 2nd and 3rd held
    now = timezone.now()
    first, rows = _six_weekly_since(live, now - dt.timedelta(days=21), now=now)
    _held(rows[1], "Second")
    _held(rows[2], "Third")
    # when the agenda of the first and following changes
    meeting_change(
        meeting=rows[0], by=live.mentor, changes=MeetingChanges(agenda="New plan"), scope="following", now=now
    )
    # then there are still six meetings, one a week, none moved into another's week
    after = _rows(first.series_id)
    assert [r.pk for r in after] == [r.pk for r in rows]
    assert [r.starts_at for r in after] == [r.starts_at for r in rows]
    assert Meeting.objects.count() == 6
    # the held ones keep their notes and own details; the others take the new agenda
    assert [r.shared_notes for r in after[1:3]] == ["Second", "Third"]
    assert [r.agenda for r in after] == ["New plan", "", "", "New plan", "New plan", "New plan"]
    # and calendars show the series once, with the held ones as changed occurrences
    assert after[1].is_override
    assert after[1].original_start == rows[1].original_start


def test_moving_the_rest_keeps_each_meeting_in_its_place_in_the_sequence(live: Live) -> None:
    # given six weekly meetings from a week ago: the first not marked, the second held, the
    # fourth cancelled on its own
    now = timezone.now()
    _, rows = _six_weekly_since(live, now - dt.timedelta(days=8), now=now)
    _held(rows[1])
    Meeting.objects.filter(pk=rows[3].pk).update(status=MeetingStatus.CANCELLED)
    # when the first and following move an hour later
    later = rows[0].starts_at.astimezone(LONDON).replace(tzinfo=None) + dt.timedelta(hours=1)
    meeting_change(
        meeting=rows[0],
        by=live.mentor,
        changes=MeetingChanges(starts_local=later),
        scope="following",
        now=now,
    )
    # then each row is the same occurrence as before: the held one stays where it took place,
    # the cancelled one stays the (cancelled) fourth, the others move an hour
    after = {r.pk: r for r in Meeting.objects.all()}
    assert len(after) == 6
    hour = dt.timedelta(hours=1)
    assert after[rows[1].pk].starts_at == rows[1].starts_at
    assert after[rows[1].pk].original_start == rows[1].starts_at + hour
    assert after[rows[3].pk].status == MeetingStatus.CANCELLED
    for n in (0, 2, 3, 4, 5):
        assert after[rows[n].pk].starts_at == rows[n].starts_at + hour, n


def test_a_split_count_adds_up_after_two_splits(live: Live) -> None:
    # given ten weekly meetings
    now = dt.datetime(2026, 1, 1, tzinfo=UTC)
    first = schedule(
        live, starts=wall(2026, 1, 5, 9), recurrence=Recurrence(frequency=Frequency.WEEKLY, count=10), now=now
    )
    rows = _rows(first.series_id)
    # when the 4th and following change, then the 7th and following of those
    part_two = meeting_change(
        meeting=rows[3], by=live.mentor, changes=MeetingChanges(title="Part two"), scope="following", now=now
    )
    part_three = meeting_change(
        meeting=_rows(part_two.series_id)[3],
        by=live.mentor,
        changes=MeetingChanges(title="Part three"),
        scope="following",
        now=now,
    )
    # then three series of 3, 3 and 4 cover the same ten weeks
    counts = [len(_rows(s)) for s in (first.series_id, part_two.series_id, part_three.series_id)]
    assert counts == [3, 3, 4]
    assert MeetingSeries.objects.get(occurrences__pk=part_three.pk).count == 4
    assert sorted(Meeting.objects.values_list("starts_at", flat=True)) == [r.starts_at for r in rows]


def test_changing_only_the_details_of_the_rest_does_not_remind_twice(live: Live) -> None:
    # given a weekly series whose first meeting is tomorrow, already reminded
    now = timezone.now()
    starts = (now + dt.timedelta(hours=20)).astimezone(LONDON).replace(tzinfo=None, second=0, microsecond=0)
    first = schedule(live, starts=starts, recurrence=Recurrence(frequency=Frequency.WEEKLY, count=3), now=now)
    assert meeting_reminders_send(now=now) == 2
    # when the agenda of it and the following changes, or it is "moved" to the same time
    meeting_change(
        meeting=first, by=live.mentor, changes=MeetingChanges(agenda="New"), scope="following", now=now
    )
    same = Meeting.objects.get(pk=first.pk)
    meeting_change(meeting=same, by=live.mentor, changes=MeetingChanges(starts_local=starts), now=now)
    # then nobody is reminded again of the same meeting at the same time
    assert meeting_reminders_send(now=now + dt.timedelta(minutes=15)) == 0


def test_undoing_the_cancellation_of_a_meeting_cut_from_its_series_brings_it_back_on_its_own(
    client: Client, live: Live
) -> None:
    # given four weekly meetings, the third and fourth cancelled "with the following"
    rows = _rows(
        schedule(
            live, starts=soon(days=2), recurrence=Recurrence(frequency=Frequency.WEEKLY, count=4)
        ).series_id
    )
    meeting_cancel(meeting=rows[2], by=live.mentor, scope="following")
    # when the mentee reinstates the third
    back = meeting_set_attendance(
        meeting=Meeting.objects.get(pk=rows[2].pk), by=live.mentee, status=MeetingStatus.SCHEDULED
    )
    # then it is a meeting on its own (the series' rule ends before it) …
    assert back.status == MeetingStatus.SCHEDULED
    assert (back.series_id, back.original_start) == (None, None)
    # … which the calendar feed shows, next to the series of the first two
    _, token = calendar_feed_create(membership=live.mentor)
    feed = client.get(f"/o/{live.mentorship.organisation.slug}/mentorships/calendar/feed/{token}.ics")
    uids = {str(e["UID"]).split("@")[0] for e in Calendar.from_ical(feed.content).walk("VEVENT")}
    assert uids == {f"series-{rows[0].series_id}", f"meeting-{back.pk}"}


def test_moving_the_rest_of_a_monthly_series_to_the_31st_names_the_start(live: Live) -> None:
    # given meetings monthly on the 10th
    now = dt.datetime(2026, 1, 1, tzinfo=UTC)
    first = schedule(
        live,
        starts=wall(2026, 1, 10, 9),
        recurrence=Recurrence(frequency=Frequency.MONTHLY_DATE, count=4),
        now=now,
    )
    second = _rows(first.series_id)[1]
    # when the second and following move to the 31st, then the start is at fault
    with pytest.raises(MeetingInvalid) as caught:
        meeting_change(
            meeting=second,
            by=live.mentor,
            changes=MeetingChanges(starts_local=wall(2026, 3, 31, 9)),
            scope="following",
            now=now,
        )
    assert caught.value.field == "starts_at"


def test_a_cancelled_meeting_of_a_mentorship_no_longer_active_cannot_be_reinstated(live: Live) -> None:
    # given a cancelled meeting, and the mentorship paused since
    meeting = schedule(live, starts=soon(days=3))
    meeting_cancel(meeting=meeting, by=live.mentor)
    Mentorship.objects.filter(pk=live.mentorship.pk).update(status=MentorshipStatus.PAUSED)
    live.mentorship.refresh_from_db()
    again = Meeting.objects.select_related("mentorship").get(pk=meeting.pk)
    # when someone marks it "not yet" again, then it is refused and stays cancelled
    with pytest.raises(MeetingConflict):
        meeting_set_attendance(meeting=again, by=live.mentee, status=MeetingStatus.SCHEDULED)
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.CANCELLED


def test_a_double_submit_schedules_once_and_tells_once(client: Client, live: Live) -> None:
    # given the schedule form, filled in
    form = _schedule_form(title="Kick-off", repeat="weekly", count="3")
    login(client, live.mentor)
    # when it is sent twice (a double click)
    first = client.post(f"{_tab(live)}schedule/", form)
    second = client.post(f"{_tab(live)}schedule/", form)
    # then one series exists, both answers lead to its first meeting, and the mentee was told once
    assert MeetingSeries.objects.count() == 1
    assert Meeting.objects.count() == 3
    assert first["Location"] == second["Location"]
    told = Notification.objects.filter(recipient=live.mentee, kind=NotificationKind.MEETING_SCHEDULED)
    assert told.count() == 1
    # while the same title at another time is another meeting
    client.post(f"{_tab(live)}schedule/", {**form, "time": "11:00", "repeat": "once"})
    assert Meeting.objects.count() == 4
