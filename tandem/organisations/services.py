"""Writes for organisations, memberships and invitations."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from tandem.accounts.models import User, hash_token
from tandem.organisations.errors import InvitationInvalid, MembershipConflict, NotAllowed
from tandem.organisations.models import Invitation, Membership, Organisation, Role
from tandem.people.services import profile_create_for, taxonomy_seed_defaults


@transaction.atomic
def organisation_create(*, name: str, slug: str = "", creator: User | None = None) -> Organisation:
    """Create an organisation with the default taxonomy; the creator becomes its org admin."""
    slug = slugify(slug or name)[:60]
    if not slug:
        raise MembershipConflict("The organisation needs a name made of letters or digits.", field="name")
    if Organisation.objects.filter(slug=slug).exists():
        raise MembershipConflict(f"An organisation with the address “{slug}” already exists.", field="slug")
    organisation = Organisation.objects.create(name=name.strip(), slug=slug)
    taxonomy_seed_defaults(organisation=organisation)
    if creator is not None:
        membership_create(organisation=organisation, user=creator, role=Role.ORG_ADMIN)
    return organisation


@transaction.atomic
def membership_create(*, organisation: Organisation, user: User, role: str = Role.MEMBER) -> Membership:
    """Add a user to an organisation (or reactivate them) with an empty profile."""
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    if not created:
        if membership.is_active:
            raise MembershipConflict(f"{user.email} is already a member of {organisation}.", field="email")
        membership.is_active = True
        membership.deactivated_at = None
        membership.role = role
        membership.save(update_fields=["is_active", "deactivated_at", "role"])
    profile_create_for(membership=membership)
    return membership


def _require_org_admin(by: Membership, organisation: Organisation) -> None:
    if by.organisation_id != organisation.pk or not by.is_active or not by.is_org_admin:
        raise NotAllowed("Only organisation admins can manage members.")


def invitation_create(
    *, organisation: Organisation, email: str, role: str, by: Membership, base_url: str
) -> tuple[Invitation, str]:
    """Invite someone by email. Returns the invitation and the raw key (sent, never stored)."""
    _require_org_admin(by, organisation)
    email = email.strip().lower()
    if role not in Role.values:
        raise InvitationInvalid(f"Unknown role “{role}”.", field="role")
    if Membership.objects.filter(organisation=organisation, user__email=email, is_active=True).exists():
        raise MembershipConflict(f"{email} is already a member.", field="email")
    raw_key = secrets.token_urlsafe(32)
    with transaction.atomic():
        # A fresh invitation replaces any still-open one for the same address.
        Invitation.objects.filter(
            organisation=organisation, email=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email,
            role=role,
            key_hash=hash_token(raw_key),
            invited_by=by.user,
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        link = base_url.rstrip("/") + reverse("accounts:invitation_accept", kwargs={"key": raw_key})
        transaction.on_commit(
            lambda: send_mail(
                subject=f"You're invited to join {organisation.name} on Tandem",
                message=(
                    f"{by.user.full_name or by.user.email} invited you to join {organisation.name} "
                    f"on Tandem, the mentoring platform.\n\nAccept the invitation: {link}\n\n"
                    f"The link is valid for {settings.INVITATION_VALID_DAYS} days."
                ),
                from_email=None,
                recipient_list=[email],
            )
        )
    return invitation, raw_key


def invitation_revoke(*, invitation: Invitation, by: Membership) -> None:
    _require_org_admin(by, invitation.organisation)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


def invitation_by_key(*, raw_key: str) -> Invitation:
    """The open invitation behind a link, or InvitationInvalid."""
    invitation = (
        Invitation.objects.select_related("organisation").filter(key_hash=hash_token(raw_key)).first()
    )
    if invitation is None or invitation.revoked_at is not None:
        raise InvitationInvalid("This invitation link is not valid. Ask for a new one.")
    if invitation.accepted_at is not None:
        raise InvitationInvalid("This invitation has already been used.")
    if invitation.expires_at < timezone.now():
        raise InvitationInvalid("This invitation has expired. Ask for a new one.")
    return invitation


@transaction.atomic
def invitation_accept(*, raw_key: str, user: User) -> Membership:
    invitation = invitation_by_key(raw_key=raw_key)
    if invitation.email != user.email.lower():
        raise InvitationInvalid(
            f"This invitation was sent to {invitation.email}. Sign in with that address to accept it."
        )
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at is not None:
        raise InvitationInvalid("This invitation has already been used.")
    membership = membership_create(organisation=invitation.organisation, user=user, role=invitation.role)
    locked.accepted_at = timezone.now()
    locked.save(update_fields=["accepted_at"])
    return membership


@transaction.atomic
def invitation_accept_new_user(*, raw_key: str, full_name: str, password: str) -> Membership:
    """Accept an invitation by creating the account for the invited address."""
    invitation = invitation_by_key(raw_key=raw_key)
    if User.objects.filter(email=invitation.email).exists():
        raise InvitationInvalid(
            "An account with this email already exists. Sign in to accept.", field="email"
        )
    user = User.objects.create_user(invitation.email, password, full_name=full_name.strip())
    return invitation_accept(raw_key=raw_key, user=user)


def _active_org_admins(organisation: Organisation) -> int:
    return Membership.objects.filter(organisation=organisation, is_active=True, role=Role.ORG_ADMIN).count()


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, by: Membership) -> Membership:
    _require_org_admin(by, membership.organisation)
    if role not in Role.values:
        raise InvitationInvalid(f"Unknown role “{role}”.", field="role")
    if (
        membership.role == Role.ORG_ADMIN
        and role != Role.ORG_ADMIN
        and _active_org_admins(membership.organisation) <= 1
    ):
        raise MembershipConflict("The organisation must keep at least one organisation admin.", field="role")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_deactivate(*, membership: Membership, by: Membership) -> Membership:
    _require_org_admin(by, membership.organisation)
    if membership.pk == by.pk:
        raise MembershipConflict("You cannot deactivate yourself.")
    if membership.role == Role.ORG_ADMIN and _active_org_admins(membership.organisation) <= 1:
        raise MembershipConflict("The organisation must keep at least one organisation admin.")
    membership.is_active = False
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["is_active", "deactivated_at"])
    return membership


@transaction.atomic
def membership_reactivate(*, membership: Membership, by: Membership) -> Membership:
    _require_org_admin(by, membership.organisation)
    membership.is_active = True
    membership.deactivated_at = None
    membership.save(update_fields=["is_active", "deactivated_at"])
    return membership
