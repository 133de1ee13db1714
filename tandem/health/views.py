"""Check-in and health pages.

The Check-ins tab of a mentorship shows a participant the check-in form, when their next one is
due and their own previous answers — never the other side's, and not the health signal or its
reasons (they come from everyone's private answers). A program admin overseeing the mentorship
sees every check-in, the signal with its reasons and a button to recompute it. The attention
list ("Mentorships needing attention") is for program admins.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.errors import DomainError
from tandem.health.errors import AttentionListNotFound
from tandem.health.forms import AttentionFilterForm, CheckInForm
from tandem.health.selectors import (
    assessment_of,
    attention_list,
    checkin_due_of,
    checkin_list,
    health_assessment_get,
    oversees,
)
from tandem.health.services import CHECKIN_OPEN_STATUSES, checkin_submit, mentorship_health_refresh
from tandem.mentorships.models import Mentorship
from tandem.mentorships.pages import relationship_page
from tandem.organisations.access import OrgRequest, org_view, viewer_time_zone
from tandem.organisations.models import Role
from tandem.programs.models import Program

CHECKINS_SHOWN = 50
ATTENTION_PAGE_SIZE = 25


@require_http_methods(["GET", "POST"])
@org_view()
def mentorship_checkins(request: OrgRequest, mentorship_id: int) -> HttpResponse:
    page = relationship_page(request, mentorship_id, allow_oversight=True)
    mentorship = page.mentorship
    overseeing = oversees(mentorship, request.membership)
    can_check_in = page.me is not None and mentorship.status in CHECKIN_OPEN_STATUSES
    form = CheckInForm()
    if request.method == "POST":
        if page.me is None:
            raise PermissionDenied("Only the people in this mentorship check in on it.")
        form = CheckInForm(request.POST)
        if form.is_valid():
            try:
                checkin_submit(
                    mentorship=mentorship,
                    by=request.membership,
                    satisfaction=form.cleaned_data["satisfaction"],
                    working=form.cleaned_data["working"],
                    comment=form.cleaned_data["comment"],
                )
            except DomainError as exc:
                form.add_error(form.error_field(exc.field), exc.message)
            else:
                messages.success(
                    request,
                    "Thank you — your check-in is saved. Only you and the program admins can read it.",
                )
                return redirect(
                    "health:mentorship", org_slug=request.organisation.slug, mentorship_id=mentorship.pk
                )
    checkins = list(checkin_list(mentorship=mentorship, viewer=request.membership)[:CHECKINS_SHOWN])
    due = (
        checkin_due_of(mentorship=mentorship, member=request.membership, now=timezone.now())
        if page.me is not None
        else None
    )
    assessment = (
        health_assessment_get(mentorship=mentorship, viewer=request.membership) if overseeing else None
    )
    context = page.context(
        form=form,
        can_check_in=can_check_in,
        due=due,
        checkins=checkins,
        overseeing_admin=overseeing,
        assessment=assessment,
        can_recompute=overseeing and mentorship.status in CHECKIN_OPEN_STATUSES,
        time_zone=viewer_time_zone(request.membership).key,
    )
    return render(request, "health/mentorship.html", context, status=400 if form.errors else 200)


@require_POST
@org_view(min_role=Role.PROGRAM_ADMIN)
def mentorship_health_recompute(request: OrgRequest, mentorship_id: int) -> HttpResponse:
    page = relationship_page(request, mentorship_id, allow_oversight=True)
    if not oversees(page.mentorship, request.membership):
        raise Http404("No such mentorship.")
    try:
        assessment = mentorship_health_refresh(page.mentorship)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Health recomputed: {assessment.get_signal_display().lower()}.")
    return redirect("health:mentorship", org_slug=request.organisation.slug, mentorship_id=mentorship_id)


def _row(mentorship: Mentorship) -> dict[str, Any]:
    assessment = assessment_of(mentorship)
    last_meeting = assessment.facts.get("last_meeting_on") if assessment else None
    return {
        "mentorship": mentorship,
        "assessment": assessment,
        "reasons": assessment.reasons if assessment else [],
        "last_meeting_on": date.fromisoformat(last_meeting) if last_meeting else None,
    }


@require_GET
@org_view(min_role=Role.PROGRAM_ADMIN)
def attention(request: OrgRequest) -> HttpResponse:
    programs = list(
        Program.objects.filter(organisation=request.organisation).order_by("name").values_list("pk", "name")
    )
    form = AttentionFilterForm(request.GET or None, programs=programs)
    program_id, signal = form.chosen()
    try:
        rows = attention_list(
            organisation=request.organisation, viewer=request.membership, program_id=program_id, signal=signal
        )
    except AttentionListNotFound as exc:
        raise Http404(exc.message) from exc
    page = Paginator(rows, ATTENTION_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": [_row(m) for m in page.object_list],
        "signal": signal,
        "time_zone": viewer_time_zone(request.membership).key,
    }
    return render(request, "health/attention.html", context)
