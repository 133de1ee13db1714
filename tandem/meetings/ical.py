"""iCalendar (RFC 5545) files of meetings, made with the `icalendar` library.

- one meeting: a VEVENT of its own (UID `meeting-<id>@<domain>`);
- a series: a master VEVENT with DTSTART;TZID, RRULE and EXDATE for cancelled occurrences,
  plus one VEVENT per individually changed occurrence, with its RECURRENCE-ID
  (UID `series-<id>@<domain>`);
- a member's feed: every series and one-off meeting of their mentorships in an organisation.

Each VEVENT carries SEQUENCE, bumped on every change, so calendar apps take the update. Notes
and feedback are never written into a calendar: files get forwarded and feeds get shared.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vRecur

from tandem.meetings.models import Meeting, MeetingSeries, MeetingStatus
from tandem.meetings.recurrence import rule_parts, zone
from tandem.mentorships.models import Mentorship

PRODID = "-//Tandem//Mentoring meetings//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def uid_domain() -> str:
    """The right-hand side of every UID: stable per installation (not the request's host)."""
    configured = getattr(settings, "CALENDAR_UID_DOMAIN", "")
    if configured:
        return str(configured)
    hosts = [h for h in settings.ALLOWED_HOSTS if h and not h.startswith((".", "*", "["))]
    return hosts[0] if hosts else "tandem.localhost"


def meeting_uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}@{uid_domain()}"


def series_uid(series: MeetingSeries) -> str:
    return f"series-{series.pk}@{uid_domain()}"


def _people(mentorship: Mentorship, viewer_id: int) -> str:
    names = [
        m.membership.user.full_name or m.membership.user.email
        for m in mentorship.members.all()
        if m.membership_id != viewer_id
    ]
    return ", ".join(names)


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def _finish(calendar: Calendar, moments: Iterable[dt.datetime]) -> bytes:
    """Add a VTIMEZONE for each TZID used, covering the events' years."""
    years = [m.year for m in moments] or [timezone.now().year]
    calendar.add_missing_timezones(
        first_date=dt.date(min(years) - 1, 1, 1), last_date=dt.date(max(years) + 2, 1, 1)
    )
    return bytes(calendar.to_ical())


def _event(
    *,
    uid: str,
    details: Meeting | MeetingSeries,
    start: dt.datetime,
    end: dt.datetime,
    tzid: str,
    sequence: int,
    people: str,
    page_url: str,
    cancelled: bool,
    stamp: dt.datetime,
) -> Event:
    tz = zone(tzid)
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", start.astimezone(tz))
    event.add("dtend", end.astimezone(tz))
    event.add("sequence", sequence)
    event.add("summary", f"{details.title} (with {people})" if people else details.title)
    lines = [details.agenda] if details.agenda else []
    if details.video_link:
        lines.append(f"Join: {details.video_link}")
    if page_url:
        lines.append(f"In Tandem: {page_url}")
    if lines:
        event.add("description", "\n\n".join(lines))
    location = details.location or details.video_link
    if location:
        event.add("location", location)
    if details.video_link:
        event.add("url", details.video_link)
    event.add("class", "PRIVATE")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("categories", ["Mentoring", "Formal" if details.formal else "Informal"])
    return event


def _meeting_event(meeting: Meeting, *, people: str, page_url: str, stamp: dt.datetime) -> Event:
    return _event(
        uid=meeting_uid(meeting),
        details=meeting,
        start=meeting.starts_at,
        end=meeting.ends_at,
        tzid=meeting.tzid,
        sequence=meeting.sequence,
        people=people,
        page_url=page_url,
        cancelled=meeting.status == MeetingStatus.CANCELLED,
        stamp=stamp,
    )


def _series_events(
    series: MeetingSeries, rows: list[Meeting], *, people: str, page_url: str, stamp: dt.datetime
) -> list[Event]:
    """The master VEVENT (RRULE, EXDATE) and one VEVENT per occurrence changed on its own."""
    tz = zone(series.tzid)
    master = _event(
        uid=series_uid(series),
        details=series,
        start=series.starts_at,
        end=series.starts_at + dt.timedelta(minutes=series.duration_minutes),
        tzid=series.tzid,
        sequence=series.sequence,
        people=people,
        page_url=page_url,
        cancelled=series.cancelled,
        stamp=stamp,
    )
    text = rule_parts(
        frequency=series.frequency,
        local_start=series.starts_at.astimezone(tz),
        count=series.count,
        until=series.until,
    )
    master.add("rrule", vRecur.from_ical(text))
    in_rule = [r for r in rows if r.original_start is not None]
    cancelled = [
        r.original_start for r in in_rule if r.status == MeetingStatus.CANCELLED and r.original_start
    ]
    if cancelled and not series.cancelled:
        master.add("exdate", [moment.astimezone(tz) for moment in cancelled])
    events = [master]
    for row in in_rule:
        if not row.is_override or row.status == MeetingStatus.CANCELLED or row.original_start is None:
            continue
        override = _event(
            uid=series_uid(series),
            details=row,
            start=row.starts_at,
            end=row.ends_at,
            tzid=series.tzid,
            sequence=series.sequence,
            people=people,
            page_url=page_url,
            cancelled=False,
            stamp=stamp,
        )
        override.add("recurrence-id", row.original_start.astimezone(tz))
        events.append(override)
    return events


def meeting_ics(meeting: Meeting, *, viewer_id: int, page_url: str) -> bytes:
    """A calendar file of one meeting (one occurrence, even if it is part of a series)."""
    calendar = _calendar(meeting.title)
    people = _people(meeting.mentorship, viewer_id)
    calendar.add_component(_meeting_event(meeting, people=people, page_url=page_url, stamp=timezone.now()))
    return _finish(calendar, [meeting.starts_at])


def series_ics(
    series: MeetingSeries, rows: list[Meeting], *, mentorship: Mentorship, viewer_id: int, page_url: str
) -> bytes:
    """A calendar file of a whole series, as one recurring event."""
    calendar = _calendar(series.title)
    people = _people(mentorship, viewer_id)
    for event in _series_events(series, rows, people=people, page_url=page_url, stamp=timezone.now()):
        calendar.add_component(event)
    return _finish(calendar, [series.starts_at, *(r.starts_at for r in rows)])


def feed_ics(
    *, name: str, series: list[MeetingSeries], meetings: list[Meeting], viewer_id: int, base_url: str
) -> bytes:
    """A member's feed: each series (with its `occurrences` prefetched) and one-off meeting."""
    calendar = _calendar(name)
    stamp = timezone.now()
    moments: list[dt.datetime] = []
    for one in series:
        rows = list(one.occurrences.all())
        people = _people(one.mentorship, viewer_id)
        url = f"{base_url}mentorships/{one.mentorship_id}/meetings/"
        for event in _series_events(one, rows, people=people, page_url=url, stamp=stamp):
            calendar.add_component(event)
        moments += [one.starts_at, *(r.starts_at for r in rows)]
    for meeting in meetings:
        url = f"{base_url}mentorships/{meeting.mentorship_id}/meetings/{meeting.pk}/"
        people = _people(meeting.mentorship, viewer_id)
        calendar.add_component(_meeting_event(meeting, people=people, page_url=url, stamp=stamp))
        moments.append(meeting.starts_at)
    return _finish(calendar, moments)
