"""Demo goals: one to three per mentorship, templates used, partly done, history in the past."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from tandem.goals.demo import demo_goals
from tandem.goals.models import Goal, GoalEvent, Milestone
from tandem.goals.selectors import goals_progress
from tandem.mentorships.models import Mentorship
from tandem.organisations.models import Membership, Organisation
from tests.relationship_setup import live_mentorship

pytestmark = pytest.mark.django_db


def test_demo_goals_are_partly_done_with_history_in_the_past(
    org: Organisation, program_admin: Membership
) -> None:
    now = timezone.now()
    rng = random.Random(3)
    mentorships = []
    for i in range(6):
        live = live_mentorship(org, program_admin, name=f"P{i}")
        live.mentorship.program.goal_templates = [
            {"title": "Run a workshop", "description": "", "milestones": ["Plan", "Invite", "Run"]}
        ]
        live.mentorship.program.save(update_fields=["goal_templates"])
        Mentorship.objects.filter(pk=live.mentorship.pk).update(
            started_at=now - dt.timedelta(days=20 + 30 * i)
        )
        mentorships.append(Mentorship.objects.select_related("program").get(pk=live.mentorship.pk))
    for mentorship in mentorships:
        demo_goals(mentorship=mentorship, rng=rng, now=now)
    for mentorship in mentorships:
        count = Goal.objects.filter(mentorship=mentorship).count()
        assert 1 <= count <= 3
        assert goals_progress(mentorship) is not None
    assert Goal.objects.filter(template_title="Run a workshop").exists()
    assert Milestone.objects.filter(done_at__isnull=False).exists()
    assert Milestone.objects.filter(done_at__isnull=True).exists()
    assert not GoalEvent.objects.filter(created_at__gt=now).exists()
    assert not Milestone.objects.filter(done_at__gt=now).exists()
    # every ticked milestone was ticked after its goal was created
    for milestone in Milestone.objects.filter(done_at__isnull=False).select_related("goal"):
        assert milestone.done_at >= milestone.goal.created_at  # type: ignore[operator]
