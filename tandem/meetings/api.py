"""JSON API of the meetings app: organisation-scoped under /api/orgs/{org_slug}/.

A mentorship's meetings exist only for the people in it (anyone else, admins included, gets
404). A caller reads their own private note and feedback, and the feedback the other side
shared — nothing else. Program admins get session ratings in aggregate only.
"""

# No `from __future__ import annotations`: ninja reads signatures at runtime.

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router, Status

from tandem.meetings import ical
from tandem.meetings.models import Meeting, PrivateNote, SessionFeedback
from tandem.meetings.schemas import (
    AttendanceIn,
    CancelIn,
    FeedbackIn,
    FeedbackOut,
    FeedCreatedOut,
    FeedStatusOut,
    MeetingDetailOut,
    MeetingIn,
    MeetingPageOut,
    MeetingPatchIn,
    MeetingQuery,
    PrivateNoteIn,
    PrivateNoteOut,
    RatingQuery,
    RatingSummaryOut,
)
from tandem.meetings.selectors import (
    RatingSummary,
    calendar_feed_of,
    meeting_feedback,
    meeting_get,
    meeting_list,
    private_note_of,
    rating_summary,
    series_of,
)
from tandem.meetings.services import (
    MeetingChanges,
    MeetingPlan,
    Recurrence,
    calendar_feed_create,
    calendar_feed_revoke,
    feedback_give,
    meeting_cancel,
    meeting_change,
    meeting_notes_save,
    meeting_schedule,
    meeting_set_attendance,
    private_note_save,
    time_zone_of,
)
from tandem.mentorships.models import Mentorship
from tandem.mentorships.selectors import mentorship_get
from tandem.organisations.api import MAX_PAGE_SIZE, org_membership
from tandem.organisations.models import Membership
from tandem.organisations.schemas import ObjectId
from tandem.programs.api import api_field_names

router = Router(tags=["meetings"])

MEETINGS = "/orgs/{org_slug}/mentorships/{mentorship_id}/meetings"
MEETING = MEETINGS + "/{meeting_id}"
# Services name fields as the forms do; the API nests the recurrence.
_API_FIELD = {"frequency": "recurrence.frequency", "count": "recurrence.count", "until": "recurrence.until"}


def _mentorship(caller: Membership, mentorship_id: int) -> Mentorship:
    return mentorship_get(organisation=caller.organisation, mentorship_id=mentorship_id, viewer=caller)


def _meeting(caller: Membership, mentorship_id: int, meeting_id: int) -> Meeting:
    return meeting_get(mentorship=_mentorship(caller, mentorship_id), viewer=caller, meeting_id=meeting_id)


def _detail(caller: Membership, meeting: Meeting) -> Meeting:
    """The meeting with what this caller may read of it, for `MeetingDetailOut`."""
    found = series_of(meeting=meeting)
    feedback = meeting_feedback(meeting=meeting, viewer=caller)
    meeting.series = found[0] if found else None
    meeting.viewer_time_zone = time_zone_of(caller)  # type: ignore[attr-defined]
    meeting.my_private_note = private_note_of(meeting=meeting, viewer=caller)  # type: ignore[attr-defined]
    meeting.my_feedback = feedback.mine  # type: ignore[attr-defined]
    meeting.my_rating = feedback.mine.rating if feedback.mine else None  # type: ignore[attr-defined]
    meeting.feedback_shared_with_me = feedback.shared_with_me  # type: ignore[attr-defined]
    return meeting


@router.get(MEETINGS, response=MeetingPageOut, summary="Meetings of a mentorship I take part in")
def meeting_index(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, query: Query[MeetingQuery]
) -> dict[str, object]:
    caller = org_membership(request, org_slug)
    meetings = meeting_list(mentorship=_mentorship(caller, mentorship_id), viewer=caller, when=query.when)
    limit = min(query.limit, MAX_PAGE_SIZE)
    return {
        "count": meetings.count(),
        "viewer_time_zone": time_zone_of(caller),
        "items": list(meetings[query.offset : query.offset + limit]),
    }


@router.post(
    MEETINGS,
    response={201: MeetingDetailOut},
    summary="Schedule a meeting, or a recurring series (returns its first meeting)",
)
def meeting_create(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, payload: MeetingIn
) -> Status[Meeting]:
    caller = org_membership(request, org_slug)
    mentorship = _mentorship(caller, mentorship_id)
    recurrence = (
        Recurrence(
            frequency=payload.recurrence.frequency,
            count=payload.recurrence.count,
            until=payload.recurrence.until,
        )
        if payload.recurrence
        else None
    )
    plan = MeetingPlan(
        title=payload.title,
        starts_local=payload.starts_at,
        duration_minutes=payload.duration_minutes,
        formal=payload.formal,
        format=payload.format,
        location=payload.location,
        video_link=payload.video_link,
        agenda=payload.agenda,
    )
    with api_field_names(_API_FIELD):
        meeting = meeting_schedule(mentorship=mentorship, by=caller, plan=plan, recurrence=recurrence)
    return Status(
        201, _detail(caller, meeting_get(mentorship=mentorship, viewer=caller, meeting_id=meeting.pk))
    )


@router.get(MEETING, response=MeetingDetailOut, summary="One meeting, with my own private note and feedback")
def meeting_read(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, meeting_id: ObjectId
) -> Meeting:
    caller = org_membership(request, org_slug)
    return _detail(caller, _meeting(caller, mentorship_id, meeting_id))


@router.patch(
    MEETING,
    response=MeetingDetailOut,
    summary="Reschedule or edit a meeting (this one, or this and the following), or its shared notes",
)
def meeting_update(
    request: HttpRequest,
    org_slug: str,
    mentorship_id: ObjectId,
    meeting_id: ObjectId,
    payload: MeetingPatchIn,
) -> Meeting:
    caller = org_membership(request, org_slug)
    meeting = _meeting(caller, mentorship_id, meeting_id)
    sent = payload.model_fields_set
    changes = MeetingChanges(
        title=payload.title,
        starts_local=payload.starts_at,
        duration_minutes=payload.duration_minutes,
        formal=payload.formal,
        format=payload.format,
        location=payload.location,
        video_link=payload.video_link,
        agenda=payload.agenda,
    )
    with transaction.atomic():
        changed = meeting_change(meeting=meeting, by=caller, changes=changes, scope=payload.scope)
        if "shared_notes" in sent and payload.shared_notes is not None:
            meeting_notes_save(meeting=changed, by=caller, text=payload.shared_notes)
    return _detail(caller, _meeting(caller, mentorship_id, changed.pk))


@router.post(
    MEETING + "/attendance",
    response=MeetingDetailOut,
    summary="Record that a meeting was held, a no-show or cancelled (or undo that)",
)
def meeting_attendance(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, meeting_id: ObjectId, payload: AttendanceIn
) -> Meeting:
    caller = org_membership(request, org_slug)
    meeting = _meeting(caller, mentorship_id, meeting_id)
    meeting_set_attendance(meeting=meeting, by=caller, status=payload.status)
    return _detail(caller, _meeting(caller, mentorship_id, meeting_id))


@router.post(
    MEETING + "/cancel",
    response=MeetingDetailOut,
    summary="Cancel a meeting, or it and the rest of its series",
)
def meeting_cancel_op(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, meeting_id: ObjectId, payload: CancelIn
) -> Meeting:
    caller = org_membership(request, org_slug)
    meeting_cancel(meeting=_meeting(caller, mentorship_id, meeting_id), by=caller, scope=payload.scope)
    return _detail(caller, _meeting(caller, mentorship_id, meeting_id))


@router.put(
    MEETING + "/private-note",
    response={200: PrivateNoteOut, 204: None},
    summary="Save my private note on a meeting (only I can ever read it; empty deletes it)",
)
def private_note_put(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, meeting_id: ObjectId, payload: PrivateNoteIn
) -> Status[PrivateNote | None]:
    caller = org_membership(request, org_slug)
    note = private_note_save(
        meeting=_meeting(caller, mentorship_id, meeting_id), by=caller, text=payload.text
    )
    return Status(204, None) if note is None else Status(200, note)


@router.post(
    MEETING + "/feedback",
    response=FeedbackOut,
    summary="Rate a meeting that took place (1–5), with a comment, shared with the other side or not",
)
def feedback_post(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, meeting_id: ObjectId, payload: FeedbackIn
) -> SessionFeedback:
    caller = org_membership(request, org_slug)
    given = feedback_give(
        meeting=_meeting(caller, mentorship_id, meeting_id),
        by=caller,
        rating=payload.rating,
        comment=payload.comment,
        shared=payload.shared,
    )
    given.author = caller
    return given


@router.get(
    MEETING + "/ics",
    summary="The meeting as an iCalendar (.ics) file; `series=true` for its whole series",
    response={200: None},
    openapi_extra={"responses": {200: {"description": "text/calendar", "content": {"text/calendar": {}}}}},
)
def meeting_ics(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, meeting_id: ObjectId, series: bool = False
) -> HttpResponse:
    caller = org_membership(request, org_slug)
    mentorship = _mentorship(caller, mentorship_id)
    meeting = meeting_get(mentorship=mentorship, viewer=caller, meeting_id=meeting_id)
    url = request.build_absolute_uri(
        reverse(
            "meetings:detail",
            kwargs={"org_slug": org_slug, "mentorship_id": mentorship.pk, "meeting_id": meeting.pk},
        )
    )
    found = series_of(meeting=meeting) if series else None
    if found is not None:
        body = ical.series_ics(found[0], found[1], mentorship=mentorship, viewer_id=caller.pk, page_url=url)
        name = f"meeting-series-{found[0].pk}.ics"
    else:
        body = ical.meeting_ics(meeting, viewer_id=caller.pk, page_url=url)
        name = f"meeting-{meeting.pk}.ics"
    response = HttpResponse(body, content_type=ical.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- calendar feed ------------------------------------------------------------------------------


@router.get(
    "/orgs/{org_slug}/calendar-feed", response=FeedStatusOut, summary="Whether my calendar feed is on"
)
def feed_status(request: HttpRequest, org_slug: str) -> dict[str, object]:
    caller = org_membership(request, org_slug)
    feed = calendar_feed_of(membership=caller)
    return {
        "active": feed is not None,
        "prefix": feed.prefix if feed else None,
        "created_at": feed.created_at if feed else None,
        "last_used_at": feed.last_used_at if feed else None,
    }


@router.post(
    "/orgs/{org_slug}/calendar-feed",
    response={201: FeedCreatedOut},
    summary="Create (or regenerate) my private calendar feed URL; the old one stops working",
)
def feed_create(request: HttpRequest, org_slug: str) -> Status[dict[str, object]]:
    caller = org_membership(request, org_slug)
    feed, raw = calendar_feed_create(membership=caller)
    url = request.build_absolute_uri(reverse("meetings:feed", kwargs={"org_slug": org_slug, "token": raw}))
    return Status(201, {"url": url, "prefix": feed.prefix, "created_at": feed.created_at})


@router.delete("/orgs/{org_slug}/calendar-feed", response={204: None}, summary="Turn my calendar feed off")
def feed_revoke(request: HttpRequest, org_slug: str) -> Status[None]:
    caller = org_membership(request, org_slug)
    calendar_feed_revoke(membership=caller)  # none to revoke: 404
    return Status(204, None)


# --- ratings in aggregate -----------------------------------------------------------------------


@router.get(
    "/orgs/{org_slug}/meeting-ratings",
    response=RatingSummaryOut,
    summary="Session ratings in aggregate (program admins; never comments or authors)",
)
def ratings(request: HttpRequest, org_slug: str, query: Query[RatingQuery]) -> RatingSummary:
    caller = org_membership(request, org_slug)
    return rating_summary(organisation=caller.organisation, viewer=caller, program_id=query.program_id)
