"""The home dashboard, per role, with bounded queries and tenant isolation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import login
from tandem.organisations.models import Membership, Organisation, Role
from tandem.organisations.services import invitation_create
from tandem.people.models import CareerLevel, Department, Profile, Skill, WorkValue
from tandem.people.services import ProfileChanges, profile_update
from tests.factories import make_member, profile_of

pytestmark = pytest.mark.django_db


def _url(org: Organisation) -> str:
    return f"/o/{org.slug}/home/"


def test_dashboard_member_sees_completeness_and_mentoring_status_only(
    member_client: Client, member: Membership
) -> None:
    # given a member open to mentoring, with a headline
    Profile.objects.filter(membership=member).update(open_to_mentor=True, mentoring_capacity=3, headline="Hi")
    # when
    response = member_client.get(_url(member.organisation))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["completeness"].percent > 0
    assert "a headline" not in [m.lower() for m in response.context["completeness"].missing]
    assert "Your job title" in html
    assert "Open to mentoring" in html
    assert "up to 3 mentees" in html
    assert "Active members" not in html
    assert "Administration" not in html


def test_dashboard_complete_profile_says_so(member_client: Client, member: Membership) -> None:
    # given a profile with every part filled in
    org = member.organisation
    profile = profile_of(member)
    skills = list(Skill.objects.filter(organisation=org)[:2])
    profile_update(
        profile=profile,
        changes=ProfileChanges(
            headline="Platform engineer who likes teaching",
            job_title="Engineer",
            department_id=Department.objects.filter(organisation=org)[0].pk,
            career_level_id=CareerLevel.objects.filter(organisation=org)[0].pk,
            years_experience=7,
            industry="Software",
            location="Lisbon",
            bio="I build and explain things.",
            language_codes=["en"],
            skill_levels={skills[0].pk: 3},
            goal_skill_ids=[skills[1].pk],
            value_ids=[WorkValue.objects.filter(organisation=org)[0].pk],
            meeting_formats=["video"],
        ),
    )
    Profile.objects.filter(pk=profile.pk).update(photo="photos/2026/01/me.jpg")
    # when
    response = member_client.get(_url(org))
    # then
    assert response.context["completeness"].missing == []
    html = response.content.decode()
    assert "Your profile is complete" in html
    assert 'value="100"' in html


def test_dashboard_program_admin_sees_mentoring_counts(client: Client, program_admin: Membership) -> None:
    # given two mentors and one seeker among three other members
    org = program_admin.organisation
    for open_to_mentor, seeking in [(True, False), (True, True), (False, False)]:
        Profile.objects.filter(membership=make_member(org)).update(
            open_to_mentor=open_to_mentor, seeking_mentorship=seeking, mentoring_capacity=2
        )
    inactive = make_member(org)
    Membership.objects.filter(pk=inactive.pk).update(is_active=False)
    Profile.objects.filter(membership=inactive).update(open_to_mentor=True)
    login(client, program_admin)
    # when
    response = client.get(_url(org))
    # then — the deactivated member is not counted
    counts = response.context["counts"]
    assert (counts.members, counts.open_to_mentor, counts.seeking_mentorship, counts.mentor_capacity) == (
        4,
        2,
        1,
        4,
    )
    assert "Active members" in response.content.decode()
    assert "Administration" not in response.content.decode()


def test_dashboard_org_admin_sees_admin_counts_and_links(admin_client: Client, org_admin: Membership) -> None:
    # given an open invitation and a deactivated member
    org = org_admin.organisation
    invitation_create(
        organisation=org, email="x@example.com", role=Role.MEMBER, by=org_admin, base_url="http://t"
    )
    Membership.objects.filter(pk=make_member(org).pk).update(is_active=False)
    # when
    response = admin_client.get(_url(org))
    # then
    admin_counts = response.context["admin_counts"]
    assert admin_counts.open_invitations == 1
    assert admin_counts.inactive_members == 1
    assert admin_counts.org_admins == 1
    html = response.content.decode()
    assert "Administration" in html
    assert f"/o/{org.slug}/members/" in html


def test_dashboard_outsider_gets_404(client: Client, member: Membership, outsider: Membership) -> None:
    # given an org admin of another organisation
    login(client, outsider)
    # when
    response = client.get(_url(member.organisation))
    # then
    assert response.status_code == 404


def test_dashboard_unknown_organisation_is_the_same_404(client: Client, outsider: Membership) -> None:
    # given
    login(client, outsider)
    # when
    response = client.get("/o/no-such-org/home/")
    # then
    assert response.status_code == 404


def test_dashboard_deactivated_member_gets_404(client: Client, member: Membership) -> None:
    # given
    login(client, member)
    Membership.objects.filter(pk=member.pk).update(is_active=False)
    # when
    response = client.get(_url(member.organisation))
    # then
    assert response.status_code == 404


def test_dashboard_anonymous_is_sent_to_sign_in(client: Client, org: Organisation) -> None:
    # when
    response = client.get(_url(org))
    # then
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_dashboard_shows_no_other_organisation_data(
    admin_client: Client, org_admin: Membership, other_org: Organisation
) -> None:
    # given a member of another organisation with a recognisable name
    make_member(other_org, full_name="Zebulon Elsewhere")
    # when
    html = admin_client.get(_url(org_admin.organisation)).content.decode()
    # then
    assert "Zebulon Elsewhere" not in html
    assert other_org.name not in html


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", [Role.MEMBER, Role.PROGRAM_ADMIN, Role.ORG_ADMIN])
def test_dashboard_queries_do_not_grow_with_the_organisation(
    client: Client, org: Organisation, role: str, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    # given a viewer with a filled-in profile and 5 other members
    viewer = make_member(org, role=role)
    Profile.objects.filter(pk=profile_of(viewer).pk).update(open_to_mentor=True)
    for _ in range(5):
        make_member(org)
    login(client, viewer)
    few = _queries(client, _url(org))
    # when the organisation grows to 30 more members
    for _ in range(25):
        make_member(org)
    # then the page costs the same
    with django_assert_max_num_queries(few):
        client.get(_url(org))
    # session, user, membership, profile with its 4 prefetched relations, the header's memberships…
    # and, per role, the counts (program admin: +2, org admin: +2 more).
    assert few <= {"member": 14, "program_admin": 16, "org_admin": 18}[role]


def test_dashboard_shows_each_running_mentorship_and_what_needs_the_viewer(
    client: Client, org: Organisation, program_admin: Membership
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from tandem.agreements.selectors import agreement_defaults
    from tandem.agreements.services import AgreementTerms, agreement_propose
    from tandem.mentorships.models import Mentorship
    from tests.relationship_setup import live_mentorship

    # given a mentorship a month old whose mentor proposed an agreement
    live = live_mentorship(org, program_admin)
    Mentorship.objects.filter(pk=live.mentorship.pk).update(started_at=timezone.now() - timedelta(days=33))
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
    # when each side opens their home page
    login(client, live.mentee)
    mentee_home = client.get(f"/o/{org.slug}/home/").content.decode()
    login(client, live.mentor)
    mentor_home = client.get(f"/o/{org.slug}/home/").content.decode()
    # then the mentee is asked for the agreement and the check-in; the mentor only for the check-in
    assert live.mentor.user.full_name in mentee_home
    assert "An agreement waits for your answer" in mentee_home
    assert "Check in: how is it going?" in mentee_home
    assert "An agreement waits for your answer" not in mentor_home
    assert "Check in: how is it going?" in mentor_home
    assert "Schedule your next meeting" in mentor_home
