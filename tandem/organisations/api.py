"""API operations for organisations, their members and invitations.

Permissions mirror the UI. The caller's membership is resolved from the URL's slug on every
call: someone outside the organisation gets 404 whether or not it exists; a member without the
role an operation needs gets 403 naming what is missing (they already know the organisation).
"""

# No `from __future__ import annotations`: ninja reads these signatures at runtime.

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from tandem.accounts.api_auth import api_user
from tandem.api_pagination import Pagination
from tandem.organisations.errors import NotAllowed
from tandem.organisations.models import Invitation, Membership, Role
from tandem.organisations.schemas import (
    InvitationIn,
    InvitationOut,
    MemberOut,
    MemberPatchIn,
    MemberQuery,
    ObjectId,
    OrganisationOut,
)
from tandem.organisations.selectors import (
    invitation_get,
    invitation_list_open,
    membership_for,
    membership_get,
    membership_list,
    memberships_of,
)
from tandem.organisations.services import (
    invitation_create,
    invitation_revoke,
    membership_change_role,
    membership_deactivate,
    membership_reactivate,
)

router = Router(tags=["organisations"])

# Page size ceiling for every list; a larger `limit` is cut down to it.
MAX_PAGE_SIZE = 100


def org_membership(request: HttpRequest, org_slug: str, *, min_role: str = Role.MEMBER) -> Membership:
    """The caller's active membership of the organisation named in the URL (404 for outsiders),
    checked for `min_role` (403 for members below it)."""
    membership = membership_for(user=api_user(request), org_slug=org_slug)
    if not membership.has_role(min_role):
        raise NotAllowed(f"This needs the {Role(min_role).label.lower()} role in {membership.organisation}.")
    return membership


@router.get("", response=list[OrganisationOut], summary="Organisations I belong to")
def organisation_list(request: HttpRequest) -> QuerySet[Membership]:
    return memberships_of(user=api_user(request))


@router.get("/{org_slug}", response=OrganisationOut, summary="One of my organisations")
def organisation_detail(request: HttpRequest, org_slug: str) -> Membership:
    return org_membership(request, org_slug)


@router.get(
    "/{org_slug}/members",
    response=list[MemberOut],
    summary="All members, including deactivated ones (org admins)",
)
@paginate(Pagination, max_limit=MAX_PAGE_SIZE)
def member_list(request: HttpRequest, org_slug: str, filters: Query[MemberQuery]) -> QuerySet[Membership]:
    caller = org_membership(request, org_slug, min_role=Role.ORG_ADMIN)
    return membership_list(organisation=caller.organisation, query=filters.q.strip())


@router.patch(
    "/{org_slug}/members/{member_id}", response=MemberOut, summary="Change a member's role or status"
)
def member_update(
    request: HttpRequest, org_slug: str, member_id: ObjectId, payload: MemberPatchIn
) -> Membership:
    caller = org_membership(request, org_slug, min_role=Role.ORG_ADMIN)
    member = membership_get(organisation=caller.organisation, membership_id=member_id)
    # One request, one outcome: a rejected role change must not leave a reactivation behind.
    with transaction.atomic():
        if payload.is_active is True and not member.is_active:
            membership_reactivate(membership=member, by=caller)
        if payload.role is not None and payload.role != member.role:
            membership_change_role(membership=member, role=payload.role, by=caller)
        if payload.is_active is False and member.is_active:
            membership_deactivate(membership=member, by=caller)
    return member


@router.get(
    "/{org_slug}/invitations",
    response=list[InvitationOut],
    summary="Open invitations (org admins)",
)
@paginate(Pagination, max_limit=MAX_PAGE_SIZE)
def invitation_list(request: HttpRequest, org_slug: str) -> QuerySet[Invitation]:
    caller = org_membership(request, org_slug, min_role=Role.ORG_ADMIN)
    return invitation_list_open(organisation=caller.organisation)


@router.post(
    "/{org_slug}/invitations",
    response={201: InvitationOut},
    summary="Invite someone by email (org admins)",
)
def invitation_send(request: HttpRequest, org_slug: str, payload: InvitationIn) -> Status[Invitation]:
    caller = org_membership(request, org_slug, min_role=Role.ORG_ADMIN)
    invitation, _raw_key = invitation_create(
        organisation=caller.organisation,
        email=payload.email,
        role=payload.role,
        by=caller,
        base_url=request.build_absolute_uri("/"),
    )
    # The key travels only in the email; the API never reveals it.
    return Status(201, invitation)


@router.delete(
    "/{org_slug}/invitations/{invitation_id}",
    response={204: None},
    summary="Revoke an invitation (org admins)",
)
def invitation_delete(request: HttpRequest, org_slug: str, invitation_id: ObjectId) -> Status[None]:
    caller = org_membership(request, org_slug, min_role=Role.ORG_ADMIN)
    invitation = invitation_get(organisation=caller.organisation, invitation_id=invitation_id)
    invitation_revoke(invitation=invitation, by=caller)
    return Status(204, None)
