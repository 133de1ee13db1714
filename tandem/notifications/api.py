"""JSON API of the notifications app: organisation-scoped under /api/orgs/{org_slug}/.

Every operation works on the caller's own notifications in that organisation only: another
member's notification id is a 404, the same as one that does not exist.
"""

# No `from __future__ import annotations`: ninja reads signatures at runtime.

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from tandem.api_pagination import Pagination
from tandem.notifications.errors import NotificationInvalid
from tandem.notifications.models import Notification
from tandem.notifications.schemas import (
    MarkedOut,
    NotificationOut,
    NotificationQuery,
    PreferenceOut,
    PreferencesIn,
    UnreadCountOut,
)
from tandem.notifications.selectors import (
    PreferenceRow,
    notification_list,
    notification_preferences,
    notification_unread_count,
)
from tandem.notifications.services import (
    PreferenceChoice,
    notification_mark_all_read,
    notification_mark_read,
    notification_preferences_set,
)
from tandem.organisations.api import MAX_PAGE_SIZE, org_membership
from tandem.organisations.schemas import ObjectId

router = Router(tags=["notifications"])


@router.get(
    "/orgs/{org_slug}/notifications",
    response=list[NotificationOut],
    summary="My notifications in this organisation, newest first",
)
@paginate(Pagination, max_limit=MAX_PAGE_SIZE)
def my_notifications(
    request: HttpRequest, org_slug: str, filters: Query[NotificationQuery]
) -> QuerySet[Notification]:
    caller = org_membership(request, org_slug)
    return notification_list(organisation=caller.organisation, viewer=caller, unread_only=filters.unread)


@router.get(
    "/orgs/{org_slug}/notifications/unread-count",
    response=UnreadCountOut,
    summary="How many of my notifications are unread",
)
def my_unread_count(request: HttpRequest, org_slug: str) -> dict[str, int]:
    caller = org_membership(request, org_slug)
    return {"unread": notification_unread_count(organisation=caller.organisation, viewer=caller)}


@router.post(
    "/orgs/{org_slug}/notifications/{notification_id}/read",
    response=NotificationOut,
    summary="Mark one of my notifications read",
)
def notification_read(request: HttpRequest, org_slug: str, notification_id: ObjectId) -> Notification:
    caller = org_membership(request, org_slug)
    return notification_mark_read(notification_id=notification_id, by=caller)


@router.post(
    "/orgs/{org_slug}/notifications/read-all",
    response=MarkedOut,
    summary="Mark all my notifications read",
)
def notification_read_all(request: HttpRequest, org_slug: str) -> dict[str, int]:
    caller = org_membership(request, org_slug)
    return {"marked": notification_mark_all_read(by=caller)}


@router.get(
    "/orgs/{org_slug}/notifications/preferences",
    response=list[PreferenceOut],
    summary="How I am told about each kind of notification",
)
def my_preferences(request: HttpRequest, org_slug: str) -> list[PreferenceRow]:
    caller = org_membership(request, org_slug)
    return notification_preferences(membership=caller)


@router.put(
    "/orgs/{org_slug}/notifications/preferences",
    response=list[PreferenceOut],
    summary="Set how I am told about some kinds of notification (kinds left out stay as they are)",
)
def my_preferences_set(request: HttpRequest, org_slug: str, payload: PreferencesIn) -> list[PreferenceRow]:
    caller = org_membership(request, org_slug)
    choices: dict[str, PreferenceChoice] = {}
    for item in payload.preferences:
        if item.kind.value in choices:
            raise NotificationInvalid(f"“{item.kind.value}” is listed twice.", field="preferences")
        choices[item.kind.value] = PreferenceChoice(in_app=item.in_app, email=item.email)
    notification_preferences_set(membership=caller, choices=choices, by=caller)
    return notification_preferences(membership=caller)
