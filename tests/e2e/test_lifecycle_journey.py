"""When a mentorship isn't working, in a real browser: the mentee raises a concern (after reading
how to talk it through), ends the mentorship early for a no-fault reason, goes through the guided
re-match and asks a new mentor, who accepts; the previous mentor never sees the concern or the
private note; the program admin answers the concern. Accessibility scan and screenshot at each step."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tandem.mentorships.models import Concern, ConcernStatus, Mentorship, MentorshipOrigin, MentorshipStatus
from tandem.mentorships.services import mentorship_start
from tandem.organisations.models import Organisation, Role
from tests.e2e.conftest import sign_in, sign_out, visit
from tests.factories import make_member
from tests.program_setup import make_program, mentee, mentor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CONCERN = "We agreed to meet monthly but the last three meetings were cancelled on the day."
NOTE = "I think he is simply overloaded this quarter."


def test_mentee_raises_a_concern_ends_early_and_is_rematched(page: Any, org: Organisation) -> None:
    # given a running mentorship between Olly and Mia, and Ada, a better-fitting mentor with a place
    admin = make_member(org, role=Role.PROGRAM_ADMIN, full_name="Priya Admin")
    program = make_program(org, admin, name="Engineering mentoring", matching_mode="self_service")
    olly = mentor(program, full_name="Olly Old", expertise=3)
    ada = mentor(program, full_name="Ada Lovelace", expertise=4)
    mia = mentee(program, full_name="Mia Mentee")
    ended = mentorship_start(mentor=olly, mentees=[mia], origin=MentorshipOrigin.ADMIN, needs_consent=False)
    page.on("dialog", lambda dialog: dialog.accept())  # the confirm() before ending

    # when Mia opens her mentorship
    sign_in(page, mia.membership.user.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Mentorships").click()
    page.get_by_role("link", name="Olly Old").first.click()
    expect(page.get_by_role("heading", name="Manage this mentorship")).to_be_visible()
    visit(page, "lifecycle-01-overview")

    # and raises a concern: she is first shown how to talk it through
    page.get_by_role("link", name="Raise a concern privately with the program admins").click()
    expect(page.get_by_role("heading", name="Before you write: could you talk it through?")).to_be_visible()
    expect(page.get_by_text("Come straight to the admins instead")).to_be_visible()
    visit(page, "lifecycle-02-concern-guidance")
    page.get_by_label("What is happening?").fill(CONCERN)
    page.get_by_role("button", name="Send to the program admins").click()
    page.wait_for_load_state()
    # then it is with the admins, and she sees it on her overview
    expect(page.get_by_text("Your concern is with the program admins")).to_be_visible()
    expect(page.get_by_role("heading", name="Your concerns")).to_be_visible()
    visit(page, "lifecycle-03-concern-raised")

    # when she ends the mentorship early, with a no-fault reason and a note for the admins
    page.get_by_role("button", name="End early…").click()
    expect(page.get_by_text("Not every pairing works, and that is nobody's fault.")).to_be_visible()
    visit(page, "lifecycle-04-end-early")
    page.get_by_label("Our schedules don't fit").check()
    page.get_by_label("A private note to the program admins").fill(NOTE)
    page.get_by_role("button", name="End the mentorship").click()
    page.wait_for_load_state()
    # then it ended, and she is offered new mentors — Ada, never Olly
    assert Mentorship.objects.get(pk=ended.pk).status == MentorshipStatus.ENDED_EARLY
    expect(page.get_by_role("heading", name="Find a new mentor")).to_be_visible()
    cards = page.locator("ol.recommendations > li")
    expect(cards).to_have_count(1)
    expect(cards.first.get_by_role("link", name="Ada Lovelace")).to_be_visible()
    expect(cards.first.locator(".score-badge")).to_contain_text("%")
    visit(page, "lifecycle-05-rematch-suggestions")

    # when she chooses Ada and writes why
    page.get_by_role("button", name="Choose Ada Lovelace as your new mentor").click()
    page.wait_for_load_state()
    visit(page, "lifecycle-06-rematch-choose")
    page.get_by_label("Your message").fill("Hi Ada, my schedule fits yours better — could we try?")
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Your request is sent to Ada Lovelace")).to_be_visible()
    visit(page, "lifecycle-07-request-sent")
    sign_out(page)

    # when Olly looks at the ended mentorship: the reason, but not the concern nor the note
    sign_in(page, olly.membership.user.email)
    page.goto(f"/o/{org.slug}/mentorships/{ended.pk}/")
    expect(page.get_by_text("Our schedules don't fit").first).to_be_visible()
    content = page.content()
    assert CONCERN not in content
    assert NOTE not in content
    visit(page, "lifecycle-08-previous-mentor-view")
    sign_out(page)

    # when Ada accepts the request
    sign_in(page, ada.membership.user.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Requests").click()
    page.get_by_role("button", name="Accept Mia Mentee's request").click()
    page.wait_for_load_state()
    # then a new mentorship is running between Ada and Mia
    new = Mentorship.objects.exclude(pk=ended.pk).get(members__membership=mia.membership)
    assert new.status == MentorshipStatus.ACTIVE
    assert new.members.filter(membership=ada.membership, role="mentor").exists()
    visit(page, "lifecycle-09-new-mentorship")
    sign_out(page)

    # and Mia's new overview says it came from the re-match
    sign_in(page, mia.membership.user.email)
    page.goto(f"/o/{org.slug}/mentorships/{new.pk}/")
    expect(page.get_by_text("You found this mentor through a guided re-match")).to_be_visible()
    sign_out(page)

    # when the program admin answers the concern from the concerns page
    sign_in(page, admin.user.email)
    page.goto(f"/o/{org.slug}/concerns/")
    expect(page.get_by_text(CONCERN)).to_be_visible()
    visit(page, "lifecycle-10-admin-concerns")
    page.get_by_label("Note to Mia (optional)").fill("Thanks Mia — glad the re-match worked. I'll check in.")
    page.get_by_role("button", name="Acknowledge").click()
    page.wait_for_load_state()
    assert Concern.objects.get().status == ConcernStatus.ACKNOWLEDGED
    visit(page, "lifecycle-11-concern-acknowledged")
