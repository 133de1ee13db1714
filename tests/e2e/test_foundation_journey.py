"""A member's first visit: sign in, complete the profile, find people, sign out —
in a real headless Chromium, with an accessibility scan on every page visited."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tandem.organisations.models import Membership, Organisation, Role
from tandem.people.models import Skill
from tandem.people.services import ProfileChanges, profile_update
from tests.e2e.conftest import assert_accessible, screenshot
from tests.factories import TEST_PASSWORD, make_member, profile_of

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def people(org: Organisation) -> dict[str, Membership]:
    python = Skill.objects.get(organisation=org, name="Python")
    speaking = Skill.objects.get(organisation=org, name="Public speaking")
    ada = make_member(org, role=Role.MEMBER, full_name="Ada Lovelace", email="ada@example.com")
    profile_update(
        profile=profile_of(ada),
        changes=ProfileChanges(
            job_title="Principal engineer", skill_levels={python.pk: 4}, open_to_mentor=True
        ),
    )
    grace = make_member(org, role=Role.MEMBER, full_name="Grace Hopper", email="grace@example.com")
    profile_update(profile=profile_of(grace), changes=ProfileChanges(skill_levels={speaking.pk: 3}))
    mia = make_member(org, role=Role.MEMBER, full_name="Mia Member", email="mia@example.com")
    return {"ada": ada, "grace": grace, "mia": mia}


def _sign_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    assert_accessible(page, "sign-in page")
    screenshot(page, "01-sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_member_signs_in_edits_profile_searches_and_signs_out(page, org, people):
    # given: Mia, a member of Acme with an empty profile
    mia = people["mia"]

    # when: she signs in
    _sign_in(page, "mia@example.com")
    # then: she lands on her organisation's dashboard, which nudges her to complete her profile
    assert f"/o/{org.slug}/" in page.url
    assert page.get_by_text("Mia", exact=False).first.is_visible()
    assert_accessible(page, "dashboard")
    screenshot(page, "02-dashboard")

    # when: she edits her profile
    page.goto(f"/o/{org.slug}/people/me/edit/")
    assert_accessible(page, "profile edit")
    page.get_by_label("Job title").fill("Data analyst")
    page.get_by_label("Headline").fill("Turning questions into dashboards")
    page.get_by_label("Location").fill("Lisbon")
    page.get_by_label("Time zone").select_option("Europe/Lisbon")
    page.get_by_label("I am looking for a mentor").check()
    screenshot(page, "03-profile-edit")
    page.get_by_role("button", name="Save").first.click()
    page.wait_for_load_state()
    # then: the change is saved and shown
    profile = profile_of(mia)
    profile.refresh_from_db()
    assert profile.job_title == "Data analyst"
    assert profile.time_zone == "Europe/Lisbon"
    assert profile.seeking_mentorship is True
    assert page.get_by_text("Data analyst").first.is_visible()
    assert_accessible(page, "own profile")
    screenshot(page, "04-profile")

    # when: she searches the directory for Python mentors
    page.goto(f"/o/{org.slug}/people/")
    assert_accessible(page, "directory")
    page.get_by_label("Search").fill("Python")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state()
    # then: Ada is found, Grace is not
    results = page.locator("#directory-results")
    expect(results.get_by_text("Grace Hopper")).to_have_count(0)  # retried until htmx has swapped
    expect(results.get_by_text("Ada Lovelace").first).to_be_visible()
    assert "q=Python" in page.url  # the filtered view is a shareable link
    screenshot(page, "05-directory-search")

    # when: she opens Ada's profile
    results.get_by_role("link", name="Ada Lovelace").first.click()
    page.wait_for_load_state()
    assert page.get_by_text("Principal engineer").first.is_visible()
    assert_accessible(page, "person detail")

    # when: she signs out from the account menu
    page.locator("details.account-menu > summary").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    # then: she is on the sign-in page and her pages are closed to her
    assert "/accounts/login/" in page.url
    page.goto(f"/o/{org.slug}/people/")
    assert "/accounts/login/" in page.url
    screenshot(page, "06-signed-out")


def test_directory_usable_at_phone_width(phone_page, org, people):
    # given: Mia signed in on a phone
    page = phone_page
    _sign_in(page, "mia@example.com")
    # when: she opens the directory
    page.goto(f"/o/{org.slug}/people/")
    # then: nothing overflows sideways and the page passes the accessibility scan
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"page is {overflow}px wider than the phone screen"
    assert_accessible(page, "directory on a phone")
    screenshot(page, "07-directory-phone")


def test_wrong_password_shows_error_without_signing_in(page, org, people):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("mia@example.com")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url
    assert (
        page.get_by_role("alert").first.is_visible()
        or page.get_by_text("correct", exact=False).first.is_visible()
    )
    assert_accessible(page, "sign-in error")
