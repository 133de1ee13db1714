"""Program pages: the list, a program's page with enrolment, and the program admin's pages
(create, settings, questions, lifecycle, enrolments and bulk enrolment).

Members see running programs and their own; a program they may not see is a 404, like one of
another organisation. Admin pages are for program admins only (404 for everyone else).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.errors import DomainError, NotFound
from tandem.matching.services import ROUND_PROGRAM_STATUSES
from tandem.mentorships.capacity import mentees_held
from tandem.mentorships.services import SELF_SERVICE_MODES
from tandem.organisations.access import OrgRequest, org_view
from tandem.organisations.forms import ImportForm
from tandem.organisations.models import Role
from tandem.people.imports import ImportRejected
from tandem.people.selectors import skill_list
from tandem.programs.errors import EnrolmentBulkInvalid
from tandem.programs.forms import (
    CapacityForm,
    DepartmentEnrolForm,
    EnrolForm,
    EnrolmentFilterForm,
    MyEnrolmentForm,
    PeopleEnrolForm,
    ProgramCreateForm,
    ProgramSettingsForm,
    TransitionForm,
    error_field,
    goal_template_formset,
    question_formset,
)
from tandem.programs.imports import enrolment_import_csv
from tandem.programs.models import (
    Enrolment,
    EnrolmentQuestion,
    EnrolmentRole,
    EnrolmentStatus,
    Program,
    ProgramKind,
    ProgramStatus,
    QuestionKind,
)
from tandem.programs.selectors import (
    enrolled_membership_ids,
    enrolment_get,
    enrolment_of,
    enrolment_rows,
    enrolment_status_counts,
    enrolments_by_program,
    program_get,
    program_history,
    program_list,
)
from tandem.programs.services import (
    ENROLLABLE,
    NEXT_STATUS,
    TERMINAL,
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

_CLOSED_ENROLMENT = {EnrolmentStatus.WITHDRAWN, EnrolmentStatus.DECLINED}
_OWN_CHANGES = {"pause": enrolment_pause, "resume": enrolment_resume, "withdraw": enrolment_withdraw}
_OWN_CHANGE_DONE = {
    "pause": "Your enrolment is paused: you will not be matched until you resume.",
    "resume": "Welcome back: your enrolment is active again.",
    "withdraw": "You have left the program.",
}


def _program_or_404(request: OrgRequest, program_id: int) -> Program:
    try:
        return program_get(
            organisation=request.organisation, program_id=program_id, viewer=request.membership
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _to_detail(request: OrgRequest, program: Program) -> HttpResponse:
    return redirect("programs:detail", org_slug=request.organisation.slug, program_id=program.pk)


# --- for everyone -------------------------------------------------------------------------------


@require_GET
@org_view()
def program_index(request: OrgRequest) -> HttpResponse:
    programs = list(program_list(organisation=request.organisation, viewer=request.membership))
    mine = enrolments_by_program(organisation=request.organisation, membership=request.membership)
    rows = [(program, mine.get(program.pk)) for program in programs]
    joined = [(p, e) for p, e in rows if e is not None and e.status not in _CLOSED_ENROLMENT]
    joinable = [
        (p, e) for p, e in rows if p.status in ENROLLABLE and (e is None or e.status in _CLOSED_ENROLMENT)
    ]
    context = {
        "rows": rows,
        "joined": joined,
        "joinable": joinable,
        "is_admin": request.membership.is_program_admin,
    }
    return render(request, "programs/list.html", context)


@require_GET
@org_view()
def program_detail(request: OrgRequest, program_id: int) -> HttpResponse:
    program = _program_or_404(request, program_id)
    return _render_detail(request, program)


def _render_detail(
    request: OrgRequest,
    program: Program,
    *,
    enrol_form: EnrolForm | None = None,
    capacity_form: CapacityForm | None = None,
) -> HttpResponse:
    membership = request.membership
    enrolment = enrolment_of(program=program, membership=membership)
    questions = list(program.questions.all())
    can_enrol = program.status in ENROLLABLE and (enrolment is None or enrolment.status in _CLOSED_ENROLMENT)
    if can_enrol and enrol_form is None:
        enrol_form = EnrolForm(program=program, questions=questions)
    held = 0
    if enrolment is not None and enrolment.role == EnrolmentRole.MENTOR:
        held = mentees_held(mentor=enrolment)
        if capacity_form is None:
            capacity_form = CapacityForm(initial={"capacity": enrolment.capacity})
    context: dict[str, Any] = {
        "program": program,
        "enrolment": enrolment,
        "held": held,
        "remaining": max(0, enrolment.capacity - held) if enrolment else 0,
        "enrol_form": enrol_form if can_enrol else None,
        "capacity_form": capacity_form,
        "questions": questions,
        "self_service": (
            program.matching_mode in SELF_SERVICE_MODES
            and program.kind != ProgramKind.PEER
            and enrolment is not None
            and enrolment.role == EnrolmentRole.MENTEE
            and enrolment.status == EnrolmentStatus.ACTIVE
        ),
        "is_admin": membership.is_program_admin,
    }
    if membership.is_program_admin:
        current = ProgramStatus(program.status)
        next_status = NEXT_STATUS.get(current)
        context |= {
            "history": program_history(program=program),
            "status_counts": enrolment_status_counts(program=program),
            "next_status": next_status,
            "next_status_label": ProgramStatus(next_status).label if next_status else "",
            "can_cancel": current not in TERMINAL,
            "can_run_rounds": current in ROUND_PROGRAM_STATUSES,
            "lifecycle_steps": [
                (s.value, s.label)
                for s in ProgramStatus
                if s != ProgramStatus.CANCELLED or current == ProgramStatus.CANCELLED
            ],
        }
    return render(request, "programs/detail.html", context)


@require_POST
@org_view()
def enrol(request: OrgRequest, program_id: int) -> HttpResponse:
    program = _program_or_404(request, program_id)
    form = EnrolForm(request.POST, program=program, questions=list(program.questions.all()))
    if form.is_valid():
        try:
            enrolment = enrolment_create(
                program=program,
                membership=request.membership,
                role=form.cleaned_data["role"],
                answers=form.answers(),
                capacity=form.mentor_capacity(),
            )
        except DomainError as exc:
            form.add_error(error_field(form, exc.field), exc.message)
        else:
            role = enrolment.get_role_display().lower()
            if enrolment.status == EnrolmentStatus.PENDING_APPROVAL:
                messages.success(
                    request, f"You asked to join as {role}. An admin will approve your enrolment."
                )
            else:
                messages.success(request, f"You joined {program.name} as {role}.")
            return _to_detail(request, program)
    return _render_detail(request, program, enrol_form=form)


def _own_enrolment(request: OrgRequest, program: Program) -> Enrolment:
    enrolment = enrolment_of(program=program, membership=request.membership)
    if enrolment is None:
        raise Http404("You are not enrolled in this program.")
    return enrolment


@require_POST
@org_view()
def my_enrolment(request: OrgRequest, program_id: int) -> HttpResponse:
    """Pause, resume or withdraw one's own enrolment."""
    program = _program_or_404(request, program_id)
    enrolment = _own_enrolment(request, program)
    form = MyEnrolmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose pause, resume or withdraw.")
        return _to_detail(request, program)
    action = form.cleaned_data["action"]
    try:
        _OWN_CHANGES[action](enrolment=enrolment, by=request.membership)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _OWN_CHANGE_DONE[action])
    return _to_detail(request, program)


@require_POST
@org_view()
def my_capacity(request: OrgRequest, program_id: int) -> HttpResponse:
    program = _program_or_404(request, program_id)
    enrolment = _own_enrolment(request, program)
    form = CapacityForm(request.POST)
    if form.is_valid():
        try:
            enrolment_set_capacity(
                enrolment=enrolment, by=request.membership, capacity=form.cleaned_data["capacity"]
            )
        except DomainError as exc:
            form.add_error(error_field(form, exc.field), exc.message)
        else:
            n = form.cleaned_data["capacity"]
            messages.success(request, f"You can now take on {n} mentee{pluralize(n)} in this program.")
            return _to_detail(request, program)
    return _render_detail(request, program, capacity_form=form)


# --- program admins -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@org_view(Role.PROGRAM_ADMIN)
def program_new(request: OrgRequest) -> HttpResponse:
    if request.method == "POST":
        form = ProgramCreateForm(request.POST)
        if form.is_valid():
            try:
                program = program_create(
                    organisation=request.organisation,
                    by=request.membership,
                    settings=form.settings(),
                    template_key=form.template_key,
                )
            except DomainError as exc:
                form.add_error(error_field(form, exc.field), exc.message)
            else:
                messages.success(
                    request, f"“{program.name}” is created as a draft. Open it when it is ready."
                )
                return _to_detail(request, program)
    else:
        key = request.GET.get("template", "")
        form = ProgramCreateForm(template_key=key if key in PROGRAM_TEMPLATES else "")
    templates = [{"key": key, **template} for key, template in PROGRAM_TEMPLATES.items()]
    chosen = form["template"].value() or ""
    context = {"form": form, "templates": templates, "chosen": PROGRAM_TEMPLATES.get(chosen)}
    return render(request, "programs/create.html", context)


@require_http_methods(["GET", "POST"])
@org_view(Role.PROGRAM_ADMIN)
def program_edit(request: OrgRequest, program_id: int) -> HttpResponse:
    program = _program_or_404(request, program_id)
    if request.method == "POST":
        form = ProgramSettingsForm(request.POST, program=program)
        goals = goal_template_formset(request.POST, program=program)
        if form.is_valid() and goals.is_valid():
            try:
                program_update(
                    program=program,
                    by=request.membership,
                    settings=form.settings(goal_templates=goals.templates()),
                )
            except DomainError as exc:
                form.add_error(form.error_field(exc.field), exc.message)
            else:
                messages.success(request, "The program's settings are saved.")
                return _to_detail(request, program)
    else:
        form = ProgramSettingsForm(program=program)
        goals = goal_template_formset(program=program)
    return render(request, "programs/edit.html", {"program": program, "form": form, "goals": goals})


@require_http_methods(["GET", "POST"])
@org_view(Role.PROGRAM_ADMIN)
def program_questions(request: OrgRequest, program_id: int) -> HttpResponse:
    program = _program_or_404(request, program_id)
    problem = ""
    if request.method == "POST":
        formset = question_formset(request.POST, questions=[])
        if formset.is_valid():
            try:
                program_set_questions(program=program, by=request.membership, questions=formset.specs())
            except DomainError as exc:
                problem = exc.message
            else:
                messages.success(request, "The enrolment questions are saved.")
                return _to_detail(request, program)
    else:
        formset = question_formset(questions=list(program.questions.all()))
    locked = program.enrolments.exists()
    context = {"program": program, "formset": formset, "problem": problem, "locked": locked}
    return render(request, "programs/questions.html", context)


@require_POST
@org_view(Role.PROGRAM_ADMIN)
def program_move(request: OrgRequest, program_id: int) -> HttpResponse:
    program = _program_or_404(request, program_id)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a lifecycle step from the page.")
        return _to_detail(request, program)
    try:
        moved = program_transition(
            program=program, to_status=form.cleaned_data["to_status"], by=request.membership
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"“{moved.name}” is now {moved.get_status_display().lower()}.")
    return _to_detail(request, program)


@require_GET
@org_view(Role.PROGRAM_ADMIN)
def enrolments(request: OrgRequest, program_id: int) -> HttpResponse:
    program = _program_or_404(request, program_id)
    return _render_enrolments(request, program)


def _render_enrolments(
    request: OrgRequest,
    program: Program,
    *,
    department_form: DepartmentEnrolForm | None = None,
    people_form: PeopleEnrolForm | None = None,
    import_form: ImportForm | None = None,
    person_errors: list[Any] | None = None,
    row_errors: list[Any] | None = None,
) -> HttpResponse:
    filters = EnrolmentFilterForm(request.GET)
    rows = enrolment_rows(program=program, role=filters.value("role"), status=filters.value("status"))
    questions = list(program.questions.all())
    skill_names = (
        {s.pk: s.name for s in skill_list(organisation=request.organisation)}
        if any(q.kind == QuestionKind.SKILLS for q in questions)
        else {}
    )
    context = {
        "program": program,
        "rows": [(row, _answers_in_words(row.enrolment, questions, skill_names)) for row in rows],
        "filters": filters,
        "status_counts": enrolment_status_counts(program=program),
        "open_for_enrolment": program.status in ENROLLABLE,
        "department_form": department_form or DepartmentEnrolForm(program=program),
        "people_form": people_form
        or PeopleEnrolForm(program=program, enrolled=enrolled_membership_ids(program=program)),
        "import_form": import_form or ImportForm(),
        "person_errors": person_errors,
        "row_errors": row_errors,
        "is_mentoring": program.kind != ProgramKind.PEER,
    }
    return render(request, "programs/enrolments.html", context)


def _answers_in_words(
    enrolment: Enrolment, questions: list[EnrolmentQuestion], skill_names: dict[int, str]
) -> list[tuple[str, str]]:
    """(question, answer) pairs of the questions this person answered, as the admin reads them."""
    answered = []
    for question in questions:
        value = enrolment.answers.get(str(question.pk))
        if value in (None, "", []):
            continue
        if question.kind == QuestionKind.SKILLS:
            value = [skill_names.get(skill_id, "a deleted skill") for skill_id in value]
        answered.append((question.text, ", ".join(value) if isinstance(value, list) else str(value)))
    return answered


def _to_enrolments(request: OrgRequest, program: Program) -> HttpResponse:
    return redirect("programs:enrolments", org_slug=request.organisation.slug, program_id=program.pk)


def _bulk_done(request: OrgRequest, created: int, skipped: int) -> None:
    text = f"{created} {'person' if created == 1 else 'people'} enrolled."
    if skipped:
        text += f" {skipped} left as they were (already enrolled, withdrawn or declined)."
    messages.success(request, text)


@require_POST
@org_view(Role.PROGRAM_ADMIN)
def enrol_department(request: OrgRequest, program_id: int) -> HttpResponse:
    program = _program_or_404(request, program_id)
    form = DepartmentEnrolForm(request.POST, program=program)
    errors = None
    if form.is_valid():
        try:
            result = enrolment_bulk_create(
                program=program,
                by=request.membership,
                role=form.cleaned_data["role"],
                department_id=form.cleaned_data["department"],
            )
        except EnrolmentBulkInvalid as exc:
            form.add_error(form.error_field(exc.field), exc.message)
            errors = exc.errors
        except DomainError as exc:
            form.add_error(form.error_field(exc.field), exc.message)
        else:
            _bulk_done(request, len(result.created), len(result.skipped))
            return _to_enrolments(request, program)
    return _render_enrolments(request, program, department_form=form, person_errors=errors)


@require_POST
@org_view(Role.PROGRAM_ADMIN)
def enrol_people(request: OrgRequest, program_id: int) -> HttpResponse:
    program = _program_or_404(request, program_id)
    form = PeopleEnrolForm(request.POST, program=program, enrolled=enrolled_membership_ids(program=program))
    errors = None
    if form.is_valid():
        try:
            result = enrolment_bulk_create(
                program=program,
                by=request.membership,
                role=form.cleaned_data["role"],
                membership_ids=form.cleaned_data["members"],
            )
        except EnrolmentBulkInvalid as exc:
            form.add_error(form.error_field(exc.field), exc.message)
            errors = exc.errors
        except DomainError as exc:
            form.add_error(form.error_field(exc.field), exc.message)
        else:
            _bulk_done(request, len(result.created), len(result.skipped))
            return _to_enrolments(request, program)
    return _render_enrolments(request, program, people_form=form, person_errors=errors)


@require_POST
@org_view(Role.PROGRAM_ADMIN)
def enrol_import(request: OrgRequest, program_id: int) -> HttpResponse:
    program = _program_or_404(request, program_id)
    form = ImportForm(request.POST, request.FILES)
    row_errors = None
    if form.is_valid():
        try:
            report = enrolment_import_csv(
                program=program, by=request.membership, data=form.cleaned_data["file"].read()
            )
        except ImportRejected as exc:
            row_errors = exc.errors
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            _bulk_done(request, report.created, len(report.skipped))
            return _to_enrolments(request, program)
    return _render_enrolments(request, program, import_form=form, row_errors=row_errors)


@require_POST
@org_view(Role.PROGRAM_ADMIN)
def enrolment_decide(request: OrgRequest, program_id: int, enrolment_id: int, decision: str) -> HttpResponse:
    program = _program_or_404(request, program_id)
    try:
        enrolment = enrolment_get(program=program, enrolment_id=enrolment_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    decide = enrolment_approve if decision == "approve" else enrolment_decline
    name = enrolment.membership.user.full_name or enrolment.membership.user.email
    try:
        decide(enrolment=enrolment, by=request.membership)
    except DomainError as exc:
        messages.error(request, f"{name}: {exc.message}")
    else:
        messages.success(request, f"{name} is {'approved' if decision == 'approve' else 'declined'}.")
    return _to_enrolments(request, program)
