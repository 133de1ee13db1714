from __future__ import annotations

import pytest

from tandem.organisations.models import Membership, Organisation, Role
from tandem.programs.errors import EnrolmentInvalid, EnrolmentNotAllowed, ProgramInvalid, TransitionNotAllowed
from tandem.programs.models import EnrolmentRole, EnrolmentStatus, Program, ProgramStatus, QuestionKind
from tandem.programs.services import (
    ProgramSettings,
    QuestionSpec,
    enrolment_approve,
    enrolment_create,
    enrolment_pause,
    enrolment_resume,
    enrolment_withdraw,
    program_create,
    program_set_questions,
    program_transition,
    program_update,
)
from tests.factories import make_member


def _program(org: Organisation, by: Membership, **settings: object) -> Program:
    return program_create(organisation=org, by=by, settings=ProgramSettings(name="Pilot", **settings))  # type: ignore[arg-type]


def _open(program: Program, by: Membership) -> Program:
    return program_transition(program=program, to_status=ProgramStatus.OPEN, by=by)


def test_program_create_prefills_from_template(org, program_admin):
    # given / when
    program = program_create(
        organisation=org, by=program_admin, settings=ProgramSettings(), template_key="reverse_tech"
    )
    # then
    assert program.kind == "reverse"
    assert program.status == ProgramStatus.DRAFT
    assert program.criteria_weights["goals"] == 10
    assert program.goal_templates[0]["milestones"]


def test_program_create_rejects_plain_member(org, member):
    with pytest.raises(EnrolmentNotAllowed):
        _program(org, member)


def test_program_create_rejects_admin_of_other_org(org, outsider):
    with pytest.raises(EnrolmentNotAllowed):
        _program(org, outsider)


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"criteria_weights": {"goals": 11}}, "criteria_weights"),
        ({"criteria_weights": {"goals": -1}}, "criteria_weights"),
        ({"criteria_weights": {"astrology": 3}}, "criteria_weights"),
        ({"criteria_weights": {"goals": "lots"}}, "criteria_weights"),
        ({"must_criteria": ["astrology"]}, "must_criteria"),
        ({"group_min_size": 6, "group_max_size": 3}, "group_min_size"),
        ({"min_level_gap": 3, "max_level_gap": 1}, "min_level_gap"),
        ({"kind": "triad"}, "kind"),
        ({"default_mentor_capacity": 0}, "default_mentor_capacity"),
    ],
)
def test_program_create_rejects_invalid_settings_naming_the_field(org, program_admin, settings, field):
    # when
    with pytest.raises(ProgramInvalid) as err:
        _program(org, program_admin, **settings)
    # then
    assert err.value.field == field
    assert not Program.objects.exists()


def test_program_transition_follows_the_lifecycle_and_records_who(org, program_admin):
    # given
    program = _program(org, program_admin)
    # when
    for status in ["open", "matching", "in_progress", "completed"]:
        program = program_transition(program=program, to_status=status, by=program_admin)
    # then
    assert program.status == "completed"
    trail = list(program.transitions.values_list("from_status", "to_status", "by"))
    assert trail[0] == ("draft", "open", program_admin.user_id)
    assert len(trail) == 4


@pytest.mark.parametrize(
    ("start", "target"), [("draft", "matching"), ("draft", "completed"), ("open", "draft")]
)
def test_program_transition_refuses_skipping_or_going_back(org, program_admin, start, target):
    # given
    program = _program(org, program_admin)
    Program.objects.filter(pk=program.pk).update(status=start)
    program.refresh_from_db()
    # when / then
    with pytest.raises(TransitionNotAllowed):
        program_transition(program=program, to_status=target, by=program_admin)
    program.refresh_from_db()
    assert program.status == start
    assert not program.transitions.exists()


def test_program_cancel_allowed_until_finished(org, program_admin):
    program = _open(_program(org, program_admin), program_admin)
    program = program_transition(program=program, to_status="cancelled", by=program_admin)
    with pytest.raises(TransitionNotAllowed):
        program_transition(program=program, to_status="cancelled", by=program_admin)


def test_program_update_kind_locked_after_draft(org, program_admin):
    program = _open(_program(org, program_admin), program_admin)
    with pytest.raises(ProgramInvalid) as err:
        program_update(program=program, by=program_admin, settings=ProgramSettings(kind="peer"))
    assert err.value.field == "kind"


def test_enrolment_create_validates_role_status_and_answers(org, program_admin, member):
    # given
    program = _program(org, program_admin)
    program_set_questions(
        program=program,
        by=program_admin,
        questions=[
            QuestionSpec(text="Why join?", required=True),
            QuestionSpec(text="Track", kind=QuestionKind.SINGLE, choices=["Tech", "Business"]),
        ],
    )
    q1, q2 = program.questions.all()
    # when / then: a draft program takes no enrolments
    with pytest.raises(EnrolmentInvalid):
        enrolment_create(program=program, membership=member, role=EnrolmentRole.MENTEE)
    program = _open(program, program_admin)
    with pytest.raises(EnrolmentInvalid) as err:
        enrolment_create(program=program, membership=member, role=EnrolmentRole.MENTEE, answers={})
    assert err.value.field == f"question_{q1.pk}"
    with pytest.raises(EnrolmentInvalid):
        enrolment_create(
            program=program, membership=member, role="mentee", answers={str(q1.pk): "x", str(q2.pk): "Art"}
        )
    with pytest.raises(EnrolmentInvalid) as err:
        enrolment_create(program=program, membership=member, role="peer", answers={str(q1.pk): "x"})
    assert err.value.field == "role"
    enrolment = enrolment_create(
        program=program, membership=member, role="mentee", answers={str(q1.pk): " grow ", str(q2.pk): "Tech"}
    )
    assert enrolment.answers == {str(q1.pk): "grow", str(q2.pk): "Tech"}
    assert enrolment.status == EnrolmentStatus.ACTIVE


def test_enrolment_requires_approval_when_program_asks(org, program_admin, member):
    program = _open(_program(org, program_admin, requires_enrolment_approval=True), program_admin)
    enrolment = enrolment_create(program=program, membership=member, role="mentor", capacity=3)
    assert enrolment.status == EnrolmentStatus.PENDING_APPROVAL
    assert enrolment.capacity == 3
    with pytest.raises(EnrolmentNotAllowed):
        enrolment_approve(enrolment=enrolment, by=member)
    assert enrolment_approve(enrolment=enrolment, by=program_admin).status == EnrolmentStatus.ACTIVE


def test_enrolment_outsider_cannot_enrol(org, program_admin, outsider):
    program = _open(_program(org, program_admin), program_admin)
    with pytest.raises(EnrolmentNotAllowed):
        enrolment_create(program=program, membership=outsider, role="mentee")


def test_enrolment_pause_resume_withdraw_only_by_owner(org, program_admin, member):
    program = _open(_program(org, program_admin), program_admin)
    enrolment = enrolment_create(program=program, membership=member, role="mentee")
    other = make_member(org, role=Role.MEMBER)
    with pytest.raises(EnrolmentNotAllowed):
        enrolment_pause(enrolment=enrolment, by=other)
    assert enrolment_pause(enrolment=enrolment, by=member).status == EnrolmentStatus.PAUSED
    assert enrolment_resume(enrolment=enrolment, by=member).status == EnrolmentStatus.ACTIVE
    assert enrolment_withdraw(enrolment=enrolment, by=member).status == EnrolmentStatus.WITHDRAWN
    # withdrawn people may enrol again
    again = enrolment_create(program=program, membership=member, role="mentor")
    assert again.pk == enrolment.pk
    assert again.status == EnrolmentStatus.ACTIVE
