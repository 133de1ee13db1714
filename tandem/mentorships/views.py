"""Self-service matching and mentorship pages for members.

A mentee of a self-service (or hybrid) program sees recommended mentors, ranked by the score
match rounds use, and sends requests with a message; mentors answer the requests sent to them;
everyone sees their mentorships and why they were matched. Requests and mentorships exist only
for the people in them: to anyone else they are a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.agreements.selectors import agreement_current
from tandem.errors import DomainError, NotFound
from tandem.matching.selectors import recommended_mentors
from tandem.meetings.services import time_zone_of
from tandem.mentorships.capacity import remaining_capacity
from tandem.mentorships.forms import ConsentForm, DeclineForm, RequestForm
from tandem.mentorships.glance import glance_for_participant, health_for_admin
from tandem.mentorships.models import (
    Mentorship,
    MentorshipMember,
    MentorshipRequest,
    MentorshipStatus,
    RequestStatus,
)
from tandem.mentorships.pages import relationship_page
from tandem.mentorships.selectors import (
    mentees_held_per_program,
    mentor_response_hours,
    mentorship_get,
    mentorship_list,
    mentorship_request_get,
    mentorship_request_list,
    program_mentorship_counts,
    program_mentorship_list,
)
from tandem.mentorships.services import (
    mentee_is_matched,
    mentorship_consent,
    mentorship_request_accept,
    mentorship_request_create,
    mentorship_request_decline,
    mentorship_request_withdraw,
)
from tandem.organisations.access import OrgRequest, org_view
from tandem.organisations.models import Role
from tandem.programs.models import Enrolment, EnrolmentRole, Program
from tandem.programs.selectors import enrolment_get, enrolment_of, program_get

REQUESTS_SHOWN = 50
RECOMMENDATIONS_SHOWN = 10
MENTORSHIPS_PAGE_SIZE = 24
PROGRAM_MENTORSHIPS_PAGE_SIZE = 50


def _program(request: OrgRequest, program_id: int) -> Program:
    try:
        return program_get(
            organisation=request.organisation, program_id=program_id, viewer=request.membership
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _open_requests(request: OrgRequest, program: Program) -> int:
    return mentorship_request_list(
        organisation=request.organisation,
        membership=request.membership,
        box="sent",
        status=RequestStatus.PENDING,
        program_id=program.pk,
    ).count()


# --- choosing a mentor --------------------------------------------------------------------------


@require_GET
@org_view()
def recommendations(request: OrgRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id)
    enrolment = enrolment_of(program=program, membership=request.membership)
    context: dict[str, Any] = {
        "program": program,
        "enrolment": enrolment,
        "problem": "",
        "recommendations": [],
    }
    if enrolment is None or enrolment.role != EnrolmentRole.MENTEE:
        context["problem"] = "Join this program as a mentee to see the mentors recommended for you."
    else:
        enrolment.program = program
        try:
            context["recommendations"] = recommended_mentors(enrolment=enrolment, limit=RECOMMENDATIONS_SHOWN)
        except DomainError as exc:
            context["problem"] = exc.message
        else:
            context["matched"] = mentee_is_matched(mentee=enrolment)
            context["open_requests"] = _open_requests(request, program)
    return render(request, "mentorships/recommendations.html", context)


def _mentee_and_mentor(
    request: OrgRequest, program: Program, mentor_id: int
) -> tuple[Enrolment | None, Enrolment]:
    try:
        mentor = enrolment_get(program=program, enrolment_id=mentor_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if mentor.role != EnrolmentRole.MENTOR:
        raise Http404("No such mentor in this program.")
    mentee = enrolment_of(program=program, membership=request.membership)
    if mentee is not None:
        mentee.program = program
    mentor.program = program
    return mentee, mentor


@require_http_methods(["GET", "POST"])
@org_view()
def request_new(request: OrgRequest, program_id: int, mentor_id: int) -> HttpResponse:
    program = _program(request, program_id)
    mentee, mentor = _mentee_and_mentor(request, program, mentor_id)
    if mentee is None:
        messages.info(request, "Join the program as a mentee to ask for a mentor.")
        return redirect("programs:detail", org_slug=request.organisation.slug, program_id=program.pk)
    if request.method == "POST":
        form = RequestForm(request.POST)
        if form.is_valid():
            try:
                mentorship_request_create(
                    mentee=mentee, mentor=mentor, message=form.cleaned_data["message"], by=request.membership
                )
            except DomainError as exc:
                form.add_error(form.error_field(exc.field), exc.message)
            else:
                name = mentor.membership.user.full_name or mentor.membership.user.email
                messages.success(request, f"Your request is sent to {name}. You will hear back here.")
                return redirect("mentorships:requests", org_slug=request.organisation.slug)
    else:
        form = RequestForm()
    hours = mentor_response_hours(organisation=request.organisation, membership_ids=[mentor.membership_id])
    context = {
        "program": program,
        "mentor": mentor,
        "form": form,
        "places_left": remaining_capacity(mentor=mentor),
        "response_hours": hours.get(mentor.membership_id),
        "open_requests": _open_requests(request, program),
    }
    return render(request, "mentorships/request_new.html", context)


# --- requests -----------------------------------------------------------------------------------


@require_GET
@org_view()
def requests(request: OrgRequest) -> HttpResponse:
    return _render_requests(request)


def _render_requests(
    request: OrgRequest, *, decline_form: DeclineForm | None = None, declining: int = 0
) -> HttpResponse:
    organisation, membership = request.organisation, request.membership
    # Waiting requests get their own query, so a long history never pushes them off the page.
    pending = list(
        mentorship_request_list(
            organisation=organisation, membership=membership, box="received", status=RequestStatus.PENDING
        )[:REQUESTS_SHOWN]
    )
    received = list(
        mentorship_request_list(organisation=organisation, membership=membership, box="received")[
            :REQUESTS_SHOWN
        ]
    )
    sent = list(
        mentorship_request_list(organisation=organisation, membership=membership, box="sent")[:REQUESTS_SHOWN]
    )
    hours = mentor_response_hours(
        organisation=organisation, membership_ids={r.mentor.membership_id for r in sent} | {membership.pk}
    )
    held = mentees_held_per_program(organisation=organisation, membership=membership) if pending else {}
    context = {
        "pending": [(r, max(0, r.mentor.capacity - held.get(r.program_id, 0))) for r in pending],
        "answered": [r for r in received if r.status != RequestStatus.PENDING],
        "sent": [(r, hours.get(r.mentor.membership_id)) for r in sent],
        "my_hours": hours.get(membership.pk),
        "decline_form": decline_form,
        "declining": declining,
    }
    return render(request, "mentorships/requests.html", context)


def _request(request: OrgRequest, request_id: int) -> MentorshipRequest:
    try:
        return mentorship_request_get(
            organisation=request.organisation, request_id=request_id, viewer=request.membership
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _mentee_name(mentorship_request: MentorshipRequest) -> str:
    user = mentorship_request.mentee.membership.user
    return str(user.full_name or user.email)


@require_POST
@org_view()
def request_accept(request: OrgRequest, request_id: int) -> HttpResponse:
    mentorship_request = _request(request, request_id)
    try:
        mentorship = mentorship_request_accept(request=mentorship_request, by=request.membership)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("mentorships:requests", org_slug=request.organisation.slug)
    messages.success(
        request,
        f"You are now mentoring {_mentee_name(mentorship_request)}. Say hello and agree when to meet.",
    )
    return redirect("mentorships:detail", org_slug=request.organisation.slug, mentorship_id=mentorship.pk)


@require_POST
@org_view()
def request_decline(request: OrgRequest, request_id: int) -> HttpResponse:
    mentorship_request = _request(request, request_id)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            mentorship_request_decline(
                request=mentorship_request, by=request.membership, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.add_error("reason" if exc.field == "reason" else None, exc.message)
        else:
            messages.success(
                request, f"You declined {_mentee_name(mentorship_request)}'s request; they see your reason."
            )
            return redirect("mentorships:requests", org_slug=request.organisation.slug)
    return _render_requests(request, decline_form=form, declining=mentorship_request.pk)


@require_POST
@org_view()
def request_withdraw(request: OrgRequest, request_id: int) -> HttpResponse:
    mentorship_request = _request(request, request_id)
    try:
        mentorship_request_withdraw(request=mentorship_request, by=request.membership)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Your request is withdrawn.")
    return redirect("mentorships:requests", org_slug=request.organisation.slug)


# --- mentorships --------------------------------------------------------------------------------


@require_GET
@org_view()
def mentorship_index(request: OrgRequest) -> HttpResponse:
    mentorships = mentorship_list(organisation=request.organisation, membership=request.membership)
    page = Paginator(mentorships, MENTORSHIPS_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(m, *_sides(m, request.membership.pk)) for m in page.object_list]
    return render(request, "mentorships/list.html", {"page": page, "rows": rows})


def _sides(
    mentorship: Mentorship, membership_id: int
) -> tuple[MentorshipMember | None, list[MentorshipMember]]:
    """(my member row, the other members) of a mentorship whose members are prefetched."""
    members = list(mentorship.members.all())
    me = next((m for m in members if m.membership_id == membership_id), None)
    return me, [m for m in members if m.membership_id != membership_id]


@require_GET
@org_view()
def mentorship_detail(request: OrgRequest, mentorship_id: int) -> HttpResponse:
    page = relationship_page(request, mentorship_id, allow_oversight=True)
    glance = glance_for_participant(page, request.membership)
    health = health_for_admin(page.mentorship) if page.overseeing else None
    tz = time_zone_of(request.membership)
    agreement = agreement_current(page.mentorship)
    context = page.context(glance=glance, health=health, tz=tz, agreement=agreement)
    return render(request, "mentorships/detail.html", context)


@require_POST
@org_view()
def mentorship_answer(request: OrgRequest, mentorship_id: int) -> HttpResponse:
    """Accept or decline a proposed match (programs that ask for both sides' consent)."""
    try:
        mentorship = mentorship_get(
            organisation=request.organisation, mentorship_id=mentorship_id, viewer=request.membership
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose to accept or decline the match.")
    else:
        accept = form.cleaned_data["accept"]
        try:
            answered = mentorship_consent(mentorship=mentorship, by=request.membership, accept=accept)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if not accept:
                messages.success(
                    request, "You declined the match. Nobody is at fault; you can be matched again."
                )
            elif answered.status == MentorshipStatus.ACTIVE:
                messages.success(request, "Everyone accepted: your mentorship has started.")
            else:
                messages.success(request, "You accepted. The mentorship starts once everyone has.")
    return redirect("mentorships:detail", org_slug=request.organisation.slug, mentorship_id=mentorship.pk)


@require_GET
@org_view(min_role=Role.PROGRAM_ADMIN)
def program_mentorships(request: OrgRequest, program_id: int) -> HttpResponse:
    """A program's mentorships for its admins: who, state, health, and a way in to each."""
    program = _program(request, program_id)
    status = request.GET.get("status", "")
    if status not in MentorshipStatus.values:
        status = ""
    mentorships = program_mentorship_list(
        organisation=request.organisation, program_id=program.pk, status=status or None
    )
    page = Paginator(mentorships, PROGRAM_MENTORSHIPS_PAGE_SIZE).get_page(request.GET.get("page"))
    counts = program_mentorship_counts(organisation=request.organisation, program_id=program.pk)
    context = {
        "program": program,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number),
        "status": status,
        "status_links": [
            (value, label, counts[value]) for value, label in MentorshipStatus.choices if value in counts
        ],
    }
    return render(request, "mentorships/program_mentorships.html", context)
