from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.mentorships.capacity import mentees_held, remaining_capacity
from tandem.mentorships.errors import AlreadyMatched, MentorAtCapacity, RequestInvalid, RequestNotAllowed
from tandem.mentorships.models import MentorshipRequest, MentorshipStatus, RequestStatus
from tandem.mentorships.services import (
    mentorship_request_accept,
    mentorship_request_create,
    mentorship_request_decline,
    mentorship_request_withdraw,
    mentorship_requests_expire,
)
from tandem.organisations.models import Membership, Organisation
from tandem.programs.models import Enrolment, Program
from tandem.programs.services import ProgramSettings, enrolment_create, program_create, program_transition
from tests.factories import make_member


@pytest.fixture
def program(org: Organisation, program_admin: Membership) -> Program:
    created = program_create(
        organisation=org,
        by=program_admin,
        settings=ProgramSettings(
            name="Self-service", matching_mode="self_service", max_open_requests_per_mentee=2
        ),
    )
    return program_transition(program=created, to_status="open", by=program_admin)


def _mentor(program: Program, capacity: int = 1) -> Enrolment:
    return enrolment_create(
        program=program, membership=make_member(program.organisation), role="mentor", capacity=capacity
    )


def _mentee(program: Program) -> Enrolment:
    return enrolment_create(program=program, membership=make_member(program.organisation), role="mentee")


def _ask(mentee: Enrolment, mentor: Enrolment) -> MentorshipRequest:
    return mentorship_request_create(mentee=mentee, mentor=mentor, message="Hello!", by=mentee.membership)


def test_request_accept_creates_mentorship_and_invalidates_other_requests(program):
    # given
    mentee = _mentee(program)
    mentor_a, mentor_b = _mentor(program, capacity=2), _mentor(program)
    first, second = _ask(mentee, mentor_a), _ask(mentee, mentor_b)
    # when
    mentorship = mentorship_request_accept(request=first, by=mentor_a.membership)
    # then
    assert mentorship.status == MentorshipStatus.ACTIVE
    assert {(m.membership_id, m.role) for m in mentorship.members.all()} == {
        (mentor_a.membership_id, "mentor"),
        (mentee.membership_id, "mentee"),
    }
    second.refresh_from_db()
    assert second.status == RequestStatus.INVALIDATED
    assert "matched elsewhere" in second.invalidated_reason
    assert remaining_capacity(mentor=mentor_a) == 1


def test_request_accept_full_mentor_invalidates_requests_waiting_on_them(program):
    # given
    mentor = _mentor(program, capacity=1)
    one, two = _mentee(program), _mentee(program)
    r1, r2 = _ask(one, mentor), _ask(two, mentor)
    # when
    mentorship_request_accept(request=r1, by=mentor.membership)
    # then
    r2.refresh_from_db()
    assert r2.status == RequestStatus.INVALIDATED
    assert "capacity" in r2.invalidated_reason
    with pytest.raises(MentorAtCapacity):
        _ask(_mentee(program), mentor)


def test_request_create_rules(program, org):
    mentee, mentor = _mentee(program), _mentor(program, capacity=3)
    with pytest.raises(RequestInvalid) as err:
        mentorship_request_create(mentee=mentee, mentor=mentor, message="  ", by=mentee.membership)
    assert err.value.field == "message"
    with pytest.raises(RequestNotAllowed):
        mentorship_request_create(mentee=mentee, mentor=mentor, message="hi", by=mentor.membership)
    _ask(mentee, mentor)
    with pytest.raises(RequestInvalid):  # one pending request per pair
        _ask(mentee, mentor)
    _ask(mentee, _mentor(program))
    with pytest.raises(RequestInvalid) as err:  # limit of open requests (2 in this program)
        _ask(mentee, _mentor(program))
    assert "at most 2" in err.value.message
    assert MentorshipRequest.objects.filter(mentee=mentee).count() == 2


def test_request_admin_bulk_program_refuses_requests(org, program_admin):
    program = program_transition(
        program=program_create(organisation=org, by=program_admin, settings=ProgramSettings(name="Bulk")),
        to_status="open",
        by=program_admin,
    )
    with pytest.raises(RequestInvalid):
        _ask(_mentee(program), _mentor(program))


def test_request_decline_needs_reason_and_only_the_mentor(program):
    mentee, mentor = _mentee(program), _mentor(program)
    request = _ask(mentee, mentor)
    with pytest.raises(RequestNotAllowed):
        mentorship_request_decline(request=request, by=mentee.membership, reason="no")
    with pytest.raises(RequestInvalid):
        mentorship_request_decline(request=request, by=mentor.membership, reason=" ")
    declined = mentorship_request_decline(
        request=request, by=mentor.membership, reason="No time this quarter"
    )
    assert declined.status == RequestStatus.DECLINED
    with pytest.raises(RequestInvalid):
        mentorship_request_accept(request=declined, by=mentor.membership)


def test_request_withdraw_and_expire(program):
    mentee, mentor = _mentee(program), _mentor(program)
    withdrawn = mentorship_request_withdraw(request=_ask(mentee, mentor), by=mentee.membership)
    assert withdrawn.status == RequestStatus.WITHDRAWN
    late = _ask(mentee, _mentor(program))
    MentorshipRequest.objects.filter(pk=late.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert mentorship_requests_expire() == 1
    late.refresh_from_db()
    assert late.status == RequestStatus.EXPIRED


def test_request_accept_matched_mentee_is_refused(program):
    mentee = _mentee(program)
    m1, m2 = _mentor(program), _mentor(program)
    r1, r2 = _ask(mentee, m1), _ask(mentee, m2)
    mentorship_request_accept(request=r1, by=m1.membership)
    # r2 was invalidated by the first accept
    with pytest.raises(RequestInvalid):
        mentorship_request_accept(request=r2, by=m2.membership)
    with pytest.raises(AlreadyMatched):
        _ask(mentee, _mentor(program))
    assert mentees_held(mentor=m2) == 0


def test_mentorship_start_invalidates_requests_that_can_no_longer_succeed(program):
    # given: a mentor with one place and two requests waiting, and a mentee asking elsewhere too
    from tandem.mentorships.models import MentorshipOrigin
    from tandem.mentorships.services import mentorship_start

    mentor = _mentor(program, capacity=1)
    first, second = _mentee(program), _mentee(program)
    waiting = _ask(second, mentor)
    elsewhere = _ask(first, _mentor(program))
    # when: an admin matches the first mentee with that mentor
    mentorship_start(mentor=mentor, mentees=[first], origin=MentorshipOrigin.ADMIN, needs_consent=False)
    # then: the full mentor's waiting request and the matched mentee's other request are closed
    waiting.refresh_from_db()
    elsewhere.refresh_from_db()
    assert waiting.status == RequestStatus.INVALIDATED
    assert "capacity" in waiting.invalidated_reason
    assert elsewhere.status == RequestStatus.INVALIDATED
    assert "matched elsewhere" in elsewhere.invalidated_reason
