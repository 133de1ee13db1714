"""Writes for a mentorship's life after the match: pause, resume, complete, end early (no fault),
concerns raised privately to the program admins, the guided re-match after an early ending, and
mentorships an admin creates directly.

Every change of state is validated against the current state (read under a row lock), recorded
as a `MentorshipEvent` (who, when, from, to, why) and told to the other people in it in neutral
words. Ending or completing frees the mentor's place: capacity counts only live states
(`OCCUPYING_STATUSES`), so the status change is all it takes.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tandem.matching.models import BlockedPair
from tandem.matching.selectors import pair_candidate
from tandem.meetings.closing import meetings_close
from tandem.mentorships.capacity import mentees_held
from tandem.mentorships.errors import (
    AlreadyMatched,
    ConcernConflict,
    ConcernInvalid,
    LifecycleConflict,
    LifecycleInvalid,
    LifecycleNotAllowed,
    MentorAtCapacity,
    RematchInvalid,
)
from tandem.mentorships.models import (
    Concern,
    ConcernStatus,
    EndReason,
    EventKind,
    MemberRole,
    Mentorship,
    MentorshipEvent,
    MentorshipMember,
    MentorshipOrigin,
    MentorshipStatus,
    Rematch,
)
from tandem.mentorships.selectors_lifecycle import previous_mentor_ids, rematch_candidate
from tandem.mentorships.services import (
    REQUESTABLE_PROGRAM_STATUSES,
    SELF_SERVICE_MODES,
    mentee_is_matched,
    mentorship_request_create,
    mentorship_start,
)
from tandem.notifications.models import NotificationKind
from tandem.notifications.services import notify
from tandem.organisations.models import Membership, Role
from tandem.programs.models import (
    Enrolment,
    EnrolmentRole,
    EnrolmentStatus,
    Program,
    ProgramKind,
)

PAUSE_REASON_MAX = 500
REFLECTION_MAX = 1000
NOTE_MAX = 2000
CONCERN_MAX = 4000

# kind -> (states it may leave from, state it goes to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    EventKind.PAUSED: (frozenset({MentorshipStatus.ACTIVE}), MentorshipStatus.PAUSED),
    EventKind.RESUMED: (frozenset({MentorshipStatus.PAUSED}), MentorshipStatus.ACTIVE),
    EventKind.COMPLETED: (
        frozenset({MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED}),
        MentorshipStatus.COMPLETED,
    ),
    EventKind.ENDED_EARLY: (
        frozenset({MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED}),
        MentorshipStatus.ENDED_EARLY,
    ),
}
_WHY_NOT: dict[str, str] = {
    EventKind.PAUSED: "Only an active mentorship can be paused",
    EventKind.RESUMED: "Only a paused mentorship can be resumed",
    EventKind.COMPLETED: "Only an active or paused mentorship can be completed",
    EventKind.ENDED_EARLY: "Only an active or paused mentorship can be ended",
}


def _name(membership: Membership) -> str:
    return str(membership.user.full_name or membership.user.email)


def program_admins(*, organisation_id: int) -> list[Membership]:
    """The organisation's active program admins (org admins are program admins too)."""
    return list(
        Membership.objects.filter(
            organisation_id=organisation_id,
            is_active=True,
            role__in=[Role.PROGRAM_ADMIN, Role.ORG_ADMIN],
        )
        .select_related("user", "organisation")
        .order_by("pk")
    )


def _url(name: str, mentorship: Mentorship, **kwargs: int) -> str:
    return reverse(
        f"mentorships:{name}",
        kwargs={"org_slug": mentorship.organisation.slug, "mentorship_id": mentorship.pk, **kwargs},
    )


def _lock(mentorship: Mentorship, by: Membership) -> tuple[Mentorship, list[MentorshipMember], bool]:
    """The mentorship locked for update, its members, and whether `by` acts as an overseeing
    admin. Refuses anyone who is neither in it nor a program admin of its organisation."""
    locked = (
        Mentorship.objects.select_for_update(of=("self",))
        .select_related("organisation", "program")
        .get(pk=mentorship.pk)
    )
    members = list(
        MentorshipMember.objects.filter(mentorship=locked).select_related("membership__user").order_by("pk")
    )
    inside = any(m.membership_id == by.pk for m in members)
    same_org = by.organisation_id == locked.organisation_id and by.is_active
    if not same_org or not (inside or by.is_program_admin):
        raise LifecycleNotAllowed("Only the people in this mentorship or a program admin can change it.")
    return locked, members, not inside


def _transition(
    *,
    mentorship: Mentorship,
    by: Membership,
    kind: str,
    reason: str = "",
    private_note: str = "",
    end_reason: str = "",
) -> tuple[Mentorship, list[MentorshipMember], bool]:
    locked, members, as_admin = _lock(mentorship, by)
    allowed_from, to_status = TRANSITIONS[kind]
    if locked.status not in allowed_from:
        raise LifecycleConflict(
            f"{_WHY_NOT[kind]}; this one is {locked.get_status_display().lower()}.", field="status"
        )
    from_status = locked.status
    locked.status = to_status
    fields = ["status"]
    if to_status in {MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY}:
        locked.ended_at = timezone.now()
        locked.ended_by = by.user
        locked.end_reason = end_reason
        fields += ["ended_at", "ended_by", "end_reason"]
    locked.save(update_fields=fields)
    MentorshipEvent.objects.create(
        mentorship=locked,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        by=by,
        by_admin=as_admin,
        reason=reason,
        private_note=private_note,
    )
    return locked, members, as_admin


def _tell_the_others(
    *,
    mentorship: Mentorship,
    members: list[MentorshipMember],
    by: Membership,
    title: str,
    body: str,
    mentee_body: str = "",
    mentee_url: str = "",
) -> None:
    """Notify everyone in the mentorship but the person who made the change."""
    for member in members:
        if member.membership_id == by.pk:
            continue
        is_mentee = member.role == MemberRole.MENTEE
        notify(
            recipient=member.membership,
            kind=NotificationKind.MENTORSHIP_CHANGED,
            title=title,
            body=(mentee_body if is_mentee and mentee_body else body),
            url=(mentee_url if is_mentee and mentee_url else _url("detail", mentorship)),
        )


def _actor(by: Membership, as_admin: bool) -> str:
    return "A program admin" if as_admin else _name(by)


@transaction.atomic
def mentorship_pause(*, mentorship: Mentorship, by: Membership, reason: str = "") -> Mentorship:
    """Take a break (ACTIVE → PAUSED). The mentor's place stays held for the mentee."""
    reason = reason.strip()
    if len(reason) > PAUSE_REASON_MAX:
        raise LifecycleInvalid(f"Keep the reason under {PAUSE_REASON_MAX} characters.", field="reason")
    locked, members, as_admin = _transition(
        mentorship=mentorship, by=by, kind=EventKind.PAUSED, reason=reason
    )
    _tell_the_others(
        mentorship=locked,
        members=members,
        by=by,
        title=f"{_actor(by, as_admin)} paused your mentorship",
        body=(f"Reason given: {reason}\n\n" if reason else "")
        + "Either of you can resume it from the mentorship page whenever you are ready.",
    )
    return locked


@transaction.atomic
def mentorship_resume(*, mentorship: Mentorship, by: Membership) -> Mentorship:
    """Pick up again after a pause (PAUSED → ACTIVE)."""
    locked, members, as_admin = _transition(mentorship=mentorship, by=by, kind=EventKind.RESUMED)
    _tell_the_others(
        mentorship=locked,
        members=members,
        by=by,
        title=f"{_actor(by, as_admin)} resumed your mentorship",
        body="Your mentorship is active again. A good moment to agree on your next meeting.",
    )
    return locked


@transaction.atomic
def mentorship_complete(*, mentorship: Mentorship, by: Membership, reflection: str) -> Mentorship:
    """Goals met: a positive ending (ACTIVE/PAUSED → COMPLETED), with a short reflection that
    everyone in the mentorship sees."""
    reflection = reflection.strip()
    if not reflection:
        raise LifecycleInvalid(
            "Share a sentence or two: what went well, what you take away.", field="reflection"
        )
    if len(reflection) > REFLECTION_MAX:
        raise LifecycleInvalid(f"Keep the reflection under {REFLECTION_MAX} characters.", field="reflection")
    locked, members, as_admin = _transition(
        mentorship=mentorship, by=by, kind=EventKind.COMPLETED, reason=reflection
    )
    meetings_close(mentorship=locked, now=timezone.now())
    _tell_the_others(
        mentorship=locked,
        members=members,
        by=by,
        title=f"{_actor(by, as_admin)} marked your mentorship as completed",
        body=f"Their reflection: {reflection}\n\nThank you for the time you gave each other.",
    )
    return locked


@transaction.atomic
def mentorship_end_early(
    *, mentorship: Mentorship, by: Membership, reason: str, private_note: str = ""
) -> Mentorship:
    """End before the goals are met (ACTIVE/PAUSED → ENDED_EARLY), for a no-fault reason.

    The reason is shown to everyone in the mentorship; the optional private note goes to the
    program admins only. Each mentee is offered a guided re-match.
    """
    if reason not in EndReason.values:
        raise LifecycleInvalid("Choose the reason that fits best.", field="reason")
    private_note = private_note.strip()
    if len(private_note) > NOTE_MAX:
        raise LifecycleInvalid(f"Keep the note under {NOTE_MAX} characters.", field="private_note")
    label = EndReason(reason).label
    locked, members, as_admin = _transition(
        mentorship=mentorship,
        by=by,
        kind=EventKind.ENDED_EARLY,
        reason=label,
        private_note=private_note,
        end_reason=reason,
    )
    meetings_close(mentorship=locked, now=timezone.now())
    body = (
        f"{_actor(by, as_admin)} ended it. Reason: {label}. "
        "Endings like this happen and are nobody's fault — thank you for the time you gave each other."
    )
    rematch_possible = locked.program.kind != ProgramKind.PEER
    _tell_the_others(
        mentorship=locked,
        members=members,
        by=by,
        title=f"Your mentorship in {locked.program.name} has ended",
        body=body,
        mentee_body=body + "\n\nWhen you are ready, we can suggest new mentors who fit your goals."
        if rematch_possible
        else "",
        mentee_url=_url("rematch", locked) if rematch_possible else "",
    )
    if private_note:
        inside = {m.membership_id for m in members}
        for admin in program_admins(organisation_id=locked.organisation_id):
            if admin.pk in inside or admin.pk == by.pk:
                continue  # never the other side, even when they are an admin
            notify(
                recipient=admin,
                kind=NotificationKind.MENTORSHIP_CHANGED,
                title=f"A mentorship in {locked.program.name} ended early, with a note for you",
                body=f"Reason: {label}.\n\nNote from {_name(by)}: {private_note}",
                url=_url("detail", locked),
            )
    return locked


# --- concerns -----------------------------------------------------------------------------------


def _concern_url(concern: Concern) -> str:
    return reverse("mentorships:concerns", kwargs={"org_slug": concern.organisation.slug}) + (
        f"#concern-{concern.pk}"
    )


@transaction.atomic
def concern_raise(*, mentorship: Mentorship, by: Membership, text: str) -> Concern:
    """A participant tells the program admins, privately, that something is not working."""
    member = MentorshipMember.objects.filter(mentorship=mentorship, membership=by).first()
    if member is None or by.organisation_id != mentorship.organisation_id:
        raise LifecycleNotAllowed("Only the people in this mentorship can raise a concern about it.")
    if mentorship.status == MentorshipStatus.DECLINED:
        raise ConcernInvalid("This match was declined; there is nothing to raise a concern about.")
    text = text.strip()
    if not text:
        raise ConcernInvalid("Tell the admins what is happening — a few sentences are enough.", field="text")
    if len(text) > CONCERN_MAX:
        raise ConcernInvalid(f"Keep it under {CONCERN_MAX} characters.", field="text")
    # A double submit (or a retried request) must not file the same worry twice and page every
    # admin twice: the mentorship's row serialises concerns about it, and an identical open one
    # from the same person is answered as the one already raised.
    Mentorship.objects.select_for_update(of=("self",)).filter(pk=mentorship.pk).exists()
    already = Concern.objects.filter(
        mentorship=mentorship, raised_by=by, text=text, status=ConcernStatus.OPEN
    ).first()
    if already is not None:
        return already
    concern = Concern.objects.create(
        organisation_id=mentorship.organisation_id, mentorship=mentorship, raised_by=by, text=text
    )
    concern = Concern.objects.select_related("organisation", "mentorship__program").get(pk=concern.pk)
    inside = set(
        MentorshipMember.objects.filter(mentorship=mentorship).values_list("membership_id", flat=True)
    )
    for admin in program_admins(organisation_id=mentorship.organisation_id):
        if admin.pk in inside:
            continue  # an admin in this mentorship is the other side: they never hear of it
        notify(
            recipient=admin,
            kind=NotificationKind.CONCERN,
            title=f"{_name(by)} raised a concern about their mentorship in {concern.mentorship.program.name}",
            body=text,
            url=_concern_url(concern),
        )
    return concern


def _concern_for_admin(concern: Concern, by: Membership) -> Concern:
    if not (by.is_program_admin and by.is_active and by.organisation_id == concern.organisation_id):
        raise LifecycleNotAllowed("Only program admins can answer concerns.")
    if MentorshipMember.objects.filter(mentorship_id=concern.mentorship_id, membership=by).exists():
        raise LifecycleNotAllowed("You are in this mentorship; another admin needs to answer.")
    return (
        Concern.objects.select_for_update(of=("self",))
        .select_related("organisation", "mentorship__program", "raised_by__user")
        .get(pk=concern.pk)
    )


def _clean_note(note: str, *, required: bool) -> str:
    note = note.strip()
    if required and not note:
        raise ConcernInvalid("Tell the person what was done — they will read this.", field="note")
    if len(note) > NOTE_MAX:
        raise ConcernInvalid(f"Keep the note under {NOTE_MAX} characters.", field="note")
    return note


@transaction.atomic
def concern_acknowledge(*, concern: Concern, by: Membership, note: str = "") -> Concern:
    """An admin has read the concern and is on it (OPEN → ACKNOWLEDGED); the author is told."""
    note = _clean_note(note, required=False)
    locked = _concern_for_admin(concern, by)
    if locked.status != ConcernStatus.OPEN:
        raise ConcernConflict(
            f"This concern is already {locked.get_status_display().lower()}.", field="status"
        )
    locked.status = ConcernStatus.ACKNOWLEDGED
    locked.acknowledged_at = timezone.now()
    locked.acknowledged_by = by
    locked.acknowledgement = note
    locked.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "acknowledgement"])
    notify(
        recipient=locked.raised_by,
        kind=NotificationKind.CONCERN,
        title="A program admin has read your concern",
        body=note or "They will be in touch with you.",
        url=_url("detail", locked.mentorship),
    )
    return locked


@transaction.atomic
def concern_resolve(*, concern: Concern, by: Membership, note: str) -> Concern:
    """The admins close the concern with a note to its author (OPEN/ACKNOWLEDGED → RESOLVED)."""
    note = _clean_note(note, required=True)
    locked = _concern_for_admin(concern, by)
    if locked.status == ConcernStatus.RESOLVED:
        raise ConcernConflict("This concern is already resolved.", field="status")
    now = timezone.now()
    if locked.acknowledged_at is None:
        locked.acknowledged_at, locked.acknowledged_by = now, by
    locked.status = ConcernStatus.RESOLVED
    locked.resolved_at = now
    locked.resolved_by = by
    locked.resolution = note
    locked.save(
        update_fields=[
            "status",
            "acknowledged_at",
            "acknowledged_by",
            "resolved_at",
            "resolved_by",
            "resolution",
        ]
    )
    notify(
        recipient=locked.raised_by,
        kind=NotificationKind.CONCERN,
        title="Your concern is resolved",
        body=note,
        url=_url("detail", locked.mentorship),
    )
    return locked


# --- guided re-match ----------------------------------------------------------------------------


@transaction.atomic
def rematch_choose(
    *, ended: Mentorship, mentee: Enrolment, mentor: Enrolment, message: str, by: Membership
) -> Rematch:
    """The mentee of a mentorship that ended early picks a new mentor from the re-match.

    In self-service and hybrid programs the pick is a request to that mentor, with the message
    (the normal request rules apply: capacity, open-request limit, expiry). Where the admins make
    the matches, mentees may not send requests; the pick is then passed to the program admins
    (notified, with a link that pre-fills the mentorship for them) and recorded as the mentee's
    preferred mentor, which the next match round honours.
    """
    if ended.status != MentorshipStatus.ENDED_EARLY:
        raise RematchInvalid("A re-match follows a mentorship that ended early.", field="mentorship")
    if (
        mentee.membership_id != by.pk
        or not MentorshipMember.objects.filter(
            mentorship=ended, membership=by, role=MemberRole.MENTEE
        ).exists()
    ):
        raise LifecycleNotAllowed("Only a mentee of this mentorship can choose a new mentor.")
    program = mentee.program
    if mentee.program_id != ended.program_id or mentor.program_id != ended.program_id:
        raise RematchInvalid("That mentor is not in this program.", field="mentor")
    if mentor.membership_id in previous_mentor_ids(mentee=mentee):
        raise RematchInvalid("Choose someone new — the re-match never pairs you again.", field="mentor")
    message = message.strip()
    if not message:
        raise RematchInvalid(
            "Say why you'd like this mentor — a short message helps them say yes.", field="message"
        )
    if mentee_is_matched(mentee=mentee):
        raise AlreadyMatched("You already have a mentor in this program.", field="mentee")
    fit = rematch_candidate(mentee=mentee, mentor=mentor)
    if fit is None:
        raise RematchInvalid(
            "This mentor cannot be proposed: no place left, or the program's rules forbid the pair.",
            field="mentor",
        )
    if program.matching_mode in SELF_SERVICE_MODES:
        request = mentorship_request_create(mentee=mentee, mentor=mentor, message=message, by=by)
        return Rematch.objects.create(
            ended=ended, mentee=mentee, mentor=mentor, message=message, score=fit.score, request=request
        )
    # Admin-matched program: the admins decide; record the wish where the engine reads it. The
    # mentee's row is locked first, so a double submit cannot record the pick twice and two picks
    # at once cannot overwrite each other's preferred mentor.
    locked = Enrolment.objects.select_for_update().get(pk=mentee.pk)
    if Rematch.objects.filter(ended=ended, mentee=mentee, mentor=mentor).exists():
        raise RematchInvalid("You already asked the admins for this mentor.", field="mentor")
    preferred = list(locked.preferred_mentor_ids or [])
    if mentor.membership_id not in preferred:
        Enrolment.objects.filter(pk=mentee.pk).update(preferred_mentor_ids=[*preferred, mentor.membership_id])
    rematch = Rematch.objects.create(
        ended=ended, mentee=mentee, mentor=mentor, message=message, score=fit.score
    )
    create_url = reverse(
        "mentorships:admin_create",
        kwargs={"org_slug": program.organisation.slug, "program_id": program.pk},
    )
    for admin in program_admins(organisation_id=program.organisation_id):
        if admin.pk in {by.pk, mentor.membership_id}:
            continue
        notify(
            recipient=admin,
            kind=NotificationKind.MENTORSHIP_CHANGED,
            title=f"{_name(by)} asks to be re-matched with {_name(mentor.membership)}",
            body=f"Their earlier mentorship in {program.name} ended early. Their message: {message}",
            url=f"{create_url}?mentor={mentor.pk}&mentee={mentee.pk}",
        )
    return rematch


# --- admin-created mentorships ------------------------------------------------------------------


def _lock_enrolments(ids: list[int]) -> dict[int, Enrolment]:
    """Lock enrolment rows in primary-key order — the order every writer in this app uses."""
    rows = (
        Enrolment.objects.select_related("program__organisation", "membership__user")
        .filter(pk__in=sorted(set(ids)))
        .order_by("pk")
        .select_for_update(of=("self",))
    )
    return {row.pk: row for row in rows}


@transaction.atomic
def mentorship_create_by_admin(
    *, program: Program, mentor: Enrolment, mentees: list[Enrolment], by: Membership
) -> Mentorship:
    """A program admin pairs an enrolled mentor with one mentee (several in group programs).

    The mentor's capacity and the mentees' being unmatched are checked under the enrolment locks,
    exactly as accepting a request does; a pair an admin blocked is refused. The pair's fit is
    scored and kept when the program's rules allow it (the admin may override soft and hard
    criteria, never a block). Programs asking for consent start it PROPOSED.
    """
    if not (by.is_program_admin and by.is_active and by.organisation_id == program.organisation_id):
        raise LifecycleNotAllowed("Only program admins can create mentorships.")
    if program.kind == ProgramKind.PEER:
        raise LifecycleInvalid("Peer programs are paired by match rounds.", field="program")
    if program.status not in REQUESTABLE_PROGRAM_STATUSES:
        raise LifecycleInvalid(
            f"This program is {program.get_status_display().lower()}; mentorships start once it is open.",
            field="program",
        )
    if mentor.program_id != program.pk or mentor.role != EnrolmentRole.MENTOR:
        raise LifecycleInvalid("Choose a mentor of this program.", field="mentor")
    if not mentees:
        raise LifecycleInvalid("Choose the mentee.", field="mentees")
    if len({m.pk for m in mentees}) != len(mentees):
        raise LifecycleInvalid("A mentee is chosen twice.", field="mentees")
    limit = program.group_max_size if program.kind == ProgramKind.GROUP else 1
    if len(mentees) > limit:
        raise LifecycleInvalid(
            f"This program pairs a mentor with at most {limit} mentee{'s' if limit > 1 else ''}.",
            field="mentees",
        )
    for m in mentees:
        if m.program_id != program.pk or m.role != EnrolmentRole.MENTEE:
            raise LifecycleInvalid("Choose mentees of this program.", field="mentees")
        if m.membership_id == mentor.membership_id:
            raise LifecycleInvalid("Nobody can mentor themselves.", field="mentees")
    locked = _lock_enrolments([mentor.pk, *(m.pk for m in mentees)])
    mentor, mentees = locked[mentor.pk], [locked[m.pk] for m in mentees]
    if mentor.status != EnrolmentStatus.ACTIVE:
        raise LifecycleInvalid("This mentor's enrolment is not active.", field="mentor")
    for m in mentees:
        if m.status != EnrolmentStatus.ACTIVE:
            raise LifecycleInvalid(f"{_name(m.membership)}'s enrolment is not active.", field="mentees")
        if mentee_is_matched(mentee=m):
            raise AlreadyMatched(
                f"{_name(m.membership)} already has a mentor in this program.", field="mentees"
            )
    if BlockedPair.objects.filter(
        program=program,
        mentor_id=mentor.membership_id,
        mentee_id__in=[m.membership_id for m in mentees],
    ).exists():
        raise LifecycleInvalid("An admin blocked this pair in this program.", field="mentor")
    if mentees_held(mentor=mentor) + len(mentees) > mentor.capacity:
        raise MentorAtCapacity(
            f"{_name(mentor.membership)} has no place left for this in the program "
            f"(capacity {mentor.capacity}).",
            field="mentor",
        )
    fit = pair_candidate(mentee=mentees[0], mentor=mentor) if len(mentees) == 1 else None
    mentorship = mentorship_start(
        mentor=mentor,
        mentees=mentees,
        origin=MentorshipOrigin.ADMIN,
        needs_consent=program.requires_match_consent,
        score=fit.score if fit else None,
        explanation=fit.breakdown if fit else None,
    )
    mentorship = Mentorship.objects.select_related("organisation", "program").get(pk=mentorship.pk)
    MentorshipEvent.objects.create(
        mentorship=mentorship,
        kind=EventKind.CREATED,
        from_status="",
        to_status=mentorship.status,
        by=by,
        by_admin=True,
    )
    # mentorship_start tells everyone in it that they are matched (NotificationKind.MATCHED).
    return mentorship
