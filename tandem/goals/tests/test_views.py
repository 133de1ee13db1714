"""The Goals tab and goal pages: setting goals (own and from templates), ticking milestones with
and without htmx, editing with history, who may see them, and a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import login
from tandem.goals.models import Goal, GoalStatus, Milestone
from tandem.goals.services import MilestoneDraft, goal_create, milestone_update
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.organisations.models import Membership, Organisation
from tests.factories import make_member
from tests.relationship_setup import Live, live_mentorship

pytestmark = pytest.mark.django_db
Queries = Callable[..., Any]


@pytest.fixture
def live(org: Organisation, program_admin: Membership) -> Live:
    live = live_mentorship(org, program_admin)
    live.mentorship.program.goal_templates = [
        {
            "title": "Lead a team meeting",
            "description": "Run one end to end.",
            "milestones": ["Prepare", "Run it"],
        }
    ]
    live.mentorship.program.save(update_fields=["goal_templates"])
    return live


def _url(name: str, live: Live, **kwargs: Any) -> str:
    return reverse(
        f"goals:{name}",
        kwargs={"org_slug": live.mentorship.organisation.slug, "mentorship_id": live.mentorship.pk, **kwargs},
    )


def _goal(live: Live, steps: int = 2) -> Goal:
    return goal_create(
        mentorship=live.mentorship,
        by=live.mentee,
        title="Speak up in reviews",
        milestones=[MilestoneDraft(f"Step {i + 1}") for i in range(steps)],
    )


def _shown(goal: Goal) -> dict[str, str]:
    """The edit form as the page shows it: each value, and the hidden copy it was shown with."""
    values = {
        "title": goal.title,
        "description": goal.description,
        "target_date": goal.target_date.isoformat() if goal.target_date else "",
        "status": goal.status,
    }
    return {**values, **{f"initial-{name}": value for name, value in values.items()}}


def test_empty_tab_offers_own_goal_and_templates(client: Client, live: Live) -> None:
    login(client, live.mentee)
    response = client.get(_url("mentorship", live))
    assert response.status_code == 200
    html = response.content.decode()
    assert "No goals yet" in html
    assert "From the program's templates" in html
    assert "Lead a team meeting" in html


def test_set_a_goal_with_milestones_in_the_page(client: Client, live: Live) -> None:
    login(client, live.mentee)
    response = client.post(
        _url("create", live),
        {
            "title": "Present at all-hands",
            "description": "",
            "target_date": "2030-05-01",
            "milestones": "Draft\n\nRehearse\n",
        },
    )
    goal = Goal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("detail", live, goal_id=goal.pk)
    assert list(goal.milestones.values_list("title", flat=True)) == ["Draft", "Rehearse"]
    page = client.get(response["Location"]).content.decode()
    assert "0 of 2 milestones done" in page
    assert "created the goal" in page


def test_a_goal_without_a_title_shows_the_error_on_the_field(client: Client, live: Live) -> None:
    login(client, live.mentee)
    response = client.post(_url("create", live), {"title": "", "milestones": "One"})
    assert response.status_code == 400
    assert response.context["form"].errors["title"]
    assert not Goal.objects.exists()


def test_add_a_goal_from_a_template(client: Client, live: Live) -> None:
    login(client, live.mentor)
    response = client.post(_url("from_template", live), {"template_index": "0"})
    goal = Goal.objects.get()
    assert response.status_code == 302
    assert goal.title == "Lead a team meeting"
    assert list(goal.milestones.values_list("title", flat=True)) == ["Prepare", "Run it"]
    bad = client.post(_url("from_template", live), {"template_index": "7"}, follow=True)
    assert "No such goal template" in bad.content.decode()
    assert Goal.objects.count() == 1


def test_ticking_a_milestone_with_htmx_answers_the_refreshed_progress(client: Client, live: Live) -> None:
    goal = _goal(live)
    first = goal.milestones.first()
    assert first is not None
    login(client, live.mentor)
    response = client.post(
        _url("milestone_toggle", live, goal_id=goal.pk, milestone_id=first.pk),
        {"done": "1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="goal-{goal.pk}-progress"' in html
    assert '<progress id="goal-' in html
    assert 'value="50"' in html
    assert "1 of 2 milestones done" in html
    assert "In progress" in html
    assert "<html" not in html  # a fragment
    # and without htmx, back to the tab
    again = client.post(_url("milestone_toggle", live, goal_id=goal.pk, milestone_id=first.pk), {"done": "0"})
    assert again.status_code == 302
    first.refresh_from_db()
    assert first.done_at is None


def test_edit_a_goal_and_see_the_history(client: Client, live: Live) -> None:
    goal = _goal(live)
    login(client, live.mentor)
    response = client.post(
        _url("detail", live, goal_id=goal.pk),
        {
            **_shown(goal),
            "title": "Lead reviews",
            "status": GoalStatus.IN_PROGRESS,
        },
    )
    assert response.status_code == 302
    client.post(
        _url("milestone_add", live, goal_id=goal.pk),
        {"milestone-title": "Book a slot", "milestone-due_date": ""},
    )
    page = client.get(_url("detail", live, goal_id=goal.pk)).content.decode()
    assert "changed the title from “Speak up in reviews” to “Lead reviews”" in page
    assert "changed the status from Not started to In progress" in page
    assert "added the milestone “Book a slot”" in page
    assert Milestone.objects.filter(goal=goal).count() == 3


def test_saving_the_edit_form_keeps_what_changed_meanwhile(client: Client, live: Live) -> None:
    # given the goal page is open with the goal "not started"
    goal = _goal(live)
    shown = _shown(goal)
    # when a milestone is ticked meanwhile (the goal moves to in progress) and the other side
    # renames the goal
    milestone_update(milestone=goal.milestones.first(), by=live.mentee, done=True)  # type: ignore[arg-type]
    Goal.objects.filter(pk=goal.pk).update(title="Renamed by the mentee")
    # and the mentor saves the stale form, having changed only the description
    login(client, live.mentor)
    client.post(_url("detail", live, goal_id=goal.pk), {**shown, "description": "Why it matters"})
    # then only the description changed
    goal.refresh_from_db()
    assert (goal.title, goal.status, goal.description) == (
        "Renamed by the mentee",
        GoalStatus.IN_PROGRESS,
        "Why it matters",
    )


def test_clearing_the_target_date(client: Client, live: Live) -> None:
    goal = _goal(live)
    Goal.objects.filter(pk=goal.pk).update(target_date="2030-01-31")
    goal.refresh_from_db()
    login(client, live.mentee)
    client.post(_url("detail", live, goal_id=goal.pk), {**_shown(goal), "target_date": ""})
    goal.refresh_from_db()
    assert goal.target_date is None


def test_removing_a_milestone(client: Client, live: Live) -> None:
    goal = _goal(live)
    milestone = goal.milestones.first()
    assert milestone is not None
    login(client, live.mentee)
    client.post(_url("milestone_delete", live, goal_id=goal.pk, milestone_id=milestone.pk))
    assert not Milestone.objects.filter(pk=milestone.pk).exists()


def test_others_get_404_everywhere(
    client: Client, live: Live, org: Organisation, program_admin: Membership
) -> None:
    goal = _goal(live)
    milestone = goal.milestones.first()
    assert milestone is not None
    for stranger in (make_member(org), program_admin):
        client.logout()
        login(client, stranger)
        assert client.get(_url("mentorship", live)).status_code == 404
        assert client.get(_url("detail", live, goal_id=goal.pk)).status_code == 404
        assert client.post(_url("create", live), {"title": "Planted"}).status_code == 404
        toggle = _url("milestone_toggle", live, goal_id=goal.pk, milestone_id=milestone.pk)
        assert client.post(toggle, {"done": "1"}).status_code == 404
    assert Goal.objects.count() == 1
    milestone.refresh_from_db()
    assert milestone.done_at is None


def test_another_organisation_gets_404(client: Client, live: Live, outsider: Membership) -> None:
    goal = _goal(live)
    login(client, outsider)
    assert client.get(_url("detail", live, goal_id=goal.pk)).status_code == 404
    own = reverse(
        "goals:detail",
        kwargs={
            "org_slug": outsider.organisation.slug,
            "mentorship_id": live.mentorship.pk,
            "goal_id": goal.pk,
        },
    )
    assert client.get(own).status_code == 404


def test_goals_of_an_ended_mentorship_are_read_only(client: Client, live: Live) -> None:
    goal = _goal(live)
    Mentorship.objects.filter(pk=live.mentorship.pk).update(status=MentorshipStatus.ENDED_EARLY)
    login(client, live.mentee)
    html = client.get(_url("mentorship", live)).content.decode()
    assert "goals can no longer change" in html
    assert "Set a goal" not in html
    milestone = goal.milestones.first()
    assert milestone is not None
    response = client.post(
        _url("milestone_toggle", live, goal_id=goal.pk, milestone_id=milestone.pk), {"done": "1"}, follow=True
    )
    assert "has ended" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.done_at is None


@pytest.mark.parametrize("count", [2, 10])
def test_tab_query_count_is_fixed(
    client: Client, live: Live, django_assert_num_queries: Queries, count: int
) -> None:
    for _ in range(count):
        goal = _goal(live, steps=3)
        milestone_update(milestone=goal.milestones.first(), by=live.mentor, done=True)  # type: ignore[arg-type]
    login(client, live.mentee)
    url = _url("mentorship", live)
    client.get(url)
    with django_assert_num_queries(9):
        response = client.get(url)
    assert len(response.context["goals"]) == count
    assert response.context["overall"] == pytest.approx(1 / 3)
