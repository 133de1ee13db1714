"""Writes for notifications. Every event worth telling someone about goes through `notify`.

`notify` records the in-app notification inside the caller's transaction (it disappears with
a rollback, like the event it tells of) and, once that transaction commits, enqueues the
`send_notification_email` task — unless the recipient turned email off for that kind. Sending,
retrying and the at-most-once guarantee live in `tandem.notifications.delivery`.

`notifications_emails_suppressed()` records notifications without emailing them (the demo
loader wraps itself in it: the demo's people have no inboxes).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.utils import timezone

from tandem.notifications.errors import NotificationInvalid, NotificationNotFound
from tandem.notifications.models import (
    ALWAYS_IN_APP,
    EmailStatus,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from tandem.notifications.tasks import send_notification_email
from tandem.organisations.models import Membership

logger = logging.getLogger(__name__)

_emails_suppressed: ContextVar[bool] = ContextVar("notifications_emails_suppressed", default=False)


@contextmanager
def notifications_emails_suppressed() -> Iterator[None]:
    """Within this block `notify` still records every in-app notification, but emails none of
    them (email_status OFF). For bulk loads such as the demo organisation, whose people have no
    real inboxes: `with notifications_emails_suppressed(): demo_load(...)`."""
    token = _emails_suppressed.set(True)
    try:
        yield
    finally:
        _emails_suppressed.reset(token)


def safe_internal_url(url: str) -> str:
    """`url` if it is a path inside this site ("/o/acme/…"), else "" — so a notification's
    link can never send anyone to another site (no scheme, no host, no "//", no backslash)."""
    url = (url or "").strip()
    if (
        not url.startswith("/")
        or url.startswith("//")
        or "\\" in url
        or any(ord(ch) < 32 or ch.isspace() for ch in url)
        or len(url) > 500
    ):
        return ""
    return url


def _wants(recipient: Membership, kind: str) -> tuple[bool, bool]:
    """(in_app, email) for this recipient and kind; the defaults when they never chose."""
    pref = NotificationPreference.objects.filter(membership=recipient, kind=kind).values_list(
        "in_app", "email"
    )
    in_app, email = pref.first() or (True, True)
    return in_app or kind in ALWAYS_IN_APP, email


def notify(
    *, recipient: Membership, kind: NotificationKind, title: str, body: str = "", url: str = ""
) -> Notification:
    """Record an in-app notification for `recipient` (and, per their preferences, email it
    after the surrounding transaction commits).

    `url` must be a path inside the app ("/o/<slug>/…"); anything else is dropped (logged).
    """
    kind = NotificationKind(kind)
    safe_url = safe_internal_url(url)
    if url and not safe_url:
        logger.warning("notify(%s): dropped a link that is not an internal path: %r", kind, url)
    in_app, email = _wants(recipient, kind)
    emailing = email and recipient.is_active and not _emails_suppressed.get()
    now = timezone.now()
    notification = Notification.objects.create(
        organisation_id=recipient.organisation_id,
        recipient=recipient,
        kind=kind,
        # One line: the title is the email's subject, and a header may not hold a line break.
        title=" ".join(title.split())[:200],
        body=body.strip()[:4000],
        url=safe_url,
        # Muted in the app: kept as the record, but it arrives read and never raises the count.
        read_at=None if in_app else now,
        email_status=EmailStatus.PENDING if emailing else EmailStatus.OFF,
    )
    if emailing:
        # robust: a failed enqueue must not fail the caller's request; the periodic job sends
        # PENDING emails whose task never ran.
        transaction.on_commit(partial(send_notification_email.enqueue, notification.pk), robust=True)
    return notification


# --- reading state ------------------------------------------------------------------------------


def _own(notification_id: int, by: Membership) -> Notification:
    notification = Notification.objects.filter(
        pk=notification_id, recipient=by, organisation_id=by.organisation_id
    ).first()
    if notification is None:
        raise NotificationNotFound("No such notification.")
    return notification


def notification_mark_read(*, notification_id: int, by: Membership) -> Notification:
    """Mark one of `by`'s notifications read (again is fine). Anyone else's is not found."""
    notification = _own(notification_id, by)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notification_mark_all_read(*, by: Membership) -> int:
    """Mark every unread notification of `by` in their organisation read; returns how many."""
    return Notification.objects.filter(
        recipient=by, organisation_id=by.organisation_id, read_at__isnull=True
    ).update(read_at=timezone.now())


# --- preferences ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreferenceChoice:
    in_app: bool
    email: bool


@transaction.atomic
def notification_preferences_set(
    *, membership: Membership, choices: Mapping[str, PreferenceChoice], by: Membership
) -> None:
    """Set `membership`'s preferences for the kinds in `choices` (others stay as they are).

    In-app cannot be turned off for kinds in ALWAYS_IN_APP."""
    if by.pk != membership.pk:
        raise NotificationNotFound("No such member.")
    for kind, choice in choices.items():
        if kind not in NotificationKind.values:
            raise NotificationInvalid(f"Unknown kind of notification: {kind!r}.", field="kind")
        if not choice.in_app and kind in ALWAYS_IN_APP:
            raise NotificationInvalid(
                f"“{NotificationKind(kind).label}” always show in Tandem; only email can be off.",
                field="in_app",
            )
    existing = {
        p.kind: p for p in NotificationPreference.objects.select_for_update().filter(membership=membership)
    }
    to_create, to_update = [], []
    for kind, choice in choices.items():
        pref = existing.get(kind)
        if pref is None:
            to_create.append(
                NotificationPreference(
                    membership=membership, kind=kind, in_app=choice.in_app, email=choice.email
                )
            )
        elif (pref.in_app, pref.email) != (choice.in_app, choice.email):
            pref.in_app, pref.email = choice.in_app, choice.email
            to_update.append(pref)
    NotificationPreference.objects.bulk_create(to_create)
    NotificationPreference.objects.bulk_update(to_update, ["in_app", "email"])
