"""The demo loader runs the real services; wrapped in `notifications_emails_suppressed()` it records
the demo's notifications (so the demo shows them) without emailing its people, who have no inboxes."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.core import mail

from tandem.notifications.models import EmailStatus, Notification
from tandem.notifications.services import notifications_emails_suppressed
from tandem.people.demo import MIN_PEOPLE, demo_load

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def test_demo_load_records_notifications_but_sends_no_email(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    with django_capture_on_commit_callbacks(execute=True), notifications_emails_suppressed():
        demo_load(seed=7, people=MIN_PEOPLE)
    assert Notification.objects.exists()
    assert set(Notification.objects.values_list("email_status", flat=True)) == {EmailStatus.OFF}
    assert mail.outbox == []
