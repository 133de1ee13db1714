"""Pages for a mentorship's lifecycle: pause, resume, complete, end early; raising a concern with
guidance first; the guided re-match after an early ending; the admins' concerns page; and
mentorships a program admin creates by hand.

The Overview tab (mentorships/detail.html) shows the "Manage this mentorship" panel through the
`lifecycle_ui` tag; the forms there post here. Who may do what is the services' and selectors'
business: a view opens the mentorship (404 for anyone not in it, or not overseeing it), calls one
service and redirects.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.errors import DomainError, NotFound
from tandem.mentorships.forms import (
    AdminCreateForm,
    CompleteForm,
    ConcernAnswerForm,
    ConcernForm,
    EndEarlyForm,
    PauseForm,
    RematchForm,
)
from tandem.mentorships.lifecycle import (
    concern_acknowledge,
    concern_raise,
    concern_resolve,
    mentorship_complete,
    mentorship_create_by_admin,
    mentorship_end_early,
    mentorship_pause,
    mentorship_resume,
    rematch_choose,
)
from tandem.mentorships.models import Concern, ConcernStatus, MentorshipStatus
from tandem.mentorships.pages import RelationshipPage, relationship_page
from tandem.mentorships.selectors import mentor_response_hours
from tandem.mentorships.selectors_lifecycle import (
    concern_counts,
    concern_get,
    concern_list,
    pairing_options,
    rematch_candidate,
    rematch_candidates,
    rematch_mentee,
    rematches_of,
)
from tandem.mentorships.services import SELF_SERVICE_MODES
from tandem.organisations.access import OrgRequest, org_view, viewer_time_zone
from tandem.organisations.models import Role
from tandem.programs.models import Enrolment, EnrolmentRole, Program, ProgramKind
from tandem.programs.selectors import enrolment_get, program_get

CONCERNS_PAGE_SIZE = 25


def _detail(request: OrgRequest, mentorship_id: int) -> HttpResponse:
    return redirect("mentorships:detail", org_slug=request.organisation.slug, mentorship_id=mentorship_id)


def _name(enrolment: Enrolment) -> str:
    user = enrolment.membership.user
    return str(user.full_name or user.email)


# --- pause, resume, complete, end early --------------------------------------------------------


@require_POST
@org_view()
def mentorship_pause_view(request: OrgRequest, mentorship_id: int) -> HttpResponse:
    page = relationship_page(request, mentorship_id, allow_oversight=True)
    form = PauseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Keep the reason under 500 characters.")
        return _detail(request, mentorship_id)
    try:
        mentorship_pause(
            mentorship=page.mentorship, by=request.membership, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The mentorship is paused. Either of you can resume it at any time.")
    return _detail(request, mentorship_id)


@require_POST
@org_view()
def mentorship_resume_view(request: OrgRequest, mentorship_id: int) -> HttpResponse:
    page = relationship_page(request, mentorship_id, allow_oversight=True)
    try:
        mentorship_resume(mentorship=page.mentorship, by=request.membership)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Welcome back — the mentorship is active again.")
    return _detail(request, mentorship_id)


def _closing_page(page: RelationshipPage) -> bool:
    return page.mentorship.status in {MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED}


@require_http_methods(["GET", "POST"])
@org_view()
def mentorship_complete_view(request: OrgRequest, mentorship_id: int) -> HttpResponse:
    page = relationship_page(request, mentorship_id, allow_oversight=True)
    if not _closing_page(page):
        messages.info(request, f"This mentorship is {page.mentorship.get_status_display().lower()}.")
        return _detail(request, mentorship_id)
    form = CompleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mentorship_complete(
                mentorship=page.mentorship, by=request.membership, reflection=form.cleaned_data["reflection"]
            )
        except DomainError as exc:
            form.add_error("reflection" if exc.field == "reflection" else None, exc.message)
        else:
            messages.success(request, "Congratulations on a mentorship well done. It is now completed.")
            return _detail(request, mentorship_id)
    return render(request, "mentorships/complete.html", page.context(form=form))


@require_http_methods(["GET", "POST"])
@org_view()
def mentorship_end_view(request: OrgRequest, mentorship_id: int) -> HttpResponse:
    page = relationship_page(request, mentorship_id, allow_oversight=True)
    if not _closing_page(page):
        messages.info(request, f"This mentorship is {page.mentorship.get_status_display().lower()}.")
        return _detail(request, mentorship_id)
    form = EndEarlyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mentorship_end_early(
                mentorship=page.mentorship,
                by=request.membership,
                reason=form.cleaned_data["reason"],
                private_note=form.cleaned_data["private_note"],
            )
        except DomainError as exc:
            form.add_error(form.error_field(exc.field), exc.message)
        else:
            if page.me is not None and page.me.role == "mentee" and page.mentorship.program.kind != "peer":
                messages.success(
                    request,
                    "The mentorship has ended — nobody is at fault. When you are ready, here are "
                    "mentors who could be a better fit.",
                )
                return redirect(
                    "mentorships:rematch", org_slug=request.organisation.slug, mentorship_id=mentorship_id
                )
            messages.success(request, "The mentorship has ended. Thank you for the time you gave.")
            return _detail(request, mentorship_id)
    return render(request, "mentorships/end.html", page.context(form=form))


# --- concerns -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@org_view()
def concern_new(request: OrgRequest, mentorship_id: int) -> HttpResponse:
    """Raise a concern, after reading how to talk it through first (participants only)."""
    page = relationship_page(request, mentorship_id, allow_oversight=False)
    form = ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            concern_raise(mentorship=page.mentorship, by=request.membership, text=form.cleaned_data["text"])
        except DomainError as exc:
            form.add_error("text" if exc.field == "text" else None, exc.message)
        else:
            messages.success(
                request,
                "Your concern is with the program admins. Only they can read it; "
                "you will hear back here and by notification.",
            )
            return _detail(request, mentorship_id)
    return render(request, "mentorships/concern_new.html", page.context(form=form))


@require_GET
@org_view(min_role=Role.PROGRAM_ADMIN)
def concerns(request: OrgRequest) -> HttpResponse:
    """The program admins' list of concerns, open first."""
    status = request.GET.get("status", "")
    if status not in ConcernStatus.values:
        status = ""
    rows = concern_list(organisation=request.organisation, viewer=request.membership, status=status or None)
    page = Paginator(rows, CONCERNS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "mentorships/concerns.html",
        {
            "page": page,
            "status": status,
            "statuses": ConcernStatus.choices,
            "counts": concern_counts(organisation=request.organisation, viewer=request.membership),
            "tz": viewer_time_zone(request.membership).key,
        },
    )


def _concern(request: OrgRequest, concern_id: int) -> Concern:
    try:
        return concern_get(
            organisation=request.organisation, concern_id=concern_id, viewer=request.membership
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _answer(request: OrgRequest, concern_id: int, *, resolve: bool) -> HttpResponse:
    concern = _concern(request, concern_id)
    form = ConcernAnswerForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    if not form.is_valid():
        messages.error(request, "Keep the note under 2000 characters.")
    else:
        try:
            if resolve:
                concern_resolve(concern=concern, by=request.membership, note=note)
            else:
                concern_acknowledge(concern=concern, by=request.membership, note=note)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                "The concern is resolved; its author is told."
                if resolve
                else "The concern is acknowledged; its author is told.",
            )
    return redirect("mentorships:concerns", org_slug=request.organisation.slug)


@require_POST
@org_view(min_role=Role.PROGRAM_ADMIN)
def concern_acknowledge_view(request: OrgRequest, concern_id: int) -> HttpResponse:
    return _answer(request, concern_id, resolve=False)


@require_POST
@org_view(min_role=Role.PROGRAM_ADMIN)
def concern_resolve_view(request: OrgRequest, concern_id: int) -> HttpResponse:
    return _answer(request, concern_id, resolve=True)


# --- guided re-match ----------------------------------------------------------------------------


def _rematch_page(request: OrgRequest, mentorship_id: int) -> tuple[RelationshipPage, Enrolment]:
    """The ended mentorship and the viewer's mentee enrolment; 404 for anyone who may not re-match
    after it (its mentor, other members, admins, mentorships that did not end early)."""
    page = relationship_page(request, mentorship_id, allow_oversight=False)
    mentee = rematch_mentee(mentorship=page.mentorship, viewer=request.membership)
    if mentee is None:
        raise Http404("No re-match for this mentorship.")
    return page, mentee


@require_GET
@org_view()
def rematch(request: OrgRequest, mentorship_id: int) -> HttpResponse:
    page, mentee = _rematch_page(request, mentorship_id)
    context: dict[str, Any] = {
        "mentee": mentee,
        "candidates": rematch_candidates(mentee=mentee),
        "picks": rematches_of(mentorship=page.mentorship, viewer=request.membership),
        "admins_match": mentee.program.matching_mode not in SELF_SERVICE_MODES,
    }
    return render(request, "mentorships/rematch.html", page.context(**context))


@require_http_methods(["GET", "POST"])
@org_view()
def rematch_choose_view(request: OrgRequest, mentorship_id: int, mentor_id: int) -> HttpResponse:
    page, mentee = _rematch_page(request, mentorship_id)
    try:
        mentor = enrolment_get(program=mentee.program, enrolment_id=mentor_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if mentor.role != EnrolmentRole.MENTOR:
        raise Http404("No such mentor in this program.")
    mentor.program = mentee.program
    fit = rematch_candidate(mentee=mentee, mentor=mentor)
    if fit is None:
        # Never offered (a previous mentor, a blocked pair, full): as if they were not there.
        raise Http404("This mentor is not among your re-match suggestions.")
    admins_match = mentee.program.matching_mode not in SELF_SERVICE_MODES
    form = RematchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rematch_choose(
                ended=page.mentorship,
                mentee=mentee,
                mentor=mentor,
                message=form.cleaned_data["message"],
                by=request.membership,
            )
        except DomainError as exc:
            form.add_error("message" if exc.field == "message" else None, exc.message)
        else:
            if admins_match:
                messages.success(
                    request, f"The program admins have your wish to be matched with {_name(mentor)}."
                )
                return redirect(
                    "mentorships:rematch", org_slug=request.organisation.slug, mentorship_id=mentorship_id
                )
            messages.success(request, f"Your request is sent to {_name(mentor)}. You will hear back here.")
            return redirect("mentorships:requests", org_slug=request.organisation.slug)
    hours = mentor_response_hours(organisation=request.organisation, membership_ids=[mentor.membership_id])
    return render(
        request,
        "mentorships/rematch_choose.html",
        page.context(
            mentee=mentee,
            candidate=fit,
            form=form,
            response_hours=hours.get(mentor.membership_id),
            admins_match=admins_match,
        ),
    )


# --- admin-created mentorships ------------------------------------------------------------------


def _label(enrolment: Enrolment, places: int | None = None) -> str:
    user = enrolment.membership.user
    name = str(user.full_name or user.email)
    return f"{name} ({places} place{'s' if places != 1 else ''} left)" if places is not None else name


@require_http_methods(["GET", "POST"])
@org_view(min_role=Role.PROGRAM_ADMIN)
def admin_create(request: OrgRequest, program_id: int) -> HttpResponse:
    try:
        program: Program = program_get(
            organisation=request.organisation, program_id=program_id, viewer=request.membership
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    options = pairing_options(program=program)
    mentors = {m.pk: m for m, _ in options.mentors}
    mentees = {m.pk: m for m in options.mentees}
    form_kwargs: dict[str, Any] = {
        "mentors": [(m.pk, _label(m, places)) for m, places in options.mentors],
        "mentees": [(m.pk, _label(m)) for m in options.mentees],
        "group": program.kind == ProgramKind.GROUP,
    }
    if request.method == "POST":
        form = AdminCreateForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                mentorship = mentorship_create_by_admin(
                    program=program,
                    mentor=mentors[form.cleaned_data["mentor"]],
                    mentees=[mentees[pk] for pk in form.cleaned_data["mentees"]],
                    by=request.membership,
                )
            except DomainError as exc:
                form.add_error(form.error_field(exc.field), exc.message)
            else:
                messages.success(request, "The mentorship is created; everyone in it is told.")
                return _detail(request, mentorship.pk)
    else:
        initial = {
            "mentor": request.GET.get("mentor", ""),
            "mentees": [v for v in request.GET.getlist("mentee") if v],
        }
        form = AdminCreateForm(initial=initial, **form_kwargs)
    return render(
        request,
        "mentorships/admin_create.html",
        {"program": program, "form": form, "peer": program.kind == ProgramKind.PEER},
    )
