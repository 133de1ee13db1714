"""Check-ins and health in a real browser: a mentee says privately that it isn't working; the
program admin finds the mentorship on the attention list with the reason and opens its Check-ins
tab — with an accessibility scan on every page visited and a screenshot at every step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tandem.health.models import CheckIn
from tandem.mentorships.models import Health, Mentorship
from tandem.organisations.models import Membership, Organisation, Role
from tests.e2e.conftest import sign_in, sign_out, visit
from tests.factories import make_member
from tests.relationship_setup import live_mentorship

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

COMMENT = "We keep cancelling and I don't know what to work on."


@pytest.fixture
def admin(org: Organisation) -> Membership:
    return make_member(org, role=Role.PROGRAM_ADMIN, full_name="Priya Admin", email="priya@example.com")


def test_mentee_says_it_isnt_working_and_the_admin_sees_why(page, org, admin):
    # given a mentorship that started 40 days ago: the first check-in (after 30 days) is due
    live = live_mentorship(org, admin, name="Autumn mentoring")
    started = timezone.now() - timedelta(days=40)
    Mentorship.objects.filter(pk=live.mentorship.pk).update(started_at=started, created_at=started)
    mentee_name = live.mentee.user.full_name
    mentor_name = live.mentor.user.full_name

    # when the mentee opens the mentorship and its Check-ins tab
    sign_in(page, live.mentee.user.email)
    page.goto(f"/o/{org.slug}/mentorships/{live.mentorship.pk}/")
    page.get_by_role("navigation", name="This mentorship").get_by_role("link", name="Check-ins").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Your check-in 1 is due now.")).to_be_visible()
    visit(page, "health-01-mentee-checkin-due")

    # and says, privately, that it isn't working
    page.get_by_role("group", name="How satisfied are you").get_by_label("2", exact=True).check()
    page.get_by_role("group", name="Is this working?").get_by_label("No", exact=True).check()
    page.get_by_label("Anything to add?").fill(COMMENT)
    page.get_by_role("button", name="Save my check-in").click()
    page.wait_for_load_state()

    # then it is saved, shown as theirs, and they see no health signal
    expect(page.get_by_text("your check-in is saved")).to_be_visible()
    expect(page.get_by_text(COMMENT)).to_be_visible()
    expect(page.get_by_text("You are up to date")).to_be_visible()
    expect(page.get_by_text("Needs attention")).to_have_count(0)
    visit(page, "health-02-mentee-checked-in")
    assert CheckIn.objects.get().working == "no"
    assert Mentorship.objects.get(pk=live.mentorship.pk).health == Health.NEEDS_ATTENTION
    sign_out(page)

    # and the mentor, on the same tab, does not see the mentee's answer
    sign_in(page, live.mentor.user.email)
    page.goto(f"/o/{org.slug}/mentorships/{live.mentorship.pk}/check-ins/")
    expect(page.get_by_text(COMMENT)).to_have_count(0)
    expect(page.get_by_text("You have not checked in yet.")).to_be_visible()
    sign_out(page)

    # when the program admin opens the list of mentorships needing attention
    sign_in(page, admin.user.email)
    page.goto(f"/o/{org.slug}/health/")
    visit(page, "health-03-attention-list")

    # then the mentorship is there, with the reason in plain words
    row = page.get_by_role("row").filter(has_text=mentee_name)
    expect(row).to_contain_text(mentor_name)
    expect(row).to_contain_text("Needs attention")
    expect(row).to_contain_text("Mentee said it isn't working; satisfaction 2/5")
    expect(row).to_contain_text("Autumn mentoring")

    # when they open its Check-ins tab
    row.get_by_role("link", name="Check-ins").click()
    page.wait_for_load_state()

    # then they read the check-in with the comment, the signal and its reasons
    expect(page.get_by_role("heading", name="Health")).to_be_visible()
    expect(page.get_by_text(COMMENT)).to_be_visible()
    expect(page.get_by_text("Mentee said it isn't working; satisfaction 2/5").first).to_be_visible()
    expect(page.get_by_role("button", name="Recompute")).to_be_visible()
    visit(page, "health-04-admin-checkins-tab")

    # and recomputing keeps the signal and says so
    page.get_by_role("button", name="Recompute").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Health recomputed: needs attention.")).to_be_visible()
    visit(page, "health-05-admin-recomputed")
