"""Demo goals: one to three shared goals per mentorship — from the program's templates when it has
some — with milestones ticked off in proportion to how long the pair has been working on them.
Everything goes through the services; then the history is spread over the past weeks."""

from __future__ import annotations

import datetime as dt
import random

from tandem.goals.models import Goal, GoalEvent, GoalEventKind, GoalStatus, Milestone
from tandem.goals.services import (
    GoalChanges,
    MilestoneDraft,
    goal_create,
    goal_create_from_template,
    goal_templates_of,
    goal_update,
    milestone_update,
)
from tandem.mentorships.models import OCCUPYING_STATUSES, MemberRole, Mentorship
from tandem.organisations.models import Membership

GOALS = [
    (
        "Lead my first team retrospective",
        "Plan and facilitate a retro for the team, and act on what comes out of it.",
        [
            "Shadow a retro run by someone else",
            "Pick a format and prepare",
            "Run the retro",
            "Follow up on two actions",
        ],
    ),
    (
        "Present our quarterly results to leadership",
        "Tell the story of the quarter in ten minutes, with the numbers to back it up.",
        ["Draft the storyline", "Get feedback on the slides", "Rehearse twice", "Present and debrief"],
    ),
    (
        "Build a promotion case",
        "Gather the evidence for the next level and agree it with my manager.",
        [
            "Read the level criteria",
            "Collect three examples of impact",
            "Ask two peers for feedback",
            "Review with manager",
        ],
    ),
    (
        "Get comfortable giving difficult feedback",
        "Practise a simple structure and use it in real conversations.",
        ["Learn the SBI model", "Role-play with my mentor", "Give feedback in a real 1:1"],
    ),
    (
        "Widen my network across departments",
        "Meet people outside engineering who shape our product.",
        ["List five people to meet", "Book three coffees", "Join one cross-team meeting"],
    ),
]


def _spread(goal: Goal, start: dt.datetime, end: dt.datetime) -> None:
    """Move the goal's history into [start, end], in the order it happened."""
    events = list(GoalEvent.objects.filter(goal=goal).order_by("pk"))
    span = max(end - start, dt.timedelta(hours=1))
    times = [start + span * (i / max(1, len(events) - 1)) for i in range(len(events))]
    done_at: dict[str, dt.datetime] = {}
    achieved_at = None
    for event, at in zip(events, times, strict=True):
        GoalEvent.objects.filter(pk=event.pk).update(created_at=at)
        if event.kind == GoalEventKind.MILESTONE_DONE:
            done_at[event.milestone_title] = at
        if event.kind == GoalEventKind.STATUS and event.after == GoalStatus.ACHIEVED.label:
            achieved_at = at
    for milestone in Milestone.objects.filter(goal=goal, done_at__isnull=False):
        Milestone.objects.filter(pk=milestone.pk).update(done_at=done_at.get(milestone.title, times[-1]))
    Milestone.objects.filter(goal=goal).update(created_at=start)
    Goal.objects.filter(pk=goal.pk).update(
        created_at=start,
        updated_at=times[-1] if times else start,
        achieved_at=achieved_at if goal.status == GoalStatus.ACHIEVED else None,
    )


def demo_goals(*, mentorship: Mentorship, rng: random.Random, now: dt.datetime) -> None:
    """One to three goals for `mentorship`, partly done, created by either side."""
    members = list(mentorship.members.select_related("membership__user").order_by("role", "pk"))
    if not members:
        return
    mentee = next((m for m in members if m.role != MemberRole.MENTOR), members[0])
    mentor = next((m for m in members if m.role == MemberRole.MENTOR), members[-1])
    start = mentorship.started_at or mentorship.created_at or now - dt.timedelta(days=30)
    end = mentorship.ended_at or now
    templates = goal_templates_of(mentorship)
    count = rng.randint(1, 3)
    from_templates = rng.sample(range(len(templates)), k=min(len(templates), rng.randint(0, count)))
    own = rng.sample(GOALS, k=count - len(from_templates))
    # The services refuse to change an ended mentorship's goals; the demo writes their history as
    # it would have happened, while it was running, then puts the status back.
    status = mentorship.status
    if status not in OCCUPYING_STATUSES:
        Mentorship.objects.filter(pk=mentorship.pk).update(status="active")
    try:
        for i in range(count):
            creator = (mentee if i % 2 == 0 else mentor).membership
            created = min(start + dt.timedelta(days=rng.randint(2, 12)), end)
            target = (created + dt.timedelta(days=rng.randint(60, 180))).date()
            if i < len(from_templates):
                goal = goal_create_from_template(
                    mentorship=mentorship, by=creator, template_index=from_templates[i], target_date=target
                )
            else:
                title, description, steps = own[i - len(from_templates)]
                goal = goal_create(
                    mentorship=mentorship,
                    by=creator,
                    title=title,
                    description=description,
                    target_date=target,
                    milestones=[MilestoneDraft(step) for step in steps],
                )
            _progress(goal, rng, created=created, end=end, people=[m.membership for m in members])
            goal.refresh_from_db()
            _spread(goal, created, max(created, end - dt.timedelta(hours=rng.randint(2, 72))))
    finally:
        if status not in OCCUPYING_STATUSES:
            Mentorship.objects.filter(pk=mentorship.pk).update(status=status)
            mentorship.status = status


def _progress(
    goal: Goal, rng: random.Random, *, created: dt.datetime, end: dt.datetime, people: list[Membership]
) -> None:
    """Tick off milestones in order, about as many as the time spent on the goal allows."""
    milestones = list(goal.milestones.order_by("position"))
    if goal.target_date is None or not milestones:
        return
    planned = (dt.datetime.combine(goal.target_date, dt.time(), tzinfo=created.tzinfo) - created).days or 1
    elapsed = max(0.0, (end - created).days / planned)
    done = min(len(milestones), round(len(milestones) * min(1.0, elapsed) * rng.uniform(0.6, 1.3)))
    for milestone in milestones[:done]:
        milestone_update(milestone=milestone, by=rng.choice(people), done=True)
    if done == len(milestones) and rng.random() < 0.7:
        goal_update(goal=goal, by=rng.choice(people), changes=GoalChanges(status=GoalStatus.ACHIEVED))
    elif done == 0 and elapsed > 0.5 and rng.random() < 0.3:
        goal_update(goal=goal, by=rng.choice(people), changes=GoalChanges(status=GoalStatus.DROPPED))
