"""API operations for programs: settings, lifecycle, enrolment questions and enrolment.

Program admins manage programs and enrolments; members see running programs (and the ones
they are enrolled in) and enrol, pause, resume or withdraw themselves. Every operation first
resolves the caller's membership from the URL's slug (404 for outsiders, 403 below the needed
role); the program is then looked up through the selectors, scoped to that organisation, so
another tenant's ids are simply "not found".
"""

# No `from __future__ import annotations`: ninja reads these signatures at runtime.

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from tandem.api_pagination import Pagination
from tandem.errors import DomainError
from tandem.mentorships.capacity import mentees_held
from tandem.organisations.api import MAX_PAGE_SIZE, org_membership
from tandem.organisations.models import Membership, Role
from tandem.organisations.schemas import ObjectId
from tandem.programs.errors import EnrolmentBulkInvalid, ProgramNotFound
from tandem.programs.models import Enrolment, EnrolmentRole, EnrolmentStatus, Program
from tandem.programs.schemas import (
    BulkEnrolIn,
    BulkEnrolmentErrorOut,
    BulkEnrolmentOut,
    EnrolIn,
    EnrolmentOut,
    EnrolmentPatchIn,
    EnrolmentQuery,
    EnrolmentRowOut,
    ProgramCreateIn,
    ProgramDetailOut,
    ProgramOut,
    ProgramSettingsIn,
    QuestionOut,
    QuestionsIn,
    TemplateOut,
    TransitionIn,
)
from tandem.programs.selectors import (
    EnrolmentRow,
    enrolment_get,
    enrolment_of,
    enrolment_rows,
    program_get,
    program_list,
)
from tandem.programs.services import (
    enrolment_approve,
    enrolment_bulk_create,
    enrolment_create,
    enrolment_decline,
    enrolment_pause,
    enrolment_resume,
    enrolment_set_capacity,
    enrolment_withdraw,
    program_create,
    program_set_questions,
    program_transition,
    program_update,
)
from tandem.programs.templates_catalogue import PROGRAM_TEMPLATES

router = Router(tags=["programs"])

P = TypeVar("P", bound=Program)


@contextmanager
def api_field_names(names: Mapping[str, str]) -> Iterator[None]:
    """Services name fields as the UI's forms do; re-raise their errors under the API's names
    (`mentor` → `mentor_enrolment_id`), keeping the error's class and so its HTTP status."""
    try:
        yield
    except DomainError as exc:
        if exc.field is not None and exc.field in names:
            exc.field = names[exc.field]
        raise


def _answer_field(field: str | None) -> str | None:
    """`question_12` (the form's field) → `answers.12` (where the API client put it)."""
    if field and field.startswith("question_"):
        return "answers." + field.removeprefix("question_")
    return field


def with_my_enrolment(programs: QuerySet[P], viewer: Membership) -> QuerySet[P]:
    """Attach the viewer's own enrolment (`viewer_enrolments`) in one more query."""
    return programs.prefetch_related(_my_enrolment_prefetch(viewer))


def _my_enrolment_prefetch(viewer: Membership) -> Prefetch[Any]:
    return Prefetch(
        "enrolments", queryset=Enrolment.objects.filter(membership=viewer), to_attr="viewer_enrolments"
    )


def _program(caller: Membership, program_id: int) -> Program:
    return program_get(organisation=caller.organisation, program_id=program_id, viewer=caller)


def _program_out(caller: Membership, program_id: int) -> Program:
    """The program re-read as lists show it (counts, the caller's enrolment, fresh questions)."""
    program = _program(caller, program_id)
    prefetch_related_objects([program], _my_enrolment_prefetch(caller))
    return program


def _my_enrolment(caller: Membership, program: Program) -> Enrolment:
    enrolment = enrolment_of(program=program, membership=caller)
    if enrolment is None:
        raise ProgramNotFound("You are not enrolled in this program.")
    return enrolment


def _row(enrolment: Enrolment) -> EnrolmentRow:
    held = mentees_held(mentor=enrolment) if enrolment.role == EnrolmentRole.MENTOR else 0
    return EnrolmentRow(enrolment, held)


# --- templates ----------------------------------------------------------------------------------


@router.get("/program-templates", response=list[TemplateOut], summary="Templates that prefill a new program")
def template_list(request: HttpRequest) -> list[dict[str, Any]]:  # noqa: ARG001 (ninja signature)
    return [
        {
            "key": key,
            "label": template["label"],
            "name": template["name"],
            "description": template["description"],
            "kind": template["kind"],
            "matching_mode": template["matching_mode"],
            "prefill": {k: v for k, v in template.items() if k != "label"},
        }
        for key, template in PROGRAM_TEMPLATES.items()
    ]


# --- programs -----------------------------------------------------------------------------------


@router.get(
    "/orgs/{org_slug}/programs",
    response=list[ProgramOut],
    summary="Programs: all of them for program admins; running ones and my own for members",
)
@paginate(Pagination, max_limit=MAX_PAGE_SIZE)
def program_index(request: HttpRequest, org_slug: str) -> QuerySet[Program]:
    caller = org_membership(request, org_slug)
    return with_my_enrolment(program_list(organisation=caller.organisation, viewer=caller), caller)


@router.post(
    "/orgs/{org_slug}/programs",
    response={201: ProgramDetailOut},
    summary="Create a draft program, optionally from a template (program admins)",
)
def program_new(request: HttpRequest, org_slug: str, payload: ProgramCreateIn) -> Status[Program]:
    caller = org_membership(request, org_slug, min_role=Role.PROGRAM_ADMIN)
    program = program_create(
        organisation=caller.organisation,
        by=caller,
        settings=payload.to_settings(),
        template_key=payload.template.strip(),
    )
    return Status(201, _program_out(caller, program.pk))


@router.get("/orgs/{org_slug}/programs/{program_id}", response=ProgramDetailOut, summary="One program")
def program_detail(request: HttpRequest, org_slug: str, program_id: ObjectId) -> Program:
    caller = org_membership(request, org_slug)
    return _program_out(caller, program_id)


@router.patch(
    "/orgs/{org_slug}/programs/{program_id}",
    response=ProgramDetailOut,
    summary="Change some settings of a program (program admins)",
)
def program_edit(
    request: HttpRequest, org_slug: str, program_id: ObjectId, payload: ProgramSettingsIn
) -> Program:
    caller = org_membership(request, org_slug, min_role=Role.PROGRAM_ADMIN)
    program_update(program=_program(caller, program_id), by=caller, settings=payload.to_settings())
    return _program_out(caller, program_id)


@router.post(
    "/orgs/{org_slug}/programs/{program_id}/transition",
    response=ProgramDetailOut,
    summary="Move a program to its next lifecycle step, or cancel it (program admins)",
)
def program_move(request: HttpRequest, org_slug: str, program_id: ObjectId, payload: TransitionIn) -> Program:
    caller = org_membership(request, org_slug, min_role=Role.PROGRAM_ADMIN)
    with api_field_names({"status": "to_status"}):
        program_transition(program=_program(caller, program_id), to_status=payload.to_status, by=caller)
    return _program_out(caller, program_id)


@router.put(
    "/orgs/{org_slug}/programs/{program_id}/questions",
    response=list[QuestionOut],
    summary="Replace the enrolment questions, before anyone enrols (program admins)",
)
def program_questions(
    request: HttpRequest, org_slug: str, program_id: ObjectId, payload: QuestionsIn
) -> Iterable[Any]:
    caller = org_membership(request, org_slug, min_role=Role.PROGRAM_ADMIN)
    program = _program(caller, program_id)
    program_set_questions(program=program, by=caller, questions=[q.to_spec() for q in payload.questions])
    return program.questions.all()


# --- my enrolment -------------------------------------------------------------------------------


@router.get(
    "/orgs/{org_slug}/programs/{program_id}/enrolments/me",
    response=EnrolmentRowOut,
    summary="My enrolment in a program, with places held and left if I mentor",
)
def my_enrolment(request: HttpRequest, org_slug: str, program_id: ObjectId) -> EnrolmentRow:
    caller = org_membership(request, org_slug)
    enrolment = _my_enrolment(caller, _program(caller, program_id))
    return _row(enrolment_get(program=enrolment.program, enrolment_id=enrolment.pk))


@router.post(
    "/orgs/{org_slug}/programs/{program_id}/enrolments/me",
    response={201: EnrolmentRowOut},
    summary="Enrol myself as mentor, mentee or peer, answering the program's questions",
)
def my_enrolment_create(
    request: HttpRequest, org_slug: str, program_id: ObjectId, payload: EnrolIn
) -> Status[EnrolmentRow]:
    caller = org_membership(request, org_slug)
    program = _program(caller, program_id)
    try:
        enrolment = enrolment_create(
            program=program,
            membership=caller,
            role=payload.role,
            answers=payload.answers,
            capacity=payload.capacity,
        )
    except DomainError as exc:
        exc.field = _answer_field(exc.field)
        raise
    return Status(201, _row(enrolment_get(program=program, enrolment_id=enrolment.pk)))


@router.patch(
    "/orgs/{org_slug}/programs/{program_id}/enrolments/me",
    response=EnrolmentRowOut,
    summary="Pause, resume or withdraw my enrolment, or change my capacity as a mentor",
)
def my_enrolment_update(
    request: HttpRequest, org_slug: str, program_id: ObjectId, payload: EnrolmentPatchIn
) -> EnrolmentRow:
    caller = org_membership(request, org_slug)
    enrolment = _my_enrolment(caller, _program(caller, program_id))
    # One request, one outcome: a refused capacity must not leave a status change behind.
    with transaction.atomic():
        if payload.capacity is not None:
            enrolment_set_capacity(enrolment=enrolment, by=caller, capacity=payload.capacity)
        if payload.status is not None and payload.status != enrolment.status:
            change = {
                EnrolmentStatus.ACTIVE: enrolment_resume,
                EnrolmentStatus.PAUSED: enrolment_pause,
                EnrolmentStatus.WITHDRAWN: enrolment_withdraw,
            }[EnrolmentStatus(payload.status)]
            change(enrolment=enrolment, by=caller)
    return _row(enrolment_get(program=enrolment.program, enrolment_id=enrolment.pk))


# --- enrolments (admins) ------------------------------------------------------------------------


@router.get(
    "/orgs/{org_slug}/programs/{program_id}/enrolments",
    response=list[EnrolmentRowOut],
    summary="Everyone enrolled, with each mentor's places held and left (program admins)",
)
@paginate(Pagination, max_limit=MAX_PAGE_SIZE)
def enrolment_index(
    request: HttpRequest, org_slug: str, program_id: ObjectId, filters: Query[EnrolmentQuery]
) -> list[EnrolmentRow]:
    caller = org_membership(request, org_slug, min_role=Role.PROGRAM_ADMIN)
    return enrolment_rows(
        program=_program(caller, program_id),
        role=filters.role.value if filters.role else None,
        status=filters.status.value if filters.status else None,
    )


@router.post(
    "/orgs/{org_slug}/programs/{program_id}/enrolments",
    response={201: BulkEnrolmentOut, 400: BulkEnrolmentErrorOut},
    summary="Enrol many people, or a whole department, at once: all or nothing (program admins)",
)
def enrolment_bulk(
    request: HttpRequest, org_slug: str, program_id: ObjectId, payload: BulkEnrolIn
) -> Status[dict[str, Any]]:
    caller = org_membership(request, org_slug, min_role=Role.PROGRAM_ADMIN)
    try:
        result = enrolment_bulk_create(
            program=_program(caller, program_id),
            by=caller,
            role=payload.role,
            membership_ids=payload.membership_ids,
            department_id=payload.department_id,
        )
    except EnrolmentBulkInvalid as exc:
        return Status(400, {"detail": exc.message, "field": exc.field, "errors": exc.errors})
    skipped = [
        {"membership_id": m.pk, "full_name": m.user.full_name, "reason": reason}
        for m, reason in result.skipped
    ]
    return Status(201, {"created": result.created, "skipped": skipped})


@router.post(
    "/orgs/{org_slug}/programs/{program_id}/enrolments/{enrolment_id}/approve",
    response=EnrolmentOut,
    summary="Approve an enrolment awaiting approval (program admins)",
)
def enrolment_accept(
    request: HttpRequest, org_slug: str, program_id: ObjectId, enrolment_id: ObjectId
) -> Enrolment:
    caller = org_membership(request, org_slug, min_role=Role.PROGRAM_ADMIN)
    enrolment = enrolment_get(program=_program(caller, program_id), enrolment_id=enrolment_id)
    return enrolment_approve(enrolment=enrolment, by=caller)


@router.post(
    "/orgs/{org_slug}/programs/{program_id}/enrolments/{enrolment_id}/decline",
    response=EnrolmentOut,
    summary="Decline an enrolment awaiting approval (program admins)",
)
def enrolment_refuse(
    request: HttpRequest, org_slug: str, program_id: ObjectId, enrolment_id: ObjectId
) -> Enrolment:
    caller = org_membership(request, org_slug, min_role=Role.PROGRAM_ADMIN)
    enrolment = enrolment_get(program=_program(caller, program_id), enrolment_id=enrolment_id)
    return enrolment_decline(enrolment=enrolment, by=caller)
