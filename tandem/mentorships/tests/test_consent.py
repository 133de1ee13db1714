from __future__ import annotations

import pytest

from tandem.mentorships.capacity import mentees_held
from tandem.mentorships.errors import RequestInvalid, RequestNotAllowed
from tandem.mentorships.models import Consent, MentorshipOrigin, MentorshipStatus
from tandem.mentorships.services import mentorship_consent, mentorship_start
from tandem.programs.services import ProgramSettings, enrolment_create, program_create, program_transition
from tests.factories import make_member


@pytest.fixture
def proposed(org, program_admin):
    program = program_transition(
        program=program_create(
            organisation=org,
            by=program_admin,
            settings=ProgramSettings(name="Consent", requires_match_consent=True),
        ),
        to_status="open",
        by=program_admin,
    )
    mentor = enrolment_create(program=program, membership=make_member(org), role="mentor", capacity=1)
    mentee = enrolment_create(program=program, membership=make_member(org), role="mentee")
    mentorship = mentorship_start(
        mentor=mentor, mentees=[mentee], origin=MentorshipOrigin.ROUND, needs_consent=True
    )
    return mentorship, mentor, mentee


def test_mentorship_consent_both_yes_activates(proposed):
    mentorship, mentor, mentee = proposed
    assert mentorship.status == MentorshipStatus.PROPOSED
    assert mentees_held(mentor=mentor) == 1  # a proposal holds the place while people decide
    mentorship = mentorship_consent(mentorship=mentorship, by=mentor.membership, accept=True)
    assert mentorship.status == MentorshipStatus.PROPOSED
    mentorship = mentorship_consent(mentorship=mentorship, by=mentee.membership, accept=True)
    assert mentorship.status == MentorshipStatus.ACTIVE
    assert mentorship.started_at is not None
    assert set(mentorship.members.values_list("consent", flat=True)) == {Consent.ACCEPTED}


def test_mentorship_consent_one_no_declines_and_frees_the_place(proposed):
    mentorship, mentor, mentee = proposed
    mentorship = mentorship_consent(mentorship=mentorship, by=mentee.membership, accept=False)
    assert mentorship.status == MentorshipStatus.DECLINED
    assert mentees_held(mentor=mentor) == 0
    with pytest.raises(RequestInvalid):
        mentorship_consent(mentorship=mentorship, by=mentor.membership, accept=True)


def test_mentorship_consent_outsider_cannot_answer(proposed, org):
    mentorship, _, _ = proposed
    with pytest.raises(RequestNotAllowed):
        mentorship_consent(mentorship=mentorship, by=make_member(org), accept=True)


def test_mentorship_consent_api_answers_for_the_caller(proposed, org):
    from tests.api_client import api_client

    mentorship, mentor, mentee = proposed
    url = f"/api/orgs/{org.slug}/mentorships/{mentorship.pk}/consent"
    # when both answer yes through the API
    first = api_client(mentor.membership).post(url, {"accept": True}, content_type="application/json")
    second = api_client(mentee.membership).post(url, {"accept": True}, content_type="application/json")
    # then
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "proposed"
    assert second.json()["status"] == "active"
    # and someone outside the match gets a 404, not a hint
    stranger = api_client(make_member(org)).post(url, {"accept": False}, content_type="application/json")
    assert stranger.status_code == 404
