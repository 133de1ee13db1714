"""API shapes for profiles, the directory and the organisation's taxonomy."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Schema
from pydantic import ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from tandem.organisations.models import Membership
from tandem.organisations.schemas import InputSchema, ObjectId, not_null_error
from tandem.people.models import (
    MAX_WORK_VALUES,
    CareerLevel,
    Competency,
    Department,
    MeetingFormat,
    Profile,
    ProfileSkill,
    Skill,
    SkillLevel,
    WorkValue,
)
from tandem.people.selectors import DirectoryFilters
from tandem.people.services import ProfileChanges

TaxonomyKind = Literal["skills", "competencies", "values", "departments", "career-levels"]
# Career levels are an ordered scale with no edit service yet; the four name lists are editable.
EditableTaxonomyKind = Literal["skills", "competencies", "values", "departments"]
TaxonomyObject = Skill | Competency | WorkValue | Department | CareerLevel


# --- reading ------------------------------------------------------------------------------------


class RefOut(Schema):
    id: int
    name: str


class CareerLevelRefOut(Schema):
    id: int
    rank: int
    name: str


class LanguageOut(Schema):
    code: str
    name: str


class ProfileSkillOut(Schema):
    skill_id: int
    name: str
    level: SkillLevel

    @staticmethod
    def resolve_name(obj: ProfileSkill) -> str:
        return obj.skill.name


class ManagerOut(Schema):
    membership_id: int
    full_name: str

    @staticmethod
    def resolve_membership_id(obj: Membership) -> int:
        return obj.pk

    @staticmethod
    def resolve_full_name(obj: Membership) -> str:
        return obj.user.full_name


class ProfileCardOut(Schema):
    """A directory entry. Built from `people.selectors` querysets, which prefetch every relation."""

    id: int
    membership_id: int
    full_name: str
    photo_url: str | None
    headline: str
    job_title: str
    department: RefOut | None
    career_level: CareerLevelRefOut | None
    location: str
    time_zone: str
    languages: list[LanguageOut]
    skills: list[ProfileSkillOut]
    open_to_mentor: bool
    seeking_mentorship: bool

    @staticmethod
    def resolve_full_name(obj: Profile) -> str:
        return obj.membership.user.full_name

    @staticmethod
    def resolve_photo_url(obj: Profile, context: dict[str, Any] | None) -> str | None:
        """The API's own photo endpoint (photos are private to the organisation, never public files).

        Every operation returning profiles has the organisation's slug in its URL; reusing it
        saves a join per row. `?v=` changes with the profile, so clients may cache the image.
        """
        request: HttpRequest | None = (context or {}).get("request")
        match = request.resolver_match if request is not None else None
        if not obj.photo or match is None:
            return None
        url = reverse(
            "api:profile_photo", kwargs={"org_slug": match.kwargs["org_slug"], "profile_id": obj.pk}
        )
        return f"{url}?v={int(obj.updated_at.timestamp())}"

    @staticmethod
    def resolve_languages(obj: Profile) -> list[Any]:
        return list(obj.languages.all())

    @staticmethod
    def resolve_skills(obj: Profile) -> list[Any]:
        return list(obj.skill_levels.all())


class ProfileOut(ProfileCardOut):
    """A whole profile."""

    bio: str
    years_experience: int | None
    industry: str
    goal_skills: list[RefOut]
    goals_text: str
    values: list[RefOut]
    hours_per_month: int
    meeting_formats: list[MeetingFormat]
    manager: ManagerOut | None
    mentoring_capacity: int
    updated_at: datetime

    @staticmethod
    def resolve_goal_skills(obj: Profile) -> list[Any]:
        return list(obj.goal_skills.all())

    @staticmethod
    def resolve_values(obj: Profile) -> list[Any]:
        return list(obj.values.all())


class CompletenessOut(Schema):
    percent: int
    missing: list[str] = Field(description="What is missing, in the words shown to the member")


class TaxonomyItemOut(Schema):
    """One item of a taxonomy. `category` is set for skills, `rank` for career levels."""

    id: int
    name: str
    description: str
    category: str | None
    rank: int | None

    @staticmethod
    def resolve_description(obj: TaxonomyObject) -> str:
        return getattr(obj, "description", "")

    @staticmethod
    def resolve_category(obj: TaxonomyObject) -> str | None:
        return getattr(obj, "category", None)

    @staticmethod
    def resolve_rank(obj: TaxonomyObject) -> int | None:
        return getattr(obj, "rank", None)


# --- directory filters --------------------------------------------------------------------------


class DirectoryQuery(Schema):
    """The directory's filters, the same as the people page's."""

    q: str = Field("", max_length=200, description="Words to find in names, titles, skills, places")
    skill: ObjectId | None = None
    value: ObjectId | None = None
    career_level: ObjectId | None = None
    department: ObjectId | None = None
    language: str = Field("", max_length=8, description="ISO 639-1 code, e.g. `fr`")
    time_zone: str = Field("", max_length=64, description="IANA time zone, e.g. `Europe/Paris`")
    open_to_mentor: bool | None = None

    def to_filters(self) -> DirectoryFilters:
        return DirectoryFilters(
            query=self.q.strip(),
            skill_id=self.skill,
            value_id=self.value,
            career_level_id=self.career_level,
            department_id=self.department,
            language_code=self.language.strip().lower(),
            time_zone=self.time_zone.strip(),
            open_to_mentor=self.open_to_mentor,
        )


# --- writing ------------------------------------------------------------------------------------


class SkillLevelIn(InputSchema):
    skill_id: ObjectId
    level: SkillLevel = Field(description="1 working knowledge, 2 proficient, 3 advanced, 4 expert")


# Fields that `null` clears; for every other field `null` is refused (leave it out to keep it).
_CLEARABLE = frozenset({"department_id", "career_level_id", "manager_membership_id"})


class ProfilePatchIn(InputSchema):
    """A partial update of the caller's profile: only the fields present change.

    `skills`, `languages`, `goal_skill_ids`, `value_ids` and `meeting_formats` replace the whole list.
    `department_id`, `career_level_id` and `manager_membership_id` may be `null` to clear them.
    """

    full_name: str | None = Field(None, max_length=150)
    headline: str | None = Field(None, max_length=150)
    bio: str | None = Field(None, max_length=4000)
    job_title: str | None = Field(None, max_length=120)
    department_id: ObjectId | None = None
    career_level_id: ObjectId | None = None
    years_experience: int | None = Field(None, ge=0, le=70)
    industry: str | None = Field(None, max_length=80)
    location: str | None = Field(None, max_length=120)
    time_zone: str | None = Field(None, max_length=64, description="IANA time zone, e.g. Europe/Paris")
    languages: list[Annotated[str, Field(max_length=8)]] | None = Field(
        None, max_length=50, description="ISO 639-1 codes"
    )
    skills: list[SkillLevelIn] | None = Field(None, max_length=200, description="Skills offered, with level")
    goal_skill_ids: list[ObjectId] | None = Field(None, max_length=200)
    goals_text: str | None = Field(None, max_length=2000)
    value_ids: list[ObjectId] | None = Field(None, max_length=50, description=f"At most {MAX_WORK_VALUES}")
    hours_per_month: int | None = Field(None, ge=0, le=80)
    meeting_formats: list[MeetingFormat] | None = None
    manager_membership_id: ObjectId | None = None
    open_to_mentor: bool | None = None
    seeking_mentorship: bool | None = None
    mentoring_capacity: int | None = Field(None, ge=0, le=20)

    @field_validator("*")
    @classmethod
    def _null_only_where_it_clears(cls, value: object, info: ValidationInfo) -> object:
        # Runs only for fields the client sent, so an explicit null is told apart from "absent".
        if value is None and info.field_name not in _CLEARABLE:
            raise not_null_error()
        return value

    @field_validator("skills")
    @classmethod
    def _skills_once_each(cls, value: list[SkillLevelIn] | None) -> list[SkillLevelIn] | None:
        ids = [item.skill_id for item in value or []]
        if len(ids) != len(set(ids)):
            raise PydanticCustomError("duplicate_skill", "Each skill may be listed once.")
        return value

    def to_changes(self) -> ProfileChanges:
        given = self.model_fields_set
        # Absent fields are None, which ProfileChanges reads as "leave as it is".
        return ProfileChanges(
            full_name=self.full_name,
            headline=self.headline,
            bio=self.bio,
            job_title=self.job_title,
            industry=self.industry,
            location=self.location,
            goals_text=self.goals_text,
            department_id=self.department_id,
            clear_department="department_id" in given and self.department_id is None,
            career_level_id=self.career_level_id,
            clear_career_level="career_level_id" in given and self.career_level_id is None,
            years_experience=self.years_experience,
            time_zone=self.time_zone,
            language_codes=self.languages,
            skill_levels=(
                {item.skill_id: int(item.level) for item in self.skills} if self.skills is not None else None
            ),
            goal_skill_ids=self.goal_skill_ids,
            value_ids=self.value_ids,
            hours_per_month=self.hours_per_month,
            meeting_formats=(
                [f.value for f in self.meeting_formats] if self.meeting_formats is not None else None
            ),
            manager_membership_id=self.manager_membership_id,
            clear_manager="manager_membership_id" in given and self.manager_membership_id is None,
            open_to_mentor=self.open_to_mentor,
            seeking_mentorship=self.seeking_mentorship,
            mentoring_capacity=self.mentoring_capacity,
        )


class TaxonomyItemIn(InputSchema):
    name: str = Field(min_length=1, max_length=80)
    description: str = Field("", max_length=300)
    category: str = Field("", max_length=60, description="Skills only, e.g. “Leadership”")


class TaxonomyItemPatchIn(InputSchema):
    name: str = Field(min_length=1, max_length=80)
    description: str | None = Field(None, max_length=300, description="Leave out to keep it")

    @field_validator("description")
    @classmethod
    def _not_null(cls, value: str | None) -> str | None:
        if value is None:
            raise not_null_error()
        return value
