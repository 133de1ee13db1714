"""Password reset by email and password change."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from tandem.organisations.models import Membership
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-42"


def _reset_link(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", body)
    assert match, body
    return match.group(1)


def test_password_reset_sends_an_email_with_a_working_link(client: Client, member: Membership) -> None:
    # given
    email = member.user.email
    # when the person asks for a reset
    response = client.post("/accounts/password/reset/", {"email": email})
    # then an email goes out with a link
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [email]
    assert message.subject == "Reset your Tandem password"
    link = _reset_link(str(message.body))

    # when they follow it and choose a new password
    landing = client.get(link, follow=True)
    assert landing.status_code == 200
    assert "Choose a new password" in landing.content.decode()
    set_password_url = landing.redirect_chain[-1][0]
    done = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    # then the new password works and the old one does not
    assert done.status_code == 302
    assert done["Location"] == "/accounts/password/reset/done/"
    assert Client().login(email=email, password=NEW_PASSWORD)
    assert not Client().login(email=email, password=TEST_PASSWORD)


def test_password_reset_link_works_only_once(client: Client, member: Membership) -> None:
    # given a link that has been used
    client.post("/accounts/password/reset/", {"email": member.user.email})
    link = _reset_link(str(mail.outbox[0].body))
    landing = client.get(link, follow=True)
    client.post(landing.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    # when it is used again
    again = Client().get(link, follow=True)
    # then
    assert "This link has expired" in again.content.decode()


def test_password_reset_for_unknown_email_sends_nothing_and_says_the_same(client: Client) -> None:
    # when
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    # then — no hint whether the address has an account
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_password_reset_pages_use_tandem_templates(client: Client) -> None:
    # when
    response = client.get("/accounts/password/reset/")
    # then — not Django admin's look-alike templates
    assert "accounts/password_reset_form.html" in [t.name for t in response.templates]
    assert "web/base.html" in [t.name for t in response.templates]


def test_password_change_requires_the_old_password(member_client: Client, member: Membership) -> None:
    # when
    response = member_client.post(
        "/accounts/password/change/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    # then
    assert response.status_code == 200
    assert 'id="id_old_password_error"' in response.content.decode()
    assert Client().login(email=member.user.email, password=TEST_PASSWORD)


def test_password_change_sets_the_new_password_and_keeps_the_session(
    member_client: Client, member: Membership
) -> None:
    # when
    response = member_client.post(
        "/accounts/password/change/",
        {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/change/done/"
    assert member_client.get("/accounts/password/change/done/").status_code == 200
    assert Client().login(email=member.user.email, password=NEW_PASSWORD)


def test_password_change_requires_sign_in(client: Client) -> None:
    # when
    response = client.get("/accounts/password/change/")
    # then
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_password_reset_reaches_imported_person_without_password(client, org, mailoutbox):
    # given: someone created by the CSV import, who never had a password
    from tandem.accounts.models import User

    user = User.objects.create_user("imported@example.com", None, full_name="Imported Person")
    assert not user.has_usable_password()
    # when: they ask for a reset
    response = client.post("/accounts/password/reset/", {"email": "Imported@Example.com"})
    # then: the email goes out, and its link lets them choose a first password
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    link = next(w for w in mailoutbox[0].body.split() if "/accounts/password/reset/" in w)
    set_page = client.get(link, follow=True)
    response = client.post(
        set_page.redirect_chain[-1][0],
        {"new_password1": "a-first-Password-42", "new_password2": "a-first-Password-42"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-first-Password-42")
