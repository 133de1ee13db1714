"""The meetings API: scheduling, lists, reschedules, notes, feedback, .ics, calendar feed — and
every attempt to read what is not the caller's."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar
from pytest_django import DjangoAssertNumQueries

from tandem.meetings.models import CalendarFeed, Meeting, MeetingSeries
from tandem.meetings.services import feedback_give, private_note_save
from tandem.meetings.tests.conftest import schedule, soon
from tandem.organisations.models import Membership, Organisation
from tests.api_client import api_client
from tests.factories import make_member
from tests.relationship_setup import Live

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def _base(live: Live) -> str:
    return f"/api/orgs/{live.mentorship.organisation.slug}/mentorships/{live.mentorship.pk}/meetings"


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def _patch(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.patch(url, body, content_type="application/json")


def test_schedule_recurring_over_the_api_in_my_zone(live: Live) -> None:
    # given the mentee in New York
    client = api_client(live.mentee)
    day = timezone.localdate() + dt.timedelta(days=7)
    # when they schedule a fortnightly meeting at 08:30 their time, six times
    response = _post(
        client,
        _base(live),
        {
            "title": "Fortnightly",
            "starts_at": f"{day}T08:30:00",
            "duration_minutes": 30,
            "format": "phone",
            "formal": False,
            "recurrence": {"frequency": "fortnightly", "count": 6},
        },
    )
    # then the first meeting is back, in UTC, with its series and the RRULE
    assert response.status_code == 201, response.content
    body = response.json()
    starts = dt.datetime.fromisoformat(body["starts_at"]).astimezone(NEW_YORK)
    assert (starts.date(), starts.hour, starts.minute) == (day, 8, 30)
    assert body["series"]["rrule"] == "FREQ=WEEKLY;INTERVAL=2;COUNT=6"
    assert body["series"]["tzid"] == "America/New_York"
    assert body["viewer_time_zone"] == "America/New_York"
    assert body["recurrence_id"] == body["starts_at"]
    assert Meeting.objects.filter(series_id=body["series_id"]).count() == 6


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"recurrence": {"frequency": "weekly"}}, "recurrence.count"),
        ({"recurrence": {"frequency": "weekly", "count": 3, "until": "2030-01-01"}}, "recurrence.until"),
        ({"recurrence": {"frequency": "weekly", "count": 1000}}, "recurrence.count"),
        ({"video_link": "http://insecure.example.com"}, "video_link"),
        ({"title": " "}, "title"),
    ],
)
def test_bad_input_is_a_4xx_naming_the_field(live: Live, body: dict[str, Any], field: str) -> None:
    day = timezone.localdate() + dt.timedelta(days=7)
    payload = {"title": "Catch-up", "starts_at": f"{day}T09:00:00", **body}
    response = _post(api_client(live.mentor), _base(live), payload)
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert not Meeting.objects.exists()


def test_bad_shapes_are_422(live: Live) -> None:
    client = api_client(live.mentor)
    day = timezone.localdate() + dt.timedelta(days=7)
    for body in (
        {"title": "x", "starts_at": "tomorrow"},
        {"title": "x", "starts_at": f"{day}T09:00:00", "recurrence": {"frequency": "hourly", "count": 3}},
        {"title": "x", "starts_at": f"{day}T09:00:00", "duration_minutes": 9999},
        {"title": "x", "starts_at": f"{day}T09:00:00", "surprise": True},
    ):
        response = _post(client, _base(live), body)
        assert response.status_code == 422, body


def test_list_upcoming_and_past_with_a_fixed_number_of_queries(
    live: Live,
    django_assert_num_queries: DjangoAssertNumQueries,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = api_client(live.mentor)
    # given two past meetings and two upcoming
    for days in (-3, -2, 2, 3):
        schedule(live, starts=soon(days=days))
    url = _base(live)
    client.get(url)  # warm up (token lookup cache)
    # token, membership (with profile), mentorship, members, count, page
    with django_assert_max_num_queries(7) as few:
        upcoming = client.get(url + "?when=upcoming").json()
    # when there are many more
    for days in range(4, 14):
        schedule(live, starts=soon(days=days))
    with django_assert_num_queries(len(few.captured_queries)):
        many = client.get(url + "?when=upcoming").json()
    # then the same number of queries, soonest first
    assert upcoming["count"] == 2
    assert many["count"] == 12
    starts = [item["starts_at"] for item in many["items"]]
    assert starts == sorted(starts)
    past = client.get(url + "?when=past").json()
    assert past["count"] == 2
    assert past["items"][0]["starts_at"] > past["items"][1]["starts_at"]
    assert len(client.get(url + "?limit=5&offset=10").json()["items"]) == 4


def test_reschedule_one_and_following_over_the_api(live: Live) -> None:
    client = api_client(live.mentor)
    first = schedule(live, recurrence=_weekly(5))
    rows = list(Meeting.objects.filter(series=first.series).order_by("starts_at"))
    # one: the second moves by an hour and keeps its RECURRENCE-ID
    later = rows[1].starts_at + dt.timedelta(hours=1)
    one = _patch(client, f"{_base(live)}/{rows[1].pk}", {"starts_at": later.isoformat(), "scope": "this"})
    assert one.status_code == 200, one.content
    assert dt.datetime.fromisoformat(one.json()["starts_at"]) == later
    assert dt.datetime.fromisoformat(one.json()["recurrence_id"]) == rows[1].original_start
    assert one.json()["is_override"] is True
    # following: the fourth on gets a new agenda in a new series
    rest = _patch(client, f"{_base(live)}/{rows[3].pk}", {"agenda": "Wrap-up", "scope": "following"})
    assert rest.status_code == 200, rest.content
    assert rest.json()["series_id"] != first.series_id
    assert list(
        Meeting.objects.filter(series_id=rest.json()["series_id"]).values_list("agenda", flat=True)
    ) == [
        "Wrap-up",
        "Wrap-up",
    ]
    assert MeetingSeries.objects.get(occurrences__pk=first.pk).occurrences.count() == 3
    # null is not "no change"
    bad = _patch(client, f"{_base(live)}/{rows[0].pk}", {"agenda": None})
    assert bad.status_code == 422


def _weekly(count: int) -> Any:
    from tandem.meetings.services import Recurrence

    return Recurrence(frequency="weekly", count=count)


def test_notes_attendance_private_note_feedback_flow(live: Live) -> None:
    mentor, mentee = api_client(live.mentor), api_client(live.mentee)
    meeting = schedule(live, starts=soon(days=-1))
    url = f"{_base(live)}/{meeting.pk}"
    # shared notes by the mentor, seen by the mentee
    assert _patch(mentor, url, {"shared_notes": "We talked about X"}).status_code == 200
    # attendance
    held = _post(mentee, url + "/attendance", {"status": "held"})
    assert held.json()["status"] == "held"
    # private notes: each their own
    assert (
        mentor.put(url + "/private-note", {"text": "M secret"}, content_type="application/json").status_code
        == 200
    )
    assert (
        mentee.put(url + "/private-note", {"text": "E secret"}, content_type="application/json").status_code
        == 200
    )
    # feedback: the mentee keeps theirs, the mentor shares
    assert _post(mentee, url + "/feedback", {"rating": 2, "comment": "E unshared"}).status_code == 200
    assert (
        _post(mentor, url + "/feedback", {"rating": 5, "comment": "M shared", "shared": True}).status_code
        == 200
    )
    # then the mentee's view
    seen = mentee.get(url).json()
    assert seen["shared_notes"] == "We talked about X"
    assert seen["my_private_note"]["text"] == "E secret"
    assert seen["my_feedback"]["comment"] == "E unshared"
    assert [f["comment"] for f in seen["feedback_shared_with_me"]] == ["M shared"]
    # and the mentor's view never carries the mentee's note or unshared feedback
    raw = mentor.get(url).content.decode()
    assert "E secret" not in raw
    assert "E unshared" not in raw
    assert mentor.get(url).json()["feedback_shared_with_me"] == []
    assert "E secret" not in mentor.get(_base(live)).content.decode()
    # deleting a private note
    assert mentee.put(url + "/private-note", {"text": ""}, content_type="application/json").status_code == 204
    assert mentee.get(url).json()["my_private_note"] is None


def test_feedback_before_the_meeting_is_a_conflict(live: Live) -> None:
    meeting = schedule(live, starts=soon(days=2))
    response = _post(api_client(live.mentee), f"{_base(live)}/{meeting.pk}/feedback", {"rating": 4})
    assert response.status_code == 409


def test_outsiders_admins_and_other_orgs_get_404_everywhere(
    live: Live, org: Organisation, program_admin: Membership, org_admin: Membership, outsider: Membership
) -> None:
    meeting = schedule(live, starts=soon(days=-1))
    private_note_save(meeting=meeting, by=live.mentee, text="secret")
    feedback_give(meeting=meeting, by=live.mentee, rating=1, comment="unshared")
    url = f"{_base(live)}/{meeting.pk}"
    for stranger in (program_admin, org_admin, make_member(org), outsider):
        client = api_client(stranger)
        for response in (
            client.get(_base(live)),
            client.get(url),
            client.get(url + "/ics"),
            _patch(client, url, {"shared_notes": "hijack"}),
            _post(client, url + "/attendance", {"status": "no_show"}),
            _post(client, url + "/cancel", {"scope": "this"}),
            client.put(url + "/private-note", {"text": "x"}, content_type="application/json"),
            _post(client, url + "/feedback", {"rating": 5}),
        ):
            assert response.status_code == 404, (stranger, response.content)
            assert b"secret" not in response.content
            assert b"unshared" not in response.content
    assert Meeting.objects.get(pk=meeting.pk).shared_notes == ""
    assert Meeting.objects.get(pk=meeting.pk).status == "scheduled"


def test_ics_over_the_api(live: Live) -> None:
    meeting = schedule(live, recurrence=_weekly(3))
    response = api_client(live.mentee).get(f"{_base(live)}/{meeting.pk}/ics?series=true")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert b"COUNT=3" in event["RRULE"].to_ical()


def test_calendar_feed_create_status_revoke(client: Client, live: Live) -> None:
    api = api_client(live.mentor)
    slug = live.mentorship.organisation.slug
    assert api.get(f"/api/orgs/{slug}/calendar-feed").json()["active"] is False
    created = api.post(f"/api/orgs/{slug}/calendar-feed")
    assert created.status_code == 201
    url = created.json()["url"]
    assert url.startswith("http")
    assert url.endswith(".ics")
    # the URL works without any sign-in; only its hash is kept
    path = url.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    assert not CalendarFeed.objects.filter(token_hash=token).exists()
    status = api.get(f"/api/orgs/{slug}/calendar-feed").json()
    assert status["active"] is True
    assert token.startswith(status["prefix"])
    assert "url" not in status
    # revoked: 404, and revoking again is 404 too
    assert api.delete(f"/api/orgs/{slug}/calendar-feed").status_code == 204
    assert client.get("/" + path).status_code == 404
    assert api.delete(f"/api/orgs/{slug}/calendar-feed").status_code == 404


def test_ratings_only_in_aggregate_for_program_admins(live: Live, program_admin: Membership) -> None:
    first, second = schedule(live, starts=soon(days=-3)), schedule(live, starts=soon(days=-2))
    feedback_give(meeting=first, by=live.mentee, rating=2, comment="PRIVATE WORDS")
    feedback_give(meeting=second, by=live.mentor, rating=5, comment="Shared words", shared=True)
    slug = live.mentorship.organisation.slug
    response = api_client(program_admin).get(f"/api/orgs/{slug}/meeting-ratings")
    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "average": 3.5,
        "distribution": {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1},
        "mentorships": 1,
    }
    assert b"words" not in response.content.lower()
    filtered = api_client(program_admin).get(
        f"/api/orgs/{slug}/meeting-ratings?program_id={live.mentorship.program_id + 1000}"
    )
    assert filtered.json()["count"] == 0
    # members are refused
    assert api_client(live.mentee).get(f"/api/orgs/{slug}/meeting-ratings").status_code == 403
