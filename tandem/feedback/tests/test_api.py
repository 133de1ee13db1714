"""The competency feedback API: the two sides only, validation naming the field, fixed query counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tandem.feedback.models import CompetencyFeedback
from tandem.feedback.services import RatingInput, competency_feedback_give
from tandem.mentorships.models import Mentorship
from tandem.organisations.models import Membership, Organisation
from tandem.people.models import Competency
from tests.api_client import api_client
from tests.factories import make_member
from tests.relationship_setup import Live

pytestmark = pytest.mark.django_db


def _url(live: Live) -> str:
    return (
        f"/api/orgs/{live.mentorship.organisation.slug}/mentorships/{live.mentorship.pk}/competency-feedback"
    )


def _post(who: Membership, live: Live, body: dict[str, Any]) -> Any:
    return api_client(who).post(_url(live), body, content_type="application/json")


def test_api_feedback_mentor_gives_and_mentee_reads_the_trend(
    live: Live, competencies: dict[str, Competency]
) -> None:
    # given
    leadership = competencies["Leadership"]
    # when the mentor posts feedback
    response = _post(
        live.mentor,
        live,
        {
            "ratings": [{"competency_id": leadership.pk, "rating": 4, "comment": "Clear"}],
            "comment": "Well done",
        },
    )
    # then it is created about the mentee
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["subject"]["membership_id"] == live.mentee.pk
    assert body["ratings"] == [
        {"competency_id": leadership.pk, "competency": "Leadership", "rating": 4, "comment": "Clear"}
    ]
    assert body["given_on"] == timezone.localdate().isoformat()
    # and the mentee sees it with the per-competency series
    listed = api_client(live.mentee).get(_url(live)).json()
    assert listed["count"] == 1
    assert listed["trends"] == [
        {
            "subject": {"membership_id": live.mentee.pk, "full_name": live.mentee.user.full_name},
            "competencies": [
                {
                    "competency_id": leadership.pk,
                    "competency": "Leadership",
                    "points": [{"given_on": body["given_on"], "rating": 4, "feedback_id": body["id"]}],
                    "latest": 4,
                    "previous": None,
                    "change": None,
                }
            ],
        }
    ]


def test_api_feedback_mentee_cannot_give_it_in_a_one_to_one(
    live: Live, competencies: dict[str, Competency]
) -> None:
    response = _post(
        live.mentee, live, {"ratings": [{"competency_id": competencies["Leadership"].pk, "rating": 5}]}
    )
    assert response.status_code == 403
    assert not CompetencyFeedback.objects.exists()


def test_api_feedback_rating_out_of_range_names_the_field(
    live: Live, competencies: dict[str, Competency]
) -> None:
    response = _post(
        live.mentor, live, {"ratings": [{"competency_id": competencies["Leadership"].pk, "rating": 6}]}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.ratings.0.rating"


def test_api_feedback_competency_of_another_org_names_the_field(live: Live, other_org: Organisation) -> None:
    theirs = Competency.objects.filter(organisation=other_org).first()
    assert theirs is not None
    response = _post(live.mentor, live, {"ratings": [{"competency_id": theirs.pk, "rating": 3}]})
    assert response.status_code == 400
    assert response.json()["field"] == "ratings.0.competency_id"


def test_api_feedback_empty_ratings_and_future_date_name_the_field(
    live: Live, competencies: dict[str, Competency]
) -> None:
    empty = _post(live.mentor, live, {"ratings": []})
    assert empty.status_code == 422
    assert empty.json()["errors"][0]["field"] == "body.ratings"
    tomorrow = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    future = _post(
        live.mentor,
        live,
        {"ratings": [{"competency_id": competencies["Leadership"].pk, "rating": 3}], "given_on": tomorrow},
    )
    assert future.status_code == 400
    assert future.json()["field"] == "given_on"


def test_api_feedback_other_members_and_admins_find_no_mentorship(
    live: Live,
    org: Organisation,
    program_admin: Membership,
    outsider: Membership,
    competencies: dict[str, Competency],
) -> None:
    # given feedback in the mentorship
    competency_feedback_give(
        mentorship=live.mentorship, by=live.mentor, ratings=[RatingInput(competencies["Leadership"].pk, 3)]
    )
    body = {"ratings": [{"competency_id": competencies["Leadership"].pk, "rating": 1}]}
    # then another member, a program admin and an outsider get 404 on read and write
    for who in (make_member(org), program_admin, outsider):
        assert api_client(who).get(_url(live)).status_code == 404
        assert _post(who, live, body).status_code == 404
    assert CompetencyFeedback.objects.count() == 1


@pytest.mark.parametrize("entries", [2, 10])
def test_api_feedback_list_query_count_does_not_grow(
    live: Live, competencies: dict[str, Competency], entries: int, django_assert_num_queries: Any
) -> None:
    # given entries on several competencies
    Mentorship.objects.filter(pk=live.mentorship.pk).update(started_at=timezone.now() - dt.timedelta(days=30))
    live.mentorship.refresh_from_db()
    ids = [c.pk for c in competencies.values()][:3]
    for i in range(entries):
        competency_feedback_give(
            mentorship=live.mentorship,
            by=live.mentor,
            ratings=[RatingInput(pk, 1 + (i + n) % 5) for n, pk in enumerate(ids)],
            given_on=timezone.localdate() - dt.timedelta(days=entries - i),
        )
    client = api_client(live.mentee)
    # then the same number of queries for 2 or 10 entries
    with django_assert_num_queries(7):
        response = client.get(_url(live))
    assert response.json()["count"] == entries
