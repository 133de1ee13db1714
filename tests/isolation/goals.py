"""The goals app's part of the tenant isolation walk (tests/test_api_isolation.py).

In organisation B, the mentorship B's admin mentors has a goal with two milestones (one done).
"""

from __future__ import annotations

from tandem.goals.models import Goal, GoalEvent, Milestone
from tandem.goals.services import MilestoneDraft, goal_create, milestone_update
from tandem.mentorships.models import Mentorship
from tandem.organisations.models import Organisation
from tests.isolation import Endpoint, OrgB

MENTORSHIP = "/orgs/{org_slug}/mentorships/{mentorship_id}"
GOALS = MENTORSHIP + "/goals"
GOAL = GOALS + "/{goal_id}"
MILESTONE = GOAL + "/milestones/{milestone_id}"
AS_MENTOR = (("mentorship_id", "mentorship_as_mentor_id"),)
THE_GOAL = (*AS_MENTOR, ("goal_id", "goals_goal_id"))
THE_MILESTONE = (*THE_GOAL, ("milestone_id", "goals_milestone_id"))

ENDPOINTS = [
    Endpoint("get", GOALS, use=AS_MENTOR),
    Endpoint("get", MENTORSHIP + "/goal-templates", use=AS_MENTOR),
    Endpoint("post", GOALS, {"title": "Planted by A", "milestones": [{"title": "Spy"}]}, AS_MENTOR),
    Endpoint("get", GOAL, use=THE_GOAL),
    Endpoint("patch", GOAL, {"title": "Renamed by A", "status": "dropped"}, THE_GOAL),
    Endpoint("get", GOAL + "/history", use=THE_GOAL),
    Endpoint("post", GOAL + "/milestones", {"title": "Planted by A"}, THE_GOAL),
    Endpoint("patch", MILESTONE, {"done": True, "title": "Renamed by A"}, THE_MILESTONE),
    Endpoint("delete", MILESTONE, use=THE_MILESTONE),
]


def setup(b: OrgB) -> dict[str, int]:
    as_mentor = Mentorship.objects.get(pk=b.ids["mentorship_as_mentor_id"])
    goal = goal_create(
        mentorship=as_mentor,
        by=b.admin,
        title="B's own goal",
        milestones=[MilestoneDraft("First step"), MilestoneDraft("Second step")],
    )
    first, second = goal.milestones.order_by("position")
    milestone_update(milestone=first, by=b.admin, done=True)
    return {"goals_goal_id": goal.pk, "goals_milestone_id": second.pk}


def snapshot(org_b: Organisation) -> tuple[object, ...]:
    return (
        tuple(
            Goal.objects.filter(mentorship__organisation=org_b)
            .order_by("pk")
            .values_list("pk", "title", "status", "target_date", "updated_at")
        ),
        tuple(
            Milestone.objects.filter(goal__mentorship__organisation=org_b)
            .order_by("pk")
            .values_list("pk", "title", "due_date", "done_at")
        ),
        GoalEvent.objects.filter(goal__mentorship__organisation=org_b).count(),
    )
