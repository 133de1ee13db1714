"""API shapes for organisations, members and invitations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from ninja import Field, Schema
from pydantic import ConfigDict, field_validator
from pydantic_core import PydanticCustomError

from tandem.organisations.models import Invitation, Membership, Role

# Primary keys are 64-bit; a larger number can name nothing and would overflow PostgreSQL's bigint.
MAX_ID = 2**63 - 1
ObjectId = Annotated[int, Field(ge=1, le=MAX_ID)]


class InputSchema(Schema):
    """Request bodies reject unknown fields, so a misspelt field is an error, not a silent no-op."""

    model_config = ConfigDict(extra="forbid")


def not_null_error() -> PydanticCustomError:
    """For partial updates: a field sent as null, where null means nothing."""
    return PydanticCustomError("not_null", "May not be null; leave the field out to keep it as it is.")


class OrganisationOut(Schema):
    """An organisation the caller belongs to (built from their membership)."""

    slug: str
    name: str
    my_role: Role
    my_membership_id: int

    @staticmethod
    def resolve_slug(obj: Membership) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_name(obj: Membership) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_my_role(obj: Membership) -> str:
        return obj.role

    @staticmethod
    def resolve_my_membership_id(obj: Membership) -> int:
        return obj.pk


class MemberOut(Schema):
    id: int
    user_id: int
    email: str
    full_name: str
    role: Role
    is_active: bool
    joined_at: datetime
    deactivated_at: datetime | None

    @staticmethod
    def resolve_email(obj: Membership) -> str:
        return obj.user.email

    @staticmethod
    def resolve_full_name(obj: Membership) -> str:
        return obj.user.full_name


class MemberQuery(Schema):
    q: str = Field("", max_length=200, description="Part of a name or email address")


class MemberPatchIn(InputSchema):
    """Change a member's role and/or (de)activate them. Leave a field out to keep it."""

    role: Role | None = None
    is_active: bool | None = None

    @field_validator("role", "is_active")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise not_null_error()
        return value


class InvitationIn(InputSchema):
    email: str = Field(max_length=254)
    role: Role = Role.MEMBER

    @field_validator("email")
    @classmethod
    def _valid_email(cls, value: str) -> str:
        value = value.strip()
        try:
            validate_email(value)
        except DjangoValidationError:
            raise PydanticCustomError("email", "Enter a valid email address.") from None
        return value


class InvitationOut(Schema):
    id: int
    email: str
    role: Role
    created_at: datetime
    expires_at: datetime
    invited_by: str | None

    @staticmethod
    def resolve_invited_by(obj: Invitation) -> str | None:
        return obj.invited_by.email if obj.invited_by else None
