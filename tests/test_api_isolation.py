"""Tenant isolation for the JSON API: every organisation-scoped endpoint, tried by an org admin of
organisation A against organisation B, answers 404 — the same answer as for an organisation that
does not exist — and changes nothing in B.

`ENDPOINTS` must name every organisation-scoped operation: a test compares it with the OpenAPI
schema, so a new endpoint cannot be added without being walked here.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from tandem.matching.models import BlockedPair, MatchRound, Proposal
from tandem.mentorships.models import Mentorship, MentorshipOrigin, MentorshipRequest
from tandem.mentorships.services import mentorship_request_create, mentorship_start
from tandem.organisations.models import Invitation, Membership, Organisation, Role
from tandem.organisations.services import invitation_create
from tandem.people.models import Profile, Skill
from tandem.people.services import ProfileChanges, profile_set_photo, profile_update
from tandem.programs.models import Enrolment, EnrolmentQuestion, EnrolmentStatus, Program, ProgramStatus
from tandem.programs.services import enrolment_create
from tests.api_client import api_client
from tests.factories import make_member, make_organisation, profile_of
from tests.isolation import Endpoint, OrgB, parts
from tests.program_setup import draft_round, make_program, mentee, mentor, skill

pytestmark = pytest.mark.django_db


PROGRAM = "/orgs/{org_slug}/programs/{program_id}"
ROUND = PROGRAM + "/rounds/{round_id}"
PROPOSAL = ROUND + "/proposals/{proposal_id}"


PARTS = parts()
CORE_ENDPOINTS = [
    Endpoint("get", "/orgs/{org_slug}"),
    Endpoint("get", "/orgs/{org_slug}/members"),
    Endpoint("patch", "/orgs/{org_slug}/members/{member_id}", {"role": "member", "is_active": False}),
    Endpoint("get", "/orgs/{org_slug}/invitations"),
    Endpoint("post", "/orgs/{org_slug}/invitations", {"email": "spy@example.com", "role": "org_admin"}),
    Endpoint("delete", "/orgs/{org_slug}/invitations/{invitation_id}"),
    Endpoint("get", "/orgs/{org_slug}/profiles"),
    Endpoint("get", "/orgs/{org_slug}/profiles/me"),
    Endpoint("patch", "/orgs/{org_slug}/profiles/me", {"headline": "Spy"}),
    Endpoint("get", "/orgs/{org_slug}/profiles/me/completeness"),
    Endpoint("get", "/orgs/{org_slug}/profiles/{profile_id}"),
    Endpoint("get", "/orgs/{org_slug}/profiles/{profile_id}/photo"),
    Endpoint("get", "/orgs/{org_slug}/taxonomy/{kind}"),
    Endpoint("post", "/orgs/{org_slug}/taxonomy/{kind}", {"name": "Espionage"}),
    Endpoint("patch", "/orgs/{org_slug}/taxonomy/{kind}/{item_id}", {"name": "Renamed by A"}),
    Endpoint("delete", "/orgs/{org_slug}/taxonomy/{kind}/{item_id}"),
    # programs and enrolment
    Endpoint("get", "/orgs/{org_slug}/programs"),
    Endpoint("post", "/orgs/{org_slug}/programs", {"name": "Planted by A"}),
    Endpoint("get", PROGRAM),
    Endpoint("patch", PROGRAM, {"name": "Renamed by A"}),
    Endpoint("post", PROGRAM + "/transition", {"to_status": "in_progress"}),
    Endpoint(
        "put", PROGRAM + "/questions", {"questions": [{"text": "Spy?"}]}, (("program_id", "open_program_id"),)
    ),
    Endpoint("get", PROGRAM + "/enrolments/me"),
    Endpoint("post", PROGRAM + "/enrolments/me", {"role": "mentee"}, (("program_id", "open_program_id"),)),
    Endpoint("patch", PROGRAM + "/enrolments/me", {"status": "paused"}),
    Endpoint("get", PROGRAM + "/enrolments"),
    Endpoint("post", PROGRAM + "/enrolments", {"role": "mentee", "membership_ids": ["{member_id}"]}),
    Endpoint("post", PROGRAM + "/enrolments/{enrolment_id}/approve"),
    Endpoint("post", PROGRAM + "/enrolments/{enrolment_id}/decline"),
    # match rounds
    Endpoint("post", PROGRAM + "/rounds", {}),
    Endpoint("get", PROGRAM + "/rounds"),
    Endpoint("get", ROUND),
    Endpoint("post", ROUND + "/rerun"),
    Endpoint("post", ROUND + "/publish"),
    Endpoint("post", ROUND + "/discard"),
    Endpoint("post", PROPOSAL + "/lock"),
    Endpoint("post", PROPOSAL + "/unlock"),
    Endpoint("delete", PROPOSAL),
    Endpoint("get", PROPOSAL + "/candidates"),
    Endpoint("post", PROPOSAL + "/swap", {"mentor_enrolment_id": "{free_mentor_id}"}),
    Endpoint("post", PROPOSAL + "/block"),
    # self-service requests and mentorships
    Endpoint("get", PROGRAM + "/recommended-mentors"),
    Endpoint("post", PROGRAM + "/requests", {"mentor_enrolment_id": "{free_mentor_id}", "message": "Spy"}),
    Endpoint("get", "/orgs/{org_slug}/requests/sent"),
    Endpoint("get", "/orgs/{org_slug}/requests/received"),
    Endpoint(
        "post", "/orgs/{org_slug}/requests/{request_id}/accept", use=(("request_id", "request_to_admin_id"),)
    ),
    Endpoint(
        "post",
        "/orgs/{org_slug}/requests/{request_id}/decline",
        {"reason": "Declined by A"},
        (("request_id", "request_to_admin_id"),),
    ),
    Endpoint("post", "/orgs/{org_slug}/requests/{request_id}/withdraw"),
    Endpoint("get", "/orgs/{org_slug}/mentorships"),
    Endpoint("post", "/orgs/{org_slug}/mentorships/{mentorship_id}/consent", {"accept": False}),
]
ENDPOINTS = CORE_ENDPOINTS + [endpoint for part in PARTS for endpoint in part.ENDPOINTS]
WITH_OBJECT_IDS = [e for e in ENDPOINTS if "_id}" in e.path]


@dataclass
class Tenants:
    org_a: Organisation
    admin_a: Membership
    org_b: Organisation
    admin_b: Membership
    member_b: Membership
    ids_b: dict[str, int]

    def snapshot_b(self) -> tuple[object, ...]:
        """Everything A's requests could try to change in B."""
        member = Membership.objects.get(pk=self.member_b.pk)
        return (
            member.role,
            member.is_active,
            tuple(Invitation.objects.filter(organisation=self.org_b).values_list("pk", "revoked_at")),
            tuple(Skill.objects.filter(organisation=self.org_b).order_by("pk").values_list("pk", "name")),
            tuple(
                Profile.objects.filter(organisation=self.org_b).order_by("pk").values_list("pk", "headline")
            ),
            tuple(
                Program.objects.filter(organisation=self.org_b)
                .order_by("pk")
                .values_list("pk", "name", "status", "updated_at")
            ),
            EnrolmentQuestion.objects.filter(program__organisation=self.org_b).count(),
            tuple(
                Enrolment.objects.filter(program__organisation=self.org_b)
                .order_by("pk")
                .values_list("pk", "role", "status", "capacity")
            ),
            tuple(
                MatchRound.objects.filter(program__organisation=self.org_b)
                .order_by("pk")
                .values_list("pk", "status")
            ),
            tuple(
                Proposal.objects.filter(match_round__program__organisation=self.org_b)
                .order_by("pk")
                .values_list("pk", "mentor_id", "locked")
            ),
            BlockedPair.objects.filter(program__organisation=self.org_b).count(),
            tuple(
                MentorshipRequest.objects.filter(program__organisation=self.org_b)
                .order_by("pk")
                .values_list("pk", "status")
            ),
            sorted(Mentorship.objects.filter(organisation=self.org_b).values_list("pk", "status")),
            *(part.snapshot(self.org_b) for part in PARTS),
        )


@pytest.fixture
def tenants(db: None) -> Tenants:
    org_a = make_organisation("Acme")
    admin_a = make_member(org_a, role=Role.ORG_ADMIN)
    org_b = make_organisation("Globex")
    admin_b = make_member(org_b, role=Role.ORG_ADMIN)
    member_b = make_member(org_b)
    profile_b = profile_of(member_b)
    profile_update(profile=profile_b, changes=ProfileChanges(headline="B's own words"))
    profile_set_photo(profile=profile_b, photo=_tiny_png())
    invitation_b, _key = invitation_create(
        organisation=org_b, email="future@globex.example", role=Role.MEMBER, by=admin_b, base_url="http://b"
    )
    ids_b = {
        "member_id": member_b.pk,
        "invitation_id": invitation_b.pk,
        "profile_id": profile_b.pk,
        "item_id": Skill.objects.filter(organisation=org_b).order_by("pk").first().pk,  # type: ignore[union-attr]
        **_programs_of_b(org_b, admin_b),
    }
    for part in PARTS:
        ids_b.update(part.setup(OrgB(org_b, admin_b, member_b, dict(ids_b))))
    return Tenants(org_a, admin_a, org_b, admin_b, member_b, ids_b)


def _programs_of_b(org_b: Organisation, admin_b: Membership) -> dict[str, int]:
    """B's programs, set up so that each operation succeeds for B's admin (see the sanity test).

    `main` is matching (rounds run) and hybrid (requests are allowed): B's admin is a mentee there
    with a request out, and a draft round pairs another mentee with a mentor. Nobody has joined
    `open` yet (questions may change; B's admin can enrol). In `mentoring`, B's admin mentors
    and has a request waiting for an answer.
    """
    main = make_program(org_b, admin_b, status=ProgramStatus.MATCHING, name="B main", matching_mode="hybrid")
    paired_mentor, free_mentor = mentor(main), mentor(main)
    match_round = draft_round(main, admin_b, [(mentee(main), paired_mentor)])
    profile_update(
        profile=profile_of(admin_b),
        changes=ProfileChanges(language_codes=["en"], goal_skill_ids=[skill(org_b).pk]),
    )
    admin_as_mentee = enrolment_create(program=main, membership=admin_b, role="mentee")
    request_from_admin = mentorship_request_create(
        mentee=admin_as_mentee, mentor=paired_mentor, message="B's own request", by=admin_b
    )
    waiting = Enrolment.objects.create(
        program=main, membership=make_member(org_b), role="mentee", status=EnrolmentStatus.PENDING_APPROVAL
    )
    open_program = make_program(org_b, admin_b, name="B open")
    mentoring = make_program(org_b, admin_b, name="B mentoring", matching_mode="self_service")
    admin_as_mentor = enrolment_create(program=mentoring, membership=admin_b, role="mentor")
    asker = mentee(mentoring)
    request_to_admin = mentorship_request_create(
        mentee=asker, mentor=admin_as_mentor, message="Please mentor me", by=asker.membership
    )
    # A proposed match B's admin has yet to answer (programs asking for consent).
    consenting = make_program(org_b, admin_b, name="B consent")
    proposed = mentorship_start(
        mentor=enrolment_create(program=consenting, membership=admin_b, role="mentor"),
        mentees=[mentee(consenting)],
        origin=MentorshipOrigin.ROUND,
        needs_consent=True,
    )
    # Two live mentorships of B's admin, one on each side, for the relationship endpoints.
    as_mentor = mentorship_start(
        mentor=admin_as_mentor,
        mentees=[mentee(mentoring)],
        origin=MentorshipOrigin.ADMIN,
        needs_consent=False,
    )
    living = make_program(org_b, admin_b, name="B living", matching_mode="self_service")
    mentor_of_admin = mentor(living)
    as_mentee = mentorship_start(
        mentor=mentor_of_admin,
        mentees=[enrolment_create(program=living, membership=admin_b, role="mentee")],
        origin=MentorshipOrigin.ADMIN,
        needs_consent=False,
    )
    return {
        "mentorship_as_mentor_id": as_mentor.pk,
        "mentee_of_admin_id": as_mentor.members.get(role="mentee").membership_id,
        "mentorship_as_mentee_id": as_mentee.pk,
        "mentor_of_admin_id": mentor_of_admin.membership_id,
        "mentorship_id": proposed.pk,
        "program_id": main.pk,
        "open_program_id": open_program.pk,
        "enrolment_id": waiting.pk,
        "round_id": match_round.pk,
        "proposal_id": match_round.proposals.get().pk,
        "free_mentor_id": free_mentor.pk,
        "request_id": request_from_admin.pk,
        "request_to_admin_id": request_to_admin.pk,
    }


def _tiny_png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "navy").save(buffer, format="PNG")
    return SimpleUploadedFile("b.png", buffer.getvalue(), content_type="image/png")


def _call(client: Client, endpoint: Endpoint, url: str, ids: dict[str, int]) -> Any:
    return getattr(client, endpoint.method)(url, endpoint.payload(ids), content_type="application/json")


def test_isolation_walks_every_org_scoped_endpoint(client: Client) -> None:
    # given the operations the API publishes
    schema = client.get("/api/openapi.json").json()
    published = {
        f"{method.upper()} {path.removeprefix('/api')}"
        for path, item in schema["paths"].items()
        for method in item
        if "{org_slug}" in path
    }
    # then each one is walked below
    assert published == {str(e) for e in ENDPOINTS}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_isolation_other_organisation_is_404_like_a_missing_one(tenants: Tenants, endpoint: Endpoint) -> None:
    # given an org admin of A, and B's slug and object ids
    client = api_client(tenants.admin_a)
    before = tenants.snapshot_b()
    # when A calls the endpoint for B, and for an organisation that does not exist
    into_b = _call(client, endpoint, endpoint.url(tenants.org_b.slug, tenants.ids_b), tenants.ids_b)
    into_nothing = _call(client, endpoint, endpoint.url("no-such-organisation", tenants.ids_b), tenants.ids_b)
    # then both answers are the same 404: B's existence is not confirmed
    assert into_b.status_code == 404, into_b.content
    assert into_b.json() == into_nothing.json() == {"detail": "No such organisation."}
    # and nothing in B changed
    assert tenants.snapshot_b() == before


@pytest.mark.parametrize("endpoint", WITH_OBJECT_IDS, ids=str)
def test_isolation_other_organisations_ids_under_own_slug_are_404(
    tenants: Tenants, endpoint: Endpoint
) -> None:
    # given an org admin of A using A's slug with B's object ids
    client = api_client(tenants.admin_a)
    before = tenants.snapshot_b()
    # when
    response = _call(client, endpoint, endpoint.url(tenants.org_a.slug, tenants.ids_b), tenants.ids_b)
    # then
    assert response.status_code == 404, response.content
    assert tenants.snapshot_b() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_isolation_deactivated_member_is_an_outsider(tenants: Tenants, endpoint: Endpoint) -> None:
    # given B's admin role was held by someone who has since been deactivated
    former = make_member(tenants.org_b, role=Role.ORG_ADMIN)
    client = api_client(former)
    former.is_active = False
    former.save(update_fields=["is_active"])
    before = tenants.snapshot_b()
    # when
    response = _call(client, endpoint, endpoint.url(tenants.org_b.slug, tenants.ids_b), tenants.ids_b)
    # then
    assert response.status_code == 404, response.content
    assert tenants.snapshot_b() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_isolation_sanity_the_same_calls_work_for_b_itself(tenants: Tenants, endpoint: Endpoint) -> None:
    """Guards the tests above: the 404s come from isolation, not from broken requests."""
    # given B's own admin
    client = api_client(tenants.admin_b)
    # when
    response = _call(client, endpoint, endpoint.url(tenants.org_b.slug, tenants.ids_b), tenants.ids_b)
    # then
    assert response.status_code in {200, 201, 202, 204}, response.content
