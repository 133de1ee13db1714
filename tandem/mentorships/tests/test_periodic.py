from __future__ import annotations

import io
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from tandem.mentorships.models import MentorshipRequest, RequestStatus
from tandem.mentorships.services import mentorship_request_create
from tandem.programs.services import ProgramSettings, enrolment_create, program_create, program_transition
from tests.factories import make_member


def test_run_periodic_once_expires_overdue_requests(org, program_admin):
    # given: one overdue and one fresh pending request
    program = program_transition(
        program=program_create(
            organisation=org,
            by=program_admin,
            settings=ProgramSettings(name="S", matching_mode="self_service"),
        ),
        to_status="open",
        by=program_admin,
    )
    mentor = enrolment_create(program=program, membership=make_member(org), role="mentor", capacity=3)
    requests = []
    for _ in range(2):
        mentee = enrolment_create(program=program, membership=make_member(org), role="mentee")
        requests.append(
            mentorship_request_create(mentee=mentee, mentor=mentor, message="hi", by=mentee.membership)
        )
    MentorshipRequest.objects.filter(pk=requests[0].pk).update(expires_at=timezone.now() - timedelta(hours=1))
    # when
    out = io.StringIO()
    call_command("run_periodic", "--once", stdout=out)
    # then
    statuses = dict(MentorshipRequest.objects.values_list("pk", "status"))
    assert statuses == {requests[0].pk: RequestStatus.EXPIRED, requests[1].pk: RequestStatus.PENDING}
    assert "expire_requests" in out.getvalue()
