"""Reads for organisations and memberships. Every query is scoped by organisation."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tandem.accounts.models import User
from tandem.organisations.errors import OrganisationNotFound
from tandem.organisations.models import ROLE_RANK, Invitation, Membership, Organisation, Role


def membership_for(*, user: User, org_slug: str, min_role: str = Role.MEMBER) -> Membership:
    """The caller's active membership in the organisation, or OrganisationNotFound.

    Outsiders and under-privileged members get the same "not found", so the existence of
    another tenant's organisation (or its admin pages) is never confirmed.
    """
    membership = (
        # The profile comes along for its time zone, which every page of the organisation uses.
        Membership.objects.select_related("organisation", "user", "profile")
        .filter(user=user, organisation__slug=org_slug, is_active=True)
        .first()
    )
    if membership is None or ROLE_RANK[Role(membership.role)] < ROLE_RANK[Role(min_role)]:
        raise OrganisationNotFound("No such organisation.")
    return membership


def memberships_of(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.select_related("organisation")
        .filter(user=user, is_active=True)
        .order_by("organisation__name")
    )


def membership_list(
    *, organisation: Organisation, query: str = "", include_inactive: bool = True
) -> QuerySet[Membership]:
    qs = Membership.objects.select_related("user").filter(organisation=organisation)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if query:
        qs = qs.filter(Q(user__full_name__icontains=query) | Q(user__email__icontains=query))
    return qs.order_by("-is_active", "user__full_name", "user__email")


def membership_get(*, organisation: Organisation, membership_id: int) -> Membership:
    membership = (
        Membership.objects.select_related("user", "organisation")
        .filter(organisation=organisation, pk=membership_id)
        .first()
    )
    if membership is None:
        raise OrganisationNotFound("No such member.")
    return membership


def invitation_list_open(*, organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.select_related("invited_by").filter(
        organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True
    )


def invitation_get(*, organisation: Organisation, invitation_id: int) -> Invitation:
    invitation = Invitation.objects.filter(organisation=organisation, pk=invitation_id).first()
    if invitation is None:
        raise OrganisationNotFound("No such invitation.")
    return invitation
