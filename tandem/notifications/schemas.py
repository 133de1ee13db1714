"""API shapes for notifications and notification preferences."""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

import datetime as dt

from ninja import Field, Schema

from tandem.notifications.models import EmailStatus, NotificationKind
from tandem.organisations.schemas import InputSchema


class NotificationOut(Schema):
    id: int
    kind: NotificationKind
    title: str
    body: str
    url: str = Field(description="A path inside Tandem to open (may be empty)")
    created_at: dt.datetime
    read_at: dt.datetime | None
    is_unread: bool
    email_status: EmailStatus


class NotificationQuery(Schema):
    unread: bool = Field(default=False, description="Only unread notifications")


class UnreadCountOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int = Field(description="How many notifications were marked read")


class PreferenceOut(Schema):
    kind: NotificationKind
    label: str
    in_app: bool = Field(description="Arrives unread in Tandem (when false it is still kept, already read)")
    email: bool
    in_app_locked: bool = Field(description="Always shown in Tandem; only email can be turned off")


class PreferenceIn(InputSchema):
    kind: NotificationKind
    in_app: bool
    email: bool


class PreferencesIn(InputSchema):
    preferences: list[PreferenceIn] = Field(
        max_length=len(NotificationKind), description="Kinds left out keep their current setting"
    )
