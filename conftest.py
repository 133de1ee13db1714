"""Fixtures shared by every Django test: two organisations, so isolation can always be tried."""

from __future__ import annotations

import pytest
from django.test import Client

from tandem.organisations.models import Membership, Organisation, Role
from tandem.people.languages import LANGUAGES
from tandem.people.models import Language
from tests.factories import TEST_PASSWORD, make_member, make_organisation


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """Languages are seeded by a migration; a transactional test's flush wipes them for the
    tests that follow it on the same worker, so database tests get them back first."""
    uses_db = request.node.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    )
    if not uses_db:
        return
    request.getfixturevalue("_django_db_helper")
    if not Language.objects.exists():
        Language.objects.bulk_create([Language(code=c, name=n) for c, n in LANGUAGES], ignore_conflicts=True)


@pytest.fixture
def org(db: None) -> Organisation:
    return make_organisation("Acme")


@pytest.fixture
def other_org(db: None) -> Organisation:
    return make_organisation("Globex")


@pytest.fixture
def member(org: Organisation) -> Membership:
    return make_member(org, role=Role.MEMBER, full_name="Mia Member")


@pytest.fixture
def program_admin(org: Organisation) -> Membership:
    return make_member(org, role=Role.PROGRAM_ADMIN, full_name="Pat Program")


@pytest.fixture
def org_admin(org: Organisation) -> Membership:
    return make_member(org, role=Role.ORG_ADMIN, full_name="Olga Admin")


@pytest.fixture
def outsider(other_org: Organisation) -> Membership:
    """A member of another organisation, for break-in attempts."""
    return make_member(other_org, role=Role.ORG_ADMIN, full_name="Otto Outsider")


def login(client: Client, membership: Membership) -> Client:
    assert client.login(email=membership.user.email, password=TEST_PASSWORD)
    return client


@pytest.fixture
def member_client(client: Client, member: Membership) -> Client:
    return login(client, member)


@pytest.fixture
def admin_client(client: Client, org_admin: Membership) -> Client:
    return login(client, org_admin)
