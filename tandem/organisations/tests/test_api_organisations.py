"""API: organisations, members and invitations, with the UI's permissions."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.organisations.models import Invitation, Membership, Organisation, Role
from tandem.organisations.services import invitation_create
from tests.api_client import api_client
from tests.factories import make_member, make_organisation

pytestmark = pytest.mark.django_db


def _invite(org: Organisation, by: Membership, email: str) -> Invitation:
    invitation, _key = invitation_create(
        organisation=org, email=email, role=Role.MEMBER, by=by, base_url="http://testserver"
    )
    return invitation


# --- organisations ------------------------------------------------------------------------------


def test_organisation_list_returns_only_my_active_memberships(
    member: Membership, org: Organisation, other_org: Organisation
) -> None:
    # given the member was once in the other organisation too
    former = make_member(other_org, user=member.user)
    former.is_active = False
    former.save(update_fields=["is_active"])
    # when
    response = api_client(member).get("/api/orgs")
    # then
    assert response.status_code == 200
    assert response.json() == [
        {"slug": org.slug, "name": "Acme", "my_role": "member", "my_membership_id": member.pk}
    ]


def test_organisation_detail_returns_my_role(org_admin: Membership, org: Organisation) -> None:
    # when
    response = api_client(org_admin).get(f"/api/orgs/{org.slug}")
    # then
    assert response.status_code == 200
    assert response.json()["my_role"] == "org_admin"


def test_organisation_detail_of_unknown_slug_is_404(member: Membership) -> None:
    # when
    response = api_client(member).get("/api/orgs/no-such-org")
    # then
    assert response.status_code == 404
    assert response.json() == {"detail": "No such organisation."}


# --- members ------------------------------------------------------------------------------------


def test_member_list_shows_everyone_including_deactivated_to_admins(
    org_admin: Membership, member: Membership, org: Organisation
) -> None:
    # given
    gone = make_member(org, full_name="Zed Gone", email="zed@example.com")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    # when
    response = api_client(org_admin).get(f"/api/orgs/{org.slug}/members")
    # then active members first, then the deactivated one, with email, role and status
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [(m["full_name"], m["is_active"]) for m in body["items"]] == [
        ("Mia Member", True),
        ("Olga Admin", True),
        ("Zed Gone", False),
    ]
    zed = body["items"][2]
    assert zed["email"] == "zed@example.com"
    assert zed["role"] == "member"
    assert zed["id"] == gone.pk


def test_member_list_paginates_with_limit_offset_and_total(org_admin: Membership, org: Organisation) -> None:
    # given 1 admin + 6 members
    for i in range(6):
        make_member(org, full_name=f"Person {i}")
    # when
    response = api_client(org_admin).get(f"/api/orgs/{org.slug}/members?limit=2&offset=2")
    # then
    body = response.json()
    assert body["count"] == 7
    assert [m["full_name"] for m in body["items"]] == ["Person 1", "Person 2"]


def test_member_list_limit_is_capped(org_admin: Membership, org: Organisation) -> None:
    # when a client asks for more than one page may hold
    response = api_client(org_admin).get(f"/api/orgs/{org.slug}/members?limit=100000")
    # then it is served (capped), not refused
    assert response.status_code == 200


def test_member_list_filters_by_name_or_email(
    org_admin: Membership, member: Membership, org: Organisation
) -> None:
    # when
    response = api_client(org_admin).get(f"/api/orgs/{org.slug}/members?q=mia")
    # then
    assert [m["id"] for m in response.json()["items"]] == [member.pk]


@pytest.mark.parametrize("rows", [5, 30])
def test_member_list_query_count_is_bounded(
    rows: int, org_admin: Membership, org: Organisation, django_assert_max_num_queries: Any
) -> None:
    # given
    for _ in range(rows):
        make_member(org)
    client = api_client(org_admin)
    client.get("/api/me")  # first use of a token stamps last_used_at; measure a steady-state call
    # when
    with django_assert_max_num_queries(4):  # token, membership, count, page
        response = client.get(f"/api/orgs/{org.slug}/members")
    # then
    assert len(response.json()["items"]) == rows + 1


def test_member_update_changes_role(org_admin: Membership, member: Membership, org: Organisation) -> None:
    # when
    response = api_client(org_admin).patch(
        f"/api/orgs/{org.slug}/members/{member.pk}",
        {"role": "program_admin"},
        content_type="application/json",
    )
    # then
    assert response.status_code == 200
    assert response.json()["role"] == "program_admin"
    member.refresh_from_db()
    assert member.role == Role.PROGRAM_ADMIN


def test_member_update_deactivates_then_reactivates(
    org_admin: Membership, member: Membership, org: Organisation
) -> None:
    # given
    client = api_client(org_admin)
    url = f"/api/orgs/{org.slug}/members/{member.pk}"
    # when
    deactivated = client.patch(url, {"is_active": False}, content_type="application/json")
    # then
    assert deactivated.status_code == 200
    assert deactivated.json()["is_active"] is False
    assert deactivated.json()["deactivated_at"] is not None
    member.refresh_from_db()
    assert member.is_active is False
    # when
    reactivated = client.patch(url, {"is_active": True, "role": "org_admin"}, content_type="application/json")
    # then
    assert reactivated.status_code == 200
    member.refresh_from_db()
    assert (member.is_active, member.role, member.deactivated_at) == (True, Role.ORG_ADMIN, None)


def test_member_update_keeps_the_last_org_admin(org_admin: Membership, org: Organisation) -> None:
    # when the only admin demotes themself
    response = api_client(org_admin).patch(
        f"/api/orgs/{org.slug}/members/{org_admin.pk}", {"role": "member"}, content_type="application/json"
    )
    # then
    assert response.status_code == 409
    assert response.json() == {
        "detail": "The organisation must keep at least one organisation admin.",
        "field": "role",
    }
    org_admin.refresh_from_db()
    assert org_admin.role == Role.ORG_ADMIN


def test_member_update_is_all_or_nothing(org_admin: Membership, org: Organisation) -> None:
    # given a second admin, so the caller may step down from org admin
    make_member(org, role=Role.ORG_ADMIN)
    # when the caller demotes and deactivates themself in one request; the second part is refused
    response = api_client(org_admin).patch(
        f"/api/orgs/{org.slug}/members/{org_admin.pk}",
        {"role": "member", "is_active": False},
        content_type="application/json",
    )
    # then the first part is undone too
    assert response.status_code == 409
    org_admin.refresh_from_db()
    assert (org_admin.role, org_admin.is_active) == (Role.ORG_ADMIN, True)


def test_member_update_cannot_deactivate_self(org_admin: Membership, org: Organisation) -> None:
    # given a second admin so the last-admin rule is not what stops it
    make_member(org, role=Role.ORG_ADMIN)
    # when
    response = api_client(org_admin).patch(
        f"/api/orgs/{org.slug}/members/{org_admin.pk}", {"is_active": False}, content_type="application/json"
    )
    # then
    assert response.status_code == 409
    assert response.json()["detail"] == "You cannot deactivate yourself."


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "owner"}, "body.role"),
        ({"role": None}, "body.role"),
        ({"is_active": "maybe"}, "body.is_active"),
        ({"colour": "blue"}, "body.colour"),
    ],
)
def test_member_update_bad_input_is_422_naming_the_field(
    org_admin: Membership, member: Membership, org: Organisation, body: dict[str, object], field: str
) -> None:
    # when
    response = api_client(org_admin).patch(
        f"/api/orgs/{org.slug}/members/{member.pk}", body, content_type="application/json"
    )
    # then
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


@pytest.mark.parametrize("member_id", ["99999999", str(2**63 - 1), str(2**70)])
def test_member_update_unknown_or_huge_id_is_404_or_422(
    org_admin: Membership, org: Organisation, member_id: str
) -> None:
    # when
    response = api_client(org_admin).patch(
        f"/api/orgs/{org.slug}/members/{member_id}", {"role": "member"}, content_type="application/json"
    )
    # then: never a 500, whatever the database's integer size
    assert response.status_code == (422 if int(member_id) > 2**63 - 1 else 404)


# --- invitations --------------------------------------------------------------------------------


def test_invitation_send_creates_and_emails_without_revealing_the_key(
    org_admin: Membership, org: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(org_admin).post(
            f"/api/orgs/{org.slug}/invitations",
            {"email": "  New.Person@Example.com ", "role": "program_admin"},
            content_type="application/json",
        )
    # then
    assert response.status_code == 201
    body = response.json()
    assert (body["email"], body["role"], body["invited_by"]) == (
        "new.person@example.com",
        "program_admin",
        org_admin.user.email,
    )
    assert set(body) == {"id", "email", "role", "created_at", "expires_at", "invited_by"}
    assert Invitation.objects.filter(organisation=org, email="new.person@example.com").exists()
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver/\S+", str(mail.outbox[0].body))
    assert link is not None
    key = link.group(0).rstrip("/").rsplit("/", 1)[1]
    assert key not in response.content.decode()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email"}, "body.email"),
        ({"email": "a@example.com", "role": "boss"}, "body.role"),
        ({"role": "member"}, "body.email"),
        ({"email": "x" * 300 + "@example.com"}, "body.email"),
    ],
)
def test_invitation_send_bad_input_is_422(
    org_admin: Membership, org: Organisation, body: dict[str, object], field: str
) -> None:
    # when
    response = api_client(org_admin).post(
        f"/api/orgs/{org.slug}/invitations", body, content_type="application/json"
    )
    # then
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert not Invitation.objects.exists()


def test_invitation_send_to_existing_member_is_409(
    org_admin: Membership, member: Membership, org: Organisation
) -> None:
    # when
    response = api_client(org_admin).post(
        f"/api/orgs/{org.slug}/invitations", {"email": member.user.email}, content_type="application/json"
    )
    # then
    assert response.status_code == 409
    assert response.json()["field"] == "email"


def test_invitation_list_shows_open_invitations(org_admin: Membership, org: Organisation) -> None:
    # given one open and one revoked invitation
    open_one = _invite(org, org_admin, "open@example.com")
    revoked = _invite(org, org_admin, "revoked@example.com")
    revoked.revoked_at = revoked.created_at
    revoked.save(update_fields=["revoked_at"])
    # when
    response = api_client(org_admin).get(f"/api/orgs/{org.slug}/invitations")
    # then
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert [i["id"] for i in response.json()["items"]] == [open_one.pk]


@pytest.mark.parametrize("rows", [5, 30])
def test_invitation_list_query_count_is_bounded(
    rows: int, org_admin: Membership, org: Organisation, django_assert_max_num_queries: Any
) -> None:
    # given
    for i in range(rows):
        _invite(org, org_admin, f"invitee{i}@invited.example")
    client = api_client(org_admin)
    client.get("/api/me")
    # when
    with django_assert_max_num_queries(4):
        response = client.get(f"/api/orgs/{org.slug}/invitations")
    # then
    assert response.json()["count"] == rows


def test_invitation_delete_revokes(org_admin: Membership, org: Organisation) -> None:
    # given
    invitation = _invite(org, org_admin, "someone@example.com")
    # when
    response = api_client(org_admin).delete(f"/api/orgs/{org.slug}/invitations/{invitation.pk}")
    # then
    assert response.status_code == 204
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


# --- permissions: the same as the UI ------------------------------------------------------------

ADMIN_ONLY = [
    ("get", "/members", None),
    ("patch", "/members/{member_id}", {"role": "org_admin"}),
    ("get", "/invitations", None),
    ("post", "/invitations", {"email": "new@example.com"}),
    ("delete", "/invitations/{invitation_id}", None),
]


@pytest.mark.parametrize("role", [Role.MEMBER, Role.PROGRAM_ADMIN])
@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ONLY)
def test_admin_operations_are_403_for_members_below_org_admin(
    org: Organisation,
    role: str,
    method: str,
    path: str,
    body: dict[str, object] | None,
) -> None:
    # given a member of the organisation who is not an org admin, and things to aim at
    caller = make_member(org, role=role)
    invitation = _invite(org, make_member(org, role=Role.ORG_ADMIN), "pending@example.com")
    url = f"/api/orgs/{org.slug}" + path.format(member_id=caller.pk, invitation_id=invitation.pk)
    # when
    response = getattr(api_client(caller), method)(url, body, content_type="application/json")
    # then: they know the organisation, so 403 says what is missing (outsiders get 404)
    assert response.status_code == 403
    assert response.json() == {"detail": f"This needs the organisation admin role in {org.name}."}
    caller.refresh_from_db()
    invitation.refresh_from_db()
    assert caller.role == role
    assert invitation.revoked_at is None
    assert Invitation.objects.count() == 1


def test_org_list_query_count_is_bounded(member: Membership, django_assert_max_num_queries: Any) -> None:
    # given the member belongs to many organisations
    for _ in range(5):
        make_member(make_organisation(), user=member.user)
    client = api_client(member)
    client.get("/api/me")
    # when
    with CaptureQueriesContext(connection) as five:
        client.get("/api/orgs")
    for _ in range(25):
        make_member(make_organisation(), user=member.user)
    with django_assert_max_num_queries(2):
        response = client.get("/api/orgs")
    # then
    assert len(response.json()) == 31
    assert len(five.captured_queries) <= 2
