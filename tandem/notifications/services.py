"""Writes for notifications. Every event worth telling someone about goes through `notify`."""

from __future__ import annotations

from tandem.notifications.models import Notification, NotificationKind
from tandem.organisations.models import Membership


def notify(
    *, recipient: Membership, kind: NotificationKind, title: str, body: str = "", url: str = ""
) -> Notification:
    """Record an in-app notification for `recipient` (and, per their preferences, email it
    after the surrounding transaction commits)."""
    return Notification.objects.create(
        organisation_id=recipient.organisation_id,
        recipient=recipient,
        kind=kind,
        title=title[:200],
        body=body[:4000],
        url=url,
    )
