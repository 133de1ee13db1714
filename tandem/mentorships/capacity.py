"""How many mentees a mentor holds in a program, and how many places remain."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from tandem.mentorships.models import OCCUPYING_STATUSES, MemberRole, MentorshipMember
from tandem.programs.models import Enrolment


def mentees_held_by(*, program_id: int, mentor_membership_ids: Iterable[int]) -> dict[int, int]:
    """Mentees held in live mentorships of the program, per mentor membership id (two queries).

    A group mentorship counts each of its mentees against the mentor's capacity.
    """
    mentor_of: dict[int, int] = dict(
        MentorshipMember.objects.filter(
            role=MemberRole.MENTOR,
            membership_id__in=list(mentor_membership_ids),
            mentorship__program_id=program_id,
            mentorship__status__in=OCCUPYING_STATUSES,
        ).values_list("mentorship_id", "membership_id")
    )
    held: Counter[int] = Counter()
    for mentorship_id in MentorshipMember.objects.filter(
        role=MemberRole.MENTEE, mentorship_id__in=list(mentor_of)
    ).values_list("mentorship_id", flat=True):
        held[mentor_of[mentorship_id]] += 1
    return dict(held)


def mentees_held(*, mentor: Enrolment) -> int:
    return mentees_held_by(program_id=mentor.program_id, mentor_membership_ids=[mentor.membership_id]).get(
        mentor.membership_id, 0
    )


def remaining_capacity(*, mentor: Enrolment) -> int:
    return max(0, mentor.capacity - mentees_held(mentor=mentor))
