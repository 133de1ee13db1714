"""The API's front door: who may call it, /api/me, error shapes, OpenAPI and the docs page."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from conftest import login
from tandem.accounts.services import api_token_create, api_token_revoke
from tandem.organisations.models import Membership, Organisation, Role
from tests.api_client import api_client, token_for
from tests.factories import make_member, make_organisation
from tests.test_api_isolation import ENDPOINTS

pytestmark = pytest.mark.django_db


# --- authentication -----------------------------------------------------------------------------


def test_api_without_credentials_is_401_json(client: Client) -> None:
    # given no token and no session
    # when
    response = client.get("/api/me")
    # then
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"] == "Bearer"
    assert "Authorization: Bearer" in response.json()["detail"]


def test_api_unsafe_method_without_credentials_is_401_not_csrf_403(client: Client, org: Organisation) -> None:
    # given an anonymous client (no session, so CSRF is not the question)
    # when
    response = client.post(
        f"/api/orgs/{org.slug}/taxonomy/skills", {"name": "X"}, content_type="application/json"
    )
    # then
    assert response.status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        "Bearer tdm_not-a-real-token",
        "Bearer not-even-our-prefix",
        "Bearer ",
        "Bearer tdm_" + "x" * 5000,
    ],
)
def test_api_bad_token_is_401(member: Membership, header: str) -> None:
    # given
    client = Client(headers={"authorization": header})
    # when
    response = client.get("/api/me")
    # then
    assert response.status_code == 401


def test_api_revoked_token_is_401(member: Membership) -> None:
    # given a token that worked, then was revoked
    token, raw = api_token_create(user=member.user, name="script")
    client = Client(headers={"authorization": f"Bearer {raw}"})
    assert client.get("/api/me").status_code == 200
    api_token_revoke(user=member.user, token_id=token.pk)
    # when
    response = client.get("/api/me")
    # then
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid or revoked API token."}


def test_api_token_of_deactivated_user_is_401(member: Membership) -> None:
    # given
    client = api_client(member)
    member.user.is_active = False
    member.user.save(update_fields=["is_active"])
    # when
    response = client.get("/api/me")
    # then
    assert response.status_code == 401


def test_api_bad_token_is_refused_even_with_a_valid_session(client: Client, member: Membership) -> None:
    # given a signed-in browser that also sends a wrong token
    login(client, member)
    # when
    response = client.get("/api/me", headers={"authorization": "Bearer tdm_wrong"})
    # then the token speaks for the caller, and it is wrong
    assert response.status_code == 401


def test_api_token_wins_over_the_session_user(
    client: Client, member: Membership, org_admin: Membership
) -> None:
    # given a browser signed in as the member, calling with the admin's token
    login(client, member)
    # when
    response = client.get("/api/me", headers={"authorization": f"Bearer {token_for(org_admin)}"})
    # then
    assert response.status_code == 200
    assert response.json()["user"]["email"] == org_admin.user.email


def test_api_session_authenticates_reads(member_client: Client, member: Membership) -> None:
    # given a signed-in browser (member_client)
    # when
    response = member_client.get("/api/me")
    # then
    assert response.status_code == 200
    assert response.json()["user"]["id"] == member.user.pk


def test_api_session_write_without_csrf_token_is_403(org_admin: Membership, org: Organisation) -> None:
    # given a signed-in browser whose requests are checked for CSRF like a real one
    client = login(Client(enforce_csrf_checks=True), org_admin)
    # when it posts without the CSRF token
    response = client.post(
        f"/api/orgs/{org.slug}/taxonomy/skills", {"name": "Knitting"}, content_type="application/json"
    )
    # then
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_api_session_write_with_csrf_token_succeeds(org_admin: Membership, org: Organisation) -> None:
    # given a signed-in browser holding the CSRF cookie (the docs page sets it)
    client = login(Client(enforce_csrf_checks=True), org_admin)
    client.get("/api/docs")
    csrf = client.cookies["csrftoken"].value
    # when
    response = client.post(
        f"/api/orgs/{org.slug}/taxonomy/skills",
        {"name": "Knitting"},
        content_type="application/json",
        headers={"x-csrftoken": csrf},
    )
    # then
    assert response.status_code == 201


def test_api_token_write_needs_no_csrf_token(org_admin: Membership, org: Organisation) -> None:
    # given a token client that checks CSRF (tokens are not sent by browsers on their own)
    client = Client(enforce_csrf_checks=True, headers={"authorization": f"Bearer {token_for(org_admin)}"})
    # when
    response = client.post(
        f"/api/orgs/{org.slug}/taxonomy/skills", {"name": "Knitting"}, content_type="application/json"
    )
    # then
    assert response.status_code == 201


# --- /api/me ------------------------------------------------------------------------------------


def test_me_returns_user_and_active_memberships(
    member: Membership, org: Organisation, other_org: Organisation
) -> None:
    # given the member also belongs to another organisation as an admin, and left a third
    make_member(other_org, user=member.user, role=Role.ORG_ADMIN)
    left = make_member(make_organisation("Initech"), user=member.user)
    left.is_active = False
    left.save(update_fields=["is_active"])
    # when
    response = api_client(member).get("/api/me")
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["user"] == {"id": member.user.pk, "email": member.user.email, "full_name": "Mia Member"}
    assert sorted((m["org_slug"], m["org_name"], m["role"]) for m in body["memberships"]) == [
        (org.slug, "Acme", "member"),
        (other_org.slug, "Globex", "org_admin"),
    ]


# --- errors -------------------------------------------------------------------------------------


def test_api_unknown_path_is_404_json(member: Membership) -> None:
    # when
    response = api_client(member).get("/api/no/such/endpoint")
    # then
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_api_unknown_path_is_404_json_even_anonymously(client: Client) -> None:
    # when
    response = client.delete("/api/whatever")
    # then
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_api_malformed_json_is_400(org: Organisation, member: Membership) -> None:
    # when
    response = api_client(member).patch(
        f"/api/orgs/{org.slug}/profiles/me", "{not json", content_type="application/json"
    )
    # then
    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot parse request body"}


def test_api_validation_error_lists_each_field(org: Organisation, member: Membership) -> None:
    # when several fields are wrong at once
    response = api_client(member).patch(
        f"/api/orgs/{org.slug}/profiles/me",
        {
            "hours_per_month": "lots",
            "headline": None,
            "skills": [{"skill_id": 1, "level": 9}],
            "nickname": "x",
        },
        content_type="application/json",
    )
    # then each is named as the client wrote it, with a readable message
    assert response.status_code == 422
    body = response.json()
    fields = {e["field"]: e["message"] for e in body["errors"]}
    assert set(fields) == {"body.hours_per_month", "body.headline", "body.skills.0.level", "body.nickname"}
    assert fields["body.hours_per_month"].startswith("Input should be a valid integer")
    assert fields["body.headline"].startswith("May not be null")
    assert fields["body.skills.0.level"] == "Input should be 1, 2, 3 or 4"
    assert fields["body.nickname"] == "Extra inputs are not permitted"
    assert body["detail"].startswith("Invalid input: ")


def test_api_query_and_path_errors_are_named(org: Organisation, member: Membership) -> None:
    # given
    client = api_client(member)
    # when
    bad_query = client.get(f"/api/orgs/{org.slug}/profiles?limit=zero&skill=abc")
    bad_path = client.get(f"/api/orgs/{org.slug}/profiles/not-a-number")
    # then
    assert bad_query.status_code == 422
    assert {e["field"] for e in bad_query.json()["errors"]} == {"query.limit", "query.skill"}
    assert bad_path.status_code == 422
    assert [e["field"] for e in bad_path.json()["errors"]] == ["path.profile_id"]


def test_api_body_that_is_not_an_object_is_422(org: Organisation, member: Membership) -> None:
    # when
    response = api_client(member).patch(
        f"/api/orgs/{org.slug}/profiles/me", json.dumps([1, 2]), content_type="application/json"
    )
    # then
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body"


# --- OpenAPI and docs ---------------------------------------------------------------------------

# Operations outside any organisation; the organisation-scoped ones are checked by the tenant
# isolation walk (tests/test_api_isolation.py), which must name each of them.
EXPECTED_GLOBAL_OPERATIONS = {
    ("get", "/api/me"),
    ("get", "/api/languages"),
    ("get", "/api/orgs"),
    ("get", "/api/program-templates"),
}


def test_openapi_schema_lists_every_endpoint_with_both_auth_schemes(client: Client) -> None:
    # when (the schema itself is public)
    response = client.get("/api/openapi.json")
    # then
    assert response.status_code == 200
    schema = response.json()
    operations = {(method, path) for path, item in schema["paths"].items() for method in item}
    assert {op for op in operations if "{org_slug}" not in op[1]} == EXPECTED_GLOBAL_OPERATIONS
    assert {(e.method, "/api" + e.path) for e in ENDPOINTS} == {
        op for op in operations if "{org_slug}" in op[1]
    }
    assert set(schema["components"]["securitySchemes"]) == {"ApiTokenAuth", "BrowserSessionAuth"}
    assert schema["components"]["securitySchemes"]["ApiTokenAuth"] == {"type": "http", "scheme": "bearer"}


def test_api_docs_page_renders_with_local_assets_only(client: Client) -> None:
    # when
    response = client.get("/api/docs")
    # then it is ninja's bundled Swagger UI
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="swagger-ui"' in html
    # every script, stylesheet and icon is ours: a path on this site, found by staticfiles
    references = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(references) >= 4
    for ref in references:
        assert ref.startswith("/static/"), ref
        assert finders.find(ref.removeprefix("/static/")), f"{ref} is not a bundled static file"
    assert "http://" not in html
    assert "https://" not in html
    # no inline script to run: the only <script> without src is JSON data, which CSP allows
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline_scripts == [' type="application/json" id="swagger-settings"']
    # Swagger UI's online validator (a third-party call) is switched off
    settings_json = re.search(r'id="swagger-settings">(.*?)</script>', html, re.S)
    assert settings_json is not None
    assert json.loads(settings_json.group(1))["validatorUrl"] is None
    # and our self-only Content-Security-Policy applies to the page
    assert "default-src 'self'" in response["Content-Security-Policy"]
