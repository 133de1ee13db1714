"""Email delivery of notifications: at most once each, retried with backoff, never losing the row.

`notification_email_send` claims a row with a conditional update (PENDING, or RETRYING and due
→ SENDING), so two workers can never both send it; then it sends. A failure of the mail backend
(any exception) marks it RETRYING with exponential backoff — 5, 10, 20, 40 minutes — and after
MAX_EMAIL_ATTEMPTS, FAILED. `notification_emails_retry` (a periodic task) picks the due ones up.
The in-app side of the notification (title, body, read state) is never touched here.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tandem.notifications.models import EmailStatus, Notification

logger = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 5
RETRY_BASE = timedelta(minutes=5)
# A SENDING claim older than this belongs to a worker that died mid-send. Whether its message left
# cannot be known, so it is marked FAILED rather than risk sending it twice.
STALE_CLAIM = timedelta(hours=1)
RETRY_BATCH = 200
# A PENDING email whose task never ran (a queue lost in a restart, a failed enqueue) is picked up
# by the periodic job once it is this old.
PENDING_GRACE = timedelta(minutes=10)
DEFAULT_SITE_URL = "http://localhost:8000"


def site_url() -> str:
    """The public base URL for links in emails: settings.SITE_URL, without a trailing slash."""
    return str(getattr(settings, "SITE_URL", "") or DEFAULT_SITE_URL).rstrip("/")


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after `attempts` failed tries: 5, 10, 20, 40 minutes…"""
    delay: timedelta = RETRY_BASE * 2 ** max(attempts - 1, 0)
    return delay


def _message(notification: Notification) -> EmailMultiAlternatives:
    base = site_url()
    user = notification.recipient.user
    slug = notification.organisation.slug
    context = {
        "notification": notification,
        "first_name": user.get_short_name() or user.email,
        "organisation": notification.organisation,
        "link": base + notification.url if notification.url else "",
        "all_link": base + reverse("notifications:list", kwargs={"org_slug": slug}),
        "preferences_link": base + reverse("notifications:preferences", kwargs={"org_slug": slug}),
    }
    message = EmailMultiAlternatives(
        subject=notification.title,
        body=render_to_string("notifications/email.txt", context),
        to=[user.email],
    )
    message.attach_alternative(render_to_string("notifications/email.html", context), "text/html")
    return message


def notification_email_send(*, notification_id: int, now: datetime | None = None) -> str:
    """Email one notification, at most once. Returns its email status afterwards.

    Only a PENDING row, or a RETRYING one that is due, is claimed; anything else (sent, being
    sent by another worker, not wanted, failed for good) is left alone.
    """
    now = now or timezone.now()
    due = Q(email_status=EmailStatus.PENDING) | Q(email_status=EmailStatus.RETRYING, email_next_at__lte=now)
    claimed = Notification.objects.filter(due, pk=notification_id).update(
        email_status=EmailStatus.SENDING, email_attempts=F("email_attempts") + 1, email_next_at=now
    )
    if not claimed:
        rows = Notification.objects.filter(pk=notification_id).values_list("email_status", flat=True)
        return rows.first() or ""
    notification = Notification.objects.select_related("recipient__user", "organisation").get(
        pk=notification_id
    )
    if not (notification.recipient.is_active and notification.recipient.user.is_active):
        # Deactivated since `notify` (or while the email waited for a retry): no more email for
        # them; the in-app notification stays.
        Notification.objects.filter(pk=notification_id, email_status=EmailStatus.SENDING).update(
            email_status=EmailStatus.OFF, email_next_at=None
        )
        return EmailStatus.OFF
    try:
        _message(notification).send(fail_silently=False)
    except Exception as exc:  # any failure of the mail backend: try again later, keep the row
        attempts = notification.email_attempts
        final = attempts >= MAX_EMAIL_ATTEMPTS
        status = EmailStatus.FAILED if final else EmailStatus.RETRYING
        logger.warning("Notification %s: email attempt %s failed: %s", notification_id, attempts, exc)
        Notification.objects.filter(pk=notification_id, email_status=EmailStatus.SENDING).update(
            email_status=status,
            email_error=f"{type(exc).__name__}: {exc}"[:500],
            email_next_at=None if final else now + retry_delay(attempts),
        )
        return status
    Notification.objects.filter(pk=notification_id, email_status=EmailStatus.SENDING).update(
        email_status=EmailStatus.SENT, emailed_at=timezone.now(), email_error="", email_next_at=None
    )
    return EmailStatus.SENT


def notification_emails_due(*, now: datetime | None = None) -> list[int]:
    """Ids of RETRYING emails whose wait is over, and of PENDING ones whose task never ran,
    oldest first (one batch)."""
    now = now or timezone.now()
    due = Q(email_status=EmailStatus.RETRYING, email_next_at__lte=now) | Q(
        email_status=EmailStatus.PENDING, created_at__lte=now - PENDING_GRACE
    )
    return list(
        Notification.objects.filter(due)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:RETRY_BATCH]
    )


def notification_emails_retry(*, now: datetime | None = None) -> dict[str, int]:
    """The periodic job: retry every due RETRYING email, send PENDING ones whose task was lost,
    and give up on claims left SENDING by a worker that died (its message may have left:
    FAILED, never a second copy)."""
    now = now or timezone.now()
    abandoned = Notification.objects.filter(
        email_status=EmailStatus.SENDING, email_next_at__lt=now - STALE_CLAIM
    ).update(
        email_status=EmailStatus.FAILED,
        email_error="Sending was interrupted; not tried again so it cannot arrive twice.",
    )
    outcome: dict[str, int] = {"abandoned": abandoned} if abandoned else {}
    for notification_id in notification_emails_due(now=now):
        status = notification_email_send(notification_id=notification_id, now=now)
        outcome[status] = outcome.get(status, 0) + 1
    return outcome
