"""API shapes for meetings, notes, session feedback and calendar feeds.

Times a client sends without an offset are read on the caller's own clock (their profile's time
zone); with an offset they are taken as given. Every time sent back is in UTC (ISO 8601), with
the series' zone (`tzid`) and the caller's (`viewer_time_zone`) to show it locally.
"""

# No `from __future__ import annotations`: ninja reads these schemas at runtime.

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import field_validator

from tandem.meetings.models import (
    Frequency,
    Meeting,
    MeetingFormat,
    MeetingSeries,
    MeetingStatus,
    SessionFeedback,
)
from tandem.meetings.recurrence import rule_parts, zone
from tandem.organisations.schemas import InputSchema, ObjectId, not_null_error

# --- reading ------------------------------------------------------------------------------------


class SeriesOut(Schema):
    id: int
    frequency: Frequency
    tzid: str = Field(description="The IANA zone the series recurs in (its organiser's)")
    starts_at: dt.datetime
    count: int | None
    until: dt.datetime | None
    rrule: str = Field(description="The RFC 5545 RRULE value")
    cancelled: bool

    @staticmethod
    def resolve_rrule(obj: MeetingSeries) -> str:
        return rule_parts(
            frequency=obj.frequency,
            local_start=obj.starts_at.astimezone(zone(obj.tzid)),
            count=obj.count,
            until=obj.until,
        )


class MeetingOut(Schema):
    id: int
    mentorship_id: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    duration_minutes: int
    tzid: str
    status: MeetingStatus
    formal: bool
    format: MeetingFormat
    location: str
    video_link: str
    agenda: str
    series_id: int | None
    recurrence_id: dt.datetime | None = Field(
        description="For an occurrence of a series: the start the rule gave it (RECURRENCE-ID)"
    )
    is_override: bool = Field(description="This occurrence was changed on its own")
    has_shared_notes: bool
    my_rating: int | None = Field(description="The caller's own rating, if they gave one")

    @staticmethod
    def resolve_recurrence_id(obj: Meeting) -> dt.datetime | None:
        return obj.original_start

    @staticmethod
    def resolve_has_shared_notes(obj: Meeting) -> bool:
        return bool(obj.shared_notes)

    @staticmethod
    def resolve_my_rating(obj: Meeting) -> int | None:
        return getattr(obj, "my_rating", None)


class FeedbackOut(Schema):
    author_membership_id: int
    author_name: str
    rating: int
    comment: str
    shared: bool
    updated_at: dt.datetime

    @staticmethod
    def resolve_author_membership_id(obj: SessionFeedback) -> int:
        return obj.author_id

    @staticmethod
    def resolve_author_name(obj: SessionFeedback) -> str:
        return str(obj.author.user.full_name or obj.author.user.email)


class PrivateNoteOut(Schema):
    text: str
    updated_at: dt.datetime


class MeetingDetailOut(MeetingOut):
    shared_notes: str
    notes_edited_by_membership_id: int | None
    notes_edited_at: dt.datetime | None
    series: SeriesOut | None
    viewer_time_zone: str
    my_private_note: PrivateNoteOut | None = Field(description="The caller's own note; nobody else's, ever")
    my_feedback: FeedbackOut | None
    feedback_shared_with_me: list[FeedbackOut]

    @staticmethod
    def resolve_notes_edited_by_membership_id(obj: Meeting) -> int | None:
        return obj.notes_edited_by_id


class RatingSummaryOut(Schema):
    count: int = Field(description="Ratings given")
    average: float | None
    distribution: dict[int, int] = Field(description="How many ratings of each value, 1–5")
    mentorships: int = Field(description="Mentorships the ratings come from")


class FeedStatusOut(Schema):
    active: bool
    prefix: str | None = Field(description="The first characters of the token, to recognise it")
    created_at: dt.datetime | None
    last_used_at: dt.datetime | None


class FeedCreatedOut(Schema):
    url: str = Field(description="The private feed address — shown this once, never again")
    prefix: str
    created_at: dt.datetime


# --- writing ------------------------------------------------------------------------------------


class RecurrenceIn(InputSchema):
    frequency: Frequency
    count: int | None = Field(None, description="End after this many meetings (2–100) …")
    until: dt.date | None = Field(None, description="… or on this day (inclusive), in the caller's zone")


class MeetingIn(InputSchema):
    title: str = Field(max_length=120)
    starts_at: dt.datetime = Field(description="Without an offset: on the caller's own clock")
    duration_minutes: int = Field(60, ge=5, le=480)
    formal: bool = True
    format: MeetingFormat = MeetingFormat.VIDEO
    location: str = Field("", max_length=200)
    video_link: str = Field("", max_length=500, description="An https:// address")
    agenda: str = Field("", max_length=4000)
    recurrence: RecurrenceIn | None = Field(None, description="Leave out for a single meeting")


class MeetingPatchIn(InputSchema):
    """Change a meeting: only the fields present change. `scope` says whether a change of time
    or details applies to this meeting or also to the rest of its series."""

    scope: Literal["this", "following"] = "this"
    title: str | None = Field(None, max_length=120)
    starts_at: dt.datetime | None = None
    duration_minutes: int | None = Field(None, ge=5, le=480)
    formal: bool | None = None
    format: MeetingFormat | None = None
    location: str | None = Field(None, max_length=200)
    video_link: str | None = Field(None, max_length=500)
    agenda: str | None = Field(None, max_length=4000)
    shared_notes: str | None = Field(None, max_length=20000, description="The notes both sides edit")

    @field_validator(
        "title",
        "starts_at",
        "duration_minutes",
        "formal",
        "format",
        "location",
        "video_link",
        "agenda",
        "shared_notes",
        mode="before",
    )
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise not_null_error()
        return value


class AttendanceIn(InputSchema):
    status: Literal["held", "no_show", "cancelled", "scheduled"]


class CancelIn(InputSchema):
    scope: Literal["this", "following"] = "this"


class PrivateNoteIn(InputSchema):
    text: str = Field(max_length=20000, description="Empty deletes the note")


class FeedbackIn(InputSchema):
    rating: int = Field(ge=1, le=5)
    comment: str = Field("", max_length=4000)
    shared: bool = Field(default=False, description="Share with the other side (admins never see comments)")


class MeetingQuery(Schema):
    when: Literal["upcoming", "past"] | None = Field(None, description="Upcoming (soonest first) or past")
    limit: int = Field(20, ge=1, le=1_000_000, description="At most 100 a page")
    offset: int = Field(0, ge=0, le=1_000_000)


class MeetingPageOut(Schema):
    count: int
    viewer_time_zone: str
    items: list[MeetingOut]


class RatingQuery(Schema):
    program_id: ObjectId | None = None
