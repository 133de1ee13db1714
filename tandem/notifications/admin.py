"""Operators' admin for notifications: mainly to see emails that failed and why."""

from __future__ import annotations

from django.contrib import admin

from tandem.notifications.models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ("title", "kind", "recipient", "created_at", "read_at", "email_status", "email_attempts")
    list_filter = ("email_status", "kind")
    search_fields = ("title", "recipient__user__email")
    raw_id_fields = ("recipient", "organisation")
    readonly_fields = ("created_at", "emailed_at", "email_error", "email_attempts", "email_next_at")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin[NotificationPreference]):
    list_display = ("membership", "kind", "in_app", "email")
    list_filter = ("kind",)
    raw_id_fields = ("membership",)
