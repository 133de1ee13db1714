"""Program pages: the list, a program's page and enrolment, the admin's create/settings/questions/
lifecycle pages and the enrolments table with bulk enrolment — isolation, roles, query counts,
and bad input that shows a clear error and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import login
from tandem.mentorships.models import MentorshipOrigin
from tandem.mentorships.services import mentorship_start
from tandem.organisations.models import Membership, Organisation
from tandem.people.models import Department, Skill
from tandem.people.services import ProfileChanges, profile_update
from tandem.programs.models import (
    Enrolment,
    EnrolmentQuestion,
    EnrolmentRole,
    EnrolmentStatus,
    Program,
    ProgramStatus,
    ProgramTransition,
    QuestionKind,
)
from tandem.programs.services import (
    QuestionSpec,
    enrolment_create,
    program_set_questions,
    program_transition,
)
from tests.factories import make_member, profile_of
from tests.program_setup import make_program, mentee, mentor

Queries = Callable[..., Any]


def _url(name: str, org: Organisation, **kwargs: Any) -> str:
    return reverse(f"programs:{name}", kwargs={"org_slug": org.slug, **kwargs})


def _settings_form(program: Program, **changes: Any) -> dict[str, Any]:
    """Every field of the settings form as the page shows it for `program`, then `changes`."""
    data: dict[str, Any] = {
        "name": program.name,
        "description": program.description,
        "kind": program.kind,
        "matching_mode": program.matching_mode,
        "default_cadence": program.default_cadence,
        "default_mentor_capacity": program.default_mentor_capacity,
        "group_min_size": program.group_min_size,
        "group_max_size": program.group_max_size,
        "max_open_requests_per_mentee": program.max_open_requests_per_mentee,
        "request_expiry_days": program.request_expiry_days,
        "min_level_gap": program.min_level_gap,
        "max_level_gap": program.max_level_gap,
        "max_time_zone_gap_hours": program.max_time_zone_gap_hours or "",
        "require_shared_language": "on" if program.require_shared_language else "",
        "forbid_same_reporting_line": "on" if program.forbid_same_reporting_line else "",
        "goals-TOTAL_FORMS": "1",
        "goals-INITIAL_FORMS": "0",
        "goals-MIN_NUM_FORMS": "0",
        "goals-MAX_NUM_FORMS": "30",
    }
    for name, weight in program.criteria_weights.items():
        data[f"weight_{name}"] = weight
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


@pytest.fixture
def program(org: Organisation, program_admin: Membership) -> Program:
    return make_program(org, program_admin, name="Pilot", status=ProgramStatus.OPEN)


# --- isolation and roles ------------------------------------------------------------------------

MEMBER_PAGES = [("list", False), ("detail", True)]
ADMIN_GET_PAGES = ["create", "edit", "questions", "enrolments"]
ADMIN_POSTS = ["transition", "enrol_department", "enrol_people", "enrol_import"]


@pytest.mark.parametrize("name", ["detail", "edit", "questions", "enrolments"])
def test_program_pages_outsider_gets_404(
    client: Client, org: Organisation, program: Program, outsider: Membership, name: str
) -> None:
    # given: an org admin of another organisation
    login(client, outsider)
    # when: they open a page of this organisation's program, under either organisation's slug
    own_org = _url(name, outsider.organisation, program_id=program.pk)
    this_org = _url(name, org, program_id=program.pk)
    # then: it does not exist for them
    assert client.get(own_org).status_code == 404
    assert client.get(this_org).status_code == 404


@pytest.mark.parametrize("name", ["enrol", "my_enrolment", "my_capacity", *ADMIN_POSTS])
def test_program_posts_outsider_gets_404_and_nothing_changes(
    client: Client, program: Program, outsider: Membership, name: str
) -> None:
    # given
    login(client, outsider)
    # when: they post to this program through their own organisation's URL
    response = client.post(
        _url(name, outsider.organisation, program_id=program.pk), {"role": "mentee", "to_status": "matching"}
    )
    # then
    assert response.status_code == 404
    program.refresh_from_db()
    assert program.status == ProgramStatus.OPEN
    assert not program.enrolments.exists()


@pytest.mark.parametrize("name", ADMIN_GET_PAGES)
def test_program_admin_pages_member_gets_404(
    member_client: Client, org: Organisation, program: Program, name: str
) -> None:
    # when
    kwargs = {} if name == "create" else {"program_id": program.pk}
    response = member_client.get(_url(name, org, **kwargs))
    # then
    assert response.status_code == 404


def test_program_transition_member_gets_404_and_status_unchanged(
    member_client: Client, org: Organisation, program: Program
) -> None:
    # when
    response = member_client.post(_url("transition", org, program_id=program.pk), {"to_status": "matching"})
    # then
    assert response.status_code == 404
    program.refresh_from_db()
    assert program.status == ProgramStatus.OPEN


def test_program_detail_member_cannot_see_a_draft(
    member_client: Client, org: Organisation, program_admin: Membership
) -> None:
    # given: a draft program
    draft = make_program(org, program_admin, name="Secret", status=ProgramStatus.DRAFT)
    # when / then
    assert member_client.get(_url("detail", org, program_id=draft.pk)).status_code == 404
    assert "Secret" not in member_client.get(_url("list", org)).content.decode()


# --- list ---------------------------------------------------------------------------------------


def test_program_list_member_sees_own_and_joinable_programs(
    client: Client, org: Organisation, program_admin: Membership, member: Membership
) -> None:
    # given: an open program the member joined, another open one, a draft and a cancelled one
    joined = make_program(org, program_admin, name="Joined")
    enrolment_create(program=joined, membership=member, role="mentee")
    make_program(org, program_admin, name="Joinable")
    make_program(org, program_admin, name="Draft one", status=ProgramStatus.DRAFT)
    make_program(org, program_admin, name="Cancelled one", status=ProgramStatus.CANCELLED)
    login(client, member)
    # when
    response = client.get(_url("list", org))
    # then
    assert [p.name for p, _ in response.context["joined"]] == ["Joined"]
    assert [p.name for p, _ in response.context["joinable"]] == ["Joinable"]
    html = response.content.decode()
    assert "Draft one" not in html
    assert "Cancelled one" not in html
    assert "New program" not in html


def test_program_list_admin_sees_every_program_with_counts(
    client: Client, org: Organisation, program_admin: Membership
) -> None:
    # given
    pilot = make_program(org, program_admin, name="Pilot")
    mentor(pilot)
    mentee(pilot)
    mentee(pilot)
    make_program(org, program_admin, name="Draft one", status=ProgramStatus.DRAFT)
    login(client, program_admin)
    # when
    response = client.get(_url("list", org))
    # then
    rows = {p.name: p for p, _ in response.context["rows"]}
    assert set(rows) == {"Pilot", "Draft one"}
    assert (rows["Pilot"].mentor_count, rows["Pilot"].mentee_count) == (1, 2)
    assert "New program" in response.content.decode()


@pytest.mark.parametrize("count", [5, 30])
@pytest.mark.parametrize("as_admin", [True, False])
def test_program_list_query_count_is_bounded(
    client: Client,
    *,
    org: Organisation,
    program_admin: Membership,
    member: Membership,
    django_assert_max_num_queries: Queries,
    count: int,
    as_admin: bool,
) -> None:
    # given: many programs, each with someone enrolled
    for i in range(count):
        program = make_program(org, program_admin, name=f"Program {i}")
        enrolment_create(program=program, membership=member, role="mentee")
    login(client, program_admin if as_admin else member)
    # when / then: the same handful of queries for 5 programs as for 30
    with django_assert_max_num_queries(10):
        response = client.get(_url("list", org))
    assert len(response.context["rows"]) == count


# --- detail and enrolment -----------------------------------------------------------------------


def test_enrol_member_joins_as_mentor_with_answers_and_capacity(
    client: Client, org: Organisation, program: Program, program_admin: Membership, member: Membership
) -> None:
    # given: a program asking one question
    program_set_questions(
        program=program,
        by=program_admin,
        questions=[QuestionSpec(text="Which track?", kind=QuestionKind.SINGLE, choices=["Tech", "People"])],
    )
    question = EnrolmentQuestion.objects.get(program=program)
    login(client, member)
    page = client.get(_url("detail", org, program_id=program.pk)).content.decode()
    assert "Which track?" in page
    # when
    response = client.post(
        _url("enrol", org, program_id=program.pk),
        {"role": "mentor", "capacity": "3", f"question_{question.pk}": "People"},
    )
    # then
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(program=program, membership=member)
    assert (enrolment.role, enrolment.capacity, enrolment.status) == ("mentor", 3, EnrolmentStatus.ACTIVE)
    assert enrolment.answers == {str(question.pk): "People"}
    page = client.get(response["Location"]).content.decode()
    assert "3 of 3 places left" in " ".join(page.replace("<strong>", "").replace("</strong>", "").split())


def test_enrol_required_answer_missing_shows_field_error_and_enrols_nobody(
    client: Client, org: Organisation, program: Program, program_admin: Membership, member: Membership
) -> None:
    # given
    program_set_questions(
        program=program, by=program_admin, questions=[QuestionSpec(text="Your goal?", required=True)]
    )
    question = EnrolmentQuestion.objects.get(program=program)
    login(client, member)
    # when
    response = client.post(_url("enrol", org, program_id=program.pk), {"role": "mentee"})
    # then
    assert response.status_code == 200
    assert response.context["enrol_form"].errors[f"question_{question.pk}"]
    assert "Nothing was saved" in response.content.decode()
    assert not Enrolment.objects.filter(program=program).exists()


def test_enrol_role_the_kind_does_not_allow_shows_error(
    client: Client, org: Organisation, program_admin: Membership, member: Membership
) -> None:
    # given: a peer program (peers only)
    peers = make_program(org, program_admin, name="Peers", kind="peer")
    login(client, member)
    # when
    response = client.post(_url("enrol", org, program_id=peers.pk), {"role": "mentor"})
    # then
    assert response.context["enrol_form"].errors["role"]
    assert not Enrolment.objects.filter(program=peers).exists()


def test_enrol_with_approval_waits_until_the_admin_approves(
    client: Client, org: Organisation, program_admin: Membership, member: Membership
) -> None:
    # given
    gated = make_program(org, program_admin, name="Gated", requires_enrolment_approval=True)
    login(client, member)
    client.post(_url("enrol", org, program_id=gated.pk), {"role": "mentee"})
    enrolment = Enrolment.objects.get(program=gated, membership=member)
    assert enrolment.status == EnrolmentStatus.PENDING_APPROVAL
    # when: the admin approves it from the enrolments table
    login(client, program_admin)
    table = client.get(_url("enrolments", org, program_id=gated.pk)).content.decode()
    assert "Approve Mia Member" in table
    response = client.post(_url("enrolment_approve", org, program_id=gated.pk, enrolment_id=enrolment.pk))
    # then
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE


def test_enrolment_decline_another_programs_enrolment_is_404(
    client: Client, org: Organisation, program: Program, program_admin: Membership
) -> None:
    # given: an enrolment in another program
    other = make_program(org, program_admin, name="Other", requires_enrolment_approval=True)
    enrolment = mentee(other)
    login(client, program_admin)
    # when: declined through the wrong program's URL
    response = client.post(_url("enrolment_decline", org, program_id=program.pk, enrolment_id=enrolment.pk))
    # then
    assert response.status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.PENDING_APPROVAL


def test_my_enrolment_pause_resume_and_withdraw(
    client: Client, org: Organisation, program: Program, member: Membership
) -> None:
    # given
    enrolment = enrolment_create(program=program, membership=member, role="mentee")
    login(client, member)
    url = _url("my_enrolment", org, program_id=program.pk)
    for action, status in [
        ("pause", EnrolmentStatus.PAUSED),
        ("resume", EnrolmentStatus.ACTIVE),
        ("withdraw", EnrolmentStatus.WITHDRAWN),
    ]:
        # when
        client.post(url, {"action": action})
        # then
        enrolment.refresh_from_db()
        assert enrolment.status == status
    # and: having withdrawn, the page offers to join again
    page = client.get(_url("detail", org, program_id=program.pk)).content.decode()
    assert "Join again" in page


def test_my_enrolment_resume_when_active_shows_error(
    client: Client, org: Organisation, program: Program, member: Membership
) -> None:
    # given
    enrolment_create(program=program, membership=member, role="mentee")
    login(client, member)
    # when
    response = client.post(
        _url("my_enrolment", org, program_id=program.pk), {"action": "resume"}, follow=True
    )
    # then
    assert "This enrolment is active." in response.content.decode()


def test_my_capacity_out_of_range_shows_field_error_and_keeps_capacity(
    client: Client, org: Organisation, program: Program
) -> None:
    # given
    enrolment = mentor(program, capacity=2)
    login(client, enrolment.membership)
    # when
    response = client.post(_url("my_capacity", org, program_id=program.pk), {"capacity": "50"})
    # then
    assert response.context["capacity_form"].errors["capacity"]
    enrolment.refresh_from_db()
    assert enrolment.capacity == 2
    # and: a valid value is saved
    client.post(_url("my_capacity", org, program_id=program.pk), {"capacity": "4"})
    enrolment.refresh_from_db()
    assert enrolment.capacity == 4


# --- create and settings ------------------------------------------------------------------------


def test_program_create_template_prefills_the_form(
    client: Client, org: Organisation, program_admin: Membership
) -> None:
    # given
    login(client, program_admin)
    # when
    response = client.get(_url("create", org) + "?template=reverse_tech")
    # then
    form = response.context["form"]
    assert form["name"].value() == "Reverse mentoring: technology and trends"
    assert form["kind"].value() == "reverse"
    assert form["template"].value() == "reverse_tech"


def test_program_create_from_template_makes_a_draft_with_its_settings(
    client: Client, org: Organisation, program_admin: Membership
) -> None:
    # given
    login(client, program_admin)
    # when
    response = client.post(
        _url("create", org),
        {
            "template": "peer_circles",
            "name": "Spring circles",
            "kind": "peer",
            "matching_mode": "admin_bulk",
            "default_cadence": "fortnightly",
            "default_mentor_capacity": "2",
            "group_min_size": "3",
            "group_max_size": "6",
        },
    )
    # then
    program = Program.objects.get(organisation=org, name="Spring circles")
    assert response["Location"] == _url("detail", org, program_id=program.pk)
    assert (program.status, program.template_key, program.kind) == ("draft", "peer_circles", "peer")
    assert program.criteria_weights["level"] == 8  # from the template
    assert program.require_different_department is True


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"starts_on": "2030-05-01", "ends_on": "2030-01-01"}, "ends_on"),
        ({"kind": "peer", "matching_mode": "self_service"}, "matching_mode"),
        ({"group_min_size": "8", "group_max_size": "4"}, "group_min_size"),
        ({"default_mentor_capacity": "0"}, "default_mentor_capacity"),
    ],
)
def test_program_create_bad_input_shows_field_error_and_creates_nothing(
    client: Client, org: Organisation, program_admin: Membership, changes: dict[str, str], field: str
) -> None:
    # given
    login(client, program_admin)
    data = {
        "name": "New",
        "kind": "one_to_one",
        "matching_mode": "admin_bulk",
        "default_cadence": "monthly",
        "default_mentor_capacity": "2",
        "group_min_size": "3",
        "group_max_size": "6",
        **changes,
    }
    # when
    response = client.post(_url("create", org), data)
    # then
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Program.objects.filter(organisation=org).exists()


def test_program_edit_saves_weights_rules_and_goal_templates(
    client: Client, org: Organisation, program: Program, program_admin: Membership
) -> None:
    # given
    login(client, program_admin)
    assert client.get(_url("edit", org, program_id=program.pk)).status_code == 200
    data = _settings_form(
        program,
        weight_goals="10",
        weight_values="0",
        must_language="on",
        require_different_department="on",
        max_time_zone_gap_hours="4",
        min_level_gap="2",
        max_level_gap="5",
        requires_match_consent="on",
        max_open_requests_per_mentee="5",
        **{
            "goals-0-title": "Ship a project",
            "goals-0-description": "Lead something real",
            "goals-0-milestones": "Pick it\n\nScope it\nShip it",
        },
    )
    # when
    response = client.post(_url("edit", org, program_id=program.pk), data)
    # then
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.criteria_weights["goals"] == 10
    assert program.criteria_weights["values"] == 0
    assert program.must_criteria == ["language"]
    assert program.require_different_department is True
    assert (program.max_time_zone_gap_hours, program.min_level_gap, program.max_level_gap) == (4, 2, 5)
    assert program.requires_match_consent is True
    assert program.max_open_requests_per_mentee == 5
    assert program.goal_templates == [
        {
            "title": "Ship a project",
            "description": "Lead something real",
            "milestones": ["Pick it", "Scope it", "Ship it"],
        }
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"weight_goals": "11"}, "weight_goals"),
        ({"weight_level": "-1"}, "weight_level"),
        ({"weight_values": "a lot"}, "weight_values"),
        ({"min_level_gap": "6", "max_level_gap": "2"}, "min_level_gap"),
        ({"max_time_zone_gap_hours": "40"}, "max_time_zone_gap_hours"),
        ({"request_expiry_days": "0"}, "request_expiry_days"),
    ],
)
def test_program_edit_bad_input_shows_field_error_and_changes_nothing(
    client: Client,
    *,
    org: Organisation,
    program: Program,
    program_admin: Membership,
    changes: dict[str, str],
    field: str,
) -> None:
    # given
    login(client, program_admin)
    before = Program.objects.get(pk=program.pk)
    # when
    response = client.post(
        _url("edit", org, program_id=program.pk), _settings_form(program, name="Renamed", **changes)
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    program.refresh_from_db()
    assert (program.name, program.criteria_weights, program.min_level_gap) == (
        before.name,
        before.criteria_weights,
        before.min_level_gap,
    )


def test_program_edit_goal_template_without_title_shows_error(
    client: Client, org: Organisation, program: Program, program_admin: Membership
) -> None:
    # given
    login(client, program_admin)
    data = _settings_form(program, **{"goals-0-milestones": "Orphan milestone"})
    # when
    response = client.post(_url("edit", org, program_id=program.pk), data)
    # then
    assert response.status_code == 200
    assert response.context["goals"].forms[0].errors["title"]
    program.refresh_from_db()
    assert program.goal_templates == []


def test_program_edit_kind_cannot_change_after_draft(
    client: Client, org: Organisation, program: Program, program_admin: Membership
) -> None:
    # given: an open program; the kind field is disabled, so a forged value is ignored
    login(client, program_admin)
    # when
    response = client.post(_url("edit", org, program_id=program.pk), _settings_form(program, kind="group"))
    # then
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.kind == "one_to_one"


def test_program_questions_saved_in_order_and_bad_choices_refused(
    client: Client, org: Organisation, program_admin: Membership
) -> None:
    # given: a draft nobody has joined
    draft = make_program(org, program_admin, status=ProgramStatus.DRAFT)
    login(client, program_admin)
    url = _url("questions", org, program_id=draft.pk)
    management = {
        "questions-TOTAL_FORMS": "3",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "30",
        # a browser always sends each row's answer type, blank rows included
        "questions-1-kind": "text",
        "questions-2-kind": "text",
    }
    # when: a single-choice question has only one choice
    response = client.post(
        url,
        {
            **management,
            "questions-0-text": "Track?",
            "questions-0-kind": "single",
            "questions-0-choices": "Only one",
        },
    )
    # then: refused with the question named, nothing saved
    assert "Question 1 needs at least two choices." in response.content.decode()
    assert not EnrolmentQuestion.objects.filter(program=draft).exists()
    # when: two valid questions and a blank row
    response = client.post(
        url,
        {
            **management,
            "questions-0-text": "Track?",
            "questions-0-kind": "single",
            "questions-0-choices": "Tech\nPeople",
            "questions-0-required": "on",
            "questions-1-text": "Anything else?",
            "questions-1-kind": "text",
            "questions-2-kind": "text",
        },
    )
    # then
    assert response.status_code == 302
    questions = list(EnrolmentQuestion.objects.filter(program=draft))
    assert [(q.text, q.kind, q.choices, q.required) for q in questions] == [
        ("Track?", "single", ["Tech", "People"], True),
        ("Anything else?", "text", [], False),
    ]


def test_program_transition_moves_one_step_and_shows_who_and_when(
    client: Client, org: Organisation, program: Program, program_admin: Membership
) -> None:
    # given
    login(client, program_admin)
    # when
    response = client.post(
        _url("transition", org, program_id=program.pk), {"to_status": "matching"}, follow=True
    )
    # then
    program.refresh_from_db()
    assert program.status == ProgramStatus.MATCHING
    last = ProgramTransition.objects.filter(program=program).last()
    assert last is not None
    assert last.to_status == "matching"
    page = response.content.decode()
    assert "is now matching" in page
    assert "by Pat Program" in page
    assert response.context["next_status"] == ProgramStatus.IN_PROGRESS


def test_program_transition_skipping_a_step_shows_error_and_changes_nothing(
    client: Client, org: Organisation, program: Program, program_admin: Membership
) -> None:
    # given
    login(client, program_admin)
    transitions = ProgramTransition.objects.count()
    # when
    response = client.post(
        _url("transition", org, program_id=program.pk), {"to_status": "completed"}, follow=True
    )
    # then
    assert "cannot become completed" in response.content.decode()
    program.refresh_from_db()
    assert program.status == ProgramStatus.OPEN
    assert ProgramTransition.objects.count() == transitions


# --- enrolments table and bulk enrolment --------------------------------------------------------


def test_enrolments_table_shows_each_mentors_places_held_and_left(
    client: Client, org: Organisation, program_admin: Membership
) -> None:
    # given: a mentor with two places holding one mentee
    program = make_program(org, program_admin, status=ProgramStatus.IN_PROGRESS)
    ada = mentor(program, capacity=2)
    mia = mentee(program)
    mentorship_start(mentor=ada, mentees=[mia], origin=MentorshipOrigin.ADMIN, needs_consent=False)
    login(client, program_admin)
    # when
    response = client.get(_url("enrolments", org, program_id=program.pk))
    # then
    row = next(r for r, _ in response.context["rows"] if r.enrolment.pk == ada.pk)
    assert (row.held, row.remaining) == (1, 1)


def test_enrolments_filters_by_role(
    client: Client, org: Organisation, program: Program, program_admin: Membership
) -> None:
    # given
    mentor(program)
    mentee(program)
    login(client, program_admin)
    # when
    response = client.get(_url("enrolments", org, program_id=program.pk) + "?role=mentor&status=nonsense")
    # then: the role filter applies; the unknown status is ignored
    assert [r.enrolment.role for r, _ in response.context["rows"]] == ["mentor"]


def test_enrolments_table_shows_each_persons_answers_in_words(
    client: Client, org: Organisation, program_admin: Membership, member: Membership
) -> None:
    # given: a draft with a multiple-choice and a skills question, then opened and joined
    program = make_program(org, program_admin, status=ProgramStatus.DRAFT)
    program_set_questions(
        program=program,
        by=program_admin,
        questions=[
            QuestionSpec(text="Formats?", kind=QuestionKind.MULTI, choices=["Video", "Walk", "Chat"]),
            QuestionSpec(text="Skills to grow?", kind=QuestionKind.SKILLS),
        ],
    )
    program = program_transition(program=program, to_status="open", by=program_admin)
    formats, skills = EnrolmentQuestion.objects.filter(program=program).order_by("position")
    python = Skill.objects.get(organisation=org, name="Python")
    enrolment_create(
        program=program,
        membership=member,
        role="mentee",
        answers={str(formats.pk): ["Chat", "Video"], str(skills.pk): [python.pk]},
    )
    login(client, program_admin)
    # when
    response = client.get(_url("enrolments", org, program_id=program.pk))
    # then
    ((_, answers),) = response.context["rows"]
    assert answers == [("Formats?", "Video, Chat"), ("Skills to grow?", "Python")]
    assert "<dt>Skills to grow?</dt><dd>Python</dd>" in response.content.decode()


@pytest.mark.parametrize("count", [5, 30])
def test_enrolments_query_count_is_bounded(
    client: Client,
    org: Organisation,
    program_admin: Membership,
    django_assert_max_num_queries: Queries,
    count: int,
) -> None:
    # given
    program = make_program(org, program_admin, status=ProgramStatus.IN_PROGRESS)
    for i in range(count):
        ada = mentor(program)
        if i % 2:
            mentorship_start(
                mentor=ada, mentees=[mentee(program)], origin=MentorshipOrigin.ADMIN, needs_consent=False
            )
    login(client, program_admin)
    # when / then
    with django_assert_max_num_queries(18):
        response = client.get(_url("enrolments", org, program_id=program.pk))
    assert len(response.context["rows"]) == count + count // 2


def test_enrol_people_enrols_the_chosen_members_as_active(
    client: Client, org: Organisation, program: Program, program_admin: Membership
) -> None:
    # given
    people = [make_member(org) for _ in range(3)]
    login(client, program_admin)
    # when
    response = client.post(
        _url("enrol_people", org, program_id=program.pk),
        {"people-role": "mentor", "people-members": [p.pk for p in people]},
        follow=True,
    )
    # then
    assert "3 people enrolled." in response.content.decode()
    enrolments = Enrolment.objects.filter(program=program)
    assert {(e.membership_id, e.role, e.status, e.capacity) for e in enrolments} == {
        (p.pk, "mentor", "active", program.default_mentor_capacity) for p in people
    }


def test_enrol_people_unknown_member_shows_error_and_enrols_nobody(
    client: Client, org: Organisation, program: Program, program_admin: Membership, outsider: Membership
) -> None:
    # given: one colleague and a member of another organisation
    colleague = make_member(org)
    login(client, program_admin)
    # when
    response = client.post(
        _url("enrol_people", org, program_id=program.pk),
        {"people-role": "mentee", "people-members": [colleague.pk, outsider.pk]},
    )
    # then
    assert response.context["people_form"].errors["members"]
    assert not Enrolment.objects.filter(program=program).exists()


def test_enrol_department_enrols_everyone_active_in_it(
    client: Client, org: Organisation, program: Program, program_admin: Membership
) -> None:
    # given: two people in Engineering, one in Sales
    engineering = Department.objects.get(organisation=org, name="Engineering")
    sales = Department.objects.get(organisation=org, name="Sales")
    engineers = [make_member(org) for _ in range(2)]
    seller = make_member(org)
    for membership, department in [(engineers[0], engineering), (engineers[1], engineering), (seller, sales)]:
        profile_update(profile=profile_of(membership), changes=ProfileChanges(department_id=department.pk))
    login(client, program_admin)
    # when
    client.post(
        _url("enrol_department", org, program_id=program.pk),
        {"dept-role": "mentee", "dept-department": engineering.pk},
    )
    # then
    assert set(Enrolment.objects.filter(program=program).values_list("membership_id", flat=True)) == {
        m.pk for m in engineers
    }


def test_enrol_department_of_another_organisation_is_refused(
    client: Client, org: Organisation, other_org: Organisation, program: Program, program_admin: Membership
) -> None:
    # given
    foreign = Department.objects.filter(organisation=other_org).first()
    assert foreign is not None
    login(client, program_admin)
    # when
    response = client.post(
        _url("enrol_department", org, program_id=program.pk),
        {"dept-role": "mentee", "dept-department": foreign.pk},
    )
    # then
    assert response.context["department_form"].errors["department"]
    assert not Enrolment.objects.filter(program=program).exists()


def test_enrol_bulk_on_a_draft_is_refused(
    client: Client, org: Organisation, program_admin: Membership
) -> None:
    # given
    draft = make_program(org, program_admin, status=ProgramStatus.DRAFT)
    colleague = make_member(org)
    login(client, program_admin)
    # when
    response = client.post(
        _url("enrol_people", org, program_id=draft.pk),
        {"people-role": "mentee", "people-members": [colleague.pk]},
    )
    # then
    assert "not open for enrolment" in response.content.decode()
    assert not Enrolment.objects.exists()


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")


def test_enrol_import_csv_enrols_every_row(
    client: Client, org: Organisation, program: Program, program_admin: Membership
) -> None:
    # given
    ada, bob = make_member(org), make_member(org)
    login(client, program_admin)
    text = f"email,role,capacity\n{ada.user.email},mentor,3\n{bob.user.email.upper()},Mentee,\n"
    # when
    response = client.post(
        _url("enrol_import", org, program_id=program.pk), {"file": _csv(text)}, follow=True
    )
    # then
    assert "2 people enrolled." in response.content.decode()
    enrolments = {e.membership_id: e for e in Enrolment.objects.filter(program=program)}
    assert (enrolments[ada.pk].role, enrolments[ada.pk].capacity) == (EnrolmentRole.MENTOR, 3)
    assert enrolments[bob.pk].role == EnrolmentRole.MENTEE


def test_enrol_import_csv_with_bad_rows_lists_each_and_enrols_nobody(
    client: Client, org: Organisation, program: Program, program_admin: Membership
) -> None:
    # given
    ada = make_member(org)
    login(client, program_admin)
    text = (
        f"email,role,capacity\n{ada.user.email},mentor,2\n"
        f"nobody@example.com,mentee,\n{ada.user.email},boss,\n"
    )
    # when
    response = client.post(_url("enrol_import", org, program_id=program.pk), {"file": _csv(text)})
    # then
    errors = {(e.row, e.field) for e in response.context["row_errors"]}
    assert errors == {(3, "email"), (4, "email"), (4, "role")}
    page = response.content.decode()
    assert "The file was not imported" in page
    assert "Row 3, email" in page
    assert not Enrolment.objects.filter(program=program).exists()


def test_enrol_import_rejects_a_non_csv_upload(
    client: Client, org: Organisation, program: Program, program_admin: Membership
) -> None:
    # given
    login(client, program_admin)
    upload = SimpleUploadedFile("people.xlsx", b"PK\x03\x04binary", content_type="application/octet-stream")
    # when
    response = client.post(_url("enrol_import", org, program_id=program.pk), {"file": upload})
    # then
    assert response.context["import_form"].errors["file"]
    assert not Enrolment.objects.exists()


def test_program_pages_mark_programs_as_the_current_section(member_client: Client, org: Organisation) -> None:
    # when
    response = member_client.get(_url("list", org))
    # then
    active = [link.label for link in response.context["nav"].links if link.active]
    assert active == ["Programs"]
