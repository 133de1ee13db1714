"""G1, G2, G7: stable matching with capacities and stable roommates.

Anchor: the `matching` package (PyPI) — ``HospitalResident`` and ``StableRoommates``.

* G1: ``stable`` vs ``HospitalResident`` (build + solve) at 20,000 mentees x 5,000 mentors,
  20-item lists; identical matching and 0 blocking pairs required, target >= 300x.
* G2: ``stable`` at 100,000 x 25,000, 20-item lists, <= 1.5 s including rank preparation;
  checked for 0 blocking pairs and against a plain sequential deferred acceptance.
* G7: ``stable_roommates`` vs ``StableRoommates`` at n = 1,000 (complete lists), one
  instance with and one without a stable matching; same verdict, ours stable, >= 100x.

Recursion limit: ``matching`` deep-copies its player graph in ``HospitalResident.__init__``
and ``StableRoommates.__init__``; with Python's default limit (1,000) it raises
``RecursionError`` from 500 x 125 residents/hospitals and from 200 roommates on. The
anchor therefore runs under ``sys.setrecursionlimit(10**7)`` (restored afterwards).
Tandem's code is iterative and runs under the default limit.

Run ``python benchmarks/bench_stable.py`` (the full sizes take ~10-15 minutes, almost all
of it in the anchor) or ``--quick`` for a smoke test at small sizes.
"""

from __future__ import annotations

import argparse
import heapq
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from _harness import Row, in_fresh_process, print_table, timed
from matching.exceptions import NoStableMatchingWarning
from matching.games import HospitalResident, StableRoommates
from matchmaker import stable, stable_roommates

ANCHOR_RECURSION_LIMIT = 10**7

# ----------------------------------------------------------------------------- instances


def hr_instance(
    n_mentees: int, n_mentors: int, k: int, seed: int
) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
    """Seeded hospitals/residents instance.

    Each mentee lists ``k`` distinct mentors drawn with Zipf-like popularity (weight
    ``1/rank**0.6``, ranks shuffled); each mentor ranks exactly the mentees who listed it,
    in random order; capacities are uniform on 1..7 (mean 4), so total capacity is about
    ``4 * n_mentors`` (= ``n_mentees`` for the sizes used here).
    Returns (mentee lists as an (n, k) array, mentor lists as arrays, capacities).
    """
    rng = np.random.default_rng(seed)
    weight = 1.0 / np.arange(1, n_mentors + 1) ** 0.6
    weight = weight[rng.permutation(n_mentors)]
    cdf = np.cumsum(weight / weight.sum())
    out = np.empty((n_mentees, k), dtype=np.int64)
    todo = np.arange(n_mentees)
    while todo.size:
        # Oversample 3k draws per row, keep each row's first k distinct values in draw order.
        draws = np.minimum(np.searchsorted(cdf, rng.random((todo.size, 3 * k))), n_mentors - 1)
        order = np.argsort(draws, axis=1, kind="stable")
        ranked = np.take_along_axis(draws, order, axis=1)
        dup = np.zeros_like(ranked, dtype=bool)
        dup[:, 1:] = ranked[:, 1:] == ranked[:, :-1]
        first = np.ones_like(dup)
        np.put_along_axis(first, order, ~dup, axis=1)
        enough = first.sum(axis=1) >= k
        position = np.where(first, np.arange(3 * k), 3 * k)
        pick = np.sort(position, axis=1)[:, :k]
        rows = np.flatnonzero(enough)
        out[todo[rows]] = np.take_along_axis(draws[rows], pick[rows], axis=1)
        todo = todo[~enough]
    mentee = np.repeat(np.arange(n_mentees), k)
    mentor = out.reshape(-1)
    order = np.lexsort((rng.random(mentee.size), mentor))
    bounds = np.cumsum(np.bincount(mentor, minlength=n_mentors))[:-1]
    mentor_lists = np.split(mentee[order], bounds)
    cap = rng.integers(1, 8, n_mentors)
    return out, mentor_lists, cap


def sr_instance(n: int, seed: int) -> list[list[int]]:
    """Complete random roommates lists (uniformly random permutations), seeded."""
    rng = np.random.default_rng(seed)
    return [rng.permutation(np.delete(np.arange(n), i)).tolist() for i in range(n)]


# ----------------------------------------------------------------------------- checks


def hr_violations(
    mentee: np.ndarray, mentor_lists: list[np.ndarray], cap: np.ndarray, pairs: np.ndarray
) -> int:
    """Blocking pairs + infeasibilities of ``pairs``, computed independently of matchmaker."""
    n_e, k = mentee.shape
    n_h = len(mentor_lists)
    e_m = np.repeat(np.arange(n_e), k)
    e_h = mentee.reshape(-1)
    e_col = np.tile(np.arange(k), n_e)
    lens = np.array([len(x) for x in mentor_lists])
    g_h = np.repeat(np.arange(n_h), lens)
    g_m = np.concatenate(mentor_lists) if n_h else np.zeros(0, dtype=np.int64)
    g_rank = np.arange(g_m.size) - np.repeat(np.cumsum(lens) - lens, lens)
    _, ie, ig = np.intersect1d(e_m * n_h + e_h, g_m * n_h + g_h, assume_unique=True, return_indices=True)
    m, h, col, rank = e_m[ie], e_h[ie], e_col[ie], g_rank[ig]
    mentor_of = np.full(n_e, -1)
    mentor_of[pairs[:, 0]] = pairs[:, 1]
    bad = len(pairs) - len(np.unique(pairs[:, 0]))  # a mentee matched twice
    counts = np.bincount(pairs[:, 1], minlength=n_h)
    bad += int(np.sum(counts > cap))
    matched = mentor_of[m] == h
    bad += len(pairs) - int(matched.sum())  # pairs that are not mutually acceptable
    my_col = np.full(n_e, k)
    my_col[m[matched]] = col[matched]
    worst = np.full(n_h, -1)
    np.maximum.at(worst, h[matched], rank[matched])
    blocking = (col < my_col[m]) & ((counts[h] < cap[h]) | (rank < worst[h]))
    return bad + int(blocking.sum())


def sequential_da(mentee: np.ndarray, mentor_lists: list[np.ndarray], cap: np.ndarray) -> np.ndarray:
    """Plain textbook mentee-proposing deferred acceptance (heaps), as an independent check."""
    n_e, k = mentee.shape
    prefs = mentee.tolist()
    rank: list[dict[int, int]] = [{m: r for r, m in enumerate(lst.tolist())} for lst in mentor_lists]
    caps = cap.tolist()
    held: list[list[tuple[int, int]]] = [[] for _ in mentor_lists]
    nxt = [0] * n_e
    free = list(range(n_e))
    while free:
        i = free.pop()
        while nxt[i] < k:
            j = prefs[i][nxt[i]]
            r = rank[j].get(i)
            if r is not None:
                heapq.heappush(held[j], (-r, i))
                if len(held[j]) <= caps[j]:
                    break
                _, loser = heapq.heappop(held[j])
                if loser != i:
                    nxt[loser] += 1
                    free.append(loser)
                    break
            nxt[i] += 1
    pairs = sorted((i, j) for j, hs in enumerate(held) for _, i in hs)
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def sr_blocking(prefs: list[list[int]], pairs: np.ndarray) -> int:
    """Blocking pairs of a roommates matching (complete lists; singles block with anyone)."""
    n = len(prefs)
    rank = np.empty((n, n), dtype=np.int64)
    for i, lst in enumerate(prefs):
        rank[i, lst] = np.arange(len(lst))
    mate_rank = np.full(n, n)
    mate_rank[pairs[:, 0]] = rank[pairs[:, 0], pairs[:, 1]]
    mate_rank[pairs[:, 1]] = rank[pairs[:, 1], pairs[:, 0]]
    np.fill_diagonal(rank, n)
    wants = rank < mate_rank[:, None]
    return int(np.triu(wants & wants.T, 1).sum())


# ----------------------------------------------------------------------------- anchor


def with_deep_recursion(fn: Callable[[], Any]) -> Any:
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(ANCHOR_RECURSION_LIMIT)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn()
    finally:
        sys.setrecursionlimit(old)


def anchor_hr(
    mentee_lists: list[list[int]], mentor_lists: list[list[int]], cap: list[int], optimal: str
) -> np.ndarray:
    resident_prefs = dict(enumerate(mentee_lists))
    hospital_prefs = dict(enumerate(mentor_lists))
    capacities = dict(enumerate(cap))

    def run() -> Any:
        game = HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs, capacities)
        return game.solve(optimal=optimal)

    result = with_deep_recursion(run)
    pairs = sorted((r.name, h.name) for h, rs in result.items() for r in rs)
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def anchor_sr(prefs: list[list[int]]) -> bool:
    """True when `matching` reports a stable matching (no warning and check_stability())."""

    def run() -> bool:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            game = StableRoommates.create_from_dictionary(dict(enumerate(prefs)))
            game.solve()
        warned = any(issubclass(w.category, NoStableMatchingWarning) for w in caught)
        return bool(not warned and game.check_stability())

    return bool(with_deep_recursion(run))


# ----------------------------------------------------------------------------- goals


def g1(n_e: int, n_h: int, quick: bool) -> list[Row]:
    mentee, mentor_arrays, cap = hr_instance(n_e, n_h, 20, seed=1)
    mentee_lists = mentee.tolist()
    mentor_lists = [a.tolist() for a in mentor_arrays]
    cap_list = cap.tolist()
    rows = []
    for proposing, optimal in [("mentee", "resident"), ("mentor", "hospital")][: 2 if quick else 1]:
        ours, t_ours = timed(stable, mentee_lists, mentor_lists, cap_list, proposing=proposing, repeat=5)
        theirs, t_anchor = timed(anchor_hr, mentee_lists, mentor_lists, cap_list, optimal)
        same = np.array_equal(ours.pairs, theirs)
        violations = hr_violations(mentee, mentor_arrays, cap, ours.pairs)
        ratio = t_anchor / t_ours
        ok = same and violations == 0 and (quick or ratio >= 300)
        rows.append(
            Row(
                "G1",
                f"{n_e:,}x{n_h:,} k=20 [{proposing}]",
                t_ours,
                "matching HR build+solve",
                t_anchor,
                "smoke: agree" if quick else ">=300x",
                ok,
                f"identical={same} blocking+infeasible={violations} matched={len(ours)} "
                f"proposals={int(ours.stats['proposals'])}; anchor needs recursionlimit",
            )
        )
    return rows


def _g2_child(n_e: int, n_h: int) -> None:
    mentee, mentor_arrays, cap = hr_instance(n_e, n_h, 20, seed=2)
    stable(mentee, mentor_arrays, cap)


def g2(n_e: int, n_h: int, quick: bool) -> list[Row]:
    mentee, mentor_arrays, cap = hr_instance(n_e, n_h, 20, seed=2)
    cold, t_cold = timed(stable, mentee, mentor_arrays, cap)
    result, t_best = timed(stable, mentee, mentor_arrays, cap, repeat=5)
    violations = hr_violations(mentee, mentor_arrays, cap, result.pairs)
    same_ref = bool(np.array_equal(result.pairs, sequential_da(mentee, mentor_arrays, cap)))
    _, peak = in_fresh_process(_g2_child, n_e, n_h)
    mentee_lists = mentee.tolist()
    mentor_lists = [a.tolist() for a in mentor_arrays]
    from_lists, t_lists = timed(stable, mentee_lists, mentor_lists, cap.tolist(), repeat=3)
    mentor_side, t_mentor = timed(stable, mentee, mentor_arrays, cap, proposing="mentor", repeat=3)
    mentor_violations = hr_violations(mentee, mentor_arrays, cap, mentor_side.pairs)
    ok = violations == 0 and same_ref and np.array_equal(from_lists.pairs, result.pairs)
    ok = ok and mentor_violations == 0 and np.array_equal(cold.pairs, result.pairs)
    return [
        Row(
            "G2",
            f"{n_e:,}x{n_h:,} k=20 arrays",
            t_best,
            "-",
            None,
            "<=1.5s",
            ok and (t_best <= 1.5 or quick),
            f"cold {t_cold:.3f}s; blocking+infeasible={violations}; equals sequential DA={same_ref}; "
            f"rounds={int(result.stats['rounds'])} proposals={int(result.stats['proposals'])}; "
            f"peak RSS {peak:.0f} MiB incl. instance generation",
        ),
        Row(
            "G2",
            f"{n_e:,}x{n_h:,} k=20 Python lists",
            t_lists,
            "-",
            None,
            "info",
            bool(np.array_equal(from_lists.pairs, result.pairs)),
            "same instance from list-of-lists input (includes list conversion)",
        ),
        Row(
            "G2",
            f"{n_e:,}x{n_h:,} k=20 [mentor]",
            t_mentor,
            "-",
            None,
            "info",
            mentor_violations == 0,
            f"mentor-proposing; blocking+infeasible={mentor_violations}; "
            f"proposals={int(mentor_side.stats['proposals'])}",
        ),
    ]


def g7(n: int, seeds: list[int], quick: bool) -> list[Row]:
    rows = []
    for seed in seeds:
        prefs = sr_instance(n, seed)
        ours, t_ours = timed(stable_roommates, prefs, repeat=5)
        verdict, t_anchor = timed(anchor_sr, prefs)
        blocking = 0 if ours is None else sr_blocking(prefs, ours.pairs)
        perfect = ours is None or len(ours) == n // 2
        agree = (ours is not None) == verdict
        ratio = t_anchor / t_ours
        rows.append(
            Row(
                "G7",
                f"n={n:,} complete seed={seed}",
                t_ours,
                "matching SR build+solve",
                t_anchor,
                "smoke: agree" if quick else ">=100x",
                agree and blocking == 0 and perfect and (quick or ratio >= 100),
                f"stable matching exists: ours={ours is not None} anchor={verdict}; blocking={blocking}",
            )
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke test, < 20 s)")
    args = parser.parse_args(argv)
    if args.quick:
        rows = g1(1_000, 250, quick=True) + g2(10_000, 2_500, quick=True) + g7(100, [0, 5], quick=True)
    else:
        # Seeds 1 and 0 at n = 1,000: the first has a stable matching, the second none.
        rows = (
            g2(100_000, 25_000, quick=False) + g7(1_000, [1, 0], quick=False) + g1(20_000, 5_000, quick=False)
        )
    print_table(rows)
    return 0 if all(r.passed for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
