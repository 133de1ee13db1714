"""The Check-ins tab and the attention list: who sees what, and who is told it does not exist."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import login
from tandem.health.models import CheckIn
from tandem.health.services import checkin_submit, mentorship_health_refresh
from tandem.health.tests.conftest import started_days_ago
from tandem.mentorships.models import Mentorship, MentorshipMember, MentorshipStatus
from tandem.organisations.models import Role
from tests.factories import make_member
from tests.relationship_setup import live_mentorship

pytestmark = pytest.mark.django_db

SECRET = "my manager is a problem, the mentor keeps cancelling"


def tab_url(mentorship: Mentorship) -> str:
    return reverse(
        "health:mentorship", kwargs={"org_slug": mentorship.organisation.slug, "mentorship_id": mentorship.pk}
    )


def attention_url(org_slug: str) -> str:
    return reverse("health:attention", kwargs={"org_slug": org_slug})


@pytest.fixture
def said_no(live):
    """The mentee checked in 40 days into the mentorship: it isn't working, with a private comment."""
    started_days_ago(live.mentorship, 40)
    checkin_submit(mentorship=live.mentorship, by=live.mentee, satisfaction=1, working="no", comment=SECRET)
    return live


# --- participants -------------------------------------------------------------------------------


def test_participant_sees_the_form_with_the_due_state_and_only_their_own_checkins(client: Client, said_no):
    # given the mentor checked in too
    checkin_submit(
        mentorship=said_no.mentorship, by=said_no.mentor, satisfaction=5, working="yes", comment="Great"
    )
    # when the mentor opens the tab
    response = login(client, said_no.mentor).get(tab_url(said_no.mentorship))
    # then they see the form, the schedule and their own check-in — not the mentee's, nor any health
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="satisfaction"' in html
    assert "You are up to date" in html
    assert "Great" in html
    assert SECRET not in html
    assert "said it isn" not in html
    assert "Needs attention" not in html
    assert "Recompute" not in html


def test_participant_sees_an_overdue_checkin(client: Client, live):
    # given a mentorship 50 days old without a check-in (first due at day 30)
    started_days_ago(live.mentorship, 50)
    # when
    response = login(client, live.mentee).get(tab_url(live.mentorship))
    # then
    assert "Your check-in 1 was due on" in response.content.decode()


def test_participant_checks_in_through_the_form(client: Client, live):
    # given
    login(client, live.mentee)
    # when
    response = client.post(
        tab_url(live.mentorship), {"satisfaction": "2", "working": "partly", "comment": "Slow start"}
    )
    # then post-redirect-get back to the tab, with the check-in stored
    assert response.status_code == 302
    assert response["Location"] == tab_url(live.mentorship)
    checkin = CheckIn.objects.get()
    assert (checkin.author_id, checkin.satisfaction, checkin.working, checkin.comment) == (
        live.mentee.pk,
        2,
        "partly",
        "Slow start",
    )
    assert "Slow start" in client.get(tab_url(live.mentorship)).content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"working": "yes"}, "satisfaction"),
        ({"satisfaction": "9", "working": "yes"}, "satisfaction"),
        ({"satisfaction": "3"}, "working"),
        ({"satisfaction": "3", "working": "sort of"}, "working"),
        ({"satisfaction": "3", "working": "yes", "comment": "x" * 2001}, "comment"),
    ],
)
def test_checkin_form_errors_name_the_field(client: Client, live, data, field):
    # when
    response = login(client, live.mentee).post(tab_url(live.mentorship), data)
    # then
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not CheckIn.objects.exists()


def test_checkin_form_closed_for_an_ended_mentorship(client: Client, live):
    # given
    Mentorship.objects.filter(pk=live.mentorship.pk).update(status=MentorshipStatus.COMPLETED)
    login(client, live.mentee)
    # when
    page = client.get(tab_url(live.mentorship))
    posted = client.post(tab_url(live.mentorship), {"satisfaction": "3", "working": "yes"})
    # then
    assert 'name="satisfaction"' not in page.content.decode()
    assert posted.status_code == 400
    assert not CheckIn.objects.exists()


# --- breaking in --------------------------------------------------------------------------------


def test_member_not_in_the_mentorship_gets_404(client: Client, said_no, org):
    # given a member of the same organisation, not in the mentorship
    login(client, make_member(org))
    # when / then
    assert client.get(tab_url(said_no.mentorship)).status_code == 404
    assert (
        client.post(tab_url(said_no.mentorship), {"satisfaction": "5", "working": "yes"}).status_code == 404
    )
    assert CheckIn.objects.count() == 1


def test_other_organisation_gets_404(client: Client, said_no, outsider):
    # given an org admin of another organisation, using their own slug and ours
    login(client, outsider)
    other = reverse(
        "health:mentorship",
        kwargs={"org_slug": outsider.organisation.slug, "mentorship_id": said_no.mentorship.pk},
    )
    # when / then
    assert client.get(tab_url(said_no.mentorship)).status_code == 404
    assert client.get(other).status_code == 404
    assert client.get(attention_url(said_no.mentorship.organisation.slug)).status_code == 404
    assert SECRET not in client.get(attention_url(outsider.organisation.slug)).content.decode()


def test_members_cannot_open_the_attention_list_nor_recompute(client: Client, said_no):
    # given the mentee (a plain member)
    login(client, said_no.mentee)
    recompute = reverse(
        "health:recompute",
        kwargs={"org_slug": said_no.mentorship.organisation.slug, "mentorship_id": said_no.mentorship.pk},
    )
    # when / then
    assert client.get(attention_url(said_no.mentorship.organisation.slug)).status_code == 404
    assert client.post(recompute).status_code == 404


def test_admin_in_the_mentorship_is_a_participant_there(client: Client, org, program_admin):
    # given a program admin who is the mentee of a mentorship whose mentor said it isn't working
    other_admin = make_member(org, role=Role.PROGRAM_ADMIN)
    live = live_mentorship(org, other_admin)
    MentorshipMember.objects.filter(mentorship=live.mentorship, membership=live.mentee).update(
        membership=program_admin
    )
    checkin_submit(mentorship=live.mentorship, by=live.mentor, satisfaction=1, working="no", comment=SECRET)
    login(client, program_admin)
    # when
    tab = client.get(tab_url(live.mentorship)).content.decode()
    listing = client.get(attention_url(org.slug) + "?signal=any").content.decode()
    # then they see neither the mentor's answer nor the health reasons, and their mentorship is not listed
    assert SECRET not in tab
    assert "Recompute" not in tab
    assert "isn&#x27;t working" not in listing
    assert tab_url(live.mentorship) not in listing


# --- overseeing admins --------------------------------------------------------------------------


def test_admin_sees_every_checkin_the_signal_and_its_reasons(client: Client, said_no, program_admin):
    # given
    checkin_submit(
        mentorship=said_no.mentorship, by=said_no.mentor, satisfaction=4, working="yes", comment="Fine"
    )
    # when
    response = login(client, program_admin).get(tab_url(said_no.mentorship))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert SECRET in html
    assert "Fine" in html
    assert "Needs attention" in html
    assert "Mentee said it isn&#x27;t working; satisfaction 1/5" in html
    assert "Recompute" in html
    assert 'name="satisfaction"' not in html


def test_admin_cannot_check_in_for_someone(client: Client, live, program_admin):
    # when
    response = login(client, program_admin).post(
        tab_url(live.mentorship), {"satisfaction": "5", "working": "yes"}
    )
    # then
    assert response.status_code == 403
    assert not CheckIn.objects.exists()


def test_admin_recomputes(client: Client, live, program_admin):
    # given no assessment yet
    login(client, program_admin)
    url = reverse(
        "health:recompute",
        kwargs={"org_slug": live.mentorship.organisation.slug, "mentorship_id": live.mentorship.pk},
    )
    # when
    response = client.post(url, follow=True)
    # then
    assert response.redirect_chain[-1][0] == tab_url(live.mentorship)
    assert "Health recomputed: too early to tell." in response.content.decode()


def test_attention_list_shows_reasons_and_links(client: Client, said_no, program_admin, org):
    # given a healthy-looking second mentorship
    calm = live_mentorship(org, program_admin, name="Calm").mentorship
    mentorship_health_refresh(calm)
    # when the admin opens the list (needing attention by default)
    response = login(client, program_admin).get(attention_url(org.slug))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Mentee said it isn&#x27;t working; satisfaction 1/5" in html
    assert tab_url(said_no.mentorship) in html
    assert (
        reverse("mentorships:detail", kwargs={"org_slug": org.slug, "mentorship_id": said_no.mentorship.pk})
        in html
    )
    assert tab_url(calm) not in html
    # and with any signal both are there, needing attention first
    html = client.get(attention_url(org.slug) + "?signal=any").content.decode()
    assert html.index(tab_url(said_no.mentorship)) < html.index(tab_url(calm))
    # and a program filter narrows it
    html = client.get(attention_url(org.slug) + f"?signal=any&program={calm.program_id}").content.decode()
    assert tab_url(said_no.mentorship) not in html
    assert tab_url(calm) in html


def test_attention_list_query_count_does_not_grow_with_rows(
    client: Client, org, program_admin, django_assert_num_queries
):
    # given mentorships needing attention, and an admin whose session is warm
    login(client, program_admin)

    def rows(n: int) -> None:
        while Mentorship.objects.count() < n:
            live = live_mentorship(org, program_admin, name=f"P{Mentorship.objects.count()}")
            checkin_submit(mentorship=live.mentorship, by=live.mentee, satisfaction=1, working="no")

    rows(2)
    client.get(attention_url(org.slug))
    with CaptureQueriesContext(connection) as two:
        assert len(client.get(attention_url(org.slug)).context["rows"]) == 2
    rows(20)
    # when / then: the same number of queries for 20 rows as for 2
    with django_assert_num_queries(len(two)):
        response = client.get(attention_url(org.slug))
    assert len(response.context["rows"]) == 20
