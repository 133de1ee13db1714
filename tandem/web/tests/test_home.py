"""The landing redirect and the health check."""

from __future__ import annotations

import pytest
from django.db import DatabaseError
from django.test import Client

from conftest import login
from tandem.organisations.models import Membership, Organisation
from tests.factories import UserFactory, make_member

pytestmark = pytest.mark.django_db


def test_home_anonymous_is_sent_to_sign_in(client: Client) -> None:
    # when
    response = client.get("/")
    # then
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"


def test_home_member_lands_on_their_organisation_dashboard(member_client: Client, member: Membership) -> None:
    # when
    response = member_client.get("/")
    # then
    assert response.status_code == 302
    assert response["Location"] == f"/o/{member.organisation.slug}/home/"


def test_home_returns_to_the_organisation_visited_last(
    client: Client, member: Membership, other_org: Organisation
) -> None:
    # given a member of two organisations who last looked at the second
    make_member(other_org, user=member.user)
    login(client, member)
    client.get(f"/o/{other_org.slug}/home/")
    # when
    response = client.get("/")
    # then
    assert response["Location"] == f"/o/{other_org.slug}/home/"


def test_home_ignores_a_remembered_organisation_the_user_left(
    client: Client, member: Membership, other_org: Organisation
) -> None:
    # given the remembered organisation's membership was deactivated
    second = make_member(other_org, user=member.user)
    login(client, member)
    client.get(f"/o/{other_org.slug}/home/")
    Membership.objects.filter(pk=second.pk).update(is_active=False)
    # when
    response = client.get("/")
    # then
    assert response["Location"] == f"/o/{member.organisation.slug}/home/"


def test_home_user_without_organisation_sees_a_friendly_page(client: Client) -> None:
    # given
    user = UserFactory()
    client.force_login(user)
    # when
    response = client.get("/")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "You don't belong to an organisation yet" in html
    assert user.email in html


def test_healthz_answers_ok_after_a_database_ping(client: Client) -> None:
    # when
    response = client.get("/healthz")
    # then
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_reports_a_database_failure_as_503(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    # given a database that does not answer
    def broken_cursor(*args: object, **kwargs: object) -> None:
        raise DatabaseError("connection refused")

    monkeypatch.setattr("tandem.web.views.connection.cursor", broken_cursor)
    # when
    response = client.get("/healthz")
    # then
    assert response.status_code == 503
    assert response.json()["status"] == "error"
