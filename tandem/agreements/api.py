"""JSON API of the agreements app: organisation-scoped under /api/orgs/{org_slug}/.

A mentorship's agreement is read by its members, and by program admins overseeing it (who see
only what was agreed). Only members propose, accept, decline or withdraw versions.
"""

# No `from __future__ import annotations`: ninja reads signatures at runtime.

from dataclasses import replace

from django.http import HttpRequest
from ninja import Router, Status

from tandem.agreements.models import AgreementVersion
from tandem.agreements.schemas import (
    AgreementIn,
    AgreementOut,
    AgreementVersionDetailOut,
    AgreementVersionOut,
    DeclineIn,
)
from tandem.agreements.selectors import (
    agreed_cadence_days,
    agreement_changes,
    agreement_defaults,
    agreement_mentorship,
    agreement_version_get,
    agreement_versions,
)
from tandem.agreements.services import (
    TERM_FIELDS,
    agreement_accept,
    agreement_decline,
    agreement_propose,
    agreement_withdraw,
)
from tandem.mentorships.models import Mentorship
from tandem.mentorships.selectors import mentorship_get
from tandem.organisations.api import org_membership
from tandem.organisations.models import Membership
from tandem.organisations.schemas import ObjectId

router = Router(tags=["agreements"])

AGREEMENT = "/orgs/{org_slug}/mentorships/{mentorship_id}/agreement"
VERSION = AGREEMENT + "/versions/{version_id}"


def _readable(caller: Membership, mentorship_id: int) -> Mentorship:
    return agreement_mentorship(organisation=caller.organisation, mentorship_id=mentorship_id, viewer=caller)


def _participating(caller: Membership, mentorship_id: int) -> Mentorship:
    """Writes are for members only: to an overseeing admin the mentorship's agreement is read-only,
    and to anyone else the mentorship does not exist."""
    return mentorship_get(organisation=caller.organisation, mentorship_id=mentorship_id, viewer=caller)


def _versions(caller: Membership, mentorship: Mentorship) -> list[AgreementVersion]:
    versions = list(agreement_versions(mentorship=mentorship, viewer=caller))
    for version in versions:
        version.mentorship = mentorship  # its members are prefetched there
    return versions


def _one(caller: Membership, mentorship: Mentorship, version_id: int) -> AgreementVersion:
    version = agreement_version_get(mentorship=mentorship, version_id=version_id, viewer=caller)
    version.mentorship = mentorship
    version.changes = agreement_changes(version, list(mentorship.members.all()))  # type: ignore[attr-defined]
    return version


@router.get(AGREEMENT, response=AgreementOut, summary="The agreement in force and any open proposal")
def agreement_detail(request: HttpRequest, org_slug: str, mentorship_id: ObjectId) -> dict[str, object]:
    caller = org_membership(request, org_slug)
    mentorship = _readable(caller, mentorship_id)
    versions = _versions(caller, mentorship)
    return {
        "current": next((v for v in versions if v.status == "accepted"), None),
        "open_proposal": next((v for v in versions if v.status == "proposed"), None),
        "cadence_days": agreed_cadence_days(mentorship),
        "versions": len(versions),
    }


@router.get(
    AGREEMENT + "/versions",
    response=list[AgreementVersionOut],
    summary="Every version of the agreement, newest first",
)
def agreement_version_list(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId
) -> list[AgreementVersion]:
    caller = org_membership(request, org_slug)
    return _versions(caller, _readable(caller, mentorship_id))


@router.get(VERSION, response=AgreementVersionDetailOut, summary="One version, with what it changed")
def agreement_version_detail(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, version_id: ObjectId
) -> AgreementVersion:
    caller = org_membership(request, org_slug)
    return _one(caller, _readable(caller, mentorship_id), version_id)


@router.post(
    AGREEMENT + "/versions",
    response={201: AgreementVersionDetailOut},
    summary="Propose the agreement, or a change to it (members of the mentorship)",
)
def agreement_version_propose(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, payload: AgreementIn
) -> Status[AgreementVersion]:
    caller = org_membership(request, org_slug)
    mentorship = _participating(caller, mentorship_id)
    terms = agreement_defaults(mentorship)
    given = payload.model_fields_set
    expectations = dict(terms.expectations)
    expectations.update({e.membership_id: e.text for e in payload.expectations})
    terms = replace(
        terms,
        expectations=expectations,
        note=payload.note,
        **{
            name: getattr(payload, name)
            for name in TERM_FIELDS
            # null keeps a field, except the custom cadence's days, which null clears
            if name in given and (getattr(payload, name) is not None or name == "cadence_days")
        },
    )
    if payload.cadence is not None and payload.cadence != "custom" and "cadence_days" not in given:
        terms = replace(terms, cadence_days=None)
    version = agreement_propose(
        mentorship=mentorship, by=caller, terms=terms, replace_open=payload.replace_open
    )
    return Status(201, _one(caller, mentorship, version.pk))


def _answerable(
    caller: Membership, mentorship_id: int, version_id: int
) -> tuple[Mentorship, AgreementVersion]:
    mentorship = _participating(caller, mentorship_id)
    version = agreement_version_get(mentorship=mentorship, version_id=version_id, viewer=caller)
    version.mentorship = mentorship
    return mentorship, version


@router.post(VERSION + "/accept", response=AgreementVersionDetailOut, summary="Accept an open proposal")
def agreement_version_accept(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, version_id: ObjectId
) -> AgreementVersion:
    caller = org_membership(request, org_slug)
    mentorship, version = _answerable(caller, mentorship_id, version_id)
    agreement_accept(version=version, by=caller)
    return _one(caller, mentorship, version_id)


@router.post(
    VERSION + "/decline",
    response=AgreementVersionDetailOut,
    summary="Decline someone else's open proposal, with an optional reason",
)
def agreement_version_decline(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, version_id: ObjectId, payload: DeclineIn
) -> AgreementVersion:
    caller = org_membership(request, org_slug)
    mentorship, version = _answerable(caller, mentorship_id, version_id)
    agreement_decline(version=version, by=caller, reason=payload.reason)
    return _one(caller, mentorship, version_id)


@router.post(VERSION + "/withdraw", response=AgreementVersionDetailOut, summary="Withdraw my open proposal")
def agreement_version_withdraw(
    request: HttpRequest, org_slug: str, mentorship_id: ObjectId, version_id: ObjectId
) -> AgreementVersion:
    caller = org_membership(request, org_slug)
    mentorship, version = _answerable(caller, mentorship_id, version_id)
    agreement_withdraw(version=version, by=caller)
    return _one(caller, mentorship, version_id)
