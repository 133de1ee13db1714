"""Reads for mentoring agreements, scoped by organisation and by what the viewer may see.

Participants see every version. A program admin overseeing a mentorship they are not in sees
only what was in force (accepted and superseded versions), never open or declined proposals.

Contracts other apps rely on: `agreement_current(mentorship)` and `agreed_cadence_days(mentorship)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from tandem.agreements.errors import AgreementNotFound
from tandem.agreements.models import (
    CADENCE_DAYS,
    DEFAULT_CONFIDENTIALITY,
    AgreementAcceptance,
    AgreementCadence,
    AgreementStatus,
    AgreementVersion,
)
from tandem.agreements.services import AgreementTerms
from tandem.mentorships.models import Mentorship, MentorshipMember
from tandem.mentorships.selectors import member_of, mentorship_get_for_oversight
from tandem.organisations.models import Membership, Organisation

# What an overseeing admin may read: the versions that were agreed.
AGREED = (AgreementStatus.ACCEPTED, AgreementStatus.SUPERSEDED)
DEFAULT_DURATION_MONTHS = 6


def agreement_mentorship(*, organisation: Organisation, mentorship_id: int, viewer: Membership) -> Mentorship:
    """The mentorship whose agreement the viewer may read: they take part in it, or they are a
    program admin of its organisation. Anyone else: not found."""
    return mentorship_get_for_oversight(organisation=organisation, mentorship_id=mentorship_id, viewer=viewer)


def agreement_current(mentorship: Mentorship) -> AgreementVersion | None:
    """The version in force, or None before everyone has accepted one."""
    return (
        AgreementVersion.objects.filter(mentorship=mentorship, status=AgreementStatus.ACCEPTED)
        .select_related("proposed_by__user")
        .first()
    )


def agreement_open(mentorship: Mentorship) -> AgreementVersion | None:
    """The proposal waiting for an answer, if any (at most one)."""
    return (
        AgreementVersion.objects.filter(mentorship=mentorship, status=AgreementStatus.PROPOSED)
        .select_related("proposed_by__user")
        .prefetch_related(
            Prefetch("acceptances", queryset=AgreementAcceptance.objects.select_related("membership__user"))
        )
        .first()
    )


def agreed_cadence_days(mentorship: Mentorship) -> int:
    """Days between meetings per the agreement in force, else the program's default cadence
    (weekly 7, fortnightly 14, monthly 30)."""
    days = (
        AgreementVersion.objects.filter(mentorship=mentorship, status=AgreementStatus.ACCEPTED)
        .values_list("cadence_days", flat=True)
        .first()
    )
    if days is not None:
        return days
    return CADENCE_DAYS.get(mentorship.program.default_cadence, CADENCE_DAYS[AgreementCadence.MONTHLY])


def agreement_versions(*, mentorship: Mentorship, viewer: Membership) -> QuerySet[AgreementVersion]:
    """Every version the viewer may read, newest first, with who accepted each (three queries)."""
    versions = (
        AgreementVersion.objects.filter(mentorship=mentorship)
        .select_related("proposed_by__user", "declined_by__user")
        .prefetch_related(
            Prefetch("acceptances", queryset=AgreementAcceptance.objects.select_related("membership__user"))
        )
        .order_by("-number")
    )
    if member_of(mentorship, viewer) is None:
        versions = versions.filter(status__in=AGREED)
    return versions


def agreement_version_get(*, mentorship: Mentorship, version_id: int, viewer: Membership) -> AgreementVersion:
    version = (
        agreement_versions(mentorship=mentorship, viewer=viewer)
        .select_related("based_on")
        .filter(pk=version_id)
        .first()
    )
    if version is None:
        raise AgreementNotFound("No such version of this agreement.")
    return version


def agreement_defaults(mentorship: Mentorship) -> AgreementTerms:
    """What a new proposal starts from: the open proposal or the version in force, else the
    program's default cadence, six months and the default confidentiality statement."""
    start = agreement_open(mentorship) or agreement_current(mentorship)
    if start is None:
        cadence = mentorship.program.default_cadence
        return AgreementTerms(
            cadence=cadence,
            cadence_days=CADENCE_DAYS.get(cadence),
            duration_months=DEFAULT_DURATION_MONTHS,
            confidentiality=DEFAULT_CONFIDENTIALITY,
        )
    return AgreementTerms(
        expectations={int(k): str(v) for k, v in start.expectations.items()},
        contact_email=start.contact_email,
        chat_handle=start.chat_handle,
        phone=start.phone,
        video_link=start.video_link,
        cadence=start.cadence,
        cadence_days=start.cadence_days,
        duration_months=start.duration_months,
        confidentiality=start.confidentiality,
    )


def waiting_on(version: AgreementVersion, members: list[MentorshipMember]) -> list[MentorshipMember]:
    """The members who have yet to accept an open proposal (uses prefetched acceptances)."""
    accepted = {a.membership_id for a in version.acceptances.all()}
    return [m for m in members if m.membership_id not in accepted]


# --- what changed -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    field: str  # "expectations.<membership id>" for one person's expectations
    label: str
    before: str
    after: str


LABELS = {
    "contact_email": "Email",
    "chat_handle": "Chat handle",
    "phone": "Phone",
    "video_link": "Video link",
    "cadence": "Meeting cadence",
    "duration_months": "Expected duration",
    "confidentiality": "Confidentiality",
}


def cadence_text(version: AgreementVersion) -> str:
    if version.cadence == AgreementCadence.CUSTOM:
        return f"Every {version.cadence_days} days"
    return str(AgreementCadence(version.cadence).label)


def _shown(version: AgreementVersion, name: str) -> str:
    if name == "cadence":
        return cadence_text(version)
    if name == "duration_months":
        months = version.duration_months
        return f"{months} month{'s' if months != 1 else ''}"
    return str(getattr(version, name))


def expectation_label(member: MentorshipMember) -> str:
    who = member.membership.user.full_name or member.membership.user.email
    return f"Expectations of {who} ({member.get_role_display().lower()})"


def agreement_changes(version: AgreementVersion, members: list[MentorshipMember]) -> list[Change]:
    """Field by field, what this version changes in the one in force when it was proposed
    (for the first version: everything it sets). `members` labels each person's expectations."""
    before = version.based_on
    changes = []
    for member in members:
        old = before.expectation_of(member.membership_id) if before else ""
        new = version.expectation_of(member.membership_id)
        if old != new:
            changes.append(
                Change(f"expectations.{member.membership_id}", expectation_label(member), old, new)
            )
    for name, label in LABELS.items():
        old = _shown(before, name) if before else ""
        new = _shown(version, name)
        if old != new:
            changes.append(Change(name, label, old, new))
    return changes
