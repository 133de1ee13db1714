"""Competency feedback and career advancement in a real browser: a mentor rates their mentee
(the second time through the form), the mentee sees the trend chart; the mentor endorses the
mentee, who shares it with program admins; the mentor introduces the mentee to a colleague, who
accepts. An accessibility scan and a screenshot on every page visited (test-artifacts/e2e/)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tandem.advancement.models import Endorsement, Introduction, IntroductionStatus
from tandem.feedback.models import CompetencyFeedback
from tandem.feedback.services import RatingInput, competency_feedback_give
from tandem.mentorships.models import Mentorship
from tandem.organisations.models import Membership, Organisation, Role
from tandem.people.models import Competency
from tests.e2e.conftest import sign_in, sign_out, visit
from tests.factories import make_member
from tests.relationship_setup import Live, live_mentorship

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def live(org: Organisation) -> Live:
    admin = make_member(org, role=Role.PROGRAM_ADMIN, full_name="Priya Admin", email="priya@example.com")
    live = live_mentorship(org, admin, name="Leadership track")
    Mentorship.objects.filter(pk=live.mentorship.pk).update(started_at=timezone.now() - dt.timedelta(days=60))
    live.mentorship.refresh_from_db()
    return live


def test_feedback_and_career_journey(page: Any, org: Organisation, live: Live) -> None:
    slug, mentorship_id = org.slug, live.mentorship.pk
    tab = f"/o/{slug}/mentorships/{mentorship_id}"
    colleague = make_member(org, full_name="Grace Colleague", email="grace@example.com")
    leadership = Competency.objects.get(organisation=org, name="Leadership")
    communication = Competency.objects.get(organisation=org, name="Communication")
    # given feedback the mentor gave a month ago
    competency_feedback_give(
        mentorship=live.mentorship,
        by=live.mentor,
        ratings=[RatingInput(leadership.pk, 3), RatingInput(communication.pk, 3)],
        given_on=timezone.localdate() - dt.timedelta(days=30),
        comment="A good start.",
    )

    # the mentor gives feedback again, through the form
    sign_in(page, live.mentor.user.email)
    page.goto(f"{tab}/feedback/")
    visit(page, "feedback-1-mentor-form")
    page.get_by_label("Leadership", exact=True).select_option(label="4 — Strong")
    page.get_by_label("Comment on Leadership").fill("Ran the planning session end to end.")
    page.get_by_label("Communication", exact=True).select_option(label="3 — Capable")
    page.get_by_label("Overall comment").fill("Real progress this month.")
    page.get_by_role("button", name="Save feedback").click()
    expect(page.get_by_text("Your feedback is saved.")).to_be_visible()
    visit(page, "feedback-2-mentor-saved")
    assert CompetencyFeedback.objects.count() == 2

    # the mentor endorses the mentee
    page.get_by_role("navigation", name="This mentorship").get_by_role("link", name="Career").click()
    page.locator("summary", has_text="Endorse").click()
    page.get_by_label("Your endorsement").fill("Calm under pressure and a natural facilitator.")
    page.get_by_label("Skills you endorse").select_option(label=["Public speaking", "Python"])
    page.get_by_role("button", name="Save endorsement").click()
    expect(page.get_by_text("Your endorsement is saved.")).to_be_visible()
    visit(page, "career-1-endorsed")

    # and introduces the mentee to a colleague
    page.locator("summary", has_text="to someone in your network").click()
    page.get_by_label("Member", exact=True).select_option(label="Grace Colleague")
    page.get_by_label("Why they should talk").fill("Grace built our design system and loves to mentor.")
    page.get_by_role("button", name="Send the introduction").click()
    expect(page.get_by_text("Your introduction to Grace Colleague is on its way.")).to_be_visible()
    visit(page, "career-2-introduced")
    sign_out(page)

    # the mentee sees the trend chart and the latest ratings
    sign_in(page, live.mentee.user.email)
    page.goto(f"{tab}/feedback/")
    chart = page.get_by_role("img", name="Your competencies over time")
    expect(chart).to_be_visible()
    latest = page.get_by_role("table").first
    expect(latest.get_by_role("row", name="Leadership")).to_contain_text("↑ up 1")
    expect(latest.get_by_role("row", name="Communication")).to_contain_text("unchanged")
    visit(page, "feedback-3-mentee-trend")

    # and shares the endorsement with program admins
    page.get_by_role("navigation", name="This mentorship").get_by_role("link", name="Career").click()
    page.get_by_role("button", name="Share with program admins").click()
    expect(page.get_by_text("Program admins can now see this endorsement.")).to_be_visible()
    visit(page, "career-3-mentee-shared")
    assert Endorsement.objects.get().shared_with_admins
    sign_out(page)

    # the colleague accepts the introduction from their inbox
    sign_in(page, colleague.user.email)
    page.goto(f"/o/{slug}/introductions/")
    visit(page, "career-4-colleague-inbox")
    page.get_by_label("A word to").fill("Happy to — coffee next week?")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("You accepted")).to_be_visible()
    visit(page, "career-5-colleague-accepted")
    assert Introduction.objects.get().status == IntroductionStatus.ACCEPTED
    sign_out(page)

    # the mentee sees the answer
    sign_in(page, live.mentee.user.email)
    page.goto(f"{tab}/career/")
    expect(page.get_by_text("Happy to — coffee next week?")).to_be_visible()
    visit(page, "career-6-mentee-sees-answer")
    sign_out(page)

    # and the program admin finds the shared endorsement
    admin = Membership.objects.get(user__email="priya@example.com")
    sign_in(page, admin.user.email)
    page.goto(f"/o/{slug}/endorsements/")
    expect(page.get_by_text("Calm under pressure and a natural facilitator.")).to_be_visible()
    visit(page, "career-7-admin-shared-endorsements")
