"""Writes for match rounds: start, review (lock, remove, swap, block), re-run, publish, discard.

The engine run itself lives in `tandem.matching.run` (it is the background task's body).
"""

from __future__ import annotations

from collections import Counter

from django.db import transaction
from django.utils import timezone

from tandem.matching.errors import RoundConflict, RoundInvalid, RoundNotAllowed
from tandem.matching.models import BlockedPair, MatchRound, Objective, Proposal, RoundStatus, Solver
from tandem.mentorships.capacity import mentees_held_by
from tandem.mentorships.models import MentorshipOrigin
from tandem.mentorships.services import mentee_is_matched, mentorship_start
from tandem.organisations.models import Membership
from tandem.programs.models import (
    Enrolment,
    EnrolmentRole,
    EnrolmentStatus,
    Program,
    ProgramKind,
    ProgramStatus,
)

ROUND_PROGRAM_STATUSES = {ProgramStatus.MATCHING, ProgramStatus.IN_PROGRESS}
SOLVERS_FOR_KIND = {
    ProgramKind.ONE_TO_ONE: {Solver.OPTIMAL, Solver.STABLE},
    ProgramKind.REVERSE: {Solver.OPTIMAL, Solver.STABLE},
    ProgramKind.PEER: {Solver.PEERS},
    ProgramKind.GROUP: {Solver.GROUPS},
}
DEFAULT_SOLVER = {
    ProgramKind.ONE_TO_ONE: Solver.OPTIMAL,
    ProgramKind.REVERSE: Solver.OPTIMAL,
    ProgramKind.PEER: Solver.PEERS,
    ProgramKind.GROUP: Solver.GROUPS,
}
OPEN_ROUND_STATUSES = {RoundStatus.QUEUED, RoundStatus.RUNNING, RoundStatus.DRAFT}


def _require_program_admin(by: Membership, program: Program) -> None:
    if by.organisation_id != program.organisation_id or not by.is_active or not by.is_program_admin:
        raise RoundNotAllowed("Only program admins can run match rounds.")


def _editable(match_round: MatchRound) -> MatchRound:
    locked = MatchRound.objects.select_for_update().select_related("program").get(pk=match_round.pk)
    if locked.status != RoundStatus.DRAFT:
        raise RoundConflict(
            f"This round is {locked.get_status_display().lower()}; only drafts can be edited."
        )
    return locked


@transaction.atomic
def match_round_create(
    *, program: Program, by: Membership, solver: str = "", objective: str = Objective.PARTICIPATION
) -> MatchRound:
    """Queue a round over the program's unmatched pool. The caller enqueues the run on commit."""
    _require_program_admin(by, program)
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.status not in ROUND_PROGRAM_STATUSES:
        raise RoundInvalid(
            f"Rounds run while a program is matching or in progress; this one is "
            f"{program.get_status_display().lower()}.",
            field="program",
        )
    solver = solver or DEFAULT_SOLVER[ProgramKind(program.kind)]
    if solver not in SOLVERS_FOR_KIND[ProgramKind(program.kind)]:
        allowed = ", ".join(sorted(SOLVERS_FOR_KIND[ProgramKind(program.kind)]))
        raise RoundInvalid(f"A {program.get_kind_display().lower()} program uses: {allowed}.", field="solver")
    if objective not in Objective.values:
        raise RoundInvalid("Choose “participation” or “score”.", field="objective")
    if MatchRound.objects.filter(
        program=program, status__in=[RoundStatus.QUEUED, RoundStatus.RUNNING]
    ).exists():
        raise RoundConflict("A round is already running for this program.")
    return MatchRound.objects.create(program=program, solver=solver, objective=objective, created_by=by.user)


@transaction.atomic
def match_round_rerun(*, match_round: MatchRound, by: Membership) -> MatchRound:
    """Discard a draft and queue a new round with the same settings; its locked pairs are kept."""
    _require_program_admin(by, match_round.program)
    old = _editable(match_round)
    locks = [[p.mentee_id, p.mentor_id] for p in old.proposals.filter(locked=True)]
    old.status = RoundStatus.DISCARDED
    old.save(update_fields=["status"])
    new = match_round_create(program=old.program, by=by, solver=old.solver, objective=old.objective)
    new.parameters = {"locked_enrolment_pairs": locks}
    new.save(update_fields=["parameters"])
    return new


@transaction.atomic
def match_round_discard(*, match_round: MatchRound, by: Membership) -> MatchRound:
    _require_program_admin(by, match_round.program)
    locked = _editable(match_round)
    locked.status = RoundStatus.DISCARDED
    locked.save(update_fields=["status"])
    return locked


@transaction.atomic
def proposal_set_locked(*, proposal: Proposal, by: Membership, locked: bool) -> Proposal:
    _require_program_admin(by, proposal.match_round.program)
    _editable(proposal.match_round)
    proposal.locked = locked
    proposal.save(update_fields=["locked"])
    return proposal


@transaction.atomic
def proposal_remove(*, proposal: Proposal, by: Membership) -> None:
    _require_program_admin(by, proposal.match_round.program)
    match_round = _editable(proposal.match_round)
    if proposal.locked:
        raise RoundInvalid("Unlock the pair before removing it.", field="proposal")
    _note_unmatched(match_round, proposal.mentee, "Removed from the draft by an admin.")
    proposal.delete()


def _note_unmatched(match_round: MatchRound, enrolment: Enrolment, reason: str) -> None:
    entries = [e for e in match_round.unmatched if e.get("enrolment_id") != enrolment.pk]
    entries.append(
        {
            "enrolment_id": enrolment.pk,
            "membership_id": enrolment.membership_id,
            "name": enrolment.membership.user.full_name,
            "role": enrolment.role,
            "reason": reason,
        }
    )
    match_round.unmatched = entries
    match_round.save(update_fields=["unmatched"])


def _mentor_load(match_round: MatchRound) -> Counter[int]:
    return Counter(match_round.proposals.values_list("mentor_id", flat=True))


@transaction.atomic
def proposal_swap_mentor(
    *,
    proposal: Proposal,
    mentor: Enrolment,
    by: Membership,
    score: float,
    breakdown: list[dict[str, object]],
    reasons: list[str],
) -> Proposal:
    """Give the proposal's mentee another mentor (already scored by the caller's candidate list)."""
    _require_program_admin(by, proposal.match_round.program)
    match_round = _editable(proposal.match_round)
    if proposal.locked:
        raise RoundInvalid("Unlock the pair before changing it.", field="proposal")
    if mentor.program_id != match_round.program_id or mentor.role != EnrolmentRole.MENTOR:
        raise RoundInvalid("Pick a mentor enrolled in this program.", field="mentor")
    if mentor.status != EnrolmentStatus.ACTIVE:
        raise RoundInvalid("That mentor is not active in this program.", field="mentor")
    if BlockedPair.objects.filter(
        program=match_round.program, mentee_id=proposal.mentee.membership_id, mentor_id=mentor.membership_id
    ).exists():
        raise RoundInvalid("This pair is blocked.", field="mentor")
    in_round = _mentor_load(match_round)[mentor.pk] - (1 if proposal.mentor_id == mentor.pk else 0)
    held = mentees_held_by(program_id=match_round.program_id, mentor_membership_ids=[mentor.membership_id])
    if in_round + held.get(mentor.membership_id, 0) >= mentor.capacity:
        raise RoundInvalid("That mentor has no place left in this round.", field="mentor")
    proposal.mentor = mentor
    proposal.score = score
    proposal.breakdown = breakdown
    proposal.reasons = reasons
    proposal.edited = True
    proposal.save(update_fields=["mentor", "score", "breakdown", "reasons", "edited"])
    return proposal


@transaction.atomic
def pair_block(*, program: Program, mentee: Membership, mentor: Membership, by: Membership) -> BlockedPair:
    """Never propose this pair again in the program; drops it from any open draft."""
    _require_program_admin(by, program)
    if mentee.organisation_id != program.organisation_id or mentor.organisation_id != program.organisation_id:
        raise RoundInvalid("Both people must belong to this organisation.", field="mentor")
    blocked, _ = BlockedPair.objects.get_or_create(
        program=program, mentee=mentee, mentor=mentor, defaults={"by": by.user}
    )
    for proposal in Proposal.objects.select_related("match_round", "mentee__membership__user").filter(
        match_round__program=program,
        match_round__status=RoundStatus.DRAFT,
        mentee__membership=mentee,
        mentor__membership=mentor,
    ):
        _note_unmatched(proposal.match_round, proposal.mentee, "Their proposed pair was blocked by an admin.")
        proposal.delete()
    return blocked


@transaction.atomic
def match_round_publish(*, match_round: MatchRound, by: Membership) -> int:
    """Turn every proposal into a mentorship, all or nothing. Returns how many were created.

    Capacity is re-checked under lock against mentorships that appeared since the run (a
    self-service request accepted meanwhile), so publishing can never overfill a mentor.
    Everyone matched is told by `mentorship_start` (a MATCHED notification, emailed per their
    preferences once this transaction commits).
    """
    program = match_round.program
    _require_program_admin(by, program)
    locked_round = _editable(match_round)
    proposals = list(
        locked_round.proposals.select_related(
            "mentee__membership__user", "mentor__membership__user"
        ).order_by("group_index", "pk")
    )
    if not proposals:
        raise RoundInvalid("There is nothing to publish in this round.")
    enrolment_ids = sorted({p.mentee_id for p in proposals} | {p.mentor_id for p in proposals})
    list(Enrolment.objects.filter(pk__in=enrolment_ids).order_by("pk").select_for_update(of=("self",)))
    peer = program.kind == ProgramKind.PEER
    if not peer:
        held = mentees_held_by(
            program_id=program.pk, mentor_membership_ids={p.mentor.membership_id for p in proposals}
        )
        load = Counter(p.mentor_id for p in proposals)
        mentors = {p.mentor_id: p.mentor for p in proposals}
        for mentor_id, count in load.items():
            mentor = mentors[mentor_id]
            if held.get(mentor.membership_id, 0) + count > mentor.capacity:
                raise RoundConflict(
                    f"{mentor.membership.user.full_name} no longer has room for {count} more mentees. "
                    "Swap or remove some of their pairs, then publish again."
                )
    for p in proposals:
        for side in (p.mentee, p.mentor) if peer else (p.mentee,):
            if mentee_is_matched(mentee=side):
                raise RoundConflict(
                    f"{side.membership.user.full_name} was matched since this round ran. "
                    "Remove their pair first."
                )
    needs_consent = program.requires_match_consent
    created = 0
    if program.kind == ProgramKind.GROUP:
        groups: dict[int, list[Proposal]] = {}
        for p in proposals:
            groups.setdefault(p.group_index if p.group_index is not None else -p.pk, []).append(p)
        for members in groups.values():
            mentorship_start(
                mentor=members[0].mentor,
                mentees=[m.mentee for m in members],
                origin=MentorshipOrigin.ROUND,
                needs_consent=needs_consent,
                score=sum(m.score for m in members) / len(members),
                explanation=members[0].breakdown,
                match_round_id=locked_round.pk,
            )
            created += 1
    else:
        for p in proposals:
            mentorship_start(
                mentor=None if peer else p.mentor,
                mentees=[p.mentee, p.mentor] if peer else [p.mentee],
                origin=MentorshipOrigin.ROUND,
                needs_consent=needs_consent,
                score=p.score,
                explanation=p.breakdown,
                match_round_id=locked_round.pk,
            )
            created += 1
    locked_round.status = RoundStatus.PUBLISHED
    locked_round.published_by = by.user
    locked_round.published_at = timezone.now()
    locked_round.save(update_fields=["status", "published_by", "published_at"])
    return created
