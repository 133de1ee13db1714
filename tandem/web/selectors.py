"""Reads behind the home page and the dashboards. Every query is scoped by organisation,
and each function costs a fixed number of queries whatever the organisation's size."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from tandem.accounts.models import User
from tandem.organisations.models import Invitation, Membership, Organisation, Role
from tandem.organisations.selectors import memberships_of
from tandem.people.models import Profile


def membership_current(*, user: User, preferred_slug: str | None) -> Membership | None:
    """The organisation to land in: the one visited last if still a member, else the first."""
    memberships = list(memberships_of(user=user))
    if not memberships:
        return None
    return next((m for m in memberships if m.organisation.slug == preferred_slug), memberships[0])


@dataclass(frozen=True, kw_only=True)
class MentoringCounts:
    members: int
    open_to_mentor: int
    seeking_mentorship: int
    mentor_capacity: int


@dataclass(frozen=True, kw_only=True)
class AdminCounts:
    open_invitations: int
    inactive_members: int
    org_admins: int
    program_admins: int


def dashboard_mentoring_counts(*, organisation: Organisation) -> MentoringCounts:
    """Active members and how many offer or seek mentoring — one query."""
    # Aliases differ from the field names: Django refuses an aggregate that shadows a field.
    row = Profile.objects.filter(organisation=organisation, membership__is_active=True).aggregate(
        n_members=Count("pk"),
        n_mentors=Count("pk", filter=Q(open_to_mentor=True)),
        n_seeking=Count("pk", filter=Q(seeking_mentorship=True)),
        # Capacity only counts for people actually open to mentoring.
        n_places=Coalesce(Sum("mentoring_capacity", filter=Q(open_to_mentor=True)), 0),
    )
    return MentoringCounts(
        members=row["n_members"],
        open_to_mentor=row["n_mentors"],
        seeking_mentorship=row["n_seeking"],
        mentor_capacity=row["n_places"],
    )


def dashboard_admin_counts(*, organisation: Organisation) -> AdminCounts:
    """What an org admin keeps an eye on — two queries."""
    memberships = Membership.objects.filter(organisation=organisation).aggregate(
        inactive=Count("pk", filter=Q(is_active=False)),
        org_admins=Count("pk", filter=Q(is_active=True, role=Role.ORG_ADMIN)),
        program_admins=Count("pk", filter=Q(is_active=True, role=Role.PROGRAM_ADMIN)),
    )
    open_invitations = Invitation.objects.filter(
        organisation=organisation,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).count()
    return AdminCounts(
        open_invitations=open_invitations,
        inactive_members=memberships["inactive"],
        org_admins=memberships["org_admins"],
        program_admins=memberships["program_admins"],
    )


def membership_recent_list(*, organisation: Organisation, limit: int = 5) -> list[Membership]:
    """The newest active members, with their profiles — one query."""
    return list(
        Membership.objects.filter(organisation=organisation, is_active=True)
        .select_related("user", "profile__department")
        .order_by("-joined_at", "-pk")[:limit]
    )
