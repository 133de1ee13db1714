"""Reads for programs and enrolments. Every query is scoped by organisation."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from tandem.mentorships.capacity import mentees_held_by
from tandem.organisations.models import Membership, Organisation
from tandem.programs.errors import ProgramNotFound
from tandem.programs.models import (
    Enrolment,
    EnrolmentRole,
    EnrolmentStatus,
    Program,
    ProgramStatus,
    ProgramTransition,
)

MEMBER_VISIBLE_STATUSES = [ProgramStatus.OPEN, ProgramStatus.MATCHING, ProgramStatus.IN_PROGRESS]


def program_list(*, organisation: Organisation, viewer: Membership) -> QuerySet[Program]:
    """Programs the viewer may see: admins see all; members see running programs and the
    ones they are enrolled in."""
    qs = Program.objects.filter(organisation=organisation)
    if not viewer.is_program_admin:
        # A subquery, not a join on `enrolments`: the join would also filter the rows the
        # counts below aggregate (a member would see 0 mentors in a finished program).
        own = Enrolment.objects.filter(membership=viewer).values("program_id")
        qs = qs.filter(Q(status__in=MEMBER_VISIBLE_STATUSES) | Q(pk__in=own))
    return qs.annotate(
        mentor_count=Count(
            "enrolments",
            filter=Q(enrolments__role=EnrolmentRole.MENTOR, enrolments__status=EnrolmentStatus.ACTIVE),
        ),
        mentee_count=Count(
            "enrolments",
            filter=Q(enrolments__role__in=[EnrolmentRole.MENTEE, EnrolmentRole.PEER])
            & Q(enrolments__status=EnrolmentStatus.ACTIVE),
        ),
    ).order_by("status", "name")


def program_get(*, organisation: Organisation, program_id: int, viewer: Membership) -> Program:
    program = program_list(organisation=organisation, viewer=viewer).filter(pk=program_id).first()
    if program is None:
        raise ProgramNotFound("No such program.")
    return program


def enrolment_of(*, program: Program, membership: Membership) -> Enrolment | None:
    return Enrolment.objects.filter(program=program, membership=membership).first()


def enrolment_get(*, program: Program, enrolment_id: int) -> Enrolment:
    enrolment = (
        Enrolment.objects.select_related("membership__user", "program")
        .filter(program=program, pk=enrolment_id)
        .first()
    )
    if enrolment is None:
        raise ProgramNotFound("No such enrolment.")
    return enrolment


@dataclass(frozen=True)
class EnrolmentRow:
    enrolment: Enrolment
    held: int

    @property
    def remaining(self) -> int:
        return max(0, self.enrolment.capacity - self.held)


def enrolment_rows(
    *, program: Program, role: str | None = None, status: str | None = None
) -> list[EnrolmentRow]:
    """Enrolments with each mentor's places held and remaining (three queries, any size)."""
    qs = (
        Enrolment.objects.filter(program=program)
        .select_related(
            "membership__user", "membership__profile__department", "membership__profile__career_level"
        )
        .order_by("role", "membership__user__full_name")
    )
    if role:
        qs = qs.filter(role=role)
    if status:
        qs = qs.filter(status=status)
    enrolments = list(qs)
    held = mentees_held_by(
        program_id=program.pk,
        mentor_membership_ids=[e.membership_id for e in enrolments if e.role == EnrolmentRole.MENTOR],
    )
    return [
        EnrolmentRow(e, held.get(e.membership_id, 0) if e.role == EnrolmentRole.MENTOR else 0)
        for e in enrolments
    ]


def enrolments_by_program(*, organisation: Organisation, membership: Membership) -> dict[int, Enrolment]:
    """A member's own enrolments in the organisation's programs, by program id (one query)."""
    return {
        e.program_id: e
        for e in Enrolment.objects.filter(program__organisation=organisation, membership=membership)
    }


def program_history(*, program: Program) -> list[ProgramTransition]:
    """The program's lifecycle changes, oldest first, with who made each (one query)."""
    return list(ProgramTransition.objects.filter(program=program).select_related("by").order_by("at", "pk"))


def enrolment_status_counts(*, program: Program) -> dict[str, int]:
    """How many enrolments the program has in each status (one query)."""
    rows = Enrolment.objects.filter(program=program).values("status").annotate(n=Count("pk")).order_by()
    return {row["status"]: row["n"] for row in rows}


def enrolled_membership_ids(*, program: Program) -> set[int]:
    """Everyone with an enrolment in the program, whatever its status (one query)."""
    return set(Enrolment.objects.filter(program=program).values_list("membership_id", flat=True))
