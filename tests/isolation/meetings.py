"""Meetings' part of the tenant isolation walk (tests/test_api_isolation.py)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tandem.meetings.models import CalendarFeed, Meeting, MeetingSeries, PrivateNote, SessionFeedback
from tandem.meetings.services import (
    MeetingPlan,
    Recurrence,
    calendar_feed_create,
    feedback_give,
    meeting_schedule,
    private_note_save,
)
from tandem.mentorships.models import Mentorship
from tandem.organisations.models import Organisation
from tests.isolation import Endpoint, OrgB

MEETINGS = "/orgs/{org_slug}/mentorships/{mentorship_id}/meetings"
MEETING = MEETINGS + "/{meeting_id}"
# B's admin mentors in this one (the core "mentorship_id" is a proposed match).
AS_MENTOR = (("mentorship_id", "mentorship_as_mentor_id"),)

ENDPOINTS = [
    Endpoint("get", MEETINGS, use=AS_MENTOR),
    Endpoint(
        "post",
        MEETINGS,
        {"title": "Planted by A", "starts_at": f"{timezone.localdate() + dt.timedelta(days=30)}T09:00:00"},
        use=AS_MENTOR,
    ),
    Endpoint("get", MEETING, use=AS_MENTOR),
    Endpoint("patch", MEETING, {"agenda": "Rewritten by A", "shared_notes": "Read by A"}, use=AS_MENTOR),
    Endpoint("post", MEETING + "/attendance", {"status": "held"}, use=AS_MENTOR),
    Endpoint("post", MEETING + "/cancel", {"scope": "this"}, use=AS_MENTOR),
    Endpoint("put", MEETING + "/private-note", {"text": "Planted by A"}, use=AS_MENTOR),
    Endpoint("post", MEETING + "/feedback", {"rating": 1, "comment": "By A", "shared": True}, use=AS_MENTOR),
    Endpoint("get", MEETING + "/ics", use=AS_MENTOR),
    Endpoint("get", "/orgs/{org_slug}/calendar-feed"),
    Endpoint("post", "/orgs/{org_slug}/calendar-feed"),
    Endpoint("delete", "/orgs/{org_slug}/calendar-feed"),
    Endpoint("get", "/orgs/{org_slug}/meeting-ratings"),
]


def setup(b: OrgB) -> dict[str, int]:
    """A weekly series in B's admin's mentorship (as mentor) whose first meeting was yesterday,
    with notes and feedback, and B's admin's calendar feed."""
    mentorship = Mentorship.objects.get(pk=b.ids["mentorship_as_mentor_id"])
    yesterday = (timezone.now() - dt.timedelta(days=1)).replace(tzinfo=None, second=0, microsecond=0)
    first = meeting_schedule(
        mentorship=mentorship,
        by=b.admin,
        plan=MeetingPlan(title="B's weekly", starts_local=yesterday, agenda="B's agenda"),
        recurrence=Recurrence(frequency="weekly", count=4),
    )
    mentee = next(m.membership for m in mentorship.members.all() if m.membership_id != b.admin.pk)
    private_note_save(meeting=first, by=mentee, text="B's mentee's secret")
    feedback_give(meeting=first, by=mentee, rating=4, comment="B's unshared comment")
    calendar_feed_create(membership=b.admin)
    return {"meeting_id": first.pk}


def snapshot(org_b: Organisation) -> tuple[object, ...]:
    meetings = Meeting.objects.filter(mentorship__organisation=org_b)
    return (
        tuple(
            meetings.order_by("pk").values_list(
                "pk", "status", "starts_at", "agenda", "shared_notes", "series_id", "sequence"
            )
        ),
        tuple(
            MeetingSeries.objects.filter(mentorship__organisation=org_b)
            .order_by("pk")
            .values_list("pk", "count", "until", "sequence", "cancelled")
        ),
        tuple(
            PrivateNote.objects.filter(meeting__in=meetings)
            .order_by("pk")
            .values_list("pk", "author_id", "text")
        ),
        tuple(
            SessionFeedback.objects.filter(meeting__in=meetings)
            .order_by("pk")
            .values_list("pk", "author_id", "rating", "comment", "shared")
        ),
        tuple(
            CalendarFeed.objects.filter(membership__organisation=org_b)
            .order_by("pk")
            .values_list("pk", "token_hash", "revoked_at")
        ),
    )
