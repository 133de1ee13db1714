"""Match-round pages (program admins): start a round, follow its progress, review the draft
(lock, remove, swap, block), re-run keeping locks, publish or discard, and the past rounds.

A round runs as a background task queued once the transaction that created it commits; its page
polls a small progress fragment with htmx until the draft is ready, then reloads itself.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.errors import DomainError, NotFound
from tandem.matching.forms import LockForm, RoundStartForm, SwapForm
from tandem.matching.models import MatchRound, Proposal, RoundStatus
from tandem.matching.selectors import (
    match_round_detail,
    match_round_get,
    match_round_list,
    proposal_candidate,
    proposal_candidates,
    proposal_get,
    round_summary,
)
from tandem.matching.services import (
    ROUND_PROGRAM_STATUSES,
    match_round_create,
    match_round_discard,
    match_round_publish,
    match_round_rerun,
    pair_block,
    proposal_remove,
    proposal_set_locked,
    proposal_swap_mentor,
)
from tandem.matching.tasks import run_match_round
from tandem.organisations.access import OrgRequest, org_view
from tandem.organisations.models import Role
from tandem.programs.models import Program, ProgramKind
from tandem.programs.selectors import enrolment_get, program_get

RUNNING = {RoundStatus.QUEUED, RoundStatus.RUNNING}


def _is_htmx(request: OrgRequest) -> bool:
    # A history restore after a cache miss needs the whole page, not the fragment.
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def _program(request: OrgRequest, program_id: int) -> Program:
    try:
        return program_get(
            organisation=request.organisation, program_id=program_id, viewer=request.membership
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _round(request: OrgRequest, program_id: int, round_id: int) -> MatchRound:
    try:
        return match_round_get(program=_program(request, program_id), round_id=round_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _proposal(request: OrgRequest, program_id: int, round_id: int, proposal_id: int) -> Proposal:
    try:
        return proposal_get(match_round=_round(request, program_id, round_id), proposal_id=proposal_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _round_url(match_round: MatchRound, org_slug: str, anchor: str = "") -> str:
    url = reverse(
        "matching:round",
        kwargs={"org_slug": org_slug, "program_id": match_round.program_id, "round_id": match_round.pk},
    )
    return f"{url}#{anchor}" if anchor else url


def _to_round(request: OrgRequest, match_round: MatchRound, anchor: str = "") -> HttpResponse:
    return redirect(_round_url(match_round, request.organisation.slug, anchor))


def _enqueue(match_round: MatchRound) -> None:
    """Run the round in the background once the transaction that created it has committed."""
    transaction.on_commit(partial(run_match_round.enqueue, match_round.pk))


def _name(proposal: Proposal, side: str) -> str:
    user = getattr(proposal, side).membership.user
    return str(user.full_name or user.email)


# --- rounds -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@org_view(Role.PROGRAM_ADMIN)
def rounds(request: OrgRequest, program_id: int) -> HttpResponse:
    """Start a round, and the program's past rounds."""
    program = _program(request, program_id)
    if request.method == "POST":
        form = RoundStartForm(request.POST, program=program)
        if form.is_valid():
            try:
                with transaction.atomic():
                    match_round = match_round_create(
                        program=program,
                        by=request.membership,
                        solver=form.cleaned_data["solver"],
                        objective=form.cleaned_data["objective"],
                    )
                    _enqueue(match_round)
            except DomainError as exc:
                form.add_error(form.error_field(exc.field), exc.message)
            else:
                return _to_round(request, match_round)
    else:
        form = RoundStartForm(program=program)
    past = list(match_round_list(program=program))
    context = {
        "program": program,
        "form": form,
        "rounds": past,
        "can_start": program.status in ROUND_PROGRAM_STATUSES,
        "open_round": next((r for r in past if r.status in {*RUNNING, RoundStatus.DRAFT}), None),
    }
    return render(request, "matching/rounds.html", context)


@require_GET
@org_view(Role.PROGRAM_ADMIN)
def round_detail(request: OrgRequest, program_id: int, round_id: int) -> HttpResponse:
    program = _program(request, program_id)
    try:
        match_round = match_round_detail(program=program, round_id=round_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    proposals = list(match_round.proposals.all())
    group = program.kind == ProgramKind.GROUP
    if group:  # a group's seats together, the best-fitting seat first
        proposals.sort(key=lambda p: (p.group_index is None, p.group_index or 0, -p.score))
    context: dict[str, Any] = {
        "program": program,
        "match_round": match_round,
        "proposals": proposals,
        "summary": round_summary(match_round=match_round, proposals=proposals),
        "editable": match_round.status == RoundStatus.DRAFT,
        "running": match_round.status in RUNNING,
        "peer": program.kind == ProgramKind.PEER,
        "group": group,
        "group_count": len({p.group_index for p in proposals}) if group else 0,
    }
    return render(request, "matching/round.html", context)


@require_GET
@org_view(Role.PROGRAM_ADMIN)
def round_progress(request: OrgRequest, program_id: int, round_id: int) -> HttpResponse:
    """The progress fragment htmx polls; once the run has finished, the page reloads itself."""
    match_round = _round(request, program_id, round_id)
    if match_round.status in RUNNING and _is_htmx(request):
        response = render(
            request, "matching/round.html#progress", {"match_round": match_round, "running": True}
        )
    elif _is_htmx(request):
        response = HttpResponse(status=200)
        response["HX-Refresh"] = "true"
    else:
        response = _to_round(request, match_round)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
@org_view(Role.PROGRAM_ADMIN)
def round_rerun(request: OrgRequest, program_id: int, round_id: int) -> HttpResponse:
    match_round = _round(request, program_id, round_id)
    try:
        with transaction.atomic():
            new = match_round_rerun(match_round=match_round, by=request.membership)
            _enqueue(new)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _to_round(request, match_round)
    messages.success(request, "The draft was set aside and the round runs again, keeping the locked pairs.")
    return _to_round(request, new)


@require_POST
@org_view(Role.PROGRAM_ADMIN)
def round_publish(request: OrgRequest, program_id: int, round_id: int) -> HttpResponse:
    match_round = _round(request, program_id, round_id)
    try:
        created = match_round_publish(match_round=match_round, by=request.membership)
    except DomainError as exc:
        messages.error(request, f"Nothing was published. {exc.message}")
    else:
        messages.success(
            request,
            f"Published: {created} mentorship{pluralize(created)} created. "
            "The people matched can now see who they were matched with and why.",
        )
    return _to_round(request, match_round)


@require_POST
@org_view(Role.PROGRAM_ADMIN)
def round_discard(request: OrgRequest, program_id: int, round_id: int) -> HttpResponse:
    match_round = _round(request, program_id, round_id)
    try:
        match_round_discard(match_round=match_round, by=request.membership)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _to_round(request, match_round)
    messages.success(request, f"Round #{match_round.pk} is discarded; nobody was matched by it.")
    return redirect("matching:rounds", org_slug=request.organisation.slug, program_id=program_id)


# --- proposals ----------------------------------------------------------------------------------


@require_POST
@org_view(Role.PROGRAM_ADMIN)
def proposal_lock(request: OrgRequest, program_id: int, round_id: int, proposal_id: int) -> HttpResponse:
    proposal = _proposal(request, program_id, round_id, proposal_id)
    form = LockForm(request.POST)
    anchor = f"proposal-{proposal.pk}"
    if not form.is_valid():
        messages.error(request, "Choose to lock or unlock the pair.")
        return _to_round(request, proposal.match_round, anchor)
    try:
        proposal = proposal_set_locked(
            proposal=proposal, by=request.membership, locked=form.cleaned_data["locked"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _to_round(request, proposal.match_round, anchor)
    if _is_htmx(request):
        # Only the row changes: locking moves no figures, so the row is swapped in place.
        context = {
            "program": proposal.match_round.program,
            "match_round": proposal.match_round,
            "proposal": proposal,
            "editable": True,
            "peer": proposal.match_round.program.kind == ProgramKind.PEER,
        }
        return render(request, "matching/round.html#proposal_row", context)
    state = "locked: a re-run keeps it" if proposal.locked else "unlocked"
    messages.success(request, f"{_name(proposal, 'mentee')} ↔ {_name(proposal, 'mentor')} is {state}.")
    return _to_round(request, proposal.match_round, anchor)


@require_POST
@org_view(Role.PROGRAM_ADMIN)
def proposal_delete(request: OrgRequest, program_id: int, round_id: int, proposal_id: int) -> HttpResponse:
    proposal = _proposal(request, program_id, round_id, proposal_id)
    try:
        proposal_remove(proposal=proposal, by=request.membership)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _to_round(request, proposal.match_round, f"proposal-{proposal.pk}")
    messages.success(
        request,
        f"{_name(proposal, 'mentee')} ↔ {_name(proposal, 'mentor')} is removed from the draft; "
        f"{_name(proposal, 'mentee')} is listed as unmatched.",
    )
    return _to_round(request, proposal.match_round, "unmatched")


@require_POST
@org_view(Role.PROGRAM_ADMIN)
def proposal_block(request: OrgRequest, program_id: int, round_id: int, proposal_id: int) -> HttpResponse:
    proposal = _proposal(request, program_id, round_id, proposal_id)
    try:
        pair_block(
            program=proposal.match_round.program,
            mentee=proposal.mentee.membership,
            mentor=proposal.mentor.membership,
            by=request.membership,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _to_round(request, proposal.match_round, f"proposal-{proposal.pk}")
    messages.success(
        request,
        f"{_name(proposal, 'mentee')} and {_name(proposal, 'mentor')} will never be proposed together "
        "again in this program.",
    )
    return _to_round(request, proposal.match_round, "unmatched")


@require_http_methods(["GET", "POST"])
@org_view(Role.PROGRAM_ADMIN)
def proposal_swap(request: OrgRequest, program_id: int, round_id: int, proposal_id: int) -> HttpResponse:
    """Other mentors for the pair's mentee, with scores and places left; choosing one swaps."""
    proposal = _proposal(request, program_id, round_id, proposal_id)
    problem = ""
    if request.method == "POST":
        form = SwapForm(request.POST)
        if not form.is_valid():
            problem = "Choose one of the mentors listed."
        else:
            try:
                mentor = enrolment_get(
                    program=proposal.match_round.program, enrolment_id=form.cleaned_data["mentor"]
                )
                candidate = proposal_candidate(proposal=proposal, mentor=mentor)
                proposal_swap_mentor(
                    proposal=proposal,
                    mentor=mentor,
                    by=request.membership,
                    score=candidate.score,
                    breakdown=candidate.breakdown,
                    reasons=candidate.reasons,
                )
            except DomainError as exc:
                problem = exc.message
            else:
                messages.success(
                    request, f"{_name(proposal, 'mentee')} is now proposed with {_name(proposal, 'mentor')}."
                )
                return _to_round(request, proposal.match_round, f"proposal-{proposal.pk}")
    try:
        candidates = proposal_candidates(proposal=proposal)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _to_round(request, proposal.match_round, f"proposal-{proposal.pk}")
    context = {
        "program": proposal.match_round.program,
        "match_round": proposal.match_round,
        "proposal": proposal,
        "candidates": candidates,
        "problem": problem,
    }
    return render(request, "matching/swap.html", context)
