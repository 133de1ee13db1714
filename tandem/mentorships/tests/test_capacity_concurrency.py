"""Capacity under concurrent accepts: proven on PostgreSQL with real row locks and threads."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from tandem.errors import DomainError
from tandem.mentorships.capacity import mentees_held
from tandem.mentorships.models import MentorshipRequest, RequestStatus
from tandem.mentorships.services import mentorship_request_accept, mentorship_request_create
from tandem.programs.services import ProgramSettings, enrolment_create, program_create, program_transition
from tests.factories import make_member

pytestmark = pytest.mark.postgres


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_request_accept_concurrent_never_exceeds_capacity(org, program_admin):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL feature; SQLite serialises writers instead")
    # given: a mentor with 3 places and 12 pending requests
    program = program_transition(
        program=program_create(
            organisation=org,
            by=program_admin,
            settings=ProgramSettings(
                name="Rush", matching_mode="self_service", max_open_requests_per_mentee=1
            ),
        ),
        to_status="open",
        by=program_admin,
    )
    mentor = enrolment_create(program=program, membership=make_member(org), role="mentor", capacity=3)
    requests = []
    for _ in range(12):
        mentee = enrolment_create(program=program, membership=make_member(org), role="mentee")
        requests.append(
            mentorship_request_create(mentee=mentee, mentor=mentor, message="Please", by=mentee.membership)
        )
    barrier = threading.Barrier(len(requests))
    accepted: list[int] = []
    refused: list[str] = []
    lock = threading.Lock()

    def accept(request: MentorshipRequest) -> None:
        try:
            barrier.wait()
            mentorship_request_accept(request=request, by=mentor.membership)
            with lock:
                accepted.append(request.pk)
        except DomainError as exc:
            with lock:
                refused.append(type(exc).__name__)
        finally:
            connections.close_all()

    # when: every request is accepted at the same moment
    threads = [threading.Thread(target=accept, args=(r,)) for r in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    # then: exactly the capacity was taken, the rest refused cleanly
    assert len(accepted) == 3
    assert len(refused) == 9
    assert mentees_held(mentor=mentor) == 3
    assert MentorshipRequest.objects.filter(status=RequestStatus.ACCEPTED).count() == 3
    assert not MentorshipRequest.objects.filter(status=RequestStatus.PENDING).exists()
