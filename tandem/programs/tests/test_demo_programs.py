from __future__ import annotations

import pytest

from tandem.matching.models import MatchRound, RoundStatus
from tandem.mentorships.models import Mentorship, MentorshipRequest, MentorshipStatus, RequestStatus
from tandem.people.demo import demo_load
from tandem.programs.models import Program, ProgramKind, ProgramStatus


@pytest.mark.django_db
def test_demo_programs_cover_every_kind_and_stage():
    # when
    result = demo_load(seed=7, people=160)
    # then: one program of each kind, at different lifecycle stages
    programs = {p.kind: p for p in Program.objects.filter(organisation=result.organisation)}
    assert set(programs) == set(ProgramKind.values)
    statuses = set(Program.objects.filter(organisation=result.organisation).values_list("status", flat=True))
    assert {
        ProgramStatus.DRAFT,
        ProgramStatus.OPEN,
        ProgramStatus.MATCHING,
        ProgramStatus.IN_PROGRESS,
    } <= statuses
    # a published round with active mentorships, and a draft waiting for review
    onboarding = Program.objects.get(organisation=result.organisation, template_key="onboarding")
    assert MatchRound.objects.filter(program=onboarding, status=RoundStatus.PUBLISHED).exists()
    assert Mentorship.objects.filter(program=onboarding, status=MentorshipStatus.ACTIVE).count() > 5
    assert MatchRound.objects.filter(program=programs[ProgramKind.REVERSE], status=RoundStatus.DRAFT).exists()
    # requests in several states, including the demo member's pending one
    requests = MentorshipRequest.objects.filter(program__organisation=result.organisation)
    assert requests.filter(
        status=RequestStatus.PENDING, mentee__membership__user__email__startswith="member@"
    ).exists()
    assert requests.filter(status=RequestStatus.ACCEPTED).exists()
    assert requests.filter(status=RequestStatus.DECLINED).exclude(decline_reason="").exists()
