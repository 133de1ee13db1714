"""Reads for a mentorship's lifecycle: its event history, concerns and the guided re-match.

Every query is scoped by organisation and by what the viewer may see:

- an event's private note is seen by its author and the program admins only;
- a concern is seen by its author and the program admins only — never by the other side, and not
  by a program admin who is themself in that mentorship (they *are* the other side);
- re-match candidates are for the mentees of a mentorship that ended early.
"""

from __future__ import annotations

from dataclasses import dataclass

import matchmaker
import numpy as np
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When

from tandem.matching.pool import build_pool
from tandem.matching.run import explanation_rows
from tandem.matching.selectors import Candidate, Recommendation
from tandem.mentorships.capacity import mentees_held_by
from tandem.mentorships.errors import ConcernNotFound
from tandem.mentorships.models import (
    OCCUPYING_STATUSES,
    Concern,
    ConcernStatus,
    MemberRole,
    Mentorship,
    MentorshipEvent,
    MentorshipMember,
    MentorshipRequest,
    MentorshipStatus,
    Rematch,
    RequestStatus,
)
from tandem.mentorships.selectors import mentor_response_hours
from tandem.organisations.models import Membership, Organisation
from tandem.programs.models import Enrolment, EnrolmentRole, EnrolmentStatus, Program, ProgramKind

REMATCH_CANDIDATES = 5

# --- events -------------------------------------------------------------------------------------


def mentorship_events(*, mentorship: Mentorship, viewer: Membership) -> list[MentorshipEvent]:
    """The mentorship's lifecycle history, oldest first (one query).

    The caller has opened the mentorship for the viewer (participant or overseeing admin). Each
    event's `note_visible` says whether the viewer may read its private note.
    """
    events = list(
        MentorshipEvent.objects.filter(mentorship=mentorship).select_related("by__user").order_by("at", "pk")
    )
    for event in events:
        event.note_visible = bool(event.private_note) and (  # type: ignore[attr-defined]
            event.by_id == viewer.pk or _oversees(viewer, mentorship)
        )
    return events


def _oversees(viewer: Membership, mentorship: Mentorship) -> bool:
    """A program admin of the mentorship's organisation who is not in it."""
    return (
        viewer.is_program_admin
        and viewer.is_active
        and viewer.organisation_id == mentorship.organisation_id
        and not any(m.membership_id == viewer.pk for m in mentorship.members.all())
    )


# --- concerns -----------------------------------------------------------------------------------

_OPEN_FIRST = Case(
    When(status=ConcernStatus.OPEN, then=Value(0)),
    When(status=ConcernStatus.ACKNOWLEDGED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def concern_list(
    *,
    organisation: Organisation,
    viewer: Membership,
    status: str | None = None,
    mentorship_id: int | None = None,
) -> QuerySet[Concern]:
    """Concerns the viewer may read, open first, then newest first (three queries, any size).

    Program admins see the organisation's concerns except those about mentorships they are in
    (unless they raised them); everyone else sees the concerns they raised.
    """
    members = MentorshipMember.objects.select_related("membership__user").order_by("role", "pk")
    qs = Concern.objects.filter(organisation=organisation)
    if viewer.is_program_admin:
        qs = qs.filter(Q(raised_by=viewer) | ~Q(mentorship__members__membership=viewer))
    else:
        qs = qs.filter(raised_by=viewer)
    if status:
        qs = qs.filter(status=status)
    if mentorship_id:
        qs = qs.filter(mentorship_id=mentorship_id)
    return (
        qs.select_related(
            "mentorship__program",
            "raised_by__user",
            "acknowledged_by__user",
            "resolved_by__user",
        )
        .prefetch_related(Prefetch("mentorship__members", queryset=members))
        .annotate(open_first=_OPEN_FIRST)
        .order_by("open_first", "-created_at", "-pk")
    )


def concern_get(*, organisation: Organisation, concern_id: int, viewer: Membership) -> Concern:
    """A concern the viewer may read; to anyone else it does not exist."""
    concern = concern_list(organisation=organisation, viewer=viewer).filter(pk=concern_id).first()
    if concern is None:
        raise ConcernNotFound("No such concern.")
    return concern


def concern_counts(*, organisation: Organisation, viewer: Membership) -> dict[str, int]:
    """How many concerns the viewer may read, per status (one query)."""
    counts = dict.fromkeys(ConcernStatus.values, 0)
    qs = concern_list(organisation=organisation, viewer=viewer).order_by()
    for status in qs.values_list("status", flat=True):
        counts[status] += 1
    return counts


# --- guided re-match ----------------------------------------------------------------------------


def rematch_mentee(*, mentorship: Mentorship, viewer: Membership) -> Enrolment | None:
    """The viewer's mentee enrolment, when they may re-match after this mentorship: it ended
    early, they were a mentee in it, and they are still an active mentee of the program."""
    if mentorship.status != MentorshipStatus.ENDED_EARLY:
        return None
    member = next((m for m in mentorship.members.all() if m.membership_id == viewer.pk), None)
    if member is None or member.role != MemberRole.MENTEE:
        return None
    enrolment = (
        Enrolment.objects.select_related("program__organisation", "membership__user")
        .filter(
            program_id=mentorship.program_id,
            membership=viewer,
            role=EnrolmentRole.MENTEE,
            status=EnrolmentStatus.ACTIVE,
        )
        .first()
    )
    if enrolment is None or enrolment.program.kind == ProgramKind.PEER:
        return None
    return enrolment


def previous_mentor_ids(*, mentee: Enrolment) -> set[int]:
    """Membership ids of everyone who has mentored this person in the organisation, in any
    mentorship and state — never proposed again by the re-match (one query)."""
    return set(
        MentorshipMember.objects.filter(
            role=MemberRole.MENTOR,
            mentorship__organisation_id=mentee.program.organisation_id,
            mentorship__members__membership_id=mentee.membership_id,
            mentorship__members__role=MemberRole.MENTEE,
        ).values_list("membership_id", flat=True)
    )


@dataclass(frozen=True)
class _Scored:
    pool_mentors: list[Enrolment]
    scorer: matchmaker.Scorer
    labels: matchmaker.Labels
    row: int | None
    scores: np.ndarray
    capacity: list[int]
    excluded: list[int]


def _score(mentee: Enrolment) -> _Scored:
    """The mentee scored against every mentor of the program's pool, as match rounds score them
    (the pool already leaves out full mentors, blocked and previous pairs; we exclude previous
    mentors again explicitly, so this never depends on the pool's rules alone)."""
    pool = build_pool(program=mentee.program)
    row = next((i for i, e in enumerate(pool.mentees) if e.pk == mentee.pk), None)
    scorer = pool.scorer()
    n = len(pool.mentors)
    scores = scorer.score(np.full(n, row), np.arange(n)) if row is not None and n else np.zeros(0)
    previous = previous_mentor_ids(mentee=mentee)
    excluded = [j for j, m in enumerate(pool.mentors) if m.membership_id in previous]
    return _Scored(pool.mentors, scorer, pool.labels, row, scores, list(pool.capacity), excluded)


def rematch_candidates(*, mentee: Enrolment, limit: int = REMATCH_CANDIDATES) -> list[Recommendation]:
    """New mentors for a mentee whose mentorship ended early, best fit first, explained.

    Ranked by the engine's one-person re-match (`matchmaker.rematch`): only mentors the program's
    hard rules allow, with a place left, never a previous mentor or a blocked pair. Empty when
    the mentee is matched again already.
    """
    scored = _score(mentee)
    if scored.row is None or not scored.pool_mentors:
        return []
    found = matchmaker.rematch(scored.scores, scored.capacity, exclude=scored.excluded, k=limit)
    candidates = []
    for j in found.mentors.tolist():
        score, rows, reasons = explanation_rows(scored.scorer, scored.labels, scored.row, j)
        candidates.append(Candidate(scored.pool_mentors[j], score, rows, reasons, scored.capacity[j]))
    hours = mentor_response_hours(
        organisation=mentee.program.organisation,
        membership_ids=[c.mentor.membership_id for c in candidates],
    )
    requested = set(
        MentorshipRequest.objects.filter(mentee=mentee, status=RequestStatus.PENDING).values_list(
            "mentor_id", flat=True
        )
    )
    return [
        Recommendation(c, hours.get(c.mentor.membership_id), c.mentor.pk in requested) for c in candidates
    ]


def rematch_candidate(*, mentee: Enrolment, mentor: Enrolment) -> Candidate | None:
    """One mentor scored for the re-match; None unless the re-match would propose them (allowed
    by the program's rules, a place left, not a previous mentor, not blocked)."""
    scored = _score(mentee)
    j = next((j for j, m in enumerate(scored.pool_mentors) if m.pk == mentor.pk), None)
    if (
        scored.row is None
        or j is None
        or j in scored.excluded
        or scored.capacity[j] <= 0
        or not np.isfinite(scored.scores[j])
    ):
        return None
    score, rows, reasons = explanation_rows(scored.scorer, scored.labels, scored.row, j)
    return Candidate(scored.pool_mentors[j], score, rows, reasons, scored.capacity[j])


def rematches_of(*, mentorship: Mentorship, viewer: Membership) -> list[Rematch]:
    """The viewer's own picks after this mentorship ended (one query); nobody else's."""
    return list(
        Rematch.objects.filter(ended=mentorship, mentee__membership=viewer)
        .select_related("mentor__membership__user", "request")
        .order_by("-created_at", "-pk")
    )


def rematch_origin(*, mentorship: Mentorship, viewer: Membership) -> Rematch | None:
    """The re-match this mentorship came from, when the viewer is its mentee (one query).

    The mentor is told only that it came from a re-match elsewhere in the page's wording; the
    ended mentorship itself is the mentee's business.
    """
    return (
        Rematch.objects.filter(request__mentorship=mentorship, mentee__membership=viewer)
        .select_related("ended")
        .first()
    )


def came_from_rematch(*, mentorship: Mentorship) -> bool:
    return Rematch.objects.filter(request__mentorship=mentorship).exists()


# --- admin-created mentorships ------------------------------------------------------------------


@dataclass(frozen=True)
class PairingOptions:
    mentors: list[tuple[Enrolment, int]]  # (active mentor, places left), only those with a place
    mentees: list[Enrolment]  # active mentees without a live mentorship in the program


def pairing_options(*, program: Program) -> PairingOptions:
    """Who a program admin may pair by hand in this program (four queries, any size)."""
    enrolments = list(
        Enrolment.objects.filter(
            program=program,
            status=EnrolmentStatus.ACTIVE,
            membership__is_active=True,
            role__in=[EnrolmentRole.MENTOR, EnrolmentRole.MENTEE],
        )
        .select_related("membership__user")
        .order_by("membership__user__full_name", "pk")
    )
    mentors = [e for e in enrolments if e.role == EnrolmentRole.MENTOR]
    held = mentees_held_by(program_id=program.pk, mentor_membership_ids=[m.membership_id for m in mentors])
    matched = set(
        MentorshipMember.objects.filter(
            mentorship__program=program,
            mentorship__status__in=OCCUPYING_STATUSES,
            role=MemberRole.MENTEE,
        ).values_list("membership_id", flat=True)
    )
    return PairingOptions(
        mentors=[
            (m, m.capacity - held.get(m.membership_id, 0))
            for m in mentors
            if m.capacity - held.get(m.membership_id, 0) > 0
        ],
        mentees=[e for e in enrolments if e.role == EnrolmentRole.MENTEE and e.membership_id not in matched],
    )


def mentee_current_mentorship(*, mentee: Enrolment) -> Mentorship | None:
    """The mentee's live (proposed, active or paused) mentorship in the program, if they have
    been matched again — then a re-match is done and no longer offered."""
    return (
        Mentorship.objects.filter(
            program_id=mentee.program_id,
            status__in=OCCUPYING_STATUSES,
            members__membership_id=mentee.membership_id,
            members__role=MemberRole.MENTEE,
        )
        .order_by("-created_at", "-pk")
        .first()
    )
