"""Writes for mentoring agreements: propose a version, accept, decline or withdraw it.

A version is in force once every member of the mentorship has accepted it (the proposer's
acceptance is implied); it then supersedes the version in force before. Only one proposal is
open at a time. Ended or declined mentorships are read-only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from tandem.agreements.errors import AgreementConflict, AgreementInvalid, AgreementNotAllowed
from tandem.agreements.models import (
    CADENCE_DAYS,
    MAX_CUSTOM_DAYS,
    MAX_DURATION_MONTHS,
    MIN_CUSTOM_DAYS,
    MIN_DURATION_MONTHS,
    AgreementAcceptance,
    AgreementCadence,
    AgreementStatus,
    AgreementVersion,
)
from tandem.mentorships.models import OCCUPYING_STATUSES, Mentorship, MentorshipMember
from tandem.notifications.models import NotificationKind
from tandem.notifications.services import notify
from tandem.organisations.models import Membership

MAX_EXPECTATIONS = 2000
MAX_CONFIDENTIALITY = 2000
PHONE = re.compile(r"^\+?[0-9 ()\-./]{5,30}$")
_https = URLValidator(schemes=["https"])

# The fields a version holds, in the order people read them (and diffs list them).
TERM_FIELDS = (
    "contact_email",
    "chat_handle",
    "phone",
    "video_link",
    "cadence",
    "cadence_days",
    "duration_months",
    "confidentiality",
)


@dataclass(frozen=True)
class AgreementTerms:
    """What a proposal says. `expectations` maps a member's membership id to what they expect;
    `cadence_days` counts only for the custom cadence (the named ones have a fixed length)."""

    cadence: str
    duration_months: int
    confidentiality: str
    expectations: Mapping[int, str] = field(default_factory=dict)
    contact_email: str = ""
    chat_handle: str = ""
    phone: str = ""
    video_link: str = ""
    cadence_days: int | None = None
    note: str = ""


def _name(membership: Membership) -> str:
    return membership.user.full_name or membership.user.email


def _members(mentorship: Mentorship) -> list[MentorshipMember]:
    return list(mentorship.members.select_related("membership__user").order_by("role", "pk"))


def _participant(members: list[MentorshipMember], by: Membership) -> MentorshipMember:
    me = next((m for m in members if m.membership_id == by.pk), None)
    if me is None:
        raise AgreementNotAllowed("Only the people in this mentorship can change its agreement.")
    return me


def _lock_writable(mentorship: Mentorship) -> None:
    """Serialise agreement writes per mentorship, and refuse them once it has ended."""
    status = Mentorship.objects.select_for_update().filter(pk=mentorship.pk).values_list("status", flat=True)
    if status.get() not in OCCUPYING_STATUSES:
        raise AgreementConflict(
            "This mentorship has ended, so its agreement can no longer change. "
            "Earlier versions stay readable."
        )


def _agreement_url(mentorship: Mentorship, by: Membership) -> str:
    return reverse(
        "agreements:mentorship", kwargs={"org_slug": by.organisation.slug, "mentorship_id": mentorship.pk}
    )


def _tell_others(
    members: list[MentorshipMember], by: Membership, *, title: str, url: str, body: str = ""
) -> None:
    """Notify everyone in the mentorship but the person who acted."""
    for member in members:
        if member.membership_id != by.pk:
            notify(
                recipient=member.membership, kind=NotificationKind.AGREEMENT, title=title, body=body, url=url
            )


def _clean(terms: AgreementTerms, members: list[MentorshipMember]) -> dict[str, object]:
    """The terms as model field values, or AgreementInvalid naming the field at fault."""
    names = {m.membership_id: _name(m.membership) for m in members}
    expectations: dict[str, str] = {}
    for membership_id, raw in terms.expectations.items():
        if membership_id not in names:
            raise AgreementInvalid(
                "Expectations can only be written for people in this mentorship.", field="expectations"
            )
        text = raw.strip()
        if len(text) > MAX_EXPECTATIONS:
            raise AgreementInvalid(
                f"The expectations of {names[membership_id]} are too long "
                f"(at most {MAX_EXPECTATIONS} characters).",
                field="expectations",
            )
        if text:
            expectations[str(membership_id)] = text
    contact_email = terms.contact_email.strip()
    if contact_email:
        try:
            validate_email(contact_email)
        except ValidationError:
            raise AgreementInvalid(
                "Enter a valid email address, e.g. ada@example.com.", field="contact_email"
            ) from None
    chat_handle = terms.chat_handle.strip()
    if len(chat_handle) > 100:
        raise AgreementInvalid("The chat handle is too long (at most 100 characters).", field="chat_handle")
    phone = terms.phone.strip()
    if phone and (not PHONE.match(phone) or sum(c.isdigit() for c in phone) < 5):
        raise AgreementInvalid(
            "Enter a phone number of digits, spaces and +()-, e.g. +44 20 7946 0000.", field="phone"
        )
    video_link = terms.video_link.strip()
    if video_link:
        try:
            if len(video_link) > 500:
                raise ValidationError("too long")
            _https(video_link)
        except ValidationError:
            raise AgreementInvalid(
                "Enter a video link starting with https://, e.g. https://meet.example.com/abc.",
                field="video_link",
            ) from None
    if terms.cadence not in AgreementCadence.values:
        raise AgreementInvalid(
            "Choose weekly, every two weeks, monthly or a custom number of days.", field="cadence"
        )
    if terms.cadence == AgreementCadence.CUSTOM:
        if terms.cadence_days is None or not MIN_CUSTOM_DAYS <= terms.cadence_days <= MAX_CUSTOM_DAYS:
            raise AgreementInvalid(
                f"For a custom cadence, meet every {MIN_CUSTOM_DAYS} to {MAX_CUSTOM_DAYS} days.",
                field="cadence_days",
            )
        cadence_days = terms.cadence_days
    else:
        cadence_days = CADENCE_DAYS[terms.cadence]
    if not MIN_DURATION_MONTHS <= terms.duration_months <= MAX_DURATION_MONTHS:
        raise AgreementInvalid(
            f"The expected duration is {MIN_DURATION_MONTHS} to {MAX_DURATION_MONTHS} months.",
            field="duration_months",
        )
    confidentiality = terms.confidentiality.strip()
    if not confidentiality:
        raise AgreementInvalid(
            "Say what stays confidential between you (the default text is a good start).",
            field="confidentiality",
        )
    if len(confidentiality) > MAX_CONFIDENTIALITY:
        raise AgreementInvalid(
            f"The confidentiality statement is too long (at most {MAX_CONFIDENTIALITY} characters).",
            field="confidentiality",
        )
    note = terms.note.strip()
    if len(note) > 500:
        raise AgreementInvalid("The note is too long (at most 500 characters).", field="note")
    return {
        "expectations": expectations,
        "contact_email": contact_email,
        "chat_handle": chat_handle,
        "phone": phone,
        "video_link": video_link,
        "cadence": terms.cadence,
        "cadence_days": cadence_days,
        "duration_months": terms.duration_months,
        "confidentiality": confidentiality,
        "note": note,
    }


def _same_terms(version: AgreementVersion, values: Mapping[str, object]) -> bool:
    return version.expectations == values["expectations"] and all(
        getattr(version, name) == values[name] for name in TERM_FIELDS
    )


def _put_in_force(version: AgreementVersion, now: datetime) -> None:
    # The old version steps down first: at most one version is in force (a DB constraint).
    AgreementVersion.objects.filter(
        mentorship_id=version.mentorship_id, status=AgreementStatus.ACCEPTED
    ).update(status=AgreementStatus.SUPERSEDED)
    version.status = AgreementStatus.ACCEPTED
    version.decided_at = now
    version.save(update_fields=["status", "decided_at"])


@transaction.atomic
def agreement_propose(
    *, mentorship: Mentorship, by: Membership, terms: AgreementTerms, replace_open: bool = False
) -> AgreementVersion:
    """Propose the first agreement or a change to the one in force.

    With `replace_open`, an open proposal is set aside first: declined if someone else made
    it (this is the counter-proposal), withdrawn if it was the caller's own.
    """
    _lock_writable(mentorship)
    members = _members(mentorship)
    _participant(members, by)
    values = _clean(terms, members)
    versions = AgreementVersion.objects.filter(mentorship=mentorship)
    open_proposal = versions.filter(status=AgreementStatus.PROPOSED).first()
    now = timezone.now()
    if open_proposal is not None:
        if not replace_open:
            raise AgreementConflict(
                f"Version {open_proposal.number} is already waiting for an answer: accept, decline or "
                "withdraw it before proposing another."
            )
        own = open_proposal.proposed_by_id == by.pk
        open_proposal.status = AgreementStatus.WITHDRAWN if own else AgreementStatus.DECLINED
        open_proposal.decided_at = now
        if not own:
            open_proposal.declined_by = by
            open_proposal.decline_reason = "Replaced by a counter-proposal."
        open_proposal.save(update_fields=["status", "decided_at", "declined_by", "decline_reason"])
    in_force = versions.filter(status=AgreementStatus.ACCEPTED).first()
    if in_force is not None and _same_terms(in_force, values):
        raise AgreementInvalid("This is the agreement already in force: change something to propose it.")
    number = (versions.aggregate(last=Max("number"))["last"] or 0) + 1
    try:
        with transaction.atomic():
            version = AgreementVersion.objects.create(
                mentorship=mentorship, number=number, based_on=in_force, proposed_by=by, **values
            )
    except IntegrityError:  # a concurrent proposal won the race (where row locks are not available)
        raise AgreementConflict("Someone else just proposed a version: reload to see it.") from None
    AgreementAcceptance.objects.create(version=version, membership=by)
    url = _agreement_url(mentorship, by)
    if len(members) == 1:  # nobody else to ask
        _put_in_force(version, now)
        return version
    what = "a change to your mentoring agreement" if in_force else "your mentoring agreement"
    _tell_others(
        members,
        by,
        title=f"{_name(by)} proposed {what}",
        body=str(values["note"] or "Read it and accept it, or suggest changes."),
        url=url,
    )
    return version


def _open_version(version: AgreementVersion) -> AgreementVersion:
    locked = AgreementVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != AgreementStatus.PROPOSED:
        raise AgreementConflict(
            f"Version {locked.number} is no longer open: it was {locked.get_status_display().lower()}."
        )
    return locked


@transaction.atomic
def agreement_accept(*, version: AgreementVersion, by: Membership) -> AgreementVersion:
    """Accept an open proposal. The last acceptance puts it in force."""
    mentorship = version.mentorship
    _lock_writable(mentorship)
    members = _members(mentorship)
    _participant(members, by)
    version = _open_version(version)
    if AgreementAcceptance.objects.filter(version=version, membership=by).exists():
        raise AgreementConflict("You have already accepted this version; it waits for the others.")
    AgreementAcceptance.objects.create(version=version, membership=by)
    accepted = set(version.acceptances.values_list("membership_id", flat=True))
    url = _agreement_url(mentorship, by)
    if {m.membership_id for m in members} <= accepted:
        _put_in_force(version, timezone.now())
        _tell_others(
            members,
            by,
            title=f"{_name(by)} accepted the agreement: version {version.number} is in force",
            url=url,
        )
    elif version.proposed_by is not None:
        notify(
            recipient=version.proposed_by,
            kind=NotificationKind.AGREEMENT,
            title=f"{_name(by)} accepted version {version.number} of your agreement",
            body="It comes into force once everyone has accepted it.",
            url=url,
        )
    return version


@transaction.atomic
def agreement_decline(*, version: AgreementVersion, by: Membership, reason: str = "") -> AgreementVersion:
    """Decline someone else's open proposal; the version in force (if any) stays in force."""
    mentorship = version.mentorship
    _lock_writable(mentorship)
    _participant(_members(mentorship), by)
    version = _open_version(version)
    if version.proposed_by_id == by.pk:
        raise AgreementNotAllowed("This is your own proposal: withdraw it instead.")
    reason = reason.strip()
    if len(reason) > 500:
        raise AgreementInvalid("The reason is too long (at most 500 characters).", field="reason")
    version.status = AgreementStatus.DECLINED
    version.decided_at = timezone.now()
    version.declined_by = by
    version.decline_reason = reason
    version.save(update_fields=["status", "decided_at", "declined_by", "decline_reason"])
    if version.proposed_by is not None:
        notify(
            recipient=version.proposed_by,
            kind=NotificationKind.AGREEMENT,
            title=f"{_name(by)} declined version {version.number} of the agreement",
            body=reason or "Talk it through and propose a version you can both accept.",
            url=_agreement_url(mentorship, by),
        )
    return version


@transaction.atomic
def agreement_withdraw(*, version: AgreementVersion, by: Membership) -> AgreementVersion:
    """The proposer takes back their open proposal."""
    mentorship = version.mentorship
    _lock_writable(mentorship)
    members = _members(mentorship)
    _participant(members, by)
    version = _open_version(version)
    if version.proposed_by_id != by.pk:
        raise AgreementNotAllowed(
            "Only the person who proposed this version can withdraw it; you may decline it."
        )
    version.status = AgreementStatus.WITHDRAWN
    version.decided_at = timezone.now()
    version.save(update_fields=["status", "decided_at"])
    _tell_others(
        members,
        by,
        title=f"{_name(by)} withdrew version {version.number} of the agreement",
        url=_agreement_url(mentorship, by),
    )
    return version
