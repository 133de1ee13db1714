"""Writes for programs: creation from templates, validated edits, the lifecycle, enrolment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from django.db import transaction

from tandem.organisations.models import Membership, Organisation
from tandem.people.models import Department, Skill
from tandem.programs.errors import (
    EnrolmentBulkInvalid,
    EnrolmentInvalid,
    EnrolmentNotAllowed,
    PersonError,
    ProgramInvalid,
    TransitionNotAllowed,
)
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
from tandem.programs.templates_catalogue import PROGRAM_TEMPLATES

CRITERIA = ("goals", "values", "industry", "level", "timezone", "availability", "language", "preferences")
DEFAULT_WEIGHTS: dict[str, float] = {
    "goals": 8,
    "values": 5,
    "industry": 3,
    "level": 5,
    "timezone": 5,
    "availability": 4,
    "language": 5,
    "preferences": 3,
}
MAX_WEIGHT = 10

# The lifecycle only moves forward, one step at a time; any unfinished program may be cancelled.
NEXT_STATUS = {
    ProgramStatus.DRAFT: ProgramStatus.OPEN,
    ProgramStatus.OPEN: ProgramStatus.MATCHING,
    ProgramStatus.MATCHING: ProgramStatus.IN_PROGRESS,
    ProgramStatus.IN_PROGRESS: ProgramStatus.COMPLETED,
}
TERMINAL = {ProgramStatus.COMPLETED, ProgramStatus.CANCELLED}
ENROLLABLE = {ProgramStatus.OPEN, ProgramStatus.MATCHING, ProgramStatus.IN_PROGRESS}


@dataclass(frozen=True, kw_only=True)
class ProgramSettings:
    """Every editable program setting; `None` leaves a value unchanged on update."""

    name: str | None = None
    description: str | None = None
    kind: str | None = None
    matching_mode: str | None = None
    is_evergreen: bool | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    default_cadence: str | None = None
    group_min_size: int | None = None
    group_max_size: int | None = None
    default_mentor_capacity: int | None = None
    requires_enrolment_approval: bool | None = None
    requires_match_consent: bool | None = None
    max_open_requests_per_mentee: int | None = None
    request_expiry_days: int | None = None
    criteria_weights: Mapping[str, float] | None = None
    must_criteria: Sequence[str] | None = None
    require_shared_language: bool | None = None
    forbid_same_reporting_line: bool | None = None
    require_different_department: bool | None = None
    max_time_zone_gap_hours: int | None = None
    clear_max_time_zone_gap: bool = False
    min_level_gap: int | None = None
    max_level_gap: int | None = None
    goal_templates: Sequence[Mapping[str, Any]] | None = None


def _require_program_admin(by: Membership, organisation: Organisation) -> None:
    if by.organisation_id != organisation.pk or not by.is_active or not by.is_program_admin:
        raise EnrolmentNotAllowed("Only program admins can manage programs.")


def _choice(value: str, allowed: Sequence[str], field: str) -> str:
    if value not in allowed:
        raise ProgramInvalid(
            f"{field.replace('_', ' ').capitalize()} must be one of {', '.join(allowed)}.", field=field
        )
    return value


def _int_range(value: int, low: int, high: int, field: str) -> int:
    if not low <= value <= high:
        raise ProgramInvalid(
            f"{field.replace('_', ' ').capitalize()} must be between {low} and {high}.", field=field
        )
    return value


def _validated_weights(weights: Mapping[str, float]) -> dict[str, float]:
    unknown = set(weights) - set(CRITERIA)
    if unknown:
        raise ProgramInvalid(f"Unknown criteria: {', '.join(sorted(unknown))}.", field="criteria_weights")
    clean: dict[str, float] = {}
    for name, raw in weights.items():
        try:
            weight = float(raw)
        except (TypeError, ValueError):
            raise ProgramInvalid(
                f"The weight of “{name}” must be a number.", field="criteria_weights"
            ) from None
        if not 0 <= weight <= MAX_WEIGHT:
            raise ProgramInvalid(
                f"The weight of “{name}” must be between 0 and {MAX_WEIGHT}.", field="criteria_weights"
            )
        clean[name] = weight
    return {name: clean.get(name, 0.0) for name in CRITERIA}


def _validated_goal_templates(templates: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    clean = []
    for i, template in enumerate(templates, 1):
        title = str(template.get("title", "")).strip()
        if not title:
            raise ProgramInvalid(f"Goal template {i} needs a title.", field="goal_templates")
        milestones = [str(m).strip() for m in template.get("milestones", []) if str(m).strip()]
        clean.append(
            {
                "title": title,
                "description": str(template.get("description", "")).strip(),
                "milestones": milestones,
            }
        )
    return clean


def _apply(program: Program, s: ProgramSettings) -> None:
    for f in fields(s):
        value = getattr(s, f.name)
        if value is None or f.name == "clear_max_time_zone_gap":
            continue
        if f.name == "name":
            value = value.strip()
            if not value:
                raise ProgramInvalid("The program needs a name.", field="name")
        elif f.name == "kind":
            _choice(value, ProgramKind.values, "kind")
        elif f.name == "matching_mode":
            _choice(value, MatchingMode.values, "matching_mode")
        elif f.name == "default_cadence":
            _choice(value, Cadence.values, "default_cadence")
        elif f.name in {"group_min_size", "group_max_size"}:
            _int_range(value, 2, 30, f.name)
        elif f.name in {"default_mentor_capacity", "max_open_requests_per_mentee"}:
            _int_range(value, 1, 20, f.name)
        elif f.name == "request_expiry_days":
            _int_range(value, 1, 90, f.name)
        elif f.name == "max_time_zone_gap_hours":
            _int_range(value, 0, 26, f.name)
        elif f.name in {"min_level_gap", "max_level_gap"}:
            _int_range(value, 0, 10, f.name)
        elif f.name == "criteria_weights":
            value = _validated_weights(value)
        elif f.name == "must_criteria":
            unknown = set(value) - set(CRITERIA)
            if unknown:
                raise ProgramInvalid(
                    f"Unknown criteria: {', '.join(sorted(unknown))}.", field="must_criteria"
                )
            value = sorted(set(value))
        elif f.name == "goal_templates":
            value = _validated_goal_templates(value)
        setattr(program, f.name, value)
    if s.clear_max_time_zone_gap:
        program.max_time_zone_gap_hours = None
    # Cross-field rules, checked on the result so partial updates can't sneak past them.
    if program.group_min_size > program.group_max_size:
        raise ProgramInvalid("The minimum group size cannot exceed the maximum.", field="group_min_size")
    if program.min_level_gap > program.max_level_gap:
        raise ProgramInvalid("The minimum level gap cannot exceed the maximum.", field="min_level_gap")
    if program.is_evergreen:
        program.ends_on = None
    elif program.starts_on and program.ends_on and program.ends_on < program.starts_on:
        raise ProgramInvalid("The program cannot end before it starts.", field="ends_on")
    if program.kind == ProgramKind.PEER and program.matching_mode != MatchingMode.ADMIN_BULK:
        raise ProgramInvalid("Peer programs are matched by the admin in rounds.", field="matching_mode")


@transaction.atomic
def program_create(
    *, organisation: Organisation, by: Membership, settings: ProgramSettings, template_key: str = ""
) -> Program:
    """Create a DRAFT program, prefilled from a template when one is named."""
    _require_program_admin(by, organisation)
    program = Program(organisation=organisation, created_by=by.user, criteria_weights=dict(DEFAULT_WEIGHTS))
    if template_key:
        template = PROGRAM_TEMPLATES.get(template_key)
        if template is None:
            raise ProgramInvalid(f"Unknown template “{template_key}”.", field="template")
        prefill = {k: v for k, v in template.items() if k != "label"}
        _apply(program, ProgramSettings(**prefill))
        program.template_key = template_key
    _apply(program, settings)
    if not program.name:
        raise ProgramInvalid("The program needs a name.", field="name")
    program.save()
    return program


@transaction.atomic
def program_update(*, program: Program, by: Membership, settings: ProgramSettings) -> Program:
    _require_program_admin(by, program.organisation)
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.status in TERMINAL:
        raise TransitionNotAllowed("A finished program can no longer be edited.")
    if settings.kind is not None and settings.kind != program.kind and program.status != ProgramStatus.DRAFT:
        raise ProgramInvalid("The kind of a program can only change while it is a draft.", field="kind")
    _apply(program, settings)
    program.save()
    return program


@transaction.atomic
def program_transition(*, program: Program, to_status: str, by: Membership) -> Program:
    """Move the program one step along its lifecycle (or cancel it), recording who and when."""
    _require_program_admin(by, program.organisation)
    locked = Program.objects.select_for_update().get(pk=program.pk)
    current = ProgramStatus(locked.status)
    target = _choice(to_status, ProgramStatus.values, "status")
    allowed = target == NEXT_STATUS.get(current) or (
        target == ProgramStatus.CANCELLED and current not in TERMINAL
    )
    if not allowed:
        raise TransitionNotAllowed(
            f"A program that is {current.label.lower()} cannot become {ProgramStatus(target).label.lower()}.",
            field="status",
        )
    locked.status = target
    locked.save(update_fields=["status", "updated_at"])
    ProgramTransition.objects.create(program=locked, from_status=current, to_status=target, by=by.user)
    return locked


@dataclass(frozen=True, kw_only=True)
class QuestionSpec:
    text: str
    kind: str = QuestionKind.TEXT
    choices: Sequence[str] = ()
    required: bool = False


@transaction.atomic
def program_set_questions(*, program: Program, by: Membership, questions: Sequence[QuestionSpec]) -> None:
    """Replace the enrolment questions (only before people have answered them)."""
    _require_program_admin(by, program.organisation)
    if program.enrolments.exists():
        raise ProgramInvalid("Questions cannot change once people have enrolled.", field="questions")
    program.questions.all().delete()
    for position, q in enumerate(questions):
        if not q.text.strip():
            raise ProgramInvalid(f"Question {position + 1} has no text.", field="questions")
        _choice(q.kind, QuestionKind.values, "questions")
        choices = [c.strip() for c in q.choices if c.strip()]
        if q.kind in {QuestionKind.SINGLE, QuestionKind.MULTI} and len(choices) < 2:
            raise ProgramInvalid(f"Question {position + 1} needs at least two choices.", field="questions")
        EnrolmentQuestion.objects.create(
            program=program,
            position=position,
            text=q.text.strip(),
            kind=q.kind,
            choices=choices,
            required=q.required,
        )


def roles_for(kind: str) -> list[str]:
    return [EnrolmentRole.PEER] if kind == ProgramKind.PEER else [EnrolmentRole.MENTOR, EnrolmentRole.MENTEE]


def _validated_answers(program: Program, answers: Mapping[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for q in program.questions.all():
        key = str(q.pk)
        raw = answers.get(key)
        empty = raw in (None, "", [], ())
        if empty:
            if q.required:
                raise EnrolmentInvalid(f"Please answer “{q.text}”.", field=f"question_{q.pk}")
            continue
        if q.kind == QuestionKind.TEXT:
            clean[key] = str(raw).strip()[:2000]
        elif q.kind == QuestionKind.SINGLE:
            if raw not in q.choices:
                raise EnrolmentInvalid(
                    f"Pick one of the offered answers to “{q.text}”.", field=f"question_{q.pk}"
                )
            clean[key] = raw
        else:
            values = list(raw) if isinstance(raw, list | tuple) else [raw]
            if q.kind == QuestionKind.MULTI:
                if not set(values) <= set(q.choices):
                    raise EnrolmentInvalid(
                        f"Pick only offered answers to “{q.text}”.", field=f"question_{q.pk}"
                    )
                clean[key] = [c for c in q.choices if c in values]
            else:
                ids = {int(v) for v in values if str(v).isdigit()}
                found = set(
                    Skill.objects.filter(organisation=program.organisation, pk__in=ids).values_list(
                        "pk", flat=True
                    )
                )
                if len(found) != len(values):
                    raise EnrolmentInvalid(f"Unknown skills in “{q.text}”.", field=f"question_{q.pk}")
                clean[key] = sorted(found)
    return clean


@transaction.atomic
def enrolment_create(
    *,
    program: Program,
    membership: Membership,
    role: str,
    answers: Mapping[str, Any] | None = None,
    capacity: int | None = None,
) -> Enrolment:
    """A member enrols themself in an open program."""
    if membership.organisation_id != program.organisation_id or not membership.is_active:
        raise EnrolmentNotAllowed("You can only join programs of your own organisation.")
    if program.status not in ENROLLABLE:
        raise EnrolmentInvalid("This program is not open for enrolment.", field="program")
    if role not in roles_for(program.kind):
        raise EnrolmentInvalid(
            f"In this program you can enrol as {' or '.join(roles_for(program.kind))}.", field="role"
        )
    existing = Enrolment.objects.filter(program=program, membership=membership).first()
    if existing and existing.status not in {EnrolmentStatus.WITHDRAWN, EnrolmentStatus.DECLINED}:
        raise EnrolmentInvalid("You are already enrolled in this program.", field="program")
    if capacity is None:
        capacity = program.default_mentor_capacity if role == EnrolmentRole.MENTOR else 1
    if role == EnrolmentRole.MENTOR:
        _int_range(capacity, 1, 20, "capacity")
    status = (
        EnrolmentStatus.PENDING_APPROVAL if program.requires_enrolment_approval else EnrolmentStatus.ACTIVE
    )
    enrolment = existing or Enrolment(program=program, membership=membership)
    enrolment.role = role
    enrolment.status = status
    enrolment.answers = _validated_answers(program, answers or {})
    enrolment.capacity = capacity if role == EnrolmentRole.MENTOR else 1
    enrolment.save()
    return enrolment


def _admin_enrolment_change(
    enrolment: Enrolment, by: Membership, status: str, allowed_from: set[str]
) -> Enrolment:
    _require_program_admin(by, enrolment.program.organisation)
    if enrolment.status not in allowed_from:
        raise EnrolmentInvalid(f"This enrolment is {enrolment.get_status_display().lower()}.", field="status")
    enrolment.status = status
    enrolment.save(update_fields=["status", "updated_at"])
    return enrolment


def enrolment_approve(*, enrolment: Enrolment, by: Membership) -> Enrolment:
    return _admin_enrolment_change(enrolment, by, EnrolmentStatus.ACTIVE, {EnrolmentStatus.PENDING_APPROVAL})


def enrolment_decline(*, enrolment: Enrolment, by: Membership) -> Enrolment:
    return _admin_enrolment_change(
        enrolment, by, EnrolmentStatus.DECLINED, {EnrolmentStatus.PENDING_APPROVAL}
    )


def _own_enrolment_change(
    enrolment: Enrolment, by: Membership, status: str, allowed_from: set[str]
) -> Enrolment:
    if enrolment.membership_id != by.pk:
        raise EnrolmentNotAllowed("You can only change your own enrolment.")
    if enrolment.status not in allowed_from:
        raise EnrolmentInvalid(f"This enrolment is {enrolment.get_status_display().lower()}.", field="status")
    enrolment.status = status
    enrolment.save(update_fields=["status", "updated_at"])
    return enrolment


def enrolment_pause(*, enrolment: Enrolment, by: Membership) -> Enrolment:
    return _own_enrolment_change(enrolment, by, EnrolmentStatus.PAUSED, {EnrolmentStatus.ACTIVE})


def enrolment_resume(*, enrolment: Enrolment, by: Membership) -> Enrolment:
    return _own_enrolment_change(enrolment, by, EnrolmentStatus.ACTIVE, {EnrolmentStatus.PAUSED})


def enrolment_withdraw(*, enrolment: Enrolment, by: Membership) -> Enrolment:
    return _own_enrolment_change(
        enrolment,
        by,
        EnrolmentStatus.WITHDRAWN,
        {EnrolmentStatus.ACTIVE, EnrolmentStatus.PAUSED, EnrolmentStatus.PENDING_APPROVAL},
    )


def enrolment_set_capacity(*, enrolment: Enrolment, by: Membership, capacity: int) -> Enrolment:
    if enrolment.membership_id != by.pk and not (
        by.organisation_id == enrolment.program.organisation_id and by.is_program_admin
    ):
        raise EnrolmentNotAllowed("You can only change your own capacity.")
    if enrolment.role != EnrolmentRole.MENTOR:
        raise EnrolmentInvalid("Only mentors have a capacity.", field="capacity")
    enrolment.capacity = _int_range(capacity, 1, 20, "capacity")
    enrolment.save(update_fields=["capacity", "updated_at"])
    return enrolment


@dataclass(frozen=True)
class BulkEnrolment:
    """The outcome of a bulk enrolment: who was enrolled, and who was left as they were (and why)."""

    created: list[Enrolment]
    skipped: list[tuple[Membership, str]]


def _bulk_people(
    program: Program, membership_ids: Sequence[int] | None, department_id: int | None
) -> tuple[list[Membership], list[PersonError]]:
    organisation = program.organisation
    if department_id is not None:
        department = Department.objects.filter(organisation=organisation, pk=department_id).first()
        if department is None:
            raise EnrolmentInvalid("No such department in this organisation.", field="department_id")
        people = list(
            Membership.objects.filter(
                organisation=organisation, is_active=True, profile__department=department
            )
            .select_related("user")
            .order_by("pk")
        )
        if not people:
            raise EnrolmentInvalid(f"Nobody active works in {department.name}.", field="department_id")
        return people, []
    ids = list(dict.fromkeys(membership_ids or []))
    if not ids:
        raise EnrolmentInvalid("Name at least one person to enrol.", field="membership_ids")
    found = {
        m.pk: m
        for m in Membership.objects.filter(organisation=organisation, pk__in=ids).select_related("user")
    }
    people, errors = [], []
    for membership_id in ids:
        membership = found.get(membership_id)
        if membership is None:
            errors.append(PersonError(membership_id, "", "No member with this id in the organisation."))
        elif not membership.is_active:
            errors.append(
                PersonError(membership_id, membership.user.full_name, "This member is deactivated.")
            )
        else:
            people.append(membership)
    return people, errors


@transaction.atomic
def enrolment_bulk_create(
    *,
    program: Program,
    by: Membership,
    role: str,
    membership_ids: Sequence[int] | None = None,
    department_id: int | None = None,
) -> BulkEnrolment:
    """An admin enrols named members, or a whole department, in one role: all or nothing.

    People the admin enrols are active straight away (the admin is the approver). Anyone already
    enrolled in that role, or who withdrew or was declined, is left as they are and reported as
    skipped. Every person who cannot be enrolled is named in one error, and then nobody is.
    """
    _require_program_admin(by, program.organisation)
    if (membership_ids is None) == (department_id is None):
        raise EnrolmentInvalid(
            "Give either the people (membership_ids) or a department (department_id).", field="membership_ids"
        )
    if program.status not in ENROLLABLE:
        raise EnrolmentInvalid("This program is not open for enrolment.", field="program")
    if role not in roles_for(program.kind):
        raise EnrolmentInvalid(
            f"In this program people enrol as {' or '.join(roles_for(program.kind))}.", field="role"
        )
    people, errors = _bulk_people(program, membership_ids, department_id)
    existing = {
        e.membership_id: e
        for e in Enrolment.objects.filter(program=program, membership_id__in=[m.pk for m in people])
    }
    capacity = program.default_mentor_capacity if role == EnrolmentRole.MENTOR else 1
    created: list[Enrolment] = []
    skipped: list[tuple[Membership, str]] = []
    for membership in people:
        enrolment = existing.get(membership.pk)
        if enrolment is None:
            created.append(
                Enrolment(
                    program=program,
                    membership=membership,
                    role=role,
                    status=EnrolmentStatus.ACTIVE,
                    capacity=capacity,
                )
            )
        elif enrolment.status == EnrolmentStatus.WITHDRAWN:
            skipped.append((membership, "Withdrew from this program; they can enrol again themselves."))
        elif enrolment.status == EnrolmentStatus.DECLINED:
            skipped.append((membership, "Their enrolment was declined."))
        elif enrolment.role != role:
            errors.append(
                PersonError(
                    membership.pk,
                    membership.user.full_name,
                    f"Already enrolled as {enrolment.get_role_display().lower()}.",
                )
            )
        else:
            skipped.append((membership, "Already enrolled."))
    if errors:
        field = "department_id" if department_id is not None else "membership_ids"
        raise EnrolmentBulkInvalid(
            f"{len(errors)} of the people named cannot be enrolled, so nobody was.",
            field=field,
            errors=errors,
        )
    Enrolment.objects.bulk_create(created)
    return BulkEnrolment(created=created, skipped=skipped)
