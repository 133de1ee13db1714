"""Personal API tokens in the UI: list, create (raw shown once), revoke."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import login
from tandem.accounts.models import ApiToken, hash_token
from tandem.accounts.services import api_token_create, api_token_revoke
from tandem.organisations.models import Membership

pytestmark = pytest.mark.django_db


def test_tokens_page_requires_sign_in(client: Client) -> None:
    # when
    response = client.get("/accounts/tokens/")
    # then
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/accounts/tokens/")


def test_tokens_page_lists_only_my_tokens_with_status(
    member_client: Client, member: Membership, outsider: Membership
) -> None:
    # given
    api_token_create(user=member.user, name="reporting script")
    revoked, _ = api_token_create(user=member.user, name="old laptop")
    api_token_revoke(user=member.user, token_id=revoked.pk)
    api_token_create(user=outsider.user, name="someone else's")
    # when
    response = member_client.get("/accounts/tokens/")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "reporting script" in html
    assert "old laptop" in html
    assert "Revoked" in html
    assert "someone else" not in html


def test_token_create_shows_the_raw_token_once_and_stores_only_its_hash(
    member_client: Client, member: Membership
) -> None:
    # when
    response = member_client.post("/accounts/tokens/create/", {"name": "reporting script"})
    # then the raw value is on the page
    assert response.status_code == 200
    raw = response.context["raw"]
    assert raw.startswith("tdm_")
    assert raw in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    # and only its hash is stored
    token = ApiToken.objects.get(user=member.user)
    assert token.key_hash == hash_token(raw)
    assert raw not in (token.key_hash, token.prefix, token.name)
    # and it is never shown again
    assert raw not in member_client.get("/accounts/tokens/").content.decode()


def test_token_create_without_a_name_names_the_field(member_client: Client, member: Membership) -> None:
    # when
    response = member_client.post("/accounts/tokens/create/", {"name": "   "})
    # then
    assert response.status_code == 400
    assert 'id="id_name_error"' in response.content.decode()
    assert not ApiToken.objects.filter(user=member.user).exists()


def test_token_create_requires_post(member_client: Client) -> None:
    # when
    response = member_client.get("/accounts/tokens/create/")
    # then
    assert response.status_code == 405


def test_token_revoke_marks_the_token_revoked(member_client: Client, member: Membership) -> None:
    # given
    token, _ = api_token_create(user=member.user, name="ci")
    # when
    response = member_client.post(f"/accounts/tokens/{token.pk}/revoke/")
    # then
    assert response.status_code == 302
    assert response["Location"] == "/accounts/tokens/"
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "revoked" in member_client.get("/accounts/tokens/").content.decode()


def test_token_revoke_of_another_users_token_is_404(
    client: Client, member: Membership, outsider: Membership
) -> None:
    # given someone else's token
    token, _ = api_token_create(user=outsider.user, name="theirs")
    login(client, member)
    # when
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    # then
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_revoke_requires_post(member_client: Client, member: Membership) -> None:
    # given
    token, _ = api_token_create(user=member.user, name="ci")
    # when
    response = member_client.get(f"/accounts/tokens/{token.pk}/revoke/")
    # then
    assert response.status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_tokens_page_queries_are_bounded(
    member_client: Client, member: Membership, django_assert_max_num_queries
) -> None:
    # given few tokens, then many (session, user, the tokens, the header's memberships)
    for n in range(5):
        api_token_create(user=member.user, name=f"t{n}")
    with django_assert_max_num_queries(5):
        member_client.get("/accounts/tokens/")
    for n in range(25):
        api_token_create(user=member.user, name=f"u{n}")
    # then the same number of queries
    with django_assert_max_num_queries(5):
        response = member_client.get("/accounts/tokens/")
    assert response.content.decode().count("<tr>") == 31
