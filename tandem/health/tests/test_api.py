"""The health API: check-ins private to their author and overseeing admins, health and the
attention list for program admins only, and field-named errors."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.health.models import CheckIn
from tandem.health.services import checkin_submit
from tandem.health.tests.conftest import started_days_ago
from tandem.mentorships.models import Mentorship, MentorshipMember
from tandem.organisations.models import Role
from tests.api_client import api_client
from tests.factories import make_member
from tests.relationship_setup import live_mentorship

pytestmark = pytest.mark.django_db

SECRET = "I'd rather have another mentor"


def checkins(mentorship: Mentorship, slug: str | None = None) -> str:
    return f"/api/orgs/{slug or mentorship.organisation.slug}/mentorships/{mentorship.pk}/check-ins"


def health(mentorship: Mentorship, slug: str | None = None) -> str:
    return f"/api/orgs/{slug or mentorship.organisation.slug}/mentorships/{mentorship.pk}/health"


def attention(slug: str) -> str:
    return f"/api/orgs/{slug}/health/attention"


@pytest.fixture
def said_no(live):
    started_days_ago(live.mentorship, 40)
    checkin_submit(mentorship=live.mentorship, by=live.mentee, satisfaction=1, working="no", comment=SECRET)
    return live


def test_participant_posts_a_checkin_and_reads_only_their_own(said_no):
    # given the mentor
    client = api_client(said_no.mentor)
    # when they check in and list
    created = client.post(
        checkins(said_no.mentorship),
        {"satisfaction": 4, "working": "partly", "comment": "Good talks"},
        content_type="application/json",
    )
    listed = client.get(checkins(said_no.mentorship))
    # then
    assert created.status_code == 201, created.content
    assert created.json()["working"] == "partly"
    assert created.json()["role"] == "mentor"
    body = listed.json()
    assert body["count"] == 1
    assert [c["comment"] for c in body["items"]] == ["Good talks"]
    assert SECRET not in listed.content.decode()
    assert body["due"]["status"] == "done"
    assert body["due"]["number"] == 1


def test_overseeing_admin_reads_every_checkin_but_has_no_schedule(said_no, program_admin):
    # given
    checkin_submit(mentorship=said_no.mentorship, by=said_no.mentor, satisfaction=5, working="yes")
    # when
    body = api_client(program_admin).get(checkins(said_no.mentorship)).json()
    # then
    assert body["count"] == 2
    assert {c["author_membership_id"] for c in body["items"]} == {said_no.mentor.pk, said_no.mentee.pk}
    assert body["due"] is None


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"satisfaction": 0, "working": "yes"}, "satisfaction"),
        ({"satisfaction": 6, "working": "yes"}, "satisfaction"),
        ({"satisfaction": "lots", "working": "yes"}, "satisfaction"),
        ({"working": "yes"}, "satisfaction"),
        ({"satisfaction": 3, "working": "maybe"}, "working"),
        ({"satisfaction": 3}, "working"),
        ({"satisfaction": 3, "working": "yes", "comment": "x" * 2001}, "comment"),
        ({"satisfaction": 3, "working": "yes", "mood": "sunny"}, "mood"),
    ],
)
def test_checkin_validation_errors_name_the_field(live, payload, field):
    # when
    response = api_client(live.mentee).post(
        checkins(live.mentorship), payload, content_type="application/json"
    )
    # then
    assert response.status_code in {400, 422}, response.content
    assert field in response.content.decode()
    assert not CheckIn.objects.exists()


def test_checkins_list_query_count_does_not_grow(live, program_admin, django_assert_num_queries):
    # given two check-ins, then twenty
    client = api_client(program_admin)
    for _ in range(2):
        checkin_submit(mentorship=live.mentorship, by=live.mentee, satisfaction=3, working="yes")
    client.get(checkins(live.mentorship))  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as two:
        assert client.get(checkins(live.mentorship)).json()["count"] == 2
    for _ in range(18):
        checkin_submit(mentorship=live.mentorship, by=live.mentor, satisfaction=3, working="yes")
    # when / then
    with django_assert_num_queries(len(two)):
        assert len(client.get(checkins(live.mentorship)).json()["items"]) == 20


# --- breaking in --------------------------------------------------------------------------------


def test_member_not_in_the_mentorship_gets_404_everywhere(said_no, org):
    # given
    client = api_client(make_member(org))
    # when / then
    assert client.get(checkins(said_no.mentorship)).status_code == 404
    posted = client.post(
        checkins(said_no.mentorship), {"satisfaction": 5, "working": "yes"}, content_type="application/json"
    )
    assert posted.status_code == 404
    assert client.get(health(said_no.mentorship)).status_code == 404
    assert client.post(health(said_no.mentorship)).status_code == 404
    assert client.get(attention(org.slug)).status_code == 403
    assert CheckIn.objects.count() == 1


def test_participants_do_not_see_health(said_no):
    # given the mentor, who must not learn what the mentee said
    client = api_client(said_no.mentor)
    # when
    got = client.get(health(said_no.mentorship))
    refreshed = client.post(health(said_no.mentorship))
    listed = client.get(attention(said_no.mentorship.organisation.slug))
    # then
    assert got.status_code == 403
    assert refreshed.status_code == 403
    assert listed.status_code == 403
    for response in (got, refreshed, listed):
        assert SECRET not in response.content.decode()
        assert "isn't working" not in response.content.decode()


def test_other_organisation_gets_404(said_no, outsider):
    # given an org admin of another organisation, with its own slug and with ours
    client = api_client(outsider)
    for slug in (said_no.mentorship.organisation.slug, outsider.organisation.slug):
        # when / then
        assert client.get(checkins(said_no.mentorship, slug)).status_code == 404
        assert client.get(health(said_no.mentorship, slug)).status_code == 404
        assert client.post(health(said_no.mentorship, slug)).status_code == 404
    assert client.get(attention(said_no.mentorship.organisation.slug)).status_code == 404
    assert client.get(attention(outsider.organisation.slug)).json()["count"] == 0


def test_admin_in_a_mentorship_reads_only_their_own_checkins_there(org, program_admin):
    # given a program admin who is the mentee of a mentorship
    live = live_mentorship(org, make_member(org, role=Role.PROGRAM_ADMIN))
    MentorshipMember.objects.filter(mentorship=live.mentorship, membership=live.mentee).update(
        membership=program_admin
    )
    checkin_submit(mentorship=live.mentorship, by=live.mentor, satisfaction=1, working="no", comment=SECRET)
    client = api_client(program_admin)
    # when / then
    assert client.get(checkins(live.mentorship)).json()["count"] == 0
    assert client.get(health(live.mentorship)).status_code == 403
    assert client.get(attention(org.slug)).json()["count"] == 0


# --- health and the attention list --------------------------------------------------------------


def test_admin_reads_and_refreshes_health(said_no, program_admin):
    # given
    client = api_client(program_admin)
    # when
    got = client.get(health(said_no.mentorship)).json()
    refreshed = client.post(health(said_no.mentorship)).json()
    # then
    assert got["signal"] == "needs_attention"
    assert any(r["tone"] == "concern" and "Mentee said it isn't working" in r["text"] for r in got["reasons"])
    assert got["facts"]["age_days"] == 40
    assert refreshed["signal"] == "needs_attention"
    assert refreshed["computed_at"] >= got["computed_at"]


def test_health_before_any_assessment(live, program_admin):
    # when
    body = api_client(program_admin).get(health(live.mentorship)).json()
    # then
    assert (body["signal"], body["reasons"], body["computed_at"]) == ("too_early", [], None)


def test_refresh_of_an_ended_mentorship_is_a_conflict(live, program_admin):
    # given
    Mentorship.objects.filter(pk=live.mentorship.pk).update(status="completed")
    # when
    response = api_client(program_admin).post(health(live.mentorship))
    # then
    assert response.status_code == 409


def test_attention_list_filters_and_orders(said_no, org, program_admin):
    # given a second, quiet mentorship in another program
    quiet = live_mentorship(org, program_admin, name="Quiet").mentorship
    client = api_client(program_admin)
    # when
    everything = client.get(attention(org.slug)).json()
    needing = client.get(attention(org.slug) + "?signal=needs_attention").json()
    quiet_only = client.get(attention(org.slug) + f"?program_id={quiet.program_id}").json()
    bad = client.get(attention(org.slug) + "?signal=dire")
    # then
    assert [r["mentorship_id"] for r in everything["items"]] == [said_no.mentorship.pk, quiet.pk]
    row = everything["items"][0]
    assert row["signal"] == "needs_attention"
    assert {p["membership_id"] for p in row["people"]} == {said_no.mentor.pk, said_no.mentee.pk}
    assert row["last_checkin_at"] is not None
    assert row["last_meeting_on"] is None
    assert [r["mentorship_id"] for r in needing["items"]] == [said_no.mentorship.pk]
    assert [r["mentorship_id"] for r in quiet_only["items"]] == [quiet.pk]
    assert bad.status_code in {400, 422}
    assert "signal" in bad.content.decode()


def test_attention_list_query_count_does_not_grow(org, program_admin, django_assert_num_queries):
    # given
    client = api_client(program_admin)

    def rows(n: int) -> None:
        while Mentorship.objects.count() < n:
            live = live_mentorship(org, program_admin, name=f"P{Mentorship.objects.count()}")
            checkin_submit(mentorship=live.mentorship, by=live.mentee, satisfaction=2, working="no")

    rows(2)
    client.get(attention(org.slug))  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as two:
        assert client.get(attention(org.slug)).json()["count"] == 2
    rows(20)
    # when / then
    with django_assert_num_queries(len(two)):
        assert len(client.get(attention(org.slug)).json()["items"]) == 20
