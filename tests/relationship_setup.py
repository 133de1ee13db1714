"""A live mentorship to build relationship tests on (agreements, meetings, goals, feedback, …)."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.mentorships.models import Mentorship, MentorshipOrigin
from tandem.mentorships.services import mentorship_start
from tandem.organisations.models import Membership, Organisation
from tests.program_setup import make_program, mentee, mentor


@dataclass(frozen=True)
class Live:
    mentorship: Mentorship
    mentor: Membership
    mentee: Membership


def live_mentorship(organisation: Organisation, admin: Membership, *, name: str = "Pilot") -> Live:
    """An ACTIVE one-to-one mentorship in a fresh in-progress program of `organisation`.

    `admin` (a program admin) creates the program; mentor and mentee are new members.
    """
    program = make_program(organisation, admin, name=name, matching_mode="self_service")
    mentor_enrolment, mentee_enrolment = mentor(program), mentee(program)
    mentorship = mentorship_start(
        mentor=mentor_enrolment,
        mentees=[mentee_enrolment],
        origin=MentorshipOrigin.ADMIN,
        needs_consent=False,
    )
    return Live(mentorship, mentor_enrolment.membership, mentee_enrolment.membership)
