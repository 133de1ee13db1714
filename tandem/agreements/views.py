"""The Agreement tab of a mentorship: the version in force, an open proposal to answer, the
history of versions, and the form to propose the first agreement or a change.

Participants read and write; a program admin overseeing the mentorship reads what was agreed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.agreements.forms import AgreementForm, DeclineForm
from tandem.agreements.models import AgreementStatus, AgreementVersion
from tandem.agreements.selectors import (
    agreement_changes,
    agreement_current,
    agreement_defaults,
    agreement_open,
    agreement_version_get,
    agreement_versions,
    cadence_text,
    waiting_on,
)
from tandem.agreements.services import (
    agreement_accept,
    agreement_decline,
    agreement_propose,
    agreement_withdraw,
)
from tandem.errors import DomainError, NotFound
from tandem.mentorships.models import OCCUPYING_STATUSES
from tandem.mentorships.pages import RelationshipPage, relationship_page
from tandem.organisations.access import OrgRequest, org_view, viewer_time_zone


def _to_tab(request: OrgRequest, mentorship_id: int) -> HttpResponse:
    return redirect("agreements:mentorship", org_slug=request.organisation.slug, mentorship_id=mentorship_id)


def _members(page: RelationshipPage) -> list[Any]:
    """Everyone in the mentorship, the viewer first."""
    members = list(page.mentorship.members.all())
    return sorted(members, key=lambda m: page.me is None or m.pk != page.me.pk)


def _writable(page: RelationshipPage) -> bool:
    return page.me is not None and page.mentorship.status in OCCUPYING_STATUSES


@require_GET
@org_view()
def mentorship_agreement(request: OrgRequest, mentorship_id: int) -> HttpResponse:
    page = relationship_page(request, mentorship_id, allow_oversight=True)
    mentorship, members = page.mentorship, _members(page)
    versions = list(agreement_versions(mentorship=mentorship, viewer=request.membership))
    current = next((v for v in versions if v.status == AgreementStatus.ACCEPTED), None)
    proposal = next((v for v in versions if v.status == AgreementStatus.PROPOSED), None)
    if proposal is not None and current is not None and proposal.based_on_id == current.pk:
        proposal.based_on = current  # spares a query when listing what it changes
    waiting = waiting_on(proposal, members) if proposal else []
    context = page.context(
        current=current,
        current_cadence=cadence_text(current) if current else "",
        expectations=[(m, current.expectation_of(m.membership_id)) for m in members] if current else [],
        proposal=proposal,
        proposal_changes=agreement_changes(proposal, members) if proposal else [],
        waiting=waiting,
        my_turn=bool(proposal and page.me and any(m.pk == page.me.pk for m in waiting)),
        mine=bool(proposal and page.me and proposal.proposed_by_id == page.me.membership_id),
        versions=versions,
        writable=_writable(page),
        decline_form=DeclineForm(),
        time_zone=viewer_time_zone(request.membership).key,
    )
    return render(request, "agreements/mentorship.html", context)


@require_http_methods(["GET", "POST"])
@org_view()
def agreement_propose_view(request: OrgRequest, mentorship_id: int) -> HttpResponse:
    page = relationship_page(request, mentorship_id)
    if page.me is None:  # pragma: no cover - relationship_page without oversight admits participants only
        raise Http404
    if not _writable(page):
        messages.error(request, "This mentorship has ended, so its agreement can no longer change.")
        return _to_tab(request, mentorship_id)
    mentorship, members = page.mentorship, _members(page)
    proposal = agreement_open(mentorship)
    if request.method == "POST":
        form = AgreementForm(request.POST, members=members, me=page.me)
        if form.is_valid():
            try:
                version = agreement_propose(
                    mentorship=mentorship,
                    by=request.membership,
                    terms=form.terms(),
                    replace_open=proposal is not None
                    and request.POST.get("replace_open") == str(proposal.pk),
                )
            except DomainError as exc:
                form.add_error(form.error_field(exc.field), exc.message)
            else:
                if version.status == "accepted":
                    messages.success(request, f"Version {version.number} is in force.")
                else:
                    messages.success(
                        request,
                        f"Version {version.number} is proposed. "
                        "It comes into force once the others accept it.",
                    )
                return _to_tab(request, mentorship_id)
    else:
        form = AgreementForm(
            initial=AgreementForm.initial_from(agreement_defaults(mentorship)), members=members, me=page.me
        )
    context = page.context(
        form=form,
        proposal=proposal,
        current=agreement_current(mentorship),
        mine=bool(proposal and proposal.proposed_by_id == request.membership.pk),
    )
    return render(request, "agreements/propose.html", context)


def _version(request: OrgRequest, page: RelationshipPage, version_id: int) -> AgreementVersion:
    try:
        return agreement_version_get(
            mentorship=page.mentorship, version_id=version_id, viewer=request.membership
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc


@require_GET
@org_view()
def agreement_version(request: OrgRequest, mentorship_id: int, version_id: int) -> HttpResponse:
    page = relationship_page(request, mentorship_id, allow_oversight=True)
    version = _version(request, page, version_id)
    members = _members(page)
    context = page.context(
        version=version,
        cadence=cadence_text(version),
        expectations=[(m, version.expectation_of(m.membership_id)) for m in members],
        changes=agreement_changes(version, members),
        accepted_by=list(version.acceptances.all()),
        time_zone=viewer_time_zone(request.membership).key,
    )
    return render(request, "agreements/version.html", context)


def _answer(request: OrgRequest, mentorship_id: int, version_id: int, action: str) -> HttpResponse:
    page = relationship_page(request, mentorship_id)  # participants only: no oversight for answers
    version = _version(request, page, version_id)
    try:
        if action == "accept":
            version = agreement_accept(version=version, by=request.membership)
            if version.status == "accepted":
                messages.success(request, f"You accepted version {version.number}: it is now in force.")
            else:
                messages.success(request, f"You accepted version {version.number}. It waits for the others.")
        elif action == "decline":
            form = DeclineForm(request.POST)
            if not form.is_valid():  # a reason too long: say so rather than decline without it
                messages.error(request, " ".join(str(e) for e in form.errors["reason"]))
                return _to_tab(request, mentorship_id)
            agreement_decline(version=version, by=request.membership, reason=form.cleaned_data["reason"])
            messages.success(
                request, f"You declined version {version.number}. The agreement in force stays as it was."
            )
        else:
            agreement_withdraw(version=version, by=request.membership)
            messages.success(request, f"You withdrew version {version.number}.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return _to_tab(request, mentorship_id)


@require_POST
@org_view()
def agreement_accept_view(request: OrgRequest, mentorship_id: int, version_id: int) -> HttpResponse:
    return _answer(request, mentorship_id, version_id, "accept")


@require_POST
@org_view()
def agreement_decline_view(request: OrgRequest, mentorship_id: int, version_id: int) -> HttpResponse:
    return _answer(request, mentorship_id, version_id, "decline")


@require_POST
@org_view()
def agreement_withdraw_view(request: OrgRequest, mentorship_id: int, version_id: int) -> HttpResponse:
    return _answer(request, mentorship_id, version_id, "withdraw")
