"""Tenant isolation for the JSON API: every organisation-scoped endpoint, tried by an org admin of
organisation A against organisation B, answers 404 — the same answer as for an organisation that
does not exist — and changes nothing in B.

`ENDPOINTS` must name every organisation-scoped operation: a test compares it with the OpenAPI
schema, so a new endpoint cannot be added without being walked here.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from tandem.organisations.models import Invitation, Membership, Organisation, Role
from tandem.organisations.services import invitation_create
from tandem.people.models import Profile, Skill
from tandem.people.services import ProfileChanges, profile_set_photo, profile_update
from tests.api_client import api_client
from tests.factories import make_member, make_organisation, profile_of

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # OpenAPI form, with {org_slug} and the object ids of the organisation under attack
    body: dict[str, Any] | None = None

    def url(self, slug: str, ids: dict[str, int]) -> str:
        return "/api" + self.path.format(org_slug=slug, kind="skills", **ids)

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


ENDPOINTS = [
    Endpoint("get", "/orgs/{org_slug}"),
    Endpoint("get", "/orgs/{org_slug}/members"),
    Endpoint("patch", "/orgs/{org_slug}/members/{member_id}", {"role": "member", "is_active": False}),
    Endpoint("get", "/orgs/{org_slug}/invitations"),
    Endpoint("post", "/orgs/{org_slug}/invitations", {"email": "spy@example.com", "role": "org_admin"}),
    Endpoint("delete", "/orgs/{org_slug}/invitations/{invitation_id}"),
    Endpoint("get", "/orgs/{org_slug}/profiles"),
    Endpoint("get", "/orgs/{org_slug}/profiles/me"),
    Endpoint("patch", "/orgs/{org_slug}/profiles/me", {"headline": "Spy"}),
    Endpoint("get", "/orgs/{org_slug}/profiles/me/completeness"),
    Endpoint("get", "/orgs/{org_slug}/profiles/{profile_id}"),
    Endpoint("get", "/orgs/{org_slug}/profiles/{profile_id}/photo"),
    Endpoint("get", "/orgs/{org_slug}/taxonomy/{kind}"),
    Endpoint("post", "/orgs/{org_slug}/taxonomy/{kind}", {"name": "Espionage"}),
    Endpoint("patch", "/orgs/{org_slug}/taxonomy/{kind}/{item_id}", {"name": "Renamed by A"}),
    Endpoint("delete", "/orgs/{org_slug}/taxonomy/{kind}/{item_id}"),
]
WITH_OBJECT_IDS = [e for e in ENDPOINTS if "_id}" in e.path]


@dataclass
class Tenants:
    org_a: Organisation
    admin_a: Membership
    org_b: Organisation
    admin_b: Membership
    member_b: Membership
    ids_b: dict[str, int]

    def snapshot_b(self) -> tuple[object, ...]:
        """Everything A's requests could try to change in B."""
        member = Membership.objects.get(pk=self.member_b.pk)
        return (
            member.role,
            member.is_active,
            tuple(Invitation.objects.filter(organisation=self.org_b).values_list("pk", "revoked_at")),
            tuple(Skill.objects.filter(organisation=self.org_b).order_by("pk").values_list("pk", "name")),
            tuple(
                Profile.objects.filter(organisation=self.org_b).order_by("pk").values_list("pk", "headline")
            ),
        )


@pytest.fixture
def tenants(db: None) -> Tenants:
    org_a = make_organisation("Acme")
    admin_a = make_member(org_a, role=Role.ORG_ADMIN)
    org_b = make_organisation("Globex")
    admin_b = make_member(org_b, role=Role.ORG_ADMIN)
    member_b = make_member(org_b)
    profile_b = profile_of(member_b)
    profile_update(profile=profile_b, changes=ProfileChanges(headline="B's own words"))
    profile_set_photo(profile=profile_b, photo=_tiny_png())
    invitation_b, _key = invitation_create(
        organisation=org_b, email="future@globex.example", role=Role.MEMBER, by=admin_b, base_url="http://b"
    )
    ids_b = {
        "member_id": member_b.pk,
        "invitation_id": invitation_b.pk,
        "profile_id": profile_b.pk,
        "item_id": Skill.objects.filter(organisation=org_b).order_by("pk").first().pk,  # type: ignore[union-attr]
    }
    return Tenants(org_a, admin_a, org_b, admin_b, member_b, ids_b)


def _tiny_png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "navy").save(buffer, format="PNG")
    return SimpleUploadedFile("b.png", buffer.getvalue(), content_type="image/png")


def _call(client: Client, endpoint: Endpoint, url: str) -> Any:
    return getattr(client, endpoint.method)(url, endpoint.body, content_type="application/json")


def test_isolation_walks_every_org_scoped_endpoint(client: Client) -> None:
    # given the operations the API publishes
    schema = client.get("/api/openapi.json").json()
    published = {
        f"{method.upper()} {path.removeprefix('/api')}"
        for path, item in schema["paths"].items()
        for method in item
        if "{org_slug}" in path
    }
    # then each one is walked below
    assert published == {str(e) for e in ENDPOINTS}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_isolation_other_organisation_is_404_like_a_missing_one(tenants: Tenants, endpoint: Endpoint) -> None:
    # given an org admin of A, and B's slug and object ids
    client = api_client(tenants.admin_a)
    before = tenants.snapshot_b()
    # when A calls the endpoint for B, and for an organisation that does not exist
    into_b = _call(client, endpoint, endpoint.url(tenants.org_b.slug, tenants.ids_b))
    into_nothing = _call(client, endpoint, endpoint.url("no-such-organisation", tenants.ids_b))
    # then both answers are the same 404: B's existence is not confirmed
    assert into_b.status_code == 404, into_b.content
    assert into_b.json() == into_nothing.json() == {"detail": "No such organisation."}
    # and nothing in B changed
    assert tenants.snapshot_b() == before


@pytest.mark.parametrize("endpoint", WITH_OBJECT_IDS, ids=str)
def test_isolation_other_organisations_ids_under_own_slug_are_404(
    tenants: Tenants, endpoint: Endpoint
) -> None:
    # given an org admin of A using A's slug with B's object ids
    client = api_client(tenants.admin_a)
    before = tenants.snapshot_b()
    # when
    response = _call(client, endpoint, endpoint.url(tenants.org_a.slug, tenants.ids_b))
    # then
    assert response.status_code == 404, response.content
    assert tenants.snapshot_b() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_isolation_deactivated_member_is_an_outsider(tenants: Tenants, endpoint: Endpoint) -> None:
    # given B's admin role was held by someone who has since been deactivated
    former = make_member(tenants.org_b, role=Role.ORG_ADMIN)
    client = api_client(former)
    former.is_active = False
    former.save(update_fields=["is_active"])
    before = tenants.snapshot_b()
    # when
    response = _call(client, endpoint, endpoint.url(tenants.org_b.slug, tenants.ids_b))
    # then
    assert response.status_code == 404, response.content
    assert tenants.snapshot_b() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_isolation_sanity_the_same_calls_work_for_b_itself(tenants: Tenants, endpoint: Endpoint) -> None:
    """Guards the tests above: the 404s come from isolation, not from broken requests."""
    # given B's own admin
    client = api_client(tenants.admin_b)
    # when
    response = _call(client, endpoint, endpoint.url(tenants.org_b.slug, tenants.ids_b))
    # then
    assert response.status_code in {200, 201, 204}, response.content
