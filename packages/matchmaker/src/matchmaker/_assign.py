"""Optimal capacitated assignment of mentees to mentors.

Two exact engines are used, chosen by the shape of the problem:

* shortest augmenting paths on the sparse graph of allowed pairs, warm-started by an
  auction, with integer weights scaled from the float scores (``matchmaker._auction``,
  OR-Tools' min-cost flow as the safety net); large dense matrices are first pruned and
  priced (``matchmaker._priced``);
* scipy's ``linear_sum_assignment`` (shortest augmenting paths in float) on the
  capacity-expanded dense matrix, for small dense problems where it is faster and
  exact in floating point.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Iterable
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment

from matchmaker._auction import WarmStart, solve_assignment
from matchmaker._duals import AssignmentDuals, participation_offset
from matchmaker._priced import dense_top_k, solve_dense_priced
from matchmaker._result import MatchResult
from matchmaker._validation import (
    Candidates,
    as_candidates,
    as_dense_scores,
    check_capacity,
    check_int,
    check_locked,
    check_magnitude,
    dense_candidates,
    empty_ints,
    is_sparse,
    unique_ints,
)

__all__ = ["assign", "top_k_candidates"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Objective = Literal["participation", "score"]

# Dense problems up to this many (mentee x capacity-slot) cells go to linear_sum_assignment;
# measured to beat the flow solver below roughly this size on the 2-core target machine.
_LSA_MAX_CELLS = 1_000_000
# Larger dense problems with at least this many (mentee x mentor) cells are solved by
# pruning to each mentee's best mentors and pricing the rest (exact, see _priced.py).
_PRICED_MIN_CELLS = 50_000


def assign(
    scores: Any,
    mentor_capacity: Any,
    *,
    objective: Objective = "participation",
    locked: Iterable[tuple[int, int]] = (),
) -> MatchResult:
    """Optimal capacitated assignment: each mentee gets at most one mentor.

    Parameters
    ----------
    scores : array_like of float, shape (n_mentees, n_mentors), or scipy.sparse matrix
        Fit of each (mentee, mentor) pair, higher is better. Dense input: ``-inf`` or NaN
        marks a forbidden pair. Sparse input: the *stored* entries are the allowed pairs
        (explicit zeros are allowed pairs with score 0); stored ``-inf``/NaN are forbidden.
    mentor_capacity : int or array_like of int, shape (n_mentors,)
        Maximum number of mentees per mentor. A scalar applies to every mentor; a value
        above ``2**40`` (``1e18``, say) means unlimited.
    objective : {"participation", "score"}, default "participation"
        ``"participation"`` maximises the number of matched mentees, then the total score
        (lexicographically). ``"score"`` maximises the total score only, so a mentee may
        stay unmatched and pairs with a negative score are never chosen.
    locked : iterable of (mentee, mentor) pairs, optional
        Pairs that must be kept (e.g. admin locks). They use mentor capacity and count
        in the result and its total score. Each must be an allowed pair.

    Returns
    -------
    MatchResult
        ``pairs`` holds (mentee, mentor) rows sorted by mentee, ``total_score`` the sum of
        their scores recomputed in float64 from ``scores`` (locked pairs included).
        ``stats`` has ``n_candidates``, ``n_matched``, ``n_locked``, ``score_error_bound``
        and ``solve_seconds``.

    Raises
    ------
    ValueError
        If ``scores`` is not 2-D, contains ``+inf`` or a score beyond ``+-1e300`` (its
        sums could overflow); if ``mentor_capacity`` has the wrong length, is negative,
        NaN or fractional; if ``objective`` is unknown; or if ``locked``
        names an index out of range, a forbidden pair, the same mentee twice, or more pairs
        for a mentor than its capacity.

    Notes
    -----
    The problem is an assignment LP: ``max sum w x`` with each mentee in at most one pair
    and each mentor in at most ``mentor_capacity``; its optima are integral. Under
    ``"participation"`` every pair's weight carries an offset larger than any possible
    change of total score, so more matches always win (the lexicographic objective);
    ``"score"`` drops negative-score pairs (they can never improve the total).

    Scores are multiplied by a power of two ``K`` and rounded, so the solver works on
    exact integers. Each weight is then off by at most ``0.5 / K`` score units, so the
    returned matching is optimal for the true float scores up to an absolute
    ``n_matched / K``; ``K`` is as large as keeps weights plus the participation offset
    below ``2**57``, which keeps this bound about ``1e-7`` absolute on 100,000 mentees
    with scores in [0, 1]. The bound is reported as ``stats["score_error_bound"]``.
    Scores that are already multiples of ``1 / K`` (integers, halves, ...) are solved
    exactly.

    The candidate graph is solved by shortest augmenting paths warm-started with prices
    from an auction (``matchmaker._auction``): without warm prices, the last mentees of a
    tightly capacitated pool each search most of the graph (28 s at 100,000 x 25,000);
    with them, 0.6 s. Before answering, the final prices are checked as LP duals on every
    pair; if that proof failed, OR-Tools' min-cost flow would solve the graph instead
    (``solver`` says which: ``"auction+ssp"`` or ``"ortools-mcf"``).

    Small dense problems (``n_mentees * total capacity <= 1e6`` cells) without forbidden
    pairs, or any such problem under ``"score"``, go to
    :func:`scipy.optimize.linear_sum_assignment` on the capacity-expanded matrix, which is
    exact in floating point. Among solutions with the same objective any may be returned.

    Larger dense problems are not handed to a solver whole. Each mentee keeps its 12
    best mentors, the solver matches that candidate graph, its LP duals ``u, v`` prove
    it optimal there, and every pair left out is priced: one with ``score > u_i + v_j``
    could improve the matching, so it joins the candidates and the solve repeats. When
    nothing prices out, the duals prove the matching optimal for the whole matrix, so
    this pruning loses nothing (``solver="auction+ssp+pricing"``,
    ``stats["pricing_rounds"]``; ``n_candidates`` is then the number of pairs the solver
    saw). If the duals cannot be built, all pairs are solved. On a 5,000 x 1,250 matrix
    with capacity 4 this takes ~45 ms, one round and 60,000 of 6.25M pairs, against
    ~2.6 s for ``linear_sum_assignment`` on the 5,000 x 5,000 expanded matrix.

    The compiled kernels (numba) are loaded from numba's on-disk cache on the first call
    in a process (~0.3-1.5 s), and compiled on the very first call after installation.

    References
    ----------
    .. [1] R. Jonker, A. Volgenant, "A shortest augmenting path algorithm for dense and
       sparse linear assignment problems", *Computing* 38(4), 1987.
    .. [2] D. P. Bertsekas, D. A. Castanon, "A forward/reverse auction algorithm for
       asymmetric assignment problems", *Computational Optimization and Applications*
       1(3), 1992.
    .. [3] R. K. Ahuja, T. L. Magnanti, J. B. Orlin, *Network Flows*, Prentice Hall,
       1993, ch. 9 (reduced-cost optimality, successive shortest paths).
    .. [4] D. F. Crouse, "On implementing 2D rectangular assignment algorithms", *IEEE
       Trans. Aerospace and Electronic Systems* 52(4), 2016 (scipy's solver).
    .. [5] G. B. Dantzig, P. Wolfe, "Decomposition principle for linear programs",
       *Operations Research* 8(1), 1960 (pricing out the columns left out).

    Examples
    --------
    >>> import numpy as np
    >>> from matchmaker import assign
    >>> scores = np.array([[0.9, 0.8], [0.7, -np.inf], [0.6, 0.1]])
    >>> res = assign(scores, [2, 1])
    >>> res.pairs.tolist(), round(res.total_score, 2)
    ([[0, 1], [1, 0], [2, 0]], 2.1)
    >>> assign(scores, [1, 1], objective="score").pairs.tolist()
    [[0, 1], [1, 0]]
    """
    return assign_from(scores, mentor_capacity, objective=objective, locked=locked, warm=None)


def assign_from(
    scores: Any,
    mentor_capacity: Any,
    *,
    objective: Objective,
    locked: Iterable[tuple[int, int]],
    warm: MatchResult | None,
) -> MatchResult:
    """:func:`assign`, re-solving from ``warm``: an optimal answer with duals on a
    subgraph of ``scores`` (a pricing round's last graph).

    Its mentor prices and matching start the augmenting paths at once (no auction):
    only the mentees that the added pairs tempt away, and the mentors they leave, are
    searched again. The answer is proved optimal on ``scores`` as always; should the
    warm start not finish within its work budget, the cold solve runs.
    """
    dense = None if is_sparse(scores) else as_dense_scores(scores, name="scores")
    if dense is None:
        cand = as_candidates(scores, name="scores")
        n_rows, n_cols = cand.shape
    else:
        n_rows, n_cols = dense.shape
    cap = check_capacity(mentor_capacity, n_cols, name="mentor_capacity")
    if objective not in ("participation", "score"):
        raise ValueError(f"objective must be 'participation' or 'score', got {objective!r}")
    lock = check_locked(locked, n_rows, n_cols, name="locked")

    start = time.perf_counter()
    if dense is not None:
        priced = _assign_dense_priced(dense, cap, objective, lock, start)
        if priced is not None:
            return priced
        cand = dense_candidates(dense)
    keys = cand.rows * np.int64(n_cols) + cand.cols  # sorted: candidates are row-major
    lock_scores = np.zeros(lock.shape[0], dtype=np.float64)
    if lock.shape[0]:
        lock_keys = lock[:, 0] * np.int64(n_cols) + lock[:, 1]
        pos = np.searchsorted(keys, lock_keys)
        found = (
            (pos < keys.shape[0]) & (keys[np.minimum(pos, keys.shape[0] - 1)] == lock_keys)
            if keys.shape[0]
            else np.zeros(lock_keys.shape[0], dtype=bool)
        )
        if not np.all(found):
            bad = lock[~found][0] if keys.shape[0] else lock[0]
            raise ValueError(f"locked pair ({bad[0]}, {bad[1]}) is a forbidden pair in scores")
        lock_scores = cand.scores[pos]
    residual, free_row = _after_locks(lock, cap, n_rows)

    keep = free_row[cand.rows] & (residual[cand.cols] > 0)
    if objective == "score":
        keep &= cand.scores >= 0
    sub = Candidates(cand.rows[keep], cand.cols[keep], cand.scores[keep], cand.shape)

    duals = None
    if len(sub) == 0:
        rows, cols, bound, solver = empty_ints(), empty_ints(), 0.0, "none"
        if dense is None:
            # nobody matched: every mentor costs nothing and, under participation, every
            # mentee would gain by any pair (the solver's offset: more than any score)
            top = float(np.max(np.abs(cand.scores))) if len(cand) else 0.0
            offset = participation_offset(n_rows, math.ceil(top)) if objective == "participation" else 0
            empty = AssignmentDuals(np.full(n_rows, -offset, np.int64), np.zeros(n_cols, np.int64), offset)
            duals = _score_duals(empty, 1.0, residual, free_row)
    elif dense is not None and _lsa_fits(sub, residual, free_row, objective):
        rows, cols = _solve_lsa(sub, residual, free_row)
        bound, solver = 0.0, "scipy-lsa"
    else:
        sol, solver = solve_assignment(sub, residual, objective, warm=_warm_start(warm, n_rows))
        chosen = np.flatnonzero(sol.chosen)
        rows, cols, bound = sub.rows[chosen], sub.cols[chosen], sol.error_bound
        duals = None if sol.duals is None else _score_duals(sol.duals, sol.scale, residual, free_row)
    result = _result(
        lock,
        lock_scores,
        rows,
        cols,
        _lookup(cand, keys, rows, cols),
        solver=solver,
        stats={"n_candidates": float(len(cand)), "score_error_bound": float(bound)},
        start=start,
    )
    return result if duals is None else dataclasses.replace(result, duals=duals)


def top_k_candidates(scores: Any, k: int, *, per_mentor: int = 0) -> sp.csr_array:
    """Keep each mentee's ``k`` best allowed mentors (plus optionally each mentor's best).

    Candidate pruning by hand: the optimum on the pruned graph is usually close to the
    optimum on the full matrix (on the G4 instance, 5,000 x 1,250 with capacity 4, the
    loss is 0.0070% at ``k=5``, 0.0013% at ``k=6`` and 0 from ``k=10``), but nothing
    proves it. :func:`assign` on the dense matrix prunes and then prices what it left out,
    which is exact; use this for sparse inputs or to bound memory.

    Parameters
    ----------
    scores : array_like of float, shape (n_mentees, n_mentors), or scipy.sparse matrix
        As for :func:`assign`; forbidden pairs are never kept.
    k : int
        Number of best mentors kept per mentee (fewer if a mentee has fewer allowed).
    per_mentor : int, default 0
        Also keep each mentor's ``per_mentor`` best mentees, so that no mentor is left
        without candidates.

    Returns
    -------
    scipy.sparse.csr_array of float64
        Same shape as ``scores``; stored entries are the kept pairs with their scores
        (zero scores are stored explicitly).

    Raises
    ------
    ValueError
        If ``k`` or ``per_mentor`` is negative, or ``scores`` is invalid.

    Examples
    --------
    >>> import numpy as np
    >>> from matchmaker import top_k_candidates
    >>> top_k_candidates(np.array([[0.1, 0.9, 0.5], [0.0, -np.inf, 0.3]]), 2).toarray()
    array([[0. , 0.9, 0.5],
           [0. , 0. , 0.3]])
    """
    k = check_int(k, "k")
    per_mentor = check_int(per_mentor, "per_mentor")
    if not is_sparse(scores):
        dense = as_dense_scores(scores, name="scores")
        rows, cols, _ = dense_top_k(dense, k)
        if per_mentor:
            c2, r2, _ = dense_top_k(np.ascontiguousarray(dense.T), per_mentor)
            rows, cols = np.concatenate([rows, r2]), np.concatenate([cols, c2])
        shape = (int(dense.shape[0]), int(dense.shape[1]))
        key = unique_ints(rows * np.int64(shape[1]) + cols)
        rows, cols = key // shape[1], key % shape[1]
        vals = dense[rows, cols]
    else:
        cand = as_candidates(scores, name="scores")
        shape = cand.shape
        sel = _sparse_top_k(cand.rows, cand.scores, shape[0], k)
        if per_mentor:
            order = np.lexsort((cand.rows, cand.cols))
            sel2 = order[_sparse_top_k(cand.cols[order], cand.scores[order], shape[1], per_mentor)]
            sel = np.union1d(sel, sel2)
        rows, cols, vals = cand.rows[sel], cand.cols[sel], cand.scores[sel]
    indptr = np.zeros(shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=shape[0]), out=indptr[1:])
    # Built from raw arrays so explicit zero scores stay stored (they are allowed pairs).
    return sp.csr_array((vals.astype(np.float64), cols.astype(np.int64), indptr), shape=shape)


# --------------------------------------------------------------------------- internals


def _after_locks(lock: IntArray, cap: IntArray, n_rows: int) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    """Capacity left by the locked pairs, and which mentees are still free."""
    used = np.bincount(lock[:, 1], minlength=cap.shape[0])
    over = np.nonzero(used > cap)[0]
    if over.size:
        raise ValueError(
            f"locked pairs exceed mentor_capacity for mentor {over[0]} "
            f"({used[over[0]]} locked, capacity {cap[over[0]]})"
        )
    free_row = np.ones(n_rows, dtype=bool)
    free_row[lock[:, 0]] = False
    return cap - used, free_row


def _result(
    lock: IntArray,
    lock_scores: FloatArray,
    rows: IntArray,
    cols: IntArray,
    scores: FloatArray,
    *,
    solver: str,
    stats: dict[str, float],
    start: float,
) -> MatchResult:
    all_rows = np.concatenate([lock[:, 0], rows])
    all_cols = np.concatenate([lock[:, 1], cols])
    order = np.argsort(all_rows, kind="stable")
    pairs = np.stack([all_rows[order], all_cols[order]], axis=1).astype(np.int64)
    stats = {
        **stats,
        "n_matched": float(pairs.shape[0]),
        "n_locked": float(lock.shape[0]),
        "solve_seconds": time.perf_counter() - start,
    }
    total = float(math.fsum(np.concatenate([lock_scores, scores])))
    return MatchResult(pairs=pairs, total_score=total, solver=solver, stats=stats)


def _assign_dense_priced(
    dense: FloatArray, cap: IntArray, objective: str, lock: IntArray, start: float
) -> MatchResult | None:
    """:func:`assign` on a large dense matrix by pruning and pricing (``matchmaker._priced``).

    ``None`` when the matrix is small enough for the direct solvers, or when pricing
    could not certify its answer; the caller then solves all pairs.
    """
    n_rows, n_cols = dense.shape
    lock_scores = dense[lock[:, 0], lock[:, 1]]
    forbidden = np.flatnonzero(~np.isfinite(lock_scores))
    if forbidden.size:
        bad = lock[forbidden[0]]
        raise ValueError(f"locked pair ({bad[0]}, {bad[1]}) is a forbidden pair in scores")
    residual, free_row = _after_locks(lock, cap, n_rows)
    row_ids = np.flatnonzero(free_row)
    col_ids = np.flatnonzero(residual > 0)
    slots = int(np.minimum(residual, row_ids.shape[0]).sum())
    if row_ids.shape[0] * col_ids.shape[0] < _PRICED_MIN_CELLS or row_ids.shape[0] * slots <= _LSA_MAX_CELLS:
        return None
    whole = row_ids.shape[0] == n_rows and col_ids.shape[0] == n_cols
    work = dense if whole else dense[np.ix_(row_ids, col_ids)]
    solved = solve_dense_priced(work, residual[col_ids], objective)
    if solved is None:
        return None
    r, c, bound, rounds, n_candidates, solver = solved
    rows, cols = row_ids[r], col_ids[c]
    return _result(
        lock,
        lock_scores,
        rows,
        cols,
        dense[rows, cols],
        solver=f"{solver}+pricing",
        stats={
            "n_candidates": float(n_candidates),
            "score_error_bound": float(bound),
            "pricing_rounds": float(rounds),
        },
        start=start,
    )


def _lookup(cand: Candidates, keys: IntArray, rows: IntArray, cols: IntArray) -> FloatArray:
    """Scores of chosen pairs, read back from the original float input."""
    if rows.shape[0] == 0:
        return np.zeros(0, dtype=np.float64)
    pos = np.searchsorted(keys, rows * np.int64(cand.n_cols) + cols)
    return cand.scores[pos]


def _sparse_top_k(groups: IntArray, vals: FloatArray, n_groups: int, k: int) -> IntArray:
    """Indices of the ``k`` largest ``vals`` within each group (``groups`` sorted)."""
    if k == 0 or groups.shape[0] == 0:
        return empty_ints()
    order = np.lexsort((-vals, groups))  # by group, then descending score
    starts = np.searchsorted(groups[order], np.arange(n_groups))
    rank = np.arange(order.shape[0]) - np.repeat(starts, np.diff(np.append(starts, order.shape[0])))
    return np.sort(order[rank < k])


def _lsa_fits(sub: Candidates, residual: IntArray, free_row: npt.NDArray[np.bool_], objective: str) -> bool:
    n_free = int(np.count_nonzero(free_row))
    slots = int(np.minimum(residual, n_free).sum())
    if n_free * slots > _LSA_MAX_CELLS:
        return False
    if objective == "score":
        return True
    # Participation needs a complete matrix: forbidden cells would need a big-M cost,
    # which float arithmetic cannot keep exact.
    n_open = int(np.count_nonzero(residual > 0))
    return len(sub) == n_free * n_open


def _solve_lsa(
    sub: Candidates, residual: IntArray, free_row: npt.NDArray[np.bool_]
) -> tuple[IntArray, IntArray]:
    check_magnitude(float(np.max(np.abs(sub.scores), initial=0.0)))
    row_ids = np.nonzero(free_row)[0]
    col_ids = np.nonzero(residual > 0)[0]
    row_pos = np.full(sub.n_rows, -1, dtype=np.int64)
    row_pos[row_ids] = np.arange(row_ids.shape[0])
    col_pos = np.full(sub.n_cols, -1, dtype=np.int64)
    col_pos[col_ids] = np.arange(col_ids.shape[0])
    # Forbidden cells cost 0 (= leaving the mentee unmatched); under "score" this is exact
    # because an allowed pair is only worth taking when its score is >= 0.
    benefit = np.zeros((row_ids.shape[0], col_ids.shape[0]), dtype=np.float64)
    allowed = np.zeros_like(benefit, dtype=bool)
    benefit[row_pos[sub.rows], col_pos[sub.cols]] = sub.scores
    allowed[row_pos[sub.rows], col_pos[sub.cols]] = True
    reps = np.minimum(residual[col_ids], row_ids.shape[0])
    slot_col = np.repeat(np.arange(col_ids.shape[0]), reps)
    r, c = linear_sum_assignment(benefit[:, slot_col], maximize=True)
    c = slot_col[c]
    ok = allowed[r, c]
    return row_ids[r[ok]].astype(np.int64), col_ids[c[ok]].astype(np.int64)


def _warm_start(warm: MatchResult | None, n_rows: int) -> WarmStart | None:
    """Each mentee's mentor and each mentor's price in ``warm`` (``None`` without duals)."""
    if warm is None or warm.duals is None:
        return None
    mentor_of = np.full(n_rows, -1, dtype=np.int64)
    mentor_of[warm.pairs[:, 0]] = warm.pairs[:, 1]
    return WarmStart(mentor_of=mentor_of, price=warm.duals[1])


def _score_duals(
    duals: AssignmentDuals, scale: float, residual: IntArray, free_row: npt.NDArray[np.bool_]
) -> tuple[FloatArray, FloatArray]:
    """The solver's integer duals in score units, for pricing left-out pairs.

    A locked mentee cannot move and a mentor full of locked pairs cannot take anyone:
    both get ``+inf`` so that no pair of theirs ever prices out.
    """
    profit = duals.row / scale
    price = duals.col / scale
    profit[~free_row] = np.inf
    price[residual <= 0] = np.inf
    return profit, price
