"""Break-in attempts with the ids of one mentorship used under another mentorship's URL.

A mentor with two mentees takes part in both mentorships, so every tab opens for them under
either id: what keeps mentorship X's agreement versions, goals, milestones, endorsements and
introductions out of mentorship Y's pages and endpoints is each selector's scoping by the
mentorship in the URL. These tests try every page, htmx partial, POST and API endpoint that takes
an object id, as the shared mentor and as the other mentee, and check nothing changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import login
from tandem.advancement.models import Endorsement, Introduction
from tandem.advancement.services import endorsement_create, introduction_create
from tandem.agreements.models import AgreementStatus, AgreementVersion
from tandem.agreements.services import AgreementTerms, agreement_propose
from tandem.feedback.models import CompetencyFeedback
from tandem.goals.models import GoalEvent, Milestone
from tandem.goals.services import MilestoneDraft, goal_create
from tandem.mentorships.models import Mentorship, MentorshipOrigin
from tandem.mentorships.services import mentorship_start
from tandem.organisations.models import Membership, Organisation
from tandem.people.models import Competency
from tandem.programs.models import Enrolment
from tests.api_client import api_client
from tests.program_setup import mentee
from tests.relationship_setup import live_mentorship

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Two:
    """One mentor in two mentorships: X with `mentee_x` (holds the objects), Y with `mentee_y`."""

    x: Mentorship
    y: Mentorship
    mentor: Membership
    mentee_x: Membership
    mentee_y: Membership


@pytest.fixture
def two(org: Organisation, program_admin: Membership) -> Two:
    live = live_mentorship(org, program_admin)
    mentor_enrolment = Enrolment.objects.get(program=live.mentorship.program, membership=live.mentor)
    other = mentee(live.mentorship.program)
    y = mentorship_start(
        mentor=mentor_enrolment, mentees=[other], origin=MentorshipOrigin.ADMIN, needs_consent=False
    )
    return Two(live.mentorship, y, live.mentor, live.mentee, other.membership)


def _web(app: str, name: str, two: Two, **kwargs: Any) -> str:
    """A page of mentorship Y, naming objects of mentorship X."""
    return reverse(
        f"{app}:{name}", kwargs={"org_slug": two.y.organisation.slug, "mentorship_id": two.y.pk, **kwargs}
    )


def _api(two: Two, rest: str) -> str:
    return f"/api/orgs/{two.y.organisation.slug}/mentorships/{two.y.pk}/{rest}"


def _as_both(two: Two) -> list[Membership]:
    return [two.mentor, two.mentee_y]


# --- agreements ---------------------------------------------------------------------------------


def test_an_agreement_version_of_x_is_404_under_y(client: Client, two: Two) -> None:
    # Given an open proposal in X, made by X's mentee (so the mentor could accept or decline it)
    version = agreement_propose(
        mentorship=two.x,
        by=two.mentee_x,
        terms=AgreementTerms(cadence="weekly", duration_months=6, confidentiality="Ours."),
    )
    for who in _as_both(two):
        client.logout()
        login(client, who)
        # When they name it under Y's pages and endpoints
        assert client.get(_web("agreements", "version", two, version_id=version.pk)).status_code == 404
        for action in ("accept", "decline", "withdraw"):
            assert client.post(_web("agreements", action, two, version_id=version.pk)).status_code == 404
        api = api_client(who)
        assert api.get(_api(two, f"agreement/versions/{version.pk}")).status_code == 404
        for action in ("accept", "decline", "withdraw"):
            response = api.post(
                _api(two, f"agreement/versions/{version.pk}/{action}"), {}, content_type="application/json"
            )
            assert response.status_code == 404
    # Then it is still open, with only its proposer's acceptance
    version.refresh_from_db()
    assert version.status == AgreementStatus.PROPOSED
    assert list(version.acceptances.values_list("membership_id", flat=True)) == [two.mentee_x.pk]
    assert not AgreementVersion.objects.filter(mentorship=two.y).exists()


# --- goals --------------------------------------------------------------------------------------


def test_a_goal_and_milestone_of_x_are_404_under_y(client: Client, two: Two) -> None:
    goal = goal_create(
        mentorship=two.x, by=two.mentee_x, title="X's goal", milestones=[MilestoneDraft("Step")]
    )
    milestone = goal.milestones.get()
    events = GoalEvent.objects.count()
    for who in _as_both(two):
        client.logout()
        login(client, who)
        detail = _web("goals", "detail", two, goal_id=goal.pk)
        assert client.get(detail).status_code == 404
        assert client.post(detail, {"title": "Renamed", "status": "dropped"}).status_code == 404
        assert (
            client.post(
                _web("goals", "milestone_add", two, goal_id=goal.pk), {"milestone-title": "Spy"}
            ).status_code
            == 404
        )
        ids = {"goal_id": goal.pk, "milestone_id": milestone.pk}
        toggle = _web("goals", "milestone_toggle", two, **ids)
        assert client.post(toggle, {"done": "1"}, headers={"HX-Request": "true"}).status_code == 404
        assert client.post(_web("goals", "milestone_delete", two, **ids)).status_code == 404
        api = api_client(who)
        assert api.get(_api(two, f"goals/{goal.pk}")).status_code == 404
        assert api.get(_api(two, f"goals/{goal.pk}/history")).status_code == 404
        patch = api.patch(
            _api(two, f"goals/{goal.pk}"), {"title": "Renamed"}, content_type="application/json"
        )
        assert patch.status_code == 404
        add = api.post(
            _api(two, f"goals/{goal.pk}/milestones"), {"title": "Spy"}, content_type="application/json"
        )
        assert add.status_code == 404
        one = _api(two, f"goals/{goal.pk}/milestones/{milestone.pk}")
        assert api.patch(one, {"done": True}, content_type="application/json").status_code == 404
        assert api.delete(one).status_code == 404
    goal.refresh_from_db()
    milestone.refresh_from_db()
    assert (goal.title, goal.status, milestone.done_at) == ("X's goal", "not_started", None)
    assert Milestone.objects.filter(goal=goal).count() == 1
    assert GoalEvent.objects.count() == events


def test_a_milestone_of_another_goal_in_the_same_mentorship_is_404(client: Client, two: Two) -> None:
    # Given two goals of Y, one with a milestone
    mine = goal_create(mentorship=two.y, by=two.mentor, title="Mine")
    other = goal_create(mentorship=two.y, by=two.mentor, title="Other", milestones=[MilestoneDraft("Theirs")])
    milestone = other.milestones.get()
    login(client, two.mentee_y)
    # When the milestone is named under the first goal
    ids = {"goal_id": mine.pk, "milestone_id": milestone.pk}
    assert client.post(_web("goals", "milestone_toggle", two, **ids), {"done": "1"}).status_code == 404
    assert client.post(_web("goals", "milestone_delete", two, **ids)).status_code == 404
    api = api_client(two.mentee_y)
    one = _api(two, f"goals/{mine.pk}/milestones/{milestone.pk}")
    assert api.patch(one, {"done": True}, content_type="application/json").status_code == 404
    assert api.delete(one).status_code == 404
    # Then it is untouched
    milestone.refresh_from_db()
    assert milestone.done_at is None


# --- competency feedback ------------------------------------------------------------------------


def test_feedback_in_y_cannot_be_about_xs_mentee(client: Client, two: Two) -> None:
    competency = Competency.objects.filter(organisation=two.y.organisation).first()
    assert competency is not None
    api = api_client(two.mentor)
    response = api.post(
        _api(two, "competency-feedback"),
        {
            "subject_membership_id": two.mentee_x.pk,
            "ratings": [{"competency_id": competency.pk, "rating": 4}],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "subject_membership_id"
    assert not CompetencyFeedback.objects.exists()


# --- endorsements and introductions -------------------------------------------------------------


def test_an_endorsement_and_introduction_of_x_are_404_under_y(client: Client, two: Two) -> None:
    endorsement = endorsement_create(mentorship=two.x, by=two.mentor, text="Sharp and kind.")
    introduction, _token = introduction_create(
        mentorship=two.x,
        by=two.mentor,
        context="You both love compilers.",
        contact_name="Ext",
        contact_email="ext@example.org",
        base_url="http://testserver/",
        send_email=False,
    )
    for who in (two.mentor, two.mentee_y, two.mentee_x):
        client.logout()
        login(client, who)
        ids = {"endorsement_id": endorsement.pk}
        assert client.get(_web("advancement", "endorsement_edit", two, **ids)).status_code == 404
        assert (
            client.post(_web("advancement", "endorsement_edit", two, **ids), {"text": "Mine now"}).status_code
            == 404
        )
        assert client.post(_web("advancement", "endorsement_withdraw", two, **ids)).status_code == 404
        assert (
            client.post(_web("advancement", "endorsement_sharing", two, **ids), {"shared": "1"}).status_code
            == 404
        )
        note = _web("advancement", "introduction_note", two, introduction_id=introduction.pk)
        assert client.post(note, {"mentee_note": "Planted"}).status_code == 404
        api = api_client(who)
        one = _api(two, f"endorsements/{endorsement.pk}")
        assert api.patch(one, {"text": "Mine now"}, content_type="application/json").status_code == 404
        assert (
            api.post(one + "/sharing", {"shared": True}, content_type="application/json").status_code == 404
        )
        assert api.delete(one).status_code == 404
    endorsement.refresh_from_db()
    introduction.refresh_from_db()
    assert (endorsement.text, endorsement.shared_with_admins) == ("Sharp and kind.", False)
    assert Endorsement.objects.count() == 1
    assert introduction.mentee_note == ""
    assert Introduction.objects.count() == 1
