"""`notify` and email delivery: recorded in the caller's transaction, emailed only after it
commits, per the member's preferences, retried with backoff when the mail server fails, never
twice, and the in-app notification never lost."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from tandem.notifications.delivery import (
    MAX_EMAIL_ATTEMPTS,
    notification_email_send,
    notification_emails_retry,
    retry_delay,
)
from tandem.notifications.models import EmailStatus, Notification, NotificationKind
from tandem.notifications.services import (
    PreferenceChoice,
    notification_preferences_set,
    notifications_emails_suppressed,
    notify,
    safe_internal_url,
)
from tandem.notifications.tests.backends import BROKEN, WORKING, BrokenBackend
from tandem.organisations.models import Membership

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def _notify(
    member: Membership, kind: NotificationKind = NotificationKind.MATCHED, **kwargs: Any
) -> Notification:
    kwargs.setdefault("title", "You have been matched in Pilot")
    kwargs.setdefault("body", "You have been matched with Ada Lovelace.")
    kwargs.setdefault("url", f"/o/{member.organisation.slug}/mentorships/")
    return notify(recipient=member, kind=kind, **kwargs)


def _reload(notification: Notification) -> Notification:
    return Notification.objects.get(pk=notification.pk)


def test_notify_records_now_and_emails_only_after_commit(
    member: Membership, django_capture_on_commit_callbacks: Capture
) -> None:
    # given / when: an event notifies inside a transaction
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = _notify(member)
        # then: the in-app notification exists at once, unread, but nothing is emailed yet
        assert notification.is_unread
        assert _reload(notification).email_status == EmailStatus.PENDING
        assert mail.outbox == []
    # when the transaction commits
    for callback in callbacks:
        callback()
    # then: one email, with the title as subject and an absolute link
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member.user.email]
    assert message.subject == "You have been matched in Pilot"
    assert "You have been matched with Ada Lovelace." in message.body
    assert f"http://localhost:8000/o/{member.organisation.slug}/mentorships/" in message.body
    html = message.alternatives[0]  # type: ignore[attr-defined]
    assert html[1] == "text/html"
    assert "Ada Lovelace" in html[0]
    sent = _reload(notification)
    assert (sent.email_status, sent.email_attempts, sent.emailed_at is not None) == (
        EmailStatus.SENT,
        1,
        True,
    )


def test_links_in_emails_use_the_site_url_setting(
    member: Membership, settings: Any, django_capture_on_commit_callbacks: Capture
) -> None:
    settings.SITE_URL = "https://mentoring.example.org/"
    with django_capture_on_commit_callbacks(execute=True):
        _notify(member)
    assert f"https://mentoring.example.org/o/{member.organisation.slug}/mentorships/" in mail.outbox[0].body
    assert f"https://mentoring.example.org/o/{member.organisation.slug}/notifications/preferences/" in (
        mail.outbox[0].body
    )


@transaction.atomic
def _failing_event(member: Membership, title: str = "Rolled back") -> None:
    _notify(member, title=title)
    raise RuntimeError("the event itself failed")


def test_rollback_leaves_no_notification_and_sends_nothing(
    member: Membership, django_capture_on_commit_callbacks: Capture
) -> None:
    # given / when: the event's transaction fails after notifying
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        _failing_event(member)
    # then: no row, no email, nothing left to run
    assert Notification.objects.count() == 0
    assert callbacks == []
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_real_commit_and_real_rollback(member: Membership) -> None:
    """Without the test's wrapping transaction: on_commit fires on a real COMMIT only."""
    # when: one event commits, another rolls back
    with transaction.atomic():
        _notify(member, title="Committed")
        assert mail.outbox == []
    with pytest.raises(RuntimeError):
        _failing_event(member)
    # then
    assert list(Notification.objects.values_list("title", flat=True)) == ["Committed"]
    assert [m.subject for m in mail.outbox] == ["Committed"]


def test_email_off_for_a_kind_records_in_app_only(
    member: Membership, django_capture_on_commit_callbacks: Capture
) -> None:
    # given: no email for meeting reminders
    notification_preferences_set(
        membership=member,
        choices={NotificationKind.MEETING_REMINDER: PreferenceChoice(in_app=True, email=False)},
        by=member,
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        reminder = _notify(member, NotificationKind.MEETING_REMINDER, title="Meeting tomorrow")
        match = _notify(member, NotificationKind.MATCHED, title="Matched")
    # then: the reminder is in the app (unread) but not emailed; other kinds still are
    assert (reminder.email_status, reminder.is_unread) == (EmailStatus.OFF, True)
    assert [m.subject for m in mail.outbox] == ["Matched"]
    assert _reload(match).email_status == EmailStatus.SENT


def test_in_app_muted_is_still_recorded_but_arrives_read(member: Membership) -> None:
    # given
    notification_preferences_set(
        membership=member,
        choices={NotificationKind.GOAL: PreferenceChoice(in_app=False, email=False)},
        by=member,
    )
    # when
    goal = _notify(member, NotificationKind.GOAL, title="Goal updated")
    # then: kept as the record, already read, not emailed
    assert Notification.objects.filter(pk=goal.pk).exists()
    assert goal.read_at is not None
    assert goal.email_status == EmailStatus.OFF


def test_always_in_app_kinds_cannot_be_muted(member: Membership) -> None:
    from tandem.errors import DomainError

    with pytest.raises(DomainError) as refused:
        notification_preferences_set(
            membership=member,
            choices={NotificationKind.CONCERN: PreferenceChoice(in_app=False, email=False)},
            by=member,
        )
    assert refused.value.field == "in_app"
    # and their email may still be turned off
    notification_preferences_set(
        membership=member,
        choices={NotificationKind.CONCERN: PreferenceChoice(in_app=True, email=False)},
        by=member,
    )
    concern = _notify(member, NotificationKind.CONCERN, title="A concern was raised")
    assert (concern.is_unread, concern.email_status) == (True, EmailStatus.OFF)


def test_preferences_are_per_member(member: Membership, org_admin: Membership) -> None:
    notification_preferences_set(
        membership=member,
        choices={NotificationKind.MATCHED: PreferenceChoice(in_app=True, email=False)},
        by=member,
    )
    assert _notify(member).email_status == EmailStatus.OFF
    assert _notify(org_admin).email_status == EmailStatus.PENDING


def test_deactivated_member_is_not_emailed(member: Membership) -> None:
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert _notify(member).email_status == EmailStatus.OFF


def test_suppressed_block_records_without_emailing(
    member: Membership, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with notifications_emails_suppressed():
            quiet = _notify(member, title="Demo event")
        loud = _notify(member, title="Real event")
    assert quiet.email_status == EmailStatus.OFF
    assert quiet.is_unread
    assert len(callbacks) == 1
    assert [m.subject for m in mail.outbox] == ["Real event"]
    assert _reload(loud).email_status == EmailStatus.SENT


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "/\\evil.example",
        "javascript:alert(1)",
        "o/acme/relative",
        "/o/acme/\nLocation: https://evil.example",
        "/" + "x" * 600,
    ],
)
def test_notify_drops_links_that_leave_the_site(member: Membership, url: str) -> None:
    notification = _notify(member, url=url)
    assert notification.url == ""
    assert safe_internal_url(url) == ""


def test_notify_keeps_internal_paths(member: Membership) -> None:
    assert (
        _notify(member, url="/o/acme/mentorships/3/?tab=goals#g2").url
        == "/o/acme/mentorships/3/?tab=goals#g2"
    )


def test_title_and_body_are_trimmed_to_their_columns(member: Membership) -> None:
    notification = _notify(member, title="T" * 300, body="B" * 5000)
    assert (len(notification.title), len(notification.body)) == (200, 4000)


# --- failures and retries ------------------------------------------------------------------------


def test_failed_send_is_retried_later_and_the_in_app_notification_is_intact(
    member: Membership, settings: Any, django_capture_on_commit_callbacks: Capture
) -> None:
    # given: the mail server is down when the event happens
    settings.EMAIL_BACKEND = BROKEN
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(member)
    # then: the email waits for a retry; the notification itself is untouched
    failed = _reload(notification)
    assert failed.email_status == EmailStatus.RETRYING
    assert failed.email_attempts == 1
    assert "SMTPServerDisconnected" in failed.email_error
    assert (failed.title, failed.body, failed.url, failed.read_at) == (
        notification.title,
        notification.body,
        notification.url,
        None,
    )
    assert failed.email_next_at is not None
    # when: the periodic job runs before the backoff is over, with the server back
    settings.EMAIL_BACKEND = WORKING
    notification_emails_retry(now=timezone.now())
    # then: nothing is sent yet
    assert mail.outbox == []
    assert _reload(notification).email_status == EmailStatus.RETRYING
    # when: it runs after the backoff
    outcome = notification_emails_retry(now=failed.email_next_at + timedelta(seconds=1))
    # then: sent, once
    assert outcome == {EmailStatus.SENT: 1}
    assert len(mail.outbox) == 1
    sent = _reload(notification)
    assert (sent.email_status, sent.email_attempts, sent.email_error) == (EmailStatus.SENT, 2, "")


def test_five_failures_give_up_with_growing_waits(member: Membership, settings: Any) -> None:
    # given: a mail server that stays down
    settings.EMAIL_BACKEND = BROKEN
    BrokenBackend.calls = 0
    notification = _notify(member)
    now = timezone.now()
    waits = []
    # when: the first send and every retry fail
    assert notification_email_send(notification_id=notification.pk, now=now) == EmailStatus.RETRYING
    for _ in range(MAX_EMAIL_ATTEMPTS - 1):
        row = _reload(notification)
        assert row.email_next_at is not None
        waits.append(row.email_next_at - now)
        now = row.email_next_at
        notification_emails_retry(now=now)
    # then: the waits double, and after five attempts it is FAILED for good
    assert waits == [retry_delay(n) for n in range(1, MAX_EMAIL_ATTEMPTS)]
    assert waits[0] == timedelta(minutes=5)
    assert waits[-1] == timedelta(minutes=40)
    final = _reload(notification)
    assert (final.email_status, final.email_attempts, final.email_next_at) == (
        EmailStatus.FAILED,
        MAX_EMAIL_ATTEMPTS,
        None,
    )
    assert BrokenBackend.calls == MAX_EMAIL_ATTEMPTS
    # and later runs leave it alone, with the notification still there, unread
    notification_emails_retry(now=now + timedelta(days=1))
    assert BrokenBackend.calls == MAX_EMAIL_ATTEMPTS
    assert _reload(notification).is_unread


def test_never_emailed_twice(member: Membership, django_capture_on_commit_callbacks: Capture) -> None:
    # given: a notification already emailed
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(member)
    assert len(mail.outbox) == 1
    # when: its task runs again (a duplicate enqueue) and the periodic job runs much later
    assert notification_email_send(notification_id=notification.pk) == EmailStatus.SENT
    notification_emails_retry(now=timezone.now() + timedelta(days=1))
    # then: still one email
    assert len(mail.outbox) == 1
    assert _reload(notification).email_attempts == 1


def test_a_claim_taken_by_another_worker_is_not_sent_again(member: Membership) -> None:
    # given: another worker has claimed the email and is sending it
    notification = _notify(member)
    Notification.objects.filter(pk=notification.pk).update(
        email_status=EmailStatus.SENDING, email_next_at=timezone.now()
    )
    # when: a second worker tries
    assert notification_email_send(notification_id=notification.pk) == EmailStatus.SENDING
    # then: it sends nothing
    assert mail.outbox == []


def test_a_claim_abandoned_by_a_dead_worker_fails_rather_than_risk_a_duplicate(member: Membership) -> None:
    notification = _notify(member)
    Notification.objects.filter(pk=notification.pk).update(
        email_status=EmailStatus.SENDING, email_next_at=timezone.now() - timedelta(hours=2)
    )
    assert notification_emails_retry() == {"abandoned": 1}
    assert _reload(notification).email_status == EmailStatus.FAILED
    assert mail.outbox == []


def test_a_pending_email_whose_task_was_lost_is_sent_by_the_periodic_job(member: Membership) -> None:
    # given: a committed notification whose task never ran (its on_commit callback is dropped here)
    notification = _notify(member)
    # when: the periodic job runs soon after, then after the grace period
    notification_emails_retry(now=timezone.now())
    assert mail.outbox == []
    notification_emails_retry(now=timezone.now() + timedelta(minutes=11))
    # then
    assert len(mail.outbox) == 1
    assert _reload(notification).email_status == EmailStatus.SENT


def test_emails_turned_off_are_never_sent(member: Membership) -> None:
    with notifications_emails_suppressed():
        notification = _notify(member)
    assert notification_email_send(notification_id=notification.pk) == EmailStatus.OFF
    notification_emails_retry(now=timezone.now() + timedelta(days=1))
    assert mail.outbox == []


def test_retry_task_is_registered_as_periodic() -> None:
    from tandem.notifications.tasks import retry_notification_emails
    from tandem.periodic import periodic_tasks

    assert retry_notification_emails in periodic_tasks()
