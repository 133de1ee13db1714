"""Whole-pool matching from feature vectors: candidates, an optimal solve, then pricing.

Candidate pruning keeps each person's best partners by score, but an optimal
assignment under tight capacity sends many mentees to partners far down their lists:
mentors whom few mentees fit (the most senior ones, say) are cheap in the optimum, and
a mentee gains by taking one even at a lower score. The solver's LP duals say which
pairs could still gain, a pair whose score exceeds ``u_i + v_j``. A pricing round finds
such pairs over the whole pool (a compiled scan of a bound of every pair's score,
:mod:`matchmaker._scan`, then exact scores for the flagged ones), adds them and solves
again (column generation). The same scan certifies the answer: raising each ``u_i`` by
its largest gain makes the duals feasible for every pair, so the optimum over all pairs
exceeds the answer by at most the sum of those gains (LP weak duality). Only the first
scan visits every pair: what it proves of the pairs it leaves out (a
:class:`~matchmaker._candidates.PricingCover`) limits later scans to the mentors whose
price fell since.

References
----------
.. [1] G. B. Dantzig, P. Wolfe, "Decomposition principle for linear programs",
   *Operations Research* 8(1), 1960 (pricing out the columns left out).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import scipy.sparse as sp

from matchmaker._assign import Objective, assign, assign_from
from matchmaker._candidates import PricingCover, _assemble, candidates, priced_candidates
from matchmaker._result import MatchResult
from matchmaker._scan import PairBound
from matchmaker._scoring import Scorer
from matchmaker._validation import check_int

__all__ = ["assign_pool"]

# The first pricing scan also adds each mentee's pairs this close to pricing out (score
# units), so that later rounds need only re-price the mentors whose price fell by more.
_COVER_MARGIN = 0.05
# A re-solve starts from the last optimum when the round added at most this share of
# the graph's pairs. Measured at 100,000 x 25,000: the later rounds add 0.3 % or less
# and re-solve in 0.25-0.7 s instead of 1.3-2.2 s; the first adds ~80 %, and from the old
# optimum so many mentees move that the augmenting paths run out of budget.
_WARM_SHARE = 0.05


def assign_pool(
    scorer: Scorer,
    mentor_capacity: Any,
    *,
    objective: Objective = "participation",
    locked: Iterable[tuple[int, int]] = (),
    pricing_rounds: int = 1,
    gap_tolerance: float = 1e-6,
    candidate_options: Mapping[str, Any] | None = None,
    first_graph: sp.csr_array | None = None,
) -> MatchResult:
    """Optimal assignment of a whole pool from its features, without an N x M matrix.

    Builds the candidate graph (:func:`matchmaker.candidates`), solves it exactly
    (:func:`matchmaker.assign`), then up to ``pricing_rounds`` times searches the pool
    again for pairs that price out against the solver's duals, adds them and re-solves.

    Parameters
    ----------
    scorer : Scorer
        The score model bound to the two sides.
    mentor_capacity : int or array_like of int
        As for :func:`matchmaker.assign`.
    objective : {"participation", "score"}, default "participation"
        As for :func:`matchmaker.assign`.
    locked : iterable of (mentee, mentor) pairs, optional
        Pairs that must be kept; they join the candidate graph.
    pricing_rounds : int, default 1
        Re-solves with priced pairs after the first solve; ``0`` solves the first graph
        only. Each round prices the last solve over every pair, and one more pricing
        (without a re-solve) certifies the answer; the loop ends early when nothing
        prices out or the certified gap is within ``gap_tolerance``. Only the first
        pricing scans every pair: it also adds each mentee's near misses (pairs within
        0.05 of pricing out), and proves a bound on every pair it leaves out that later
        rounds reuse, so they scan a mentee only against the mentors whose price fell
        far enough since (see ``Notes``).
    gap_tolerance : float, default 1e-6
        Relative optimality gap (of the total score) at which pricing stops.
    candidate_options : mapping, optional
        Keyword arguments of :func:`matchmaker.candidates` for the first graph (``k``,
        ``probes``, ...); pricing keeps ``k`` pairs per mentee and ``mentor_k`` per
        mentor, and runs on ``n_threads``.
    first_graph : scipy.sparse.csr_array, optional
        The first candidate graph, when the caller has built it already (exact scores,
        allowed pairs only, as :func:`matchmaker.candidates` returns); default: built here
        with ``candidate_options``.

    Returns
    -------
    MatchResult
        The assignment of the last solve. ``stats`` adds ``pricing_rounds`` (re-solves
        with priced pairs), ``priced_pairs`` (pairs they added), ``pairs_scanned`` (pairs
        the pricing scans looked at, all rounds together), ``optimality_gap`` (an
        upper bound of what the optimum over every pair adds to ``total_score``; NaN
        when not priced) and ``proven_optimal``: ``1.0`` when no pair prices out (the
        gap is then rounding, at most ``1e-9`` per mentee), so the answer is optimal
        over every pair; else ``0.0``.

    Raises
    ------
    ValueError
        If ``pricing_rounds`` or ``gap_tolerance`` is negative, or on any error of
        :func:`matchmaker.candidates` or :func:`matchmaker.assign` (a locked pair that is
        forbidden, say).

    Notes
    -----
    Only the first pricing scans every pair. Besides the pairs that price out it adds
    each mentee's near misses (within ``0.05``) and proves, for every pair it leaves out,
    ``score <= level_i + v_j`` at that scan's prices ``v``. A later round needs to price
    mentee ``i`` only against the mentors whose price fell by more than
    ``u_i - level_i`` since, the mentors being scanned in order of their fall.

    Measured on synthetic pools with tight capacity (``benchmarks/bench_candidates.py``,
    a shared 2-core machine). At 20,000 x 5,000 the first graph loses 0.973 % of the
    optimal total fit over all 100M pairs (0.37 s); one pricing round leaves 0.0006 %
    (0.88 s in all) and two certify the answer within 1e-6 of the total (1.07 s; the
    scans looked at 1.09 times the pool's pairs in all). At 100,000 x 25,000 the first
    scan takes 4-5 s (the kernel about 3 ns a pair and core, plus the exact scores of
    what it flags) and each later round ~0.9 s of scan over a quarter of the pairs plus
    0.25-0.7 s of re-solve: three rounds lift the total fit from 69,420.7 to its final
    71,090.05, certified within 0.018 (2.5e-7), in 13-16 s.

    A round that added few pairs (at most 5 % of the graph, as every round after the
    first) is re-solved from the last optimum: its prices and matching start the
    augmenting paths, with no auction, so only the mentees the new pairs tempt away are
    searched again (1.3-2.2 s -> 0.25-0.7 s at 100,000 x 25,000). Starting a re-solve's
    *auction* from the last prices was tried and is slower: with ties everywhere, the
    finest epsilon phase turns into long price wars.

    Examples
    --------
    >>> import numpy as np
    >>> from matchmaker import ScoreModel, Scorer, assign, synthetic_pool
    >>> mentees, mentors = synthetic_pool(300, 80, rng=np.random.default_rng(1))
    >>> scorer = Scorer(ScoreModel(), mentees, mentors)
    >>> res = assign_pool(scorer, 4, pricing_rounds=10)
    >>> bool(res.stats["proven_optimal"])  # every pair priced, none left to gain
    True
    >>> bool(np.isclose(res.total_score, assign(scorer.matrix(), 4).total_score))
    True
    """
    pricing_rounds = check_int(pricing_rounds, "pricing_rounds")
    if not gap_tolerance >= 0:  # (NaN too)
        raise ValueError("gap_tolerance must be a non-negative number")
    options = dict(candidate_options or {})
    if "duals" in options:
        raise ValueError("candidate_options must not set duals: assign_pool prices by itself")
    locks = list(locked)
    first = candidates(scorer, **options) if first_graph is None else sp.csr_array(first_graph)
    if first.shape != (scorer.n_mentees, scorer.n_mentors):
        raise ValueError(
            f"first_graph must have shape {(scorer.n_mentees, scorer.n_mentors)}, got {first.shape}"
        )
    graph = _with_locked(first, scorer, locks)
    result = assign(graph, mentor_capacity, objective=objective, locked=locks)

    scan_options: dict[str, Any] = {
        key: options[key] for key in ("k", "mentor_k", "n_threads") if key in options
    }
    # built once for all rounds (an empty side has no pair to price)
    pairs = scorer.n_mentees > 0 and scorer.n_mentors > 0
    scan_options["bound"] = PairBound.of(scorer) if pricing_rounds and pairs else None
    rounds, added, scanned, gap, proven = 0, 0, 0, math.nan, False
    cover: PricingCover | None = None
    # each round prices the last solve; the last one only certifies it (no re-solve after).
    # The first scan looks at every pair; later ones only where its cover leaves room.
    for round_no in range(1, pricing_rounds + 2 if pricing_rounds else 1):
        if result.duals is None:
            break
        priced = priced_candidates(
            scorer, result.duals, cover=cover, cover_margin=_COVER_MARGIN, **scan_options
        )
        cover, gap, scanned = priced.cover, priced.gap, scanned + priced.scanned
        # nothing prices out: optimal over every pair (up to the solver's rounding)
        proven = priced.priced_out == 0
        within = gap <= gap_tolerance * max(1.0, abs(result.total_score))
        if proven or within or round_no > pricing_rounds:
            break
        rounds, added = rounds + 1, added + priced.graph.nnz
        warm = result if priced.graph.nnz <= _WARM_SHARE * graph.nnz else None
        graph = _union(graph, priced.graph)
        result = assign_from(graph, mentor_capacity, objective=objective, locked=locks, warm=warm)
    stats = {
        **result.stats,
        "pricing_rounds": float(rounds),
        "priced_pairs": float(added),
        "pairs_scanned": float(scanned),
        "optimality_gap": gap,
        "proven_optimal": float(proven),
    }
    return dataclasses.replace(result, stats=stats)


def _union(a: sp.csr_array, b: sp.csr_array) -> sp.csr_array:
    """Pairs of both graphs (a pair in both keeps one score: they are equal)."""
    a_coo, b_coo = a.tocoo(), b.tocoo()
    rows = np.concatenate([a_coo.row, b_coo.row]).astype(np.int64)
    cols = np.concatenate([a_coo.col, b_coo.col]).astype(np.int64)
    return _assemble(rows, cols, np.concatenate([a_coo.data, b_coo.data]), *a.shape)


def _with_locked(graph: sp.csr_array, scorer: Scorer, locked: list[tuple[int, int]]) -> sp.csr_array:
    """The graph plus every locked pair (a forbidden one is stored as -inf: assign rejects it)."""
    if not locked:
        return graph
    pairs = np.asarray(locked, dtype=np.int64).reshape(-1, 2)
    n, m = graph.shape
    if pairs.min(initial=0) < 0 or pairs[:, 0].max(initial=0) >= n or pairs[:, 1].max(initial=0) >= m:
        raise ValueError("locked names a mentee or mentor index out of range")
    extra = sp.csr_array(
        (scorer.score(pairs[:, 0], pairs[:, 1]), (pairs[:, 0], pairs[:, 1])), shape=graph.shape
    )
    return _union(graph, extra)
