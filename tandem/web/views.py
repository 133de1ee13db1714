"""The landing redirect, the per-role dashboard and the health check."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from tandem.accounts.models import User
from tandem.mentorships.glance import next_steps_for
from tandem.organisations.access import CURRENT_ORG_SESSION_KEY, OrgRequest, org_view
from tandem.people.selectors import profile_completeness, profile_of_membership
from tandem.web.context_processors import org_url
from tandem.web.selectors import (
    dashboard_admin_counts,
    dashboard_mentoring_counts,
    membership_current,
    membership_recent_list,
)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Signed-in people land in their current organisation; others are asked to sign in."""
    if not isinstance(request.user, User) or not request.user.is_authenticated:
        return redirect("accounts:login")
    membership = membership_current(
        user=request.user, preferred_slug=request.session.get(CURRENT_ORG_SESSION_KEY)
    )
    if membership is None:
        return render(request, "web/no_organisation.html")
    return redirect("web:dashboard", org_slug=membership.organisation.slug)


@require_safe
@org_view()
def dashboard(request: OrgRequest) -> HttpResponse:
    membership = request.membership
    organisation = request.organisation
    profile = profile_of_membership(organisation=organisation, membership_id=membership.pk)
    slug = organisation.slug
    context: dict[str, object] = {
        "membership": membership,
        "organisation": organisation,
        "profile": profile,
        "completeness": profile_completeness(profile=profile),
        "urls": {
            "me": org_url("people:me", slug),
            "edit": org_url("people:edit", slug),
            "directory": org_url("people:directory", slug),
            "members": org_url("organisations:members", slug),
            "taxonomy": org_url("organisations:taxonomy", slug),
            "import_people": org_url("organisations:import_people", slug),
            "programs": org_url("programs:list", slug),
            "mentorships": org_url("mentorships:list", slug),
            "requests": org_url("mentorships:requests", slug),
        },
    }
    context["next_steps"] = next_steps_for(
        organisation=organisation, membership=membership, now=timezone.now()
    )
    if membership.is_program_admin:
        context["counts"] = dashboard_mentoring_counts(organisation=organisation)
        context["recent_members"] = membership_recent_list(organisation=organisation)
    if membership.is_org_admin:
        context["admin_counts"] = dashboard_admin_counts(organisation=organisation)
    return render(request, "web/dashboard.html", context)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:  # noqa: ARG001 — a view takes the request
    """For load balancers and orchestrators: 200 once the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "detail": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
