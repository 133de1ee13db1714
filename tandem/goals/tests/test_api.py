"""The goals API: goals and milestones end to end, templates, history, field-named errors, who may
read or write, and fixed query counts for the lists."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tandem.goals.models import Goal, Milestone
from tandem.goals.services import MilestoneDraft, goal_create, milestone_update
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.organisations.models import Membership, Organisation
from tests.api_client import api_client
from tests.factories import make_member
from tests.relationship_setup import Live, live_mentorship

pytestmark = pytest.mark.django_db
Queries = Callable[..., Any]


@pytest.fixture
def live(org: Organisation, program_admin: Membership) -> Live:
    live = live_mentorship(org, program_admin)
    live.mentorship.program.goal_templates = [
        {
            "title": "Own a small project",
            "description": "End to end.",
            "milestones": ["Scope", "Ship", "Retro"],
        }
    ]
    live.mentorship.program.save(update_fields=["goal_templates"])
    return live


def _url(live: Live, tail: str = "/goals") -> str:
    return f"/api/orgs/{live.mentorship.organisation.slug}/mentorships/{live.mentorship.pk}{tail}"


def _json(client: Any, method: str, url: str, body: Any = None) -> Any:
    return getattr(client, method)(url, body, content_type="application/json")


def test_set_a_goal_tick_milestones_and_read_progress_and_history(live: Live) -> None:
    mentee, mentor = api_client(live.mentee), api_client(live.mentor)
    # given no goals
    assert mentee.get(_url(live)).json() == {"progress": None, "items": []}
    # when the mentee sets a goal with two milestones
    created = _json(
        mentee,
        "post",
        _url(live),
        {
            "title": "Present at the all-hands",
            "target_date": "2030-05-01",
            "milestones": [{"title": "Draft the slides"}, {"title": "Rehearse", "due_date": "2030-04-20"}],
        },
    )
    assert created.status_code == 201, created.content
    goal = created.json()
    assert (goal["status"], goal["progress"], len(goal["milestones"])) == ("not_started", 0.0, 2)
    # when the mentor ticks off the first milestone
    first = goal["milestones"][0]["id"]
    ticked = _json(mentor, "patch", _url(live, f"/goals/{goal['id']}/milestones/{first}"), {"done": True})
    assert ticked.status_code == 200, ticked.content
    assert ticked.json()["done"] is True
    assert ticked.json()["done_by_membership_id"] == live.mentor.pk
    # then progress is a half, the goal in progress, for both
    listing = mentee.get(_url(live)).json()
    assert listing["progress"] == 0.5
    assert (listing["items"][0]["progress"], listing["items"][0]["status"]) == (0.5, "in_progress")
    # when a milestone is added and one removed, and the goal is achieved
    added = _json(mentee, "post", _url(live, f"/goals/{goal['id']}/milestones"), {"title": "Send a recap"})
    assert added.status_code == 201
    removed = mentee.delete(_url(live, f"/goals/{goal['id']}/milestones/{added.json()['id']}"))
    assert removed.status_code == 204
    achieved = _json(
        mentee, "patch", _url(live, f"/goals/{goal['id']}"), {"status": "achieved", "target_date": None}
    )
    assert (achieved.json()["status"], achieved.json()["progress"], achieved.json()["target_date"]) == (
        "achieved",
        1.0,
        None,
    )
    # then the history tells who did what
    history = mentor.get(_url(live, f"/goals/{goal['id']}/history")).json()
    kinds = [(h["kind"], h["actor_membership_id"]) for h in reversed(history)]
    assert kinds == [
        ("created", live.mentee.pk),
        ("milestone_done", live.mentor.pk),
        ("status", live.mentor.pk),
        ("milestone_added", live.mentee.pk),
        ("milestone_removed", live.mentee.pk),
        ("status", live.mentee.pk),
        ("edited", live.mentee.pk),
    ]
    assert history[0]["field"] == "target_date"
    assert (history[0]["before"], history[0]["after"]) == ("2030-05-01", "")


def test_goal_from_the_programs_template(live: Live) -> None:
    client = api_client(live.mentor)
    templates = client.get(_url(live, "/goal-templates")).json()
    assert templates == [
        {
            "index": 0,
            "title": "Own a small project",
            "description": "End to end.",
            "milestones": ["Scope", "Ship", "Retro"],
        }
    ]
    created = _json(client, "post", _url(live), {"template_index": 0, "target_date": "2030-01-01"})
    assert created.status_code == 201
    assert [m["title"] for m in created.json()["milestones"]] == ["Scope", "Ship", "Retro"]
    assert created.json()["template_title"] == "Own a small project"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "Ok", "milestones": [{"title": " "}]}, "milestones"),
        ({"template_index": 5}, "template_index"),
        ({"template_index": 0, "title": "Both"}, "template_index"),
    ],
)
def test_invalid_goals_are_400_naming_the_field(live: Live, body: dict[str, Any], field: str) -> None:
    response = _json(api_client(live.mentor), "post", _url(live), body)
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert not Goal.objects.exists()


def test_bad_patches_are_4xx_naming_the_field(live: Live) -> None:
    client = api_client(live.mentor)
    goal = _json(client, "post", _url(live), {"title": "Goal", "milestones": [{"title": "One"}]}).json()
    milestone = goal["milestones"][0]["id"]
    assert (
        _json(client, "patch", _url(live, f"/goals/{goal['id']}"), {"title": None}).json()["field"] == "title"
    )
    assert (
        _json(client, "patch", _url(live, f"/goals/{goal['id']}"), {"status": "abandoned"}).status_code == 422
    )
    assert _json(client, "patch", _url(live, f"/goals/{goal['id']}"), {"colour": "red"}).status_code == 422
    bad = _json(client, "patch", _url(live, f"/goals/{goal['id']}/milestones/{milestone}"), {"title": "  "})
    assert (bad.status_code, bad.json()["field"]) == (400, "title")
    assert _json(client, "post", _url(live, f"/goals/{goal['id']}/milestones"), {}).status_code == 422


def test_a_member_not_in_the_mentorship_finds_nothing(live: Live, org: Organisation) -> None:
    goal = goal_create(
        mentorship=live.mentorship, by=live.mentor, title="Ours", milestones=[MilestoneDraft("a")]
    )
    milestone = goal.milestones.get()
    for stranger in (make_member(org), make_member(org, role="program_admin")):
        client = api_client(stranger)
        assert client.get(_url(live)).status_code == 404
        assert client.get(_url(live, "/goal-templates")).status_code == 404
        assert client.get(_url(live, f"/goals/{goal.pk}")).status_code == 404
        assert client.get(_url(live, f"/goals/{goal.pk}/history")).status_code == 404
        assert _json(client, "post", _url(live), {"title": "Planted"}).status_code == 404
        assert (
            _json(client, "patch", _url(live, f"/goals/{goal.pk}"), {"title": "Renamed"}).status_code == 404
        )
        url = _url(live, f"/goals/{goal.pk}/milestones/{milestone.pk}")
        assert _json(client, "patch", url, {"done": True}).status_code == 404
        assert client.delete(url).status_code == 404
    assert Goal.objects.get().title == "Ours"
    assert Milestone.objects.get().done_at is None


def test_another_organisation_finds_nothing(live: Live, outsider: Membership) -> None:
    goal = goal_create(mentorship=live.mentorship, by=live.mentor, title="Ours")
    client = api_client(outsider)
    assert client.get(_url(live)).status_code == 404
    assert client.get(_url(live, f"/goals/{goal.pk}")).status_code == 404
    own = f"/api/orgs/{outsider.organisation.slug}/mentorships/{live.mentorship.pk}/goals/{goal.pk}"
    assert client.get(own).status_code == 404


def test_a_goal_of_another_mentorship_is_404_under_mine(
    live: Live, org: Organisation, program_admin: Membership
) -> None:
    other = live_mentorship(org, program_admin, name="Other")
    theirs = goal_create(
        mentorship=other.mentorship, by=other.mentor, title="Theirs", milestones=[MilestoneDraft("a")]
    )
    client = api_client(live.mentor)
    assert client.get(_url(live, f"/goals/{theirs.pk}")).status_code == 404
    mine = goal_create(mentorship=live.mentorship, by=live.mentor, title="Mine")
    url = _url(live, f"/goals/{mine.pk}/milestones/{theirs.milestones.get().pk}")
    assert _json(client, "patch", url, {"done": True}).status_code == 404


def test_goals_of_an_ended_mentorship_are_readable_not_writable(live: Live) -> None:
    goal = goal_create(mentorship=live.mentorship, by=live.mentor, title="Ours")
    Mentorship.objects.filter(pk=live.mentorship.pk).update(status=MentorshipStatus.COMPLETED)
    client = api_client(live.mentee)
    assert client.get(_url(live)).status_code == 200
    response = _json(client, "patch", _url(live, f"/goals/{goal.pk}"), {"status": "achieved"})
    assert response.status_code == 409
    assert "has ended" in response.json()["detail"]


@pytest.mark.parametrize("count", [2, 10])
def test_goal_list_and_history_query_counts_are_fixed(
    live: Live, django_assert_num_queries: Queries, count: int
) -> None:
    goal = None
    for i in range(count):
        goal = goal_create(
            mentorship=live.mentorship,
            by=live.mentor,
            title=f"Goal {i}",
            milestones=[MilestoneDraft(f"Step {j}") for j in range(3)],
        )
        milestone_update(milestone=goal.milestones.first(), by=live.mentee, done=True)  # type: ignore[arg-type]
    assert goal is not None
    client = api_client(live.mentee)
    list_url, history_url = _url(live), _url(live, f"/goals/{goal.pk}/history")
    client.get(list_url)  # the token's first use is recorded once
    # token, membership, mentorship, members, goals, milestones
    with django_assert_num_queries(6):
        body = client.get(list_url).json()
    assert len(body["items"]) == count
    assert body["progress"] == pytest.approx(1 / 3)
    # token, membership, mentorship, members, the goal, its milestones, its events
    with django_assert_num_queries(7):
        assert len(client.get(history_url).json()) == 3
