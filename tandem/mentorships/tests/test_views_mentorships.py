"""Self-service pages (recommended mentors, sending, answering and withdrawing requests) and the
mentorship pages — isolation, who may do what, query counts, and clear errors that change nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import login
from tandem.matching.models import MatchRound, RoundStatus
from tandem.matching.services import match_round_publish
from tandem.mentorships.models import (
    Mentorship,
    MentorshipOrigin,
    MentorshipRequest,
    MentorshipStatus,
    RequestStatus,
)
from tandem.mentorships.services import mentorship_request_create, mentorship_start
from tandem.mentorships.views import MENTORSHIPS_PAGE_SIZE
from tandem.organisations.models import Membership, Organisation
from tandem.programs.models import Enrolment, Program, ProgramStatus
from tandem.programs.services import enrolment_create
from tests.program_setup import draft_round, make_program, mentee, mentor

Queries = Callable[..., Any]


def _url(name: str, org: Organisation, **kwargs: Any) -> str:
    return reverse(f"mentorships:{name}", kwargs={"org_slug": org.slug, **kwargs})


@pytest.fixture
def program(org: Organisation, program_admin: Membership) -> Program:
    return make_program(
        org,
        program_admin,
        name="Engineering mentoring",
        matching_mode="self_service",
        max_open_requests_per_mentee=2,
    )


def _ask(
    mentee_enrolment: Enrolment, mentor_enrolment: Enrolment, message: str = "Please?"
) -> MentorshipRequest:
    return mentorship_request_create(
        mentee=mentee_enrolment, mentor=mentor_enrolment, message=message, by=mentee_enrolment.membership
    )


# --- recommendations ----------------------------------------------------------------------------


def test_recommendations_rank_mentors_with_reasons_places_and_response_time(
    client: Client, org: Organisation, program: Program
) -> None:
    # given: an expert with two places, a beginner with one, and a full expert
    ada = mentor(program, full_name="Ada Expert", expertise=4, capacity=2)
    mentor(program, full_name="Bo Beginner", expertise=1, capacity=1)
    full = mentor(program, full_name="Cy Full", expertise=4, capacity=1)
    mentorship_start(
        mentor=full, mentees=[mentee(program)], origin=MentorshipOrigin.ADMIN, needs_consent=False
    )
    # and: Ada answered an earlier request after about five hours
    earlier = mentee(program)
    request = _ask(earlier, ada)
    MentorshipRequest.objects.filter(pk=request.pk).update(
        status=RequestStatus.DECLINED, responded_at=request.created_at + timedelta(hours=5)
    )
    me = mentee(program, full_name="Mia Mentee")
    login(client, me.membership)
    # when
    response = client.get(_url("recommendations", org, program_id=program.pk))
    # then: the full mentor is left out; the expert comes first, with what a mentee needs to choose
    recommendations = response.context["recommendations"]
    assert [r.candidate.mentor.membership.user.full_name for r in recommendations] == [
        "Ada Expert",
        "Bo Beginner",
    ]
    best = recommendations[0]
    assert best.candidate.places_left == 2
    assert best.typical_response_hours == pytest.approx(5, abs=0.1)
    html = response.content.decode()
    assert "Usually answers about 5 hours" in html
    assert "2 places left" in html
    assert "You have 0 of 2 open requests" in html
    assert "Ask Ada Expert to mentor you" in html


def test_recommendations_for_someone_not_a_mentee_explain_why_there_are_none(
    client: Client, org: Organisation, program: Program, member: Membership
) -> None:
    # given: a member not enrolled, and a mentor
    helper = mentor(program)
    for who in (member, helper.membership):
        login(client, who)
        # when
        response = client.get(_url("recommendations", org, program_id=program.pk))
        # then
        assert response.status_code == 200
        assert response.context["recommendations"] == []
        assert "Join this program as a mentee" in response.content.decode()


def test_recommendations_in_an_admin_matched_program_say_admins_match(
    client: Client, org: Organisation, program_admin: Membership
) -> None:
    # given
    bulk = make_program(org, program_admin, matching_mode="admin_bulk")
    me = mentee(bulk)
    login(client, me.membership)
    # when
    response = client.get(_url("recommendations", org, program_id=bulk.pk))
    # then
    assert "the admins make the matches" in response.content.decode()


def test_recommendations_outsider_and_draft_program_are_404(
    client: Client, org: Organisation, program: Program, outsider: Membership, program_admin: Membership
) -> None:
    # given
    draft = make_program(org, program_admin, status=ProgramStatus.DRAFT, matching_mode="self_service")
    login(client, outsider)
    # when / then
    assert (
        client.get(_url("recommendations", outsider.organisation, program_id=program.pk)).status_code == 404
    )
    assert client.get(_url("recommendations", org, program_id=program.pk)).status_code == 404
    login(client, mentee(program).membership)
    assert client.get(_url("recommendations", org, program_id=draft.pk)).status_code == 404


# --- sending requests ---------------------------------------------------------------------------


def test_request_new_sends_the_request_with_the_message(
    client: Client, org: Organisation, program: Program
) -> None:
    # given
    ada = mentor(program, full_name="Ada Expert")
    me = mentee(program)
    login(client, me.membership)
    url = _url("request_new", org, program_id=program.pk, mentor_id=ada.pk)
    assert "1 of 2 places" not in client.get(url).content.decode()
    # when
    response = client.post(url, {"message": "  I want to learn system design.  "}, follow=True)
    # then
    request = MentorshipRequest.objects.get()
    assert (request.mentee_id, request.mentor_id, request.status) == (me.pk, ada.pk, RequestStatus.PENDING)
    assert request.message == "I want to learn system design."
    assert "Your request is sent to Ada Expert" in response.content.decode()
    assert response.context["sent"][0][0].pk == request.pk


def test_request_new_without_a_message_shows_field_error_and_sends_nothing(
    client: Client, org: Organisation, program: Program
) -> None:
    # given
    ada = mentor(program)
    login(client, mentee(program).membership)
    # when
    response = client.post(
        _url("request_new", org, program_id=program.pk, mentor_id=ada.pk), {"message": "   "}
    )
    # then
    assert response.context["form"].errors["message"]
    assert not MentorshipRequest.objects.exists()


def test_request_new_to_a_full_mentor_shows_why_and_sends_nothing(
    client: Client, org: Organisation, program: Program
) -> None:
    # given: a mentor whose only place is taken
    full = mentor(program, capacity=1)
    mentorship_start(
        mentor=full, mentees=[mentee(program)], origin=MentorshipOrigin.ADMIN, needs_consent=False
    )
    login(client, mentee(program).membership)
    url = _url("request_new", org, program_id=program.pk, mentor_id=full.pk)
    # when
    page = client.get(url)
    response = client.post(url, {"message": "Hello"})
    # then
    assert page.context["places_left"] == 0
    assert "This mentor has no place left." in response.content.decode()
    assert not MentorshipRequest.objects.exists()


def test_request_new_over_the_open_request_limit_shows_the_limit(
    client: Client, org: Organisation, program: Program
) -> None:
    # given: a mentee with two open requests, the program's limit
    me = mentee(program)
    for _ in range(2):
        _ask(me, mentor(program))
    third = mentor(program)
    login(client, me.membership)
    # when
    response = client.post(
        _url("request_new", org, program_id=program.pk, mentor_id=third.pk), {"message": "Hi"}
    )
    # then
    assert "You can have at most 2 open requests" in response.content.decode()
    assert MentorshipRequest.objects.count() == 2


def test_request_new_to_someone_not_a_mentor_here_is_404(
    client: Client, org: Organisation, program: Program, program_admin: Membership
) -> None:
    # given: another mentee of the program, and a mentor of another program
    me = mentee(program)
    elsewhere = mentor(make_program(org, program_admin, name="Other", matching_mode="self_service"))
    login(client, me.membership)
    for target in (mentee(program), elsewhere):
        # when / then
        url = _url("request_new", org, program_id=program.pk, mentor_id=target.pk)
        assert client.post(url, {"message": "Hi"}).status_code == 404
    assert not MentorshipRequest.objects.exists()


def test_request_new_by_a_member_not_enrolled_sends_them_to_join(
    client: Client, org: Organisation, program: Program, member: Membership
) -> None:
    # given
    ada = mentor(program)
    login(client, member)
    # when
    response = client.post(
        _url("request_new", org, program_id=program.pk, mentor_id=ada.pk), {"message": "Hi"}
    )
    # then
    assert response["Location"] == reverse(
        "programs:detail", kwargs={"org_slug": org.slug, "program_id": program.pk}
    )
    assert not MentorshipRequest.objects.exists()


# --- answering requests -------------------------------------------------------------------------


def test_requests_page_shows_requests_to_me_and_my_response_time(
    client: Client, org: Organisation, program: Program
) -> None:
    # given: Ada answered one request in two hours and has one waiting
    ada = mentor(program, capacity=3)
    answered = _ask(mentee(program), ada)
    MentorshipRequest.objects.filter(pk=answered.pk).update(
        status=RequestStatus.DECLINED,
        decline_reason="Busy",
        responded_at=answered.created_at + timedelta(hours=2),
    )
    waiting = _ask(mentee(program, full_name="Noa Mentee"), ada, "Teach me Django")
    login(client, ada.membership)
    # when
    response = client.get(_url("requests", org))
    # then
    assert [(r.pk, places) for r, places in response.context["pending"]] == [(waiting.pk, 3)]
    assert [r.pk for r in response.context["answered"]] == [answered.pk]
    html = response.content.decode()
    assert "You usually answer about 2 hours" in html
    assert "Teach me Django" in html
    assert "Accept Noa Mentee's request" in html


def test_request_accept_starts_the_mentorship_and_closes_the_mentees_other_requests(
    client: Client, org: Organisation, program: Program
) -> None:
    # given: Mia asked Ada and Bo
    ada, bo = mentor(program), mentor(program)
    mia = mentee(program, full_name="Mia Mentee")
    to_ada, to_bo = _ask(mia, ada), _ask(mia, bo)
    login(client, ada.membership)
    # when
    response = client.post(_url("accept", org, request_id=to_ada.pk), follow=True)
    # then
    mentorship = Mentorship.objects.get()
    assert response.redirect_chain[-1][0] == _url("detail", org, mentorship_id=mentorship.pk)
    assert mentorship.status == MentorshipStatus.ACTIVE
    assert "You are now mentoring Mia Mentee" in response.content.decode()
    to_bo.refresh_from_db()
    assert to_bo.status == RequestStatus.INVALIDATED


def test_request_accept_by_the_mentee_is_refused(client: Client, org: Organisation, program: Program) -> None:
    # given
    mia = mentee(program)
    request = _ask(mia, mentor(program))
    login(client, mia.membership)
    # when
    response = client.post(_url("accept", org, request_id=request.pk), follow=True)
    # then
    assert "Only the requested mentor can accept." in response.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING
    assert not Mentorship.objects.exists()


def test_request_accept_when_already_full_is_refused(
    client: Client, org: Organisation, program: Program
) -> None:
    # given: Ada's only place was taken after Mia asked
    ada = mentor(program, capacity=2)
    request = _ask(mentee(program), ada)
    mentorship_start(
        mentor=ada, mentees=[mentee(program)], origin=MentorshipOrigin.ADMIN, needs_consent=False
    )
    # ...and then lowered their capacity to the one mentee they have (the request stays pending)
    Enrolment.objects.filter(pk=ada.pk).update(capacity=1)
    login(client, ada.membership)
    # when
    response = client.post(_url("accept", org, request_id=request.pk), follow=True)
    # then
    assert "You have no place left in this program" in response.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING
    assert Mentorship.objects.count() == 1


def test_request_decline_needs_a_reason(client: Client, org: Organisation, program: Program) -> None:
    # given
    ada = mentor(program)
    request = _ask(mentee(program), ada)
    login(client, ada.membership)
    url = _url("decline", org, request_id=request.pk)
    # when: no reason
    response = client.post(url, {"reason": ""})
    # then: the error shows on that request's form; nothing changes
    assert response.context["declining"] == request.pk
    assert "Give the mentee a short reason" in response.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING
    # when: with a reason
    client.post(url, {"reason": "My places are promised this quarter."})
    # then
    request.refresh_from_db()
    assert (request.status, request.decline_reason) == (
        RequestStatus.DECLINED,
        "My places are promised this quarter.",
    )


def test_request_withdraw_by_the_mentee(client: Client, org: Organisation, program: Program) -> None:
    # given
    mia = mentee(program)
    request = _ask(mia, mentor(program))
    login(client, mia.membership)
    # when
    client.post(_url("withdraw", org, request_id=request.pk))
    # then
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN


def test_request_expired_cannot_be_accepted(client: Client, org: Organisation, program: Program) -> None:
    # given
    ada = mentor(program)
    request = _ask(mentee(program), ada)
    MentorshipRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    login(client, ada.membership)
    # when
    response = client.post(_url("accept", org, request_id=request.pk), follow=True)
    # then
    assert "This request has expired." in response.content.decode()
    assert not Mentorship.objects.exists()


@pytest.mark.parametrize("name", ["accept", "decline", "withdraw"])
def test_request_actions_by_someone_else_are_404(
    client: Client,
    *,
    org: Organisation,
    program: Program,
    member: Membership,
    outsider: Membership,
    name: str,
) -> None:
    # given: a request between two other people
    request = _ask(mentee(program), mentor(program))
    for who, slug in [(member, org.slug), (outsider, outsider.organisation.slug), (outsider, org.slug)]:
        login(client, who)
        # when
        response = client.post(
            reverse(f"mentorships:{name}", kwargs={"org_slug": slug, "request_id": request.pk}),
            {"reason": "x"},
        )
        # then
        assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


@pytest.mark.parametrize("count", [5, 30])
def test_requests_page_query_count_is_bounded(
    client: Client,
    *,
    org: Organisation,
    program_admin: Membership,
    django_assert_max_num_queries: Queries,
    count: int,
) -> None:
    # given: a member who mentors in one program and is a mentee in two others (the open-request
    # limit is per program), with many requests both ways
    giving = make_program(org, program_admin, name="Giving", matching_mode="self_service")
    me_mentor = mentor(giving, capacity=20)
    me_mentee = [
        Enrolment.objects.create(
            program=make_program(
                org,
                program_admin,
                name=f"Taking {i}",
                matching_mode="self_service",
                max_open_requests_per_mentee=20,
            ),
            membership=me_mentor.membership,
            role="mentee",
        )
        for i in range(2)
    ]
    for i in range(count):
        _ask(mentee(giving), me_mentor)
        _ask(me_mentee[i % 2], mentor(me_mentee[i % 2].program))
    login(client, me_mentor.membership)
    # when / then
    with django_assert_max_num_queries(13):
        response = client.get(_url("requests", org))
    assert len(response.context["pending"]) == count
    assert len(response.context["sent"]) == count


# --- mentorships --------------------------------------------------------------------------------


def test_mentorship_detail_explains_why_a_round_matched_them(
    client: Client, org: Organisation, program_admin: Membership
) -> None:
    # given: a published round
    program = make_program(org, program_admin, status=ProgramStatus.MATCHING)
    ada, mia = mentor(program, full_name="Ada Mentor"), mentee(program, full_name="Mia Mentee")
    match_round = draft_round(program, program_admin, [(mia, ada)], score=0.8)
    match_round_publish(match_round=match_round, by=program_admin)
    assert MatchRound.objects.get().status == RoundStatus.PUBLISHED
    mentorship = Mentorship.objects.get()
    for me, partner in [(mia, "Ada Mentor"), (ada, "Mia Mentee")]:
        login(client, me.membership)
        # when
        response = client.get(_url("detail", org, mentorship_id=mentorship.pk))
        # then: each sees the other, and why they were matched
        html = response.content.decode()
        assert [o.membership.user.full_name for o in response.context["others"]] == [partner]
        assert "Why you were matched" in html
        assert "Your fit is <strong>80%</strong>" in html
        assert "Advanced in Python (your goal: Python)" in html


def test_mentorship_detail_someone_else_gets_404(
    client: Client, org: Organisation, program: Program, member: Membership, outsider: Membership
) -> None:
    # given
    mentorship = mentorship_start(
        mentor=mentor(program), mentees=[mentee(program)], origin=MentorshipOrigin.ADMIN, needs_consent=False
    )
    for who, slug in [(member, org.slug), (outsider, outsider.organisation.slug), (outsider, org.slug)]:
        login(client, who)
        # when / then
        url = reverse("mentorships:detail", kwargs={"org_slug": slug, "mentorship_id": mentorship.pk})
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("count", [5, 30])
def test_mentorship_list_query_count_is_bounded(
    client: Client,
    *,
    org: Organisation,
    program_admin: Membership,
    django_assert_max_num_queries: Queries,
    count: int,
) -> None:
    # given: a mentor with many mentees, one mentorship each, over two programs
    programs = [
        make_program(org, program_admin, name=f"P{i}", status=ProgramStatus.IN_PROGRESS) for i in range(2)
    ]
    ada = mentor(programs[0], capacity=20)
    ada_too = enrolment_create(program=programs[1], membership=ada.membership, role="mentor", capacity=20)
    for i in range(count):
        side = (ada, ada_too)[i % 2]
        mentorship_start(
            mentor=side, mentees=[mentee(side.program)], origin=MentorshipOrigin.ADMIN, needs_consent=False
        )
    login(client, ada.membership)
    # when / then
    with django_assert_max_num_queries(11):
        response = client.get(_url("list", org))
    assert len(response.context["rows"]) == min(count, MENTORSHIPS_PAGE_SIZE)
    assert response.context["page"].paginator.count == count


@pytest.mark.parametrize("mentors", [5, 30])
def test_recommendations_query_count_is_bounded(
    client: Client,
    *,
    org: Organisation,
    program: Program,
    django_assert_max_num_queries: Queries,
    mentors: int,
) -> None:
    # given: many mentors to rank
    for _ in range(mentors):
        mentor(program)
    me = mentee(program)
    login(client, me.membership)
    # when / then: the pool is read in a fixed number of queries, whatever its size
    with django_assert_max_num_queries(36):
        response = client.get(_url("recommendations", org, program_id=program.pk))
    assert len(response.context["recommendations"]) == min(mentors, 10)


@pytest.mark.parametrize("name", ["requests", "list"])
def test_member_pages_outsider_gets_404(
    client: Client, org: Organisation, outsider: Membership, name: str
) -> None:
    # given
    login(client, outsider)
    # when / then: another organisation's pages do not exist for them
    assert client.get(_url(name, org)).status_code == 404
    assert client.get(_url(name, outsider.organisation)).status_code == 200


def test_mentorship_answer_both_accept_and_it_starts(
    client: Client, org: Organisation, program: Program
) -> None:
    # given: a match that needs both sides' consent
    ada, mia = mentor(program), mentee(program)
    mentorship = mentorship_start(
        mentor=ada, mentees=[mia], origin=MentorshipOrigin.ROUND, needs_consent=True
    )
    url = _url("answer", org, mentorship_id=mentorship.pk)
    login(client, mia.membership)
    page = client.get(_url("detail", org, mentorship_id=mentorship.pk)).content.decode()
    assert "do you accept?" in page
    # when: the mentee accepts
    response = client.post(url, {"accept": "1"}, follow=True)
    # then: it waits for the mentor
    assert "starts once everyone has" in response.content.decode()
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.PROPOSED
    # when: the mentor accepts too
    login(client, ada.membership)
    client.post(url, {"accept": "1"})
    # then
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ACTIVE


def test_mentorship_answer_decline_ends_it_and_a_second_answer_is_refused(
    client: Client, org: Organisation, program: Program
) -> None:
    # given
    ada, mia = mentor(program), mentee(program)
    mentorship = mentorship_start(
        mentor=ada, mentees=[mia], origin=MentorshipOrigin.ROUND, needs_consent=True
    )
    url = _url("answer", org, mentorship_id=mentorship.pk)
    login(client, ada.membership)
    # when
    client.post(url, {"accept": "0"})
    # then
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.DECLINED
    # when: the mentee answers afterwards
    login(client, mia.membership)
    response = client.post(url, {"accept": "1"}, follow=True)
    # then
    assert "This match is already declined." in response.content.decode()
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.DECLINED


def test_mentorship_answer_by_someone_else_is_404(
    client: Client, org: Organisation, program: Program, member: Membership, outsider: Membership
) -> None:
    # given
    mentorship = mentorship_start(
        mentor=mentor(program), mentees=[mentee(program)], origin=MentorshipOrigin.ROUND, needs_consent=True
    )
    for who, slug in [(member, org.slug), (outsider, outsider.organisation.slug)]:
        login(client, who)
        # when
        url = reverse("mentorships:answer", kwargs={"org_slug": slug, "mentorship_id": mentorship.pk})
        response = client.post(url, {"accept": "0"})
        # then
        assert response.status_code == 404
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.PROPOSED
