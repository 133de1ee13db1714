"""The Goals tab of a mentorship: shared goals with milestones and progress, goals from the
program's templates, each goal's page with its history. Only the people in the mentorship see
or change its goals; to anyone else the pages do not exist."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.errors import DomainError, NotFound
from tandem.goals.forms import GoalEditForm, GoalForm, MilestoneForm, TemplateForm, ToggleForm
from tandem.goals.models import Goal, Milestone
from tandem.goals.selectors import goal_get, goal_history, goal_list, goals_summary, milestone_get
from tandem.goals.services import (
    GoalChanges,
    goal_create,
    goal_create_from_template,
    goal_templates_of,
    goal_update,
    milestone_add,
    milestone_delete,
    milestone_update,
)
from tandem.mentorships.models import OCCUPYING_STATUSES
from tandem.mentorships.pages import RelationshipPage, relationship_page
from tandem.organisations.access import OrgRequest, org_view, viewer_time_zone


def _is_htmx(request: OrgRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def _writable(page: RelationshipPage) -> bool:
    return page.me is not None and page.mentorship.status in OCCUPYING_STATUSES


def _goal(page: RelationshipPage, goal_id: int) -> Goal:
    try:
        return goal_get(mentorship=page.mentorship, goal_id=goal_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _milestone(goal: Goal, milestone_id: int) -> Milestone:
    try:
        return milestone_get(goal=goal, milestone_id=milestone_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _to_tab(request: OrgRequest, mentorship_id: int) -> HttpResponse:
    return redirect("goals:mentorship", org_slug=request.organisation.slug, mentorship_id=mentorship_id)


def _to_goal(request: OrgRequest, goal: Goal) -> HttpResponse:
    return redirect(
        "goals:detail", org_slug=request.organisation.slug, mentorship_id=goal.mentorship_id, goal_id=goal.pk
    )


# --- the tab ------------------------------------------------------------------------------------


def _render_tab(request: OrgRequest, page: RelationshipPage, form: GoalForm | None = None) -> HttpResponse:
    goals = list(goal_list(page.mentorship))
    context = page.context(
        goals=goals,
        overall=goals_summary(goals),
        templates=list(enumerate(goal_templates_of(page.mentorship))),
        form=form or GoalForm(),
        writable=_writable(page),
        open_form=form is not None,
    )
    return render(request, "goals/mentorship.html", context, status=400 if form is not None else 200)


@require_GET
@org_view()
def mentorship_goals(request: OrgRequest, mentorship_id: int) -> HttpResponse:
    return _render_tab(request, relationship_page(request, mentorship_id))


@require_POST
@org_view()
def goal_new(request: OrgRequest, mentorship_id: int) -> HttpResponse:
    page = relationship_page(request, mentorship_id)
    form = GoalForm(request.POST)
    if form.is_valid():
        try:
            goal = goal_create(
                mentorship=page.mentorship,
                by=request.membership,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                target_date=form.cleaned_data["target_date"],
                milestones=form.milestone_drafts(),
            )
        except DomainError as exc:
            form.add_error(form.error_field(exc.field), exc.message)
        else:
            messages.success(request, f"“{goal.title}” is set. Tick off its milestones as you go.")
            return _to_goal(request, goal)
    return _render_tab(request, page, form)


@require_POST
@org_view()
def goal_from_template(request: OrgRequest, mentorship_id: int) -> HttpResponse:
    page = relationship_page(request, mentorship_id)
    form = TemplateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the program's goal templates.")
        return _to_tab(request, mentorship_id)
    try:
        goal = goal_create_from_template(
            mentorship=page.mentorship,
            by=request.membership,
            template_index=form.cleaned_data["template_index"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _to_tab(request, mentorship_id)
    messages.success(request, f"“{goal.title}” is added from the program's templates. Adjust it as you like.")
    return _to_goal(request, goal)


# --- one goal -----------------------------------------------------------------------------------


def _edit_initial(goal: Goal) -> dict[str, Any]:
    return {
        "title": goal.title,
        "description": goal.description,
        "target_date": goal.target_date,
        "status": goal.status,
    }


def _render_goal(
    request: OrgRequest,
    page: RelationshipPage,
    goal: Goal,
    *,
    edit_form: GoalEditForm | None = None,
    milestone_form: MilestoneForm | None = None,
) -> HttpResponse:
    context = page.context(
        goal=goal,
        history=list(goal_history(goal)),
        edit_form=edit_form or GoalEditForm(initial=_edit_initial(goal)),
        milestone_form=milestone_form or MilestoneForm(prefix="milestone"),
        writable=_writable(page),
        manage=True,
        time_zone=viewer_time_zone(request.membership).key,
        editing=edit_form is not None,
    )
    status = 400 if edit_form is not None or milestone_form is not None else 200
    return render(request, "goals/detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@org_view()
def goal_detail(request: OrgRequest, mentorship_id: int, goal_id: int) -> HttpResponse:
    page = relationship_page(request, mentorship_id)
    goal = _goal(page, goal_id)
    if request.method == "GET":
        return _render_goal(request, page, goal)
    form = GoalEditForm(request.POST)
    if form.is_valid():
        data, changed = form.cleaned_data, set(form.changed_data)

        def edited(name: str) -> Any:
            return data[name] if name in changed else None

        try:
            goal_update(
                goal=goal,
                by=request.membership,
                changes=GoalChanges(
                    title=edited("title"),
                    description=edited("description"),
                    target_date=edited("target_date"),
                    clear_target_date="target_date" in changed and data["target_date"] is None,
                    status=edited("status"),
                ),
            )
        except DomainError as exc:
            form.add_error(form.error_field(exc.field), exc.message)
        else:
            messages.success(request, "The goal is saved.")
            return _to_goal(request, goal)
    return _render_goal(request, page, goal, edit_form=form)


@require_POST
@org_view()
def goal_milestone_add(request: OrgRequest, mentorship_id: int, goal_id: int) -> HttpResponse:
    page = relationship_page(request, mentorship_id)
    goal = _goal(page, goal_id)
    form = MilestoneForm(request.POST, prefix="milestone")
    if form.is_valid():
        try:
            milestone_add(
                goal=goal,
                by=request.membership,
                title=form.cleaned_data["title"],
                due_date=form.cleaned_data["due_date"],
            )
        except DomainError as exc:
            form.add_error(form.error_field(exc.field), exc.message)
        else:
            messages.success(request, "The milestone is added.")
            return _to_goal(request, goal)
    return _render_goal(request, page, _goal(page, goal_id), milestone_form=form)


@require_POST
@org_view()
def goal_milestone_toggle(
    request: OrgRequest, mentorship_id: int, goal_id: int, milestone_id: int
) -> HttpResponse:
    """Tick off or reopen a milestone. With htmx, answers the goal's refreshed progress block."""
    page = relationship_page(request, mentorship_id)
    goal = _goal(page, goal_id)
    milestone = _milestone(goal, milestone_id)
    form = ToggleForm(request.POST)
    manage = request.POST.get("manage") == "1"
    if not form.is_valid():
        messages.error(request, "Say whether the milestone is done.")
    else:
        try:
            milestone_update(milestone=milestone, by=request.membership, done=form.cleaned_data["done"])
        except DomainError as exc:
            messages.error(request, exc.message)
    if _is_htmx(request):
        context = page.context(goal=_goal(page, goal_id), writable=_writable(page), manage=manage)
        response = render(request, "goals/_progress.html", context)
        patch_vary_headers(response, ["HX-Request"])
        return response
    return _to_goal(request, goal) if manage else _to_tab(request, mentorship_id)


@require_POST
@org_view()
def goal_milestone_delete(
    request: OrgRequest, mentorship_id: int, goal_id: int, milestone_id: int
) -> HttpResponse:
    page = relationship_page(request, mentorship_id)
    goal = _goal(page, goal_id)
    milestone = _milestone(goal, milestone_id)
    try:
        milestone_delete(milestone=milestone, by=request.membership)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"“{milestone.title}” is removed.")
    return _to_goal(request, goal)
