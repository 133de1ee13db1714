"""Organisation admin: the members list, role changes, (de)activation and invitations."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tandem.organisations.models import Invitation, Membership, Organisation, Role
from tandem.organisations.services import invitation_create
from tests.factories import make_member


def _url(name: str, org: Organisation, **kwargs: Any) -> str:
    return reverse(f"organisations:{name}", kwargs={"org_slug": org.slug, **kwargs})


def _invite(org: Organisation, by: Membership, email: str) -> Invitation:
    invitation, _ = invitation_create(
        organisation=org, email=email, role=Role.MEMBER, by=by, base_url="http://testserver/"
    )
    return invitation


# ---- who may see the admin pages ----------------------------------------------------------------

ADMIN_PAGES = ["members", "invite", "taxonomy", "import_people"]


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_admin_page_opens_for_org_admin(admin_client: Client, org: Organisation, page: str) -> None:
    # given / when
    response = admin_client.get(_url(page, org))

    # then
    assert response.status_code == 200


@pytest.mark.parametrize("page", ADMIN_PAGES)
@pytest.mark.parametrize("role", [Role.MEMBER, Role.PROGRAM_ADMIN])
def test_admin_page_is_404_below_org_admin(client: Client, org: Organisation, page: str, role: str) -> None:
    # given a signed-in member without the org admin role
    client.force_login(make_member(org, role=role).user)

    # when
    response = client.get(_url(page, org))

    # then
    assert response.status_code == 404


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_admin_page_is_404_for_another_organisations_admin(
    client: Client, org: Organisation, outsider: Membership, page: str
) -> None:
    # given the org admin of another organisation
    client.force_login(outsider.user)

    # when
    response = client.get(_url(page, org))

    # then
    assert response.status_code == 404


# ---- members list -------------------------------------------------------------------------------


def test_members_lists_everyone_with_role_and_status(
    admin_client: Client,
    org: Organisation,
    member: Membership,
    org_admin: Membership,
    other_org: Organisation,
) -> None:
    # given an inactive member and someone in another organisation
    gone = make_member(org, full_name="Gina Gone")
    Membership.objects.filter(pk=gone.pk).update(is_active=False)
    make_member(other_org, full_name="Zed Stranger")

    # when
    content = admin_client.get(_url("members", org)).content.decode()

    # then
    assert "Mia Member" in content
    assert member.user.email in content
    assert "Gina Gone" in content
    assert "Deactivated" in content
    assert "Zed Stranger" not in content
    assert _url("member_reactivate", org, membership_id=gone.pk) in content
    assert _url("member_deactivate", org, membership_id=member.pk) in content
    # one cannot deactivate oneself from the list
    assert _url("member_deactivate", org, membership_id=org_admin.pk) not in content


def test_members_search_by_name_or_email(admin_client: Client, org: Organisation, member: Membership) -> None:
    # given
    make_member(org, full_name="Someone Else", email="else@example.com")

    # when
    by_name = admin_client.get(_url("members", org), {"q": "mia"}).content.decode()
    by_email = admin_client.get(_url("members", org), {"q": "else@"}).content.decode()

    # then
    assert "Mia Member" in by_name
    assert "Someone Else" not in by_name
    assert "Someone Else" in by_email
    assert "Mia Member" not in by_email


def test_members_paginates(admin_client: Client, org: Organisation) -> None:
    # given more than a page of members (50 a page)
    for i in range(55):
        make_member(org, full_name=f"Member {i:02d}")

    # when
    first = admin_client.get(_url("members", org)).content.decode()
    second = admin_client.get(_url("members", org), {"page": 2}).content.decode()

    # then
    assert "page 1 of 2" in first
    assert "Member 00" in first
    assert "Member 54" not in first
    assert "Member 54" in second
    assert 'href="?page=2"' in first


@pytest.mark.parametrize("count", [5, 30])
def test_members_query_count_does_not_grow_with_members(
    admin_client: Client, org: Organisation, django_assert_max_num_queries: Any, count: int
) -> None:
    # given
    for i in range(count):
        make_member(org, full_name=f"Member {i:02d}")

    # when / then
    with django_assert_max_num_queries(10):
        response = admin_client.get(_url("members", org))
    assert response.content.decode().count('name="role"') == count + 1


# ---- role, deactivate, reactivate ---------------------------------------------------------------


def test_member_role_change(admin_client: Client, org: Organisation, member: Membership) -> None:
    # given / when
    response = admin_client.post(
        _url("member_role", org, membership_id=member.pk),
        {"role": Role.PROGRAM_ADMIN, "next": _url("members", org) + "?q=mia"},
    )

    # then it goes back to the same search
    assert response.status_code == 302
    assert response["Location"] == _url("members", org) + "?q=mia"
    member.refresh_from_db()
    assert member.role == Role.PROGRAM_ADMIN


def test_member_role_change_ignores_foreign_next(
    admin_client: Client, org: Organisation, member: Membership
) -> None:
    # given / when a redirect target elsewhere is posted
    response = admin_client.post(
        _url("member_role", org, membership_id=member.pk),
        {"role": Role.MEMBER, "next": "https://evil.example/"},
    )

    # then
    assert response["Location"] == _url("members", org)


def test_member_role_change_keeps_the_last_org_admin(
    admin_client: Client, org: Organisation, org_admin: Membership
) -> None:
    # given the only org admin

    # when demoting themselves
    response = admin_client.post(
        _url("member_role", org, membership_id=org_admin.pk), {"role": Role.MEMBER}, follow=True
    )

    # then the rule is explained and nothing changes
    assert "must keep at least one organisation admin" in response.content.decode()
    org_admin.refresh_from_db()
    assert org_admin.role == Role.ORG_ADMIN


def test_member_role_change_rejects_unknown_role(
    admin_client: Client, org: Organisation, member: Membership
) -> None:
    # given / when
    response = admin_client.post(
        _url("member_role", org, membership_id=member.pk), {"role": "emperor"}, follow=True
    )

    # then
    assert "Choose one of the roles" in response.content.decode()
    member.refresh_from_db()
    assert member.role == Role.MEMBER


@pytest.mark.parametrize("action", ["member_role", "member_deactivate", "member_reactivate"])
def test_member_actions_on_another_organisations_member_are_404(
    admin_client: Client, org: Organisation, outsider: Membership, action: str
) -> None:
    # given the membership id of someone in another organisation

    # when
    response = admin_client.post(_url(action, org, membership_id=outsider.pk), {"role": Role.MEMBER})

    # then
    assert response.status_code == 404
    outsider.refresh_from_db()
    assert outsider.is_active
    assert outsider.role == Role.ORG_ADMIN


@pytest.mark.parametrize("action", ["member_role", "member_deactivate", "member_reactivate"])
def test_member_actions_are_404_for_plain_members(
    member_client: Client, org: Organisation, org_admin: Membership, action: str
) -> None:
    # given / when a plain member tries to manage the org admin
    response = member_client.post(_url(action, org, membership_id=org_admin.pk), {"role": Role.MEMBER})

    # then
    assert response.status_code == 404
    org_admin.refresh_from_db()
    assert org_admin.role == Role.ORG_ADMIN
    assert org_admin.is_active


def test_member_actions_need_post(admin_client: Client, org: Organisation, member: Membership) -> None:
    # given / when
    response = admin_client.get(_url("member_deactivate", org, membership_id=member.pk))

    # then
    assert response.status_code == 405


def test_member_deactivate_and_reactivate(
    admin_client: Client, org: Organisation, member: Membership
) -> None:
    # given / when
    deactivated = admin_client.post(_url("member_deactivate", org, membership_id=member.pk), follow=True)
    member.refresh_from_db()
    was_active = member.is_active
    reactivated = admin_client.post(_url("member_reactivate", org, membership_id=member.pk), follow=True)
    member.refresh_from_db()

    # then
    assert was_active is False
    assert "Mia Member is deactivated" in deactivated.content.decode()
    assert member.is_active is True
    assert "Mia Member is active again" in reactivated.content.decode()


def test_member_deactivate_refuses_oneself(
    admin_client: Client, org: Organisation, org_admin: Membership
) -> None:
    # given / when
    response = admin_client.post(_url("member_deactivate", org, membership_id=org_admin.pk), follow=True)

    # then
    assert "You cannot deactivate yourself." in response.content.decode()
    org_admin.refresh_from_db()
    assert org_admin.is_active


# ---- invitations --------------------------------------------------------------------------------


def test_invite_sends_an_invitation(
    admin_client: Client, org: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    # given / when
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            _url("invite", org), {"email": "New.Person@Example.com", "role": Role.MEMBER}
        )

    # then
    assert response.status_code == 302
    invitation = Invitation.objects.get(organisation=org)
    assert invitation.email == "new.person@example.com"
    assert len(mail.outbox) == 1
    assert "http://testserver/accounts/" in mail.outbox[0].body
    listing = admin_client.get(_url("invite", org)).content.decode()
    assert "new.person@example.com" in listing
    assert _url("invitation_revoke", org, invitation_id=invitation.pk) in listing


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "not-an-email", "role": Role.MEMBER}, "email", "Enter a valid email address."),
        ({"email": "a@example.com", "role": "emperor"}, "role", "Select a valid choice."),
    ],
)
def test_invite_bad_input_shows_field_errors(
    admin_client: Client, org: Organisation, data: dict[str, str], field: str, message: str
) -> None:
    # given / when
    response = admin_client.post(_url("invite", org), data)

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert message in content
    assert f'id="id_{field}_error"' in content
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_invite_an_existing_member_is_refused_on_the_email_field(
    admin_client: Client, org: Organisation, member: Membership
) -> None:
    # given / when
    response = admin_client.post(_url("invite", org), {"email": member.user.email, "role": Role.MEMBER})

    # then
    content = response.content.decode()
    assert "is already a member" in content
    assert 'id="id_email_error"' in content
    assert not Invitation.objects.exists()


def test_invitation_revoke(admin_client: Client, org: Organisation, org_admin: Membership) -> None:
    # given
    invitation = _invite(org, org_admin, "x@example.com")

    # when
    response = admin_client.post(_url("invitation_revoke", org, invitation_id=invitation.pk))

    # then
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert "No open invitations." in admin_client.get(_url("invite", org)).content.decode()


def test_invitation_revoke_of_another_organisation_is_404(
    admin_client: Client, org: Organisation, outsider: Membership
) -> None:
    # given an invitation of another organisation
    invitation = _invite(outsider.organisation, outsider, "y@example.com")

    # when
    response = admin_client.post(_url("invitation_revoke", org, invitation_id=invitation.pk))

    # then
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_invite_lists_only_this_organisations_invitations(
    admin_client: Client, org: Organisation, outsider: Membership
) -> None:
    # given
    _invite(outsider.organisation, outsider, "theirs@example.com")

    # when
    content = admin_client.get(_url("invite", org)).content.decode()

    # then
    assert "theirs@example.com" not in content
    assert "No open invitations." in content
