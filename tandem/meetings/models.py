"""Meetings of a mentorship: recurring series, their occurrences, notes, session feedback,
calendar feeds and the cadence nudges already sent.

Times are stored in UTC. A series also keeps the IANA zone (`tzid`) it was scheduled in, so
its recurrence is evaluated on the organiser's wall clock: 09:00 Europe/London stays 09:00
local across daylight-saving changes, whatever UTC instant that is.
"""

from __future__ import annotations

from django.db import models

from tandem.mentorships.models import Mentorship
from tandem.organisations.models import Membership


class MeetingFormat(models.TextChoices):
    VIDEO = "video", "Video call"
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "No-show"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Every week"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY_WEEKDAY = "monthly_weekday", "Monthly on the same weekday (e.g. the 2nd Tuesday)"
    MONTHLY_DATE = "monthly_date", "Monthly on the same date (e.g. the 15th)"


class MeetingDetails(models.Model):
    """What a meeting is about and where; shared by series and occurrences (which may override)."""

    title = models.CharField(max_length=120)
    formal = models.BooleanField(default=True)
    format = models.CharField(max_length=10, choices=MeetingFormat.choices, default=MeetingFormat.VIDEO)
    location = models.CharField(max_length=200, blank=True)
    video_link = models.URLField(max_length=500, blank=True)
    agenda = models.TextField(max_length=4000, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(default=60)

    class Meta:
        abstract = True


class MeetingSeries(MeetingDetails):
    """A recurring meeting (RFC 5545 RRULE), evaluated in `tzid` from `starts_at`.

    Occurrences are materialised as `Meeting` rows up to `materialised_until` (a rolling
    horizon, extended by a periodic job) or to the rule's end, whichever comes first.
    """

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="meeting_series")
    frequency = models.CharField(max_length=20, choices=Frequency.choices)
    # The first occurrence (DTSTART), in UTC; its wall-clock time in `tzid` is the rule's time.
    starts_at = models.DateTimeField()
    tzid = models.CharField(max_length=64, default="UTC")
    # The end of the rule: after `count` occurrences, or on/before `until` (UTC), never both.
    count = models.PositiveSmallIntegerField(null=True, blank=True)
    until = models.DateTimeField(null=True, blank=True)
    materialised_until = models.DateTimeField()
    # Cancelled from its first occurrence on: calendars show it as cancelled.
    cancelled = models.BooleanField(default=False)
    # iCalendar SEQUENCE, bumped whenever the series or one of its occurrences changes.
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(count__isnull=False) & models.Q(until__isnull=False)),
                name="meetingseries_count_or_until",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_frequency_display()})"


class Meeting(MeetingDetails):
    """One meeting: on its own, or one occurrence of a series (then `original_start` is the
    RECURRENCE-ID, the start the rule gave it before any reschedule)."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="meetings")
    series = models.ForeignKey(
        MeetingSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="occurrences"
    )
    original_start = models.DateTimeField(null=True, blank=True)
    # This occurrence was changed on its own (time or details): a separate VEVENT in the .ics.
    is_override = models.BooleanField(default=False)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    tzid = models.CharField(max_length=64, default="UTC")
    status = models.CharField(max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    status_changed_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Shared notes: one text both sides edit.
    shared_notes = models.TextField(max_length=20000, blank=True)
    notes_edited_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notes_edited_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["mentorship", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "original_start"],
                condition=models.Q(series__isnull=False),
                name="meeting_one_row_per_occurrence",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} at {self.starts_at:%Y-%m-%d %H:%M} UTC"


class PrivateNote(models.Model):
    """A participant's own note on a meeting. Only its author ever reads it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=20000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "author"], name="privatenote_one_per_author")
        ]

    def __str__(self) -> str:
        return f"Private note by {self.author_id} on meeting {self.meeting_id}"


class SessionFeedback(models.Model):
    """A participant's rating (1–5) and comment on a meeting. The other side sees it only when
    `shared`; program admins only ever see ratings in aggregate."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField()
    comment = models.TextField(max_length=4000, blank=True)
    shared = models.BooleanField(default=False)
    shared_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "author"], name="sessionfeedback_one_per_author"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="sessionfeedback_rating_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback by {self.author_id} on meeting {self.meeting_id}"


class CalendarFeed(models.Model):
    """A member's private iCalendar feed of their meetings in one organisation.

    The URL carries a random token; only its SHA-256 digest is stored. Revoking (or
    regenerating, which revokes the old one) makes the old URL answer 404.
    """

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12, help_text="First characters, to recognise the URL.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership"],
                condition=models.Q(revoked_at__isnull=True),
                name="calendarfeed_one_active_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"Calendar feed {self.prefix}… of {self.membership_id}"


class CadenceNudge(models.Model):
    """A nudge sent because a mentorship's agreed cadence lapsed. `anchor` is the last meeting
    (or the start) the lapse was counted from: one nudge per lapse, never two."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="cadence_nudges")
    anchor = models.DateTimeField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "anchor"], name="cadencenudge_one_per_lapse")
        ]

    def __str__(self) -> str:
        return f"Cadence nudge for {self.mentorship_id} since {self.anchor:%Y-%m-%d}"
