"""Reads for shared goals. Goals belong to the people in the mentorship: to anyone else, including
other members of the organisation, the mentorship and its goals do not exist.

Contract other apps rely on: `goals_progress(mentorship)`.
"""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from tandem.goals.errors import GoalNotFound
from tandem.goals.models import Goal, GoalEvent, GoalStatus, Milestone
from tandem.mentorships.models import Mentorship
from tandem.mentorships.selectors import mentorship_get
from tandem.organisations.models import Membership, Organisation

# Open goals first, then achieved, then dropped.
_STATUS_ORDER = Case(
    When(status=GoalStatus.IN_PROGRESS, then=Value(0)),
    When(status=GoalStatus.NOT_STARTED, then=Value(1)),
    When(status=GoalStatus.ACHIEVED, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def goals_mentorship(*, organisation: Organisation, mentorship_id: int, viewer: Membership) -> Mentorship:
    """A mentorship whose goals the viewer shares (they take part in it); else not found."""
    return mentorship_get(organisation=organisation, mentorship_id=mentorship_id, viewer=viewer)


def _goals(mentorship: Mentorship) -> QuerySet[Goal]:
    milestones = Milestone.objects.select_related("done_by__user").order_by("position", "pk")
    return (
        Goal.objects.filter(mentorship=mentorship)
        .select_related("created_by__user")
        .prefetch_related(Prefetch("milestones", queryset=milestones))
    )


def goal_list(mentorship: Mentorship) -> QuerySet[Goal]:
    """The mentorship's goals with their milestones (two queries, any number), open ones first."""
    return (
        _goals(mentorship).annotate(status_order=_STATUS_ORDER).order_by("status_order", "created_at", "pk")
    )


def goal_get(*, mentorship: Mentorship, goal_id: int) -> Goal:
    goal = _goals(mentorship).filter(pk=goal_id).first()
    if goal is None:
        raise GoalNotFound("No such goal in this mentorship.")
    return goal


def milestone_get(*, goal: Goal, milestone_id: int) -> Milestone:
    milestone = Milestone.objects.filter(goal=goal, pk=milestone_id).select_related("goal").first()
    if milestone is None:
        raise GoalNotFound("No such milestone in this goal.")
    return milestone


def goal_history(goal: Goal) -> QuerySet[GoalEvent]:
    """Who did what to the goal and when, newest first (one query)."""
    return GoalEvent.objects.filter(goal=goal).select_related("actor__user").order_by("-created_at", "-pk")


def goals_progress(mentorship: Mentorship) -> float | None:
    """Mean progress, 0..1, over the goals not dropped; None when there are none (one query).

    A goal's progress is its done milestones over all of them; an achieved goal counts as 1.
    """
    rows = (
        Goal.objects.filter(mentorship=mentorship)
        .exclude(status=GoalStatus.DROPPED)
        .annotate(
            total=Count("milestones"), done=Count("milestones", filter=Q(milestones__done_at__isnull=False))
        )
        .values_list("status", "total", "done")
    )
    values = [
        1.0 if status == GoalStatus.ACHIEVED else (done / total if total else 0.0)
        for status, total, done in rows
    ]
    return sum(values) / len(values) if values else None


def goals_summary(goals: list[Goal]) -> float | None:
    """The same mean as `goals_progress`, from goals already loaded with their milestones."""
    values = [g.progress for g in goals if g.status != GoalStatus.DROPPED]
    return sum(values) / len(values) if values else None
