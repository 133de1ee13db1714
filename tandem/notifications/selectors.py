"""Reads for notifications: always the viewer's own, in the organisation being viewed."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from tandem.notifications.errors import NotificationNotFound
from tandem.notifications.models import ALWAYS_IN_APP, Notification, NotificationKind, NotificationPreference
from tandem.organisations.models import Membership, Organisation


def notification_list(
    *, organisation: Organisation, viewer: Membership, unread_only: bool = False
) -> QuerySet[Notification]:
    """The viewer's notifications in `organisation`, newest first."""
    notifications = Notification.objects.filter(organisation=organisation, recipient=viewer)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-pk")


def notification_unread_count(*, organisation: Organisation | int, viewer: Membership) -> int:
    """How many of the viewer's notifications in `organisation` are unread (one query)."""
    return Notification.objects.filter(
        organisation=organisation, recipient=viewer, read_at__isnull=True
    ).count()


def notification_get(*, organisation: Organisation, viewer: Membership, notification_id: int) -> Notification:
    """One of the viewer's notifications; anyone else's does not exist for them."""
    notification = Notification.objects.filter(
        organisation=organisation, recipient=viewer, pk=notification_id
    ).first()
    if notification is None:
        raise NotificationNotFound("No such notification.")
    return notification


@dataclass(frozen=True)
class PreferenceRow:
    kind: str
    label: str
    in_app: bool
    email: bool
    in_app_locked: bool  # always shown in the app (ALWAYS_IN_APP)


def notification_preferences(*, membership: Membership) -> list[PreferenceRow]:
    """Every kind of notification with the member's choice (defaults where they never chose)."""
    chosen = {
        kind: (in_app, email)
        for kind, in_app, email in NotificationPreference.objects.filter(membership=membership).values_list(
            "kind", "in_app", "email"
        )
    }
    rows = []
    for kind in NotificationKind:
        in_app, email = chosen.get(kind.value, (True, True))
        locked = kind.value in ALWAYS_IN_APP
        rows.append(
            PreferenceRow(
                kind=kind.value, label=kind.label, in_app=in_app or locked, email=email, in_app_locked=locked
            )
        )
    return rows
