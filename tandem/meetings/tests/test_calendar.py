"""The .ics files and the private feed, parsed back with icalendar and expanded with dateutil."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from dateutil.rrule import rrulestr
from django.test import Client
from icalendar import Calendar

from conftest import login
from tandem.meetings.models import CalendarFeed, Frequency, Meeting, MeetingStatus
from tandem.meetings.services import (
    MeetingChanges,
    Recurrence,
    calendar_feed_create,
    calendar_feed_revoke,
    feedback_give,
    meeting_cancel,
    meeting_change,
    meeting_notes_save,
    private_note_save,
)
from tandem.meetings.tests.conftest import UTC, schedule, soon
from tandem.organisations.models import Membership, Organisation
from tests.factories import make_member
from tests.relationship_setup import Live, live_mentorship

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


def _ics_url(live: Live, meeting: Meeting, *, series: bool = False) -> str:
    slug = live.mentorship.organisation.slug
    url = f"/o/{slug}/mentorships/{live.mentorship.pk}/meetings/{meeting.pk}/meeting.ics"
    return url + ("?series=1" if series else "")


def _parse(body: bytes) -> Calendar:
    calendar = Calendar.from_ical(body)
    assert calendar["VERSION"] == "2.0"
    assert "Tandem" in str(calendar["PRODID"])
    return calendar


def _events(calendar: Calendar) -> list[Any]:
    return list(calendar.walk("VEVENT"))


def _series_setup(live: Live) -> tuple[list[Meeting], Meeting]:
    """Six weekly meetings; the 2nd cancelled, the 4th moved on its own by two hours."""
    first = schedule(
        live,
        starts=soon(days=2, hour=9),
        recurrence=Recurrence(frequency=Frequency.WEEKLY, count=6),
        agenda="Goals for the quarter",
        video_link="https://meet.example.com/abc",
    )
    rows = list(Meeting.objects.filter(series=first.series).order_by("original_start"))
    meeting_cancel(meeting=rows[1], by=live.mentee)
    local = rows[3].starts_at.astimezone(LONDON).replace(tzinfo=None) + dt.timedelta(hours=2)
    moved = meeting_change(meeting=rows[3], by=live.mentor, changes=MeetingChanges(starts_local=local))
    return rows, moved


def test_series_ics_is_valid_and_expands_to_the_occurrences(client: Client, live: Live) -> None:
    # given a series with a cancelled and a moved occurrence
    rows, moved = _series_setup(live)
    # when the mentee downloads the series
    response = login(client, live.mentee).get(_ics_url(live, rows[0], series=True))
    # then it is a calendar file
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    calendar = _parse(response.content)
    # with the series' zone defined
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    master, override = sorted(_events(calendar), key=lambda e: "RECURRENCE-ID" in e)
    assert str(master["UID"]).startswith(f"series-{rows[0].series_id}@")
    for prop in (
        "DTSTAMP",
        "DTSTART",
        "DTEND",
        "RRULE",
        "SUMMARY",
        "DESCRIPTION",
        "SEQUENCE",
        "URL",
        "LOCATION",
    ):
        assert prop in master, prop
    assert master["DTSTART"].params["TZID"] == "Europe/London"
    start = master.decoded("DTSTART")
    assert start.tzinfo is not None
    assert (start.hour, start.minute) == (9, 0)
    assert "Goals for the quarter" in str(master["DESCRIPTION"])
    assert str(master["URL"]) == "https://meet.example.com/abc"
    assert int(master["SEQUENCE"]) >= 2
    # the summary names the other side, as seen by the viewer
    assert live.mentor.user.full_name in str(master["SUMMARY"])
    # expanding the RRULE minus the EXDATEs gives every occurrence the rule still owns
    rule = rrulestr(master["RRULE"].to_ical().decode(), dtstart=start)
    exdates = {d.dt.astimezone(UTC) for d in master["EXDATE"].dts}
    expanded = [m.astimezone(UTC) for m in rule]
    assert expanded == [r.original_start for r in rows]
    assert exdates == {rows[1].original_start}
    live_rows = [
        m for m in Meeting.objects.filter(series=rows[0].series) if m.status != MeetingStatus.CANCELLED
    ]
    assert {m for m in expanded if m not in exdates} == {r.original_start for r in live_rows}
    # and the moved one is its own VEVENT, same UID, with the RECURRENCE-ID the rule gave it
    assert override["UID"] == master["UID"]
    assert override.decoded("RECURRENCE-ID").astimezone(UTC) == rows[3].original_start
    assert override.decoded("DTSTART").astimezone(UTC) == moved.starts_at


def test_single_meeting_ics(client: Client, live: Live) -> None:
    meeting = schedule(live, starts=soon(days=5, hour=14), duration_minutes=30, location="Café Nero")
    response = login(client, live.mentor).get(_ics_url(live, meeting))
    calendar = _parse(response.content)
    (event,) = _events(calendar)
    assert str(event["UID"]).startswith(f"meeting-{meeting.pk}@")
    assert "RRULE" not in event
    assert event.decoded("DTSTART").astimezone(UTC) == meeting.starts_at
    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(minutes=30)
    assert str(event["LOCATION"]) == "Café Nero"
    assert str(event["STATUS"]) == "CONFIRMED"
    # cancelled: the same UID with a higher SEQUENCE and STATUS:CANCELLED
    sequence = int(event["SEQUENCE"])
    meeting_cancel(meeting=meeting, by=live.mentee)
    (event,) = _events(_parse(login(client, live.mentor).get(_ics_url(live, meeting)).content))
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) > sequence


def test_no_private_content_in_any_calendar(client: Client, live: Live) -> None:
    # given notes and unshared feedback on a past meeting in a series
    rows, _ = _series_setup(live)
    past = schedule(live, starts=soon(days=-1))
    for meeting in (rows[0], past):
        meeting_notes_save(meeting=meeting, by=live.mentor, text="SHARED-NOTE-TEXT")
        private_note_save(meeting=meeting, by=live.mentor, text="MENTOR-SECRET")
        private_note_save(meeting=meeting, by=live.mentee, text="MENTEE-SECRET")
    feedback_give(meeting=past, by=live.mentee, rating=2, comment="UNSHARED-COMMENT")
    _, raw = calendar_feed_create(membership=live.mentor)
    # when every calendar the mentor can get is read
    login(client, live.mentor)
    bodies = [
        client.get(_ics_url(live, rows[0])).content,
        client.get(_ics_url(live, rows[0], series=True)).content,
        client.get(_ics_url(live, past)).content,
    ]
    client.logout()
    bodies.append(
        client.get(f"/o/{live.mentorship.organisation.slug}/mentorships/calendar/feed/{raw}.ics").content
    )
    # then none of it carries notes or feedback, not even the viewer's own
    for body in bodies:
        text = body.decode()
        for secret in ("SECRET", "SHARED-NOTE-TEXT", "UNSHARED-COMMENT"):
            assert secret not in text


def test_ics_is_for_participants_only(
    client: Client, live: Live, org: Organisation, program_admin: Membership, outsider: Membership
) -> None:
    meeting = schedule(live)
    for stranger in (program_admin, make_member(org), outsider):
        client.logout()
        assert login(client, stranger).get(_ics_url(live, meeting)).status_code == 404
    client.logout()
    response = client.get(_ics_url(live, meeting))
    assert response.status_code == 302  # to sign in


def test_feed_works_without_sign_in_and_covers_my_meetings_here(
    client: Client, live: Live, org: Organisation, program_admin: Membership
) -> None:
    # given the mentor's series and single meeting, and another mentorship of theirs elsewhere
    rows, _ = _series_setup(live)
    single = schedule(live, starts=soon(days=9))
    other = live_mentorship(org, program_admin, name="Other")
    schedule(Live(other.mentorship, other.mentor, other.mentee), title="Not mine")
    feed, raw = calendar_feed_create(membership=live.mentor)
    url = f"/o/{org.slug}/mentorships/calendar/feed/{raw}.ics"
    # when a calendar app reads it, signed in as nobody
    response = client.get(url)
    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = _events(_parse(response.content))
    uids = {str(e["UID"]).split("@")[0] for e in events}
    assert uids == {f"series-{rows[0].series_id}", f"meeting-{single.pk}"}
    assert not any("Not mine" in str(e["SUMMARY"]) for e in events)
    assert CalendarFeed.objects.get(pk=feed.pk).last_used_at is not None
    assert client.head(url).status_code == 200  # some calendar apps ask HEAD first
    # only a hash is stored
    assert raw not in {f.token_hash for f in CalendarFeed.objects.all()}


def test_feed_url_dies_when_revoked_or_regenerated_or_used_elsewhere(
    client: Client, live: Live, other_org: Organisation
) -> None:
    slug = live.mentorship.organisation.slug
    _, first = calendar_feed_create(membership=live.mentor)
    # the token only opens its own organisation's feed
    assert client.get(f"/o/{other_org.slug}/mentorships/calendar/feed/{first}.ics").status_code == 404
    # regenerating kills the old address
    _, second = calendar_feed_create(membership=live.mentor)
    assert client.get(f"/o/{slug}/mentorships/calendar/feed/{first}.ics").status_code == 404
    assert client.get(f"/o/{slug}/mentorships/calendar/feed/{second}.ics").status_code == 200
    # revoking kills it too
    calendar_feed_revoke(membership=live.mentor)
    assert client.get(f"/o/{slug}/mentorships/calendar/feed/{second}.ics").status_code == 404
    # and a guessed token is a 404
    assert client.get(f"/o/{slug}/mentorships/calendar/feed/cal_guess.ics").status_code == 404
    # a deactivated member's feed stops too
    _, third = calendar_feed_create(membership=live.mentor)
    Membership.objects.filter(pk=live.mentor.pk).update(is_active=False)
    assert client.get(f"/o/{slug}/mentorships/calendar/feed/{third}.ics").status_code == 404
