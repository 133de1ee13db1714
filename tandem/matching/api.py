"""API operations for match rounds (program admins): run, review, edit, publish.

A round runs in the background: creating (or re-running) one answers 202 with the queued round,
and its detail shows the progress until the draft is ready. Every operation resolves the
caller's membership from the URL's slug (404 outsiders, 403 below program admin), then the
program, round and proposal through selectors scoped to that organisation.
"""

# No `from __future__ import annotations`: ninja reads these signatures at runtime.

from functools import partial

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from tandem.api_pagination import Pagination
from tandem.matching.errors import RoundInvalid
from tandem.matching.models import BlockedPair, MatchRound, Proposal
from tandem.matching.schemas import (
    BlockedPairOut,
    CandidateOut,
    CandidateQuery,
    ProposalOut,
    PublishOut,
    RoundDetailOut,
    RoundIn,
    RoundOut,
    SwapIn,
)
from tandem.matching.selectors import (
    Candidate,
    match_round_detail,
    match_round_get,
    match_round_list,
    proposal_candidate,
    proposal_candidates,
    proposal_get,
)
from tandem.matching.services import (
    match_round_create,
    match_round_discard,
    match_round_publish,
    match_round_rerun,
    pair_block,
    proposal_remove,
    proposal_set_locked,
    proposal_swap_mentor,
)
from tandem.matching.tasks import run_match_round
from tandem.organisations.api import MAX_PAGE_SIZE, org_membership
from tandem.organisations.models import Membership, Role
from tandem.organisations.schemas import ObjectId
from tandem.programs.api import api_field_names
from tandem.programs.errors import ProgramNotFound
from tandem.programs.models import Program
from tandem.programs.selectors import enrolment_get, program_get

router = Router(tags=["match rounds"])

ROUNDS = "/orgs/{org_slug}/programs/{program_id}/rounds"
PROPOSAL = ROUNDS + "/{round_id}/proposals/{proposal_id}"


def _admin(request: HttpRequest, org_slug: str) -> Membership:
    return org_membership(request, org_slug, min_role=Role.PROGRAM_ADMIN)


def _program(caller: Membership, program_id: int) -> Program:
    return program_get(organisation=caller.organisation, program_id=program_id, viewer=caller)


def _round(caller: Membership, program_id: int, round_id: int) -> MatchRound:
    return match_round_get(program=_program(caller, program_id), round_id=round_id)


def _proposal(caller: Membership, program_id: int, round_id: int, proposal_id: int) -> Proposal:
    return proposal_get(match_round=_round(caller, program_id, round_id), proposal_id=proposal_id)


def _queued(match_round: MatchRound) -> None:
    """Run the round in the background once the transaction that created it has committed."""
    transaction.on_commit(partial(run_match_round.enqueue, match_round.pk))


def _current(caller: Membership, program_id: int, round_id: int) -> MatchRound:
    # Read back: with an immediate task backend the round may already have run.
    return match_round_list(program=_program(caller, program_id)).get(pk=round_id)


# --- rounds -------------------------------------------------------------------------------------


@router.post(
    ROUNDS,
    response={202: RoundOut},
    summary="Run a match round over the unmatched pool; it runs in the background",
)
def round_start(
    request: HttpRequest, org_slug: str, program_id: ObjectId, payload: RoundIn
) -> Status[MatchRound]:
    caller = _admin(request, org_slug)
    with transaction.atomic():
        match_round = match_round_create(
            program=_program(caller, program_id),
            by=caller,
            solver=payload.solver.value if payload.solver else "",
            objective=payload.objective,
        )
        _queued(match_round)
    return Status(202, _current(caller, program_id, match_round.pk))


@router.get(ROUNDS, response=list[RoundOut], summary="The program's rounds, newest first")
@paginate(Pagination, max_limit=MAX_PAGE_SIZE)
def round_index(request: HttpRequest, org_slug: str, program_id: ObjectId) -> QuerySet[MatchRound]:
    caller = _admin(request, org_slug)
    return match_round_list(program=_program(caller, program_id))


@router.get(
    ROUNDS + "/{round_id}",
    response=RoundDetailOut,
    summary="A round: progress, metrics, who was left out and why, every proposal explained",
)
def round_detail(request: HttpRequest, org_slug: str, program_id: ObjectId, round_id: ObjectId) -> MatchRound:
    caller = _admin(request, org_slug)
    return match_round_detail(program=_program(caller, program_id), round_id=round_id)


@router.post(
    ROUNDS + "/{round_id}/rerun",
    response={202: RoundOut},
    summary="Discard the draft and run again, keeping its locked pairs",
)
def round_rerun(
    request: HttpRequest, org_slug: str, program_id: ObjectId, round_id: ObjectId
) -> Status[MatchRound]:
    caller = _admin(request, org_slug)
    with transaction.atomic():
        new = match_round_rerun(match_round=_round(caller, program_id, round_id), by=caller)
        _queued(new)
    return Status(202, _current(caller, program_id, new.pk))


@router.post(
    ROUNDS + "/{round_id}/publish",
    response=PublishOut,
    summary="Turn every proposal into a mentorship, all or nothing",
)
def round_publish(
    request: HttpRequest, org_slug: str, program_id: ObjectId, round_id: ObjectId
) -> dict[str, object]:
    caller = _admin(request, org_slug)
    created = match_round_publish(match_round=_round(caller, program_id, round_id), by=caller)
    return {"created": created, "round": _current(caller, program_id, round_id)}


@router.post(ROUNDS + "/{round_id}/discard", response=RoundOut, summary="Throw a draft away")
def round_discard(
    request: HttpRequest, org_slug: str, program_id: ObjectId, round_id: ObjectId
) -> MatchRound:
    caller = _admin(request, org_slug)
    match_round_discard(match_round=_round(caller, program_id, round_id), by=caller)
    return _current(caller, program_id, round_id)


# --- proposals ----------------------------------------------------------------------------------


@router.post(PROPOSAL + "/lock", response=ProposalOut, summary="Lock a pair: a re-run keeps it")
def proposal_lock(
    request: HttpRequest, org_slug: str, program_id: ObjectId, round_id: ObjectId, proposal_id: ObjectId
) -> Proposal:
    caller = _admin(request, org_slug)
    proposal = _proposal(caller, program_id, round_id, proposal_id)
    return proposal_set_locked(proposal=proposal, by=caller, locked=True)


@router.post(PROPOSAL + "/unlock", response=ProposalOut, summary="Unlock a pair")
def proposal_unlock(
    request: HttpRequest, org_slug: str, program_id: ObjectId, round_id: ObjectId, proposal_id: ObjectId
) -> Proposal:
    caller = _admin(request, org_slug)
    proposal = _proposal(caller, program_id, round_id, proposal_id)
    return proposal_set_locked(proposal=proposal, by=caller, locked=False)


@router.delete(
    PROPOSAL, response={204: None}, summary="Remove a pair from the draft; the mentee is listed as unmatched"
)
def proposal_delete(
    request: HttpRequest, org_slug: str, program_id: ObjectId, round_id: ObjectId, proposal_id: ObjectId
) -> Status[None]:
    caller = _admin(request, org_slug)
    proposal_remove(proposal=_proposal(caller, program_id, round_id, proposal_id), by=caller)
    return Status(204, None)


@router.get(
    PROPOSAL + "/candidates",
    response=list[CandidateOut],
    summary="Other mentors for this pair's mentee, ranked by score, with places left",
)
def proposal_candidate_list(
    request: HttpRequest,
    *,
    org_slug: str,
    program_id: ObjectId,
    round_id: ObjectId,
    proposal_id: ObjectId,
    query: Query[CandidateQuery],
) -> list[Candidate]:
    caller = _admin(request, org_slug)
    proposal = _proposal(caller, program_id, round_id, proposal_id)
    return proposal_candidates(proposal=proposal, limit=query.limit)


@router.post(
    PROPOSAL + "/swap",
    response=ProposalOut,
    summary="Give the pair's mentee another mentor, scored and explained like the round's pairs",
)
def proposal_swap(
    request: HttpRequest,
    *,
    org_slug: str,
    program_id: ObjectId,
    round_id: ObjectId,
    proposal_id: ObjectId,
    payload: SwapIn,
) -> Proposal:
    caller = _admin(request, org_slug)
    proposal = _proposal(caller, program_id, round_id, proposal_id)
    try:
        mentor = enrolment_get(program=proposal.match_round.program, enrolment_id=payload.mentor_enrolment_id)
    except ProgramNotFound:
        raise RoundInvalid("No such mentor in this program.", field="mentor_enrolment_id") from None
    with api_field_names({"mentor": "mentor_enrolment_id"}):
        candidate = proposal_candidate(proposal=proposal, mentor=mentor)
        return proposal_swap_mentor(
            proposal=proposal,
            mentor=mentor,
            by=caller,
            score=candidate.score,
            breakdown=candidate.breakdown,
            reasons=candidate.reasons,
        )


@router.post(
    PROPOSAL + "/block",
    response={201: BlockedPairOut},
    summary="Never propose this pair again in the program; it leaves the draft",
)
def proposal_block(
    request: HttpRequest, org_slug: str, program_id: ObjectId, round_id: ObjectId, proposal_id: ObjectId
) -> Status[BlockedPair]:
    caller = _admin(request, org_slug)
    proposal = _proposal(caller, program_id, round_id, proposal_id)
    blocked = pair_block(
        program=proposal.match_round.program,
        mentee=proposal.mentee.membership,
        mentor=proposal.mentor.membership,
        by=caller,
    )
    return Status(201, blocked)
