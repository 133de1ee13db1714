"""The Meetings tab, a meeting's page and the calendar page — including every attempt to read what
is not the viewer's."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from conftest import login
from tandem.meetings.models import CalendarFeed, Meeting, MeetingStatus, PrivateNote, SessionFeedback
from tandem.meetings.services import Recurrence, feedback_give, private_note_save
from tandem.meetings.tests.conftest import schedule, soon
from tandem.organisations.models import Membership, Organisation
from tests.factories import make_member
from tests.relationship_setup import Live

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def _tab(live: Live) -> str:
    return f"/o/{live.mentorship.organisation.slug}/mentorships/{live.mentorship.pk}/meetings/"


def _page(live: Live, meeting: Meeting, action: str = "") -> str:
    return f"{_tab(live)}{meeting.pk}/{action}"


def test_tab_lists_upcoming_and_past_in_my_zone(client: Client, live: Live) -> None:
    # given a meeting the London mentor set at 09:00 their time
    upcoming = schedule(live, starts=soon(days=3, hour=9), title="Next chat")
    schedule(live, starts=soon(days=-3), title="Last chat")
    # when the New York mentee opens the tab
    response = login(client, live.mentee).get(_tab(live))
    # then they see both, at their own time, with their zone named
    assert response.status_code == 200
    html = response.content.decode()
    assert "Next chat" in html
    assert "Last chat" in html
    assert "America/New_York" in html
    local = upcoming.starts_at.astimezone(NEW_YORK)
    assert f"{local:%H:%M}" in html
    assert 'aria-current="page">Meetings<' in html


def test_tab_query_count_does_not_grow(
    client: Client,
    live: Live,
    django_assert_num_queries: DjangoAssertNumQueries,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    login(client, live.mentor)
    for days in (-2, 2):
        schedule(live, starts=soon(days=days))
    client.get(_tab(live))
    with django_assert_max_num_queries(1000) as few:
        client.get(_tab(live))
    for days in range(3, 12):
        schedule(live, starts=soon(days=days))
        schedule(live, starts=soon(days=-days))
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(_tab(live))


def test_schedule_from_the_tab(client: Client, live: Live) -> None:
    login(client, live.mentor)
    day = timezone.localdate() + dt.timedelta(days=8)
    response = client.post(
        _tab(live) + "schedule/",
        {
            "title": "Monthly review",
            "date": day.isoformat(),
            "time": "16:00",
            "duration_minutes": "60",
            "kind": "formal",
            "format": "in_person",
            "location": "Room 4",
            "repeat": "monthly_weekday",
            "count": "6",
            "agenda": "Goals",
        },
    )
    meeting = Meeting.objects.get(
        original_start__isnull=False, starts_at__date__lte=day + dt.timedelta(days=1)
    )
    assert response.status_code == 302
    assert response["Location"] == _page(live, meeting)
    assert meeting.series is not None
    assert meeting.series.count == 6
    assert meeting.location == "Room 4"
    assert meeting.formal


@pytest.mark.parametrize(
    ("changes", "field_error"),
    [
        ({"repeat": "weekly"}, "Say when the series ends"),
        ({"repeat": "weekly", "count": "4", "until": "2030-01-01"}, "not both"),
        ({"video_link": "http://example.com"}, "https://"),
        (
            {"repeat": "monthly_date", "count": "3", "date": f"{timezone.localdate().year + 1}-01-31"},
            "Not every month",
        ),
    ],
)
def test_schedule_form_shows_field_errors(
    client: Client, live: Live, changes: dict[str, str], field_error: str
) -> None:
    login(client, live.mentor)
    data = {
        "title": "Catch-up",
        "date": (timezone.localdate() + dt.timedelta(days=8)).isoformat(),
        "time": "09:00",
        "duration_minutes": "60",
        "kind": "informal",
        "format": "video",
        "repeat": "once",
        **changes,
    }
    response = client.post(_tab(live) + "schedule/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert field_error in html
    assert 'class="field-error"' in html
    assert not Meeting.objects.exists()


def test_meeting_page_shows_only_my_private_note_and_shared_feedback(client: Client, live: Live) -> None:
    # given a past meeting with both sides' private notes and feedback
    meeting = schedule(live, starts=soon(days=-1))
    private_note_save(meeting=meeting, by=live.mentor, text="MENTOR-PRIVATE")
    private_note_save(meeting=meeting, by=live.mentee, text="MENTEE-PRIVATE")
    feedback_give(meeting=meeting, by=live.mentee, rating=2, comment="MENTEE-UNSHARED")
    feedback_give(meeting=meeting, by=live.mentor, rating=5, comment="MENTOR-SHARED", shared=True)
    # when the mentor opens it
    html = login(client, live.mentor).get(_page(live, meeting)).content.decode()
    # then only their own note, and nothing unshared of the mentee's
    assert "MENTOR-PRIVATE" in html
    assert "MENTEE-PRIVATE" not in html
    assert "MENTEE-UNSHARED" not in html
    # and the mentee sees their own and what the mentor shared
    client.logout()
    html = login(client, live.mentee).get(_page(live, meeting)).content.decode()
    assert "MENTEE-PRIVATE" in html
    assert "MENTOR-SHARED" in html
    assert "MENTOR-PRIVATE" not in html
    # the tab list does not leak them either
    assert "MENTOR-PRIVATE" not in client.get(_tab(live)).content.decode()


def test_strangers_and_admins_get_404(
    client: Client,
    live: Live,
    org: Organisation,
    program_admin: Membership,
    *,
    org_admin: Membership,
    outsider: Membership,
) -> None:
    meeting = schedule(live, starts=soon(days=-1))
    private_note_save(meeting=meeting, by=live.mentee, text="MENTEE-PRIVATE")
    for stranger in (program_admin, org_admin, make_member(org), outsider):
        client.logout()
        login(client, stranger)
        for url in (_tab(live), _page(live, meeting), _page(live, meeting, "meeting.ics")):
            response = client.get(url)
            assert response.status_code == 404, (stranger, url)
            assert b"MENTEE-PRIVATE" not in response.content
        for action, data in (
            ("notes/", {"shared_notes": "x"}),
            ("private-note/", {"text": "x"}),
            ("feedback/", {"rating": "5"}),
            ("attendance/", {"status": "held"}),
            ("cancel/", {"cancel-scope": "this"}),
        ):
            assert client.post(_page(live, meeting, action), data).status_code == 404
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.SCHEDULED
    assert PrivateNote.objects.count() == 1
    assert not SessionFeedback.objects.exists()


def test_meeting_of_another_mentorship_is_404_under_mine(
    client: Client, live: Live, org: Organisation, program_admin: Membership
) -> None:
    from tests.relationship_setup import live_mentorship

    other = live_mentorship(org, program_admin, name="Other")
    theirs = schedule(Live(other.mentorship, other.mentor, other.mentee))
    login(client, live.mentor)
    assert client.get(f"{_tab(live)}{theirs.pk}/").status_code == 404


def test_shared_notes_save_with_htmx_returns_the_fragment(client: Client, live: Live) -> None:
    meeting = schedule(live)
    login(client, live.mentee)
    response = client.post(
        _page(live, meeting, "notes/"), {"shared_notes": "Bring the CV"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Saved." in html
    assert "<html" not in html
    assert 'id="shared-notes"' in html
    assert live.mentee.user.full_name in html
    assert Meeting.objects.get(pk=meeting.pk).shared_notes == "Bring the CV"


def test_private_note_attendance_feedback_without_htmx(client: Client, live: Live) -> None:
    meeting = schedule(live, starts=soon(days=-1))
    login(client, live.mentor)
    assert client.post(_page(live, meeting, "private-note/"), {"text": "mine"}).status_code == 302
    assert client.post(_page(live, meeting, "attendance/"), {"status": "held"}).status_code == 302
    response = client.post(
        _page(live, meeting, "feedback/"), {"rating": "4", "comment": "Good", "shared": "on"}
    )
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.HELD
    assert SessionFeedback.objects.get().shared is True
    # a rating out of range is a form error
    assert client.post(_page(live, meeting, "feedback/"), {"rating": "9"}).status_code == 400


def test_reschedule_following_and_cancel_from_the_page(client: Client, live: Live) -> None:
    first = schedule(live, recurrence=Recurrence(frequency="weekly", count=4))
    rows = list(Meeting.objects.filter(series=first.series).order_by("starts_at"))
    login(client, live.mentor)
    page = client.get(_page(live, rows[1])).content.decode()
    assert "This and the following meetings" in page
    local = rows[1].starts_at.astimezone(zoneinfo.ZoneInfo("Europe/London"))
    response = client.post(
        _page(live, rows[1], "change/"),
        {
            "change-title": rows[1].title,
            "change-date": local.date().isoformat(),
            "change-time": "11:00",
            "change-duration_minutes": "60",
            "change-kind": "formal",
            "change-format": "video",
            "change-video_link": "",
            "change-location": "",
            "change-agenda": "",
            "change-scope": "following",
        },
    )
    assert response.status_code == 302
    moved = Meeting.objects.get(pk=rows[1].pk)
    assert moved.series_id != first.series_id
    assert moved.starts_at.astimezone(zoneinfo.ZoneInfo("Europe/London")).hour == 11
    assert client.post(_page(live, rows[0], "cancel/"), {"cancel-scope": "this"}).status_code == 302
    assert Meeting.objects.get(pk=rows[0].pk).status == MeetingStatus.CANCELLED


def test_calendar_page_shows_the_url_once(client: Client, live: Live) -> None:
    slug = live.mentorship.organisation.slug
    login(client, live.mentor)
    assert "Create my calendar feed" in client.get(f"/o/{slug}/calendar/").content.decode()
    created = client.post(f"/o/{slug}/calendar/feed/new/").content.decode()
    assert 'data-copy-target="#feed-url"' in created
    url = created.split('id="feed-url">', 1)[1].split("<", 1)[0]
    assert f"/o/{slug}/mentorships/calendar/feed/cal_" in url
    # shown once: the page afterwards does not carry it
    assert url not in client.get(f"/o/{slug}/calendar/").content.decode()
    assert client.post(f"/o/{slug}/calendar/feed/revoke/").status_code == 302
    assert not CalendarFeed.objects.filter(revoked_at__isnull=True).exists()


def test_ratings_page_for_program_admins_shows_aggregates_only(
    client: Client, live: Live, program_admin: Membership
) -> None:
    first, second = schedule(live, starts=soon(days=-3)), schedule(live, starts=soon(days=-2))
    feedback_give(meeting=first, by=live.mentee, rating=2, comment="PRIVATE-WORDS")
    feedback_give(meeting=second, by=live.mentor, rating=5, comment="SHARED-WORDS", shared=True)
    slug = live.mentorship.organisation.slug
    html = login(client, program_admin).get(f"/o/{slug}/meetings/ratings/").content.decode()
    assert "3.5" in html
    assert "WORDS" not in html
    assert live.mentee.user.full_name not in html
    client.logout()
    assert login(client, live.mentee).get(f"/o/{slug}/meetings/ratings/").status_code == 404


def test_too_early_for_attendance_or_feedback_is_explained(client: Client, live: Live) -> None:
    meeting = schedule(live, starts=soon(days=2))
    login(client, live.mentee)
    for action, data in (("attendance/", {"status": "held"}), ("feedback/", {"rating": "5"})):
        response = client.post(_page(live, meeting, action), data, follow=True)
        assert response.status_code == 200
        html = response.content.decode()
        assert "once the meeting has" in html or "once it has started" in html
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.SCHEDULED
    assert not SessionFeedback.objects.exists()
