"""Meetings in a real browser: a mentor schedules a fortnightly series (after a form error), sees it
listed, opens the first meeting, writes shared and private notes, marks it held, gives feedback,
downloads the .ics and creates a calendar feed; the mentee then sees what was shared and nothing
private — with an accessibility scan on every page and a screenshot at every step."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from tandem.meetings.models import CalendarFeed, Meeting, MeetingStatus, PrivateNote, SessionFeedback
from tandem.organisations.models import Membership, Organisation, Role
from tests.e2e.conftest import sign_in, sign_out, visit
from tests.factories import make_member, profile_of
from tests.relationship_setup import Live, live_mentorship

# serialized_rollback: the languages seeded by a data migration survive the flush between journeys.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _zone(membership: Membership, tz: str) -> None:
    profile = profile_of(membership)
    profile.time_zone = tz
    profile.save(update_fields=["time_zone"])


@pytest.fixture
def pair(org: Organisation) -> Live:
    admin = make_member(org, role=Role.PROGRAM_ADMIN, full_name="Priya Admin")
    live = live_mentorship(org, admin)
    _zone(live.mentor, "Europe/London")
    _zone(live.mentee, "America/New_York")
    return live


def test_schedule_a_recurring_meeting_take_notes_and_give_feedback(
    page: Any, pair: Live, tmp_path: Path
) -> None:
    mentor, mentee = pair.mentor, pair.mentee
    slug = pair.mentorship.organisation.slug
    tab = f"/o/{slug}/mentorships/{pair.mentorship.pk}/meetings/"
    # the series starts a week ago, so its first meeting can be marked held and rated
    first_day = timezone.localdate() - dt.timedelta(days=7)

    # --- the mentor opens the Meetings tab ---------------------------------------------------
    sign_in(page, mentor.user.email)
    page.goto(tab)
    expect(page.get_by_text("Nothing scheduled.")).to_be_visible()
    expect(page.get_by_text("Europe/London").first).to_be_visible()
    visit(page, "meetings-01-empty-tab")

    # --- a repeating meeting without an end is refused, naming the field ---------------------
    form = page.get_by_role("region", name="Schedule a meeting")
    form.get_by_label("Title").fill("Fortnightly catch-up")
    form.get_by_label("Date", exact=True).fill(first_day.isoformat())
    form.get_by_label("Start time").fill("09:30")
    form.get_by_label("Length").select_option(label="1 hour")
    form.get_by_label("Formal — a planned session").check()
    form.get_by_label("How you meet").select_option(label="Video call")
    form.get_by_label("Video link").fill("https://meet.example.com/ada-and-ben")
    form.get_by_label("Repeats").select_option(label="Every two weeks")
    form.get_by_label("Agenda").fill("How the first month went\nGoals for the quarter")
    form.get_by_role("button", name="Schedule").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Say when the series ends")).to_be_visible()
    visit(page, "meetings-02-schedule-error")

    # --- with an end it is scheduled --------------------------------------------------------
    form = page.get_by_role("region", name="Schedule a meeting")
    form.get_by_label("Ends after this many meetings").fill("6")
    form.get_by_role("button", name="Schedule").click()
    page.wait_for_load_state()
    expect(page.get_by_text("and its repeats scheduled")).to_be_visible()
    meetings = list(Meeting.objects.filter(mentorship=pair.mentorship).order_by("starts_at"))
    assert len(meetings) == 6
    first = meetings[0]
    visit(page, "meetings-03-first-meeting")

    # --- it is listed: one past, five upcoming ------------------------------------------------
    page.get_by_role("link", name="All meetings").click()
    page.wait_for_load_state()
    upcoming = page.get_by_role("region", name="Upcoming")
    past = page.get_by_role("region", name="Past")
    expect(upcoming.get_by_role("link", name="Fortnightly catch-up")).to_have_count(5)
    expect(past.get_by_role("link", name="Fortnightly catch-up")).to_have_count(1)
    visit(page, "meetings-04-listed")

    # --- open the past one: shared notes (htmx), a private note --------------------------------
    past.get_by_role("link", name="Fortnightly catch-up").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Every two weeks on")).to_be_visible()
    notes = page.get_by_role("region", name="Shared notes")
    notes.get_by_label("Shared notes").fill("Talked through the stakeholder map.\nAction: book a 1:1.")
    notes.get_by_role("button", name="Save shared notes").click()
    expect(page.get_by_role("region", name="Shared notes").get_by_text("Saved.")).to_be_visible()
    private = page.get_by_role("region", name="My private note")
    private.get_by_label("My private note").fill("Push harder on delegation next time.")
    private.get_by_role("button", name="Save private note").click()
    expect(page.get_by_text("Saved — only you can read it.")).to_be_visible()
    visit(page, "meetings-05-notes-saved")

    # --- mark it held, give feedback shared with the mentee -----------------------------------
    attendance = page.get_by_role("region", name="Attendance")
    attendance.get_by_label("What happened").select_option(label="We met")
    attendance.get_by_role("button", name="Save attendance").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Marked as held.")).to_be_visible()
    page.get_by_label("4 — good").check()
    page.get_by_label("Comment").fill("Great progress on the plan.")
    page.get_by_label("Share this with the other side").check()
    page.get_by_role("button", name="Save feedback").click()
    page.wait_for_load_state()
    expect(page.get_by_text("your feedback is shared with the other side")).to_be_visible()
    visit(page, "meetings-06-held-and-rated")
    assert Meeting.objects.get(pk=first.pk).status == MeetingStatus.HELD
    assert SessionFeedback.objects.get().shared

    # --- download the .ics -------------------------------------------------------------------
    with page.expect_download() as info:
        page.get_by_role("button", name="Whole series (.ics)").click()
    saved = tmp_path / "series.ics"
    info.value.save_as(saved)
    (event,) = Calendar.from_ical(saved.read_bytes()).walk("VEVENT")
    assert b"FREQ=WEEKLY" in event["RRULE"].to_ical()
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    response = page.request.get(f"/o/{slug}/mentorships/{pair.mentorship.pk}/meetings/{first.pk}/meeting.ics")
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert b"Push harder" not in response.body()

    # --- create the calendar feed --------------------------------------------------------------
    page.goto(tab)
    page.get_by_role("link", name="Set up a calendar feed").click()
    page.wait_for_load_state()
    visit(page, "meetings-07-calendar-page")
    page.get_by_role("button", name="Create my calendar feed").click()
    page.wait_for_load_state()
    feed_url = page.locator("#feed-url").inner_text().strip()
    assert "/mentorships/calendar/feed/cal_" in feed_url
    expect(page.get_by_role("button", name="Copy address")).to_be_visible()
    visit(page, "meetings-08-feed-created")
    assert CalendarFeed.objects.filter(membership=mentor, revoked_at__isnull=True).count() == 1
    sign_out(page)
    # a calendar app, signed in as nobody, reads it
    feed = page.request.get(feed_url)
    assert feed.status == 200
    assert b"BEGIN:VEVENT" in feed.body()

    # --- the mentee sees the shared notes and feedback, never the private note -----------------
    sign_in(page, mentee.user.email)
    page.goto(f"/o/{slug}/mentorships/{pair.mentorship.pk}/meetings/{first.pk}/")
    expect(page.get_by_role("textbox", name="Shared notes")).to_have_value(
        "Talked through the stakeholder map.\nAction: book a 1:1."
    )
    expect(page.get_by_text("Great progress on the plan.")).to_be_visible()
    expect(page.get_by_text("America/New_York").first).to_be_visible()
    expect(page.get_by_text("Push harder on delegation")).to_have_count(0)
    visit(page, "meetings-09-mentee-view")
    assert PrivateNote.objects.get().author == mentor

    # --- a program admin sees ratings in aggregate, and cannot open the meetings --------------
    sign_out(page)
    admin = Membership.objects.get(organisation=pair.mentorship.organisation, role=Role.PROGRAM_ADMIN)
    sign_in(page, admin.user.email)
    assert page.goto(tab).status == 404
    page.goto(f"/o/{slug}/meetings/ratings/")
    expect(page.get_by_text("Average rating (1–5)")).to_be_visible()
    expect(page.get_by_text("Great progress on the plan.")).to_have_count(0)
    visit(page, "meetings-10-admin-ratings")
