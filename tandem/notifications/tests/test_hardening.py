"""Review findings for notifications: a title with a line break must still be emailed, a member
deactivated before the email goes out gets none, and open/read endpoints of someone else's
notification or with odd links never leak or leave the site."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from conftest import login
from tandem.notifications.delivery import notification_email_send, notification_emails_retry
from tandem.notifications.models import EmailStatus, Notification, NotificationKind
from tandem.notifications.services import notify
from tandem.organisations.models import Membership, Organisation
from tests.factories import make_member

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def _notify(member: Membership, **kwargs: Any) -> Notification:
    kwargs.setdefault("title", "News")
    return notify(recipient=member, kind=NotificationKind.MEETING_SCHEDULED, **kwargs)


def test_a_title_with_a_line_break_is_one_line_and_emailed(
    member: Membership, django_capture_on_commit_callbacks: Capture
) -> None:
    # given a title built from something a person typed, with a line break in it
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(member, title="Ada scheduled a meeting: Career\r\nplan")
    # then it is kept on one line, and the email (whose subject it is) went out
    assert notification.title == "Ada scheduled a meeting: Career plan"
    assert [m.subject for m in mail.outbox] == ["Ada scheduled a meeting: Career plan"]
    assert Notification.objects.get(pk=notification.pk).email_status == EmailStatus.SENT


@pytest.mark.parametrize("who", ["membership", "user"])
def test_deactivated_before_the_email_goes_out_gets_none(member: Membership, who: str) -> None:
    # given a notification whose email waits (its task not run yet)
    notification = _notify(member)
    assert notification.email_status == EmailStatus.PENDING
    # when the member (or their account) is deactivated, then the email is due
    target = member if who == "membership" else member.user
    target.is_active = False
    target.save(update_fields=["is_active"])
    status = notification_email_send(notification_id=notification.pk)
    # then no email, none later either, and the in-app notification is intact
    assert status == EmailStatus.OFF
    notification_emails_retry(now=timezone.now() + timedelta(days=1))
    assert mail.outbox == []
    assert Notification.objects.get(pk=notification.pk).is_unread


def test_someone_elses_notification_cannot_be_opened_or_read_by_post(
    client: Client, member: Membership, org: Organisation
) -> None:
    # given a notification of another member of the same organisation
    theirs = _notify(make_member(org), title="THEIRS", url=f"/o/{org.slug}/mentorships/")
    login(client, member)
    base = f"/o/{org.slug}/notifications/{theirs.pk}/"
    # when the member posts to open it or mark it read, with and without htmx
    answers = [
        client.post(base + "open/"),
        client.post(base + "read/"),
        client.post(base + "read/", headers={"HX-Request": "true"}),
    ]
    # then it does not exist for them and stays unread
    assert [a.status_code for a in answers] == [404, 404, 404]
    assert all(b"THEIRS" not in a.content for a in answers)
    assert Notification.objects.get(pk=theirs.pk).is_unread


@pytest.mark.parametrize(
    "url",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "/o/x/\tevil"],
)
def test_open_never_follows_a_stored_link_that_leaves_the_site(
    client: Client, member: Membership, org: Organisation, url: str
) -> None:
    # given a row whose link was written without `notify` (an import, an old version)
    notification = _notify(member)
    Notification.objects.filter(pk=notification.pk).update(url=url)
    # when it is opened
    response = login(client, member).post(f"/o/{org.slug}/notifications/{notification.pk}/open/")
    # then the member lands on their notifications, never elsewhere
    assert response.status_code == 302
    assert response["Location"] == f"/o/{org.slug}/notifications/"
