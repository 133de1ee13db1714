"""Operators' admin for tenants. Day-to-day member management happens in the app."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from tandem.organisations.models import Invitation, Membership, Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("name", "slug", "created_at")
    search_fields = ("name", "slug")
    readonly_fields = ("created_at",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ("user", "organisation", "role", "is_active", "joined_at")
    list_filter = ("role", "is_active", "organisation")
    search_fields = ("user__email", "user__full_name", "organisation__name")
    list_select_related = ("user", "organisation")
    raw_id_fields = ("user", "organisation")
    readonly_fields = ("joined_at", "deactivated_at")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    """Only the key's hash is stored, so invitations are made in the app (which emails the link)."""

    list_display = ("email", "organisation", "role", "created_at", "expires_at", "accepted_at", "revoked_at")
    list_filter = ("role", "organisation")
    search_fields = ("email", "organisation__name")
    list_select_related = ("organisation",)
    readonly_fields = (
        "organisation",
        "email",
        "role",
        "key_hash",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:  # noqa: ARG002 — Django's signature
        return False
