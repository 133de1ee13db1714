"""The Overview tab's "at a glance" panel for participants and the health panel for admins."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import login
from tandem.agreements.selectors import agreement_defaults
from tandem.agreements.services import AgreementTerms, agreement_propose
from tandem.health.services import checkin_submit, mentorship_health_refresh
from tandem.mentorships.models import Mentorship
from tandem.organisations.models import Membership, Organisation
from tests.relationship_setup import Live, live_mentorship

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(org: Organisation, program_admin: Membership) -> Live:
    return live_mentorship(org, program_admin)


def _overview(client: Client, mentorship: Mentorship) -> str:
    url = reverse(
        "mentorships:detail",
        kwargs={"org_slug": mentorship.organisation.slug, "mentorship_id": mentorship.pk},
    )
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _propose(live: Live) -> None:
    start = agreement_defaults(live.mentorship)
    agreement_propose(
        mentorship=live.mentorship,
        by=live.mentor,
        terms=AgreementTerms(
            cadence=start.cadence,
            duration_months=start.duration_months,
            confidentiality=start.confidentiality,
        ),
    )


def test_the_side_an_agreement_waits_for_is_told_it_needs_them(client: Client, live: Live) -> None:
    # given the mentor proposed the first agreement
    _propose(live)
    # when each side opens the overview
    login(client, live.mentee)
    mentee_view = _overview(client, live.mentorship)
    login(client, live.mentor)
    mentor_view = _overview(client, live.mentorship)
    # then the mentee is asked, and the mentor is told they are waiting
    assert "is waiting for your answer" in mentee_view
    assert "waiting for the other side" in mentor_view
    assert "Nothing scheduled yet" in mentor_view
    assert "No goals yet" in mentor_view


def test_a_due_check_in_is_shown_to_its_participant(client: Client, live: Live) -> None:
    # given the first check-in window opened
    Mentorship.objects.filter(pk=live.mentorship.pk).update(started_at=timezone.now() - timedelta(days=35))
    # when the mentee opens the overview
    login(client, live.mentee)
    html = _overview(client, live.mentorship)
    # then
    assert "How is it going?" in html


def test_admins_see_health_reasons_and_participants_never_do(
    client: Client, live: Live, program_admin: Membership
) -> None:
    # given the mentee said privately that it is not working
    Mentorship.objects.filter(pk=live.mentorship.pk).update(started_at=timezone.now() - timedelta(days=35))
    live.mentorship.refresh_from_db()
    checkin_submit(
        mentorship=live.mentorship, by=live.mentee, satisfaction=1, working="no", comment="Secret words"
    )
    mentorship_health_refresh(live.mentorship)
    # when the admin and the mentor open the overview
    login(client, program_admin)
    admin_view = _overview(client, live.mentorship)
    login(client, live.mentor)
    mentor_view = _overview(client, live.mentorship)
    # then only the admin sees the signal and why
    assert "Needs attention" in admin_view
    assert "isn&#x27;t working" in admin_view or "isn't working" in admin_view
    assert "Needs attention" not in mentor_view
    assert "Secret words" not in mentor_view
    assert "satisfaction" not in mentor_view.lower()


def test_overseeing_admins_see_only_the_tabs_they_may_open(
    client: Client, live: Live, program_admin: Membership
) -> None:
    # when the program admin and the mentee open the overview
    login(client, program_admin)
    admin_view = _overview(client, live.mentorship)
    login(client, live.mentee)
    mentee_view = _overview(client, live.mentorship)
    # then the admin's tabs lead only to pages they may open
    tabs = admin_view.split('aria-label="This mentorship"')[1].split("</nav>")[0]
    mentee_tabs = mentee_view.split('aria-label="This mentorship"')[1].split("</nav>")[0]
    for label in ("Meetings", "Goals", "Feedback"):
        assert f">{label}<" not in tabs
        assert f">{label}<" in mentee_tabs
    for label in ("Overview", "Agreement", "Check-ins", "Career"):
        assert f">{label}<" in tabs


def test_program_admins_list_a_programs_mentorships_and_members_cannot(
    client: Client, live: Live, program_admin: Membership, member: Membership
) -> None:
    url = reverse(
        "mentorships:program_list",
        kwargs={"org_slug": live.mentorship.organisation.slug, "program_id": live.mentorship.program_id},
    )
    # when the admin opens the program's mentorships
    login(client, program_admin)
    response = client.get(url)
    # then the pair is listed with a way in
    assert response.status_code == 200
    html = response.content.decode()
    assert live.mentee.user.full_name in html
    assert f"/mentorships/{live.mentorship.pk}/" in html
    # and a member — even one in the mentorship — gets a 404
    for outsider in (member, live.mentee):
        login(client, outsider)
        assert client.get(url).status_code == 404


def test_program_mentorships_page_costs_the_same_queries_for_more_rows(
    client: Client, org: Organisation, program_admin: Membership
) -> None:
    from tandem.mentorships.services import mentorship_start
    from tests.program_setup import make_program, mentee, mentor

    program = make_program(org, program_admin, name="Many", matching_mode="self_service")
    url = reverse("mentorships:program_list", kwargs={"org_slug": org.slug, "program_id": program.pk})
    login(client, program_admin)

    def add(n: int) -> None:
        for _ in range(n):
            mentorship_start(
                mentor=mentor(program, capacity=1),
                mentees=[mentee(program)],
                origin="admin",
                needs_consent=False,
            )

    add(2)
    client.get(url)  # warm up caches (session, content types)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(8)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few.captured_queries) == len(many.captured_queries)
