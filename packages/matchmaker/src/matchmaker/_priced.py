"""Exact assignment on a dense score matrix by candidate pruning and pricing.

A dense ``n x m`` matrix has ``n * m`` allowed pairs, but an optimal assignment uses
only pairs near the top of each mentee's row. So the solver is given each mentee's
best few mentors; its optimum comes with LP duals (the solver's prices, or
``matchmaker._duals`` when a mentee stays unmatched), and every
pair left out is priced against them: a pair can only improve the matching if its
weight exceeds ``u_i + v_j``. Such pairs join the candidates and the solve repeats.
When no pair prices out, the duals prove the matching optimal on the whole matrix, so
pruning loses nothing. One or two rounds are typical.

Pricing is cheap because most rows never need looking at: the top-k remembers each
row's largest entry left out, and a row whose ``u_i`` plus the smallest mentor price
already reaches it cannot gain, so it is skipped.

References
----------
.. [1] G. B. Dantzig, P. Wolfe, "Decomposition principle for linear programs",
   *Operations Research* 8(1), 1960 (pricing out columns left out of the LP).
.. [2] R. K. Ahuja, T. L. Magnanti, J. B. Orlin, *Network Flows*, Prentice Hall, 1993,
   ch. 9 (reduced-cost optimality conditions).
"""

from __future__ import annotations

import math

import numba
import numpy as np
import numpy.typing as npt

from matchmaker._auction import solve_assignment
from matchmaker._duals import AssignmentDuals, assignment_duals, participation_offset
from matchmaker._validation import Candidates, empty_ints

__all__ = ["dense_top_k", "solve_dense_priced"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# Each mentee's best mentors the first solve starts from. On the G4 instance (5,000 x
# 1,250, capacity 4) 12 settles it in one round; 8 needs three, 6 four, as each round's
# new pairs let a few more mentees move.
FIRST_K = 12
MAX_ROUNDS = 40
# Pairs a round may add per mentee, at least: enough that a mentee left unmatched by the
# first solve finds a place within a few rounds.
_MIN_NEW_PER_ROW = 8
# Cells per block of rows read at once, to bound temporary copies (~32 MB of float64).
_BLOCK_CELLS = 4_000_000
# Weights stay far below 2**63 so prices, sums and the participation offset cannot overflow.
_MAX_OFFSET = 2**60


def dense_top_k(dense: FloatArray, k: int) -> tuple[IntArray, IntArray, FloatArray]:
    """Each row's ``k`` largest finite entries, in row-major order.

    Returns ``(rows, cols, bound)`` where ``bound[i]`` is the largest finite entry of row
    ``i`` that was not kept (``-inf`` when the whole row was kept).

    One pass over each row with a small sorted buffer: after the first few entries
    nearly every entry is rejected by a single comparison with the buffer's smallest.
    """
    n, m = dense.shape
    if n == 0 or m == 0 or k <= 0:
        return empty_ints(), empty_ints(), np.full(n, -np.inf)
    best = np.full((n, min(k, m)), m, dtype=np.int64)
    bound = np.full(n, -np.inf)
    _top_k_rows(np.ascontiguousarray(dense, dtype=np.float64), best, bound)
    best.sort(axis=1)
    rows = np.repeat(np.arange(n, dtype=np.int64), best.shape[1])
    cols = best.ravel()
    kept = cols < m
    return rows[kept], cols[kept], bound


# Rows per parallel task of the top-k scan (the rows are independent).
_TOP_K_TASK_ROWS = 64


@numba.njit(cache=True, parallel=True)
def _top_k_rows(dense: FloatArray, best: IntArray, bound: FloatArray) -> None:
    """Fill ``best[i]`` with the columns of row ``i``'s largest finite entries (``m`` pads
    rows with fewer) and ``bound[i]`` with the largest finite entry left out."""
    n, m = dense.shape
    k = best.shape[1]
    for task in numba.prange((n + _TOP_K_TASK_ROWS - 1) // _TOP_K_TASK_ROWS):
        # The k + 1 largest, descending: the last one is the largest left out.
        kept = np.empty(k + 1, dtype=np.float64)
        at = np.empty(k + 1, dtype=np.int64)
        for i in range(task * _TOP_K_TASK_ROWS, min(n, (task + 1) * _TOP_K_TASK_ROWS)):
            count = 0
            for j in range(m):
                x = dense[i, j]
                if count == k + 1:
                    if not x > kept[k]:  # also drops NaN
                        continue
                    count = k
                elif not x > -np.inf:  # -inf or NaN: a forbidden pair
                    continue
                pos = count
                while pos > 0 and kept[pos - 1] < x:
                    kept[pos] = kept[pos - 1]
                    at[pos] = at[pos - 1]
                    pos -= 1
                kept[pos] = x
                at[pos] = j
                count += 1
            for t in range(min(count, k)):
                best[i, t] = at[t]
            bound[i] = kept[k] if count == k + 1 else -np.inf


def solve_dense_priced(
    dense: FloatArray,
    capacity: IntArray,
    objective: str,
    *,
    first_k: int | None = None,
) -> tuple[IntArray, IntArray, float, int, int, str] | None:
    """Optimal assignment of a dense matrix whose rows are all free and columns all open.

    Returns ``(rows, cols, error_bound, rounds, n_candidates, solver)``, or ``None`` when the
    duals could not be built (the caller then solves the whole matrix).
    """
    dense = np.ascontiguousarray(dense, dtype=np.float64)
    n, m = dense.shape
    first = FIRST_K if first_k is None else first_k
    rows, cols, pruned_max = dense_top_k(dense, first)
    keys = rows * np.int64(m) + cols
    flat = dense.ravel()
    big_score: float | None = None
    for rounds in range(1, MAX_ROUNDS + 1):
        vals = flat[keys]
        keep = vals >= 0 if objective == "score" else np.ones(keys.shape[0], dtype=bool)
        sub = Candidates(rows[keep], cols[keep], vals[keep], (n, m))
        proof: AssignmentDuals | None = None
        if len(sub):
            sol, solver = solve_assignment(sub, capacity, objective)
            chosen, weights, scale, error = sol.chosen, sol.weights, sol.scale, sol.error_bound
            proof = sol.duals
        else:
            chosen, weights, scale, error = np.zeros(0, dtype=bool), empty_ints(), 1.0, 0.0
            solver = "none"
        matched_col = np.full(n, -1, dtype=np.int64)
        matched_col[sub.rows[chosen]] = sub.cols[chosen]

        offset: int | None = 0
        if objective == "participation":
            if np.all(matched_col[sub.rows] >= 0):
                offset = None  # everyone with a candidate is matched: no offset needed
            else:
                if big_score is None:
                    big_score = _largest_magnitude(dense)
                offset = participation_offset(n, math.ceil(big_score * scale))
                if offset > _MAX_OFFSET:
                    return None
        # The solver's own duals are a proof for the whole matrix too, unless a mentee is
        # left unmatched: then the offset must outweigh every pair, not just candidates.
        duals = proof if proof is not None and not offset else None
        if duals is None:
            duals = assignment_duals(sub.rows, sub.cols, weights, matched_col, capacity, offset=offset)
        if duals is None:
            return None
        new_keys = _price(
            dense, duals, scale=scale, pruned_max=pruned_max, keys=keys, per_row=max(first, _MIN_NEW_PER_ROW)
        )
        if new_keys.shape[0] == 0:
            return sub.rows[chosen], sub.cols[chosen], error, rounds, len(sub), solver
        keys = np.union1d(keys, new_keys)
        rows, cols = keys // m, keys % m
    return None


def _price(
    dense: FloatArray,
    duals: AssignmentDuals,
    *,
    scale: float,
    pruned_max: FloatArray,
    keys: IntArray,
    per_row: int,
) -> IntArray:
    """Keys of left-out pairs whose rounded weight exceeds ``u_i + v_j``, at most
    ``per_row`` per mentee (those gaining most)."""
    n, m = dense.shape
    col = duals.col
    lowest_price = int(col.min()) if m else 0
    # A left-out pair of row i weighs at most rint(pruned_max[i] * scale) <= ceiling[i];
    # compared in integers, as the duals are far larger than float64's exact range allows.
    with np.errstate(over="ignore", invalid="ignore"):
        top = np.minimum(pruned_max * scale, 2.0**61)
    has_left_out = top > -(2.0**61)  # -inf: the whole row is a candidate already
    ceiling = np.zeros(n, dtype=np.int64)
    ceiling[has_left_out] = np.ceil(top[has_left_out]).astype(np.int64) + 1
    suspects = np.flatnonzero(has_left_out & (ceiling > duals.row + lowest_price))
    found: list[IntArray] = []
    chunk = max(1, _BLOCK_CELLS // max(m, 1))
    for s in range(0, suspects.shape[0], chunk):
        ids = suspects[s : s + chunk]
        block = dense[ids]
        # Integer weights exactly as the solver would round them; forbidden pairs sink.
        with np.errstate(over="ignore", invalid="ignore"):
            scaled = np.where(np.isfinite(block), np.clip(block * scale, -(2.0**62), 2.0**62), -(2.0**62))
        reduced = np.rint(scaled).astype(np.int64) - col[None, :]
        gaining = reduced > duals.row[ids][:, None]
        crowded = np.count_nonzero(gaining, axis=1) > per_row
        if np.any(crowded):
            # Only each row's best few: a mentee left unmatched prices out nearly its
            # whole row, and one better mentor per round is all it can take.
            sub = np.where(gaining[crowded], reduced[crowded], np.iinfo(np.int64).min)
            best = np.argpartition(sub, -per_row, axis=1)[:, -per_row:]
            gaining[crowded] = False
            gaining[np.flatnonzero(crowded)[:, None], best] = True
            gaining[crowded] &= reduced[crowded] > duals.row[ids][crowded][:, None]
        rr, cc = np.nonzero(gaining)
        found.append(ids[rr] * np.int64(m) + cc)
    if not found:
        return empty_ints()
    new = np.concatenate(found)
    pos = np.searchsorted(keys, new)
    already = (pos < keys.shape[0]) & (keys[np.minimum(pos, max(keys.shape[0] - 1, 0))] == new)
    return new[~already] if keys.shape[0] else new


def _largest_magnitude(dense: FloatArray) -> float:
    """Largest finite ``|score|`` in the matrix, read in blocks."""
    best = 0.0
    chunk = max(1, _BLOCK_CELLS // max(dense.shape[1], 1))
    for s in range(0, dense.shape[0], chunk):
        block = dense[s : s + chunk]
        best = max(best, float(np.max(np.abs(block), where=np.isfinite(block), initial=0.0)))
    return best
