"""The operators' Django admin: every registered model's pages open, secrets stay read-only."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tandem.accounts.models import ApiToken, User
from tandem.accounts.services import api_token_create
from tandem.organisations.models import Membership
from tandem.people.models import Profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("ops@example.com", "ops-password-123", full_name="Ops"))
    return client


OURS = ("accounts", "organisations", "people")


def test_admin_every_tandem_model_changelist_and_add_page_opens(
    operator_client: Client, member: Membership
) -> None:
    # given data in every table (the member brings an organisation, taxonomy and a profile)
    api_token_create(user=member.user, name="ci")
    registered = [m for m in admin.site._registry if m._meta.app_label in OURS]
    assert {m.__name__ for m in registered} >= {
        "User", "ApiToken", "Organisation", "Membership", "Invitation", "Profile",
        "Skill", "Competency", "WorkValue", "Department", "CareerLevel", "Language",
    }  # fmt: skip
    for model in registered:
        opts = model._meta
        # when
        changelist = operator_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        # then
        assert changelist.status_code == 200, opts.label
        add = operator_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        assert add.status_code in (200, 403), opts.label


def test_admin_user_change_page_is_email_based(operator_client: Client, member: Membership) -> None:
    # when
    response = operator_client.get(reverse("admin:accounts_user_change", args=[member.user.pk]))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="email"' in html
    assert 'name="username"' not in html


def test_admin_user_add_creates_an_email_user(operator_client: Client) -> None:
    # when
    response = operator_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "new@example.com",
            "full_name": "New Person",
            "usable_password": "true",
            "password1": "a-long-passphrase-77",
            "password2": "a-long-passphrase-77",
        },
    )
    # then
    assert response.status_code == 302
    assert User.objects.get(email="new@example.com").check_password("a-long-passphrase-77")


def test_admin_api_token_hash_is_read_only_and_tokens_cannot_be_added(
    operator_client: Client, member: Membership
) -> None:
    # given
    token, _ = api_token_create(user=member.user, name="ci")
    # when
    page = operator_client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
    add = operator_client.get(reverse("admin:accounts_apitoken_add"))
    # then
    html = page.content.decode()
    assert page.status_code == 200
    assert token.key_hash in html
    assert 'name="key_hash"' not in html
    assert add.status_code == 403
    assert ApiToken.objects.count() == 1


def test_admin_profile_change_page_opens(operator_client: Client, member: Membership) -> None:
    # when
    profile = Profile.objects.get(membership=member)
    response = operator_client.get(reverse("admin:people_profile_change", args=[profile.pk]))
    # then
    assert response.status_code == 200


def test_admin_is_closed_to_members(member_client: Client) -> None:
    # when
    response = member_client.get(reverse("admin:index"))
    # then
    assert response.status_code == 302
    assert "/django-admin/login/" in response["Location"]
