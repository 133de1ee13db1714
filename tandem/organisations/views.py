"""Organisation admin pages: members, invitations, taxonomy and the people import.
Org admins only; everyone else gets the same 404 as for an organisation that does not exist."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.errors import DomainError, NotFound
from tandem.organisations.access import OrgRequest, org_view
from tandem.organisations.errors import OrganisationNotFound
from tandem.organisations.forms import ImportForm, InviteForm, MemberSearchForm, RoleForm, TaxonomyActionForm
from tandem.organisations.models import Membership, Role
from tandem.organisations.selectors import (
    invitation_get,
    invitation_list_open,
    membership_get,
    membership_list,
)
from tandem.organisations.services import (
    invitation_create,
    invitation_revoke,
    membership_change_role,
    membership_deactivate,
    membership_reactivate,
)
from tandem.people.imports import ImportRejected, people_import_csv
from tandem.people.selectors import (
    career_level_list,
    competency_list,
    department_list,
    skill_list,
    value_list,
)
from tandem.people.services import taxonomy_create, taxonomy_delete, taxonomy_rename

MEMBERS_PAGE_SIZE = 50
TAXONOMY_SECTIONS = [
    ("skill", "Skills", "What people can offer and want to grow in. Grouped by category."),
    ("competency", "Competencies", "What mentors give feedback on (leadership, communication, …)."),
    ("value", "Work values", "Members pick up to five; matching looks for shared values."),
    ("department", "Departments", "Where people work; used in profiles and directory filters."),
]


def _back_to_members(request: OrgRequest) -> HttpResponseRedirect:
    """Return to the members page the form was sent from (same search and page), if it is ours."""
    members_url = reverse("organisations:members", kwargs={"org_slug": request.organisation.slug})
    target = request.POST.get("next", "")
    if target.startswith(members_url) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(members_url)


def _member_or_404(request: OrgRequest, membership_id: int) -> Membership:
    try:
        return membership_get(organisation=request.organisation, membership_id=membership_id)
    except OrganisationNotFound as exc:
        raise Http404(exc.message) from exc


@require_GET
@org_view(Role.ORG_ADMIN)
def members(request: OrgRequest) -> HttpResponse:
    search = MemberSearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    memberships = membership_list(organisation=request.organisation, query=query)
    page = Paginator(memberships, MEMBERS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/members.html",
        {
            "search": search,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "roles": Role.choices,
            "query": query,
        },
    )


@require_POST
@org_view(Role.ORG_ADMIN)
def member_role(request: OrgRequest, membership_id: int) -> HttpResponse:
    membership = _member_or_404(request, membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the roles in the list.")
        return _back_to_members(request)
    try:
        membership_change_role(membership=membership, role=form.cleaned_data["role"], by=request.membership)
    except DomainError as exc:
        messages.error(request, f"{_name(membership)}: {exc.message}")
    else:
        messages.success(request, f"{_name(membership)} is now {membership.get_role_display().lower()}.")
    return _back_to_members(request)


@require_POST
@org_view(Role.ORG_ADMIN)
def member_deactivate(request: OrgRequest, membership_id: int) -> HttpResponse:
    membership = _member_or_404(request, membership_id)
    try:
        membership_deactivate(membership=membership, by=request.membership)
    except DomainError as exc:
        messages.error(request, f"{_name(membership)}: {exc.message}")
    else:
        messages.success(request, f"{_name(membership)} is deactivated and can no longer sign in here.")
    return _back_to_members(request)


@require_POST
@org_view(Role.ORG_ADMIN)
def member_reactivate(request: OrgRequest, membership_id: int) -> HttpResponse:
    membership = _member_or_404(request, membership_id)
    try:
        membership_reactivate(membership=membership, by=request.membership)
    except DomainError as exc:
        messages.error(request, f"{_name(membership)}: {exc.message}")
    else:
        messages.success(request, f"{_name(membership)} is active again.")
    return _back_to_members(request)


def _name(membership: Membership) -> str:
    return str(membership.user.full_name or membership.user.email)


@require_http_methods(["GET", "POST"])
@org_view(Role.ORG_ADMIN)
def invite(request: OrgRequest) -> HttpResponse:
    if request.method == "POST":
        form = InviteForm(request.POST)
        if form.is_valid():
            try:
                invitation, _key = invitation_create(
                    organisation=request.organisation,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    by=request.membership,
                    base_url=request.build_absolute_uri("/"),
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, f"Invitation sent to {invitation.email}.")
                return redirect("organisations:invite", org_slug=request.organisation.slug)
    else:
        form = InviteForm()
    invitations = invitation_list_open(organisation=request.organisation)
    return render(request, "organisations/invite.html", {"form": form, "invitations": invitations})


@require_POST
@org_view(Role.ORG_ADMIN)
def revoke_invitation(request: OrgRequest, invitation_id: int) -> HttpResponse:
    try:
        invitation = invitation_get(organisation=request.organisation, invitation_id=invitation_id)
    except OrganisationNotFound as exc:
        raise Http404(exc.message) from exc
    invitation_revoke(invitation=invitation, by=request.membership)
    messages.success(request, f"The invitation to {invitation.email} is revoked.")
    return redirect("organisations:invite", org_slug=request.organisation.slug)


@require_http_methods(["GET", "POST"])
@org_view(Role.ORG_ADMIN)
def taxonomy(request: OrgRequest) -> HttpResponse:
    failed: dict[str, Any] | None = None
    if request.method == "POST":
        form = TaxonomyActionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                message = _taxonomy_apply(request, data)
            except NotFound as exc:  # another organisation's item, or one already gone
                raise Http404(exc.message) from exc
            except DomainError as exc:
                failed = {**data, "message": exc.message}
            else:
                messages.success(request, message)
                url = reverse("organisations:taxonomy", kwargs={"org_slug": request.organisation.slug})
                return HttpResponseRedirect(f"{url}#{data['kind']}")
        else:
            errors = [str(e) for errs in form.errors.values() for e in errs]
            failed = {**form.cleaned_data, "message": " ".join(errors)}
    if failed is not None:
        failed["where"] = _taxonomy_error_place(failed)
    return render(request, "organisations/taxonomy.html", _taxonomy_context(request, failed))


def _taxonomy_error_place(failed: dict[str, Any]) -> str:
    """Show an error next to the control it is about when there is one, else on top."""
    if failed.get("kind") and failed.get("action") == "add":
        return "add"
    if failed.get("kind") and failed.get("item_id") and failed.get("action") == "rename":
        return "rename"
    return "top"


def _taxonomy_apply(request: OrgRequest, data: dict[str, Any]) -> str:
    organisation, kind = request.organisation, data["kind"]
    if data["action"] == "add":
        item = taxonomy_create(
            organisation=organisation, kind=kind, name=data["name"], category=data.get("category") or ""
        )
        return f"“{item.name}” added."
    if data["action"] == "rename":
        item = taxonomy_rename(
            organisation=organisation, kind=kind, item_id=data["item_id"], name=data["name"]
        )
        return f"Renamed to “{item.name}”."
    taxonomy_delete(organisation=organisation, kind=kind, item_id=data["item_id"])
    return "Deleted; profiles that used it no longer show it."


def _taxonomy_context(request: OrgRequest, failed: dict[str, Any] | None) -> dict[str, Any]:
    organisation = request.organisation
    skills = list(skill_list(organisation=organisation))
    items: dict[str, list[Any]] = {
        "skill": skills,
        "competency": list(competency_list(organisation=organisation)),
        "value": list(value_list(organisation=organisation)),
        "department": list(department_list(organisation=organisation)),
    }
    sections = [
        {"kind": kind, "title": title, "lead": lead, "items": items[kind]}
        for kind, title, lead in TAXONOMY_SECTIONS
    ]
    categories = sorted({s.category for s in skills if s.category})
    return {
        "sections": sections,
        "categories": categories,
        "career_levels": career_level_list(organisation=organisation),
        "failed": failed,
    }


@require_http_methods(["GET", "POST"])
@org_view(Role.ORG_ADMIN)
def import_people(request: OrgRequest) -> HttpResponse:
    row_errors = None
    checked = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            dry_run = bool(request.POST.get("dry_run"))
            try:
                report = people_import_csv(
                    organisation=request.organisation,
                    data=form.cleaned_data["file"].read(),
                    by=request.membership,
                    dry_run=dry_run,
                )
            except ImportRejected as exc:
                row_errors = exc.errors
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                if dry_run:
                    checked = report
                else:
                    messages.success(
                        request,
                        f"Imported {report.rows} row{pluralize(report.rows)}: {report.created} "
                        f"{'person' if report.created == 1 else 'people'} added, {report.updated} updated.",
                    )
                    return redirect("organisations:import_people", org_slug=request.organisation.slug)
    else:
        form = ImportForm()
    context = {"form": form, "row_errors": row_errors, "checked": checked}
    return render(request, "organisations/import.html", context)
