"""The body of a match round: read the pool, score, solve, explain, save a DRAFT.

Runs as a background task (`tandem.matching.tasks.run_match_round`) or from
`manage.py run_match`. Everything it writes lands in one transaction at the end, so a
failed run leaves only a FAILED round with its error, never half a draft.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal, TypeAlias

import matchmaker
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from django.db import transaction
from django.utils import timezone

from tandem.matching.models import MatchRound, Objective, Proposal, RoundStatus, Solver
from tandem.matching.pool import Pool, build_pool
from tandem.programs.models import Enrolment

logger = logging.getLogger(__name__)

# Above this many mentee x mentor cells, candidates are generated sparsely instead of scoring all pairs.
DENSE_CELLS_LIMIT = 4_000_000
# Re-solves with priced pairs for pools above it, at most (they stop once the certified gap
# is within 1e-6 of the total fit): at 20,000 x 5,000 two reach that (1.1 s). Only the first
# pricing scans every pair (4-5 s at 100,000 x 25,000, then ~1.5 s a round: 3 rounds certify
# within 2.5e-7 there in 13-16 s).
PRICING_ROUNDS = 5
STABLE_LIST_LENGTH = 20

CRITERION_LABELS = {
    "goals": "Goals ↔ expertise",
    "values": "Shared values",
    "industry": "Industry / function",
    "level": "Career level",
    "timezone": "Time-zone overlap",
    "availability": "Availability & format",
    "language": "Language",
    "preferences": "Preferences",
}


@dataclass(frozen=True)
class Solved:
    pairs: npt.NDArray[np.int64]  # (row in mentees, row in mentors)
    groups: npt.NDArray[np.int64] | None  # group index per pair, for group programs
    pair_scores: npt.NDArray[np.float64]  # score of each pair
    # Optimal solver only: how much total fit the best matching of the pool could add at most
    # (0 = proven optimal), and whether nothing was left to gain.
    optimality_gap: float | None = None
    proven_optimal: bool = False


def _report(match_round: MatchRound, percent: int, label: str) -> None:
    MatchRound.objects.filter(pk=match_round.pk).update(progress=percent, progress_label=label)


# Dense scores for pools up to DENSE_CELLS_LIMIT pairs; above it, the candidate graph.
Scores: TypeAlias = npt.NDArray[np.float64] | sp.csr_array


def pool_scores(pool: Pool, scorer: matchmaker.Scorer, solver: str, locked: list[tuple[int, int]]) -> Scores:
    """Every pair's score (-inf = forbidden) when the pool is small enough, else candidates.

    Above DENSE_CELLS_LIMIT pairs, `matchmaker.candidates` keeps each person's best allowed
    partners with their exact scores, and the locked pairs are added to them. Only the
    optimal and stable solvers work on such a graph; the others need every pair.
    """
    n_mentees, n_mentors = len(pool.mentees), len(pool.mentors)
    if n_mentees * n_mentors <= DENSE_CELLS_LIMIT:
        return scorer.matrix()
    if solver not in {Solver.OPTIMAL, Solver.STABLE}:
        raise ValueError(
            f"{Solver(solver).label} scores every pair, and this pool has {n_mentees:,} × {n_mentors:,} = "
            f"{n_mentees * n_mentors:,} pairs, more than {DENSE_CELLS_LIMIT:,}; "
            "use optimal assignment or stable matching."
        )
    graph = matchmaker.candidates(scorer).tocoo()
    if locked:
        # A locked pair stays even when it is nobody's best: add the ones the graph lacks.
        rows, cols = (np.asarray(side, dtype=np.int64) for side in zip(*locked, strict=True))
        missing = ~np.isin(rows * n_mentors + cols, graph.row.astype(np.int64) * n_mentors + graph.col)
        rows, cols = rows[missing], cols[missing]
        graph = sp.coo_array(
            (
                np.concatenate([graph.data, scorer.score(rows, cols)]),
                (np.concatenate([graph.row, rows]), np.concatenate([graph.col, cols])),
            ),
            shape=graph.shape,
        )
    return graph.tocsr()


def _locked_rows(pool: Pool, locked_enrolment_pairs: list[list[int]]) -> list[tuple[int, int]]:
    mentee_row = {e.pk: i for i, e in enumerate(pool.mentees)}
    mentor_row = {e.pk: j for j, e in enumerate(pool.mentors)}
    return [
        (mentee_row[a], mentor_row[b])
        for a, b in locked_enrolment_pairs
        if a in mentee_row and b in mentor_row
    ]


def _allowed(scores: Scores, i: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """The allowed mentors of mentee row ``i`` and their scores, in mentor order."""
    if isinstance(scores, np.ndarray):
        cols = np.flatnonzero(np.isfinite(scores[i]))
        return cols, scores[i, cols]
    start, end = scores.indptr[i], scores.indptr[i + 1]
    cols, vals = scores.indices[start:end].astype(np.int64), scores.data[start:end]
    order = np.argsort(cols, kind="stable")
    ok = np.isfinite(vals[order])
    return cols[order][ok], vals[order][ok]


def _stable_prefs(scores: Scores, n_mentors: int, length: int) -> tuple[list[list[int]], list[list[int]]]:
    """Each side ranks the other by the program's score: a mentee lists its best ``length``
    mentors, a mentor ranks whoever listed it (ties by row)."""
    mentee_prefs: list[list[int]] = []
    listed_by: list[dict[int, float]] = [{} for _ in range(n_mentors)]
    for i in range(scores.shape[0]):
        cols, vals = _allowed(scores, i)
        order = np.argsort(-vals, kind="stable")[:length]
        mentee_prefs.append(cols[order].tolist())
        for j, value in zip(cols[order].tolist(), vals[order].tolist(), strict=True):
            listed_by[j][i] = value
    mentor_prefs = [sorted(listed, key=lambda i: (-listed[i], i)) for listed in listed_by]
    return mentee_prefs, mentor_prefs


def solve(
    pool: Pool,
    *,
    scorer: matchmaker.Scorer,
    scores: Scores,
    solver: str,
    objective: str,
    locked: list[tuple[int, int]],
) -> Solved:
    if solver == Solver.OPTIMAL:
        goal: Literal["score", "participation"] = "score" if objective == Objective.SCORE else "participation"
        if isinstance(scores, np.ndarray):
            # every pair was scored: the solver's duals prove the answer optimal over all of them
            result = matchmaker.assign(scores, np.asarray(pool.capacity), objective=goal, locked=locked)
            return replace(_solved(scorer, result.pairs), optimality_gap=0.0, proven_optimal=True)
        # A large pool: the candidate graph, then every pair left out is priced against the
        # solver's duals and those that could still improve the matching join it for a
        # re-solve; a last pricing certifies the gap to the optimum over all pairs.
        result = matchmaker.assign_pool(
            scorer,
            np.asarray(pool.capacity),
            objective=goal,
            locked=locked,
            first_graph=scores,
            pricing_rounds=PRICING_ROUNDS,
        )
        gap = float(result.stats["optimality_gap"])
        return replace(
            _solved(scorer, result.pairs),
            optimality_gap=None if math.isnan(gap) else gap,
            proven_optimal=bool(result.stats["proven_optimal"]),
        )
    if solver == Solver.STABLE:
        # The mentee list is cut to its best candidates, the mentor list keeps whoever listed them.
        mentee_prefs, mentor_prefs = _stable_prefs(scores, len(pool.mentors), STABLE_LIST_LENGTH)
        result = matchmaker.stable(mentee_prefs, mentor_prefs, np.asarray(pool.capacity), proposing="mentee")
        return _solved(scorer, result.pairs)
    if solver == Solver.PEERS:
        # Average the two directions; -inf (forbidden either way) stays -inf under addition.
        symmetric = (scores + scores.T) / 2
        np.fill_diagonal(symmetric, -np.inf)
        result = matchmaker.pair_peers(symmetric)
        return Solved(
            result.pairs, None, np.asarray(scores[result.pairs[:, 0], result.pairs[:, 1]], dtype=np.float64)
        )
    if solver == Solver.GROUPS:
        program = pool.program
        cohesion = _mentee_cohesion(pool)
        result = matchmaker.form_groups(
            scores,
            cohesion,
            np.asarray(pool.capacity),
            min_size=program.group_min_size,
            max_size=program.group_max_size,
            # Each mentee has up to max_size - 1 companions: weigh cohesion so that, summed, it
            # counts about as much as the mentee's own fit to the mentor.
            cohesion_weight=1.0 / max(1, program.group_max_size - 1),
            seed=program.pk,
        )
        # One mentor leads at most one group: the mentor's row is the group's index.
        return _solved(scorer, result.pairs, groups=result.pairs[:, 1].copy())
    raise ValueError(f"solver {solver!r} is not available here")


def _solved(
    scorer: matchmaker.Scorer, pairs: npt.NDArray[np.int64], groups: npt.NDArray[np.int64] | None = None
) -> Solved:
    return Solved(pairs, groups, scorer.score(pairs[:, 0], pairs[:, 1]))


def _mentee_cohesion(pool: Pool) -> npt.NDArray[np.float64]:
    """How well mentees of one group fit each other: shared values and goals, overlapping hours."""
    model = matchmaker.ScoreModel(
        weights={"values": 5, "goals": 3, "timezone": 4, "language": 2},
        kind="peer",
        require_shared_language=False,
        separate_reporting_lines=False,
    )
    peers = matchmaker.Scorer(model, pool.mentee_features, pool.mentee_features)
    raw = peers.matrix()
    raw = np.where(np.isfinite(raw), raw, 0.0)
    cohesion = (raw + raw.T) / 2
    np.fill_diagonal(cohesion, 0.0)
    return cohesion


def _metrics(pool: Pool, scores: Scores, solved: Solved, solver: str) -> dict[str, object]:
    pair_scores = solved.pair_scores
    peer = solver == Solver.PEERS
    people = len(pool.mentees)
    matched_people = 2 * len(solved.pairs) if peer else len(solved.pairs)
    metrics: dict[str, object] = {
        "pool_mentees": people,
        "pool_mentors": 0 if peer else len(pool.mentors),
        "pairs": len(solved.pairs),
        "matched": matched_people,
        "match_rate": round(matched_people / people, 4) if people else 0.0,
        "mean_score": round(float(pair_scores.mean()), 4) if len(pair_scores) else None,
        "min_score": round(float(pair_scores.min()), 4) if len(pair_scores) else None,
        "total_score": round(float(pair_scores.sum()), 4),
    }
    if not peer and pool.mentors:
        load = (
            np.bincount(solved.pairs[:, 1], minlength=len(pool.mentors))
            if len(solved.pairs)
            else np.zeros(len(pool.mentors), dtype=int)
        )
        metrics["mentor_load"] = {
            "min": int(load.min()),
            "max": int(load.max()),
            "mean": round(float(load.mean()), 3),
            "mentors_used": int((load > 0).sum()),
            "places_left": int(np.asarray(pool.capacity).sum() - load.sum()),
        }
        # What naive first-come matching would have produced on the same scores.
        greedy = matchmaker.greedy_assign(scores, np.asarray(pool.capacity))
        metrics["greedy"] = {"matched": len(greedy.pairs), "total_score": round(float(greedy.total_score), 4)}
    if solved.optimality_gap is not None:
        # rounded up: the certificate must stay a true bound once stored
        metrics["optimality"] = {
            "gap": 0.0 if solved.proven_optimal else math.ceil(solved.optimality_gap * 1e4) / 1e4,
            "proven": solved.proven_optimal,
        }
    return metrics


def _unmatched(pool: Pool, scores: Scores, solved: Solved, solver: str) -> list[dict[str, object]]:
    taken = set(solved.pairs[:, 0].tolist())
    if solver == Solver.PEERS:
        taken |= set(solved.pairs[:, 1].tolist())
    entries: list[dict[str, object]] = []
    for i, enrolment in enumerate(pool.mentees):
        if i in taken:
            continue
        if _allowed(scores, i)[0].shape[0] == 0:
            reason = (
                "No candidate passes the program's hard rules "
                "(language, reporting line, department, time zone, earlier pairs)."
            )
        elif solver == Solver.PEERS:
            reason = "An odd one out: every compatible peer was paired with someone who fit them better."
        else:
            reason = "Capacity exhausted: every compatible mentor's places were taken."
        entries.append(_entry(enrolment, reason))
    return entries


def _entry(enrolment: Enrolment, reason: str) -> dict[str, object]:
    return {
        "enrolment_id": enrolment.pk,
        "membership_id": enrolment.membership_id,
        "name": enrolment.membership.user.full_name,
        "role": enrolment.role,
        "reason": reason,
    }


def explanation_rows(
    scorer: matchmaker.Scorer, labels: matchmaker.Labels, i: int, j: int
) -> tuple[float, list[dict[str, object]], list[str]]:
    ex = matchmaker.explain(scorer, mentee=i, mentor=j, labels=labels)
    rows = [
        {
            "criterion": c.name,
            "label": CRITERION_LABELS.get(c.name, c.name),
            "value": round(c.value, 4),
            "weight": c.weight,
            "contribution": round(c.contribution, 4),
            "reason": c.reason,
            "must": c.must,
        }
        for c in ex.criteria
    ]
    return float(ex.score), rows, ex.reasons()


def match_round_execute(
    *, round_id: int, progress: Callable[[MatchRound, int, str], None] = _report
) -> MatchRound:
    match_round = MatchRound.objects.select_related("program__organisation").get(pk=round_id)
    if match_round.status not in {RoundStatus.QUEUED, RoundStatus.RUNNING}:
        return match_round
    MatchRound.objects.filter(pk=round_id).update(status=RoundStatus.RUNNING)
    try:
        progress(match_round, 10, "Reading the pool")
        pool = build_pool(program=match_round.program)
        progress(match_round, 35, f"Scoring {len(pool.mentees)} × {len(pool.mentors)} candidate pairs")
        scorer = pool.scorer()
        locked = _locked_rows(pool, match_round.parameters.get("locked_enrolment_pairs", []))
        scores = pool_scores(pool, scorer, match_round.solver, locked)
        progress(match_round, 60, "Solving")
        solved = solve(
            pool,
            scorer=scorer,
            scores=scores,
            solver=match_round.solver,
            objective=match_round.objective,
            locked=locked,
        )
        progress(match_round, 80, "Explaining every pair")
        locked_set = set(locked)
        proposals = []
        group_of = solved.groups.tolist() if solved.groups is not None else [None] * len(solved.pairs)
        for (i, j), group_index in zip(solved.pairs.tolist(), group_of, strict=True):
            score, rows, reasons = explanation_rows(scorer, pool.labels, i, j)
            proposals.append(
                Proposal(
                    match_round=match_round,
                    mentee=pool.mentees[i],
                    mentor=pool.mentors[j],
                    score=score,
                    breakdown=rows,
                    reasons=reasons,
                    locked=(i, j) in locked_set,
                    group_index=group_index,
                )
            )
        metrics = _metrics(pool, scores, solved, match_round.solver)
        unmatched = _unmatched(pool, scores, solved, match_round.solver)
        parameters = {
            **match_round.parameters,
            "weights": dict(pool.model.weights),
            "must": sorted(pool.model.must),
            "objective": match_round.objective,
            "solver": match_round.solver,
        }
        with transaction.atomic():
            Proposal.objects.bulk_create(proposals)
            MatchRound.objects.filter(pk=round_id).update(
                status=RoundStatus.DRAFT,
                metrics=metrics,
                unmatched=unmatched,
                parameters=parameters,
                progress=100,
                progress_label="Ready for review",
                finished_at=timezone.now(),
            )
    except Exception as exc:  # a background run must always end in a visible state
        logger.exception("match round %s failed", round_id)
        MatchRound.objects.filter(pk=round_id).update(
            status=RoundStatus.FAILED, error=str(exc)[:500], finished_at=timezone.now()
        )
    match_round.refresh_from_db()
    return match_round
