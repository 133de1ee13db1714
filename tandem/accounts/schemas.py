"""API shapes for the signed-in caller."""

from __future__ import annotations

from ninja import Schema

from tandem.organisations.models import Membership, Role


class UserOut(Schema):
    id: int
    email: str
    full_name: str


class MyMembershipOut(Schema):
    """One organisation the caller belongs to, and their role there."""

    id: int
    org_slug: str
    org_name: str
    role: Role

    @staticmethod
    def resolve_org_slug(obj: Membership) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_org_name(obj: Membership) -> str:
        return obj.organisation.name


class MeOut(Schema):
    user: UserOut
    memberships: list[MyMembershipOut]
