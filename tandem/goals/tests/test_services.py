"""Shared goals: creating (by hand and from the program's templates), editing, milestones, the
progress math, the history of changes, who may write, and the `goals_progress` contract."""

from __future__ import annotations

import datetime as dt

import pytest

from tandem.goals.errors import GoalConflict, GoalInvalid, GoalNotAllowed
from tandem.goals.models import Goal, GoalEvent, GoalEventKind, GoalStatus, Milestone
from tandem.goals.selectors import goal_get, goal_history, goal_list, goals_progress, goals_summary
from tandem.goals.services import (
    GoalChanges,
    MilestoneDraft,
    goal_create,
    goal_create_from_template,
    goal_update,
    milestone_add,
    milestone_delete,
    milestone_update,
)
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.notifications.models import Notification, NotificationKind
from tandem.organisations.models import Membership, Organisation
from tests.factories import make_member
from tests.relationship_setup import Live, live_mentorship

pytestmark = pytest.mark.django_db

TEMPLATES = [
    {
        "title": "Lead a team meeting",
        "description": "Run one end to end.",
        "milestones": ["Prepare", "Run it"],
    },
    {
        "title": "Give a talk",
        "description": "",
        "milestones": ["Pick a topic", "Draft", "Rehearse", "Deliver"],
    },
]


@pytest.fixture
def live(org: Organisation, program_admin: Membership) -> Live:
    live = live_mentorship(org, program_admin)
    live.mentorship.program.goal_templates = TEMPLATES
    live.mentorship.program.save(update_fields=["goal_templates"])
    return live


def _goal(live: Live, milestones: int = 0, **kwargs: object) -> Goal:
    return goal_create(
        mentorship=live.mentorship,
        by=live.mentee,
        title=str(kwargs.pop("title", "Speak up in design reviews")),
        milestones=[MilestoneDraft(f"Step {i + 1}") for i in range(milestones)],
        **kwargs,  # type: ignore[arg-type]
    )


def _tick(live: Live, goal: Goal, count: int, by: Membership | None = None) -> None:
    for milestone in list(goal.milestones.order_by("position"))[:count]:
        milestone_update(milestone=milestone, by=by or live.mentor, done=True)


def _goal_notifications(who: Membership) -> list[str]:
    return list(
        Notification.objects.filter(recipient=who, kind=NotificationKind.GOAL).values_list("title", flat=True)
    )


# --- creating -----------------------------------------------------------------------------------


def test_create_a_goal_with_milestones_tells_the_other_side(live: Live) -> None:
    # when the mentee sets a goal with two milestones
    goal = goal_create(
        mentorship=live.mentorship,
        by=live.mentee,
        title="  Speak up in design reviews ",
        description="Share one idea per review.",
        target_date=dt.date(2030, 6, 30),
        milestones=[
            MilestoneDraft("Read the last three reviews"),
            MilestoneDraft("Comment once", dt.date(2030, 3, 1)),
        ],
    )
    # then
    assert goal.title == "Speak up in design reviews"
    assert goal.status == GoalStatus.NOT_STARTED
    assert list(goal.milestones.values_list("title", "position")) == [
        ("Read the last three reviews", 0),
        ("Comment once", 1),
    ]
    name = live.mentee.user.full_name or live.mentee.user.email
    assert _goal_notifications(live.mentor) == [f"{name} set a new shared goal: Speak up in design reviews"]
    assert _goal_notifications(live.mentee) == []
    assert list(goal_history(goal).values_list("kind", flat=True)) == [GoalEventKind.CREATED]


def test_add_a_goal_from_the_programs_templates(live: Live) -> None:
    goal = goal_create_from_template(mentorship=live.mentorship, by=live.mentor, template_index=1)
    assert goal.title == "Give a talk"
    assert goal.template_title == "Give a talk"
    assert list(goal.milestones.values_list("title", flat=True)) == [
        "Pick a topic",
        "Draft",
        "Rehearse",
        "Deliver",
    ]


@pytest.mark.parametrize("index", [-1, 2, 99])
def test_an_unknown_template_names_the_field(live: Live, index: int) -> None:
    with pytest.raises(GoalInvalid) as caught:
        goal_create_from_template(mentorship=live.mentorship, by=live.mentor, template_index=index)
    assert caught.value.field == "template_index"
    assert not Goal.objects.exists()


def test_a_program_without_templates_says_so(live: Live) -> None:
    live.mentorship.program.goal_templates = []
    live.mentorship.program.save(update_fields=["goal_templates"])
    with pytest.raises(GoalInvalid, match="no goal templates"):
        goal_create_from_template(mentorship=live.mentorship, by=live.mentor, template_index=0)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"description": "d" * 4001}, "description"),
        ({"milestones": [MilestoneDraft("  ")]}, "milestones"),
    ],
)
def test_invalid_goals_name_the_field(live: Live, kwargs: dict[str, object], field: str) -> None:
    values: dict[str, object] = {"title": "A goal"}
    values.update(kwargs)
    with pytest.raises(GoalInvalid) as caught:
        goal_create(mentorship=live.mentorship, by=live.mentor, **values)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert not Goal.objects.exists()


# --- progress -----------------------------------------------------------------------------------


def test_progress_is_done_over_total_and_achieved_is_complete(live: Live) -> None:
    goal = _goal(live, milestones=4)
    assert goal_get(mentorship=live.mentorship, goal_id=goal.pk).progress == 0.0
    _tick(live, goal, 1)
    assert goal_get(mentorship=live.mentorship, goal_id=goal.pk).progress == 0.25
    _tick(live, goal, 3)
    assert goal_get(mentorship=live.mentorship, goal_id=goal.pk).progress == 0.75
    goal_update(goal=goal, by=live.mentee, changes=GoalChanges(status=GoalStatus.ACHIEVED))
    achieved = goal_get(mentorship=live.mentorship, goal_id=goal.pk)
    assert (achieved.progress, achieved.progress_percent) == (1.0, 100)
    # a goal without milestones counts 0 until it is achieved
    assert _goal(live, title="No steps yet").progress == 0.0


def test_goals_progress_is_the_mean_over_goals_not_dropped(live: Live) -> None:
    # given no goals
    assert goals_progress(live.mentorship) is None
    # given: half done (1/2), none done (0/3), achieved without milestones (1), dropped (ignored)
    half = _goal(live, milestones=2, title="Half")
    _tick(live, half, 1)
    _goal(live, milestones=3, title="None")
    achieved = _goal(live, title="Done")
    goal_update(goal=achieved, by=live.mentor, changes=GoalChanges(status=GoalStatus.ACHIEVED))
    dropped = _goal(live, milestones=1, title="Dropped")
    _tick(live, dropped, 1)
    goal_update(goal=dropped, by=live.mentor, changes=GoalChanges(status=GoalStatus.DROPPED))
    # then
    assert goals_progress(live.mentorship) == pytest.approx((0.5 + 0 + 1) / 3)
    assert goals_summary(list(goal_list(live.mentorship))) == pytest.approx(goals_progress(live.mentorship))


def test_goals_progress_is_none_when_every_goal_was_dropped(live: Live) -> None:
    goal = _goal(live, milestones=1)
    goal_update(goal=goal, by=live.mentor, changes=GoalChanges(status=GoalStatus.DROPPED))
    assert goals_progress(live.mentorship) is None


def test_goals_progress_only_counts_this_mentorship(
    live: Live, org: Organisation, program_admin: Membership
) -> None:
    other = live_mentorship(org, program_admin, name="Other")
    goal = goal_create(
        mentorship=other.mentorship, by=other.mentor, title="Theirs", milestones=[MilestoneDraft("a")]
    )
    milestone_update(milestone=goal.milestones.get(), by=other.mentor, done=True)
    _goal(live, milestones=2)
    assert goals_progress(live.mentorship) == 0.0
    assert goals_progress(other.mentorship) == 1.0


# --- editing and history ------------------------------------------------------------------------


def test_every_change_is_in_the_history_with_who_and_from_what_to_what(live: Live) -> None:
    # given a goal the mentee created
    goal = _goal(live, milestones=1)
    first = goal.milestones.get()
    # when both sides edit it
    goal_update(
        goal=goal,
        by=live.mentor,
        changes=GoalChanges(title="Lead design reviews", target_date=dt.date(2030, 1, 31)),
    )
    milestone_update(milestone=first, by=live.mentee, done=True)  # also moves it to in progress
    milestone_update(milestone=first, by=live.mentor, done=False)
    added = milestone_add(goal=goal, by=live.mentor, title="Run one review", due_date=dt.date(2030, 1, 15))
    milestone_update(milestone=added, by=live.mentee, title="Run two reviews", clear_due_date=True)
    milestone_delete(milestone=added, by=live.mentee)
    goal_update(
        goal=goal, by=live.mentee, changes=GoalChanges(clear_target_date=True, status=GoalStatus.DROPPED)
    )
    # then the history tells it all, newest first
    rows = [
        (e.actor_id, e.kind, e.field, e.before, e.after, e.milestone_title)
        for e in goal_history(goal).order_by("created_at", "pk")
    ]
    mentor, mentee = live.mentor.pk, live.mentee.pk
    assert rows == [
        (mentee, "created", "", "", "Speak up in design reviews", ""),
        (mentor, "edited", "title", "Speak up in design reviews", "Lead design reviews", ""),
        (mentor, "edited", "target_date", "", "2030-01-31", ""),
        (mentee, "milestone_done", "", "", "", "Step 1"),
        (mentee, "status", "status", "Not started", "In progress", ""),
        (mentor, "milestone_undone", "", "", "", "Step 1"),
        (mentor, "milestone_added", "", "", "", "Run one review"),
        (mentee, "milestone_edited", "title", "Run one review", "Run two reviews", "Run two reviews"),
        (mentee, "milestone_edited", "due_date", "2030-01-15", "", "Run two reviews"),
        (mentee, "milestone_removed", "", "", "", "Run two reviews"),
        (mentee, "status", "status", "In progress", "Dropped", ""),
        (mentee, "edited", "target_date", "2030-01-31", "", ""),
    ]
    goal.refresh_from_db()
    assert (goal.status, goal.target_date) == (GoalStatus.DROPPED, None)


def test_an_update_that_changes_nothing_records_nothing(live: Live) -> None:
    goal = _goal(live)
    goal_update(goal=goal, by=live.mentor, changes=GoalChanges(title=goal.title, description=""))
    assert GoalEvent.objects.filter(goal=goal).count() == 1  # just "created"


def test_achieving_a_goal_tells_the_other_side(live: Live) -> None:
    goal = _goal(live)
    goal_update(goal=goal, by=live.mentee, changes=GoalChanges(status=GoalStatus.ACHIEVED))
    goal.refresh_from_db()
    assert goal.achieved_at is not None
    assert "Goal achieved: Speak up in design reviews" in _goal_notifications(live.mentor)
    goal_update(goal=goal, by=live.mentee, changes=GoalChanges(status=GoalStatus.IN_PROGRESS))
    goal.refresh_from_db()
    assert goal.achieved_at is None


def test_an_unknown_status_names_the_field(live: Live) -> None:
    with pytest.raises(GoalInvalid) as caught:
        goal_update(goal=_goal(live), by=live.mentor, changes=GoalChanges(status="abandoned"))
    assert caught.value.field == "status"


# --- who may ------------------------------------------------------------------------------------


def test_only_participants_write(live: Live, org: Organisation, program_admin: Membership) -> None:
    goal = _goal(live, milestones=1)
    for intruder in (make_member(org), program_admin):
        with pytest.raises(GoalNotAllowed):
            goal_create(mentorship=live.mentorship, by=intruder, title="Planted")
        with pytest.raises(GoalNotAllowed):
            goal_update(goal=goal, by=intruder, changes=GoalChanges(title="Renamed"))
        with pytest.raises(GoalNotAllowed):
            milestone_update(milestone=goal.milestones.get(), by=intruder, done=True)
        with pytest.raises(GoalNotAllowed):
            milestone_delete(milestone=goal.milestones.get(), by=intruder)
    assert Goal.objects.get().title == "Speak up in design reviews"
    assert Milestone.objects.get().done_at is None


@pytest.mark.parametrize(
    "status", [MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY, MentorshipStatus.DECLINED]
)
def test_goals_of_an_ended_mentorship_are_read_only(live: Live, status: str) -> None:
    goal = _goal(live, milestones=1)
    Mentorship.objects.filter(pk=live.mentorship.pk).update(status=status)
    with pytest.raises(GoalConflict, match="has ended"):
        milestone_update(milestone=goal.milestones.get(), by=live.mentor, done=True)
    with pytest.raises(GoalConflict, match="has ended"):
        _goal(live, title="Another")
    assert Goal.objects.count() == 1
