"""The invitation link: every situation it can meet, and none of them a 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from conftest import login
from tandem.accounts.models import User
from tandem.organisations.models import Membership, Organisation, Role
from tandem.organisations.services import invitation_accept, invitation_create, invitation_revoke
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-42"


def _invite(org_admin: Membership, email: str, role: str = Role.MEMBER) -> str:
    _, raw = invitation_create(
        organisation=org_admin.organisation,
        email=email,
        role=role,
        by=org_admin,
        base_url="http://testserver",
    )
    return f"/accounts/invite/{raw}/"


def test_invitation_email_link_opens_the_accept_page(
    client: Client, org_admin: Membership, django_capture_on_commit_callbacks
) -> None:
    # given an invitation sent by email (once the transaction commits)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(org_admin, "newbie@example.com", Role.PROGRAM_ADMIN)
    link = next(line for line in mail.outbox[0].body.split() if "/accounts/invite/" in line)
    # when the link is opened
    response = client.get(link.replace("http://testserver", ""))
    # then it shows the organisation and the role
    html = response.content.decode()
    assert response.status_code == 200
    assert org_admin.organisation.name in html
    assert "Program admin" in html
    assert "Create account and join" in html


def test_invitation_accept_new_user_creates_account_signs_in_and_joins(
    client: Client, org_admin: Membership
) -> None:
    # given
    url = _invite(org_admin, "newbie@example.com")
    # when
    response = client.post(
        url, {"full_name": "Nina Newbie", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    # then
    org = org_admin.organisation
    assert response.status_code == 302
    assert response["Location"] == f"/o/{org.slug}/home/"
    user = User.objects.get(email="newbie@example.com")
    assert user.full_name == "Nina Newbie"
    assert user.check_password(NEW_PASSWORD)
    assert Membership.objects.filter(user=user, organisation=org, role=Role.MEMBER, is_active=True).exists()
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(response["Location"]).status_code == 200


def test_invitation_accept_new_user_with_bad_passwords_writes_nothing(
    client: Client, org_admin: Membership
) -> None:
    # given
    url = _invite(org_admin, "newbie@example.com")
    # when the passwords differ, then when the password is too weak
    mismatch = client.post(
        url, {"full_name": "Nina", "password1": NEW_PASSWORD, "password2": "other-one-123"}
    )
    weak = client.post(url, {"full_name": "Nina", "password1": "123", "password2": "123"})
    # then each names the field and no account exists
    assert mismatch.status_code == 400
    assert 'id="id_password2_error"' in mismatch.content.decode()
    assert weak.status_code == 400
    assert 'id="id_password1_error"' in weak.content.decode()
    assert not User.objects.filter(email="newbie@example.com").exists()


def test_invitation_accept_signed_in_with_the_invited_email(client: Client, org_admin: Membership) -> None:
    # given someone already in another organisation, invited here
    person = UserFactory(email="pat@example.com")
    url = _invite(org_admin, "pat@example.com", Role.PROGRAM_ADMIN)
    client.force_login(person)
    # when they look, then accept
    page = client.get(url)
    response = client.post(url)
    # then
    assert "Accept and join" in page.content.decode()
    assert response.status_code == 302
    membership = Membership.objects.get(user=person, organisation=org_admin.organisation)
    assert membership.role == Role.PROGRAM_ADMIN


def test_invitation_for_an_existing_account_asks_to_sign_in_and_comes_back(
    client: Client, org_admin: Membership
) -> None:
    # given an account for the invited address, not signed in
    UserFactory(email="pat@example.com")
    url = _invite(org_admin, "pat@example.com")
    # when
    page = client.get(url)
    # then it offers to sign in, returning to the invitation
    html = page.content.decode()
    assert "Sign in to accept" in html
    assert "/accounts/login/?next=%2Faccounts%2Finvite%2F" in html
    assert "Create account" not in html
    # and signing in through it brings them back to accept
    signed_in = client.post(
        "/accounts/login/", {"email": "pat@example.com", "password": TEST_PASSWORD, "next": url}
    )
    assert signed_in["Location"] == url
    assert client.post(url).status_code == 302
    assert Membership.objects.filter(
        user__email="pat@example.com", organisation=org_admin.organisation
    ).exists()


def test_invitation_posting_signup_for_an_existing_account_creates_nothing(
    client: Client, org_admin: Membership
) -> None:
    # given
    UserFactory(email="pat@example.com")
    url = _invite(org_admin, "pat@example.com")
    # when someone posts the sign-up form anyway
    response = client.post(
        url, {"full_name": "Impostor", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    # then
    assert response.status_code == 200
    assert not Membership.objects.filter(
        user__email="pat@example.com", organisation=org_admin.organisation
    ).exists()
    assert User.objects.get(email="pat@example.com").full_name != "Impostor"


def test_invitation_signed_in_with_another_email_explains_and_does_not_accept(
    client: Client, org_admin: Membership, outsider: Membership
) -> None:
    # given
    url = _invite(org_admin, "someone@example.com")
    login(client, outsider)
    # when
    page = client.get(url)
    post = client.post(url)
    # then
    html = page.content.decode()
    assert "this invitation was sent to <strong>someone@example.com</strong>" in html
    assert "Sign out and continue" in html
    assert post.status_code == 200
    assert not Membership.objects.filter(user=outsider.user, organisation=org_admin.organisation).exists()


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        ("expire", "has expired"),
        ("revoke", "not valid"),
        ("use", "already been used"),
        ("garble", "not valid"),
    ],
)
def test_invitation_unusable_link_shows_a_friendly_page(
    client: Client, org_admin: Membership, spoil: str, message: str
) -> None:
    # given an invitation made unusable in one of the ways links go bad
    url = _invite(org_admin, "late@example.com")
    raw = url.split("/")[-2]
    if spoil == "expire":
        org_admin.organisation.invitations.update(expires_at=timezone.now() - timedelta(minutes=1))
    elif spoil == "revoke":
        invitation_revoke(invitation=org_admin.organisation.invitations.get(), by=org_admin)
    elif spoil == "use":
        invitation_accept(raw_key=raw, user=UserFactory(email="late@example.com"))
    else:
        url = "/accounts/invite/not-a-real-key/"
    # when it is opened, or posted to
    page = client.get(url)
    post = client.post(url, {"full_name": "Late", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    # then
    assert page.status_code == 404
    assert message in page.content.decode()
    assert "This invitation can" in page.content.decode()
    assert post.status_code == 404
    assert User.objects.filter(full_name="Late").count() == 0


def test_invitation_page_does_not_leak_other_org_data(
    client: Client, org_admin: Membership, other_org: Organisation
) -> None:
    # given
    url = _invite(org_admin, "newbie@example.com")
    # when
    html = client.get(url).content.decode()
    # then
    assert org_admin.organisation.name in html
    assert other_org.name not in html
