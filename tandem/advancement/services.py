"""Writes for endorsements and introductions.

Who may endorse or introduce whom follows the mentorship (tandem/feedback/support.py): a mentor
acts for their mentee(s), a peer for the other peer(s); a mentee acts for nobody. The contact
of an introduction is someone else: another active member of the same organisation (never the
mentee, the mentor or anyone in the mentorship) or an external person reached by email.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import hash_token
from tandem.advancement.errors import (
    AdvancementConflict,
    AdvancementInvalid,
    AdvancementNotAllowed,
    IntroductionNotFound,
)
from tandem.advancement.models import (
    INTRODUCTION_VALID_DAYS,
    Endorsement,
    Introduction,
    IntroductionStatus,
)
from tandem.feedback.services import resolve_subject
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.notifications.models import NotificationKind
from tandem.notifications.services import notify
from tandem.organisations.models import Membership, Organisation
from tandem.people.models import Skill

OPEN_FOR_ADVANCEMENT = (MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED, MentorshipStatus.COMPLETED)
ENDORSEMENT_MAX = 4000
CONTEXT_MAX = 2000
MESSAGE_MAX = 1000
NOTE_MAX = 500
NAME_MAX = 150


def _name(membership: Membership) -> str:
    return membership.user.full_name or membership.user.email


def career_url(mentorship: Mentorship) -> str:
    return reverse(
        "advancement:mentorship",
        kwargs={"org_slug": mentorship.organisation.slug, "mentorship_id": mentorship.pk},
    )


def _require_open(mentorship: Mentorship) -> None:
    if mentorship.status not in OPEN_FOR_ADVANCEMENT:
        raise AdvancementConflict(
            f"This mentorship is {mentorship.get_status_display().lower()}: nothing new can be added."
        )


def _required_text(value: str, *, field: str, limit: int, missing: str) -> str:
    value = value.strip()
    if not value:
        raise AdvancementInvalid(missing, field=field)
    if len(value) > limit:
        raise AdvancementInvalid(f"Keep it under {limit} characters.", field=field)
    return value


def _skills(organisation_id: int, skill_ids: Sequence[int]) -> list[Skill]:
    wanted = list(dict.fromkeys(skill_ids))
    skills = list(Skill.objects.filter(organisation_id=organisation_id, pk__in=wanted))
    if len(skills) != len(wanted):
        raise AdvancementInvalid("No such skill in this organisation.", field="skill_ids")
    return skills


# --- endorsements -------------------------------------------------------------------------------


@transaction.atomic
def endorsement_create(
    *,
    mentorship: Mentorship,
    by: Membership,
    text: str,
    skill_ids: Sequence[int] = (),
    subject_id: int | None = None,
) -> Endorsement:
    """A mentor endorses their mentee's skills in their own words. The mentee is told; program
    admins see it only once the mentee chooses to share it."""
    subject = resolve_subject(
        mentorship, by, subject_id, field="subject_membership_id", action="write endorsements"
    )
    _require_open(mentorship)
    text = _required_text(
        text, field="text", limit=ENDORSEMENT_MAX, missing="Write what you endorse them for."
    )
    skills = _skills(mentorship.organisation_id, skill_ids)
    endorsement = Endorsement.objects.create(
        organisation_id=mentorship.organisation_id,
        mentorship=mentorship,
        author=by,
        subject=subject,
        text=text,
    )
    endorsement.skills.set(skills)
    notify(
        recipient=subject,
        kind=NotificationKind.ENDORSEMENT,
        title=f"{_name(by)} endorsed you",
        body=", ".join(s.name for s in skills) or text[:200],
        url=career_url(mentorship),
    )
    return endorsement


def _own(endorsement: Endorsement, by: Membership) -> None:
    if endorsement.author_id != by.pk:
        raise AdvancementNotAllowed("Only the person who wrote an endorsement can change it.")


@transaction.atomic
def endorsement_update(
    *,
    endorsement: Endorsement,
    by: Membership,
    text: str | None = None,
    skill_ids: Sequence[int] | None = None,
) -> Endorsement:
    """Its author rewrites an endorsement (text and/or skills); sharing stays as the mentee set it."""
    _own(endorsement, by)
    if text is not None:
        endorsement.text = _required_text(
            text, field="text", limit=ENDORSEMENT_MAX, missing="Write what you endorse them for."
        )
    if skill_ids is not None:
        endorsement.skills.set(_skills(endorsement.organisation_id, skill_ids))
    endorsement.save()
    return endorsement


@transaction.atomic
def endorsement_withdraw(*, endorsement: Endorsement, by: Membership) -> None:
    """Its author withdraws an endorsement: it is gone for everyone."""
    _own(endorsement, by)
    endorsement.delete()


@transaction.atomic
def endorsement_share(*, endorsement: Endorsement, by: Membership, shared: bool) -> Endorsement:
    """The mentee lets program admins see an endorsement of them — or stops letting them."""
    if endorsement.subject_id != by.pk:
        raise AdvancementNotAllowed("Only the person endorsed decides who else sees it.")
    if endorsement.shared_with_admins != shared:
        endorsement.shared_with_admins = shared
        endorsement.shared_at = timezone.now() if shared else None
        endorsement.save(update_fields=["shared_with_admins", "shared_at", "updated_at"])
    return endorsement


# --- introductions ------------------------------------------------------------------------------


def _member_contact(mentorship: Mentorship, contact_id: int) -> Membership:
    contact = (
        Membership.objects.select_related("user")
        .filter(organisation_id=mentorship.organisation_id, pk=contact_id, is_active=True)
        .first()
    )
    if contact is None:
        raise AdvancementInvalid("No such member in this organisation.", field="contact_membership_id")
    if any(m.membership_id == contact.pk for m in mentorship.members.all()):
        raise AdvancementInvalid(
            "They are already in this mentorship: introduce someone new.", field="contact_membership_id"
        )
    return contact


def _external_contact(mentorship: Mentorship, name: str, email: str) -> tuple[str, str]:
    name = _required_text(name, field="contact_name", limit=NAME_MAX, missing="Give the contact's name.")
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise AdvancementInvalid("Enter a valid email address.", field="contact_email") from None
    if Membership.objects.filter(
        organisation_id=mentorship.organisation_id, user__email__iexact=email, is_active=True
    ).exists():
        raise AdvancementInvalid(
            f"{email} belongs to a member of the organisation: choose them from the members instead.",
            field="contact_email",
        )
    return name, email


def respond_path(organisation: Organisation, raw_token: str) -> str:
    return reverse("advancement:respond", kwargs={"org_slug": organisation.slug, "token": raw_token})


@transaction.atomic
def introduction_create(
    *,
    mentorship: Mentorship,
    by: Membership,
    context: str,
    contact_id: int | None = None,
    contact_name: str = "",
    contact_email: str = "",
    subject_id: int | None = None,
    base_url: str,
    send_email: bool = True,
) -> tuple[Introduction, str | None]:
    """A mentor introduces their mentee to a member (`contact_id`) or an external contact
    (`contact_name` + `contact_email`), saying why they should talk.

    Returns the introduction and, for an external contact, the raw token of their link (only
    its hash is stored). The link is emailed after commit unless `send_email` is false (the
    demo); `base_url` is the site's address for that link.
    """
    mentee = resolve_subject(
        mentorship, by, subject_id, field="subject_membership_id", action="make introductions"
    )
    _require_open(mentorship)
    if contact_id is not None and contact_email.strip():
        raise AdvancementInvalid("Choose a member or give an email address, not both.", field="contact_email")
    if contact_id is None and not contact_email.strip():
        raise AdvancementInvalid(
            "Choose a member to introduce them to, or give an external contact's email address.",
            field="contact_membership_id",
        )
    context = _required_text(
        context,
        field="context",
        limit=CONTEXT_MAX,
        missing="Say why they should talk — it helps them say yes.",
    )
    now = timezone.now()
    open_ones = Introduction.objects.filter(
        mentorship=mentorship, mentee=mentee, status=IntroductionStatus.PENDING, expires_at__gt=now
    )
    contact: Membership | None = None
    raw_token: str | None = None
    if contact_id is not None:
        contact = _member_contact(mentorship, contact_id)
        if open_ones.filter(contact=contact).exists():
            raise AdvancementConflict(
                f"{_name(contact)} has not answered the last introduction yet.", field="contact_membership_id"
            )
        name, email = "", ""
    else:
        name, email = _external_contact(mentorship, contact_name, contact_email)
        if open_ones.filter(contact_email=email).exists():
            raise AdvancementConflict(
                f"{email} has not answered the last introduction yet.", field="contact_email"
            )
        raw_token = secrets.token_urlsafe(32)
    introduction = Introduction.objects.create(
        organisation_id=mentorship.organisation_id,
        mentorship=mentorship,
        introduced_by=by,
        mentee=mentee,
        contact=contact,
        contact_name=name,
        contact_email=email,
        context=context,
        token_hash=hash_token(raw_token) if raw_token else None,
        expires_at=now + timedelta(days=INTRODUCTION_VALID_DAYS),
    )
    organisation = mentorship.organisation
    if contact is not None:
        notify(
            recipient=contact,
            kind=NotificationKind.INTRODUCTION,
            title=f"{_name(by)} would like to introduce you to {_name(mentee)}",
            body=context[:300],
            url=reverse("advancement:introductions", kwargs={"org_slug": organisation.slug}),
        )
    notify(
        recipient=mentee,
        kind=NotificationKind.INTRODUCTION,
        title=f"{_name(by)} introduced you to {introduction.contact_display_name}",
        body="You will hear here when they answer.",
        url=career_url(mentorship),
    )
    if raw_token is not None and send_email:
        link = base_url.rstrip("/") + respond_path(organisation, raw_token)
        subject = f"{_name(by)} would like to introduce you to {_name(mentee)}"
        message = (
            f"Hello {name},\n\n{_name(by)} mentors {_name(mentee)} at {organisation.name} and thinks "
            f"you two should talk:\n\n{context}\n\nPlease accept or decline (no account needed): {link}\n\n"
            f"The link works once and for {INTRODUCTION_VALID_DAYS} days."
        )
        transaction.on_commit(
            lambda: send_mail(subject=subject, message=message, from_email=None, recipient_list=[email])
        )
    return introduction, raw_token


def _answer(introduction: Introduction, *, accept: bool, message: str) -> Introduction:
    message = message.strip()
    if len(message) > MESSAGE_MAX:
        raise AdvancementInvalid(f"Keep the message under {MESSAGE_MAX} characters.", field="message")
    locked = Introduction.objects.select_for_update().get(pk=introduction.pk)
    if locked.status != IntroductionStatus.PENDING:
        raise AdvancementConflict(
            f"This introduction was already answered: {locked.get_status_display().lower()}."
        )
    if locked.expires_at <= timezone.now():
        raise AdvancementConflict("This introduction has expired.")
    locked.status = IntroductionStatus.ACCEPTED if accept else IntroductionStatus.DECLINED
    locked.response_message = message
    locked.responded_at = timezone.now()
    locked.save(update_fields=["status", "response_message", "responded_at"])
    mentorship = introduction.mentorship
    who = introduction.contact_display_name
    verb = "accepted" if accept else "declined"
    for recipient, whose in ((introduction.mentee, "your"), (introduction.introduced_by, "the")):
        notify(
            recipient=recipient,
            kind=NotificationKind.INTRODUCTION,
            title=f"{who} {verb} {whose} introduction",
            body=message[:300],
            url=career_url(mentorship),
        )
    introduction.status, introduction.response_message = locked.status, locked.response_message
    introduction.responded_at = locked.responded_at
    return introduction


@transaction.atomic
def introduction_answer(
    *, introduction: Introduction, by: Membership, accept: bool, message: str = ""
) -> Introduction:
    """The member introduced to accepts or declines, with an optional message to the mentee."""
    if introduction.contact_id != by.pk:
        raise AdvancementNotAllowed("Only the person introduced can answer.")
    return _answer(introduction, accept=accept, message=message)


def introduction_by_token(*, organisation: Organisation, raw_token: str) -> Introduction:
    """The external introduction behind an emailed link (of this organisation), or not found."""
    introduction = (
        Introduction.objects.select_related(
            "organisation", "mentorship__organisation", "mentee__user", "introduced_by__user"
        )
        .filter(organisation=organisation, contact__isnull=True, token_hash=hash_token(raw_token))
        .first()
    )
    if introduction is None:
        raise IntroductionNotFound("This link is not valid. Check that you copied all of it.")
    return introduction


@transaction.atomic
def introduction_answer_by_token(
    *, organisation: Organisation, raw_token: str, accept: bool, message: str = ""
) -> Introduction:
    """An external contact answers through their emailed link; it works once."""
    introduction = introduction_by_token(organisation=organisation, raw_token=raw_token)
    return _answer(introduction, accept=accept, message=message)


@transaction.atomic
def introduction_note(*, introduction: Introduction, by: Membership, note: str) -> Introduction:
    """The mentee keeps a short note on an introduction (how it went), for both sides to see."""
    if introduction.mentee_id != by.pk:
        raise AdvancementNotAllowed("Only the mentee introduced can add a note.")
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise AdvancementInvalid(f"Keep the note under {NOTE_MAX} characters.", field="mentee_note")
    introduction.mentee_note = note
    introduction.save(update_fields=["mentee_note"])
    return introduction


def introductions_expire(*, now: datetime | None = None) -> int:
    """Record as expired every introduction left unanswered past its date (idempotent)."""
    return Introduction.objects.filter(
        status=IntroductionStatus.PENDING, expires_at__lte=now or timezone.now()
    ).update(status=IntroductionStatus.EXPIRED)
