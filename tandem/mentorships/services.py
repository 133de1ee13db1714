"""Writes for mentorship requests and the mentorships they create.

Capacity is the invariant that matters most: a mentor never holds more mentees than their
enrolment allows, even when many requests are accepted at the same instant. Every write that
can take a place locks the mentor's enrolment row first (PostgreSQL `SELECT … FOR UPDATE`;
SQLite serialises writers with BEGIN IMMEDIATE), then counts, then writes.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from tandem.mentorships.capacity import mentees_held
from tandem.mentorships.errors import (
    AlreadyMatched,
    MentorAtCapacity,
    RequestInvalid,
    RequestNotAllowed,
)
from tandem.mentorships.models import (
    OCCUPYING_STATUSES,
    Consent,
    MemberRole,
    Mentorship,
    MentorshipMember,
    MentorshipOrigin,
    MentorshipRequest,
    MentorshipStatus,
    RequestStatus,
)
from tandem.notifications.models import NotificationKind
from tandem.notifications.services import notify
from tandem.organisations.models import Membership
from tandem.programs.models import (
    Enrolment,
    EnrolmentRole,
    EnrolmentStatus,
    MatchingMode,
    ProgramStatus,
)

REQUESTABLE_PROGRAM_STATUSES = {ProgramStatus.OPEN, ProgramStatus.MATCHING, ProgramStatus.IN_PROGRESS}
SELF_SERVICE_MODES = {MatchingMode.SELF_SERVICE, MatchingMode.HYBRID}


def _lock_enrolments(*ids: int) -> dict[int, Enrolment]:
    """Lock enrolment rows in primary-key order, so two transactions never wait on each other."""
    rows = (
        Enrolment.objects.select_related("program", "membership")
        .filter(pk__in=sorted(set(ids)))
        .order_by("pk")
        .select_for_update(of=("self",))
    )
    return {row.pk: row for row in rows}


def mentee_is_matched(*, mentee: Enrolment) -> bool:
    return MentorshipMember.objects.filter(
        membership_id=mentee.membership_id,
        role=MemberRole.MENTEE,
        mentorship__program_id=mentee.program_id,
        mentorship__status__in=OCCUPYING_STATUSES,
    ).exists()


def _name(membership: Membership) -> str:
    return membership.user.full_name or membership.user.email


def _requests_url(org_slug: str) -> str:
    return reverse("mentorships:requests", kwargs={"org_slug": org_slug})


def _mentorship_url(org_slug: str, mentorship_id: int) -> str:
    return reverse("mentorships:detail", kwargs={"org_slug": org_slug, "mentorship_id": mentorship_id})


def _pending_requests_of(mentee: Enrolment) -> int:
    return MentorshipRequest.objects.filter(mentee=mentee, status=RequestStatus.PENDING).count()


@transaction.atomic
def mentorship_request_create(
    *, mentee: Enrolment, mentor: Enrolment, message: str, by: Membership
) -> MentorshipRequest:
    """A mentee asks a mentor of the same program, with a message."""
    if mentee.membership_id != by.pk:
        raise RequestNotAllowed("You can only send requests for yourself.")
    program = mentee.program
    if mentor.program_id != program.pk:
        raise RequestInvalid("That mentor is not in this program.", field="mentor")
    if program.matching_mode not in SELF_SERVICE_MODES:
        raise RequestInvalid("In this program the admins make the matches.", field="program")
    if program.status not in REQUESTABLE_PROGRAM_STATUSES:
        raise RequestInvalid("This program is not taking requests.", field="program")
    if mentee.role != EnrolmentRole.MENTEE or mentee.status != EnrolmentStatus.ACTIVE:
        raise RequestInvalid("You need an active mentee enrolment to send requests.", field="mentee")
    if mentor.role != EnrolmentRole.MENTOR or mentor.status != EnrolmentStatus.ACTIVE:
        raise RequestInvalid("This person is not available as a mentor.", field="mentor")
    if mentor.membership_id == mentee.membership_id:
        raise RequestInvalid("You cannot request yourself.", field="mentor")
    message = message.strip()
    if not message:
        raise RequestInvalid(
            "Say why you'd like this mentor — a short message helps them say yes.", field="message"
        )
    locked = _lock_enrolments(mentee.pk, mentor.pk)
    mentee, mentor = locked[mentee.pk], locked[mentor.pk]
    if mentee_is_matched(mentee=mentee):
        raise AlreadyMatched("You already have a mentor in this program.", field="mentee")
    if mentees_held(mentor=mentor) >= mentor.capacity:
        raise MentorAtCapacity("This mentor has no place left.", field="mentor")
    if MentorshipRequest.objects.filter(mentee=mentee, mentor=mentor, status=RequestStatus.PENDING).exists():
        raise RequestInvalid("You already have a pending request to this mentor.", field="mentor")
    limit = program.max_open_requests_per_mentee
    if _pending_requests_of(mentee) >= limit:
        raise RequestInvalid(
            f"You can have at most {limit} open requests. Withdraw one or wait for answers.", field="mentor"
        )
    sent = MentorshipRequest.objects.create(
        program=program,
        mentee=mentee,
        mentor=mentor,
        message=message,
        expires_at=timezone.now() + timedelta(days=program.request_expiry_days),
    )
    notify(
        recipient=mentor.membership,
        kind=NotificationKind.REQUEST_RECEIVED,
        title=f"{_name(by)} asked you to be their mentor in {program.name}",
        body=f"“{message}”\nPlease answer by {sent.expires_at:%d %b %Y}.",
        url=_requests_url(program.organisation.slug),
    )
    return sent


def _invalidate(requests: QuerySet[MentorshipRequest], reason: str) -> int:
    return requests.filter(status=RequestStatus.PENDING).update(
        status=RequestStatus.INVALIDATED, invalidated_reason=reason, responded_at=timezone.now()
    )


def _pending_for_update(request: MentorshipRequest) -> MentorshipRequest:
    locked = MentorshipRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != RequestStatus.PENDING:
        raise RequestInvalid(
            f"This request is already {locked.get_status_display().lower()}.", field="status"
        )
    if locked.expires_at <= timezone.now():
        raise RequestInvalid("This request has expired.", field="status")
    return locked


@transaction.atomic
def mentorship_request_accept(
    *,
    request: MentorshipRequest,
    by: Membership,
    score: float | None = None,
    explanation: list[dict[str, object]] | None = None,
) -> Mentorship:
    """The mentor says yes: the mentorship starts, the mentee's other requests are invalidated,
    and if the mentor is now full, so are the requests waiting on them.

    `score` and `explanation` (the pair scored as rounds score it, see
    `tandem.matching.selectors.pair_candidate`) are kept on the mentorship, so both sides can
    later see why they fit.
    """
    if request.mentor.membership_id != by.pk:
        raise RequestNotAllowed("Only the requested mentor can accept.")
    # Lock order: enrolments by pk, then the request — the same order every writer uses.
    locked = _lock_enrolments(request.mentee_id, request.mentor_id)
    mentee, mentor = locked[request.mentee_id], locked[request.mentor_id]
    request = _pending_for_update(request)
    # Every path that matches someone invalidates their open requests (see mentorship_start), so
    # this only guards against a race; the error rolls back and the request stays pending.
    if mentee_is_matched(mentee=mentee):
        raise AlreadyMatched("This mentee already has a mentor in this program.")
    if mentees_held(mentor=mentor) >= mentor.capacity:
        raise MentorAtCapacity("You have no place left in this program. Raise your capacity or decline.")
    request.status = RequestStatus.ACCEPTED
    request.responded_at = timezone.now()
    request.save(update_fields=["status", "responded_at"])
    mentorship = mentorship_start(
        mentor=mentor,
        mentees=[mentee],
        origin=MentorshipOrigin.REQUEST,
        needs_consent=False,
        score=score,
        explanation=explanation,
    )
    request.mentorship = mentorship
    request.save(update_fields=["mentorship"])
    program = mentor.program
    notify(
        recipient=mentee.membership,
        kind=NotificationKind.REQUEST_ANSWERED,
        title=f"{_name(by)} accepted your request in {program.name}",
        body="Your mentorship has started. Say hello and agree how you will work together.",
        url=_mentorship_url(program.organisation.slug, mentorship.pk),
    )
    return mentorship


@transaction.atomic
def mentorship_request_decline(
    *, request: MentorshipRequest, by: Membership, reason: str
) -> MentorshipRequest:
    if request.mentor.membership_id != by.pk:
        raise RequestNotAllowed("Only the requested mentor can decline.")
    reason = reason.strip()
    if not reason:
        raise RequestInvalid("Give the mentee a short reason — it helps them choose next.", field="reason")
    request = _pending_for_update(request)
    request.status = RequestStatus.DECLINED
    request.decline_reason = reason[:500]
    request.responded_at = timezone.now()
    request.save(update_fields=["status", "decline_reason", "responded_at"])
    program = request.program
    notify(
        recipient=request.mentee.membership,
        kind=NotificationKind.REQUEST_ANSWERED,
        title=f"{_name(by)} declined your request in {program.name}",
        body=f"Their reason: “{request.decline_reason}”\nYou can ask another mentor in this program.",
        url=_requests_url(program.organisation.slug),
    )
    return request


@transaction.atomic
def mentorship_request_withdraw(*, request: MentorshipRequest, by: Membership) -> MentorshipRequest:
    if request.mentee.membership_id != by.pk:
        raise RequestNotAllowed("Only the mentee who sent the request can withdraw it.")
    request = _pending_for_update(request)
    request.status = RequestStatus.WITHDRAWN
    request.responded_at = timezone.now()
    request.save(update_fields=["status", "responded_at"])
    return request


@transaction.atomic
def mentorship_requests_expire() -> int:
    """Expire every pending request past its date (run by the scheduled task) and tell each
    mentee. Only rows still pending are expired and notified, so a rerun never repeats itself."""
    now = timezone.now()
    due = list(
        MentorshipRequest.objects.select_for_update(of=("self",))
        .filter(status=RequestStatus.PENDING, expires_at__lte=now)
        .select_related("program__organisation", "mentee__membership", "mentor__membership__user")
        .order_by("pk")
    )
    if not due:
        return 0
    MentorshipRequest.objects.filter(pk__in=[r.pk for r in due], status=RequestStatus.PENDING).update(
        status=RequestStatus.EXPIRED, responded_at=now
    )
    for expired in due:
        notify(
            recipient=expired.mentee.membership,
            kind=NotificationKind.REQUEST_ANSWERED,
            title=f"Your request to {_name(expired.mentor.membership)} in {expired.program.name} expired",
            body="It was not answered in time. You can ask another mentor in this program.",
            url=_requests_url(expired.program.organisation.slug),
        )
    return len(due)


def mentorship_start(
    *,
    mentor: Enrolment | None,
    mentees: list[Enrolment],
    origin: str,
    needs_consent: bool,
    score: float | None = None,
    explanation: list[dict[str, object]] | None = None,
    match_round_id: int | None = None,
) -> Mentorship:
    """Create a mentorship with its members. Callers hold the locks and have checked capacity.

    `mentor=None` makes a peer mentorship between the `mentees` (then two peers).
    """
    first = mentees[0]
    now = timezone.now()
    mentorship = Mentorship.objects.create(
        organisation_id=first.program.organisation_id,
        program_id=first.program_id,
        status=MentorshipStatus.PROPOSED if needs_consent else MentorshipStatus.ACTIVE,
        origin=origin,
        score=score,
        explanation=explanation or [],
        match_round_id=match_round_id,
        started_at=None if needs_consent else now,
    )
    consent = Consent.PENDING if needs_consent else Consent.ACCEPTED
    consent_at = None if needs_consent else now
    members = []
    if mentor is not None:
        members.append(
            MentorshipMember(
                mentorship=mentorship,
                membership_id=mentor.membership_id,
                enrolment=mentor,
                role=MemberRole.MENTOR,
                consent=consent,
                consent_at=consent_at,
            )
        )
    role = MemberRole.MENTEE if mentor is not None else MemberRole.PEER
    members += [
        MentorshipMember(
            mentorship=mentorship,
            membership_id=m.membership_id,
            enrolment=m,
            role=role,
            consent=consent,
            consent_at=consent_at,
        )
        for m in mentees
    ]
    MentorshipMember.objects.bulk_create(members)
    _invalidate_settled_requests(program_id=first.program_id, mentees=mentees, mentor=mentor)
    if origin != MentorshipOrigin.REQUEST:  # an accepted request is answered in its own notification
        _notify_matched(mentorship, mentor=mentor, mentees=mentees, needs_consent=needs_consent)
    return mentorship


def _notify_matched(
    mentorship: Mentorship, *, mentor: Enrolment | None, mentees: list[Enrolment], needs_consent: bool
) -> None:
    """Tell everyone in a new match who their partners are and what to do next."""
    program = mentees[0].program
    url = _mentorship_url(program.organisation.slug, mentorship.pk)
    everyone = ([mentor] if mentor is not None else []) + mentees
    next_step = (
        "Please confirm the match in Tandem — it starts once everyone has said yes."
        if needs_consent
        else "Say hello and agree how you will work together: Tandem shows why you were matched."
    )
    for me in everyone:
        partners = sorted(_name(other.membership) for other in everyone if other.pk != me.pk)
        notify(
            recipient=me.membership,
            kind=NotificationKind.MATCHED,
            title=f"You have been matched in {program.name}",
            body=(
                f"You have been matched with {', '.join(partners)} in the program “{program.name}”."
                f"\n{next_step}"
            ),
            url=url,
        )


def _invalidate_settled_requests(
    *, program_id: int, mentees: list[Enrolment], mentor: Enrolment | None
) -> None:
    """Requests that can no longer succeed: the new mentees' (they are matched now) and, when the
    mentor just became full, every request still waiting on them."""
    _invalidate(
        MentorshipRequest.objects.filter(
            program_id=program_id, mentee__membership_id__in=[m.membership_id for m in mentees]
        ),
        "The mentee was matched elsewhere.",
    )
    if mentor is not None and mentees_held(mentor=mentor) >= mentor.capacity:
        _invalidate(MentorshipRequest.objects.filter(mentor=mentor), "The mentor reached capacity.")


@transaction.atomic
def mentorship_consent(*, mentorship: Mentorship, by: Membership, accept: bool) -> Mentorship:
    """A participant answers a PROPOSED match: when everyone has accepted it becomes ACTIVE;
    one "no" declines it for all and frees the mentor's place (no fault, no reason needed)."""
    locked = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    member = MentorshipMember.objects.filter(mentorship=locked, membership=by).first()
    if member is None:
        raise RequestNotAllowed("Only the people in this match can answer it.")
    if locked.status != MentorshipStatus.PROPOSED:
        raise RequestInvalid(f"This match is already {locked.get_status_display().lower()}.", field="status")
    now = timezone.now()
    member.consent = Consent.ACCEPTED if accept else Consent.DECLINED
    member.consent_at = now
    member.save(update_fields=["consent", "consent_at"])
    if not accept:
        locked.status = MentorshipStatus.DECLINED
        locked.ended_at = now
        locked.ended_by = by.user
        locked.save(update_fields=["status", "ended_at", "ended_by"])
    elif not locked.members.exclude(consent=Consent.ACCEPTED).exists():
        locked.status = MentorshipStatus.ACTIVE
        locked.started_at = now
        locked.save(update_fields=["status", "started_at"])
    return locked
