"""Benchmarks for matchmaker.assign: goals G3, G4 and G8.

G3  assign's objective equals the LP optimum (HiGHS via scipy) to a relative 1e-6 on
    every instance, and assign is >= 50x faster than that LP on a 100,000-mentee top-20
    graph (25,000 mentors, capacity 4).
G4  assign with candidate pruning at 5,000 x 5,000 (capacity expanded) is >= 50x faster
    than scipy linear_sum_assignment on the dense matrix and within 0.01% of its optimum.
    assign prunes a dense matrix itself and prices the pairs left out against the LP
    duals, so its answer is the exact optimum.
G8  versus greedy first-come matching: how many more people matched and how much more
    total fit, on every instance (the ``note`` column).

Run ``python benchmarks/bench_assign.py`` (full: each LP anchor runs once, in a fresh
process, for at most ``--lp-timeout`` seconds; HiGHS needs ~25 min at 20,000 mentees and
does not finish at 100,000, and where it is stopped the optimum is proven by LP duality
instead, see ``dual_certificate``) or ``--quick`` (small sizes, < 20 s).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment, linprog
from scipy.sparse.csgraph import maximum_flow

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import ChildFailed, Row, in_fresh_process, load_note, print_table, run_in_fresh_process, timed
from matchmaker import MatchResult, assign, greedy_assign
from matchmaker._duals import assignment_duals
from matchmaker._flow import solve_flow
from matchmaker._validation import as_candidates

RTOL = 1e-6


# ----------------------------------------------------------------------------- instances


def topk_graph(n: int, m: int, k: int, seed: int) -> sp.csr_array:
    """A top-k candidate graph with popular mentors (lognormal popularity) and
    scores = mentor quality + mentee-specific fit, in [0, 1]."""
    rng = np.random.default_rng(seed)
    pop = rng.lognormal(0.0, 1.0, m)
    pop /= pop.sum()
    cols = rng.choice(m, size=(n, k), p=pop)
    rows = np.repeat(np.arange(n), k)
    key = np.unique(rows * np.int64(m) + cols.ravel())
    rows, cols = key // m, key % m
    quality = rng.random(m)
    vals = np.clip(0.5 * quality[cols] + 0.5 * rng.random(rows.shape[0]), 0.0, 1.0)
    return sp.csr_array((vals, (rows, cols)), shape=(n, m))


def dense_embedding_scores(n: int, m: int, seed: int, d: int = 16) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((n, d))
    b = rng.standard_normal((m, d))
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    b /= np.linalg.norm(b, axis=1, keepdims=True)
    return 0.5 + 0.5 * (a @ b.T)


# ----------------------------------------------------------------------------- anchors


def lp_optimum(mat: sp.csr_array, cap: np.ndarray) -> tuple[float, float]:
    """HiGHS LP optimum (matched, total) of the participation objective.

    The largest matched count comes from an exact integer max-flow (scipy); then one LP
    maximises the total score at that count (rows ``== 1`` when everyone can be matched).
    """
    coo = mat.tocoo()
    n, m = mat.shape
    e = coo.nnz
    count = _max_matched(coo, cap)
    a_rows = sp.csr_array((np.ones(e), (coo.row, np.arange(e))), shape=(n, e))
    a_cols = sp.csr_array((np.ones(e), (coo.col, np.arange(e))), shape=(m, e))
    if count == n:
        res = linprog(
            -coo.data, A_ub=a_cols, b_ub=cap, A_eq=a_rows, b_eq=np.ones(n), bounds=(0, 1), method="highs"
        )
    else:
        a_ub = sp.vstack([a_rows, a_cols]).tocsr()
        b_ub = np.concatenate([np.ones(n), cap]).astype(float)
        a_eq = sp.csr_array(np.ones((1, e)))
        res = linprog(-coo.data, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=[count], bounds=(0, 1), method="highs")
    return float(count), float(-res.fun)


def dual_certificate(mat: sp.csr_array, cap: np.ndarray) -> tuple[int, float, float]:
    """(matched, primal, upper bound on the LP optimum) by LP duality, no LP solve.

    The duals come from matchmaker's certificate code (``matchmaker._duals``) for the
    flow solution ``assign`` computes; everything that makes them a proof is checked
    here, in exact integers: dual feasibility on every pair of the graph, the sign
    conditions, and that the matched count is scipy's maximum flow. By weak duality the
    LP optimum at that count lies between the primal and the dual objective; rounding
    the scores to integers moves both by at most ``count / (2 * scale)``.
    """
    cand = as_candidates(mat)
    n = mat.shape[0]
    sol = solve_flow(cand, cap, "participation")
    matched_col = np.full(n, -1, dtype=np.int64)
    matched_col[cand.rows[sol.chosen]] = cand.cols[sol.chosen]
    count = int(np.count_nonzero(sol.chosen))
    if count != _max_matched(mat.tocoo(), cap):
        raise AssertionError("matched count is not the maximum flow")
    everyone = bool(np.all(matched_col[cand.rows] >= 0))
    offset = None if everyone else 2 * n * (int(np.abs(sol.weights).max()) + 1) + 1
    duals = assignment_duals(cand.rows, cand.cols, sol.weights, matched_col, cap, offset=offset)
    if duals is None:
        raise AssertionError("no dual certificate")
    row = [int(x) for x in duals.row]
    col = [int(x) for x in duals.col]
    if np.any(duals.row[cand.rows] + duals.col[cand.cols] < sol.weights) or min(col) < 0:
        raise AssertionError("duals are not feasible")
    shift = 0 if offset is None else offset
    if offset is not None and min(row) + shift < 0:
        raise AssertionError("a mentee dual is negative")
    # Dual objective: sum of (u_i = row + shift) + sum c_j v_j + count * (lambda = -shift).
    dual = sum(row) + n * shift + sum(int(c) * v for c, v in zip(cap, col, strict=True)) - count * shift
    primal = sum(int(q) for q in sol.weights[sol.chosen])
    rounding = count / (2 * sol.scale)
    total = float(math.fsum(cand.scores[sol.chosen]))
    return count, total, dual / sol.scale + 2 * rounding if dual >= primal else float("nan")


def _max_matched(coo: sp.coo_array, cap: np.ndarray) -> int:
    n, m = coo.shape
    src, snk = n + m, n + m + 1
    tails = np.concatenate([np.full(n, src), coo.row, n + np.arange(m)])
    heads = np.concatenate([np.arange(n), n + coo.col, np.full(m, snk)])
    caps = np.concatenate([np.ones(n), np.ones(coo.nnz), cap]).astype(np.int32)
    graph = sp.csr_array((caps, (tails, heads)), shape=(n + m + 2, n + m + 2))
    return int(maximum_flow(graph, src, snk).flow_value)


def greedy_note(opt: MatchResult, mat: object, cap: object) -> str:
    g = greedy_assign(mat, cap)
    extra = len(opt) - len(g)
    gain = 100.0 * (opt.total_score - g.total_score) / max(abs(g.total_score), 1e-12)
    return f"G8 vs greedy: +{extra} matched ({len(g)}->{len(opt)}), fit {gain:+.2f}%"


def _assign_100k(seed: int) -> None:
    mat = topk_graph(100_000, 25_000, 20, seed)
    assign(mat, 4)


def _lp_anchor_child(n: int, m: int, seed: int) -> tuple[float, float, float]:
    """Fresh-process body: build the instance (not timed), time the LP anchor once."""
    mat = topk_graph(n, m, 20, seed)
    start = time.perf_counter()
    count, value = lp_optimum(mat, np.full(m, 4))
    return count, value, time.perf_counter() - start


# ----------------------------------------------------------------------------- goals


def g3_rows(quick: bool, lp_timeout: float = 1800.0) -> list[Row]:
    rows: list[Row] = []
    sizes = (
        [(1_000, 250, 0), (2_000, 500, 1)]
        if quick
        else [(2_000, 500, 0), (20_000, 5_000, 1), (100_000, 25_000, 2)]
    )
    for n, m, seed in sizes:
        mat = topk_graph(n, m, 20, seed)
        cap = np.full(m, 4)
        res, t_ours = timed(assign, mat, cap, repeat=3 if n < 100_000 else 2)
        big = n == 100_000
        # The LP anchor runs once per size, in a fresh process with a time limit, so a
        # slow or killed LP cannot stall the whole benchmark.
        try:
            (lp_n, lp_val, t_lp), _, lp_peak, _ = run_in_fresh_process(
                _lp_anchor_child, n, m, seed, timeout=lp_timeout
            )
        except ChildFailed as exc:
            # No LP answer to compare with: prove the optimum by LP duality instead, and
            # compare the speed with the time the LP was given (a lower bound on its time).
            count, total, bound = dual_certificate(mat, cap)
            certified = count == len(res) and total == res.total_score and bound - total <= RTOL * abs(total)
            rows.append(
                Row(
                    goal="G3",
                    instance=f"top20 {n}x{m} cap4",
                    tandem_s=t_ours,
                    anchor="HiGHS LP (stopped)",
                    anchor_s=lp_timeout,
                    target=">=50x, rel 1e-6" if big else "rel 1e-6",
                    passed=certified and (lp_timeout / t_ours >= 50 or not big),
                    note=(
                        f"LP anchor stopped: {exc}; LP optimum proven by duality: ours {count} matched "
                        f"(= max flow), obj {total:.6f} <= LP <= {bound:.6f} "
                        f"(gap {(bound - total) / abs(total):.1e}); ratio is a lower bound; {load_note()}"
                    ),
                )
            )
            continue
        agree = len(res) == lp_n and abs(res.total_score - lp_val) <= RTOL * abs(lp_val)
        ratio = t_lp / t_ours
        note = f"obj {res.total_score:.6f} vs LP {lp_val:.6f} (LP peak {lp_peak:.0f} MiB); "
        _, _, bound = dual_certificate(mat, cap)
        note += f"dual bound {bound:.6f}; "
        agree = agree and lp_val <= bound + RTOL * abs(lp_val)
        note += greedy_note(res, mat, cap)
        if big:
            secs, peak = in_fresh_process(_assign_100k, seed, timeout=600.0)
            note += f"; fresh-process {secs:.2f}s peak {peak:.0f} MiB (incl. instance); {load_note()}"
        rows.append(
            Row(
                goal="G3",
                instance=f"top20 {n}x{m} cap4",
                tandem_s=t_ours,
                anchor="HiGHS LP",
                anchor_s=t_lp,
                target=">=50x, rel 1e-6" if big else "rel 1e-6",
                passed=agree and (ratio >= 50 if big else True),
                note=note,
            )
        )
    # the "score" objective on a mixed-sign instance
    rng = np.random.default_rng(9)
    n, m = (1_000, 200) if quick else (3_000, 600)
    mat = topk_graph(n, m, 15, 9)
    mat.data = mat.data - rng.random(mat.nnz) * 0.6
    cap = rng.integers(1, 8, m)
    res, t_ours = timed(assign, mat, cap, objective="score")
    coo = mat.tocoo()
    e = coo.nnz
    a_ub = sp.vstack(
        [
            sp.csr_array((np.ones(e), (coo.row, np.arange(e))), shape=(n, e)),
            sp.csr_array((np.ones(e), (coo.col, np.arange(e))), shape=(m, e)),
        ]
    ).tocsr()
    lp, t_lp = timed(
        linprog, -coo.data, A_ub=a_ub, b_ub=np.concatenate([np.ones(n), cap]), bounds=(0, 1), method="highs"
    )
    agree = abs(res.total_score + lp.fun) <= RTOL * abs(lp.fun)
    rows.append(
        Row(
            "G3",
            f"score obj {n}x{m} mixed sign",
            t_ours,
            "HiGHS LP",
            t_lp,
            "rel 1e-6",
            agree,
            f"obj {res.total_score:.6f} vs LP {-lp.fun:.6f}",
        )
    )
    return rows


def cpu_of(fn: object, *args: object, **kwargs: object) -> float:
    """CPU seconds of one call (all threads): the figure a busy machine does not inflate."""
    start = time.process_time()
    fn(*args, **kwargs)  # type: ignore[operator]
    return time.process_time() - start


def g4_rows(quick: bool) -> list[Row]:
    n, m, cap = (1_000, 250, 4) if quick else (5_000, 1_250, 4)
    scores = dense_embedding_scores(n, m, seed=4)
    expanded = np.repeat(scores, cap, axis=1)  # n x n, one column per mentor place
    cpu_start = time.process_time()
    (r, c), t_lsa = timed(linear_sum_assignment, expanded, maximize=True)
    cpu_lsa = time.process_time() - cpu_start
    lsa_val = float(expanded[r, c].sum())

    # assign on a dense matrix prunes to each mentee's best mentors and prices the rest
    # against the LP duals, so the pruning is exact (matchmaker._priced).
    # The first call loads matchmaker's compiled kernels (numba's cache; a one-time cost
    # per process, like an import), so it is timed apart and the best of five is reported.
    _, t_first = timed(assign, scores, cap)
    res, t_ours = timed(assign, scores, cap, repeat=5)
    loss = (lsa_val - res.total_score) / lsa_val
    ok = loss <= 1e-4 and len(res) == min(n, m * cap)
    ratio = t_lsa / t_ours
    note = (
        f"optimality loss {100 * loss:.5f}% ({res.solver}, {res.stats.get('pricing_rounds', 0):.0f} "
        f"round(s), {res.stats['n_candidates']:.0f} pairs of {n * m}); "
        f"cpu {cpu_of(assign, scores, cap):.3f}s vs LSA {cpu_lsa:.3f}s; first call {t_first:.2f}s; "
        + greedy_note(res, scores, cap)
    )
    return [
        Row(
            goal="G4",
            instance=f"dense {n}x{m} cap{cap} -> {n}x{m * cap}",
            tandem_s=t_ours,
            anchor="scipy LSA dense",
            anchor_s=t_lsa,
            target=">=50x, loss<=0.01%",
            passed=ok and (ratio >= 50 or quick),
            note=note,
        )
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, < 20 s")
    parser.add_argument(
        "--lp-timeout", type=float, default=1800.0, help="seconds allowed to each LP anchor (fresh process)"
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    rows = g3_rows(args.quick, args.lp_timeout) + g4_rows(args.quick)
    print_table(rows)
    print(
        f"\n(total {time.perf_counter() - start:.1f} s)"
        + (" quick mode: speed targets not enforced" if args.quick else "")
    )
    return 0 if all(r.passed for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
