"""Writes for shared goals and milestones. Every change is recorded as a GoalEvent (who, what,
when, from what to what). Both sides edit; ended or declined mentorships are read-only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from tandem.goals.errors import GoalConflict, GoalInvalid, GoalNotAllowed
from tandem.goals.models import Goal, GoalEvent, GoalEventKind, GoalStatus, Milestone
from tandem.mentorships.models import OCCUPYING_STATUSES, Mentorship, MentorshipMember
from tandem.notifications.models import NotificationKind
from tandem.notifications.services import notify
from tandem.organisations.models import Membership

MAX_GOALS = 30
MAX_MILESTONES = 30
MAX_TITLE = 200
MAX_DESCRIPTION = 4000


@dataclass(frozen=True)
class MilestoneDraft:
    title: str
    due_date: dt.date | None = None


@dataclass(frozen=True)
class GoalChanges:
    """A partial update: None leaves a field as it is; `clear_target_date` removes the date."""

    title: str | None = None
    description: str | None = None
    target_date: dt.date | None = None
    clear_target_date: bool = False
    status: str | None = None


def _name(membership: Membership) -> str:
    return membership.user.full_name or membership.user.email


def _members(mentorship_id: int) -> list[MentorshipMember]:
    return list(
        MentorshipMember.objects.filter(mentorship_id=mentorship_id).select_related("membership__user")
    )


def _writable(mentorship_id: int, by: Membership) -> list[MentorshipMember]:
    """Lock the mentorship (serialising goal writes in it), check it is live and `by` is in it."""
    status = (
        Mentorship.objects.select_for_update().filter(pk=mentorship_id).values_list("status", flat=True).get()
    )
    members = _members(mentorship_id)
    if not any(m.membership_id == by.pk for m in members):
        raise GoalNotAllowed("Only the people in this mentorship can change its goals.")
    if status not in OCCUPYING_STATUSES:
        raise GoalConflict(
            "This mentorship has ended, so its goals can no longer change. They stay readable."
        )
    return members


def _tell_others(
    members: list[MentorshipMember], by: Membership, goal: Goal, title: str, body: str = ""
) -> None:
    url = reverse(
        "goals:detail",
        kwargs={"org_slug": by.organisation.slug, "mentorship_id": goal.mentorship_id, "goal_id": goal.pk},
    )
    for member in members:
        if member.membership_id != by.pk:
            notify(recipient=member.membership, kind=NotificationKind.GOAL, title=title, body=body, url=url)


def _title(value: str, field: str, what: str = "The goal") -> str:
    value = value.strip()
    if not value:
        raise GoalInvalid(f"{what} needs a title.", field=field)
    if len(value) > MAX_TITLE:
        raise GoalInvalid(f"{what}'s title is too long (at most {MAX_TITLE} characters).", field=field)
    return value


def _description(value: str) -> str:
    value = value.strip()
    if len(value) > MAX_DESCRIPTION:
        raise GoalInvalid(
            f"The description is too long (at most {MAX_DESCRIPTION} characters).", field="description"
        )
    return value


def _event(goal: Goal, by: Membership, kind: str, **details: Any) -> None:
    GoalEvent.objects.create(goal=goal, actor=by, kind=kind, **details)


def _date_text(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


@transaction.atomic
def goal_create(
    *,
    mentorship: Mentorship,
    by: Membership,
    title: str,
    description: str = "",
    target_date: dt.date | None = None,
    milestones: Sequence[MilestoneDraft] = (),
    template_title: str = "",
) -> Goal:
    members = _writable(mentorship.pk, by)
    title = _title(title, "title")
    description = _description(description)
    drafts = [MilestoneDraft(_title(m.title, "milestones", "Each milestone"), m.due_date) for m in milestones]
    if len(drafts) > MAX_MILESTONES:
        raise GoalInvalid(f"A goal has at most {MAX_MILESTONES} milestones.", field="milestones")
    if Goal.objects.filter(mentorship_id=mentorship.pk).count() >= MAX_GOALS:
        raise GoalConflict(f"A mentorship has at most {MAX_GOALS} goals: drop or reuse one first.")
    goal = Goal.objects.create(
        mentorship_id=mentorship.pk,
        title=title,
        description=description,
        target_date=target_date,
        template_title=template_title,
        created_by=by,
    )
    Milestone.objects.bulk_create(
        Milestone(goal=goal, title=d.title, due_date=d.due_date, position=i) for i, d in enumerate(drafts)
    )
    _event(goal, by, GoalEventKind.CREATED, after=title)
    _tell_others(members, by, goal, f"{_name(by)} set a new shared goal: {title}", description[:300])
    return goal


def goal_templates_of(mentorship: Mentorship) -> list[dict[str, Any]]:
    """The program's goal templates, each {title, description, milestones: [titles]}."""
    templates = mentorship.program.goal_templates or []
    return [
        {
            "title": str(t.get("title", "")).strip(),
            "description": str(t.get("description", "")).strip(),
            "milestones": [str(m).strip() for m in t.get("milestones", []) if str(m).strip()],
        }
        for t in templates
        if isinstance(t, dict) and str(t.get("title", "")).strip()
    ]


def goal_create_from_template(
    *, mentorship: Mentorship, by: Membership, template_index: int, target_date: dt.date | None = None
) -> Goal:
    """A goal and its milestones from one of the program's templates (0-based index)."""
    templates = goal_templates_of(mentorship)
    if not 0 <= template_index < len(templates):
        raise GoalInvalid(
            "No such goal template in this program."
            if templates
            else "This program offers no goal templates.",
            field="template_index",
        )
    template = templates[template_index]
    return goal_create(
        mentorship=mentorship,
        by=by,
        title=template["title"][:MAX_TITLE],
        description=template["description"][:MAX_DESCRIPTION],
        target_date=target_date,
        milestones=[MilestoneDraft(t[:MAX_TITLE]) for t in template["milestones"][:MAX_MILESTONES]],
        template_title=template["title"][:MAX_TITLE],
    )


def _set_status(goal: Goal, status: str, by: Membership) -> None:
    before = goal.get_status_display()
    goal.status = status
    goal.achieved_at = timezone.now() if status == GoalStatus.ACHIEVED else None
    _event(goal, by, GoalEventKind.STATUS, field="status", before=before, after=goal.get_status_display())


@transaction.atomic
def goal_update(*, goal: Goal, by: Membership, changes: GoalChanges) -> Goal:
    members = _writable(goal.mentorship_id, by)
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    edits: list[tuple[str, str, str]] = []
    if changes.title is not None:
        title = _title(changes.title, "title")
        if title != goal.title:
            edits.append(("title", goal.title, title))
            goal.title = title
    if changes.description is not None:
        description = _description(changes.description)
        if description != goal.description:
            edits.append(("description", goal.description, description))
            goal.description = description
    target = None if changes.clear_target_date else (changes.target_date or goal.target_date)
    if target != goal.target_date:
        edits.append(("target_date", _date_text(goal.target_date), _date_text(target)))
        goal.target_date = target
    achieved = False
    if changes.status is not None and changes.status != goal.status:
        if changes.status not in GoalStatus.values:
            raise GoalInvalid("Choose not started, in progress, achieved or dropped.", field="status")
        achieved = changes.status == GoalStatus.ACHIEVED
        _set_status(goal, changes.status, by)
    elif not edits:
        return goal
    for field, before, after in edits:
        _event(goal, by, GoalEventKind.EDITED, field=field, before=before, after=after)
    goal.save()
    if achieved:
        _tell_others(members, by, goal, f"Goal achieved: {goal.title}", f"{_name(by)} marked it achieved.")
    return goal


@transaction.atomic
def milestone_add(*, goal: Goal, by: Membership, title: str, due_date: dt.date | None = None) -> Milestone:
    _writable(goal.mentorship_id, by)
    title = _title(title, "title", "The milestone")
    milestones = Milestone.objects.filter(goal=goal)
    if milestones.count() >= MAX_MILESTONES:
        raise GoalConflict(f"A goal has at most {MAX_MILESTONES} milestones.")
    position = (milestones.aggregate(last=Max("position"))["last"] or 0) + 1
    milestone = Milestone.objects.create(goal=goal, title=title, due_date=due_date, position=position)
    _event(goal, by, GoalEventKind.MILESTONE_ADDED, milestone_title=title)
    Goal.objects.filter(pk=goal.pk).update(updated_at=timezone.now())
    return milestone


@transaction.atomic
def milestone_update(
    *,
    milestone: Milestone,
    by: Membership,
    title: str | None = None,
    due_date: dt.date | None = None,
    clear_due_date: bool = False,
    done: bool | None = None,
) -> Milestone:
    """Rename, re-date, tick off or reopen a milestone. The first milestone ticked off moves a
    goal that was not started to in progress."""
    _writable(milestone.goal.mentorship_id, by)
    milestone = Milestone.objects.select_for_update().select_related("goal").get(pk=milestone.pk)
    goal = milestone.goal
    if title is not None:
        new_title = _title(title, "title", "The milestone")
        if new_title != milestone.title:
            _event(
                goal,
                by,
                GoalEventKind.MILESTONE_EDITED,
                field="title",
                before=milestone.title,
                after=new_title,
                milestone_title=new_title,
            )
            milestone.title = new_title
    due = None if clear_due_date else (due_date or milestone.due_date)
    if due != milestone.due_date:
        _event(
            goal,
            by,
            GoalEventKind.MILESTONE_EDITED,
            field="due_date",
            before=_date_text(milestone.due_date),
            after=_date_text(due),
            milestone_title=milestone.title,
        )
        milestone.due_date = due
    if done is not None and done != milestone.done:
        milestone.done_at = timezone.now() if done else None
        milestone.done_by = by if done else None
        kind = GoalEventKind.MILESTONE_DONE if done else GoalEventKind.MILESTONE_UNDONE
        _event(goal, by, kind, milestone_title=milestone.title)
        if done and goal.status == GoalStatus.NOT_STARTED:
            _set_status(goal, GoalStatus.IN_PROGRESS, by)
    milestone.save()
    goal.save()  # touches updated_at (and saves a status moved above)
    return milestone


@transaction.atomic
def milestone_delete(*, milestone: Milestone, by: Membership) -> None:
    _writable(milestone.goal.mentorship_id, by)
    milestone = Milestone.objects.select_for_update().select_related("goal").get(pk=milestone.pk)
    goal = milestone.goal
    _event(goal, by, GoalEventKind.MILESTONE_REMOVED, milestone_title=milestone.title)
    milestone.delete()
    Goal.objects.filter(pk=goal.pk).update(updated_at=timezone.now())
