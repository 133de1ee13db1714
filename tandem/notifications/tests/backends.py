"""Mail backends for tests: one that always fails, like an SMTP server that is down."""

from __future__ import annotations

from collections.abc import Sequence
from smtplib import SMTPServerDisconnected

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

BROKEN = "tandem.notifications.tests.backends.BrokenBackend"
WORKING = "django.core.mail.backends.locmem.EmailBackend"


class BrokenBackend(BaseEmailBackend):
    calls = 0

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        BrokenBackend.calls += 1
        raise SMTPServerDisconnected("Connection unexpectedly closed")
