"""Notifications in a real browser: a mentor sees the unread badge, opens the list, follows a
request notification to the page where it is answered, marks one read in place, marks all read
and turns off email for one kind — with an accessibility scan and a screenshot at every step."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from tandem.mentorships.services import mentorship_request_create
from tandem.notifications.models import EmailStatus, Notification, NotificationKind, NotificationPreference
from tandem.notifications.services import notify
from tandem.organisations.models import Membership, Organisation, Role
from tests.e2e.conftest import sign_in, visit
from tests.factories import make_member
from tests.program_setup import make_program, mentee, mentor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _nav(page: Any) -> Any:
    return page.get_by_role("navigation", name="Main")


def test_member_reads_follows_and_tunes_notifications(page: Any, org: Organisation) -> None:
    # given: Ada mentors in a self-service program; two mentees ask her, and she was told of a goal
    admin = make_member(org, role=Role.PROGRAM_ADMIN, full_name="Priya Admin")
    program = make_program(org, admin, name="Python guild", matching_mode="self_service")
    ada_enrolment = mentor(program, full_name="Ada Lovelace", capacity=3)
    ada: Membership = ada_enrolment.membership
    for name in ("Mia Newcomer", "Noah Junior"):
        asker = mentee(program, full_name=name)
        mentorship_request_create(
            mentee=asker, mentor=ada_enrolment, message=f"Hello, I'm {name.split()[0]}.", by=asker.membership
        )
    notify(
        recipient=ada,
        kind=NotificationKind.GOAL,
        title="A goal was updated",
        body="“Ship a first pull request” is now 50% done.",
        url=f"/o/{org.slug}/mentorships/",
    )
    # the requests were emailed after their transactions committed
    assert sorted(m.to[0] for m in mail.outbox) == [ada.user.email] * 3
    assert set(Notification.objects.filter(recipient=ada).values_list("email_status", flat=True)) == {
        EmailStatus.SENT
    }

    # when: Ada signs in
    sign_in(page, ada.user.email)
    # then: the navigation says she has three unread notifications
    badge = _nav(page).get_by_role("link", name="Notifications, 3 unread")
    expect(badge).to_be_visible()
    expect(badge).to_contain_text("3")
    visit(page, "notifications-01-badge")

    # when: she opens her notifications
    badge.click()
    page.wait_for_load_state()
    # then: all three are listed, newest first, unread
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    items = page.get_by_role("list", name="Notifications").get_by_role("listitem")
    expect(items).to_have_count(3)
    expect(items.first).to_contain_text("A goal was updated")
    expect(page.locator(".notification--unread")).to_have_count(3)
    visit(page, "notifications-02-list")

    # when: she marks the goal one read in place (htmx)
    page.get_by_role("button", name="Mark read: A goal was updated").click()
    # then: it is no longer highlighted and the badge follows without a reload
    expect(page.locator(".notification--unread")).to_have_count(2)
    expect(_nav(page).get_by_role("link", name="Notifications, 2 unread")).to_be_visible()
    visit(page, "notifications-03-marked-one-read")

    # when: she follows Mia's request
    page.get_by_role("button", name="Open: Mia Newcomer asked you to be their mentor in Python guild").click()
    page.wait_for_load_state()
    # then: she lands on the requests page, where she can answer it, and it counts as read
    assert page.url.endswith(f"/o/{org.slug}/requests/")
    expect(page.get_by_text("Hello, I'm Mia.")).to_be_visible()
    expect(_nav(page).get_by_role("link", name="Notifications, 1 unread")).to_be_visible()
    visit(page, "notifications-04-followed-to-requests")

    # when: she goes back and marks everything read
    _nav(page).get_by_role("link", name="Notifications, 1 unread").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Mark all read").click()
    page.wait_for_load_state()
    # then: nothing is unread, and the badge is gone
    expect(page.get_by_text("Marked 1 notification read.")).to_be_visible()
    expect(page.locator(".notification--unread")).to_have_count(0)
    expect(_nav(page).get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    assert not Notification.objects.filter(recipient=ada, read_at__isnull=True).exists()
    visit(page, "notifications-05-all-read")

    # when: she turns off email for new requests in her preferences
    page.get_by_role("button", name="Preferences").click()
    page.wait_for_load_state()
    visit(page, "notifications-06-preferences")
    email_requests = page.get_by_label("By email: A mentoring request for you")
    expect(email_requests).to_be_checked()
    expect(page.get_by_label("In Tandem: Concerns raised")).to_be_disabled()
    email_requests.uncheck()
    page.get_by_role("button", name="Save preferences").click()
    page.wait_for_load_state()
    # then: the choice is saved and shown
    expect(page.get_by_text("Your notification preferences are saved.")).to_be_visible()
    expect(page.get_by_label("By email: A mentoring request for you")).not_to_be_checked()
    pref = NotificationPreference.objects.get(membership=ada, kind=NotificationKind.REQUEST_RECEIVED)
    assert (pref.in_app, pref.email) == (True, False)
    visit(page, "notifications-07-preferences-saved")

    # and: the next request reaches her in Tandem but not by email
    late = mentee(program, full_name="Liam Late")
    emails_before = len(mail.outbox)
    mentorship_request_create(mentee=late, mentor=ada_enrolment, message="Me too?", by=late.membership)
    assert len(mail.outbox) == emails_before
    page.reload()
    expect(_nav(page).get_by_role("link", name="Notifications, 1 unread")).to_be_visible()
