"""Signing in by email, rate limiting of failed attempts, signing out."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tandem.organisations.models import Membership
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _clean_counters(settings: Any) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 600
    settings.LOGIN_FAILURE_ADDRESS_LIMIT = 12
    cache.clear()


def _sign_in(client: Client, email: str, password: str, address: str = "127.0.0.1", **extra: str):
    return client.post(LOGIN, {"email": email, "password": password, **extra}, REMOTE_ADDR=address)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_login_page_renders_email_and_password_fields(client: Client) -> None:
    # when
    response = client.get(LOGIN)
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="email"' in html
    assert 'autocomplete="current-password"' in html
    assert '<label for="id_email">Email' in html


def test_login_with_correct_password_signs_in_and_lands_on_dashboard(
    client: Client, member: Membership
) -> None:
    # when
    response = _sign_in(client, member.user.email, TEST_PASSWORD)
    # then
    assert response.status_code == 302
    assert _signed_in(client)
    home = client.get(response["Location"])
    assert home["Location"] == reverse("web:dashboard", kwargs={"org_slug": member.organisation.slug})


def test_login_email_is_case_insensitive(client: Client, member: Membership) -> None:
    # when
    response = _sign_in(client, member.user.email.upper(), TEST_PASSWORD)
    # then
    assert response.status_code == 302
    assert _signed_in(client)


def test_login_follows_safe_next_and_ignores_foreign_next(client: Client, member: Membership) -> None:
    # when
    safe = _sign_in(client, member.user.email, TEST_PASSWORD, next="/accounts/tokens/")
    client.logout()
    foreign = _sign_in(client, member.user.email, TEST_PASSWORD, next="https://evil.example/")
    # then
    assert safe["Location"] == "/accounts/tokens/"
    assert foreign["Location"] == reverse("web:home")


def test_login_with_wrong_password_shows_error_and_stays_signed_out(
    client: Client, member: Membership
) -> None:
    # when
    response = _sign_in(client, member.user.email, "not-the-password")
    # then
    assert response.status_code == 200
    assert "don&#x27;t match an account" in response.content.decode()
    assert not _signed_in(client)


def test_login_of_inactive_user_is_refused(client: Client) -> None:
    # given
    user = UserFactory(is_active=False)
    # when
    response = _sign_in(client, user.email, TEST_PASSWORD)
    # then
    assert response.status_code == 200
    assert not _signed_in(client)


def test_login_missing_fields_name_the_fields(client: Client) -> None:
    # when
    response = client.post(LOGIN, {"email": "", "password": ""})
    # then
    html = response.content.decode()
    assert 'id="id_email_error"' in html
    assert 'id="id_password_error"' in html
    assert 'aria-invalid="true"' in html


def test_login_rate_limit_blocks_even_the_correct_password(client: Client, member: Membership) -> None:
    # given as many failures as the limit allows
    for _ in range(3):
        _sign_in(client, member.user.email, "wrong")
    # when the right password is finally tried
    response = _sign_in(client, member.user.email, TEST_PASSWORD)
    # then it is refused without being checked, with a clear message
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "10 minutes" in response.content.decode()
    assert not _signed_in(client)


def test_login_rate_limit_does_not_check_the_password_once_blocked(
    client: Client, member: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a blocked address
    for _ in range(3):
        _sign_in(client, member.user.email, "wrong")
    checked: list[str] = []

    def spy(*_args: object, **_kwargs: object) -> None:
        checked.append("called")

    monkeypatch.setattr("tandem.accounts.forms.authenticate", spy)
    # when
    _sign_in(client, member.user.email, TEST_PASSWORD)
    # then
    assert checked == []


def test_login_rate_limit_applies_per_email_from_any_address(client: Client, member: Membership) -> None:
    # given failures for one email from three different addresses
    for n in range(3):
        _sign_in(client, member.user.email, "wrong", address=f"10.0.0.{n}")
    # when the right password comes from yet another address
    response = _sign_in(client, member.user.email, TEST_PASSWORD, address="10.0.0.99")
    # then
    assert response.status_code == 429
    assert not _signed_in(client)


def test_login_rate_limit_does_not_block_other_accounts_below_the_address_limit(
    client: Client, member: Membership
) -> None:
    # given another account locked out from the same address
    victim = UserFactory()
    for _ in range(3):
        _sign_in(client, victim.email, "wrong")
    # when a colleague on the same address signs in
    response = _sign_in(client, member.user.email, TEST_PASSWORD)
    # then
    assert response.status_code == 302
    assert _signed_in(client)


def test_login_rate_limit_per_address_stops_spraying_many_accounts(
    client: Client, member: Membership
) -> None:
    # given one failure each against many accounts from one address (4 × the limit)
    for _ in range(12):
        _sign_in(client, UserFactory().email, "wrong", address="203.0.113.7")
    # when
    response = _sign_in(client, member.user.email, TEST_PASSWORD, address="203.0.113.7")
    # then
    assert response.status_code == 429
    # and the same account from another address is fine
    assert _sign_in(client, member.user.email, TEST_PASSWORD, address="198.51.100.1").status_code == 302


def test_login_success_resets_the_email_counter(client: Client, member: Membership) -> None:
    # given failures just below the limit, then a success
    for _ in range(2):
        _sign_in(client, member.user.email, "wrong")
    assert _sign_in(client, member.user.email, TEST_PASSWORD).status_code == 302
    client.logout()
    # when two more failures follow
    for _ in range(2):
        _sign_in(client, member.user.email, "wrong")
    # then the account is not blocked (it would be without the reset: 4 ≥ 3)
    response = _sign_in(client, member.user.email, TEST_PASSWORD)
    assert response.status_code == 302


def test_login_rate_limit_expires_after_the_window(
    client: Client, member: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a blocked account
    for _ in range(3):
        _sign_in(client, member.user.email, "wrong")
    assert _sign_in(client, member.user.email, TEST_PASSWORD).status_code == 429
    # when the window has passed
    later = time.time() + 601
    monkeypatch.setattr(time, "time", lambda: later)
    # then
    assert _sign_in(client, member.user.email, TEST_PASSWORD).status_code == 302


def test_login_page_redirects_when_already_signed_in(member_client: Client) -> None:
    # when
    response = member_client.get(LOGIN)
    # then
    assert response.status_code == 302


def test_logout_requires_post(member_client: Client) -> None:
    # when
    response = member_client.get("/accounts/logout/")
    # then
    assert response.status_code == 405
    assert _signed_in(member_client)


def test_logout_by_post_signs_out(member_client: Client) -> None:
    # when
    response = member_client.post("/accounts/logout/")
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert not _signed_in(member_client)


def test_logout_without_csrf_token_is_refused(member: Membership) -> None:
    # given a client that enforces CSRF like a browser
    client = Client(enforce_csrf_checks=True)
    client.force_login(member.user)
    # when
    response = client.post("/accounts/logout/")
    # then
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
    assert _signed_in(client)
