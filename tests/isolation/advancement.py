"""Tenant isolation walk: the endorsements and introductions endpoints (see tests/isolation/__init__.py)."""

from __future__ import annotations

from tandem.advancement.models import Endorsement, Introduction
from tandem.advancement.services import endorsement_create, introduction_create
from tandem.mentorships.models import Mentorship, MentorshipOrigin
from tandem.mentorships.services import mentorship_start
from tandem.organisations.models import Membership, Organisation
from tests.isolation import Endpoint, OrgB
from tests.program_setup import make_program, mentee, mentor

MENTORSHIP = "/orgs/{org_slug}/mentorships/{mentorship_id}"
ENDORSEMENT = MENTORSHIP + "/endorsements/{endorsement_id}"
INTRODUCTION = "/orgs/{org_slug}/introductions/{introduction_id}"
AS_MENTOR = (("mentorship_id", "mentorship_as_mentor_id"),)
AS_MENTEE = (("mentorship_id", "mentorship_as_mentee_id"), ("endorsement_id", "endorsement_of_admin_id"))

ENDPOINTS: list[Endpoint] = [
    Endpoint("get", MENTORSHIP + "/endorsements", use=AS_MENTOR),
    Endpoint("post", MENTORSHIP + "/endorsements", {"text": "Planted by A", "skill_ids": []}, AS_MENTOR),
    Endpoint("patch", ENDORSEMENT, {"text": "Rewritten by A"}, AS_MENTOR),
    Endpoint("delete", ENDORSEMENT, use=AS_MENTOR),
    Endpoint("post", ENDORSEMENT + "/sharing", {"shared": True}, AS_MENTEE),
    Endpoint("get", "/orgs/{org_slug}/endorsements/shared"),
    Endpoint("get", MENTORSHIP + "/introductions", use=AS_MENTOR),
    Endpoint(
        "post",
        MENTORSHIP + "/introductions",
        {"contact_membership_id": "{member_id}", "context": "Planted by A"},
        AS_MENTOR,
    ),
    Endpoint("get", "/orgs/{org_slug}/introductions/received"),
    Endpoint(
        "post",
        INTRODUCTION + "/answer",
        {"accept": False, "message": "Declined by A"},
        (("introduction_id", "introduction_to_admin_id"),),
    ),
    Endpoint(
        "post",
        INTRODUCTION + "/note",
        {"mentee_note": "Noted by A"},
        (("introduction_id", "introduction_of_admin_id"),),
    ),
]


def setup(b: OrgB) -> dict[str, int]:
    """B's admin endorsed their mentee; was endorsed (and introduced to a colleague) by their own
    mentor; and is the contact of an introduction another mentor made."""
    as_mentor = Mentorship.objects.get(pk=b.ids["mentorship_as_mentor_id"])
    as_mentee = Mentorship.objects.get(pk=b.ids["mentorship_as_mentee_id"])
    their_mentor = Membership.objects.get(pk=b.ids["mentor_of_admin_id"])
    written = endorsement_create(mentorship=as_mentor, by=b.admin, text="B's own endorsement")
    of_admin = endorsement_create(mentorship=as_mentee, by=their_mentor, text="B's admin is great")
    introduced, _ = introduction_create(
        mentorship=as_mentee, by=their_mentor, context="B's own", contact_id=b.member.pk, base_url="http://b"
    )
    program = make_program(b.organisation, b.admin, name="B introductions", matching_mode="self_service")
    others = mentorship_start(
        mentor=mentor(program), mentees=[mentee(program)], origin=MentorshipOrigin.ADMIN, needs_consent=False
    )
    other_mentor = others.members.get(role="mentor").membership
    to_admin, _ = introduction_create(
        mentorship=others,
        by=other_mentor,
        context="Meet B's admin",
        contact_id=b.admin.pk,
        base_url="http://b",
    )
    return {
        "endorsement_id": written.pk,
        "endorsement_of_admin_id": of_admin.pk,
        "introduction_of_admin_id": introduced.pk,
        "introduction_to_admin_id": to_admin.pk,
    }


def snapshot(org_b: Organisation) -> tuple[object, ...]:
    return (
        tuple(
            Endorsement.objects.filter(organisation=org_b)
            .order_by("pk")
            .values_list("pk", "text", "shared_with_admins", "updated_at")
        ),
        tuple(
            Introduction.objects.filter(organisation=org_b)
            .order_by("pk")
            .values_list("pk", "status", "response_message", "mentee_note")
        ),
    )
