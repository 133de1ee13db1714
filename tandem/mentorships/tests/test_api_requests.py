"""API: self-service matching — recommended mentors, requests and their answers — and my mentorships."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tandem.matching.services import match_round_publish
from tandem.mentorships.models import (
    Mentorship,
    MentorshipOrigin,
    MentorshipRequest,
    MentorshipStatus,
    RequestStatus,
)
from tandem.mentorships.selectors import mentor_response_hours
from tandem.mentorships.services import mentorship_request_create, mentorship_start
from tandem.organisations.models import Membership, Organisation
from tandem.programs.models import Enrolment, Program, ProgramStatus
from tandem.programs.services import program_transition
from tests.api_client import api_client
from tests.factories import make_member
from tests.program_setup import draft_round, make_program, mentee, mentor

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def program(org: Organisation, program_admin: Membership) -> Program:
    return make_program(
        org,
        program_admin,
        name="Choose your mentor",
        matching_mode="self_service",
        max_open_requests_per_mentee=2,
    )


def _url(org: Organisation, rest: str) -> str:
    return f"/api/orgs/{org.slug}{rest}"


def _ask(who: Enrolment, to: Enrolment, message: str = "Hello!") -> MentorshipRequest:
    return mentorship_request_create(mentee=who, mentor=to, message=message, by=who.membership)


def _answered(
    request: MentorshipRequest, *, after_hours: float, status: str = RequestStatus.DECLINED
) -> None:
    """Record that the mentor answered `after_hours` after the request arrived."""
    created = timezone.now() - timedelta(days=30)
    MentorshipRequest.objects.filter(pk=request.pk).update(
        status=status, created_at=created, responded_at=created + timedelta(hours=after_hours)
    )


def _request_state() -> tuple[object, ...]:
    return (
        tuple(
            MentorshipRequest.objects.order_by("pk").values_list(
                "pk", "status", "decline_reason", "invalidated_reason", "mentorship_id"
            )
        ),
        Mentorship.objects.count(),
    )


def _field(body: dict[str, Any]) -> list[str]:
    return [body["field"]] if "field" in body else [e["field"] for e in body.get("errors", [])]


# --- recommended mentors ------------------------------------------------------------------------


def test_recommendation_list_ranks_mentors_by_score_with_reasons(program: Program, org: Organisation) -> None:
    # given
    me = mentee(program)
    expert = mentor(program, expertise=4, full_name="Erin Expert")
    mentor(program, expertise=1, full_name="Nina Novice")
    mentor(program, expertise=4, languages=("de",), full_name="Dora Deutsch")  # no shared language
    full = mentor(program, capacity=1, expertise=4, full_name="Fay Full")
    mentorship_start(
        mentor=full, mentees=[mentee(program)], origin=MentorshipOrigin.ADMIN, needs_consent=False
    )
    # when
    response = api_client(me.membership).get(_url(org, f"/programs/{program.pk}/recommended-mentors"))
    # then the forbidden and the full mentors are left out
    assert response.status_code == 200, response.content
    body = response.json()
    assert [r["mentor"]["full_name"] for r in body] == ["Erin Expert", "Nina Novice"]
    assert body[0]["score"] > body[1]["score"]
    assert body[0]["mentor"]["enrolment_id"] == expert.pk
    assert body[0]["places_left"] == 2
    assert any("Python" in reason for reason in body[0]["reasons"])
    assert {c["criterion"] for c in body[0]["breakdown"]} >= {"goals", "language"}


def test_recommendation_list_shows_response_time_and_pending_requests(
    program: Program, org: Organisation
) -> None:
    # given a mentor who answered earlier requests in 2, 4 and 30 hours, and a pending request to them
    me = mentee(program)
    quick = mentor(program, expertise=4, capacity=5, full_name="Quinn Quick")
    mentor(program, expertise=2, full_name="Nora New")
    for hours in (2, 4, 30):
        _answered(_ask(mentee(program), quick), after_hours=hours)
    _ask(me, quick)
    # when
    response = api_client(me.membership).get(_url(org, f"/programs/{program.pk}/recommended-mentors"))
    # then
    by_name = {r["mentor"]["full_name"]: r for r in response.json()}
    assert (by_name["Quinn Quick"]["typical_response_hours"], by_name["Quinn Quick"]["requested"]) == (
        4.0,
        True,
    )
    assert (by_name["Nora New"]["typical_response_hours"], by_name["Nora New"]["requested"]) == (None, False)


def test_recommendation_list_is_empty_once_matched(program: Program, org: Organisation) -> None:
    # given
    me = mentee(program)
    mentorship_start(mentor=mentor(program), mentees=[me], origin=MentorshipOrigin.ADMIN, needs_consent=False)
    mentor(program)
    # when
    response = api_client(me.membership).get(_url(org, f"/programs/{program.pk}/recommended-mentors"))
    # then
    assert (response.status_code, response.json()) == (200, [])


def test_recommendation_list_needs_a_self_service_mentee_enrolment(
    org: Organisation, program_admin: Membership, program: Program, member: Membership
) -> None:
    # given an admin-matched program, and members not enrolled as mentees
    bulk = make_program(org, program_admin, name="Admin matched")
    bulk_mentee = mentee(bulk)
    a_mentor = mentor(program)
    # when
    responses = [
        api_client(bulk_mentee.membership).get(_url(org, f"/programs/{bulk.pk}/recommended-mentors")),
        api_client(member).get(_url(org, f"/programs/{program.pk}/recommended-mentors")),
        api_client(a_mentor.membership).get(_url(org, f"/programs/{program.pk}/recommended-mentors")),
    ]
    # then
    assert [(r.status_code, r.json()["field"]) for r in responses] == [(400, "program")] * 3
    assert "admins make the matches" in responses[0].json()["detail"]


@pytest.mark.parametrize("rows", [5, 30])
def test_recommendation_list_query_count_is_bounded(
    rows: int, program: Program, org: Organisation, django_assert_max_num_queries: Any
) -> None:
    # given
    me = mentee(program)
    for _ in range(rows):
        mentor(program)
    client = api_client(me.membership)
    client.get("/api/me")
    # when
    with django_assert_max_num_queries(30):  # build_pool reads the pool in a fixed number of queries
        response = client.get(_url(org, f"/programs/{program.pk}/recommended-mentors?limit=50"))
    # then
    assert len(response.json()) == rows


# --- sending a request --------------------------------------------------------------------------


def test_request_send_creates_a_pending_request(program: Program, org: Organisation) -> None:
    # given
    me, them = mentee(program, full_name="Mo Mentee"), mentor(program, full_name="Tia Mentor")
    # when
    response = api_client(me.membership).post(
        _url(org, f"/programs/{program.pk}/requests"),
        {"mentor_enrolment_id": them.pk, "message": "I'd love to learn Python from you."},
        content_type=JSON,
    )
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["mentee"]["full_name"], body["mentor"]["full_name"]) == (
        "pending",
        "Mo Mentee",
        "Tia Mentor",
    )
    assert body["program"] == {"id": program.pk, "name": "Choose your mentor", "kind": "one_to_one"}
    request = MentorshipRequest.objects.get()
    assert (request.mentee_id, request.mentor_id, request.message) == (
        me.pk,
        them.pk,
        "I'd love to learn Python from you.",
    )


def test_request_send_to_a_full_mentor_is_a_conflict(program: Program, org: Organisation) -> None:
    # given a mentor whose only place is taken
    full = mentor(program, capacity=1)
    mentorship_start(
        mentor=full, mentees=[mentee(program)], origin=MentorshipOrigin.ADMIN, needs_consent=False
    )
    me = mentee(program)
    before = _request_state()
    # when
    response = api_client(me.membership).post(
        _url(org, f"/programs/{program.pk}/requests"),
        {"mentor_enrolment_id": full.pk, "message": "Please?"},
        content_type=JSON,
    )
    # then
    assert response.status_code == 409
    assert response.json() == {"detail": "This mentor has no place left.", "field": "mentor_enrolment_id"}
    assert _request_state() == before


@pytest.mark.parametrize(
    ("case", "http", "field"),
    [
        ("unknown mentor", 400, "mentor_enrolment_id"),
        ("a mentee as mentor", 400, "mentor_enrolment_id"),
        ("blank message", 400, "message"),
        ("long message", 422, "body.message"),
        ("too many open requests", 400, "mentor_enrolment_id"),
        ("same mentor twice", 400, "mentor_enrolment_id"),
        ("already matched", 409, "program"),
        ("paused", 400, "program"),
    ],
)
def test_request_send_bad_input_sends_nothing(
    program: Program, org: Organisation, case: str, http: int, field: str
) -> None:
    # given
    me, them = mentee(program), mentor(program)
    payload: dict[str, Any] = {"mentor_enrolment_id": them.pk, "message": "Hello"}
    if case == "unknown mentor":
        payload["mentor_enrolment_id"] = 999_999
    elif case == "a mentee as mentor":
        payload["mentor_enrolment_id"] = mentee(program).pk
    elif case == "blank message":
        payload["message"] = "   "
    elif case == "long message":
        payload["message"] = "x" * 2001
    elif case == "too many open requests":  # the program allows two
        _ask(me, mentor(program))
        _ask(me, mentor(program))
    elif case == "same mentor twice":
        _ask(me, them)
    elif case == "already matched":
        mentorship_start(
            mentor=mentor(program), mentees=[me], origin=MentorshipOrigin.ADMIN, needs_consent=False
        )
    elif case == "paused":
        Enrolment.objects.filter(pk=me.pk).update(status="paused")
    before = _request_state()
    # when
    response = api_client(me.membership).post(
        _url(org, f"/programs/{program.pk}/requests"), payload, content_type=JSON
    )
    # then
    assert response.status_code == http, response.content
    assert field in _field(response.json())
    assert _request_state() == before


def test_request_send_in_an_admin_matched_program_is_refused(
    org: Organisation, program_admin: Membership
) -> None:
    # given
    bulk = make_program(org, program_admin, name="Admin matched")
    me, them = mentee(bulk), mentor(bulk)
    # when
    response = api_client(me.membership).post(
        _url(org, f"/programs/{bulk.pk}/requests"),
        {"mentor_enrolment_id": them.pk, "message": "Hi"},
        content_type=JSON,
    )
    # then
    assert (response.status_code, response.json()["field"]) == (400, "program")
    assert not MentorshipRequest.objects.exists()


def test_request_send_without_enrolment_is_refused(
    program: Program, org: Organisation, member: Membership
) -> None:
    # given
    them = mentor(program)
    # when
    response = api_client(member).post(
        _url(org, f"/programs/{program.pk}/requests"),
        {"mentor_enrolment_id": them.pk, "message": "Hi"},
        content_type=JSON,
    )
    # then
    assert (response.status_code, response.json()["field"]) == (400, "program")
    assert not MentorshipRequest.objects.exists()


def test_request_send_to_a_mentor_of_another_program_is_refused(
    org: Organisation, program_admin: Membership, program: Program
) -> None:
    # given
    other = make_program(org, program_admin, name="Other", matching_mode="self_service")
    me, theirs = mentee(program), mentor(other)
    # when
    response = api_client(me.membership).post(
        _url(org, f"/programs/{program.pk}/requests"),
        {"mentor_enrolment_id": theirs.pk, "message": "Hi"},
        content_type=JSON,
    )
    # then
    assert (response.status_code, response.json()["field"]) == (400, "mentor_enrolment_id")
    assert not MentorshipRequest.objects.exists()


# --- my requests --------------------------------------------------------------------------------


def test_request_lists_show_each_side_its_own_requests(program: Program, org: Organisation) -> None:
    # given a mentee with two requests (one answered), and a mentor who answered in 3 hours
    me = mentee(program)
    first, second = mentor(program, full_name="First Mentor"), mentor(program, full_name="Second Mentor")
    answered = _ask(me, first)
    _answered(answered, after_hours=3)
    _ask(me, second)
    _ask(mentee(program), second)  # someone else's request
    # when
    sent = api_client(me.membership).get(_url(org, "/requests/sent"))
    received = api_client(first.membership).get(_url(org, "/requests/received"))
    pending_only = api_client(me.membership).get(_url(org, "/requests/sent?status=pending"))
    # then
    assert sent.status_code == received.status_code == 200
    items = {r["mentor"]["full_name"]: r for r in sent.json()["items"]}
    assert sent.json()["count"] == 2
    assert items["First Mentor"]["status"] == "declined"
    assert items["First Mentor"]["mentor_typical_response_hours"] == 3.0
    assert items["Second Mentor"]["mentor_typical_response_hours"] is None
    assert received.json()["count"] == 1
    assert received.json()["my_typical_response_hours"] == 3.0
    assert [r["mentor"]["full_name"] for r in pending_only.json()["items"]] == ["Second Mentor"]


@pytest.mark.parametrize("rows", [5, 30])
def test_request_received_query_count_is_bounded(
    rows: int, program: Program, org: Organisation, django_assert_max_num_queries: Any
) -> None:
    # given a mentor with `rows` requests, half of them answered
    them = mentor(program, capacity=20)
    for i in range(rows):
        request = _ask(mentee(program), them)
        if i % 2:
            _answered(request, after_hours=i)
    client = api_client(them.membership)
    client.get("/api/me")
    # when
    with django_assert_max_num_queries(6):  # token, membership, page, count, response times, mine
        response = client.get(_url(org, "/requests/received"))
    # then
    assert response.json()["count"] == rows


@pytest.mark.parametrize("rows", [5, 30])
def test_request_sent_query_count_is_bounded(
    rows: int, org: Organisation, program_admin: Membership, django_assert_max_num_queries: Any
) -> None:
    # given a mentee who asked a mentor in each of `rows` programs
    someone = make_member(org)
    for i in range(rows):
        program = make_program(org, program_admin, name=f"P{i}", matching_mode="self_service")
        asker = Enrolment.objects.create(program=program, membership=someone, role="mentee")
        _ask(asker, mentor(program))
    client = api_client(someone)
    client.get("/api/me")
    # when
    with django_assert_max_num_queries(5):  # token, membership, page, count, response times
        response = client.get(_url(org, "/requests/sent"))
    # then
    assert response.json()["count"] == rows


def test_request_list_pages(program: Program, org: Organisation) -> None:
    # given
    them = mentor(program, capacity=10)
    for _ in range(5):
        _ask(mentee(program), them)
    # when
    response = api_client(them.membership).get(_url(org, "/requests/received?limit=2&offset=4"))
    # then
    assert (response.json()["count"], len(response.json()["items"])) == (5, 1)


# --- answering ----------------------------------------------------------------------------------


def test_request_accept_starts_the_mentorship(program: Program, org: Organisation) -> None:
    # given a mentee who asked two mentors
    me, them, other = mentee(program), mentor(program), mentor(program)
    chosen, elsewhere = _ask(me, them), _ask(me, other)
    # when
    response = api_client(them.membership).post(_url(org, f"/requests/{chosen.pk}/accept"))
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "accepted"
    mentorship = Mentorship.objects.get(pk=body["mentorship_id"])
    assert (mentorship.status, mentorship.origin) == (MentorshipStatus.ACTIVE, MentorshipOrigin.REQUEST)
    elsewhere.refresh_from_db()
    assert elsewhere.status == RequestStatus.INVALIDATED


def test_request_accept_keeps_why_the_pair_fits(program: Program, org: Organisation) -> None:
    # given a mentee and the mentor they chose from the recommendations
    me, them = mentee(program), mentor(program, expertise=4)
    recommended = api_client(me.membership).get(_url(org, f"/programs/{program.pk}/recommended-mentors"))
    request = _ask(me, them)
    # when
    api_client(them.membership).post(_url(org, f"/requests/{request.pk}/accept"))
    mine = api_client(me.membership).get(_url(org, "/mentorships"))
    # then both see the score and the reasons the mentee saw when choosing
    fit = mine.json()["items"][0]
    assert fit["score"] == pytest.approx(recommended.json()[0]["score"])
    assert fit["reasons"] == recommended.json()[0]["reasons"]
    assert fit["explanation"] == recommended.json()[0]["breakdown"]


@pytest.mark.parametrize(("who", "http"), [("mentee", 403), ("stranger", 404), ("admin", 404)])
def test_request_accept_by_anyone_but_the_mentor_changes_nothing(
    program: Program, org: Organisation, program_admin: Membership, who: str, http: int
) -> None:
    # given
    me, them = mentee(program), mentor(program)
    request = _ask(me, them)
    caller = {"mentee": me.membership, "stranger": make_member(org), "admin": program_admin}[who]
    before = _request_state()
    # when
    response = api_client(caller).post(_url(org, f"/requests/{request.pk}/accept"))
    # then
    assert response.status_code == http
    assert _request_state() == before


def test_request_accept_when_the_mentor_is_full_changes_nothing(program: Program, org: Organisation) -> None:
    # given a request to a mentor who filled their only place meanwhile
    them = mentor(program, capacity=2)
    request = _ask(mentee(program), them)
    mentorship_start(
        mentor=them, mentees=[mentee(program)], origin=MentorshipOrigin.ADMIN, needs_consent=False
    )
    # ...and then lowered their capacity to the one mentee they have (the request stays pending)
    Enrolment.objects.filter(pk=them.pk).update(capacity=1)
    before = _request_state()
    # when
    response = api_client(them.membership).post(_url(org, f"/requests/{request.pk}/accept"))
    # then
    assert response.status_code == 409
    assert _request_state() == before


def test_request_decline_records_the_reason(program: Program, org: Organisation) -> None:
    # given
    them = mentor(program)
    request = _ask(mentee(program), them)
    # when
    response = api_client(them.membership).post(
        _url(org, f"/requests/{request.pk}/decline"), {"reason": "No time this quarter"}, content_type=JSON
    )
    # then
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["decline_reason"]) == (
        "declined",
        "No time this quarter",
    )
    assert response.json()["responded_at"] is not None


@pytest.mark.parametrize(
    ("payload", "http", "field"), [({"reason": "  "}, 400, "reason"), ({}, 422, "body.reason")]
)
def test_request_decline_without_reason_changes_nothing(
    program: Program, org: Organisation, payload: dict[str, str], http: int, field: str
) -> None:
    # given
    them = mentor(program)
    request = _ask(mentee(program), them)
    before = _request_state()
    # when
    response = api_client(them.membership).post(
        _url(org, f"/requests/{request.pk}/decline"), payload, content_type=JSON
    )
    # then
    assert response.status_code == http
    assert field in _field(response.json())
    assert _request_state() == before


def test_request_withdraw_by_the_mentee(program: Program, org: Organisation) -> None:
    # given
    me, them = mentee(program), mentor(program)
    request = _ask(me, them)
    # when
    by_mentor = api_client(them.membership).post(_url(org, f"/requests/{request.pk}/withdraw"))
    by_mentee = api_client(me.membership).post(_url(org, f"/requests/{request.pk}/withdraw"))
    # then
    assert by_mentor.status_code == 403
    assert (by_mentee.status_code, by_mentee.json()["status"]) == (200, "withdrawn")


def test_request_answered_twice_is_refused(program: Program, org: Organisation) -> None:
    # given
    me, them = mentee(program), mentor(program)
    request = _ask(me, them)
    api_client(me.membership).post(_url(org, f"/requests/{request.pk}/withdraw"))
    before = _request_state()
    # when
    response = api_client(them.membership).post(_url(org, f"/requests/{request.pk}/accept"))
    # then
    assert (response.status_code, response.json()["field"]) == (400, "status")
    assert "already withdrawn" in response.json()["detail"]
    assert _request_state() == before


# --- mentorships --------------------------------------------------------------------------------


def test_my_mentorships_explain_why_we_were_matched(org: Organisation, program_admin: Membership) -> None:
    # given a published round
    program = make_program(org, program_admin, status=ProgramStatus.MATCHING)
    learner, guide = mentee(program, full_name="Lou Learner"), mentor(program, full_name="Gil Guide")
    match_round = draft_round(program, program_admin, [(learner, guide)], score=0.8)
    match_round_publish(match_round=match_round, by=program_admin)
    # when
    as_mentee = api_client(learner.membership).get(_url(org, "/mentorships"))
    as_mentor = api_client(guide.membership).get(_url(org, "/mentorships"))
    # then
    assert as_mentee.status_code == 200
    body = as_mentee.json()["items"]
    assert len(body) == 1
    assert (body[0]["status"], body[0]["origin"], body[0]["score"]) == ("active", "round", 0.8)
    assert {(m["full_name"], m["role"]) for m in body[0]["members"]} == {
        ("Lou Learner", "mentee"),
        ("Gil Guide", "mentor"),
    }
    assert body[0]["explanation"][0]["reason"] == "Advanced in Python (your goal: Python)"
    assert body[0]["reasons"] == ["Advanced in Python (your goal: Python)"]
    assert as_mentor.json()["items"][0]["id"] == body[0]["id"]


def test_my_mentorships_lists_only_mine(program: Program, org: Organisation, member: Membership) -> None:
    # given someone else's mentorship
    mentorship_start(
        mentor=mentor(program), mentees=[mentee(program)], origin=MentorshipOrigin.ADMIN, needs_consent=False
    )
    # when
    response = api_client(member).get(_url(org, "/mentorships"))
    # then
    assert response.json() == {"items": [], "count": 0}


@pytest.mark.parametrize("rows", [5, 30])
def test_my_mentorships_query_count_is_bounded(
    rows: int, org: Organisation, program_admin: Membership, django_assert_max_num_queries: Any
) -> None:
    # given a mentor in `rows` mentorships, across programs
    guide = make_member(org)
    for i in range(rows):
        program = make_program(org, program_admin, name=f"P{i}")
        mine = Enrolment.objects.create(program=program, membership=guide, role="mentor", capacity=2)
        mentorship_start(
            mentor=mine, mentees=[mentee(program)], origin=MentorshipOrigin.ADMIN, needs_consent=False
        )
    client = api_client(guide)
    client.get("/api/me")
    # when
    with django_assert_max_num_queries(5):  # token, membership, count, page, members
        response = client.get(_url(org, "/mentorships"))
    # then
    assert response.json()["count"] == rows


# --- response time ------------------------------------------------------------------------------


def test_mentor_response_hours_is_the_median_of_answers_only(program: Program, org: Organisation) -> None:
    # given answers after 1, 5 and 9 hours (one an acceptance), and requests never answered
    them = mentor(program, capacity=10)
    _answered(_ask(mentee(program), them), after_hours=1)
    _answered(_ask(mentee(program), them), after_hours=5, status=RequestStatus.ACCEPTED)
    _answered(_ask(mentee(program), them), after_hours=9)
    _answered(_ask(mentee(program), them), after_hours=500, status=RequestStatus.EXPIRED)
    _ask(mentee(program), them)
    silent = mentor(program)
    # when
    hours = mentor_response_hours(organisation=org, membership_ids=[them.membership_id, silent.membership_id])
    # then
    assert hours == {them.membership_id: 5.0}


def test_mentor_response_hours_ignores_other_organisations(
    program: Program, org: Organisation, other_org: Organisation
) -> None:
    # given
    them = mentor(program)
    _answered(_ask(mentee(program), them), after_hours=2)
    # when / then
    assert mentor_response_hours(organisation=other_org, membership_ids=[them.membership_id]) == {}


def test_program_transition_keeps_requests_working(
    program: Program, org: Organisation, program_admin: Membership
) -> None:
    """Requests stay possible while the program moves to matching (hybrid programs run both)."""
    # given
    me, them = mentee(program), mentor(program)
    program_transition(program=program, to_status=ProgramStatus.MATCHING, by=program_admin)
    # when
    response = api_client(me.membership).post(
        _url(org, f"/programs/{program.pk}/requests"),
        {"mentor_enrolment_id": them.pk, "message": "Hi"},
        content_type=JSON,
    )
    # then
    assert response.status_code == 201
