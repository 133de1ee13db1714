"""Reads for meetings. The mentorship passed in was opened for the viewer by
`tandem.mentorships.selectors.mentorship_get` (scoped by organisation and participation);
these selectors then decide what of it the viewer may read:

- meetings, their shared notes and .ics files: the people in the mentorship only;
- a private note: its author only — never the other side, never an admin;
- session feedback: its author, and the other side once shared; admins see ratings only in
  aggregate (`rating_summary`), never a comment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Avg, Count, Exists, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from tandem.meetings.errors import MeetingNotAllowed, MeetingNotFound
from tandem.meetings.models import (
    CalendarFeed,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    PrivateNote,
    SessionFeedback,
)
from tandem.mentorships.models import Mentorship, MentorshipMember
from tandem.mentorships.selectors import member_of
from tandem.organisations.models import Membership, Organisation

When = Literal["upcoming", "past"]


def _require_participant(mentorship: Mentorship, viewer: Membership) -> None:
    # The mentorship may have been opened for oversight: admins do not read meetings.
    if member_of(mentorship, viewer) is None:
        raise MeetingNotFound("No such meeting.")


def meeting_list(
    *, mentorship: Mentorship, viewer: Membership, when: When | None = None, now: dt.datetime | None = None
) -> QuerySet[Meeting]:
    """The mentorship's meetings, upcoming (not yet ended, soonest first) or past (latest first),
    each with `my_rating` and `has_my_note` (the viewer's own; one query, any length)."""
    _require_participant(mentorship, viewer)
    now = now or timezone.now()
    mine = SessionFeedback.objects.filter(meeting=OuterRef("pk"), author=viewer)
    meetings = (
        Meeting.objects.filter(mentorship=mentorship)
        .select_related("series")
        .annotate(
            my_rating=Subquery(mine.values("rating")[:1]),
            has_my_note=Exists(PrivateNote.objects.filter(meeting=OuterRef("pk"), author=viewer)),
        )
    )
    if when == "upcoming":
        return meetings.filter(ends_at__gt=now).order_by("starts_at", "pk")
    if when == "past":
        return meetings.filter(ends_at__lte=now).order_by("-starts_at", "-pk")
    return meetings.order_by("starts_at", "pk")


def meeting_get(*, mentorship: Mentorship, viewer: Membership, meeting_id: int) -> Meeting:
    """One meeting of the mentorship, for a participant; to anyone else it does not exist."""
    _require_participant(mentorship, viewer)
    meeting = (
        Meeting.objects.filter(mentorship=mentorship, pk=meeting_id)
        .select_related("series", "notes_edited_by__user", "status_changed_by__user")
        .first()
    )
    if meeting is None:
        raise MeetingNotFound("No such meeting.")
    meeting.mentorship = mentorship  # keep the prefetched members
    return meeting


def private_note_of(*, meeting: Meeting, viewer: Membership) -> PrivateNote | None:
    """The viewer's own private note on the meeting — the only one anyone can read."""
    return PrivateNote.objects.filter(meeting=meeting, author=viewer).first()


@dataclass(frozen=True)
class MeetingFeedback:
    mine: SessionFeedback | None
    shared_with_me: list[SessionFeedback]


def meeting_feedback(*, meeting: Meeting, viewer: Membership) -> MeetingFeedback:
    """The viewer's own feedback, and what the other side chose to share with them."""
    rows = list(
        SessionFeedback.objects.filter(meeting=meeting)
        .filter(Q(author=viewer) | Q(shared=True))
        .select_related("author__user")
        .order_by("created_at", "pk")
    )
    mine = next((f for f in rows if f.author_id == viewer.pk), None)
    return MeetingFeedback(mine, [f for f in rows if f.author_id != viewer.pk])


def series_of(*, meeting: Meeting) -> tuple[MeetingSeries, list[Meeting]] | None:
    """The meeting's series with all its occurrence rows, or None for a one-off meeting."""
    if meeting.series_id is None:
        return None
    series = MeetingSeries.objects.get(pk=meeting.series_id)
    return series, list(series.occurrences.order_by("original_start", "pk"))


def calendar_feed_of(*, membership: Membership) -> CalendarFeed | None:
    """The member's live calendar feed (its token is never readable again)."""
    return CalendarFeed.objects.filter(membership=membership, revoked_at__isnull=True).first()


@dataclass(frozen=True)
class FeedContent:
    series: list[MeetingSeries]  # each with `rows` (its occurrences) and `people`
    meetings: list[Meeting]  # one-off meetings, each with `people`


def _members() -> Prefetch[Any]:
    return Prefetch(
        "mentorship__members",
        queryset=MentorshipMember.objects.select_related("membership__user").order_by("role", "pk"),
    )


def feed_content(*, membership: Membership) -> FeedContent:
    """Everything in a member's calendar feed: the meetings of their mentorships in its
    organisation (four queries, any size). Notes and feedback are never part of it."""
    mine = Q(
        mentorship__organisation_id=membership.organisation_id, mentorship__members__membership=membership
    )
    series = list(
        MeetingSeries.objects.filter(mine)
        .select_related("mentorship")
        .prefetch_related(
            _members(), Prefetch("occurrences", queryset=Meeting.objects.order_by("original_start", "pk"))
        )
        .order_by("starts_at", "pk")
    )
    meetings = list(
        Meeting.objects.filter(mine, series__isnull=True)
        .select_related("mentorship")
        .prefetch_related(_members())
        .order_by("starts_at", "pk")
    )
    return FeedContent(series, meetings)


# --- contracts for the health signal ------------------------------------------------------------


@dataclass(frozen=True)
class MeetingStats:
    held: int
    no_show: int
    cancelled: int
    last_held_at: dt.datetime | None
    next_at: dt.datetime | None


def meeting_stats(mentorship: Mentorship, *, since: dt.datetime) -> MeetingStats:
    """Meetings held, missed and cancelled among those starting since `since`; the start of the
    last meeting ever held, and of the next scheduled one (one query)."""
    now = timezone.now()
    recent = Q(starts_at__gte=since)
    row = Meeting.objects.filter(mentorship=mentorship).aggregate(
        held=Count("pk", filter=recent & Q(status=MeetingStatus.HELD)),
        no_show=Count("pk", filter=recent & Q(status=MeetingStatus.NO_SHOW)),
        cancelled=Count("pk", filter=recent & Q(status=MeetingStatus.CANCELLED)),
        last_held_at=Max("starts_at", filter=Q(status=MeetingStatus.HELD)),
        next_at=Min("starts_at", filter=Q(status=MeetingStatus.SCHEDULED, starts_at__gt=now)),
    )
    return MeetingStats(**row)


def average_rating(mentorship: Mentorship, *, since: dt.datetime) -> float | None:
    """The mean of every session rating (shared or not) on meetings starting since `since`."""
    value = SessionFeedback.objects.filter(
        meeting__mentorship=mentorship, meeting__starts_at__gte=since
    ).aggregate(mean=Avg("rating"))["mean"]
    return None if value is None else float(value)


# --- aggregate ratings for program admins -------------------------------------------------------


@dataclass(frozen=True)
class RatingSummary:
    count: int
    average: float | None
    distribution: dict[int, int]  # rating → how many
    mentorships: int


def rating_summary(
    *, organisation: Organisation, viewer: Membership, program_id: int | None = None
) -> RatingSummary:
    """Session ratings across the organisation (or one program) in aggregate, for program
    admins; no comment and no author is ever part of it."""
    if not viewer.is_program_admin:
        raise MeetingNotAllowed("Only program admins see session ratings, and only in aggregate.")
    feedback = SessionFeedback.objects.filter(meeting__mentorship__organisation=organisation)
    if program_id is not None:
        feedback = feedback.filter(meeting__mentorship__program_id=program_id)
    totals = feedback.aggregate(
        count=Count("pk"),
        average=Avg("rating"),
        mentorships=Count("meeting__mentorship", distinct=True),
        **{f"r{n}": Count("pk", filter=Q(rating=n)) for n in range(1, 6)},
    )
    average = totals["average"]
    return RatingSummary(
        count=totals["count"],
        average=None if average is None else round(float(average), 2),
        distribution={n: totals[f"r{n}"] for n in range(1, 6)},
        mentorships=totals["mentorships"],
    )
