"""JSON API of the goals app: organisation-scoped under /api/orgs/{org_slug}/.

A mentorship's goals are its members' to read and change; to anyone else (other members of the
organisation, admins of another organisation) the mentorship does not exist.
"""

# No `from __future__ import annotations`: ninja reads signatures at runtime.

from django.http import HttpRequest
from ninja import Router, Status

from tandem.goals.errors import GoalInvalid
from tandem.goals.models import Goal, GoalEvent, Milestone
from tandem.goals.schemas import (
    GoalEventOut,
    GoalIn,
    GoalOut,
    GoalPatchIn,
    GoalsOut,
    GoalTemplateOut,
    MilestoneIn,
    MilestoneOut,
    MilestonePatchIn,
)
from tandem.goals.selectors import (
    goal_get,
    goal_history,
    goal_list,
    goals_mentorship,
    goals_summary,
    milestone_get,
)
from tandem.goals.services import (
    GoalChanges,
    MilestoneDraft,
    goal_create,
    goal_create_from_template,
    goal_templates_of,
    goal_update,
    milestone_add,
    milestone_delete,
    milestone_update,
)
from tandem.mentorships.models import Mentorship
from tandem.organisations.api import org_membership
from tandem.organisations.models import Membership
from tandem.organisations.schemas import ObjectId

router = Router(tags=["goals"])

MENTORSHIP = "/orgs/{org_slug}/mentorships/{mentorship_id}"
GOALS = MENTORSHIP + "/goals"
GOAL = GOALS + "/{goal_id}"
MILESTONE = GOAL + "/milestones/{milestone_id}"


def _mentorship(caller: Membership, mentorship_id: int) -> Mentorship:
    return goals_mentorship(organisation=caller.organisation, mentorship_id=mentorship_id, viewer=caller)


def _goal(caller: Membership, mentorship_id: int, goal_id: int) -> Goal:
    return goal_get(mentorship=_mentorship(caller, mentorship_id), goal_id=goal_id)


@router.get(GOALS, response=GoalsOut, summary="Our shared goals with their milestones and progress")
def goals_list(request: HttpRequest, org_slug: str, mentorship_id: ObjectId) -> dict[str, object]:
    caller = org_membership(request, org_slug)
    goals = list(goal_list(_mentorship(caller, mentorship_id)))
    return {"progress": goals_summary(goals), "items": goals}


@router.get(
    MENTORSHIP + "/goal-templates",
    response=list[GoalTemplateOut],
    summary="The goal templates our program suggests",
)
def goal_template_list(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId
) -> list[dict[str, object]]:
    caller = org_membership(request, org_slug)
    templates = goal_templates_of(_mentorship(caller, mentorship_id))
    return [{"index": i, **template} for i, template in enumerate(templates)]


@router.post(GOALS, response={201: GoalOut}, summary="Set a goal: our own, or one of the program's templates")
def goals_create(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, payload: GoalIn
) -> Status[Goal]:
    caller = org_membership(request, org_slug)
    mentorship = _mentorship(caller, mentorship_id)
    if payload.template_index is not None:
        if payload.title is not None or payload.milestones or payload.description:
            raise GoalInvalid(
                "Send either a template_index or your own title, description and milestones, not both.",
                field="template_index",
            )
        goal = goal_create_from_template(
            mentorship=mentorship,
            by=caller,
            template_index=payload.template_index,
            target_date=payload.target_date,
        )
    else:
        goal = goal_create(
            mentorship=mentorship,
            by=caller,
            title=payload.title or "",
            description=payload.description,
            target_date=payload.target_date,
            milestones=[MilestoneDraft(m.title, m.due_date) for m in payload.milestones],
        )
    return Status(201, goal_get(mentorship=mentorship, goal_id=goal.pk))


@router.get(GOAL, response=GoalOut, summary="One goal")
def goals_detail(request: HttpRequest, org_slug: str, mentorship_id: ObjectId, goal_id: ObjectId) -> Goal:
    caller = org_membership(request, org_slug)
    return _goal(caller, mentorship_id, goal_id)


@router.patch(GOAL, response=GoalOut, summary="Change a goal's title, description, target date or status")
def goals_patch(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, goal_id: ObjectId, payload: GoalPatchIn
) -> Goal:
    caller = org_membership(request, org_slug)
    mentorship = _mentorship(caller, mentorship_id)
    goal = goal_get(mentorship=mentorship, goal_id=goal_id)
    sent = payload.model_fields_set
    for name in ("title", "description", "status"):
        if name in sent and getattr(payload, name) is None:
            raise GoalInvalid("May not be null; leave the field out to keep it as it is.", field=name)
    goal_update(
        goal=goal,
        by=caller,
        changes=GoalChanges(
            title=payload.title,
            description=payload.description,
            target_date=payload.target_date,
            clear_target_date="target_date" in sent and payload.target_date is None,
            status=payload.status,
        ),
    )
    return goal_get(mentorship=mentorship, goal_id=goal_id)


@router.get(
    GOAL + "/history", response=list[GoalEventOut], summary="Who changed what in a goal, newest first"
)
def goals_history(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, goal_id: ObjectId
) -> list[GoalEvent]:
    caller = org_membership(request, org_slug)
    return list(goal_history(_goal(caller, mentorship_id, goal_id)))


@router.post(GOAL + "/milestones", response={201: MilestoneOut}, summary="Add a milestone to a goal")
def milestones_create(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, goal_id: ObjectId, payload: MilestoneIn
) -> Status[Milestone]:
    caller = org_membership(request, org_slug)
    goal = _goal(caller, mentorship_id, goal_id)
    milestone = milestone_add(goal=goal, by=caller, title=payload.title, due_date=payload.due_date)
    return Status(201, milestone)


@router.patch(MILESTONE, response=MilestoneOut, summary="Rename, re-date, tick off or reopen a milestone")
def milestones_patch(
    request: HttpRequest,
    org_slug: str,
    mentorship_id: ObjectId,
    goal_id: ObjectId,
    milestone_id: ObjectId,
    *,
    payload: MilestonePatchIn,
) -> Milestone:
    caller = org_membership(request, org_slug)
    milestone = milestone_get(goal=_goal(caller, mentorship_id, goal_id), milestone_id=milestone_id)
    sent = payload.model_fields_set
    for name in ("title", "done"):
        if name in sent and getattr(payload, name) is None:
            raise GoalInvalid("May not be null; leave the field out to keep it as it is.", field=name)
    return milestone_update(
        milestone=milestone,
        by=caller,
        title=payload.title,
        due_date=payload.due_date,
        clear_due_date="due_date" in sent and payload.due_date is None,
        done=payload.done,
    )


@router.delete(MILESTONE, response={204: None}, summary="Remove a milestone (the goal's history keeps it)")
def milestones_delete(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, goal_id: ObjectId, milestone_id: ObjectId
) -> Status[None]:
    caller = org_membership(request, org_slug)
    milestone = milestone_get(goal=_goal(caller, mentorship_id, goal_id), milestone_id=milestone_id)
    milestone_delete(milestone=milestone, by=caller)
    return Status(204, None)
