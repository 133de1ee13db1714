"""Reads for mentorship requests and mentorships. Every query is scoped by organisation."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from typing import Literal

from django.db.models import Count, Prefetch, Q, QuerySet

from tandem.mentorships.errors import MentorshipNotFound, RequestNotFound
from tandem.mentorships.models import (
    OCCUPYING_STATUSES,
    MemberRole,
    Mentorship,
    MentorshipMember,
    MentorshipRequest,
    RequestStatus,
)
from tandem.organisations.models import Membership, Organisation

# Answers that count as a response; expired and invalidated requests were never answered.
RESPONDED = (RequestStatus.ACCEPTED, RequestStatus.DECLINED)


def _requests(organisation: Organisation) -> QuerySet[MentorshipRequest]:
    return MentorshipRequest.objects.filter(program__organisation=organisation).select_related(
        "program", "mentee__membership__user", "mentor__membership__user"
    )


def mentorship_request_list(
    *,
    organisation: Organisation,
    membership: Membership,
    box: Literal["sent", "received"],
    status: str | None = None,
    program_id: int | None = None,
) -> QuerySet[MentorshipRequest]:
    """The requests a member sent (as mentee) or received (as mentor), newest first."""
    qs = _requests(organisation)
    qs = (
        qs.filter(mentee__membership=membership)
        if box == "sent"
        else qs.filter(mentor__membership=membership)
    )
    if status:
        qs = qs.filter(status=status)
    if program_id:
        qs = qs.filter(program_id=program_id)
    return qs.order_by("-created_at", "-pk")


def mentorship_request_get(
    *, organisation: Organisation, request_id: int, viewer: Membership
) -> MentorshipRequest:
    """A request the viewer sent or received; anyone else is told it does not exist."""
    request = (
        _requests(organisation)
        .filter(Q(mentee__membership=viewer) | Q(mentor__membership=viewer), pk=request_id)
        .first()
    )
    if request is None:
        raise RequestNotFound("No such request.")
    return request


def mentor_response_hours(*, organisation: Organisation, membership_ids: Iterable[int]) -> dict[int, float]:
    """Median hours each mentor took to accept or decline a request (one query).

    Mentors who never answered one are left out: "no data yet" is not "slow".
    """
    delays: dict[int, list[float]] = defaultdict(list)
    for membership_id, created_at, responded_at in MentorshipRequest.objects.filter(
        program__organisation=organisation,
        mentor__membership_id__in=list(membership_ids),
        status__in=RESPONDED,
        responded_at__isnull=False,
    ).values_list("mentor__membership_id", "created_at", "responded_at"):
        if responded_at is not None:  # guaranteed by the filter; narrows the type
            delays[membership_id].append((responded_at - created_at).total_seconds() / 3600)
    return {membership_id: round(statistics.median(hours), 1) for membership_id, hours in delays.items()}


def mentorship_list(*, organisation: Organisation, membership: Membership) -> QuerySet[Mentorship]:
    """The mentorships a member takes part in, with every member (three queries, any size)."""
    members = MentorshipMember.objects.select_related("membership__user", "membership__profile").order_by(
        "role", "pk"
    )
    return (
        Mentorship.objects.filter(organisation=organisation, members__membership=membership)
        .select_related("program")
        .prefetch_related(Prefetch("members", queryset=members))
        .order_by("-created_at", "-pk")
    )


def mentorship_get(*, organisation: Organisation, mentorship_id: int, viewer: Membership) -> Mentorship:
    """A mentorship the viewer takes part in, with every member; to anyone else it does not exist."""
    mentorship = (
        mentorship_list(organisation=organisation, membership=viewer).filter(pk=mentorship_id).first()
    )
    if mentorship is None:
        raise MentorshipNotFound("No such mentorship.")
    return mentorship


def mentees_held_per_program(*, organisation: Organisation, membership: Membership) -> dict[int, int]:
    """Mentees a mentor holds in live mentorships, per program id (two queries, any size)."""
    mentorship_program: dict[int, int] = dict(
        MentorshipMember.objects.filter(
            membership=membership,
            role=MemberRole.MENTOR,
            mentorship__organisation=organisation,
            mentorship__status__in=OCCUPYING_STATUSES,
        ).values_list("mentorship_id", "mentorship__program_id")
    )
    held: dict[int, int] = defaultdict(int)
    for mentorship_id in MentorshipMember.objects.filter(
        role=MemberRole.MENTEE, mentorship_id__in=list(mentorship_program)
    ).values_list("mentorship_id", flat=True):
        held[mentorship_program[mentorship_id]] += 1
    return dict(held)


def mentorship_get_for_oversight(
    *, organisation: Organisation, mentorship_id: int, viewer: Membership
) -> Mentorship:
    """A mentorship the viewer takes part in, or any of the organisation's if the viewer is a
    program admin (who oversees health, check-ins and concerns). Anyone else: not found.

    What the viewer may then see inside it (private notes, unshared feedback) is for each
    app's own selectors to decide; this only answers "may they open it at all".
    """
    if not viewer.is_program_admin:
        return mentorship_get(organisation=organisation, mentorship_id=mentorship_id, viewer=viewer)
    members = MentorshipMember.objects.select_related("membership__user", "membership__profile").order_by(
        "role", "pk"
    )
    mentorship = (
        Mentorship.objects.filter(organisation=organisation, pk=mentorship_id)
        .select_related("program")
        .prefetch_related(Prefetch("members", queryset=members))
        .first()
    )
    if mentorship is None:
        raise MentorshipNotFound("No such mentorship.")
    return mentorship


def member_of(mentorship: Mentorship, viewer: Membership) -> MentorshipMember | None:
    """The viewer's place in the mentorship (uses the prefetched members), or None if they are
    not in it (e.g. an admin overseeing it)."""
    return next((m for m in mentorship.members.all() if m.membership_id == viewer.pk), None)


def program_mentorship_list(
    *, organisation: Organisation, program_id: int, status: str | None = None
) -> QuerySet[Mentorship]:
    """Every mentorship of a program, for its admins: newest first, with members and the stored
    health assessment (three queries, any size). Callers check the viewer is a program admin."""
    members = MentorshipMember.objects.select_related("membership__user").order_by("role", "pk")
    qs = (
        Mentorship.objects.filter(organisation=organisation, program_id=program_id)
        .select_related("health_assessment")
        .prefetch_related(Prefetch("members", queryset=members))
        .order_by("-created_at", "-pk")
    )
    return qs.filter(status=status) if status else qs


def program_mentorship_counts(*, organisation: Organisation, program_id: int) -> dict[str, int]:
    """How many of a program's mentorships are in each state (one query)."""
    rows = (
        Mentorship.objects.filter(organisation=organisation, program_id=program_id)
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return dict(rows)
