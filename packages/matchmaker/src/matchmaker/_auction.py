"""Capacitated assignment by shortest augmenting paths, warm-started by an auction.

The exact part is a successive-shortest-path (Hungarian) method on the candidate graph
with integer weights: each mentee in turn is added along a shortest augmenting path
(Dijkstra on reduced costs, mentors as nodes, "stay unmatched" as an extra terminal),
and mentor prices rise by the distances, so that afterwards every pair satisfies
``u_i + v_j >= w_ij`` with equality on the matching. A mentor with room left must cost
nothing; where a warm price broke that, the price first drops as far as the seated
mentees allow, and then a reverse shortest path moves the spare place to a mentor whose
price can drop to zero, or to an unmatched mentee who can take it.
On its own this method is slow when capacity is tight: the last mentees each search
most of the graph for a free place. So prices are first estimated by an auction
(Bertsekas), in two coarse epsilon-scaling phases and a reverse pass for places left
empty; with those prices nearly every mentee lands at once.

The auction is only a guess; exactness comes from the augmenting paths, and
:func:`solve_auction` checks the final duals on every pair before answering (``None``
otherwise, and the caller solves with OR-Tools).

References
----------
.. [1] R. Jonker, A. Volgenant, "A shortest augmenting path algorithm for dense and
   sparse linear assignment problems", *Computing* 38(4), 1987.
.. [2] D. P. Bertsekas, D. A. Castanon, "A forward/reverse auction algorithm for
   asymmetric assignment problems", *Computational Optimization and Applications*
   1(3), 1992.
.. [3] R. K. Ahuja, T. L. Magnanti, J. B. Orlin, *Network Flows*, Prentice Hall, 1993,
   ch. 9 (successive shortest paths, reduced-cost optimality).
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np
import numpy.typing as npt

from matchmaker._duals import AssignmentDuals, participation_offset
from matchmaker._flow import FlowSolution, compact_ids, solve_flow
from matchmaker._validation import Candidates, check_magnitude, scale_exponent

__all__ = ["WarmStart", "solve_assignment", "solve_auction"]

IntArray = npt.NDArray[np.int64]
IntLike = int | np.int64  # kernels mix Python ints and int64 scalars read from arrays

_INF = np.int64(2**62)
# Weights (plus the participation offset) stay below this, so prices, distances and
# their sums stay far from int64 overflow.
_WEIGHT_LIMIT = 2**57
# Auction phases: epsilon starts at range / 2**6 and ends at range / 2**9 (one step of
# 8). Measured on the G5 candidate graph (100,000 x 25,000, 1.5M pairs): coarser leaves
# more to the augmenting paths, finer turns into long price wars.
_EPS_FIRST_SHIFT = 6
_EPS_LAST_SHIFT = 9
_EPS_FACTOR = 8
# Work budgets. Where these run out, the flow solver is faster: chiefly when some
# mentees cannot be matched at all (then each of them searches everything it can reach,
# and the auction wars over prices for them). Measured use, per mentee (bids) or per
# pair (scans): G4 graph 21 bids, 0 reverse scans, 2.5 augmenting scans; G5 graph 17,
# 11 and 3.6; a deficient top-20 graph of 20,000 mentees 131, 2 and 51.
_BIDS_PER_ROW = 40
_REVERSE_SCANS_PER_PAIR = 30
_AUGMENT_SCANS_PER_PAIR = 12
_MIN_BUDGET = 200_000  # small problems are cheap whatever they do


class WarmStart(NamedTuple):
    """An earlier optimum to re-solve from: each mentee's mentor (``-1``: none) and each
    mentor's price, in the caller's indices and score units."""

    mentor_of: IntArray
    price: npt.NDArray[np.float64]


def solve_assignment(
    sub: Candidates, residual: IntArray, objective: str, *, warm: WarmStart | None = None
) -> tuple[FlowSolution, str]:
    """Optimal assignment of the candidate pairs, and the name of the solver that proved it.

    The augmenting-path solver answers when its duals prove the optimum; otherwise the
    OR-Tools flow solver does.
    """
    solved = solve_auction(sub, residual, objective, warm=warm)
    if solved is not None:
        return solved, "auction+ssp"
    return solve_flow(sub, residual, objective), "ortools-mcf"  # pragma: no cover - a safety net


def solve_auction(
    sub: Candidates, residual: IntArray, objective: str, *, warm: WarmStart | None = None
) -> FlowSolution | None:
    """Optimal assignment of the candidate pairs, as :func:`matchmaker._flow.solve_flow`.

    With ``warm``, the augmenting paths start from its prices and matching instead of
    an auction's (and fall back to the auction if they run out of work budget).
    Returns ``None`` when a work budget runs out, or when the final duals do not prove
    the answer optimal (never seen); the caller then uses the flow solver.
    """
    rows, cols = sub.rows, sub.cols
    order = None if rows.shape[0] < 2 or np.all(rows[1:] >= rows[:-1]) else np.argsort(rows, kind="stable")
    if order is not None:
        rows, cols = rows[order], cols[order]
    scores = sub.scores if order is None else sub.scores[order]
    row_ids, row_idx = compact_ids(rows, sub.n_rows)
    col_ids, col_idx = compact_ids(cols, sub.n_cols)
    nr, nc = row_ids.shape[0], col_ids.shape[0]
    degree = np.bincount(col_idx, minlength=nc)
    cap = residual[col_ids].astype(np.int64)
    # Places kept per mentor: never more than the mentees who could take them. The
    # capacity itself still decides whether a mentor has room (and so must cost nothing).
    n_places = np.minimum(cap, degree)
    # Mentor j's places are first_place[j]:first_place[j + 1] in both kernels.
    first_place = np.zeros(nc + 1, dtype=np.int64)
    np.cumsum(n_places, out=first_place[1:])

    max_abs = float(np.max(np.abs(scores))) if scores.shape[0] else 0.0
    check_magnitude(max_abs)
    limit = min(2.0**53, _WEIGHT_LIMIT / (2 * nr + 3))
    scale = 2.0 ** scale_exponent(limit, max_abs, cap=1000)
    q = np.rint(scores * scale).astype(np.int64)
    offset = participation_offset(nr, int(np.max(np.abs(q)))) if objective == "participation" else 0

    indptr = np.zeros(nr + 1, dtype=np.int64)
    np.cumsum(np.bincount(row_idx, minlength=nr), out=indptr[1:])
    col_ptr = np.zeros(nc + 1, dtype=np.int64)
    np.cumsum(degree, out=col_ptr[1:])
    graph = (indptr, col_idx, col_ptr, *_by_column(row_idx, col_idx, col_ptr))

    scan_budget = max(_MIN_BUDGET, _AUGMENT_SCANS_PER_PAIR * q.shape[0])

    def augmented_from(prices: IntArray, guess: IntArray) -> IntArray | None:
        """The matching the augmenting paths reach from ``prices`` (updated in place to
        the final duals) and ``guess``, if they finish and their duals prove it."""
        match, augmented = _augment(*graph, q + offset, cap, first_place, prices, guess, scan_budget)
        proved = augmented and _proves_optimal(indptr, col_idx, q + offset, cap, match, prices)
        return match if proved else None

    match = None
    if warm is not None and q.shape[0]:
        # the earlier optimum's prices (in this solve's integer units) and its matching
        # (a price above every weight means nothing: clipped, so any input stays in range)
        known = np.nan_to_num(warm.price[col_ids], nan=0.0, posinf=0.0) * scale
        prices = np.rint(np.clip(known, 0.0, float(q.max() + offset))).astype(np.int64)
        local = np.full(sub.n_cols, -1, dtype=np.int64)
        local[col_ids] = np.arange(nc)
        had = warm.mentor_of[row_ids]
        match = augmented_from(prices, np.where(had >= 0, local[np.maximum(had, 0)], -1))
    if match is None:
        spread = int(q.max() - q.min()) if q.shape[0] else 0
        # The auction sees plain weights; staying unmatched costs twice the spread under
        # "participation" (a guess at prices only: the exact offset is enforced below).
        guess_unmatched = int(q.min()) - 2 * spread - 1 if objective == "participation" else 0
        eps_last = max(1, spread >> _EPS_LAST_SHIFT)
        eps_first = max(eps_last, spread >> _EPS_FIRST_SHIFT)
        budget = (
            max(_MIN_BUDGET, _BIDS_PER_ROW * nr),
            max(_MIN_BUDGET, _REVERSE_SCANS_PER_PAIR * q.shape[0]),
        )
        prices, guess, priced = _auction_prices(
            *graph, q, first_place, guess_unmatched, eps_first, eps_last, _EPS_FACTOR, *budget
        )
        match = augmented_from(prices, guess) if priced else None
        if match is None:
            return None
    chosen_local = match[row_idx] == col_idx
    chosen = np.zeros(len(sub), dtype=bool)
    if order is None:
        chosen = chosen_local
        weights = q
    else:
        chosen[order] = chosen_local
        weights = np.empty_like(q)
        weights[order] = q
    # The duals in the caller's indices: u_i is the profit of mentee i (0 if unmatched).
    col = np.zeros(sub.n_cols, dtype=np.int64)
    col[col_ids] = prices
    row = np.full(sub.n_rows, -offset, dtype=np.int64)
    row[rows[chosen_local]] = q[chosen_local] - prices[col_idx[chosen_local]]
    bound = (int(np.count_nonzero(chosen)) if objective == "participation" else nr) / scale
    return FlowSolution(
        chosen=chosen,
        weights=weights,
        scale=scale,
        error_bound=bound,
        duals=AssignmentDuals(row=row, col=col, offset=offset),
    )


# --------------------------------------------------------------------------- kernels
# Graph arguments: ``indptr, indices`` (pairs by mentee, CSR), ``col_ptr, col_rows,
# col_arc`` (the same pairs by mentor: mentee and position in the CSR arrays).


@numba.njit(cache=True)
def _by_column(rows: IntArray, cols: IntArray, col_ptr: IntArray) -> tuple[IntArray, IntArray]:
    """The pairs grouped by mentor (a counting sort): their mentees and positions."""
    fill = col_ptr[:-1].copy()
    col_rows = np.empty(rows.shape[0], dtype=np.int64)
    col_arc = np.empty(rows.shape[0], dtype=np.int64)
    for a in range(rows.shape[0]):
        at = fill[cols[a]]
        col_rows[at], col_arc[at] = rows[a], a
        fill[cols[a]] = at + 1
    return col_rows, col_arc


@numba.njit(cache=True)
def _cheapest_places(place: IntArray, first: IntLike, end: IntLike) -> tuple[IntLike, IntLike, IntLike]:
    """Lowest and second-lowest price among a mentor's places, and the cheapest place."""
    low, second, at = _INF, _INF, first
    for t in range(first, end):
        p = place[t, 0]
        if p < low:
            second, low, at = low, p, t
        elif p < second:
            second = p
    return low, second, at


@numba.njit(cache=True)
def _next(at: int, size: int) -> int:
    """The next position of a ring buffer (no division: this runs once per bid)."""
    return at + 1 if at + 1 < size else 0


@numba.njit(cache=True)
def _auction_prices(  # noqa: PLR0917 - a numba kernel takes its arrays positionally
    indptr: IntArray,
    indices: IntArray,
    col_ptr: IntArray,
    col_rows: IntArray,
    col_arc: IntArray,
    w: IntArray,
    first_place: IntArray,
    unmatched_value: int,
    eps_first: int,
    eps_last: int,
    factor: int,
    max_bids: int,
    max_reverse_scans: int,
) -> tuple[IntArray, IntArray, bool]:
    """Mentor prices from an epsilon-scaling auction; each place of a mentor is an object.

    Forward phases: a free mentee bids for the cheapest place of its best mentor, raising
    that place's price by its margin over the second-best option plus epsilon. Between
    phases only mentees no longer within epsilon of their best keep bidding. Then a
    reverse pass: an empty place with a positive price lowers it to win the mentee who
    values it most, or drops to zero. Returns each mentor's cheapest place price, each
    mentee's mentor in the auction (``-1``: none), and ``False`` if the work budget ran
    out first.
    """
    n, m = indptr.shape[0] - 1, first_place.shape[0] - 1
    total = first_place[m]
    owner = np.empty(total, dtype=np.int64)
    for j in range(m):
        owner[first_place[j] : first_place[j + 1]] = j
    # Memory layout for the scans, which are bound by cache misses: each place's
    # (price, holder) in one row; each mentee's (mentor, profit, place) in one row;
    # each mentee's arcs as (mentor, weight) rows; each mentor's arcs with their weights.
    place = np.zeros((total, 2), dtype=np.int64)
    place[:, 1] = -1
    held = np.empty((n, 3), dtype=np.int64)
    held[:, 0], held[:, 1], held[:, 2] = -1, unmatched_value, -1
    low = np.zeros(m, dtype=np.int64)
    second = np.full(m, _INF, dtype=np.int64)
    cheapest = first_place[:m].copy()
    for j in range(m):
        low[j], second[j], cheapest[j] = _cheapest_places(place, first_place[j], first_place[j + 1])
    ring = np.empty(max(n, total) + 1, dtype=np.int64)
    size = ring.shape[0]
    arcs = np.empty((indices.shape[0], 2), dtype=np.int64)
    arcs[:, 0], arcs[:, 1] = indices, w
    col_w = np.empty(col_arc.shape[0], dtype=np.int64)
    for q in range(col_arc.shape[0]):
        col_w[q] = w[col_arc[q]]

    eps = eps_first
    first_phase = True
    bids = reverse_scans = 0
    while True:
        head = tail = count = 0
        for i in range(n):
            if indptr[i + 1] == indptr[i]:
                continue
            if not first_phase:
                best = unmatched_value
                for a in range(indptr[i], indptr[i + 1]):
                    best = max(best, arcs[a, 1] - low[arcs[a, 0]])
                if held[i, 1] >= best - eps:
                    continue
                at = held[i, 2]
                if at >= 0:
                    place[at, 1] = -1
                    held[i, 2] = -1
                    held[i, 0], held[i, 1] = -1, unmatched_value
            ring[tail] = i
            tail, count = _next(tail, size), count + 1
        first_phase = False
        while count:
            i = ring[head]
            head, count = _next(head, size), count - 1
            v1, v2, j1, w1 = unmatched_value, -_INF, -1, 0
            for a in range(indptr[i], indptr[i + 1]):
                v = arcs[a, 1] - low[arcs[a, 0]]
                if v > v1:
                    v1, v2, j1, w1 = v, v1, arcs[a, 0], arcs[a, 1]
                elif v > v2:
                    v2 = v
            if j1 < 0:
                continue  # staying unmatched is best
            bids += 1
            if bids > max_bids:
                return low, held[:, 0], False
            v2 = max(v2, w1 - second[j1], np.int64(unmatched_value))
            t = cheapest[j1]
            outbid = place[t, 1]
            place[t, 0] += v1 - v2 + eps
            place[t, 1], held[i, 2] = i, t
            held[i, 0], held[i, 1] = j1, w1 - place[t, 0]
            low[j1], second[j1], cheapest[j1] = _cheapest_places(place, first_place[j1], first_place[j1 + 1])
            if outbid >= 0:
                held[outbid, 2] = -1
                held[outbid, 0], held[outbid, 1] = -1, unmatched_value
                ring[tail] = outbid
                tail, count = _next(tail, size), count + 1
        if eps <= eps_last:
            break
        eps = max(eps_last, eps // factor)

    # Reverse pass: empty places must end at price zero or win a mentee.
    head = tail = count = 0
    for t in range(total):
        if place[t, 1] < 0 and place[t, 0] > 0:
            ring[tail] = t
            tail, count = _next(tail, size), count + 1
    while count:
        t = ring[head]
        head, count = _next(head, size), count - 1
        if place[t, 1] >= 0 or place[t, 0] <= 0:
            continue
        j = owner[t]
        reverse_scans += col_ptr[j + 1] - col_ptr[j]
        if reverse_scans > max_reverse_scans:
            return low, held[:, 0], False
        b1, b2, i1, w1 = -_INF, -_INF, -1, 0
        for q in range(col_ptr[j], col_ptr[j + 1]):
            i = col_rows[q]
            if held[i, 0] == j:
                continue
            b = col_w[q] - held[i, 1]
            if b > b1:
                b1, b2, i1, w1 = b, b1, i, col_w[q]
            elif b > b2:
                b2 = b
        if b1 < 0:
            place[t, 0] = 0
        else:
            place[t, 0] = min(place[t, 0], max(0, b2 - eps))
            left = held[i1, 2]
            place[t, 1], held[i1, 2] = i1, t
            held[i1, 0], held[i1, 1] = j, w1 - place[t, 0]
            if left >= 0:
                place[left, 1] = -1
                if place[left, 0] > 0:
                    ring[tail] = left
                    tail, count = _next(tail, size), count + 1
                jl = owner[left]
                low[jl], second[jl], cheapest[jl] = _cheapest_places(
                    place, first_place[jl], first_place[jl + 1]
                )
        low[j], second[j], cheapest[j] = _cheapest_places(place, first_place[j], first_place[j + 1])
    mentor_of = np.full(n, -1, dtype=np.int64)
    for i in range(n):
        if held[i, 2] >= 0:
            mentor_of[i] = owner[held[i, 2]]
    return low, mentor_of, True


@numba.njit(cache=True)
def _push(keys: IntArray, vals: IntArray, size: int, key: IntLike, val: IntLike) -> int:
    i = size
    keys[i], vals[i] = key, val
    while i > 0:
        parent = (i - 1) >> 1
        if keys[parent] <= keys[i]:
            break
        keys[parent], keys[i] = keys[i], keys[parent]
        vals[parent], vals[i] = vals[i], vals[parent]
        i = parent
    return size + 1


@numba.njit(cache=True)
def _pop(keys: IntArray, vals: IntArray, size: int) -> tuple[IntLike, int, int]:
    key, val = keys[0], vals[0]
    size -= 1
    keys[0], vals[0] = keys[size], vals[size]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and keys[child + 1] < keys[child]:
            child += 1
        if keys[i] <= keys[child]:
            break
        keys[child], keys[i] = keys[i], keys[child]
        vals[child], vals[i] = vals[i], vals[child]
        i = child
    return key, val, size


@numba.njit(cache=True)
def _seat(places: IntArray, first: IntLike, end: IntLike, old: IntLike, new: IntLike) -> None:
    """Replace ``old`` by ``new`` in a mentor's places (``-1``: an empty place)."""
    for t in range(first, end):
        if places[t] == old:
            places[t] = new
            return


@numba.njit(cache=True)
def _augment(  # noqa: PLR0917 - a numba kernel takes its arrays positionally
    indptr: IntArray,
    indices: IntArray,
    col_ptr: IntArray,
    col_rows: IntArray,
    col_arc: IntArray,
    w: IntArray,
    cap: IntArray,
    first_place: IntArray,
    price: IntArray,
    guess: IntArray,
    max_scans: int,
) -> tuple[IntArray, bool]:
    """Optimal matching (mentor per mentee, ``-1``: unmatched) by shortest augmenting paths.

    ``price`` (updated in place) holds the warm start and ends as the mentor duals.
    Staying unmatched is worth 0, so a mentee's profit ``u_i`` is
    ``w[i, match] - price[match]`` when matched and 0 otherwise. Mentees whose
    ``guess`` is already a best mentor at these prices keep it; the others are added
    one by one. ``False`` when more than ``max_scans`` pairs were scanned (the matching
    is then unfinished).
    """
    n, m = indptr.shape[0] - 1, cap.shape[0]
    places = np.full(first_place[m], -1, dtype=np.int64)
    load = np.zeros(m, dtype=np.int64)
    # Rows for fewer cache misses: each mentee's (mentor, weight there), each mentee's
    # arcs as (mentor, weight), each mentor's arc weights in column order.
    state = np.zeros((n, 2), dtype=np.int64)
    state[:, 0] = -1
    arcs = np.empty((indices.shape[0], 2), dtype=np.int64)
    arcs[:, 0], arcs[:, 1] = indices, w
    col_w = np.empty(col_arc.shape[0], dtype=np.int64)
    for q in range(col_arc.shape[0]):
        col_w[q] = w[col_arc[q]]
    # Node m is "unmatched" (forward search) or a terminal marker (reverse search).
    dist = np.full(m + 1, _INF, dtype=np.int64)
    via_row = np.full(m + 1, -1, dtype=np.int64)
    via_weight = np.zeros(m + 1, dtype=np.int64)
    via_col = np.full(m, -1, dtype=np.int64)
    done = np.zeros(m + 1, dtype=np.bool_)
    touched = np.empty(m + 1, dtype=np.int64)
    heap_size = 2 * indices.shape[0] + 2 * n + 2 * m + 16
    keys = np.empty(heap_size, dtype=np.int64)
    vals = np.empty(heap_size, dtype=np.int64)

    pending = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        j, own, profit = guess[i], -1, np.int64(0)
        for a in range(indptr[i], indptr[i + 1]):
            profit = max(profit, arcs[a, 1] - price[arcs[a, 0]])
            if arcs[a, 0] == j:
                own = a
        if own >= 0 and load[j] < first_place[j + 1] - first_place[j] and arcs[own, 1] - price[j] == profit:
            _seat(places, first_place[j], first_place[j + 1], -1, i)
            load[j] += 1
            state[i, 0], state[i, 1] = j, arcs[own, 1]
        else:
            pending[i] = indptr[i + 1] > indptr[i]
    # A mentor left with room by mentees that were not seated costs too much: lower its
    # price as far as every seated mentee elsewhere still sits at a best choice. Fewer
    # such mentors need the (costly) repair below, and pending mentees see them cheaper.
    for j in range(m):
        if load[j] < cap[j] and price[j] > 0:
            floor = np.int64(0)
            for q in range(col_ptr[j], col_ptr[j + 1]):
                k = col_rows[q]
                y = state[k, 0]
                if y >= 0 and y != j:
                    floor = max(floor, col_w[q] - (state[k, 1] - price[y]))
            price[j] = min(price[j], floor)

    scans = 0
    for s in range(n):
        if not pending[s]:
            continue
        if scans > max_scans:
            return state[:, 0].copy(), False
        profit = np.int64(0)
        for a in range(indptr[s], indptr[s + 1]):
            profit = max(profit, arcs[a, 1] - price[arcs[a, 0]])
        n_touched = size = 0
        dist[m], via_row[m] = profit, s
        touched[n_touched] = m
        n_touched += 1
        size = _push(keys, vals, size, profit, m)
        for a in range(indptr[s], indptr[s + 1]):
            j = arcs[a, 0]
            d = profit - arcs[a, 1] + price[j]
            if d < dist[j]:
                if dist[j] == _INF:
                    touched[n_touched] = j
                    n_touched += 1
                dist[j], via_row[j], via_weight[j] = d, s, arcs[a, 1]
                size = _push(keys, vals, size, d, j)
        end = m
        length: IntLike = np.int64(0)
        while size:
            d, j, size = _pop(keys, vals, size)
            if done[j] or d > dist[j]:
                continue
            done[j] = True
            if j == m or load[j] < cap[j]:
                end, length = j, d
                break
            for t in range(first_place[j], first_place[j + 1]):
                k = places[t]
                profit_k = state[k, 1] - price[j]
                if d + profit_k < dist[m]:  # k could give up its place and stay unmatched
                    dist[m], via_row[m] = d + profit_k, k
                    size = _push(keys, vals, size, d + profit_k, m)
                for a in range(indptr[k], indptr[k + 1]):
                    nxt = arcs[a, 0]
                    if done[nxt]:
                        continue
                    nd = d + profit_k - arcs[a, 1] + price[nxt]
                    scans += 1
                    if nd < dist[nxt]:
                        if dist[nxt] == _INF:
                            touched[n_touched] = nxt
                            n_touched += 1
                        dist[nxt], via_row[nxt], via_weight[nxt] = nd, k, arcs[a, 1]
                        size = _push(keys, vals, size, nd, nxt)
        for q in range(n_touched):
            j = touched[q]
            if j != m and done[j] and dist[j] < length:
                price[j] += length - dist[j]
        j = end
        if j == m:  # the path ends with a mentee leaving its place
            k = int(via_row[m])
            j = int(state[k, 0]) if k != s else -1
            if j >= 0:
                _seat(places, first_place[j], first_place[j + 1], k, -1)
                load[j] -= 1
                state[k, 0] = -1
        while j >= 0:
            k = via_row[j]
            previous = int(state[k, 0])
            _seat(places, first_place[j], first_place[j + 1], -1, k)
            load[j] += 1
            state[k, 0], state[k, 1] = j, via_weight[j]
            if k == s:
                break
            _seat(places, first_place[previous], first_place[previous + 1], k, -1)
            load[previous] -= 1
            j = previous
        for q in range(n_touched):
            dist[touched[q]] = _INF
            done[touched[q]] = False

    # Repair: a mentor with room left must cost nothing. Its spare place moves along a
    # reverse shortest path (mentees shifting into it) to where a price can drop to zero
    # or an unmatched mentee can come in; prices on the way fall by the distances.
    for j0 in range(m):
        while load[j0] < cap[j0] and price[j0] > 0:
            if scans > max_scans:
                return state[:, 0].copy(), False
            n_touched = size = 0
            dist[j0] = 0
            touched[n_touched] = j0
            n_touched += 1
            size = _push(keys, vals, size, 0, j0)
            best, end, end_row, end_weight = _INF, -1, -1, np.int64(0)
            length = np.int64(0)
            while size:
                d, x, size = _pop(keys, vals, size)
                if x == m:  # the cheapest way out
                    length = d
                    break
                if done[x] or d > dist[x]:
                    continue
                done[x] = True
                if d + price[x] < best:  # end here: x's price drops to zero
                    best, end, end_row = d + price[x], x, -1
                    size = _push(keys, vals, size, best, m)
                for q in range(col_ptr[x], col_ptr[x + 1]):
                    k = col_rows[q]
                    y = state[k, 0]
                    if y == x:
                        continue
                    wk = col_w[q]
                    if y < 0:  # an unmatched mentee takes the place
                        r = d + price[x] - wk
                        if r < best:
                            best, end, end_row, end_weight = r, x, k, wk
                            size = _push(keys, vals, size, best, m)
                        continue
                    if done[y]:
                        continue
                    nd = d + state[k, 1] - price[y] + price[x] - wk
                    scans += 1
                    if nd < dist[y]:
                        if dist[y] == _INF:
                            touched[n_touched] = y
                            n_touched += 1
                        dist[y], via_row[y], via_weight[y], via_col[y] = nd, k, wk, x
                        size = _push(keys, vals, size, nd, y)
            for q in range(n_touched):
                x = touched[q]
                if done[x] and dist[x] < length:
                    price[x] -= length - dist[x]
            x = end
            while x != j0:
                k, into = via_row[x], via_col[x]
                _seat(places, first_place[x], first_place[x + 1], k, -1)
                load[x] -= 1
                _seat(places, first_place[into], first_place[into + 1], -1, k)
                load[into] += 1
                state[k, 0], state[k, 1] = into, via_weight[x]
                x = into
            if end_row >= 0:
                _seat(places, first_place[end], first_place[end + 1], -1, end_row)
                load[end] += 1
                state[end_row, 0], state[end_row, 1] = end, end_weight
            for q in range(n_touched):
                dist[touched[q]] = _INF
                done[touched[q]] = False
    return state[:, 0].copy(), True


@numba.njit(cache=True)
def _proves_optimal(  # noqa: PLR0917 - a numba kernel takes its arrays positionally
    indptr: IntArray, indices: IntArray, w: IntArray, cap: IntArray, match: IntArray, price: IntArray
) -> bool:
    """LP duality on every pair: prices and profits feasible, tight on the matching, zero
    for mentors with room and for unmatched mentees; capacities kept."""
    n, m = indptr.shape[0] - 1, cap.shape[0]
    load = np.zeros(m, dtype=np.int64)
    for i in range(n):
        if match[i] >= 0:
            load[match[i]] += 1
    for j in range(m):
        if price[j] < 0 or load[j] > cap[j] or (load[j] < cap[j] and price[j] != 0):
            return False
    for i in range(n):
        profit = np.int64(0)
        found = match[i] < 0
        for a in range(indptr[i], indptr[i + 1]):
            if indices[a] == match[i] and not found:
                profit = w[a] - price[match[i]]
                found = True
        if not found or profit < 0:
            return False
        for a in range(indptr[i], indptr[i + 1]):
            if w[a] - price[indices[a]] > profit:
                return False
    return True
