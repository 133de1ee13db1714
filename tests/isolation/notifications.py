"""Notifications in the tenant isolation walk: B's admin has an unread notification in B."""

from __future__ import annotations

from tandem.notifications.models import Notification, NotificationKind, NotificationPreference
from tandem.notifications.services import notify
from tandem.organisations.models import Organisation
from tests.isolation import Endpoint, OrgB

NOTIFICATIONS = "/orgs/{org_slug}/notifications"

ENDPOINTS = [
    Endpoint("get", NOTIFICATIONS),
    Endpoint("get", NOTIFICATIONS + "/unread-count"),
    Endpoint("post", NOTIFICATIONS + "/{notification_id}/read"),
    Endpoint("post", NOTIFICATIONS + "/read-all"),
    Endpoint("get", NOTIFICATIONS + "/preferences"),
    Endpoint(
        "put",
        NOTIFICATIONS + "/preferences",
        {"preferences": [{"kind": "matched", "in_app": True, "email": False}]},
    ),
]


def setup(b: OrgB) -> dict[str, int]:
    notification = notify(
        recipient=b.admin,
        kind=NotificationKind.MATCHED,
        title="B's private news",
        url=f"/o/{b.organisation.slug}/mentorships/",
    )
    return {"notification_id": notification.pk}


def snapshot(org_b: Organisation) -> tuple[object, ...]:
    return (
        tuple(Notification.objects.filter(organisation=org_b).order_by("pk").values_list("pk", "read_at")),
        tuple(
            NotificationPreference.objects.filter(membership__organisation=org_b)
            .order_by("pk")
            .values_list("pk", "kind", "in_app", "email")
        ),
    )
