"""The page shell: local assets only, CSP, navigation per role, organisation switcher, error pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.views import defaults

from conftest import login
from tandem.accounts.models import ApiToken
from tandem.organisations.models import Membership, Organisation, Role
from tandem.organisations.services import invitation_create
from tandem.web.context_processors import org_url
from tandem.web.templatetags.tandem_ui import avatar, initials
from tests.factories import UserFactory, make_member

pytestmark = pytest.mark.django_db

EXTERNAL_URL = re.compile(r"""(?:src|href|action)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"""<[^>]+\sstyle\s*=|<style[\s>]""", re.IGNORECASE)
STATIC_REF = re.compile(r"""(?:src|href)="/static/([^"?#]+)""")


def _pages(client: Client, org_admin: Membership) -> dict[str, str]:
    """A sample of every kind of page this app renders, as an org admin and anonymously."""
    _, raw = invitation_create(
        organisation=org_admin.organisation,
        email="new@example.com",
        role=Role.MEMBER,
        by=org_admin,
        base_url="",
    )
    anonymous = {
        "login": "/accounts/login/",
        "password reset": "/accounts/password/reset/",
        "invitation": f"/accounts/invite/{raw}/",
        "bad invitation": "/accounts/invite/nope/",
        "404": "/no-such-page/",
    }
    signed_in = {
        "dashboard": f"/o/{org_admin.organisation.slug}/home/",
        "tokens": "/accounts/tokens/",
        "password change": "/accounts/password/change/",
    }
    html = {name: client.get(url).content.decode() for name, url in anonymous.items()}
    login(client, org_admin)
    html |= {name: client.get(url).content.decode() for name, url in signed_in.items()}
    return html


def test_pages_load_nothing_from_other_hosts(client: Client, org_admin: Membership) -> None:
    # when
    pages = _pages(client, org_admin)
    # then
    for name, html in pages.items():
        assert not EXTERNAL_URL.search(html), name


def test_pages_have_no_inline_scripts_or_styles(client: Client, org_admin: Membership) -> None:
    # when
    pages = _pages(client, org_admin)
    # then — the CSP would block them
    for name, html in pages.items():
        assert not INLINE_SCRIPT.search(html), name
        assert not INLINE_STYLE.search(html), name


def test_pages_reference_only_static_files_the_app_serves(client: Client, org_admin: Membership) -> None:
    # when
    pages = _pages(client, org_admin)
    refs = {ref for html in pages.values() for ref in STATIC_REF.findall(html)}
    # then
    assert {
        "vendor/pico/pico.min.css",
        "vendor/htmx/htmx.min.js",
        "web/css/tandem.css",
        "web/js/tandem.js",
    } <= refs
    for ref in refs:
        assert finders.find(ref), ref


def test_pages_are_accessible_landmarks_and_language(client: Client, org_admin: Membership) -> None:
    # when
    pages = _pages(client, org_admin)
    # then
    for name, html in pages.items():
        assert '<html lang="en"' in html, name
        assert '<main id="content"' in html, name
        assert 'name="viewport"' in html, name
    assert 'class="skip-link" href="#content"' in pages["dashboard"]


def test_responses_carry_a_strict_content_security_policy(client: Client) -> None:
    # when
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    # then
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_htmx_is_configured_for_the_csp_and_csrf(member_client: Client, member: Membership) -> None:
    # when
    html = member_client.get(f"/o/{member.organisation.slug}/home/").content.decode()
    # then htmx won't inject inline styles or eval, and JS finds the CSRF token in a meta tag
    assert '"includeIndicatorStyles": false' in html
    assert '"allowEval": false' in html
    assert re.search(r'<meta name="csrf-token" content="[A-Za-z0-9]{64}">', html)
    script = Path(str(finders.find("web/js/tandem.js"))).read_text()
    assert "htmx:configRequest" in script
    assert 'headers["X-CSRFToken"]' in script


def test_csrf_token_from_the_meta_tag_is_accepted_as_the_htmx_header(member: Membership) -> None:
    # given a browser-like client that enforces CSRF, and the token htmx would read from the page
    client = Client(enforce_csrf_checks=True)
    client.force_login(member.user)
    page = client.get("/accounts/tokens/").content.decode()
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page)
    assert token
    # when a request sends it only as the X-CSRFToken header
    response = client.post(
        "/accounts/tokens/create/", {"name": "via htmx"}, headers={"X-CSRFToken": token.group(1)}
    )
    # then it passes the CSRF check
    assert response.status_code == 200
    assert ApiToken.objects.filter(name="via htmx").exists()


def test_navigation_for_a_member_has_no_admin_links(member_client: Client, member: Membership) -> None:
    # when
    response = member_client.get(f"/o/{member.organisation.slug}/home/")
    # then
    nav = response.context["nav"]
    assert [link.label for link in nav.links][:1] == ["Home"]
    assert nav.links[0].active
    assert nav.admin_links == []
    html = response.content.decode()
    assert 'aria-current="page">Home<' in html
    assert f"/o/{member.organisation.slug}/members/" not in html


def test_navigation_for_an_org_admin_has_admin_links(admin_client: Client, org_admin: Membership) -> None:
    # when
    response = admin_client.get(f"/o/{org_admin.organisation.slug}/home/")
    # then
    labels = [link.label for link in response.context["nav"].admin_links]
    assert labels == [
        "Needs attention",
        "Concerns",
        "Session ratings",
        "Shared endorsements",
        "Members",
        "Taxonomy",
        "Import people",
    ]


def test_navigation_offers_a_switch_to_the_users_other_organisations(
    client: Client, member: Membership, other_org: Organisation
) -> None:
    # given a member of two organisations
    make_member(other_org, user=member.user)
    login(client, member)
    # when
    html = client.get(f"/o/{member.organisation.slug}/home/").content.decode()
    # then
    assert "Switch organisation" in html
    assert f'href="/o/{other_org.slug}/home/">{other_org.name}</a>' in html


def test_navigation_without_other_organisations_has_no_switcher(
    member_client: Client, member: Membership
) -> None:
    # when
    html = member_client.get(f"/o/{member.organisation.slug}/home/").content.decode()
    # then
    assert "Switch organisation" not in html
    assert f'<span class="org-current">{member.organisation.name}</span>' in html


def test_navigation_on_account_pages_shows_the_current_organisation(
    client: Client, member: Membership, other_org: Organisation
) -> None:
    # given the member last visited their second organisation
    make_member(other_org, user=member.user)
    login(client, member)
    client.get(f"/o/{other_org.slug}/home/")
    # when
    response = client.get("/accounts/tokens/")
    # then
    assert response.context["nav"].organisation == other_org


def test_navigation_sign_out_is_a_post_form(member_client: Client, member: Membership) -> None:
    # when
    html = member_client.get("/accounts/tokens/").content.decode()
    # then
    form = re.search(r'<form[^>]*action="/accounts/logout/"[^>]*>.*?</form>', html, re.DOTALL)
    assert form
    assert 'method="post"' in form.group(0)
    assert "csrfmiddlewaretoken" in form.group(0)


def test_org_url_is_empty_for_pages_that_do_not_exist() -> None:
    # then
    assert org_url("people:no_such_page", "acme") == ""
    assert org_url("web:dashboard", "acme") == "/o/acme/home/"


def test_not_found_page_is_friendly(client: Client) -> None:
    # when
    response = client.get("/nowhere/")
    # then
    assert response.status_code == 404
    assert "We can't find that page" in response.content.decode()


def test_server_error_page_renders_without_the_database(django_assert_num_queries) -> None:
    # given a request for which nothing has been resolved
    request = RequestFactory().get("/")
    # when
    with django_assert_num_queries(0):
        response = defaults.server_error(request)
    # then
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert "/static/web/css/tandem.css" in html


@pytest.mark.parametrize(
    ("view", "status", "text"),
    [(defaults.bad_request, 400, "couldn"), (defaults.permission_denied, 403, "You can")],
)
def test_error_pages_400_and_403_render(view, status: int, text: str) -> None:
    # when
    response = view(RequestFactory().get("/"), exception=Exception("boom"))
    # then
    assert response.status_code == status
    assert text in response.content.decode()
    assert "boom" not in response.content.decode()


def test_initials_use_first_and_last_word() -> None:
    # then
    assert initials("Ada Lovelace") == "AL"
    assert initials("Jean-Luc de la Tour") == "JT"
    assert initials("cher") == "C"
    assert initials("") == "?"
    assert initials(None) == "?"


def test_avatar_uses_the_photo_when_there_is_one_else_initials_on_a_stable_tone() -> None:
    # when
    with_photo = avatar("Ada Lovelace", photo="/o/acme/people/1/photo/", size="lg")
    without = avatar("Ada Lovelace", size="huge")
    again = avatar("ada lovelace")
    # then
    assert with_photo["url"] == "/o/acme/people/1/photo/"
    assert without["url"] == ""
    assert without["initials"] == "AL"
    assert without["size"] == "md"
    assert without["tone"] == again["tone"]
    html = render_to_string("web/components/avatar.html", without)
    assert 'aria-hidden="true"' in html
    assert "avatar--tone-" in html


def test_no_organisation_page_for_a_new_user_has_no_org_navigation(client: Client) -> None:
    # given
    client.force_login(UserFactory())
    # when
    response = client.get("/")
    # then
    assert response.context["nav"].organisation is None
    assert response.context["nav"].links == []


def test_navigation_marks_the_admin_page_not_the_mentorships_section(
    admin_client: Client, org_admin: Membership
) -> None:
    # when an admin opens the session ratings (a meetings page, but not a mentorship's)
    response = admin_client.get(f"/o/{org_admin.organisation.slug}/meetings/ratings/")
    # then only its own admin link is current
    nav = response.context["nav"]
    assert [link.label for link in nav.links if link.active] == []
    assert [link.label for link in nav.admin_links if link.active] == ["Session ratings"]
