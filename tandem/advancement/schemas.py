"""API shapes for endorsements and introductions."""

# No `from __future__ import annotations`: ninja reads these at runtime.

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from ninja import Field, Schema
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from tandem.advancement.models import Endorsement, Introduction, IntroductionStatus
from tandem.advancement.services import (
    CONTEXT_MAX,
    ENDORSEMENT_MAX,
    MESSAGE_MAX,
    NAME_MAX,
    NOTE_MAX,
)
from tandem.feedback.schemas import PersonOut
from tandem.organisations.schemas import InputSchema, ObjectId, not_null_error
from tandem.people.models import Skill


class SkillRefOut(Schema):
    id: int
    name: str


class EndorsementOut(Schema):
    id: int
    mentorship_id: int
    author: PersonOut
    subject: PersonOut
    text: str
    skills: list[SkillRefOut]
    shared_with_admins: bool = Field(description="The person endorsed lets program admins see it")
    shared_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_skills(obj: Endorsement) -> list[Skill]:
        return list(obj.skills.all())


class SharedEndorsementOut(EndorsementOut):
    program_id: int
    program: str

    @staticmethod
    def resolve_program_id(obj: Endorsement) -> int:
        return obj.mentorship.program_id

    @staticmethod
    def resolve_program(obj: Endorsement) -> str:
        return obj.mentorship.program.name


class EndorsementIn(InputSchema):
    text: str = Field(min_length=1, max_length=ENDORSEMENT_MAX)
    skill_ids: list[ObjectId] = Field(default_factory=list, max_length=50)
    subject_membership_id: ObjectId | None = Field(
        None, description="Whom I endorse; needed only when I support more than one person"
    )


class EndorsementPatchIn(InputSchema):
    """Leave a field out to keep it."""

    text: str | None = Field(None, min_length=1, max_length=ENDORSEMENT_MAX)
    skill_ids: list[ObjectId] | None = Field(None, max_length=50)

    @field_validator("text", "skill_ids")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise not_null_error()
        return value


class SharingIn(InputSchema):
    shared: bool = Field(description="true: program admins may see this endorsement; false: they may not")


def viewer_of(introduction: Introduction) -> int | None:
    """The membership id the API answers for: what an introduction reveals depends on the viewer
    (the operations annotate `viewer_membership_id`; without it nothing private is shown)."""
    viewer: int | None = getattr(introduction, "viewer_membership_id", None)
    return viewer


class IntroductionOut(Schema):
    id: int
    mentorship_id: int
    introduced_by: PersonOut
    mentee: PersonOut
    contact: PersonOut | None = Field(description="The member introduced; null for an external contact")
    contact_name: str = Field(description="The contact's name (member or external)")
    contact_email: str | None = Field(
        description="An external contact's email: for the mentor always, for the mentee once accepted"
    )
    external: bool
    context: str
    status: IntroductionStatus
    response_message: str
    responded_at: dt.datetime | None
    mentee_note: str | None = Field(description="The mentee's note (for the two sides of the mentorship)")
    created_at: dt.datetime
    expires_at: dt.datetime

    @staticmethod
    def resolve_contact_name(obj: Introduction) -> str:
        return obj.contact_display_name

    @staticmethod
    def resolve_external(obj: Introduction) -> bool:
        return obj.is_external

    @staticmethod
    def resolve_status(obj: Introduction) -> str:
        return obj.current_status

    @staticmethod
    def resolve_contact_email(obj: Introduction) -> str | None:
        viewer = viewer_of(obj)
        if not obj.is_external:
            return None
        if viewer == obj.introduced_by_id or obj.current_status == IntroductionStatus.ACCEPTED:
            return obj.contact_email
        return None

    @staticmethod
    def resolve_mentee_note(obj: Introduction) -> str | None:
        viewer = viewer_of(obj)
        return obj.mentee_note if viewer in (obj.introduced_by_id, obj.mentee_id) else None


class IntroductionIn(InputSchema):
    context: str = Field(min_length=1, max_length=CONTEXT_MAX, description="Why they should talk")
    contact_membership_id: ObjectId | None = Field(None, description="A member of the organisation")
    contact_name: str = Field("", max_length=NAME_MAX, description="An external contact's name")
    contact_email: str = Field("", max_length=254, description="An external contact's email address")
    subject_membership_id: ObjectId | None = Field(
        None, description="Whom I introduce; needed only when I support more than one person"
    )

    @field_validator("contact_email")
    @classmethod
    def _valid_email(cls, value: str) -> str:
        value = value.strip()
        if value:
            try:
                validate_email(value)
            except DjangoValidationError:
                raise PydanticCustomError("email", "Enter a valid email address.") from None
        return value


class AnswerIn(InputSchema):
    accept: bool
    message: str = Field("", max_length=MESSAGE_MAX, description="An optional word to the mentee")


class NoteIn(InputSchema):
    mentee_note: str = Field(max_length=NOTE_MAX, description="How it went (empty clears the note)")
