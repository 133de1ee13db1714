"""API shapes for programs, their enrolment questions and enrolments."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import ValidationInfo, field_validator

from tandem.organisations.schemas import InputSchema, ObjectId, not_null_error
from tandem.programs.models import (
    Cadence,
    Enrolment,
    EnrolmentQuestion,
    EnrolmentRole,
    EnrolmentStatus,
    MatchingMode,
    Program,
    ProgramKind,
    ProgramStatus,
    ProgramTransition,
    QuestionKind,
)
from tandem.programs.selectors import EnrolmentRow
from tandem.programs.services import ProgramSettings, QuestionSpec

# --- reading ------------------------------------------------------------------------------------


class GoalTemplateOut(Schema):
    title: str
    description: str
    milestones: list[str]


class EnrolmentOut(Schema):
    id: int
    program_id: int
    membership_id: int
    role: EnrolmentRole
    status: EnrolmentStatus
    answers: dict[str, Any] = Field(description="Answers by question id")
    capacity: int = Field(description="Mentees a mentor takes on (1 for mentees and peers)")
    created_at: dt.datetime
    updated_at: dt.datetime


class ProgramOut(Schema):
    """A program, with its settings, participant counts and the caller's own enrolment."""

    id: int
    name: str
    description: str
    kind: ProgramKind
    matching_mode: MatchingMode
    status: ProgramStatus
    template_key: str
    is_evergreen: bool
    starts_on: dt.date | None
    ends_on: dt.date | None
    default_cadence: Cadence
    group_min_size: int
    group_max_size: int
    default_mentor_capacity: int
    requires_enrolment_approval: bool
    requires_match_consent: bool
    max_open_requests_per_mentee: int
    request_expiry_days: int
    criteria_weights: dict[str, float] = Field(description="Weight 0–10 per matching criterion")
    must_criteria: list[str] = Field(description="Criteria applied as hard filters")
    require_shared_language: bool
    forbid_same_reporting_line: bool
    require_different_department: bool
    max_time_zone_gap_hours: int | None
    min_level_gap: int
    max_level_gap: int
    goal_templates: list[GoalTemplateOut]
    mentor_count: int = Field(description="Active mentor enrolments")
    mentee_count: int = Field(description="Active mentee (or peer) enrolments")
    my_enrolment: EnrolmentOut | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_mentor_count(obj: Program) -> int:
        return getattr(obj, "mentor_count", 0)

    @staticmethod
    def resolve_mentee_count(obj: Program) -> int:
        return getattr(obj, "mentee_count", 0)

    @staticmethod
    def resolve_my_enrolment(obj: Program) -> Enrolment | None:
        # Prefetched by the API (`viewer_enrolments`): at most one row, the caller's.
        rows: list[Enrolment] = getattr(obj, "viewer_enrolments", [])
        return rows[0] if rows else None


class QuestionOut(Schema):
    id: int
    position: int
    text: str
    kind: QuestionKind
    choices: list[str]
    required: bool


class TransitionOut(Schema):
    from_status: ProgramStatus
    to_status: ProgramStatus
    by: str | None = Field(description="Who made the change (their name)")
    at: dt.datetime

    @staticmethod
    def resolve_by(obj: ProgramTransition) -> str | None:
        return obj.by.full_name if obj.by else None


class ProgramDetailOut(ProgramOut):
    """A program with its enrolment questions and its lifecycle history."""

    questions: list[QuestionOut]
    transitions: list[TransitionOut]

    @staticmethod
    def resolve_questions(obj: Program) -> list[EnrolmentQuestion]:
        return list(obj.questions.all())

    @staticmethod
    def resolve_transitions(obj: Program) -> list[ProgramTransition]:
        return list(obj.transitions.select_related("by"))


class EnrolmentRowOut(Schema):
    """An enrolment with the person's name and, for mentors, places held and remaining."""

    id: int
    membership_id: int
    full_name: str
    email: str
    department: str | None
    career_level: str | None
    role: EnrolmentRole
    status: EnrolmentStatus
    answers: dict[str, Any]
    capacity: int
    held: int = Field(description="Mentees a mentor holds in live mentorships of this program")
    remaining: int = Field(description="Places a mentor has left")
    created_at: dt.datetime

    @staticmethod
    def resolve_id(obj: EnrolmentRow) -> int:
        return obj.enrolment.pk

    @staticmethod
    def resolve_membership_id(obj: EnrolmentRow) -> int:
        return obj.enrolment.membership_id

    @staticmethod
    def resolve_full_name(obj: EnrolmentRow) -> str:
        return obj.enrolment.membership.user.full_name

    @staticmethod
    def resolve_email(obj: EnrolmentRow) -> str:
        return obj.enrolment.membership.user.email

    @staticmethod
    def resolve_department(obj: EnrolmentRow) -> str | None:
        profile = getattr(obj.enrolment.membership, "profile", None)
        return profile.department.name if profile and profile.department else None

    @staticmethod
    def resolve_career_level(obj: EnrolmentRow) -> str | None:
        profile = getattr(obj.enrolment.membership, "profile", None)
        return profile.career_level.name if profile and profile.career_level else None

    @staticmethod
    def resolve_role(obj: EnrolmentRow) -> str:
        return obj.enrolment.role

    @staticmethod
    def resolve_status(obj: EnrolmentRow) -> str:
        return obj.enrolment.status

    @staticmethod
    def resolve_answers(obj: EnrolmentRow) -> dict[str, Any]:
        return dict(obj.enrolment.answers)

    @staticmethod
    def resolve_capacity(obj: EnrolmentRow) -> int:
        return obj.enrolment.capacity

    @staticmethod
    def resolve_created_at(obj: EnrolmentRow) -> dt.datetime:
        return obj.enrolment.created_at


class SkippedOut(Schema):
    membership_id: int
    full_name: str
    reason: str


class BulkEnrolmentOut(Schema):
    created: list[EnrolmentOut]
    skipped: list[SkippedOut] = Field(description="People left as they were, and why")


class PersonErrorOut(Schema):
    membership_id: int
    name: str
    message: str


class BulkEnrolmentErrorOut(Schema):
    """Nobody was enrolled; `errors` names each person who could not be."""

    detail: str
    field: str | None
    errors: list[PersonErrorOut]


class TemplateOut(Schema):
    key: str = Field(description="Pass as `template` when creating a program")
    label: str
    name: str
    description: str
    kind: ProgramKind
    matching_mode: MatchingMode
    prefill: dict[str, Any] = Field(description="Every setting the template fills in")


# --- writing ------------------------------------------------------------------------------------


class GoalTemplateIn(InputSchema):
    title: str = Field(max_length=200)
    description: str = Field("", max_length=2000)
    milestones: list[Annotated[str, Field(max_length=200)]] = Field(default_factory=list, max_length=20)


# Settings `null` clears; every other setting refuses null (leave it out to keep it).
_CLEARABLE = frozenset({"max_time_zone_gap_hours"})


class ProgramSettingsIn(InputSchema):
    """Program settings; leave a field out to keep it (or, on creation, to take the default)."""

    name: str | None = Field(None, max_length=150)
    description: str | None = Field(None, max_length=5000)
    kind: ProgramKind | None = None
    matching_mode: MatchingMode | None = None
    is_evergreen: bool | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    default_cadence: Cadence | None = None
    group_min_size: int | None = Field(None, description="2–30, group programs")
    group_max_size: int | None = Field(None, description="2–30, group programs")
    default_mentor_capacity: int | None = Field(None, description="1–20")
    requires_enrolment_approval: bool | None = None
    requires_match_consent: bool | None = None
    max_open_requests_per_mentee: int | None = Field(None, description="1–20")
    request_expiry_days: int | None = Field(None, description="1–90")
    criteria_weights: dict[str, float] | None = Field(
        None,
        max_length=20,
        description="Weight 0–10 per criterion: goals, values, industry, level, timezone, "
        "availability, language, preferences. Criteria left out weigh 0.",
    )
    must_criteria: list[Annotated[str, Field(max_length=40)]] | None = Field(None, max_length=20)
    require_shared_language: bool | None = None
    forbid_same_reporting_line: bool | None = None
    require_different_department: bool | None = None
    max_time_zone_gap_hours: int | None = Field(None, description="0–26; null for no limit")
    min_level_gap: int | None = Field(None, description="0–10")
    max_level_gap: int | None = Field(None, description="0–10")
    goal_templates: list[GoalTemplateIn] | None = Field(None, max_length=30)

    @field_validator("*")
    @classmethod
    def _null_only_where_it_clears(cls, value: object, info: ValidationInfo) -> object:
        # Runs only for fields the client sent, so an explicit null is told apart from "absent".
        if value is None and info.field_name not in _CLEARABLE:
            raise not_null_error()
        return value

    def to_settings(self) -> ProgramSettings:
        given = self.model_fields_set
        values = {
            name: getattr(self, name)
            for name in given
            if name in ProgramSettings.__dataclass_fields__ and name != "goal_templates"
        }
        if self.goal_templates is not None:
            values["goal_templates"] = [t.model_dump() for t in self.goal_templates]
        return ProgramSettings(
            **values,
            clear_max_time_zone_gap="max_time_zone_gap_hours" in given
            and self.max_time_zone_gap_hours is None,
        )


class ProgramCreateIn(ProgramSettingsIn):
    template: str = Field("", max_length=40, description="Prefill from a template (see /program-templates)")


class TransitionIn(InputSchema):
    to_status: ProgramStatus = Field(description="The next lifecycle step, or `cancelled`")


class QuestionIn(InputSchema):
    text: str = Field(max_length=300)
    kind: QuestionKind = QuestionKind.TEXT
    choices: list[Annotated[str, Field(max_length=200)]] = Field(default_factory=list, max_length=50)
    required: bool = False

    def to_spec(self) -> QuestionSpec:
        return QuestionSpec(text=self.text, kind=self.kind, choices=self.choices, required=self.required)


class QuestionsIn(InputSchema):
    questions: list[QuestionIn] = Field(max_length=50, description="Replaces every question, in order")


Answer = str | int | list[str | int]


class EnrolIn(InputSchema):
    role: EnrolmentRole
    answers: dict[str, Answer] = Field(
        default_factory=dict, max_length=50, description="Answers by question id"
    )
    capacity: int | None = Field(None, description="Mentors only: mentees you can take on (1–20)")


class EnrolmentPatchIn(InputSchema):
    """Pause, resume (`active`) or withdraw, and/or change a mentor's capacity."""

    status: Literal["active", "paused", "withdrawn"] | None = None
    capacity: int | None = None

    @field_validator("status", "capacity")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise not_null_error()
        return value


class EnrolmentQuery(Schema):
    role: EnrolmentRole | None = None
    status: EnrolmentStatus | None = None


class BulkEnrolIn(InputSchema):
    """Either `membership_ids` or `department_id` (everyone active in that department)."""

    role: EnrolmentRole
    membership_ids: list[ObjectId] | None = Field(None, max_length=1000)
    department_id: ObjectId | None = None
