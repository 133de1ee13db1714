"""The agreement and shared goals in a real browser: the mentor proposes the agreement and the
mentee accepts it; the mentee proposes a change that the mentor accepts; then they set a goal with
milestones, tick one off (htmx) and see the progress — with an accessibility scan on every page
visited and a screenshot at every step (test-artifacts/e2e/)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tandem.agreements.models import AgreementStatus, AgreementVersion
from tandem.goals.models import Goal, GoalStatus
from tandem.mentorships.models import Mentorship, MentorshipOrigin
from tandem.mentorships.services import mentorship_start
from tandem.organisations.models import Membership, Organisation, Role
from tests.e2e.conftest import sign_in, sign_out, visit
from tests.factories import make_member
from tests.program_setup import make_program, mentee, mentor

# serialized_rollback: the languages seeded by a data migration survive the flush between journeys.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def pair(org: Organisation) -> tuple[Mentorship, Membership, Membership]:
    admin = make_member(org, role=Role.PROGRAM_ADMIN, full_name="Priya Admin")
    program = make_program(
        org,
        admin,
        name="Engineering mentoring",
        matching_mode="self_service",
        default_cadence="fortnightly",
        goal_templates=[
            {
                "title": "Lead a team meeting",
                "description": "Plan and run one end to end.",
                "milestones": ["Prepare the agenda", "Run the meeting", "Share the notes"],
            }
        ],
    )
    ada = mentor(program, full_name="Ada Lovelace")
    mia = mentee(program, full_name="Mia Newcomer")
    mentorship = mentorship_start(
        mentor=ada, mentees=[mia], origin=MentorshipOrigin.ADMIN, needs_consent=False
    )
    return mentorship, ada.membership, mia.membership


def test_agree_then_change_the_agreement_and_set_a_goal(page: Any, org: Organisation, pair: Any) -> None:
    mentorship, ada, mia = pair
    page.on("dialog", lambda dialog: dialog.accept())
    base = f"/o/{org.slug}/mentorships/{mentorship.pk}"

    # given: Ada, the mentor, opens the new mentorship's Agreement tab
    sign_in(page, ada.user.email)
    page.goto(base + "/")
    page.get_by_role("navigation", name="This mentorship").get_by_role("link", name="Agreement").click()
    expect(page.get_by_role("heading", name="No agreement yet")).to_be_visible()
    visit(page, "agreement-01-empty")

    # when: she proposes the agreement, the program's cadence preselected
    page.get_by_role("button", name="Propose the agreement").click()
    expect(page.get_by_label("Every two weeks")).to_be_checked()
    page.get_by_label("Your expectations").fill("Honest feedback; bring one question each time.")
    page.get_by_label("Expectations of Mia Newcomer (mentee)").fill("Help me grow into a team lead.")
    page.get_by_label("Email", exact=False).first.fill("ada@example.com")
    page.get_by_label("Video link").fill("https://meet.example.com/ada-mia")
    page.get_by_label("Expected duration (months)").fill("6")
    visit(page, "agreement-02-propose-form")
    page.get_by_role("button", name="Propose this agreement").click()
    page.wait_for_load_state()
    # then: it waits for Mia
    expect(page.get_by_text("Version 1 is proposed")).to_be_visible()
    expect(page.get_by_text("Waiting for Mia Newcomer to accept.")).to_be_visible()
    visit(page, "agreement-03-proposed")
    sign_out(page)

    # when: Mia accepts it
    sign_in(page, mia.user.email)
    page.goto(base + "/agreement/")
    expect(page.get_by_role("heading", name="Your agreement is proposed: version 1")).to_be_visible()
    visit(page, "agreement-04-to-accept")
    page.get_by_role("button", name="Accept version 1").click()
    page.wait_for_load_state()
    # then: it is in force
    expect(page.get_by_text("it is now in force")).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text="Every two weeks")).to_be_visible()
    visit(page, "agreement-05-in-force")
    assert AgreementVersion.objects.get(number=1).status == AgreementStatus.ACCEPTED

    # when: Mia proposes meeting every ten days instead
    page.get_by_role("button", name="Propose a change").click()
    page.get_by_label("Every few days (custom)").check()
    expect(page.get_by_label("Every how many days")).to_be_visible()
    page.get_by_label("Every how many days").fill("10")
    page.get_by_label("A note to the others").fill("My project is busy — a bit more often, please.")
    visit(page, "agreement-06-propose-change")
    page.get_by_role("button", name="Propose this agreement").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Version 2 is proposed")).to_be_visible()
    sign_out(page)

    # then: Ada sees exactly what changes, and accepts
    sign_in(page, ada.user.email)
    page.goto(base + "/agreement/")
    changes = page.get_by_role("table").first
    expect(changes.get_by_role("row", name="Meeting cadence")).to_contain_text("Every 10 days")
    visit(page, "agreement-07-change-to-accept")
    page.get_by_role("button", name="Accept version 2").click()
    page.wait_for_load_state()
    expect(page.get_by_role("definition").filter(has_text="Every 10 days")).to_be_visible()
    # and both versions are kept: version 1 superseded, viewable with its diff
    versions = page.get_by_role("region", name="Every version")
    expect(versions.get_by_role("row", name="Version 1")).to_contain_text("Replaced by a later version")
    versions.get_by_role("link", name="Version 2").click()
    expect(page.get_by_role("heading", name="What changed since version 1")).to_be_visible()
    visit(page, "agreement-08-version-2")
    assert AgreementVersion.objects.get(number=1).status == AgreementStatus.SUPERSEDED

    # when: Ada opens the Goals tab and sets a goal with milestones
    page.get_by_role("navigation", name="This mentorship").get_by_role("link", name="Goals").click()
    expect(page.get_by_text("No goals yet")).to_be_visible()
    visit(page, "goals-01-empty")
    page.get_by_label("Goal", exact=True).fill("Present at the all-hands")
    page.get_by_label("Milestones").fill("Draft the slides\nRehearse with Ada\nPresent")
    page.get_by_role("button", name="Set this goal").click()
    page.wait_for_load_state()
    expect(page.get_by_text("0 of 3 milestones done")).to_be_visible()
    visit(page, "goals-02-goal")

    # when: she ticks off the first milestone (htmx swaps the progress in place)
    page.get_by_role("button", name="Done: Draft the slides").click()
    expect(page.get_by_text("1 of 3 milestones done")).to_be_visible()
    expect(page.get_by_role("button", name="Done: Draft the slides")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator("progress").first).to_have_attribute("value", "33")
    visit(page, "goals-03-milestone-ticked")

    # then: the goal's history and the tab's overall progress show it
    page.reload()
    expect(page.get_by_role("region", name="History")).to_contain_text("ticked off “Draft the slides”")
    page.get_by_role("link", name="← All goals").click()
    expect(page.get_by_text("Overall progress: 33%")).to_be_visible()
    # and a goal from the program's templates joins it
    page.get_by_role("button", name=re.compile(r"^Add this goal\W+Lead a team meeting$")).click()
    page.wait_for_load_state()
    page.get_by_role("link", name="← All goals").click()
    expect(page.get_by_text("Overall progress: 17%")).to_be_visible()
    visit(page, "goals-04-tab")
    goal = Goal.objects.get(title="Present at the all-hands")
    assert goal.status == GoalStatus.IN_PROGRESS
    assert Goal.objects.count() == 2
