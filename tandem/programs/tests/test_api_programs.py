"""API: programs (settings, lifecycle, questions, templates) and enrolment (self and bulk)."""

from __future__ import annotations

from typing import Any

import pytest

from tandem.mentorships.models import MentorshipOrigin
from tandem.mentorships.services import mentorship_start
from tandem.organisations.models import Membership, Organisation, Role
from tandem.people.models import Department
from tandem.people.services import ProfileChanges, profile_update
from tandem.programs.errors import EnrolmentBulkInvalid, EnrolmentInvalid
from tandem.programs.models import (
    Enrolment,
    EnrolmentQuestion,
    EnrolmentStatus,
    Program,
    ProgramStatus,
    ProgramTransition,
)
from tandem.programs.services import (
    QuestionSpec,
    enrolment_bulk_create,
    program_set_questions,
    program_transition,
)
from tests.api_client import api_client
from tests.factories import make_member, profile_of
from tests.program_setup import make_program, mentee, mentor

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _url(org: Organisation, rest: str = "") -> str:
    return f"/api/orgs/{org.slug}/programs{rest}"


def _department(org: Organisation, name: str = "Engineering") -> Department:
    return Department.objects.get(organisation=org, name=name)


def _in_department(org: Organisation, name: str = "Engineering") -> Membership:
    membership = make_member(org)
    profile_update(
        profile=profile_of(membership), changes=ProfileChanges(department_id=_department(org, name).pk)
    )
    return membership


# --- templates ----------------------------------------------------------------------------------


def test_template_list_names_every_template_with_its_prefill(member: Membership) -> None:
    # when
    response = api_client(member).get("/api/program-templates")
    # then
    assert response.status_code == 200
    by_key = {t["key"]: t for t in response.json()}
    assert by_key["reverse_tech"]["kind"] == "reverse"
    assert by_key["reverse_tech"]["prefill"]["criteria_weights"]["goals"] == 10
    assert {"onboarding", "women_in_leadership", "peer_circles"} <= set(by_key)


# --- listing and reading ------------------------------------------------------------------------


def test_program_index_admin_sees_every_program(
    program_admin: Membership, org: Organisation, other_org: Organisation, outsider: Membership
) -> None:
    # given a draft and an open program, and another organisation's program
    make_program(org, program_admin, status=ProgramStatus.DRAFT, name="Draft one")
    make_program(org, program_admin, name="Open one")
    make_program(other_org, outsider, name="Theirs")
    # when
    response = api_client(program_admin).get(_url(org))
    # then
    assert response.status_code == 200
    assert sorted(p["name"] for p in response.json()["items"]) == ["Draft one", "Open one"]


def test_program_index_member_sees_running_and_own_programs_with_true_counts(
    program_admin: Membership, member: Membership, org: Organisation
) -> None:
    # given a draft, a running program and a completed one the member took part in
    make_program(org, program_admin, status=ProgramStatus.DRAFT, name="Draft")
    make_program(org, program_admin, name="Running")
    finished = make_program(org, program_admin, name="Finished")
    mentor(finished)
    mentor(finished)
    enrolment = Enrolment.objects.create(program=finished, membership=member, role="mentee")
    for status in (ProgramStatus.MATCHING, ProgramStatus.IN_PROGRESS, ProgramStatus.COMPLETED):
        finished = program_transition(program=finished, to_status=status, by=program_admin)
    # when
    response = api_client(member).get(_url(org))
    # then the draft is hidden, and counts cover everyone, not just the member's own row
    items = {p["name"]: p for p in response.json()["items"]}
    assert set(items) == {"Running", "Finished"}
    assert items["Finished"]["mentor_count"] == 2
    assert items["Finished"]["mentee_count"] == 1
    assert items["Finished"]["my_enrolment"]["id"] == enrolment.pk
    assert items["Running"]["my_enrolment"] is None


@pytest.mark.parametrize("rows", [5, 30])
def test_program_index_query_count_is_bounded(
    rows: int, program_admin: Membership, org: Organisation, django_assert_max_num_queries: Any
) -> None:
    # given
    for i in range(rows):
        program = make_program(org, program_admin, name=f"Program {i:02}")
        Enrolment.objects.create(program=program, membership=program_admin, role="mentor")
    client = api_client(program_admin)
    client.get("/api/me")  # first use of a token stamps last_used_at; measure a steady-state call
    # when
    with django_assert_max_num_queries(5):  # token, membership, count, page, my enrolments
        response = client.get(_url(org))
    # then
    assert response.json()["count"] == rows
    assert all(p["my_enrolment"]["role"] == "mentor" for p in response.json()["items"])


def test_program_detail_shows_questions_and_history(program_admin: Membership, org: Organisation) -> None:
    # given
    program = make_program(org, program_admin, status=ProgramStatus.DRAFT)
    program_set_questions(program=program, by=program_admin, questions=[QuestionSpec(text="Why?")])
    program_transition(program=program, to_status="open", by=program_admin)
    # when
    response = api_client(program_admin).get(_url(org, f"/{program.pk}"))
    # then
    assert response.status_code == 200
    body = response.json()
    assert [q["text"] for q in body["questions"]] == ["Why?"]
    assert body["transitions"] == [
        {"from_status": "draft", "to_status": "open", "by": "Pat Program", "at": body["transitions"][0]["at"]}
    ]


def test_program_detail_draft_is_not_found_for_members(
    program_admin: Membership, member: Membership, org: Organisation
) -> None:
    # given
    draft = make_program(org, program_admin, status=ProgramStatus.DRAFT)
    # when
    response = api_client(member).get(_url(org, f"/{draft.pk}"))
    # then
    assert response.status_code == 404
    assert response.json() == {"detail": "No such program."}


# --- creating and editing -----------------------------------------------------------------------


def test_program_new_from_template_overrides_what_is_given(
    program_admin: Membership, org: Organisation
) -> None:
    # when
    response = api_client(program_admin).post(
        _url(org), {"template": "reverse_tech", "name": "Reverse 2026"}, content_type=JSON
    )
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Reverse 2026"
    assert body["kind"] == "reverse"
    assert body["status"] == "draft"
    assert body["template_key"] == "reverse_tech"
    assert body["criteria_weights"]["goals"] == 10
    assert body["goal_templates"][0]["milestones"]
    assert Program.objects.get(pk=body["id"]).created_by == program_admin.user


def test_program_new_plain_settings(program_admin: Membership, org: Organisation) -> None:
    # when
    response = api_client(program_admin).post(
        _url(org),
        {
            "name": "Circles",
            "kind": "group",
            "group_min_size": 3,
            "group_max_size": 5,
            "criteria_weights": {"goals": 9, "values": 2},
            "must_criteria": ["language"],
            "max_time_zone_gap_hours": 4,
            "goal_templates": [{"title": "Lead a meeting", "milestones": ["Prepare", "Run it"]}],
        },
        content_type=JSON,
    )
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["criteria_weights"] == {
        "goals": 9.0,
        "values": 2.0,
        "industry": 0.0,
        "level": 0.0,
        "timezone": 0.0,
        "availability": 0.0,
        "language": 0.0,
        "preferences": 0.0,
    }
    assert body["must_criteria"] == ["language"]
    assert body["goal_templates"] == [
        {"title": "Lead a meeting", "description": "", "milestones": ["Prepare", "Run it"]}
    ]


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"name": "X", "criteria_weights": {"goals": 11}}, 400, "criteria_weights"),
        ({"name": "X", "criteria_weights": {"astrology": 3}}, 400, "criteria_weights"),
        ({"name": "X", "criteria_weights": {"goals": "lots"}}, 422, "body.criteria_weights.goals"),
        ({"name": "X", "group_min_size": 6, "group_max_size": 3}, 400, "group_min_size"),
        ({"name": "X", "kind": "triad"}, 422, "body.kind"),
        ({"name": "X", "must_criteria": ["astrology"]}, 400, "must_criteria"),
        ({"name": "  "}, 400, "name"),
        ({"name": None}, 422, "body.name"),
        ({"template": "astrology"}, 400, "template"),
        ({"name": "X", "colour": "red"}, 422, "body.colour"),
    ],
)
def test_program_new_bad_input_names_the_field_and_creates_nothing(
    program_admin: Membership, org: Organisation, payload: dict[str, Any], status: int, field: str
) -> None:
    # when
    response = api_client(program_admin).post(_url(org), payload, content_type=JSON)
    # then
    assert response.status_code == status, response.content
    body = response.json()
    fields = [body["field"]] if "field" in body else [e["field"] for e in body["errors"]]
    assert field in fields
    assert not Program.objects.exists()


def test_program_new_is_refused_to_plain_members(member: Membership, org: Organisation) -> None:
    # when
    response = api_client(member).post(_url(org), {"name": "Mine"}, content_type=JSON)
    # then
    assert response.status_code == 403
    assert not Program.objects.exists()


def test_program_edit_changes_only_what_is_given(program_admin: Membership, org: Organisation) -> None:
    # given
    program = make_program(org, program_admin, max_time_zone_gap_hours=3, description="Kept")
    # when
    response = api_client(program_admin).patch(
        _url(org, f"/{program.pk}"),
        {"name": "Renamed", "max_time_zone_gap_hours": None, "requires_match_consent": True},
        content_type=JSON,
    )
    # then
    assert response.status_code == 200, response.content
    program.refresh_from_db()
    assert (program.name, program.description) == ("Renamed", "Kept")
    assert program.max_time_zone_gap_hours is None
    assert program.requires_match_consent is True


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"name": "Y", "criteria_weights": {"goals": -1}}, 400, "criteria_weights"),
        ({"name": "Y", "min_level_gap": 5, "max_level_gap": 2}, 400, "min_level_gap"),
        ({"name": "Y", "kind": "peer"}, 400, "kind"),  # open programs keep their kind
        ({"name": "Y", "default_mentor_capacity": None}, 422, "body.default_mentor_capacity"),
    ],
)
def test_program_edit_bad_input_changes_nothing(
    program_admin: Membership, org: Organisation, payload: dict[str, Any], status: int, field: str
) -> None:
    # given
    program = make_program(org, program_admin, name="Original")
    before = Program.objects.filter(pk=program.pk).values().get()
    # when
    response = api_client(program_admin).patch(_url(org, f"/{program.pk}"), payload, content_type=JSON)
    # then
    assert response.status_code == status, response.content
    body = response.json()
    assert field == body.get("field") or field in [e["field"] for e in body.get("errors", [])]
    assert Program.objects.filter(pk=program.pk).values().get() == before


def test_program_edit_is_refused_to_plain_members(
    program_admin: Membership, member: Membership, org: Organisation
) -> None:
    # given
    program = make_program(org, program_admin, name="Original")
    # when
    response = api_client(member).patch(_url(org, f"/{program.pk}"), {"name": "Mine"}, content_type=JSON)
    # then
    assert response.status_code == 403
    program.refresh_from_db()
    assert program.name == "Original"


# --- lifecycle ----------------------------------------------------------------------------------


def test_program_move_records_each_step(program_admin: Membership, org: Organisation) -> None:
    # given
    program = make_program(org, program_admin, status=ProgramStatus.DRAFT)
    client = api_client(program_admin)
    # when
    opened = client.post(_url(org, f"/{program.pk}/transition"), {"to_status": "open"}, content_type=JSON)
    cancelled = client.post(
        _url(org, f"/{program.pk}/transition"), {"to_status": "cancelled"}, content_type=JSON
    )
    # then
    assert opened.status_code == cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert [(t["from_status"], t["to_status"]) for t in cancelled.json()["transitions"]] == [
        ("draft", "open"),
        ("open", "cancelled"),
    ]
    assert ProgramTransition.objects.filter(program=program, by=program_admin.user).count() == 2


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"to_status": "in_progress"}, 409, "to_status"),  # skipping a step
        ({"to_status": "draft"}, 409, "to_status"),  # going back
        ({"to_status": "finished"}, 422, "body.to_status"),
    ],
)
def test_program_move_out_of_order_is_refused(
    program_admin: Membership, org: Organisation, payload: dict[str, str], status: int, field: str
) -> None:
    # given
    program = make_program(org, program_admin)
    # when
    response = api_client(program_admin).post(
        _url(org, f"/{program.pk}/transition"), payload, content_type=JSON
    )
    # then
    assert response.status_code == status, response.content
    body = response.json()
    assert field == body.get("field") or field in [e["field"] for e in body.get("errors", [])]
    program.refresh_from_db()
    assert program.status == ProgramStatus.OPEN
    assert program.transitions.count() == 1


def test_program_move_is_refused_to_plain_members(
    program_admin: Membership, member: Membership, org: Organisation
) -> None:
    # given
    program = make_program(org, program_admin)
    # when
    response = api_client(member).post(
        _url(org, f"/{program.pk}/transition"), {"to_status": "matching"}, content_type=JSON
    )
    # then
    assert response.status_code == 403
    program.refresh_from_db()
    assert program.status == ProgramStatus.OPEN


# --- questions ----------------------------------------------------------------------------------


def test_program_questions_replace_all(program_admin: Membership, org: Organisation) -> None:
    # given
    program = make_program(org, program_admin, status=ProgramStatus.DRAFT)
    program_set_questions(program=program, by=program_admin, questions=[QuestionSpec(text="Old")])
    # when
    response = api_client(program_admin).put(
        _url(org, f"/{program.pk}/questions"),
        {
            "questions": [
                {"text": "What do you want to learn?", "required": True},
                {"text": "Format?", "kind": "single", "choices": ["Video", "In person"]},
            ]
        },
        content_type=JSON,
    )
    # then
    assert response.status_code == 200, response.content
    assert [(q["position"], q["text"], q["kind"]) for q in response.json()] == [
        (0, "What do you want to learn?", "text"),
        (1, "Format?", "single"),
    ]
    assert list(program.questions.values_list("text", flat=True)) == ["What do you want to learn?", "Format?"]


@pytest.mark.parametrize(
    "questions",
    [
        [{"text": "Fine"}, {"text": "Pick", "kind": "single", "choices": ["Only one"]}],
        [{"text": "Fine"}, {"text": "   "}],
    ],
)
def test_program_questions_bad_question_changes_nothing(
    program_admin: Membership, org: Organisation, questions: list[dict[str, Any]]
) -> None:
    # given
    program = make_program(org, program_admin, status=ProgramStatus.DRAFT)
    program_set_questions(program=program, by=program_admin, questions=[QuestionSpec(text="Kept")])
    # when
    response = api_client(program_admin).put(
        _url(org, f"/{program.pk}/questions"), {"questions": questions}, content_type=JSON
    )
    # then
    assert response.status_code == 400
    assert response.json()["field"] == "questions"
    assert list(program.questions.values_list("text", flat=True)) == ["Kept"]


def test_program_questions_are_refused_to_plain_members(
    program_admin: Membership, member: Membership, org: Organisation
) -> None:
    # given
    program = make_program(org, program_admin, status=ProgramStatus.DRAFT)
    program_set_questions(program=program, by=program_admin, questions=[QuestionSpec(text="Kept")])
    # when
    response = api_client(member).put(
        _url(org, f"/{program.pk}/questions"), {"questions": [{"text": "Mine"}]}, content_type=JSON
    )
    # then
    assert response.status_code == 403
    assert list(program.questions.values_list("text", flat=True)) == ["Kept"]


def test_program_questions_are_frozen_once_people_enrol(program_admin: Membership, org: Organisation) -> None:
    # given
    program = make_program(org, program_admin)
    mentee(program)
    # when
    response = api_client(program_admin).put(
        _url(org, f"/{program.pk}/questions"), {"questions": [{"text": "Late"}]}, content_type=JSON
    )
    # then
    assert response.status_code == 400
    assert response.json()["field"] == "questions"
    assert not EnrolmentQuestion.objects.exists()


# --- my enrolment -------------------------------------------------------------------------------


def _questions(program: Program, admin: Membership) -> list[EnrolmentQuestion]:
    program_set_questions(
        program=program,
        by=admin,
        questions=[
            QuestionSpec(text="Why join?", required=True),
            QuestionSpec(text="Format?", kind="multi", choices=["Video", "Chat"]),
        ],
    )
    return list(program.questions.all())


def test_my_enrolment_create_as_mentee_with_answers(
    program_admin: Membership, member: Membership, org: Organisation
) -> None:
    # given
    program = make_program(org, program_admin, status=ProgramStatus.DRAFT)
    why, fmt = _questions(program, program_admin)
    program_transition(program=program, to_status="open", by=program_admin)
    # when
    response = api_client(member).post(
        _url(org, f"/{program.pk}/enrolments/me"),
        {"role": "mentee", "answers": {str(why.pk): "To grow", str(fmt.pk): ["Chat"]}},
        content_type=JSON,
    )
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["role"], body["status"], body["full_name"]) == ("mentee", "active", "Mia Member")
    assert body["answers"] == {str(why.pk): "To grow", str(fmt.pk): ["Chat"]}
    assert Enrolment.objects.get(program=program, membership=member).role == "mentee"


def test_my_enrolment_create_mentor_gets_default_capacity_and_sees_places(
    program_admin: Membership, member: Membership, org: Organisation
) -> None:
    # given
    program = make_program(org, program_admin, default_mentor_capacity=3)
    # when
    response = api_client(member).post(
        _url(org, f"/{program.pk}/enrolments/me"), {"role": "mentor"}, content_type=JSON
    )
    # then
    assert response.status_code == 201
    assert (response.json()["capacity"], response.json()["held"], response.json()["remaining"]) == (3, 0, 3)


def test_my_enrolment_create_awaits_approval_when_required(
    program_admin: Membership, member: Membership, org: Organisation
) -> None:
    # given
    program = make_program(org, program_admin, requires_enrolment_approval=True)
    # when
    response = api_client(member).post(
        _url(org, f"/{program.pk}/enrolments/me"), {"role": "mentee"}, content_type=JSON
    )
    # then
    assert response.json()["status"] == "pending_approval"


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"role": "mentee", "answers": {}}, 400, "answers.{why}"),
        ({"role": "mentee", "answers": {"{why}": "x", "{fmt}": ["Carrier pigeon"]}}, 400, "answers.{fmt}"),
        ({"role": "peer", "answers": {"{why}": "x"}}, 400, "role"),
        ({"role": "mentor", "answers": {"{why}": "x"}, "capacity": 50}, 400, "capacity"),
        ({"role": "boss"}, 422, "body.role"),
    ],
)
def test_my_enrolment_create_bad_input_enrols_nobody(
    program_admin: Membership,
    *,
    member: Membership,
    org: Organisation,
    payload: dict[str, Any],
    status: int,
    field: str,
) -> None:
    # given
    program = make_program(org, program_admin, status=ProgramStatus.DRAFT)
    why, fmt = _questions(program, program_admin)
    program_transition(program=program, to_status="open", by=program_admin)
    ids = {"why": why.pk, "fmt": fmt.pk}
    if "answers" in payload:
        payload["answers"] = {k.format(**ids): v for k, v in payload["answers"].items()}
    # when
    response = api_client(member).post(_url(org, f"/{program.pk}/enrolments/me"), payload, content_type=JSON)
    # then
    assert response.status_code == status, response.content
    body = response.json()
    assert field.format(**ids) == body.get("field") or field in [e["field"] for e in body.get("errors", [])]
    assert not Enrolment.objects.exists()


def test_my_enrolment_create_twice_is_refused(
    program_admin: Membership, member: Membership, org: Organisation
) -> None:
    # given
    program = make_program(org, program_admin)
    client = api_client(member)
    client.post(_url(org, f"/{program.pk}/enrolments/me"), {"role": "mentee"}, content_type=JSON)
    # when
    response = client.post(_url(org, f"/{program.pk}/enrolments/me"), {"role": "mentor"}, content_type=JSON)
    # then
    assert response.status_code == 400
    assert response.json()["field"] == "program"
    assert Enrolment.objects.get(membership=member).role == "mentee"


def test_my_enrolment_create_in_a_draft_is_not_found(
    program_admin: Membership, member: Membership, org: Organisation
) -> None:
    # given
    program = make_program(org, program_admin, status=ProgramStatus.DRAFT)
    # when
    response = api_client(member).post(
        _url(org, f"/{program.pk}/enrolments/me"), {"role": "mentee"}, content_type=JSON
    )
    # then
    assert response.status_code == 404
    assert not Enrolment.objects.exists()


def test_my_enrolment_shows_places_held(program_admin: Membership, org: Organisation) -> None:
    # given a mentor holding one of two places
    program = make_program(org, program_admin)
    mine = mentor(program, capacity=2)
    mentorship_start(
        mentor=mine, mentees=[mentee(program)], origin=MentorshipOrigin.ADMIN, needs_consent=False
    )
    # when
    response = api_client(mine.membership).get(_url(org, f"/{program.pk}/enrolments/me"))
    # then
    assert response.status_code == 200
    assert (response.json()["held"], response.json()["remaining"]) == (1, 1)


def test_my_enrolment_is_not_found_when_not_enrolled(
    program_admin: Membership, member: Membership, org: Organisation
) -> None:
    # given
    program = make_program(org, program_admin)
    # when
    response = api_client(member).get(_url(org, f"/{program.pk}/enrolments/me"))
    # then
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("start", "payload", "expected"),
    [
        ("active", {"status": "paused"}, "paused"),
        ("paused", {"status": "active"}, "active"),
        ("active", {"status": "withdrawn"}, "withdrawn"),
        ("paused", {"status": "withdrawn"}, "withdrawn"),
    ],
)
def test_my_enrolment_update_pauses_resumes_withdraws(
    program_admin: Membership, org: Organisation, start: str, payload: dict[str, str], expected: str
) -> None:
    # given
    program = make_program(org, program_admin)
    enrolment = mentee(program)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=start)
    # when
    response = api_client(enrolment.membership).patch(
        _url(org, f"/{program.pk}/enrolments/me"), payload, content_type=JSON
    )
    # then
    assert response.status_code == 200, response.content
    assert response.json()["status"] == expected
    enrolment.refresh_from_db()
    assert enrolment.status == expected


def test_my_enrolment_update_changes_a_mentors_capacity(program_admin: Membership, org: Organisation) -> None:
    # given
    program = make_program(org, program_admin)
    enrolment = mentor(program, capacity=2)
    # when
    response = api_client(enrolment.membership).patch(
        _url(org, f"/{program.pk}/enrolments/me"), {"capacity": 4}, content_type=JSON
    )
    # then
    assert response.status_code == 200
    assert (response.json()["capacity"], response.json()["remaining"]) == (4, 4)


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"status": "paused", "capacity": 3}, 400, "capacity"),  # a mentee has no capacity
        ({"status": "cancelled"}, 422, "body.status"),
        ({"status": None}, 422, "body.status"),
    ],
)
def test_my_enrolment_update_bad_input_changes_nothing(
    program_admin: Membership, org: Organisation, payload: dict[str, Any], status: int, field: str
) -> None:
    # given
    program = make_program(org, program_admin)
    enrolment = mentee(program)
    # when
    response = api_client(enrolment.membership).patch(
        _url(org, f"/{program.pk}/enrolments/me"), payload, content_type=JSON
    )
    # then
    assert response.status_code == status, response.content
    body = response.json()
    assert field == body.get("field") or field in [e["field"] for e in body.get("errors", [])]
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.capacity) == ("active", 1)


def test_my_enrolment_update_withdrawn_cannot_resume(program_admin: Membership, org: Organisation) -> None:
    # given
    program = make_program(org, program_admin)
    enrolment = mentee(program)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=EnrolmentStatus.WITHDRAWN)
    # when
    response = api_client(enrolment.membership).patch(
        _url(org, f"/{program.pk}/enrolments/me"), {"status": "active"}, content_type=JSON
    )
    # then
    assert response.status_code == 400
    assert response.json()["field"] == "status"


# --- enrolments (admins) ------------------------------------------------------------------------


def test_enrolment_index_shows_places_held_and_left(program_admin: Membership, org: Organisation) -> None:
    # given
    program = make_program(org, program_admin)
    busy = mentor(program, capacity=2, full_name="Busy Mentor")
    mentor(program, capacity=3, full_name="Free Mentor")
    taken = mentee(program, full_name="Taken Mentee")
    mentorship_start(mentor=busy, mentees=[taken], origin=MentorshipOrigin.ADMIN, needs_consent=False)
    # when
    response = api_client(program_admin).get(_url(org, f"/{program.pk}/enrolments?role=mentor"))
    # then
    assert response.status_code == 200
    rows = {r["full_name"]: (r["capacity"], r["held"], r["remaining"]) for r in response.json()["items"]}
    assert rows == {"Busy Mentor": (2, 1, 1), "Free Mentor": (3, 0, 3)}


def test_enrolment_index_is_refused_to_plain_members(
    program_admin: Membership, member: Membership, org: Organisation
) -> None:
    # given
    program = make_program(org, program_admin)
    # when
    response = api_client(member).get(_url(org, f"/{program.pk}/enrolments"))
    # then
    assert response.status_code == 403


@pytest.mark.parametrize("rows", [5, 30])
def test_enrolment_index_query_count_is_bounded(
    rows: int, program_admin: Membership, org: Organisation, django_assert_max_num_queries: Any
) -> None:
    # given mentors, each holding a mentee
    program = make_program(org, program_admin)
    for _ in range(rows):
        mentorship_start(
            mentor=mentor(program),
            mentees=[mentee(program)],
            origin=MentorshipOrigin.ADMIN,
            needs_consent=False,
        )
    client = api_client(program_admin)
    client.get("/api/me")
    # when
    with django_assert_max_num_queries(6):  # token, membership, program, enrolments, two for places held
        response = client.get(_url(org, f"/{program.pk}/enrolments?limit=100"))
    # then
    assert response.json()["count"] == 2 * rows
    assert {r["held"] for r in response.json()["items"] if r["role"] == "mentor"} == {1}


def test_enrolment_accept_and_refuse(program_admin: Membership, org: Organisation) -> None:
    # given two people awaiting approval
    program = make_program(org, program_admin, requires_enrolment_approval=True)
    first, second = mentee(program), mentee(program)
    client = api_client(program_admin)
    # when
    approved = client.post(_url(org, f"/{program.pk}/enrolments/{first.pk}/approve"))
    declined = client.post(_url(org, f"/{program.pk}/enrolments/{second.pk}/decline"))
    again = client.post(_url(org, f"/{program.pk}/enrolments/{first.pk}/decline"))
    # then
    assert (approved.json()["status"], declined.json()["status"]) == ("active", "declined")
    assert again.status_code == 400
    assert again.json()["field"] == "status"
    first.refresh_from_db()
    assert first.status == EnrolmentStatus.ACTIVE


@pytest.mark.parametrize("action", ["approve", "decline"])
def test_enrolment_accept_and_refuse_are_refused_to_plain_members(
    program_admin: Membership, org: Organisation, action: str
) -> None:
    # given
    program = make_program(org, program_admin, requires_enrolment_approval=True)
    waiting = mentee(program)
    other = mentee(program)
    # when
    response = api_client(other.membership).post(_url(org, f"/{program.pk}/enrolments/{waiting.pk}/{action}"))
    # then
    assert response.status_code == 403
    waiting.refresh_from_db()
    assert waiting.status == EnrolmentStatus.PENDING_APPROVAL


def test_enrolment_of_another_program_is_not_found(program_admin: Membership, org: Organisation) -> None:
    # given
    program = make_program(org, program_admin, requires_enrolment_approval=True)
    elsewhere = make_program(org, program_admin, requires_enrolment_approval=True, name="Elsewhere")
    waiting = mentee(elsewhere)
    # when
    response = api_client(program_admin).post(_url(org, f"/{program.pk}/enrolments/{waiting.pk}/approve"))
    # then
    assert response.status_code == 404
    waiting.refresh_from_db()
    assert waiting.status == EnrolmentStatus.PENDING_APPROVAL


# --- bulk enrolment -----------------------------------------------------------------------------


def test_enrolment_bulk_by_members_enrols_them_active(program_admin: Membership, org: Organisation) -> None:
    # given an approval-only program: admins enrolling people are the approval
    program = make_program(org, program_admin, requires_enrolment_approval=True, default_mentor_capacity=3)
    people = [make_member(org) for _ in range(3)]
    # when
    response = api_client(program_admin).post(
        _url(org, f"/{program.pk}/enrolments"),
        {"role": "mentor", "membership_ids": [p.pk for p in people]},
        content_type=JSON,
    )
    # then
    assert response.status_code == 201, response.content
    assert len(response.json()["created"]) == 3
    assert set(Enrolment.objects.values_list("membership_id", "role", "status", "capacity")) == {
        (p.pk, "mentor", "active", 3) for p in people
    }


def test_enrolment_bulk_by_department_skips_people_already_in(
    program_admin: Membership, org: Organisation
) -> None:
    # given three engineers, one already a mentee and one who withdrew; a designer
    program = make_program(org, program_admin)
    fresh, already, withdrew = (_in_department(org) for _ in range(3))
    designer = _in_department(org, "Design")
    Enrolment.objects.create(program=program, membership=already, role="mentee")
    Enrolment.objects.create(program=program, membership=withdrew, role="mentee", status="withdrawn")
    # when
    response = api_client(program_admin).post(
        _url(org, f"/{program.pk}/enrolments"),
        {"role": "mentee", "department_id": _department(org).pk},
        content_type=JSON,
    )
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert [e["membership_id"] for e in body["created"]] == [fresh.pk]
    assert {s["membership_id"]: s["reason"] for s in body["skipped"]} == {
        already.pk: "Already enrolled.",
        withdrew.pk: "Withdrew from this program; they can enrol again themselves.",
    }
    assert not Enrolment.objects.filter(membership=designer).exists()


def test_enrolment_bulk_with_bad_people_names_each_and_enrols_nobody(
    program_admin: Membership, org: Organisation, outsider: Membership
) -> None:
    # given a good member, someone of another organisation, a deactivated member and a mentor
    program = make_program(org, program_admin)
    good = make_member(org)
    gone = make_member(org, full_name="Gone Away")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    already_mentor = mentor(program)
    # when
    response = api_client(program_admin).post(
        _url(org, f"/{program.pk}/enrolments"),
        {"role": "mentee", "membership_ids": [good.pk, outsider.pk, gone.pk, already_mentor.membership_id]},
        content_type=JSON,
    )
    # then
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["field"] == "membership_ids"
    assert [(e["membership_id"], e["message"]) for e in body["errors"]] == [
        (outsider.pk, "No member with this id in the organisation."),
        (gone.pk, "This member is deactivated."),
        (already_mentor.membership_id, "Already enrolled as mentor."),
    ]
    assert "nobody" in body["detail"].lower()
    assert not Enrolment.objects.filter(membership=good).exists()
    assert Enrolment.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"role": "mentee"}, 400, "membership_ids"),
        ({"role": "mentee", "membership_ids": [1], "department_id": 1}, 400, "membership_ids"),
        ({"role": "mentee", "membership_ids": []}, 400, "membership_ids"),
        ({"role": "peer", "membership_ids": ["{member}"]}, 400, "role"),
        ({"role": "mentee", "department_id": 999_999}, 400, "department_id"),
        ({"role": "mentee", "membership_ids": [0]}, 422, "body.membership_ids.0"),
    ],
)
def test_enrolment_bulk_bad_request_enrols_nobody(
    program_admin: Membership,
    *,
    member: Membership,
    org: Organisation,
    payload: dict[str, Any],
    status: int,
    field: str,
) -> None:
    # given
    program = make_program(org, program_admin)
    if payload.get("membership_ids") == ["{member}"]:
        payload["membership_ids"] = [member.pk]
    # when
    response = api_client(program_admin).post(
        _url(org, f"/{program.pk}/enrolments"), payload, content_type=JSON
    )
    # then
    assert response.status_code == status, response.content
    body = response.json()
    assert field == body.get("field") or field in [e.get("field") for e in body.get("errors", [])]
    assert not Enrolment.objects.exists()


def test_enrolment_bulk_department_of_another_organisation_is_unknown(
    program_admin: Membership, org: Organisation, other_org: Organisation
) -> None:
    # given
    program = make_program(org, program_admin)
    theirs = Department.objects.filter(organisation=other_org).first()
    assert theirs is not None
    # when
    response = api_client(program_admin).post(
        _url(org, f"/{program.pk}/enrolments"),
        {"role": "mentee", "department_id": theirs.pk},
        content_type=JSON,
    )
    # then
    assert response.status_code == 400
    assert response.json()["field"] == "department_id"
    assert not Enrolment.objects.exists()


def test_enrolment_bulk_is_refused_to_plain_members(
    program_admin: Membership, member: Membership, org: Organisation
) -> None:
    # given
    program = make_program(org, program_admin)
    # when
    response = api_client(member).post(
        _url(org, f"/{program.pk}/enrolments"),
        {"role": "mentee", "membership_ids": [member.pk]},
        content_type=JSON,
    )
    # then
    assert response.status_code == 403
    assert not Enrolment.objects.exists()


def test_enrolment_bulk_create_refuses_a_closed_program(program_admin: Membership, org: Organisation) -> None:
    # given
    program = make_program(org, program_admin, status=ProgramStatus.DRAFT)
    # when / then
    with pytest.raises(EnrolmentInvalid) as err:
        enrolment_bulk_create(
            program=program, by=program_admin, role="mentee", membership_ids=[program_admin.pk]
        )
    assert err.value.field == "program"
    assert not Enrolment.objects.exists()


def test_enrolment_bulk_create_refuses_plain_members(
    program_admin: Membership, member: Membership, org: Organisation
) -> None:
    # given
    program = make_program(org, program_admin)
    # when / then
    with pytest.raises(Exception, match="Only program admins") as err:
        enrolment_bulk_create(program=program, by=member, role="mentee", membership_ids=[member.pk])
    assert not isinstance(err.value, EnrolmentBulkInvalid)
    assert not Enrolment.objects.exists()


def test_enrolment_bulk_create_org_admin_counts_as_program_admin(
    org_admin: Membership, org: Organisation
) -> None:
    # given
    program = make_program(org, org_admin)
    people = [make_member(org, role=Role.MEMBER) for _ in range(2)]
    # when
    result = enrolment_bulk_create(
        program=program, by=org_admin, role="mentee", membership_ids=[p.pk for p in people] * 2
    )
    # then duplicates in the list enrol a person once
    assert sorted(e.membership_id for e in result.created) == sorted(p.pk for p in people)
    assert Enrolment.objects.count() == 2
