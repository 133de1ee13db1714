"""The mentorship lifecycle, concerns, the guided re-match and admin-created mentorships in the
tenant isolation walk."""

from __future__ import annotations

from tandem.mentorships.lifecycle import concern_raise, mentorship_end_early, mentorship_pause
from tandem.mentorships.models import (
    Concern,
    EndReason,
    Mentorship,
    MentorshipEvent,
    MentorshipOrigin,
    Rematch,
)
from tandem.mentorships.services import mentorship_start
from tandem.organisations.models import Organisation
from tandem.programs.models import Enrolment
from tandem.programs.services import enrolment_create
from tests.isolation import Endpoint, OrgB
from tests.program_setup import make_program, mentee, mentor

MENTORSHIP = "/orgs/{org_slug}/mentorships/{mentorship_id}"
CONCERN = "/orgs/{org_slug}/concerns/{concern_id}"
ACTIVE = (("mentorship_id", "lifecycle_active_id"),)
PAUSED = (("mentorship_id", "lifecycle_paused_id"),)
ENDED = (("mentorship_id", "lifecycle_ended_id"),)

ENDPOINTS = [
    Endpoint("post", MENTORSHIP + "/pause", {"reason": "Paused by A"}, ACTIVE),
    Endpoint("post", MENTORSHIP + "/resume", use=PAUSED),
    Endpoint("post", MENTORSHIP + "/complete", {"reflection": "Completed by A"}, ACTIVE),
    Endpoint("post", MENTORSHIP + "/end", {"reason": "other", "private_note": "Ended by A"}, ACTIVE),
    Endpoint("get", MENTORSHIP + "/events", use=PAUSED),
    Endpoint("post", MENTORSHIP + "/concerns", {"text": "Raised by A"}, ACTIVE),
    Endpoint("get", "/orgs/{org_slug}/concerns"),
    Endpoint("post", CONCERN + "/acknowledge", {"note": "Seen by A"}),
    Endpoint("post", CONCERN + "/resolve", {"note": "Resolved by A"}),
    Endpoint("get", MENTORSHIP + "/rematch-candidates", use=ENDED),
    Endpoint(
        "post",
        MENTORSHIP + "/rematch",
        {"mentor_enrolment_id": "{lifecycle_free_mentor_id}", "message": "Planted by A"},
        ENDED,
    ),
    Endpoint(
        "post",
        "/orgs/{org_slug}/programs/{program_id}/mentorships",
        {
            "mentor_enrolment_id": "{lifecycle_pair_mentor_id}",
            "mentee_enrolment_ids": ["{lifecycle_pair_mentee_id}"],
        },
        (("program_id", "lifecycle_pair_program_id"),),
    ),
]


def setup(b: OrgB) -> dict[str, int]:
    """In B: an active and a paused mentorship B's admin mentors; a concern about a mentorship B's
    admin is not in; a mentorship in which B's admin was the mentee and that ended early, with a
    free mentor to re-match with; and a program with a mentor and a mentee waiting to be paired."""
    mentoring = make_program(b.organisation, b.admin, name="B lifecycle", matching_mode="self_service")
    admin_as_mentor = enrolment_create(program=mentoring, membership=b.admin, role="mentor", capacity=3)
    active = mentorship_start(
        mentor=admin_as_mentor,
        mentees=[mentee(mentoring)],
        origin=MentorshipOrigin.ADMIN,
        needs_consent=False,
    )
    paused = mentorship_start(
        mentor=admin_as_mentor,
        mentees=[mentee(mentoring)],
        origin=MentorshipOrigin.ADMIN,
        needs_consent=False,
    )
    mentorship_pause(mentorship=paused, by=b.admin, reason="B's own pause")

    others = make_program(b.organisation, b.admin, name="B others", matching_mode="self_service")
    worried = mentee(others)
    theirs = mentorship_start(
        mentor=mentor(others), mentees=[worried], origin=MentorshipOrigin.ADMIN, needs_consent=False
    )
    concern = concern_raise(mentorship=theirs, by=worried.membership, text="B's own concern")

    again = make_program(b.organisation, b.admin, name="B rematch", matching_mode="self_service")
    ended = mentorship_start(
        mentor=mentor(again),
        mentees=[enrolment_create(program=again, membership=b.admin, role="mentee")],
        origin=MentorshipOrigin.ADMIN,
        needs_consent=False,
    )
    mentorship_end_early(mentorship=ended, by=b.admin, reason=EndReason.SCHEDULES)
    free = mentor(again)

    pairing = make_program(b.organisation, b.admin, name="B pairing", matching_mode="admin_bulk")
    return {
        "lifecycle_active_id": active.pk,
        "lifecycle_paused_id": paused.pk,
        "concern_id": concern.pk,
        "lifecycle_ended_id": ended.pk,
        "lifecycle_free_mentor_id": free.pk,
        "lifecycle_pair_program_id": pairing.pk,
        "lifecycle_pair_mentor_id": mentor(pairing).pk,
        "lifecycle_pair_mentee_id": mentee(pairing).pk,
    }


def snapshot(org_b: Organisation) -> tuple[object, ...]:
    return (
        sorted(Mentorship.objects.filter(organisation=org_b).values_list("pk", "status", "end_reason")),
        tuple(
            MentorshipEvent.objects.filter(mentorship__organisation=org_b)
            .order_by("pk")
            .values_list("pk", "kind", "reason", "private_note")
        ),
        tuple(
            Concern.objects.filter(organisation=org_b)
            .order_by("pk")
            .values_list("pk", "status", "text", "acknowledgement", "resolution")
        ),
        Rematch.objects.filter(ended__organisation=org_b).count(),
        tuple(
            Enrolment.objects.filter(program__organisation=org_b)
            .order_by("pk")
            .values_list("pk", "preferred_mentor_ids")
        ),
    )
