"""Matching in a real browser: an admin runs a program from template to published round, and a
mentee finds a mentor by self-service whom the mentor accepts — with an accessibility scan on
every page visited and a screenshot at every step (test-artifacts/e2e/)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tandem.matching.models import MatchRound, Proposal, RoundStatus
from tandem.mentorships.models import Mentorship, MentorshipRequest, MentorshipStatus, RequestStatus
from tandem.organisations.models import Membership, Organisation, Role
from tandem.programs.models import Enrolment, Program, ProgramStatus
from tests.e2e.conftest import assert_accessible, sign_in, sign_out, visit
from tests.factories import make_member
from tests.program_setup import make_program, mentee, mentor, person

# serialized_rollback: the languages seeded by a data migration survive the flush between journeys.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def admin(org: Organisation) -> Membership:
    return make_member(org, role=Role.PROGRAM_ADMIN, full_name="Priya Admin", email="priya@example.com")


@pytest.fixture
def pool(org: Organisation) -> dict[str, list[Membership]]:
    """Three experienced colleagues who could mentor and four juniors who want to grow in Python."""
    mentors = [
        person(org, full_name=name, rank=5, expertise=level)
        for name, level in [("Ada Lovelace", 4), ("Grace Hopper", 3), ("Alan Turing", 2)]
    ]
    mentees = [
        person(org, full_name=name, rank=2, goal=True)
        for name in ["Mia Newcomer", "Noah Junior", "Olivia Starter", "Liam Fresh"]
    ]
    return {"mentors": mentors, "mentees": mentees}


def _enrol_chosen(page: Any, people: list[Membership], role: str) -> None:
    section = page.get_by_role("region", name="Chosen people")
    for membership in people:
        section.get_by_label(membership.user.full_name).check()
    section.get_by_label("Enrol them as").select_option(label=role)
    section.get_by_role("button", name="Enrol the chosen people").click()
    page.wait_for_load_state()


def test_admin_runs_a_program_from_template_to_published_round(page, org, admin, pool):
    page.on("dialog", lambda dialog: dialog.accept())  # the confirm() before publishing
    sign_in(page, "priya@example.com")

    # when: she creates a program from the onboarding template
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programs").click()
    visit(page, "matching-01-programs-empty")
    page.get_by_role("button", name="New program").first.click()
    page.get_by_role("link", name="New-joiner onboarding").click()
    visit(page, "matching-02-create-from-template")
    expect(page.get_by_label("Name")).to_have_value("New-joiner onboarding buddies")
    page.get_by_label("Name").fill("Spring onboarding buddies")
    page.get_by_role("button", name="Create program").click()
    page.wait_for_load_state()
    # then: it is a draft prefilled by the template
    program = Program.objects.get(organisation=org, name="Spring onboarding buddies")
    assert program.status == ProgramStatus.DRAFT
    assert program.template_key == "onboarding"
    assert program.criteria_weights["timezone"] == 8
    visit(page, "matching-03-program-draft")
    # and: its settings and enrolment questions pages are there to adjust
    page.get_by_role("button", name="Settings").click()
    expect(page.get_by_label("Weight of Time-zone overlap")).to_have_value("8.0")
    visit(page, "matching-03a-settings")
    page.go_back()
    page.get_by_role("button", name="Questions").click()
    visit(page, "matching-03b-questions")
    page.go_back()

    # when: she opens it for enrolment
    page.get_by_role("button", name="Move to “Open for enrolment”").click()
    page.wait_for_load_state()
    expect(page.get_by_text("is now open for enrolment")).to_be_visible()
    assert_accessible(page, "program open")

    # when: she enrols the mentors and then the mentees in bulk
    page.get_by_role("button", name="Manage enrolments").click()
    page.wait_for_load_state()
    visit(page, "matching-04-enrolments-empty")
    _enrol_chosen(page, pool["mentors"], "Mentor")
    expect(page.get_by_text("3 people enrolled.")).to_be_visible()
    _enrol_chosen(page, pool["mentees"], "Mentee")
    expect(page.get_by_text("4 people enrolled.")).to_be_visible()
    visit(page, "matching-05-enrolments")
    assert Enrolment.objects.filter(program=program, role="mentor").count() == 3
    assert Enrolment.objects.filter(program=program, role="mentee").count() == 4

    # when: she moves the program to matching and runs a round
    page.get_by_role("link", name="Spring onboarding buddies").first.click()
    page.get_by_role("button", name="Move to “Matching”").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Run a match round").click()
    visit(page, "matching-06-start-round")
    page.get_by_label("Optimal assignment").check()
    page.get_by_role("button", name="Run the round").click()
    page.wait_for_load_state()

    # then: the draft shows every mentee matched, with the metrics and the greedy comparison
    expect(page.get_by_text("Draft — under review").first).to_be_visible()
    expect(page.get_by_text("First-come matching would have matched")).to_be_visible()
    match_round = MatchRound.objects.get(program=program)
    assert match_round.status == RoundStatus.DRAFT
    proposals = list(
        match_round.proposals.select_related("mentee__membership__user", "mentor__membership__user")
    )
    assert len(proposals) == 4
    page.get_by_role("group").filter(has_text="Breakdown").first.locator("summary").click()
    visit(page, "matching-07-draft")

    # when: she looks at other mentors for one mentee
    page.get_by_role(
        "button", name=f"Swap the mentor of {proposals[2].mentee.membership.user.full_name}"
    ).click()
    # then: candidates are listed with their fit and places left
    expect(
        page.get_by_role(
            "heading", name=f"Another mentor for {proposals[2].mentee.membership.user.full_name}"
        )
    ).to_be_visible()
    visit(page, "matching-07a-swap")
    page.get_by_role("link", name="Back to the draft").click()
    page.wait_for_load_state()

    # when: she locks one pair (in place, by htmx) and removes another
    keep, drop = proposals[0], proposals[1]
    keep_names = f"{keep.mentee.membership.user.full_name} and {keep.mentor.membership.user.full_name}"
    drop_names = f"{drop.mentee.membership.user.full_name} and {drop.mentor.membership.user.full_name}"
    page.get_by_role("button", name=f"Lock {keep_names}", exact=True).click()
    expect(page.get_by_role("button", name=f"Unlock {keep_names}", exact=True)).to_be_visible()
    page.get_by_role("button", name=f"Remove {drop_names}", exact=True).click()
    page.wait_for_load_state()
    # then: the removed mentee is listed as unmatched, with the reason
    unmatched = page.locator("#unmatched")
    expect(unmatched.get_by_text(drop.mentee.membership.user.full_name)).to_be_visible()
    expect(unmatched.get_by_text("Removed from the draft by an admin.")).to_be_visible()
    keep.refresh_from_db()
    assert keep.locked
    visit(page, "matching-08-draft-edited")

    # when: she publishes
    page.get_by_role("button", name="Publish").click()
    page.wait_for_load_state()
    # then: three mentorships exist, and the round says so
    expect(page.get_by_text("Published: 3 mentorships created.")).to_be_visible()
    visit(page, "matching-09-published")
    match_round.refresh_from_db()
    assert match_round.status == RoundStatus.PUBLISHED
    assert Mentorship.objects.filter(program=program, status=MentorshipStatus.ACTIVE).count() == 3

    # when: a matched mentee signs in
    sign_out(page)
    sign_in(page, keep.mentee.membership.user.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Mentorships").click()
    visit(page, "matching-10-my-mentorships")
    page.get_by_role("link", name=keep.mentor.membership.user.full_name).click()
    # then: they see who they were matched with and why
    expect(page.get_by_role("heading", name="Why you were matched")).to_be_visible()
    expect(page.get_by_text("Goals ↔ expertise").first).to_be_visible()
    visit(page, "matching-11-why-matched")


def test_mentee_requests_a_recommended_mentor_who_accepts(page, org, admin):
    # given: an open self-service program with two mentors and a mentee
    program = make_program(org, admin, name="Engineering mentoring", matching_mode="self_service")
    ada = mentor(program, full_name="Ada Lovelace", expertise=4, capacity=2)
    mentor(program, full_name="Alan Turing", expertise=2, capacity=1)
    mia = mentee(program, full_name="Mia Newcomer")

    # when: Mia opens the program and asks for recommendations
    sign_in(page, mia.membership.user.email)
    page.goto(f"/o/{org.slug}/programs/")
    visit(page, "selfservice-01-programs")
    page.get_by_role("link", name="Engineering mentoring").first.click()
    visit(page, "selfservice-02-program")
    page.get_by_role("button", name="Find a mentor").click()
    # then: the best fit comes first, with reasons, places left and a link to the directory
    cards = page.locator(".recommendation")
    expect(cards).to_have_count(2)
    expect(cards.first.get_by_role("link", name="Ada Lovelace")).to_be_visible()
    expect(cards.first.get_by_text("2 places left")).to_be_visible()
    expect(page.get_by_role("button", name="Browse the directory")).to_be_visible()
    visit(page, "selfservice-03-recommendations")

    # when: she asks Ada, first forgetting the message
    page.get_by_role("button", name="Ask Ada Lovelace to mentor you").click()
    page.get_by_role("button", name="Send request").click()
    page.wait_for_load_state()
    expect(page.get_by_role("alert")).to_contain_text("helps them say yes")
    assert not MentorshipRequest.objects.exists()
    visit(page, "selfservice-04-request-error")
    page.get_by_label("Your message").fill("I am new to Python and would love your guidance on design.")
    page.get_by_role("button", name="Send request").click()
    page.wait_for_load_state()
    # then: her request waits for Ada
    expect(page.get_by_text("Your request is sent to Ada Lovelace")).to_be_visible()
    request = MentorshipRequest.objects.get()
    assert request.status == RequestStatus.PENDING
    visit(page, "selfservice-05-my-requests")

    # when: Ada signs in and accepts
    sign_out(page)
    sign_in(page, ada.membership.user.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Requests").click()
    expect(page.get_by_text("I am new to Python")).to_be_visible()
    visit(page, "selfservice-06-requests-to-me")
    page.get_by_role("button", name="Accept Mia Newcomer's request").click()
    page.wait_for_load_state()
    # then: the mentorship starts and Mia's request is accepted
    expect(page.get_by_text("You are now mentoring Mia Newcomer")).to_be_visible()
    expect(page.get_by_text("You chose each other")).to_be_visible()
    visit(page, "selfservice-07-mentorship")
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED
    assert Mentorship.objects.filter(program=program, status=MentorshipStatus.ACTIVE).count() == 1


def test_round_page_follows_a_running_round_until_its_draft_is_ready(page, org, admin):
    # given: a round still running in the background
    program = make_program(org, admin, status=ProgramStatus.MATCHING, name="Pilot")
    ada, mia = mentor(program, full_name="Ada Lovelace"), mentee(program, full_name="Mia Newcomer")
    match_round = MatchRound.objects.create(
        program=program, solver="optimal", created_by=admin.user, status=RoundStatus.RUNNING, progress=35
    )
    sign_in(page, "priya@example.com")
    # when: the admin opens it
    page.goto(f"/o/{org.slug}/programs/{program.pk}/rounds/{match_round.pk}/")
    # then: the progress shows, and is polled
    expect(page.get_by_role("heading", name="Matching in progress")).to_be_visible()
    visit(page, "matching-12-round-running")
    MatchRound.objects.filter(pk=match_round.pk).update(progress=80, progress_label="Explaining every pair")
    expect(page.get_by_text("Explaining every pair — 80%")).to_be_visible()
    # when: the run finishes
    Proposal.objects.create(
        match_round=match_round, mentee=mia, mentor=ada, score=0.7, reasons=["Speaks English"]
    )
    MatchRound.objects.filter(pk=match_round.pk).update(
        status=RoundStatus.DRAFT, progress=100, metrics={"pool_mentees": 1, "pool_mentors": 1}
    )
    # then: the page reloads itself with the draft
    expect(page.get_by_role("heading", name="Proposed pairs (1)")).to_be_visible()
    expect(page.get_by_role("heading", name="Matching in progress")).to_have_count(0)
    visit(page, "matching-13-round-ready")


def test_self_service_pages_fit_a_phone(phone_page, org, admin):
    # given: a mentee of a self-service program on a phone
    page = phone_page
    program = make_program(org, admin, name="Engineering mentoring", matching_mode="self_service")
    mentor(program, full_name="Ada Lovelace", expertise=4)
    mia = mentee(program, full_name="Mia Newcomer")
    sign_in(page, mia.membership.user.email)
    for path, name in [
        (f"/o/{org.slug}/programs/{program.pk}/", "selfservice-phone-program"),
        (f"/o/{org.slug}/programs/{program.pk}/mentors/", "selfservice-phone-recommendations"),
    ]:
        # when
        page.goto(path)
        # then: nothing overflows sideways
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{path} is {overflow}px wider than the phone screen"
        visit(page, name)
