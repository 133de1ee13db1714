"""The agreements app's part of the tenant isolation walk (tests/test_api_isolation.py).

In organisation B: B's admin mentors someone under an agreement in force (version 1) with a change
proposed by the mentee waiting for the admin; in the mentorship where B's admin is the mentee, the
admin's own proposal waits. The proposed (consent-pending) mentorship has no agreement yet, so the
admin may propose one there.
"""

from __future__ import annotations

from dataclasses import replace

from tandem.agreements.models import AgreementAcceptance, AgreementVersion
from tandem.agreements.services import AgreementTerms, agreement_accept, agreement_propose
from tandem.mentorships.models import Mentorship
from tandem.organisations.models import Membership, Organisation
from tests.isolation import Endpoint, OrgB

AGREEMENT = "/orgs/{org_slug}/mentorships/{mentorship_id}/agreement"
VERSION = AGREEMENT + "/versions/{version_id}"
AS_MENTOR = (("mentorship_id", "mentorship_as_mentor_id"),)
TO_ADMIN = (*AS_MENTOR, ("version_id", "agreement_proposal_to_admin_id"))

ENDPOINTS = [
    Endpoint("get", AGREEMENT, use=AS_MENTOR),
    Endpoint("get", AGREEMENT + "/versions", use=AS_MENTOR),
    # On the core's consent-pending mentorship (`mentorship_id`), where nothing is proposed yet.
    Endpoint("post", AGREEMENT + "/versions", {"cadence": "weekly", "note": "Planted by A"}),
    Endpoint("get", VERSION, use=(*AS_MENTOR, ("version_id", "agreement_version_id"))),
    Endpoint("post", VERSION + "/accept", use=TO_ADMIN),
    Endpoint("post", VERSION + "/decline", {"reason": "Declined by A"}, TO_ADMIN),
    Endpoint(
        "post",
        VERSION + "/withdraw",
        use=(
            ("mentorship_id", "mentorship_as_mentee_id"),
            ("version_id", "agreement_proposal_by_admin_id"),
        ),
    ),
]

TERMS = AgreementTerms(
    cadence="fortnightly",
    duration_months=6,
    confidentiality="What we say stays between us.",
    video_link="https://meet.example.com/b",
)


def setup(b: OrgB) -> dict[str, int]:
    as_mentor = Mentorship.objects.get(pk=b.ids["mentorship_as_mentor_id"])
    as_mentee = Mentorship.objects.get(pk=b.ids["mentorship_as_mentee_id"])
    mentee_of_admin = Membership.objects.get(pk=b.ids["mentee_of_admin_id"])
    in_force = agreement_propose(mentorship=as_mentor, by=b.admin, terms=TERMS)
    agreement_accept(version=in_force, by=mentee_of_admin)
    to_admin = agreement_propose(
        mentorship=as_mentor, by=mentee_of_admin, terms=replace(TERMS, cadence="weekly")
    )
    by_admin = agreement_propose(mentorship=as_mentee, by=b.admin, terms=TERMS)
    return {
        "agreement_version_id": in_force.pk,
        "agreement_proposal_to_admin_id": to_admin.pk,
        "agreement_proposal_by_admin_id": by_admin.pk,
    }


def snapshot(org_b: Organisation) -> tuple[object, ...]:
    return (
        tuple(
            AgreementVersion.objects.filter(mentorship__organisation=org_b)
            .order_by("pk")
            .values_list("pk", "mentorship_id", "number", "status", "cadence", "note", "decline_reason")
        ),
        tuple(
            AgreementAcceptance.objects.filter(version__mentorship__organisation=org_b)
            .order_by("pk")
            .values_list("pk", "version_id", "membership_id")
        ),
    )
