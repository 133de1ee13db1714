"""Check-ins, health and the attention list in the tenant isolation walk."""

from __future__ import annotations

from tandem.health.models import CheckIn, CheckInReminder, HealthAssessment
from tandem.health.services import checkin_submit, mentorship_health_refresh
from tandem.mentorships.models import MentorshipOrigin
from tandem.mentorships.services import mentorship_start
from tandem.organisations.models import Organisation
from tests.isolation import Endpoint, OrgB
from tests.program_setup import make_program, mentee, mentor

MENTORSHIP = "/orgs/{org_slug}/mentorships/{mentorship_id}"
OVERSEEN = (("mentorship_id", "health_mentorship_id"),)
MINE = (("mentorship_id", "mentorship_as_mentee_id"),)

ENDPOINTS = [
    Endpoint("get", MENTORSHIP + "/check-ins", use=OVERSEEN),
    Endpoint("post", MENTORSHIP + "/check-ins", {"satisfaction": 1, "working": "no", "comment": "A"}, MINE),
    Endpoint("get", MENTORSHIP + "/health", use=OVERSEEN),
    Endpoint("post", MENTORSHIP + "/health", use=OVERSEEN),
    Endpoint("get", "/orgs/{org_slug}/health/attention"),
]


def setup(b: OrgB) -> dict[str, int]:
    """A mentorship B's admin oversees without being in it, with a check-in and an assessment."""
    program = make_program(b.organisation, b.admin, name="B health", matching_mode="self_service")
    overseen = mentorship_start(
        mentor=mentor(program), mentees=[mentee(program)], origin=MentorshipOrigin.ADMIN, needs_consent=False
    )
    its_mentee = overseen.members.get(role="mentee").membership
    checkin_submit(mentorship=overseen, by=its_mentee, satisfaction=2, working="partly", comment="B's own")
    mentorship_health_refresh(overseen)
    return {"health_mentorship_id": overseen.pk}


def snapshot(org_b: Organisation) -> tuple[object, ...]:
    return (
        tuple(
            CheckIn.objects.filter(mentorship__organisation=org_b)
            .order_by("pk")
            .values_list("pk", "satisfaction", "working", "comment")
        ),
        tuple(
            HealthAssessment.objects.filter(mentorship__organisation=org_b)
            .order_by("pk")
            .values_list("mentorship_id", "signal", "computed_at")
        ),
        CheckInReminder.objects.filter(mentorship__organisation=org_b).count(),
    )
