"""Reads for match rounds and proposals, and ranked mentor candidates scored by the engine.

Candidates and recommendations are scored exactly as a round scores them: the program's pool
is built with `pool.build_pool` and each pair explained with `run.explanation_rows`, so the
score an admin sees when swapping, or a mentee sees when choosing, is the round's score.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import matchmaker
import numpy as np
from django.db.models import Count, Prefetch, QuerySet

from tandem.matching.errors import RoundConflict, RoundInvalid, RoundNotFound
from tandem.matching.models import MatchRound, Proposal, RoundStatus
from tandem.matching.pool import Pool, build_pool
from tandem.matching.run import explanation_rows
from tandem.mentorships.errors import RequestInvalid
from tandem.mentorships.models import MentorshipRequest, RequestStatus
from tandem.mentorships.selectors import mentor_response_hours
from tandem.mentorships.services import SELF_SERVICE_MODES
from tandem.programs.models import Enrolment, EnrolmentRole, EnrolmentStatus, Program, ProgramKind


def match_round_list(*, program: Program) -> QuerySet[MatchRound]:
    return (
        MatchRound.objects.filter(program=program)
        .select_related("created_by", "published_by")
        .annotate(proposal_count=Count("proposals"))
        .order_by("-created_at", "-pk")
    )


def match_round_get(*, program: Program, round_id: int) -> MatchRound:
    match_round = (
        MatchRound.objects.select_related("program__organisation", "created_by", "published_by")
        .filter(program=program, pk=round_id)
        .first()
    )
    if match_round is None:
        raise RoundNotFound("No such match round.")
    return match_round


def _proposals() -> QuerySet[Proposal]:
    return Proposal.objects.select_related("mentee__membership__user", "mentor__membership__user")


def match_round_detail(*, program: Program, round_id: int) -> MatchRound:
    """A round with every proposal and both people's names (two queries, any size)."""
    match_round = (
        MatchRound.objects.select_related("program__organisation", "created_by", "published_by")
        .prefetch_related(Prefetch("proposals", queryset=_proposals().order_by("-score", "pk")))
        .filter(program=program, pk=round_id)
        .first()
    )
    if match_round is None:
        raise RoundNotFound("No such match round.")
    return match_round


def proposal_get(*, match_round: MatchRound, proposal_id: int) -> Proposal:
    proposal = _proposals().filter(match_round=match_round, pk=proposal_id).first()
    if proposal is None:
        raise RoundNotFound("No such proposal in this round.")
    proposal.match_round = match_round  # reuse the caller's round (and its program) instead of re-reading
    return proposal


# --- candidates scored by the engine ------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A mentor scored for one mentee, with the explanation in the round's own words."""

    mentor: Enrolment
    score: float
    breakdown: list[dict[str, object]]
    reasons: list[str]
    places_left: int


@dataclass(frozen=True)
class _Scored:
    pool: Pool
    scorer: matchmaker.Scorer
    row: int | None  # the mentee's row in the pool, None when no longer in it


def _score_mentee(program: Program, mentee: Enrolment) -> _Scored:
    pool = build_pool(program=program)
    row = next((i for i, e in enumerate(pool.mentees) if e.pk == mentee.pk), None)
    return _Scored(pool, pool.scorer(), row)


def _ranked(scored: _Scored, places: list[int], limit: int) -> list[Candidate]:
    """The mentee's allowed mentors with a place left, best score first, explained."""
    if scored.row is None or not scored.pool.mentors:
        return []
    n = len(scored.pool.mentors)
    scores = scored.scorer.score(np.full(n, scored.row), np.arange(n))
    allowed = [j for j in np.flatnonzero(np.isfinite(scores)).tolist() if places[j] > 0]
    best = sorted(allowed, key=lambda j: (-scores[j], scored.pool.mentors[j].pk))[:limit]
    candidates = []
    for j in best:
        score, rows, reasons = explanation_rows(scored.scorer, scored.pool.labels, scored.row, j)
        candidates.append(Candidate(scored.pool.mentors[j], score, rows, reasons, places[j]))
    return candidates


def _draft_places(scored: _Scored, proposal: Proposal) -> list[int]:
    """Places each mentor has left once this draft's other proposals are counted."""
    load = Counter(
        Proposal.objects.filter(match_round_id=proposal.match_round_id)
        .exclude(pk=proposal.pk)
        .values_list("mentor_id", flat=True)
    )
    return [c - load[m.pk] for c, m in zip(scored.pool.capacity, scored.pool.mentors, strict=True)]


def _require_swappable(proposal: Proposal) -> Program:
    match_round = proposal.match_round
    if match_round.status != RoundStatus.DRAFT:
        raise RoundConflict(
            f"This round is {match_round.get_status_display().lower()}; only drafts can be edited."
        )
    program = match_round.program
    if program.kind == ProgramKind.PEER:
        raise RoundInvalid("Peer pairs cannot be swapped: remove the pair and re-run.", field="proposal")
    return program


def proposal_candidates(*, proposal: Proposal, limit: int = 10) -> list[Candidate]:
    """Other mentors who could take this proposal's mentee, ranked by the round's score."""
    program = _require_swappable(proposal)
    scored = _score_mentee(program, proposal.mentee)
    places = _draft_places(scored, proposal)
    current = next((j for j, m in enumerate(scored.pool.mentors) if m.pk == proposal.mentor_id), None)
    if current is not None:
        places[current] = 0  # the mentor they already have is not an alternative
    return _ranked(scored, places, limit)


def proposal_candidate(*, proposal: Proposal, mentor: Enrolment) -> Candidate:
    """Score one mentor for this proposal's mentee, refusing a pair the program's rules forbid."""
    program = _require_swappable(proposal)
    scored = _score_mentee(program, proposal.mentee)
    if scored.row is None:
        raise RoundInvalid("This mentee is no longer in the program's pool.", field="proposal")
    j = next((j for j, m in enumerate(scored.pool.mentors) if m.pk == mentor.pk), None)
    if j is None:
        raise RoundInvalid("That mentor is not available: not active, or no place left.", field="mentor")
    explanation = matchmaker.explain(scored.scorer, mentee=scored.row, mentor=j, labels=scored.pool.labels)
    if not explanation.allowed:
        raise RoundInvalid(
            "The program's rules forbid this pair: " + "; ".join(explanation.blocked) + ".", field="mentor"
        )
    score, rows, reasons = explanation_rows(scored.scorer, scored.pool.labels, scored.row, j)
    return Candidate(mentor, score, rows, reasons, _draft_places(scored, proposal)[j])


def pair_candidate(*, mentee: Enrolment, mentor: Enrolment) -> Candidate | None:
    """A mentee-mentor pair of a program scored and explained as rounds do; None when either
    has left the pool (matched, full, inactive) or the program's rules forbid the pair."""
    scored = _score_mentee(mentee.program, mentee)
    j = next((j for j, m in enumerate(scored.pool.mentors) if m.pk == mentor.pk), None)
    if scored.row is None or j is None or not scored.scorer.allowed([scored.row], [j])[0]:
        return None
    score, rows, reasons = explanation_rows(scored.scorer, scored.pool.labels, scored.row, j)
    return Candidate(scored.pool.mentors[j], score, rows, reasons, scored.pool.capacity[j])


# --- self-service recommendations ---------------------------------------------------------------


@dataclass(frozen=True)
class Recommendation:
    """A mentor recommended to a mentee, with what the mentee needs to choose."""

    candidate: Candidate
    typical_response_hours: float | None
    requested: bool  # a pending request of this mentee already waits on them


def recommended_mentors(*, enrolment: Enrolment, limit: int = 10) -> list[Recommendation]:
    """Mentors for a mentee of a self-service program, ranked by the same score rounds use.

    Only mentors the program's hard rules allow and who have a place left are listed; a mentee
    who already has a mentor in the program gets none.
    """
    program = enrolment.program
    if program.matching_mode not in SELF_SERVICE_MODES or program.kind == ProgramKind.PEER:
        raise RequestInvalid("In this program the admins make the matches.", field="program")
    if enrolment.role != EnrolmentRole.MENTEE or enrolment.status != EnrolmentStatus.ACTIVE:
        raise RequestInvalid("You need an active mentee enrolment in this program.", field="program")
    scored = _score_mentee(program, enrolment)
    candidates = _ranked(scored, list(scored.pool.capacity), limit)
    hours = mentor_response_hours(
        organisation=program.organisation, membership_ids=[c.mentor.membership_id for c in candidates]
    )
    requested = set(
        MentorshipRequest.objects.filter(mentee=enrolment, status=RequestStatus.PENDING).values_list(
            "mentor_id", flat=True
        )
    )
    return [
        Recommendation(c, hours.get(c.mentor.membership_id), c.mentor.pk in requested) for c in candidates
    ]


# --- a draft's figures, as it stands after the admin's edits -------------------------------------


@dataclass(frozen=True)
class RoundSummary:
    """A round's quality figures computed from its current proposals (no queries), next to the
    run's own metrics: removing or swapping pairs changes the first, never the second."""

    pool: int  # people the round tried to match (mentees, or peers)
    pool_mentors: int
    matched: int
    pairs: int
    mean_score: float | None
    min_score: float | None
    total_score: float
    mentors_used: int
    load_min: int
    load_max: int
    locked: int
    edited: int
    greedy_matched: int | None
    greedy_total: float | None
    # the optimal solver's certificate, while the draft is as solved (else, and for other
    # solvers, None)
    optimality_gap: float | None
    proven_optimal: bool

    @property
    def match_rate(self) -> float | None:
        return self.matched / self.pool if self.pool else None

    @property
    def mentors_idle(self) -> int:
        return max(0, self.pool_mentors - self.mentors_used)

    @property
    def gap_share(self) -> float | None:
        """The certified gap as a share of this draft's total fit."""
        if self.optimality_gap is None or self.total_score <= 0:
            return None
        return self.optimality_gap / self.total_score


def round_summary(*, match_round: MatchRound, proposals: list[Proposal]) -> RoundSummary:
    """Figures for the round page from the proposals already loaded by `match_round_detail`."""
    metrics = match_round.metrics or {}
    peer = match_round.program.kind == ProgramKind.PEER
    scores = [p.score for p in proposals]
    load = Counter(p.mentor_id for p in proposals)
    greedy = metrics.get("greedy") or {}
    edited = sum(1 for p in proposals if p.edited)
    # the run's certificate holds for the draft only as solved: no pair changed or removed
    as_solved = not edited and len(proposals) == int(metrics.get("pairs", len(proposals)))
    optimality = (metrics.get("optimality") or {}) if as_solved else {}
    return RoundSummary(
        pool=int(metrics.get("pool_mentees") or 0),
        pool_mentors=int(metrics.get("pool_mentors") or 0),
        matched=2 * len(proposals) if peer else len(proposals),
        pairs=len(proposals),
        mean_score=sum(scores) / len(scores) if scores else None,
        min_score=min(scores) if scores else None,
        total_score=sum(scores),
        mentors_used=0 if peer else len(load),
        load_min=min(load.values()) if load and not peer else 0,
        load_max=max(load.values()) if load and not peer else 0,
        locked=sum(1 for p in proposals if p.locked),
        edited=edited,
        greedy_matched=greedy.get("matched"),
        greedy_total=greedy.get("total_score"),
        optimality_gap=optimality.get("gap"),
        proven_optimal=bool(optimality.get("proven")),
    )
