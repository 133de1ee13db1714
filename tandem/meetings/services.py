"""Writes for meetings: scheduling (single or recurring), rescheduling one occurrence or the rest
of a series, cancelling, attendance, shared and private notes, session feedback, calendar feeds,
and the periodic jobs (reminders, series horizon, cadence nudges).

Every write checks that its author takes part in the mentorship. Times a person enters are on
their own wall clock (`membership.profile.time_zone`, UTC if unset); series recur in the zone
they were scheduled in.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, fields
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Min, Q
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import hash_token
from tandem.agreements.selectors import agreed_cadence_days
from tandem.meetings.errors import FeedNotFound, MeetingConflict, MeetingInvalid, MeetingNotAllowed
from tandem.meetings.models import (
    CadenceNudge,
    CalendarFeed,
    Frequency,
    Meeting,
    MeetingFormat,
    MeetingSeries,
    MeetingStatus,
    PrivateNote,
    SessionFeedback,
)
from tandem.meetings.recurrence import UTC, occurrences, zone
from tandem.mentorships.models import Mentorship, MentorshipMember, MentorshipStatus
from tandem.notifications.models import NotificationKind
from tandem.notifications.services import notify
from tandem.organisations.models import Membership

# Occurrences exist as rows this far ahead; a periodic job rolls the horizon forward.
HORIZON = dt.timedelta(days=183)
MAX_COUNT = 100
MAX_SERIES_SPAN = dt.timedelta(days=731)
MAX_PAST = dt.timedelta(days=366)
MAX_FUTURE = dt.timedelta(days=731)
MIN_DURATION, MAX_DURATION = 5, 480
REMINDER_LEAD = dt.timedelta(hours=24)
# The same meeting scheduled again this soon by the same person is a double submit.
DOUBLE_SUBMIT = dt.timedelta(minutes=2)
FEED_TOKEN_PREFIX = "cal_"  # noqa: S105 - a public marker, not a secret
LAST_DAY_OF_EVERY_MONTH = 28

_https = URLValidator(schemes=["https"])


# --- inputs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingPlan:
    """A meeting to schedule. `starts_local` is on the scheduler's wall clock (naive), or aware."""

    title: str
    starts_local: dt.datetime
    duration_minutes: int = 60
    formal: bool = True
    format: str = MeetingFormat.VIDEO
    location: str = ""
    video_link: str = ""
    agenda: str = ""


@dataclass(frozen=True)
class Recurrence:
    """How a series repeats, and when it ends: after `count` meetings or on the day `until`
    (a date on the scheduler's calendar, inclusive)."""

    frequency: str
    count: int | None = None
    until: dt.date | None = None


@dataclass(frozen=True)
class MeetingChanges:
    """A partial change of a meeting: None leaves a field as it is."""

    title: str | None = None
    starts_local: dt.datetime | None = None
    duration_minutes: int | None = None
    formal: bool | None = None
    format: str | None = None
    location: str | None = None
    video_link: str | None = None
    agenda: str | None = None

    def is_empty(self) -> bool:
        return all(getattr(self, f.name) is None for f in fields(self))

    @property
    def moves(self) -> bool:
        return self.starts_local is not None or self.duration_minutes is not None


DETAIL_FIELDS = ("title", "formal", "format", "location", "video_link", "agenda", "duration_minutes")
# What each kind of write touches: saving only these never overwrites a concurrent edit of notes.
STATUS_FIELDS = ("status", "status_changed_by", "sequence", "updated_at")
ROW_FIELDS = (
    "series",
    "original_start",
    "starts_at",
    "ends_at",
    "tzid",
    "is_override",
    "reminded_at",
    "sequence",
    "updated_at",
)


# --- helpers ------------------------------------------------------------------------------------


def time_zone_of(membership: Membership) -> str:
    """A member's IANA time zone, UTC when their profile has none."""
    try:
        name = membership.profile.time_zone
    except ObjectDoesNotExist:
        return "UTC"
    return zone(name).key


def local_text(moment: dt.datetime, tzid: str) -> str:
    """ "Tue 4 Mar 2025, 09:00 (Europe/London)" — a time on someone's own clock."""
    local = moment.astimezone(zone(tzid))
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} ({zone(tzid).key})"


def to_utc(local: dt.datetime, tzid: str, *, field: str = "starts_at") -> dt.datetime:
    """A wall-clock time in `tzid` as UTC; a time the clocks skip (DST gap) is refused."""
    tz = zone(tzid)
    try:
        if local.tzinfo is not None:
            return local.astimezone(UTC)
        utc = local.replace(tzinfo=tz).astimezone(UTC)
        back = utc.astimezone(tz).replace(tzinfo=None)
    except OverflowError:  # year 1 or 9999 pushed past the calendar by the zone's offset
        raise MeetingInvalid(
            "That date is out of range: pick one within a year back or two years ahead.", field=field
        ) from None
    if back != local:
        raise MeetingInvalid(
            f"{local:%H:%M} does not exist on {local:%d %b %Y} in {tz.key}: the clocks go forward. "
            "Pick another time.",
            field=field,
        )
    return utc


def _participant(mentorship: Mentorship, by: Membership) -> MentorshipMember:
    member = next((m for m in mentorship.members.all() if m.membership_id == by.pk), None)
    if member is None:
        raise MeetingNotAllowed("Only the people in this mentorship can do that.")
    return member


def _require_active(mentorship: Mentorship) -> None:
    if mentorship.status != MentorshipStatus.ACTIVE:
        raise MeetingConflict(
            f"This mentorship is {mentorship.get_status_display().lower()}: "
            "meetings can be scheduled only while it is active."
        )


def _clean_details(values: dict[str, Any]) -> dict[str, Any]:
    """Validated meeting details (only the keys present); each problem names its field."""
    cleaned = dict(values)
    if "title" in cleaned:
        # One line: titles become email subjects and calendar summaries.
        title = " ".join(str(cleaned["title"]).split())
        if not title:
            raise MeetingInvalid("Give the meeting a title, e.g. “Monthly catch-up”.", field="title")
        if len(title) > 120:
            raise MeetingInvalid("Titles are at most 120 characters.", field="title")
        cleaned["title"] = title
    if "duration_minutes" in cleaned:
        minutes = cleaned["duration_minutes"]
        if not isinstance(minutes, int) or not MIN_DURATION <= minutes <= MAX_DURATION:
            raise MeetingInvalid(
                f"A meeting lasts between {MIN_DURATION} minutes and {MAX_DURATION // 60} hours.",
                field="duration_minutes",
            )
    if "format" in cleaned and cleaned["format"] not in MeetingFormat.values:
        raise MeetingInvalid("Choose video call, in person or phone.", field="format")
    if "location" in cleaned:
        cleaned["location"] = str(cleaned["location"]).strip()
        if len(cleaned["location"]) > 200:
            raise MeetingInvalid("Locations are at most 200 characters.", field="location")
    if "video_link" in cleaned:
        link = str(cleaned["video_link"]).strip()
        if link:
            try:
                _https(link)
            except ValidationError:
                raise MeetingInvalid(
                    "Give the full https:// address of the video call.", field="video_link"
                ) from None
            if len(link) > 500:
                raise MeetingInvalid("Links are at most 500 characters.", field="video_link")
        cleaned["video_link"] = link
    if "agenda" in cleaned:
        cleaned["agenda"] = str(cleaned["agenda"]).strip()
        if len(cleaned["agenda"]) > 4000:
            raise MeetingInvalid("Agendas are at most 4000 characters.", field="agenda")
    return cleaned


def _check_start(starts_at: dt.datetime, now: dt.datetime) -> None:
    if starts_at < now - MAX_PAST:
        raise MeetingInvalid("That is more than a year ago.", field="starts_at")
    if starts_at > now + MAX_FUTURE:
        raise MeetingInvalid("Schedule meetings at most two years ahead.", field="starts_at")


def _clean_recurrence(
    recurrence: Recurrence, *, starts_at: dt.datetime, tzid: str
) -> tuple[int | None, dt.datetime | None]:
    """(count, until in UTC) of a valid recurrence, or a field error."""
    if recurrence.frequency not in Frequency.values:
        raise MeetingInvalid("Choose how often the meeting repeats.", field="frequency")
    local_start = starts_at.astimezone(zone(tzid))
    if recurrence.frequency == Frequency.MONTHLY_DATE and local_start.day > LAST_DAY_OF_EVERY_MONTH:
        raise MeetingInvalid(
            f"Not every month has a {local_start.day}th: start on a date up to the 28th, "
            "or repeat on the weekday instead (e.g. the last Friday).",
            field="frequency",
        )
    if recurrence.count is not None and recurrence.until is not None:
        raise MeetingInvalid(
            "End the series after a number of meetings or on a date, not both.", field="until"
        )
    if recurrence.count is None and recurrence.until is None:
        raise MeetingInvalid(
            "Say when the series ends: after a number of meetings, or on a date.", field="count"
        )
    if recurrence.count is not None:
        if not 2 <= recurrence.count <= MAX_COUNT:
            raise MeetingInvalid(
                f"A series has between 2 and {MAX_COUNT} meetings; for one meeting, don't repeat it.",
                field="count",
            )
        return recurrence.count, None
    assert recurrence.until is not None  # noqa: S101 - one of the two is set (checked above)
    if recurrence.until < local_start.date():
        raise MeetingInvalid("The last date must be on or after the first meeting.", field="until")
    # Checked on dates first: a far-off day (9999-12-31) must not overflow the conversion below.
    if recurrence.until - local_start.date() > MAX_SERIES_SPAN:
        raise MeetingInvalid("A series runs for at most two years; schedule the rest later.", field="until")
    end_of_day = dt.datetime.combine(recurrence.until, dt.time(23, 59, 59), tzinfo=zone(tzid))
    until = end_of_day.astimezone(UTC)
    if until - starts_at > MAX_SERIES_SPAN:
        raise MeetingInvalid("A series runs for at most two years; schedule the rest later.", field="until")
    return None, until


def _occurrence(series: MeetingSeries, start: dt.datetime) -> Meeting:
    return Meeting(
        mentorship_id=series.mentorship_id,
        series=series,
        original_start=start,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=series.duration_minutes),
        tzid=series.tzid,
        created_by_id=series.created_by_id,
        **{name: getattr(series, name) for name in DETAIL_FIELDS},
    )


def _series_starts(series: MeetingSeries, *, before: dt.datetime) -> list[dt.datetime]:
    return list(
        occurrences(
            frequency=series.frequency,
            starts_at=series.starts_at,
            tzid=series.tzid,
            count=series.count,
            until=series.until,
            before=before,
        )
    )


def _materialise(series: MeetingSeries, *, now: dt.datetime) -> int:
    """Create the series' missing occurrence rows up to the horizon; returns how many."""
    # A series starting beyond the horizon still gets its first occurrence at once: it is the
    # meeting that was just scheduled (and the one its page, .ics and notification are about).
    horizon = max(now + HORIZON, series.starts_at + dt.timedelta(seconds=1))
    if series.cancelled or series.materialised_until >= horizon:
        return 0
    known = set(
        series.occurrences.filter(original_start__gt=series.materialised_until).values_list(
            "original_start", flat=True
        )
    )
    rows = [
        _occurrence(series, start)
        for start in _series_starts(series, before=horizon)
        if start > series.materialised_until and start not in known
    ]
    Meeting.objects.bulk_create(rows)
    series.materialised_until = horizon
    series.save(update_fields=["materialised_until", "updated_at"])
    return len(rows)


def meeting_url(meeting: Meeting, organisation_slug: str) -> str:
    return reverse(
        "meetings:detail",
        kwargs={
            "org_slug": organisation_slug,
            "mentorship_id": meeting.mentorship_id,
            "meeting_id": meeting.pk,
        },
    )


def _tell_others(
    mentorship: Mentorship,
    by: Membership,
    meeting: Meeting,
    *,
    kind: NotificationKind,
    title: str,
    body: str = "",
    when: dt.datetime | None = None,
) -> None:
    """Notify everyone in the mentorship but `by`; `when` is shown on each recipient's clock."""
    name = by.user.full_name or by.user.email
    url = meeting_url(meeting, mentorship.organisation.slug)
    for member in mentorship.members.all():
        if member.membership_id == by.pk:
            continue
        text = body
        if when is not None:
            text = f"{local_text(when, time_zone_of(member.membership))}. {body}".strip()
        notify(recipient=member.membership, kind=kind, title=f"{name} {title}", body=text, url=url)


def _tell_schedule(mentorship: Mentorship, by: Membership, meeting: Meeting, what: str) -> None:
    """Tell the others that `by` scheduled, changed or cancelled a meeting ("moved a meeting")."""
    _tell_others(
        mentorship,
        by,
        meeting,
        kind=NotificationKind.MEETING_SCHEDULED,
        title=f"{what}: {meeting.title}",
        when=meeting.starts_at,
    )


def _bump(meeting: Meeting) -> None:
    """A new iCalendar SEQUENCE for what calendars see of this meeting."""
    if meeting.series_id is not None:
        MeetingSeries.objects.filter(pk=meeting.series_id).update(sequence=F("sequence") + 1)
    meeting.sequence += 1


# --- scheduling ---------------------------------------------------------------------------------


def _just_scheduled(
    mentorship: Mentorship, by: Membership, starts_at: dt.datetime, title: str, *, recurring: bool
) -> Meeting | None:
    """The same meeting `by` scheduled a moment ago, if any: a double submit (or a retried
    request) schedules once and tells the others once. The mentorship's row serialises the check."""
    Mentorship.objects.select_for_update().filter(pk=mentorship.pk).exists()
    return (
        Meeting.objects.filter(
            mentorship=mentorship,
            created_by=by,
            starts_at=starts_at,
            title=title,
            series__isnull=not recurring,
            status=MeetingStatus.SCHEDULED,
            created_at__gte=timezone.now() - DOUBLE_SUBMIT,
        )
        .select_related("series")
        .first()
    )


@transaction.atomic
def meeting_schedule(
    *,
    mentorship: Mentorship,
    by: Membership,
    plan: MeetingPlan,
    recurrence: Recurrence | None = None,
    now: dt.datetime | None = None,
    history: bool = False,
) -> Meeting:
    """Schedule one meeting, or a series; returns the (first) meeting.

    `history` records meetings of the past (imports, the demo): the mentorship may have ended
    since, and nobody is notified.
    """
    now = now or timezone.now()
    _participant(mentorship, by)
    if not history:
        _require_active(mentorship)
    tzid = time_zone_of(by)
    details = _clean_details({name: getattr(plan, name) for name in DETAIL_FIELDS})
    starts_at = to_utc(plan.starts_local, tzid)
    _check_start(starts_at, now)
    if not history:
        twin = _just_scheduled(mentorship, by, starts_at, details["title"], recurring=recurrence is not None)
        if twin is not None:
            return twin
    if recurrence is None:
        meeting = Meeting.objects.create(
            mentorship=mentorship,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(minutes=details["duration_minutes"]),
            tzid=tzid,
            created_by=by,
            **details,
        )
        what = "scheduled a meeting"
    else:
        count, until = _clean_recurrence(recurrence, starts_at=starts_at, tzid=tzid)
        series = MeetingSeries.objects.create(
            mentorship=mentorship,
            frequency=recurrence.frequency,
            starts_at=starts_at,
            tzid=tzid,
            count=count,
            until=until,
            materialised_until=starts_at - dt.timedelta(seconds=1),
            created_by=by,
            **details,
        )
        _materialise(series, now=now)
        meeting = series.occurrences.earliest("original_start")  # always materialised
        what = f"scheduled a recurring meeting ({series.get_frequency_display().lower()})"
    if not history:
        _tell_schedule(mentorship, by, meeting, what)
    return meeting


@transaction.atomic
def meeting_change(
    *,
    meeting: Meeting,
    by: Membership,
    changes: MeetingChanges,
    scope: str = "this",
    now: dt.datetime | None = None,
) -> Meeting:
    """Change one meeting (`scope="this"`), or it and the rest of its series (`"following"`).

    Moving one occurrence keeps its RECURRENCE-ID; changing the rest splits the series: the old
    one ends just before this occurrence and a new one starts from it. Meetings already held
    keep their notes and feedback.
    """
    now = now or timezone.now()
    mentorship = meeting.mentorship
    _participant(mentorship, by)
    if scope not in {"this", "following"}:
        raise MeetingInvalid("Choose this meeting, or this and the following ones.", field="scope")
    if changes.is_empty():
        return meeting
    values = _clean_details(
        {name: getattr(changes, name) for name in DETAIL_FIELDS if getattr(changes, name) is not None}
    )
    if changes.moves:
        if meeting.status != MeetingStatus.SCHEDULED:
            raise MeetingConflict(
                f"This meeting is {meeting.get_status_display().lower()}; only a scheduled one can move.",
                field="starts_at",
            )
        _require_active(mentorship)
    tzid = time_zone_of(by)
    new_start = to_utc(changes.starts_local, tzid) if changes.starts_local is not None else None
    if new_start is not None:
        _check_start(new_start, now)
    if scope == "following" and meeting.series_id is not None:
        if meeting.status != MeetingStatus.SCHEDULED:
            raise MeetingConflict("Only a scheduled meeting can start a change to the rest of its series.")
        changed = _change_following(
            meeting, series_id=meeting.series_id, values=values, new_start=new_start, tzid=tzid, now=now
        )
        what = "changed a recurring meeting from this one on"
    else:
        changed = _change_one(meeting, values=values, new_start=new_start)
        what = "moved a meeting" if changes.moves else "updated a meeting"
    _tell_schedule(mentorship, by, changed, what)
    return changed


def _change_one(meeting: Meeting, *, values: dict[str, Any], new_start: dt.datetime | None) -> Meeting:
    for name, value in values.items():
        setattr(meeting, name, value)
    if new_start is not None and new_start != meeting.starts_at:
        meeting.starts_at = new_start
        meeting.reminded_at = None  # reminded of the old time only
    meeting.ends_at = meeting.starts_at + dt.timedelta(minutes=meeting.duration_minutes)
    if meeting.series_id is not None:
        meeting.is_override = True
    _bump(meeting)
    meeting.save(
        update_fields=[
            *values,
            "starts_at",
            "ends_at",
            "reminded_at",
            "is_override",
            "sequence",
            "updated_at",
        ]
    )
    return meeting


def _has_content(meeting: Meeting) -> bool:
    return bool(meeting.shared_notes) or meeting.private_notes.exists() or meeting.feedback.exists()


def _follow_series(row: Meeting, series: MeetingSeries, slot: dt.datetime, *, keep_time: bool) -> None:
    """Make `row` the series' occurrence at `slot`, with the series' details. An occurrence
    moved on its own keeps its time (`keep_time`) when only the details of the rest change."""
    starts_at = row.starts_at if keep_time else slot
    if starts_at != row.starts_at:
        row.reminded_at = None  # a new time deserves a new reminder; the same time does not
    row.series = series
    row.original_start = slot
    row.starts_at = starts_at
    row.ends_at = starts_at + dt.timedelta(minutes=series.duration_minutes)
    row.tzid = series.tzid
    for name in DETAIL_FIELDS:
        setattr(row, name, getattr(series, name))
    row.is_override = keep_time
    row.sequence += 1
    row.save(update_fields=[*ROW_FIELDS, *DETAIL_FIELDS])


def _change_following(
    meeting: Meeting,
    *,
    series_id: int,
    values: dict[str, Any],
    new_start: dt.datetime | None,
    tzid: str,
    now: dt.datetime,
) -> Meeting:
    old = MeetingSeries.objects.select_for_update().get(pk=series_id)
    cut = meeting.original_start or meeting.starts_at
    earlier = _series_starts(old, before=cut)
    rows = list(old.occurrences.filter(original_start__gte=cut).order_by("original_start", "pk"))
    # Each row's place in the sequence from this occurrence on (0, 1, 2, …), read off the rule
    # before it changes: the n-th row becomes the n-th occurrence of the changed rule, so a meeting
    # held or cancelled in between keeps its slot and no other row slides into it.
    last = rows[-1].original_start if rows and rows[-1].original_start else cut
    slots_from_cut = [s for s in _series_starts(old, before=last + dt.timedelta(seconds=1)) if s >= cut]
    position = {slot: n for n, slot in enumerate(slots_from_cut)}
    start = new_start or cut
    # A new time is on the clock of whoever moved it; otherwise the series keeps its zone.
    tzid = tzid if new_start is not None else old.tzid
    count = old.count - len(earlier) if old.count is not None else None
    until = old.until
    if until is not None and start > until:
        raise MeetingInvalid("That is after the series' last meeting.", field="starts_at")
    day = start.astimezone(zone(tzid)).day
    if old.frequency == Frequency.MONTHLY_DATE and day > LAST_DAY_OF_EVERY_MONTH:
        raise MeetingInvalid(
            f"These meetings repeat on a date, and not every month has a {day}th: pick a day up to the 28th.",
            field="starts_at",
        )
    details = {name: values.get(name, getattr(old, name)) for name in DETAIL_FIELDS}
    if earlier:
        # End the old series just before this occurrence; a new one carries on from it.
        old.count, old.until = None, cut - dt.timedelta(seconds=1)
        old.sequence += 1
        old.save(update_fields=["count", "until", "sequence", "updated_at"])
        target = MeetingSeries.objects.create(
            mentorship_id=old.mentorship_id,
            frequency=old.frequency,
            starts_at=start,
            tzid=tzid,
            count=count,
            until=until,
            materialised_until=start - dt.timedelta(seconds=1),
            created_by=old.created_by,
            **details,
        )
    else:  # the first occurrence: the whole series changes, and keeps its UID
        target = old
        for name, value in details.items():
            setattr(target, name, value)
        target.starts_at, target.tzid = start, tzid
        target.materialised_until = start - dt.timedelta(seconds=1)
        target.sequence += 1
        target.save()
    slots = _series_starts(target, before=max(now + HORIZON, start + dt.timedelta(seconds=1)))
    # Free the RECURRENCE-IDs before reassigning them (one row per occurrence).
    Meeting.objects.filter(pk__in=[r.pk for r in rows]).update(original_start=None)
    for row in rows:
        n = position.get(row.original_start) if row.original_start else None
        slot = slots[n] if n is not None and n < len(slots) else None
        if row.status in {MeetingStatus.HELD, MeetingStatus.NO_SHOW}:
            # What took place keeps its time, details and notes: in the changed series it is that
            # occurrence changed on its own (or a meeting on its own if the series has no such slot).
            row.series, row.original_start, row.is_override = (
                (target, slot, True) if slot else (None, None, False)
            )
            row.save(update_fields=["series", "original_start", "is_override", "updated_at"])
        elif slot is not None:
            _follow_series(row, target, slot, keep_time=row.is_override and new_start is None)
        elif _has_content(row):  # past the changed series' end, with notes or feedback to keep
            Meeting.objects.filter(pk=row.pk).update(series=None, status=MeetingStatus.CANCELLED)
        else:
            row.delete()
    _materialise(target, now=now)
    return Meeting.objects.select_related("mentorship__organisation", "series").get(pk=meeting.pk)


@transaction.atomic
def meeting_cancel(
    *, meeting: Meeting, by: Membership, scope: str = "this", now: dt.datetime | None = None
) -> Meeting:
    """Cancel one meeting (an EXDATE in calendars), or it and the rest of its series."""
    now = now or timezone.now()
    mentorship = meeting.mentorship
    _participant(mentorship, by)
    if scope not in {"this", "following"}:
        raise MeetingInvalid("Choose this meeting, or this and the following ones.", field="scope")
    if meeting.status != MeetingStatus.SCHEDULED:
        raise MeetingConflict(f"This meeting is already {meeting.get_status_display().lower()}.")
    if scope == "following" and meeting.series_id is not None:
        series = MeetingSeries.objects.select_for_update().get(pk=meeting.series_id)
        cut = meeting.original_start or meeting.starts_at
        if _series_starts(series, before=cut):
            series.count, series.until = None, cut - dt.timedelta(seconds=1)
        else:
            series.cancelled = True
        series.sequence += 1
        series.save(update_fields=["count", "until", "cancelled", "sequence", "updated_at"])
        series.occurrences.filter(original_start__gte=cut, status=MeetingStatus.SCHEDULED).update(
            status=MeetingStatus.CANCELLED, status_changed_by=by, sequence=F("sequence") + 1
        )
        what = "cancelled a recurring meeting from this one on"
    else:
        meeting.status = MeetingStatus.CANCELLED
        meeting.status_changed_by = by
        _bump(meeting)
        meeting.save(update_fields=STATUS_FIELDS)
        what = "cancelled a meeting"
    meeting.refresh_from_db()
    _tell_schedule(mentorship, by, meeting, what)
    return meeting


ATTENDANCE = (MeetingStatus.HELD, MeetingStatus.NO_SHOW, MeetingStatus.CANCELLED, MeetingStatus.SCHEDULED)


@transaction.atomic
def meeting_set_attendance(
    *, meeting: Meeting, by: Membership, status: str, now: dt.datetime | None = None
) -> Meeting:
    """Record whether a meeting was held, missed (no-show) or cancelled — or undo that."""
    now = now or timezone.now()
    _participant(meeting.mentorship, by)
    if status not in ATTENDANCE:
        raise MeetingInvalid("Choose held, no-show or cancelled.", field="status")
    if status == MeetingStatus.CANCELLED:
        return meeting_cancel(meeting=meeting, by=by, now=now)
    if status in {MeetingStatus.HELD, MeetingStatus.NO_SHOW} and meeting.starts_at > now:
        raise MeetingConflict("A meeting can be marked held or missed once it has started.", field="status")
    if status == meeting.status:
        return meeting
    if meeting.status == MeetingStatus.CANCELLED and status == MeetingStatus.SCHEDULED:
        _require_active(meeting.mentorship)  # a closed mentorship's meetings stay called off
    update = list(STATUS_FIELDS)
    if meeting.status == MeetingStatus.CANCELLED and not _series_covers(meeting):
        # Cancelled with the rest of its series, whose rule now ends before it: it comes back as a
        # meeting on its own, so calendars (which read the rule) get it back too.
        meeting.series, meeting.original_start, meeting.is_override = None, None, False
        update += ["series", "original_start", "is_override"]
    meeting.status = status
    meeting.status_changed_by = by
    _bump(meeting)
    meeting.save(update_fields=update)
    return meeting


def _series_covers(meeting: Meeting) -> bool:
    """Whether the meeting's series (if any) still has it among its occurrences."""
    if meeting.series_id is None:
        return True
    series = MeetingSeries.objects.get(pk=meeting.series_id)
    start = meeting.original_start or meeting.starts_at
    return not series.cancelled and (series.until is None or start <= series.until)


# --- notes and feedback -------------------------------------------------------------------------


@transaction.atomic
def meeting_notes_save(
    *, meeting: Meeting, by: Membership, text: str, now: dt.datetime | None = None
) -> Meeting:
    """Save the shared notes both sides edit (the last save wins)."""
    _participant(meeting.mentorship, by)
    text = text.strip()
    if len(text) > 20000:
        raise MeetingInvalid("Notes are at most 20,000 characters.", field="shared_notes")
    meeting.shared_notes = text
    meeting.notes_edited_by = by
    meeting.notes_edited_at = now or timezone.now()
    meeting.save(update_fields=["shared_notes", "notes_edited_by", "notes_edited_at", "updated_at"])
    return meeting


@transaction.atomic
def private_note_save(*, meeting: Meeting, by: Membership, text: str) -> PrivateNote | None:
    """Save the author's own note on a meeting (empty text deletes it). Nobody else reads it."""
    _participant(meeting.mentorship, by)
    text = text.strip()
    if len(text) > 20000:
        raise MeetingInvalid("Notes are at most 20,000 characters.", field="text")
    if not text:
        PrivateNote.objects.filter(meeting=meeting, author=by).delete()
        return None
    note, _ = PrivateNote.objects.update_or_create(meeting=meeting, author=by, defaults={"text": text})
    return note


@transaction.atomic
def feedback_give(
    *,
    meeting: Meeting,
    by: Membership,
    rating: int,
    comment: str = "",
    shared: bool = False,
    now: dt.datetime | None = None,
    notify_others: bool = True,
) -> SessionFeedback:
    """Rate a meeting that took place (1–5) with an optional comment, shared with the other
    side or kept to oneself. Giving it again replaces it."""
    now = now or timezone.now()
    _participant(meeting.mentorship, by)
    if meeting.status in {MeetingStatus.CANCELLED, MeetingStatus.NO_SHOW}:
        raise MeetingConflict(f"This meeting was {meeting.get_status_display().lower()}: nothing to rate.")
    if meeting.status != MeetingStatus.HELD and meeting.starts_at > now:
        raise MeetingConflict("Feedback opens once the meeting has taken place.")
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise MeetingInvalid("Rate the meeting from 1 (poor) to 5 (excellent).", field="rating")
    comment = comment.strip()
    if len(comment) > 4000:
        raise MeetingInvalid("Comments are at most 4000 characters.", field="comment")
    existing = SessionFeedback.objects.select_for_update().filter(meeting=meeting, author=by).first()
    newly_shared = shared and (existing is None or not existing.shared)
    feedback, _ = SessionFeedback.objects.update_or_create(
        meeting=meeting,
        author=by,
        defaults={
            "rating": rating,
            "comment": comment,
            "shared": shared,
            "shared_at": (now if newly_shared else existing.shared_at if existing and shared else None),
        },
    )
    if newly_shared and notify_others:
        _tell_others(
            meeting.mentorship,
            by,
            meeting,
            kind=NotificationKind.FEEDBACK,
            title=f"shared feedback on “{meeting.title}”",
            body=f"Rating: {rating}/5.",
        )
    return feedback


# --- calendar feeds -----------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_create(*, membership: Membership) -> tuple[CalendarFeed, str]:
    """A new private feed URL token for the member (the old one stops working); returns the feed
    and the raw token, which is shown once and never stored."""
    # Two requests at once (a double click) take turns, so the second revokes the first's feed
    # instead of breaking the one-live-feed-per-member constraint.
    Membership.objects.select_for_update().filter(pk=membership.pk).exists()
    CalendarFeed.objects.filter(membership=membership, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    raw = FEED_TOKEN_PREFIX + secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(membership=membership, token_hash=hash_token(raw), prefix=raw[:10])
    return feed, raw


def calendar_feed_revoke(*, membership: Membership) -> CalendarFeed:
    feed = CalendarFeed.objects.filter(membership=membership, revoked_at__isnull=True).first()
    if feed is None:
        raise FeedNotFound("You have no calendar feed to revoke.")
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at"])
    return feed


def calendar_feed_authenticate(*, org_slug: str, raw: str) -> Membership | None:
    """The active member of `org_slug` whose live feed token this is, or None. Records use."""
    if not raw.startswith(FEED_TOKEN_PREFIX):
        return None
    feed = (
        CalendarFeed.objects.select_related("membership__organisation", "membership__user")
        .filter(
            token_hash=hash_token(raw),
            revoked_at__isnull=True,
            membership__is_active=True,
            membership__user__is_active=True,
            membership__organisation__slug=org_slug,
        )
        .first()
    )
    if feed is None:
        return None
    now = timezone.now()
    if feed.last_used_at is None or (now - feed.last_used_at) > dt.timedelta(minutes=5):
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    return feed.membership


# --- periodic jobs ------------------------------------------------------------------------------


def meeting_series_extend(*, now: dt.datetime | None = None) -> int:
    """Roll every open series' occurrences forward to the horizon; returns rows created."""
    now = now or timezone.now()
    created = 0
    stale = MeetingSeries.objects.filter(
        cancelled=False, materialised_until__lt=now + HORIZON - dt.timedelta(days=1)
    ).filter(Q(until__isnull=True) | Q(until__gt=F("materialised_until")))
    for series_id in stale.values_list("pk", flat=True):
        with transaction.atomic():
            series = MeetingSeries.objects.select_for_update().get(pk=series_id)
            created += _materialise(series, now=now)
    return created


def meeting_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind both sides of each meeting starting within a day; once per meeting."""
    now = now or timezone.now()
    due = (
        Meeting.objects.filter(
            status=MeetingStatus.SCHEDULED,
            reminded_at__isnull=True,
            starts_at__gt=now,
            starts_at__lte=now + REMINDER_LEAD,
            mentorship__status=MentorshipStatus.ACTIVE,
        )
        .select_related("mentorship__organisation")
        .prefetch_related("mentorship__members__membership__profile", "mentorship__members__membership__user")
    )
    sent = 0
    for meeting in due:
        with transaction.atomic():
            if not Meeting.objects.filter(pk=meeting.pk, reminded_at__isnull=True).update(reminded_at=now):
                continue  # another run got there first
            url = meeting_url(meeting, meeting.mentorship.organisation.slug)
            where = meeting.video_link or meeting.location or meeting.get_format_display()
            for member in meeting.mentorship.members.all():
                if not member.membership.is_active:
                    continue
                when = local_text(meeting.starts_at, time_zone_of(member.membership))
                notify(
                    recipient=member.membership,
                    kind=NotificationKind.MEETING_REMINDER,
                    title=f"Reminder: “{meeting.title}” on {when}",
                    body=f"{meeting.get_format_display()}: {where}.{_agenda_line(meeting)}",
                    url=url,
                )
                sent += 1
    return sent


def _agenda_line(meeting: Meeting) -> str:
    return f" Agenda: {meeting.agenda}" if meeting.agenda else ""


def cadence_nudges_send(*, now: dt.datetime | None = None) -> int:
    """Nudge both sides of each active mentorship whose agreed cadence lapsed: no meeting held
    (or still scheduled) within it since the last one, and none coming within it. One nudge per
    lapse, counted from the last meeting (or the start)."""
    now = now or timezone.now()
    met = Q(meetings__status__in=[MeetingStatus.HELD, MeetingStatus.SCHEDULED], meetings__starts_at__lte=now)
    coming = Q(meetings__status=MeetingStatus.SCHEDULED, meetings__starts_at__gt=now)
    mentorships = (
        Mentorship.objects.filter(status=MentorshipStatus.ACTIVE)
        .annotate(
            last_met=Max("meetings__starts_at", filter=met), next_at=Min("meetings__starts_at", filter=coming)
        )
        .select_related("organisation", "program")
        .prefetch_related("members__membership__user")
    )
    sent = 0
    for mentorship in mentorships:
        cadence = dt.timedelta(days=agreed_cadence_days(mentorship))
        anchor = max(
            moment
            for moment in (mentorship.last_met, mentorship.started_at, mentorship.created_at)
            if moment is not None
        )
        if now <= anchor + cadence:
            continue
        next_at = mentorship.next_at
        if next_at is not None and next_at <= now + cadence:
            continue
        sent += _nudge(mentorship, anchor=anchor, cadence_days=cadence.days)
    return sent


def _nudge(mentorship: Mentorship, *, anchor: dt.datetime, cadence_days: int) -> int:
    try:
        with transaction.atomic():
            CadenceNudge.objects.create(mentorship=mentorship, anchor=anchor)
            url = reverse(
                "meetings:mentorship",
                kwargs={"org_slug": mentorship.organisation.slug, "mentorship_id": mentorship.pk},
            )
            members = [m for m in mentorship.members.all() if m.membership.is_active]
            for member in members:
                others = ", ".join(
                    o.membership.user.full_name or o.membership.user.email for o in members if o is not member
                )
                notify(
                    recipient=member.membership,
                    kind=NotificationKind.CADENCE_NUDGE,
                    title=f"Time to meet{' ' + others if others else ''} again",
                    body=(
                        f"You agreed to meet about every {cadence_days} days, and nothing is scheduled. "
                        "Pick a time that suits you both."
                    ),
                    url=url,
                )
            return len(members)
    except IntegrityError:  # another run nudged this lapse a moment ago
        return 0
