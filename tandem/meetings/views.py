"""Meeting pages of a mentorship (the Meetings tab), each meeting's page, .ics downloads and the
member's private calendar feed.

Only the people in a mentorship see its meetings: to anyone else (an admin included) they are a
404. A private note is shown to its author alone; feedback to its author, and to the other side
once shared. Times are shown on the viewer's own clock, with the zone's name.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST, require_safe

from tandem.errors import DomainError, NotFound
from tandem.meetings import ical
from tandem.meetings.forms import (
    AttendanceForm,
    CancelForm,
    ChangeForm,
    FeedbackForm,
    NotesForm,
    PrivateNoteForm,
    ScheduleForm,
)
from tandem.meetings.models import Meeting, MeetingStatus
from tandem.meetings.recurrence import describe, zone
from tandem.meetings.selectors import (
    calendar_feed_of,
    feed_content,
    meeting_feedback,
    meeting_get,
    meeting_list,
    private_note_of,
    rating_summary,
    series_of,
)
from tandem.meetings.services import (
    calendar_feed_authenticate,
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
from tandem.mentorships.models import MentorshipStatus
from tandem.mentorships.pages import RelationshipPage, relationship_page
from tandem.organisations.access import OrgRequest, org_view
from tandem.organisations.models import Role
from tandem.programs.selectors import program_list

UPCOMING_SHOWN = 20
PAST_PAGE_SIZE = 20


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def _page(request: OrgRequest, mentorship_id: int) -> RelationshipPage:
    # Participants only: meetings, their notes and feedback are not for overseeing admins.
    return relationship_page(request, mentorship_id, allow_oversight=False)


def _meeting(request: OrgRequest, page: RelationshipPage, meeting_id: int) -> Meeting:
    try:
        return meeting_get(mentorship=page.mentorship, viewer=request.membership, meeting_id=meeting_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _series_text(meeting: Meeting) -> str:
    series = meeting.series
    if series is None:
        return ""
    tz = zone(series.tzid)
    return (
        describe(
            frequency=series.frequency,
            local_start=series.starts_at.astimezone(tz),
            count=series.count,
            until_local=series.until.astimezone(tz).date() if series.until else None,
        )
        + f" ({tz.key})"
    )


# --- the Meetings tab ---------------------------------------------------------------------------


@require_GET
@org_view()
def mentorship_meetings(request: OrgRequest, mentorship_id: int) -> HttpResponse:
    return _render_tab(request, _page(request, mentorship_id), ScheduleForm())


def _render_tab(
    request: OrgRequest, page: RelationshipPage, form: ScheduleForm, status: int = 200
) -> HttpResponse:
    now = timezone.now()
    upcoming = list(
        meeting_list(mentorship=page.mentorship, viewer=request.membership, when="upcoming", now=now)[
            :UPCOMING_SHOWN
        ]
    )
    past = Paginator(
        meeting_list(mentorship=page.mentorship, viewer=request.membership, when="past", now=now),
        PAST_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    context = page.context(
        upcoming=upcoming,
        past=past,
        form=form,
        tz=time_zone_of(request.membership),
        can_schedule=page.mentorship.status == MentorshipStatus.ACTIVE,
        feed=calendar_feed_of(membership=request.membership),
    )
    return render(request, "meetings/mentorship.html", context, status=status)


@require_POST
@org_view()
def schedule(request: OrgRequest, mentorship_id: int) -> HttpResponse:
    page = _page(request, mentorship_id)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            meeting = meeting_schedule(
                mentorship=page.mentorship,
                by=request.membership,
                plan=form.plan(),
                recurrence=form.recurrence(),
            )
        except DomainError as exc:
            form.add_error(form.error_field(exc.field), exc.message)
        else:
            repeat = " and its repeats" if meeting.series_id else ""
            messages.success(request, f"“{meeting.title}”{repeat} scheduled. The others are told.")
            return redirect(
                "meetings:detail",
                org_slug=request.organisation.slug,
                mentorship_id=page.mentorship.pk,
                meeting_id=meeting.pk,
            )
    return _render_tab(request, page, form, status=400)


# --- one meeting --------------------------------------------------------------------------------


@require_GET
@org_view()
def detail(request: OrgRequest, mentorship_id: int, meeting_id: int) -> HttpResponse:
    page = _page(request, mentorship_id)
    return _render_detail(request, page, _meeting(request, page, meeting_id))


def _change_initial(meeting: Meeting, tz: str) -> dict[str, Any]:
    local = meeting.starts_at.astimezone(zone(tz))
    return {
        "title": meeting.title,
        "date": local.date(),
        "time": local.time().replace(second=0, microsecond=0),
        "duration_minutes": meeting.duration_minutes,
        "kind": "formal" if meeting.formal else "informal",
        "format": meeting.format,
        "video_link": meeting.video_link,
        "location": meeting.location,
        "agenda": meeting.agenda,
        "scope": "this",
    }


def _render_detail(
    request: OrgRequest, page: RelationshipPage, meeting: Meeting, status: int = 200, **forms: Any
) -> HttpResponse:
    viewer = request.membership
    tz = time_zone_of(viewer)
    note = private_note_of(meeting=meeting, viewer=viewer)
    feedback = meeting_feedback(meeting=meeting, viewer=viewer)
    in_series = meeting.series_id is not None
    mine = feedback.mine
    context = page.context(
        meeting=meeting,
        tz=tz,
        series_text=_series_text(meeting),
        started=meeting.starts_at <= timezone.now(),
        can_rate=meeting.status == MeetingStatus.HELD
        or (meeting.status == MeetingStatus.SCHEDULED and meeting.starts_at <= timezone.now()),
        notes_form=forms.get("notes_form") or NotesForm(initial={"shared_notes": meeting.shared_notes}),
        note_form=forms.get("note_form") or PrivateNoteForm(initial={"text": note.text if note else ""}),
        private_note=note,
        feedback_form=forms.get("feedback_form")
        or FeedbackForm(
            initial={"rating": mine.rating, "comment": mine.comment, "shared": mine.shared} if mine else {}
        ),
        my_feedback=mine,
        shared_feedback=feedback.shared_with_me,
        attendance_form=forms.get("attendance_form") or AttendanceForm(initial={"status": meeting.status}),
        change_form=forms.get("change_form")
        or ChangeForm(initial=_change_initial(meeting, tz), series=in_series, prefix="change"),
        cancel_form=forms.get("cancel_form") or CancelForm(prefix="cancel"),
        open_panel=forms.get("open_panel", ""),
    )
    return render(request, "meetings/detail.html", context, status=status)


def _back(request: OrgRequest, meeting: Meeting) -> HttpResponse:
    return redirect(
        "meetings:detail",
        org_slug=request.organisation.slug,
        mentorship_id=meeting.mentorship_id,
        meeting_id=meeting.pk,
    )


@require_POST
@org_view()
def change(request: OrgRequest, mentorship_id: int, meeting_id: int) -> HttpResponse:
    page = _page(request, mentorship_id)
    meeting = _meeting(request, page, meeting_id)
    tz = time_zone_of(request.membership)
    form = ChangeForm(
        request.POST,
        initial=_change_initial(meeting, tz),
        series=meeting.series_id is not None,
        prefix="change",
    )
    if form.is_valid():
        try:
            changed = meeting_change(
                meeting=meeting, by=request.membership, changes=form.changes(), scope=form.scope_value
            )
        except DomainError as exc:
            form.add_error(form.error_field(exc.field), exc.message)
        else:
            messages.success(request, "Meeting updated. The others are told.")
            return _back(request, changed)
    return _render_detail(request, page, meeting, status=400, change_form=form, open_panel="change")


@require_POST
@org_view()
def cancel(request: OrgRequest, mentorship_id: int, meeting_id: int) -> HttpResponse:
    page = _page(request, mentorship_id)
    meeting = _meeting(request, page, meeting_id)
    form = CancelForm(request.POST, prefix="cancel")
    if form.is_valid():
        try:
            meeting_cancel(meeting=meeting, by=request.membership, scope=form.cleaned_data["scope"])
        except DomainError as exc:
            form.add_error(form.error_field(exc.field), exc.message)
        else:
            following = form.cleaned_data["scope"] == "following" and meeting.series_id
            messages.success(
                request,
                "This and the following meetings are cancelled." if following else "Meeting cancelled.",
            )
            return _back(request, meeting)
    return _render_detail(request, page, meeting, status=400, cancel_form=form, open_panel="cancel")


@require_POST
@org_view()
def attendance(request: OrgRequest, mentorship_id: int, meeting_id: int) -> HttpResponse:
    page = _page(request, mentorship_id)
    meeting = _meeting(request, page, meeting_id)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        try:
            meeting_set_attendance(meeting=meeting, by=request.membership, status=form.cleaned_data["status"])
        except DomainError as exc:
            messages.error(request, exc.message)  # the form may not be on the page (not started yet)
            return _back(request, meeting)
        else:
            messages.success(request, f"Marked as {meeting.get_status_display().lower()}.")
            return _back(request, meeting)
    return _render_detail(request, page, meeting, status=400, attendance_form=form)


def _fragment(
    request: OrgRequest,
    page: RelationshipPage,
    meeting: Meeting,
    partial: str,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    """One form of the meeting page, for htmx to swap in: saved (`saved=True`), or with its errors."""
    context = page.context(meeting=meeting, tz=time_zone_of(request.membership), **extra)
    return render(request, f"meetings/detail.html#{partial}", context, status=status)


@require_POST
@org_view()
def notes(request: OrgRequest, mentorship_id: int, meeting_id: int) -> HttpResponse:
    """Save the shared notes; with htmx only the notes form comes back, saying it saved."""
    page = _page(request, mentorship_id)
    meeting = _meeting(request, page, meeting_id)
    form = NotesForm(request.POST)
    if form.is_valid():
        try:
            meeting = meeting_notes_save(
                meeting=meeting, by=request.membership, text=form.cleaned_data["shared_notes"]
            )
        except DomainError as exc:
            form.add_error(form.error_field(exc.field), exc.message)
        else:
            if _is_htmx(request):
                meeting = _meeting(request, page, meeting_id)  # who edited, with their name
                return _fragment(request, page, meeting, "shared_notes", saved=True, notes_form=form)
            messages.success(request, "Shared notes saved.")
            return _back(request, meeting)
    if _is_htmx(request):
        return _fragment(request, page, meeting, "shared_notes", status=400, notes_form=form)
    return _render_detail(request, page, meeting, status=400, notes_form=form)


@require_POST
@org_view()
def private_note(request: OrgRequest, mentorship_id: int, meeting_id: int) -> HttpResponse:
    page = _page(request, mentorship_id)
    meeting = _meeting(request, page, meeting_id)
    form = PrivateNoteForm(request.POST)
    if form.is_valid():
        try:
            note = private_note_save(meeting=meeting, by=request.membership, text=form.cleaned_data["text"])
        except DomainError as exc:
            form.add_error(form.error_field(exc.field), exc.message)
        else:
            if _is_htmx(request):
                return _fragment(
                    request, page, meeting, "private_note", saved=True, note_form=form, private_note=note
                )
            messages.success(request, "Your private note is saved. Only you can read it.")
            return _back(request, meeting)
    if _is_htmx(request):
        return _fragment(
            request, page, meeting, "private_note", status=400, note_form=form, private_note=None
        )
    return _render_detail(request, page, meeting, status=400, note_form=form)


@require_POST
@org_view()
def feedback(request: OrgRequest, mentorship_id: int, meeting_id: int) -> HttpResponse:
    page = _page(request, mentorship_id)
    meeting = _meeting(request, page, meeting_id)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            given = feedback_give(
                meeting=meeting,
                by=request.membership,
                rating=data["rating"],
                comment=data["comment"],
                shared=data["shared"],
            )
        except DomainError as exc:
            if exc.field is None:  # not open for feedback: the form is not on the page
                messages.error(request, exc.message)
                return _back(request, meeting)
            form.add_error(form.error_field(exc.field), exc.message)
        else:
            messages.success(
                request,
                "Thanks — your feedback is shared with the other side."
                if given.shared
                else "Thanks — your feedback is saved, and kept to yourself.",
            )
            return _back(request, meeting)
    return _render_detail(request, page, meeting, status=400, feedback_form=form)


# --- calendar files -----------------------------------------------------------------------------


def _calendar_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=ical.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@org_view()
def meeting_ics(request: OrgRequest, mentorship_id: int, meeting_id: int) -> HttpResponse:
    """The meeting as an .ics file; `?series=1` gives its whole series as one recurring event."""
    page = _page(request, mentorship_id)
    meeting = _meeting(request, page, meeting_id)
    url = request.build_absolute_uri(
        reverse(
            "meetings:detail",
            kwargs={
                "org_slug": request.organisation.slug,
                "mentorship_id": mentorship_id,
                "meeting_id": meeting.pk,
            },
        )
    )
    found = series_of(meeting=meeting) if request.GET.get("series") else None
    if found is not None:
        series, rows = found
        body = ical.series_ics(
            series, rows, mentorship=page.mentorship, viewer_id=request.membership.pk, page_url=url
        )
        return _calendar_response(body, f"meeting-series-{series.pk}.ics")
    body = ical.meeting_ics(meeting, viewer_id=request.membership.pk, page_url=url)
    return _calendar_response(body, f"meeting-{meeting.pk}.ics")


@never_cache
@require_safe  # calendar apps may ask HEAD first
def feed(request: HttpRequest, org_slug: str, token: str) -> HttpResponse:
    """A member's private calendar feed. No sign-in (calendar apps can't): the token in the URL
    is the key, and a revoked or unknown one is a 404 like any missing page."""
    membership = calendar_feed_authenticate(org_slug=org_slug, raw=token)
    if membership is None:
        raise Http404("No such calendar.")
    content = feed_content(membership=membership)
    base_url = request.build_absolute_uri(reverse("org_home", kwargs={"org_slug": org_slug}))
    body = ical.feed_ics(
        name=f"Mentoring — {membership.organisation.name}",
        series=content.series,
        meetings=content.meetings,
        viewer_id=membership.pk,
        base_url=base_url,
    )
    response = HttpResponse(body, content_type=ical.CONTENT_TYPE)
    response["Content-Disposition"] = 'inline; filename="tandem-meetings.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
@org_view()
def calendar(request: OrgRequest) -> HttpResponse:
    return render(
        request,
        "meetings/calendar.html",
        {"feed": calendar_feed_of(membership=request.membership), "tz": time_zone_of(request.membership)},
    )


@require_POST
@org_view()
def calendar_feed_new(request: OrgRequest) -> HttpResponse:
    """Create (or regenerate) the feed URL and show it, once."""
    feed_row, raw = calendar_feed_create(membership=request.membership)
    url = request.build_absolute_uri(
        reverse("meetings:feed", kwargs={"org_slug": request.organisation.slug, "token": raw})
    )
    response = render(
        request,
        "meetings/calendar.html",
        {"feed": feed_row, "feed_url": url, "tz": time_zone_of(request.membership)},
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@org_view()
def calendar_feed_stop(request: OrgRequest) -> HttpResponse:
    try:
        calendar_feed_revoke(membership=request.membership)
    except NotFound as exc:
        messages.info(request, exc.message)
    else:
        messages.success(request, "Calendar feed turned off. The old address no longer works.")
    return redirect("meetings:calendar", org_slug=request.organisation.slug)


# --- ratings in aggregate, for program admins ---------------------------------------------------


@require_GET
@org_view(min_role=Role.PROGRAM_ADMIN)
def ratings(request: OrgRequest) -> HttpResponse:
    """How useful people find their meetings, in aggregate only: no comment, no author."""
    programs = list(program_list(organisation=request.organisation, viewer=request.membership))
    chosen = next((p for p in programs if str(p.pk) == request.GET.get("program")), None)
    summary = rating_summary(
        organisation=request.organisation,
        viewer=request.membership,
        program_id=chosen.pk if chosen else None,
    )
    most = max(summary.distribution.values(), default=0)
    bars = [(value, summary.distribution[value], most) for value in range(5, 0, -1)]
    return render(
        request,
        "meetings/ratings.html",
        {"summary": summary, "bars": bars, "programs": programs, "chosen": chosen},
    )
