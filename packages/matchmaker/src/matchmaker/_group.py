"""Group formation: one mentor, several mentees, size bounds, fit plus cohesion."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from matchmaker._assign import assign
from matchmaker._result import MatchResult
from matchmaker._validation import as_candidates, check_capacity, check_int, check_magnitude, is_sparse

__all__ = ["form_groups"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def form_groups(
    fit: Any,
    cohesion: Any,
    mentor_capacity: Any = None,
    *,
    min_size: int = 2,
    max_size: int = 6,
    cohesion_weight: float = 1.0,
    max_rounds: int = 50,
    seed: int | np.random.Generator | None = None,
) -> MatchResult:
    """Form mentoring groups: each mentor leads at most one group of mentees.

    Maximises, first, the number of mentees placed, then
    ``sum fit[i, mentor(i)] + cohesion_weight * sum_{i < k in the same group} cohesion[i, k]``.

    Parameters
    ----------
    fit : array_like of float, shape (n_mentees, n_mentors), or scipy.sparse matrix
        Mentee-to-mentor fit, forbidden pairs as in :func:`matchmaker.assign`.
    cohesion : array_like of float, shape (n_mentees, n_mentees), or scipy.sparse matrix
        Symmetric mentee-to-mentee affinity (unstored sparse entries count as 0). The
        diagonal is ignored.
    mentor_capacity : int or array_like of int, optional
        Largest group per mentor (further capped by ``max_size``). Default: ``max_size``.
    min_size, max_size : int
        Bounds on the size of every group that is formed; a mentor whose group would be
        smaller than ``min_size`` leads no group.
    cohesion_weight : float, default 1.0
        Weight of cohesion against fit (0 gives the exact fit-only optimum).
    max_rounds : int, default 50
        Maximum number of local-search sweeps over all mentees.
    seed : int or numpy.random.Generator, optional
        Order in which the local search visits mentees (the result is a local optimum
        whatever the order; the order only picks which one).

    Returns
    -------
    MatchResult
        ``pairs`` (mentee, mentor) sorted by mentee; ``total_score`` is the objective above.
        ``stats`` has ``fit_total``, ``cohesion_total``, ``n_groups``, ``n_moves``,
        ``rounds`` and ``local_optimum`` (1.0 when no improving move was left).

    Raises
    ------
    ValueError
        If ``fit`` or ``cohesion`` has the wrong shape, ``cohesion`` is not finite and
        symmetric, ``mentor_capacity`` is invalid, ``1 <= min_size <= max_size`` fails,
        ``cohesion_weight`` is negative or not finite, or ``max_rounds`` is negative.

    Notes
    -----
    Two phases.

    1. *Exact fit phase.* :func:`matchmaker.assign` (participation objective) places
       mentees with each mentor's capacity set to ``min(mentor_capacity, max_size)``.
       While some group is non-empty but below ``min_size``, the mentor with the smallest
       such group (ties: lowest fit total) is closed and the assignment is re-solved.
       Each solve is exactly optimal for its set of open mentors; choosing which mentors
       to open under a lower bound is a facility-location problem (NP-hard in general),
       and this closing rule is a heuristic for that choice.
    2. *Local search.* Moves of one mentee to another open group with room (its own
       group may close, when ``min_size`` is 1), swaps of
       two mentees between groups, swaps of a placed and an unplaced mentee, and
       insertions of unplaced mentees into groups with room. The best improving move for
       each visited mentee is applied (O(n_mentees + n_mentors) per visit with an
       incrementally maintained mentee-by-group cohesion matrix) until a full sweep finds
       none or ``max_rounds`` is reached.

    Guarantees: every group respects ``min_size``/``max_size``/capacity, forbidden fit
    pairs are never used, the number of placed mentees never decreases in phase 2, the
    objective is at least that of the phase-1 solution, and with ``local_optimum == 1``
    no single move or swap improves it. With ``cohesion_weight=0`` the result is the
    exact fit optimum for the open mentors. It is *not* a global optimum in general:
    with cohesion the problem contains max-sum clustering, which is NP-hard.

    References
    ----------
    .. [1] R. K. Ahuja, T. L. Magnanti, J. B. Orlin, *Network Flows*, Prentice Hall, 1993.
    .. [2] B. W. Kernighan, S. Lin, "An efficient heuristic procedure for partitioning
       graphs", *Bell System Technical Journal* 49(2), 1970 (pairwise swap local search).
    .. [3] M. R. Garey, D. S. Johnson, *Computers and Intractability*, Freeman, 1979
       (partition into cliques / clustering are NP-hard).

    Examples
    --------
    >>> import numpy as np
    >>> from matchmaker import form_groups
    >>> fit = np.array([[1.0, 0.9], [1.0, 0.9], [0.9, 1.0], [0.9, 1.0]])
    >>> coh = np.array([[0, 0, 1, 0], [0, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, 0]], float)
    >>> form_groups(fit, coh, min_size=2, max_size=2, cohesion_weight=0).pairs.tolist()
    [[0, 0], [1, 0], [2, 1], [3, 1]]
    >>> res = form_groups(fit, coh, min_size=2, max_size=2, cohesion_weight=1)
    >>> g = res.pairs[:, 1]  # cohesion regroups {0, 2} and {1, 3}
    >>> bool(g[0] == g[2] and g[1] == g[3] and g[0] != g[1]), round(res.total_score, 2)
    (True, 5.8)
    """
    f = _dense_fit(fit)
    n, m = f.shape
    c = _dense_cohesion(cohesion, n)
    min_size = check_int(min_size, "min_size", minimum=1)
    max_size = check_int(max_size, "max_size", minimum=min_size)
    if not math.isfinite(cohesion_weight) or cohesion_weight < 0:
        raise ValueError(f"cohesion_weight must be finite and non-negative, got {cohesion_weight!r}")
    max_rounds = check_int(max_rounds, "max_rounds")
    max_size = min(max_size, max(n, min_size))  # (no group is larger than the pool)
    cap = (
        np.full(m, max_size, dtype=np.int64)
        if mentor_capacity is None
        else np.minimum(check_capacity(mentor_capacity, m, name="mentor_capacity"), max_size)
    )
    cap[cap < min_size] = 0
    try:
        rng = np.random.default_rng(seed)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"seed must be a non-negative integer or a numpy Generator: {exc}") from exc

    group = _fit_phase(f, cap, min_size)
    moves, rounds, local_opt = _local_search(
        f,
        c,
        cap,
        group,
        min_size=min_size,
        lam=float(cohesion_weight),
        max_rounds=max_rounds,
        rng=rng,
    )

    placed = np.nonzero(group >= 0)[0]
    fit_total = float(math.fsum(f[placed, group[placed]]))
    same = (group[:, None] == group[None, :]) & (group[:, None] >= 0)
    coh_total = float(np.triu(np.where(same, c, 0.0), 1).sum())
    pairs = np.stack([placed, group[placed]], axis=1).astype(np.int64).reshape(-1, 2)
    stats = {
        "fit_total": fit_total,
        "cohesion_total": coh_total,
        "n_groups": float(np.unique(group[placed]).shape[0]),
        "n_moves": float(moves),
        "rounds": float(rounds),
        "local_optimum": 1.0 if local_opt else 0.0,
    }
    return MatchResult(
        pairs=pairs,
        total_score=fit_total + float(cohesion_weight) * coh_total,
        solver="flow+local-search",
        stats=stats,
    )


def _dense_fit(fit: Any) -> FloatArray:
    cand = as_candidates(fit, name="fit")
    dense = np.full(cand.shape, -np.inf)
    dense[cand.rows, cand.cols] = cand.scores
    return dense


def _dense_cohesion(cohesion: Any, n: int) -> FloatArray:
    if is_sparse(cohesion):
        c = np.asarray(sp.csr_array(cohesion).toarray(), dtype=np.float64)
    else:
        try:
            c = np.array(cohesion, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"cohesion must be a numeric array: {exc}") from exc
    if c.shape != (n, n):
        raise ValueError(f"cohesion must have shape ({n}, {n}) to match fit, got {c.shape}")
    np.fill_diagonal(c, 0.0)
    if not np.all(np.isfinite(c)):
        raise ValueError("cohesion must be finite (no NaN or inf)")
    check_magnitude(float(np.max(np.abs(c), initial=0.0)), "cohesion")
    if not np.allclose(c, c.T, rtol=1e-9, atol=1e-12):
        raise ValueError("cohesion must be symmetric")
    return c


def _fit_phase(f: FloatArray, cap: IntArray, min_size: int) -> IntArray:
    """Exact participation-then-fit assignment, closing mentors whose group is too small."""
    n, m = f.shape
    cap = cap.copy()
    while True:
        res = assign(f, cap)
        group = np.full(n, -1, dtype=np.int64)
        group[res.pairs[:, 0]] = res.pairs[:, 1]
        size = np.bincount(res.pairs[:, 1], minlength=m)
        small = np.nonzero((size > 0) & (size < min_size))[0]
        if small.size == 0:
            return group
        fit_sum = np.bincount(res.pairs[:, 1], weights=f[res.pairs[:, 0], res.pairs[:, 1]], minlength=m)
        worst = small[np.lexsort((fit_sum[small], size[small]))[0]]
        cap[worst] = 0


def _local_search(
    f: FloatArray,
    c: FloatArray,
    cap: IntArray,
    group: IntArray,
    *,
    min_size: int,
    lam: float,
    max_rounds: int,
    rng: np.random.Generator,
) -> tuple[int, int, bool]:
    """Best-improvement moves per visited mentee; mutates ``group`` in place."""
    n, m = f.shape
    allowed = np.isfinite(f)
    fz = np.where(allowed, f, 0.0)
    onehot = np.zeros((n, m))
    placed = group >= 0
    onehot[np.nonzero(placed)[0], group[placed]] = 1.0
    s = c @ onehot  # s[i, g] = cohesion of i with the members of group g
    size = onehot.sum(axis=0).astype(np.int64)
    open_ = size > 0
    scale = max(1.0, float(np.abs(fz).max(initial=0.0)), lam * float(np.abs(c).max(initial=0.0)))
    tol = 1e-12 * scale * max(n, 1)
    moves = 0

    def relocate(i: int, a: int, b: int) -> None:
        if a >= 0:
            s[:, a] -= c[:, i]
            size[a] -= 1
        if b >= 0:
            s[:, b] += c[:, i]
            size[b] += 1
        group[i] = b

    for rnd in range(1, max_rounds + 1):
        improved = False
        for i in rng.permutation(n).tolist():
            a = int(group[i])
            if a < 0:
                # Insertion raises participation: always take the best one available.
                room = open_ & (size < cap) & allowed[i]
                if room.any():
                    gain = np.where(room, fz[i] + lam * s[i], -np.inf)
                    relocate(i, a, int(np.argmax(gain)))
                    moves += 1
                    improved = True
                continue
            base = fz[i, a] + lam * s[i, a]
            best, kind, arg = tol, "", -1
            # relocate i to another open group with room (a keeps min_size, or closes:
            # a group of one may empty when min_size is 1)
            if size[a] > min_size or size[a] == 1:
                room = open_ & (size < cap) & allowed[i]
                room[a] = False
                if room.any():
                    gain = np.where(room, fz[i] + lam * s[i] - base, -np.inf)
                    b = int(np.argmax(gain))
                    if gain[b] > best:
                        best, kind, arg = float(gain[b]), "move", b
            # swap i with k in another group, or with an unplaced k
            gk = group.copy()
            other = gk != a
            ok = other & allowed[:, a]
            ok[gk >= 0] &= allowed[i, gk[gk >= 0]]
            if ok.any():
                idx = np.nonzero(ok)[0]
                kg = gk[idx]
                in_b = kg >= 0
                bb = np.where(in_b, kg, 0)
                gain = fz[idx, a] - lam * c[idx, i] + lam * s[idx, a] - base
                gain = gain + np.where(
                    in_b,
                    fz[i, bb] + lam * (s[i, bb] - c[i, idx]) - fz[idx, bb] - lam * s[idx, bb],
                    0.0,
                )
                j = int(np.argmax(gain))
                if gain[j] > best:
                    best, kind, arg = float(gain[j]), "swap", int(idx[j])
            if kind == "move":
                relocate(i, a, arg)
            elif kind == "swap":
                k = arg
                b = int(group[k])
                relocate(i, a, -1)
                relocate(k, b, a)
                relocate(i, -1, b)
            if kind:
                moves += 1
                improved = True
        if not improved:
            return moves, rnd, True
    return moves, max_rounds, False
