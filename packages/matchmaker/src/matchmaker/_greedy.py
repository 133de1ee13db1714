"""Greedy first-come matching: the baseline that naive matching tools implement."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from matchmaker._result import MatchResult
from matchmaker._validation import as_candidates, check_capacity, unique_ints

__all__ = ["greedy_assign"]


def greedy_assign(scores: Any, mentor_capacity: Any, *, order: Any = None) -> MatchResult:
    """First-come greedy matching: each mentee in turn takes their best remaining mentor.

    This is the baseline for Tandem's comparison goal G8: it is what a sign-up form with
    "pick the best available mentor" does, and :func:`matchmaker.assign` is measured against
    it (more people matched, more total fit).

    Parameters
    ----------
    scores : array_like of float, shape (n_mentees, n_mentors), or scipy.sparse matrix
        As for :func:`matchmaker.assign`: ``-inf``/NaN (dense) or unstored entries (sparse)
        are forbidden pairs.
    mentor_capacity : int or array_like of int, shape (n_mentors,)
        Maximum number of mentees per mentor.
    order : array_like of int, optional
        Arrival order of the mentees (a permutation of a subset of ``range(n_mentees)``);
        mentees not listed never arrive. Default: ``0, 1, ..., n_mentees - 1``.

    Returns
    -------
    MatchResult
        Pairs (mentee, mentor) sorted by mentee; ``solver == "greedy"``.

    Raises
    ------
    ValueError
        If ``scores`` or ``mentor_capacity`` is invalid, or ``order`` has an index out of
        range or a repeated mentee.

    Notes
    -----
    A mentee takes the allowed mentor with the highest score among those with capacity
    left (ties: lowest mentor index), whatever its sign, and stays unmatched only when none
    is left. Runs in ``O(E log E)`` for ``E`` allowed pairs. It is neither maximal in
    participation nor in score: an early mentee can take the only mentor a later mentee
    could have had.

    References
    ----------
    .. [1] B. Korte, J. Vygen, *Combinatorial Optimization*, 6th ed., Springer, 2018,
       sec. 13.4 (the greedy algorithm and its worst case on matchings).

    Examples
    --------
    >>> import numpy as np
    >>> from matchmaker import greedy_assign
    >>> scores = np.array([[0.9, 0.8], [0.7, -np.inf]])
    >>> greedy_assign(scores, 1).pairs.tolist()  # mentee 0 takes mentor 0, mentee 1 is left out
    [[0, 0]]
    """
    cand = as_candidates(scores, name="scores")
    n_rows, n_cols = cand.shape
    cap = check_capacity(mentor_capacity, n_cols, name="mentor_capacity")
    arrival = _check_order(order, n_rows)

    # Per mentee, candidates sorted by descending score (ties by mentor index).
    srt = np.lexsort((cand.cols, -cand.scores, cand.rows))
    cols = cand.cols[srt].tolist()
    vals = cand.scores[srt].tolist()
    starts = np.searchsorted(cand.rows[srt], np.arange(n_rows + 1)).tolist()
    left = cap.tolist()

    chosen_rows: list[int] = []
    chosen_cols: list[int] = []
    chosen_vals: list[float] = []
    for i in arrival.tolist():
        for e in range(starts[i], starts[i + 1]):
            j = cols[e]
            if left[j] > 0:
                left[j] -= 1
                chosen_rows.append(i)
                chosen_cols.append(j)
                chosen_vals.append(vals[e])
                break

    rows = np.asarray(chosen_rows, dtype=np.int64)
    out_cols = np.asarray(chosen_cols, dtype=np.int64)
    perm = np.argsort(rows, kind="stable")
    pairs = np.stack([rows[perm], out_cols[perm]], axis=1).reshape(-1, 2)
    return MatchResult(
        pairs=pairs,
        total_score=float(math.fsum(chosen_vals)),
        solver="greedy",
        stats={"n_candidates": float(len(cand)), "n_matched": float(pairs.shape[0])},
    )


def _check_order(order: Any, n_rows: int) -> npt.NDArray[np.int64]:
    if order is None:
        return np.arange(n_rows, dtype=np.int64)
    arr = np.asarray(order)
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64)
    if arr.ndim != 1 or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError("order must be a 1-D sequence of mentee indices")
    if np.any(arr < 0) or np.any(arr >= n_rows):
        raise ValueError(f"order names a mentee index outside 0..{n_rows - 1}")
    if unique_ints(arr).shape[0] != arr.shape[0]:
        raise ValueError("order repeats a mentee")
    return arr.astype(np.int64)
