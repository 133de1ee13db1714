"""Career pages: the mentorship's Career tab (endorsements and introductions), a member's
"Introductions to me" inbox, program admins' list of shared endorsements, and the page an
external contact reaches from their emailed link (no sign-in: the link's token is the key).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.advancement.errors import IntroductionNotFound
from tandem.advancement.forms import AnswerForm, EndorsementForm, IntroductionForm, NoteForm
from tandem.advancement.models import Endorsement, Introduction, IntroductionStatus
from tandem.advancement.selectors import (
    endorsement_get,
    endorsement_list,
    endorsements_shared,
    introduction_candidates,
    introduction_get,
    introduction_list,
    introductions_received,
)
from tandem.advancement.services import (
    OPEN_FOR_ADVANCEMENT,
    endorsement_create,
    endorsement_share,
    endorsement_update,
    endorsement_withdraw,
    introduction_answer,
    introduction_answer_by_token,
    introduction_by_token,
    introduction_create,
    introduction_note,
)
from tandem.errors import DomainError, NotFound
from tandem.feedback.support import supported_members
from tandem.mentorships.pages import RelationshipPage, relationship_page
from tandem.organisations.access import OrgRequest, org_view
from tandem.organisations.models import Organisation, Role
from tandem.people.selectors import skill_list

SHOWN = 100
STATUS_TONE = {
    IntroductionStatus.PENDING: "warning",
    IntroductionStatus.ACCEPTED: "success",
    IntroductionStatus.DECLINED: "muted",
    IntroductionStatus.EXPIRED: "muted",
}


def _career(request: OrgRequest, mentorship_id: int) -> RelationshipPage:
    return relationship_page(request, mentorship_id, allow_oversight=True)


def _participant(request: OrgRequest, mentorship_id: int) -> RelationshipPage:
    return relationship_page(request, mentorship_id)


def _back(request: OrgRequest, mentorship_id: int) -> HttpResponse:
    return redirect("advancement:mentorship", org_slug=request.organisation.slug, mentorship_id=mentorship_id)


def _render_career(
    request: OrgRequest,
    page: RelationshipPage,
    *,
    endorsement_form: EndorsementForm | None = None,
    introduction_form: IntroductionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    mentorship, me = page.mentorship, request.membership
    supported = [m.membership for m in supported_members(mentorship, me)]
    can_act = bool(supported) and mentorship.status in OPEN_FOR_ADVANCEMENT
    if can_act:
        endorsement_form = endorsement_form or EndorsementForm(
            skills=skill_list(organisation=request.organisation), subjects=supported
        )
        introduction_form = introduction_form or IntroductionForm(
            candidates=introduction_candidates(mentorship=mentorship), subjects=supported
        )
    introductions = [] if page.overseeing else list(introduction_list(mentorship=mentorship, viewer=me))
    context: dict[str, Any] = {
        "endorsements": list(endorsement_list(mentorship=mentorship, viewer=me)),
        "introductions": [(i, STATUS_TONE[IntroductionStatus(i.current_status)]) for i in introductions],
        "endorsement_form": endorsement_form if can_act else None,
        "introduction_form": introduction_form if can_act else None,
        "supported_names": ", ".join(s.user.full_name or s.user.email for s in supported),
    }
    return render(request, "advancement/mentorship.html", page.context(**context), status=status)


@require_GET
@org_view()
def mentorship_career(request: OrgRequest, mentorship_id: int) -> HttpResponse:
    """Participants see their endorsements and introductions; a program admin overseeing the
    mentorship sees only the endorsements shared with admins."""
    return _render_career(request, _career(request, mentorship_id))


@require_POST
@org_view()
def endorse(request: OrgRequest, mentorship_id: int) -> HttpResponse:
    page = _participant(request, mentorship_id)
    supported = [m.membership for m in supported_members(page.mentorship, request.membership)]
    form = EndorsementForm(
        request.POST, skills=skill_list(organisation=request.organisation), subjects=supported
    )
    if form.is_valid():
        try:
            endorsement_create(
                mentorship=page.mentorship,
                by=request.membership,
                text=form.cleaned_data["text"],
                skill_ids=[s.pk for s in form.cleaned_data["skills"]],
                subject_id=form.cleaned_data.get("subject"),
            )
        except DomainError as exc:
            form.add_error(form.error_field(exc.field), exc.message)
        else:
            messages.success(request, "Your endorsement is saved. They have been told.")
            return _back(request, mentorship_id)
    return _render_career(request, page, endorsement_form=form, status=400)


def _my_endorsement(request: OrgRequest, page: RelationshipPage, endorsement_id: int) -> Endorsement:
    try:
        return endorsement_get(
            mentorship=page.mentorship, endorsement_id=endorsement_id, viewer=request.membership
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc


@require_http_methods(["GET", "POST"])
@org_view()
def endorsement_edit(request: OrgRequest, mentorship_id: int, endorsement_id: int) -> HttpResponse:
    page = _participant(request, mentorship_id)
    endorsement = _my_endorsement(request, page, endorsement_id)
    if endorsement.author_id != request.membership.pk:
        raise Http404("No such endorsement.")
    skills = skill_list(organisation=request.organisation)
    initial = {"text": endorsement.text, "skills": list(endorsement.skills.all())}
    form = EndorsementForm(request.POST or None, skills=skills, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            endorsement_update(
                endorsement=endorsement,
                by=request.membership,
                text=form.cleaned_data["text"],
                skill_ids=[s.pk for s in form.cleaned_data["skills"]],
            )
        except DomainError as exc:
            form.add_error(form.error_field(exc.field), exc.message)
        else:
            messages.success(request, "Your endorsement is updated.")
            return _back(request, mentorship_id)
    status = 400 if form.errors else 200
    context = page.context(form=form, endorsement=endorsement)
    return render(request, "advancement/endorsement_edit.html", context, status=status)


@require_POST
@org_view()
def endorsement_remove(request: OrgRequest, mentorship_id: int, endorsement_id: int) -> HttpResponse:
    page = _participant(request, mentorship_id)
    try:
        endorsement_withdraw(
            endorsement=_my_endorsement(request, page, endorsement_id), by=request.membership
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Your endorsement is withdrawn.")
    return _back(request, mentorship_id)


@require_POST
@org_view()
def endorsement_sharing(request: OrgRequest, mentorship_id: int, endorsement_id: int) -> HttpResponse:
    page = _participant(request, mentorship_id)
    shared = request.POST.get("shared") == "1"
    try:
        endorsement_share(
            endorsement=_my_endorsement(request, page, endorsement_id), by=request.membership, shared=shared
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            "Program admins can now see this endorsement."
            if shared
            else "This endorsement is private to the two of you again.",
        )
    return _back(request, mentorship_id)


@require_POST
@org_view()
def introduce(request: OrgRequest, mentorship_id: int) -> HttpResponse:
    page = _participant(request, mentorship_id)
    supported = [m.membership for m in supported_members(page.mentorship, request.membership)]
    form = IntroductionForm(
        request.POST, candidates=introduction_candidates(mentorship=page.mentorship), subjects=supported
    )
    if form.is_valid():
        data = form.cleaned_data
        member = data["kind"] == "member"
        try:
            introduction, _token = introduction_create(
                mentorship=page.mentorship,
                by=request.membership,
                context=data["context"],
                contact_id=data["contact"].pk if member else None,
                contact_name="" if member else data["contact_name"],
                contact_email="" if member else data["contact_email"],
                subject_id=data.get("subject"),
                base_url=request.build_absolute_uri("/"),
            )
        except DomainError as exc:
            form.add_error(form.error_field(exc.field), exc.message)
        else:
            messages.success(
                request, f"Your introduction to {introduction.contact_display_name} is on its way."
            )
            return _back(request, mentorship_id)
    return _render_career(request, page, introduction_form=form, status=400)


@require_POST
@org_view()
def introduction_note_save(request: OrgRequest, mentorship_id: int, introduction_id: int) -> HttpResponse:
    page = _participant(request, mentorship_id)
    try:
        introduction = introduction_get(
            organisation=request.organisation, introduction_id=introduction_id, viewer=request.membership
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if introduction.mentorship_id != page.mentorship.pk:
        raise Http404("No such introduction.")
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Keep the note short: 500 characters at most.")
        return _back(request, mentorship_id)
    try:
        introduction_note(
            introduction=introduction, by=request.membership, note=form.cleaned_data["mentee_note"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Your note is saved.")
    return _back(request, mentorship_id)


# --- introductions to me ------------------------------------------------------------------------


@require_GET
@org_view()
def introductions(request: OrgRequest) -> HttpResponse:
    received = list(
        introductions_received(organisation=request.organisation, viewer=request.membership)[:SHOWN]
    )
    rows = [(i, STATUS_TONE[IntroductionStatus(i.current_status)]) for i in received]
    return render(request, "advancement/introductions.html", {"rows": rows})


@require_POST
@org_view()
def introduction_reply(request: OrgRequest, introduction_id: int) -> HttpResponse:
    try:
        introduction = introduction_get(
            organisation=request.organisation, introduction_id=introduction_id, viewer=request.membership
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose to accept or decline; keep the message under 1000 characters.")
    else:
        try:
            introduction_answer(
                introduction=introduction,
                by=request.membership,
                accept=form.cleaned_data["accept"],
                message=form.cleaned_data["message"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            name = introduction.mentee.user.full_name or introduction.mentee.user.email
            messages.success(
                request,
                f"You accepted — {name} will be in touch."
                if form.cleaned_data["accept"]
                else f"You declined. {name} has been told, kindly.",
            )
    return redirect("advancement:introductions", org_slug=request.organisation.slug)


# --- program admins -----------------------------------------------------------------------------


@require_GET
@org_view(min_role=Role.PROGRAM_ADMIN)
def shared_endorsements(request: OrgRequest) -> HttpResponse:
    shared = list(endorsements_shared(organisation=request.organisation, viewer=request.membership)[:SHOWN])
    return render(request, "advancement/shared_endorsements.html", {"endorsements": shared})


# --- external contacts (no sign-in) -------------------------------------------------------------


def _respond_page(
    request: HttpRequest,
    introduction: Introduction,
    *,
    form: AnswerForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "introduction": introduction,
        "organisation": introduction.organisation,
        "open": introduction.current_status == IntroductionStatus.PENDING,
        "form": form or AnswerForm(),
        "error": error,
    }
    return render(request, "advancement/respond.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def respond(request: HttpRequest, org_slug: str, token: str) -> HttpResponse:
    """The emailed link's page: an external contact reads why they are introduced and answers."""
    organisation = get_object_or_404(Organisation, slug=org_slug)
    try:
        introduction = introduction_by_token(organisation=organisation, raw_token=token)
    except IntroductionNotFound as exc:
        return render(request, "advancement/respond_invalid.html", {"reason": exc.message}, status=404)
    if request.method != "POST":
        return _respond_page(request, introduction)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _respond_page(request, introduction, form=form, status=400)
    try:
        answered = introduction_answer_by_token(
            organisation=organisation,
            raw_token=token,
            accept=form.cleaned_data["accept"],
            message=form.cleaned_data["message"],
        )
    except DomainError as exc:
        introduction.refresh_from_db()
        return _respond_page(request, introduction, form=form, error=exc.message, status=exc.status_code)
    return _respond_page(request, answered)
