"""Benchmarks for the score model and candidate generation: goals G5 and G8, and the
measured optimality loss of candidate pruning.

G5  end to end from feature vectors: 100,000 mentees x 25,000 mentors (synthetic pool,
    default score model), Scorer + candidates + optimal ``assign`` <= 5 s, peak memory
    <= 1.5 GB, measured in fresh processes (best of 3; all times printed); with the default
    candidate setting and with a lighter one (``FAST``: fewer probes), whose extra loss is
    measured at 20,000 x 5,000.
G8  versus greedy first-come matching on the same candidates: how many more people
    matched and how much more total fit (``note`` column).
Loss  ``assign`` on the full dense score matrix (the anchor) versus on candidates, at
    3,000 x 1,000: the default path (exact chunked top-k below ``exact_cells``) and the
    probing path used at scale (forced with ``exact_cells=0``); full mode also measures
    the probing path at 20,000 x 5,000 against the exact optimum over all 100M pairs,
    alone and through ``assign_pool``, whose pricing scans every pair against the
    solver's duals: one round, and rounds until the certified optimality gap is within
    1e-6 of the total (the row fails if that gap does not cover the true loss).
    Candidate scores are checked bit-identical to the dense matrix before any ratio.
Pricing  G5's pool through ``assign_pool`` with up to ``PRICED_ROUNDS`` pricing rounds (a
    fresh process; it stops once the certified gap is within 1e-6 of the total): time,
    peak memory, total fit, certified gap, and the pairs the pricing scans looked at (one
    scan of every pair, then only where mentor prices fell), reported beside G5.

Run ``python benchmarks/bench_candidates.py`` (full) or ``--quick`` (small, < 20 s).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import Row, load_note, print_table, run_in_fresh_process
from matchmaker import ScoreModel, Scorer, assign, assign_pool, candidates, greedy_assign, synthetic_pool


def capacities(m: int, n: int, seed: int) -> np.ndarray:
    """Mentor capacities 1..(2n/m), about n/m on average (so capacity is tight)."""
    rng = np.random.default_rng(seed)
    return rng.integers(1, max(2, 2 * n // m) + 1, m)


# Pricing rounds of the "priced" G5 mode at most (it stops when the gap is within 1e-6).
PRICED_ROUNDS = 10
# A lighter setting of candidates: fewer probes, all scored exactly (no proxy stage).
FAST_PROBES = 64
FAST: dict[str, Any] = {"probes": FAST_PROBES, "n_exact": FAST_PROBES}


def _g5_child(n: int, m: int, seed: int, out: str, mode: str) -> None:
    """Fresh-process body: build features (not timed), then time scoring + candidates + solve
    (``mode``: "default", "fast", or "priced": ``assign_pool`` with pricing rounds)."""
    mentees, mentors = synthetic_pool(n, m, rng=np.random.default_rng(seed))
    cap = capacities(m, n, seed)
    # Load matchmaker's compiled kernels first (numba's on-disk cache, once per process,
    # like an import); compiling them is a one-time cost per install.
    assign(sp.csr_array(np.eye(3)), 1)
    start, cpu0 = time.perf_counter(), time.process_time()
    scorer = Scorer(ScoreModel(), mentees, mentors)
    if mode == "priced":
        result = assign_pool(scorer, cap, pricing_rounds=PRICED_ROUNDS)
        total, cpu_total = time.perf_counter() - start, time.process_time() - cpu0
        t_cand = cpu_cand = float("nan")  # inside assign_pool
        nnz, greedy = int(result.stats["n_candidates"]), result  # (no G8 row for this mode)
        gap = result.stats["optimality_gap"]
        rounds, scanned = result.stats["pricing_rounds"], result.stats["pairs_scanned"] / (n * m)
    else:
        cand = candidates(scorer, **(FAST if mode == "fast" else {}))
        t_cand, cpu_cand = time.perf_counter() - start, time.process_time() - cpu0
        result = assign(cand, cap)
        total, cpu_total = time.perf_counter() - start, time.process_time() - cpu0
        nnz, greedy = int(cand.nnz), greedy_assign(cand, cap)
        gap = rounds = scanned = float("nan")
    Path(out).write_text(
        json.dumps(
            {
                "seconds": total,
                "candidates_s": t_cand,
                "cpu_s": cpu_total,
                "candidates_cpu_s": cpu_cand,
                "nnz": nnz,
                "matched": len(result),
                "score": result.total_score,
                "greedy_matched": len(greedy),
                "greedy_score": greedy.total_score,
                "gap": gap,
                "rounds": rounds,
                "scanned": scanned,
            }
        )
    )


def bench_g5(n: int, m: int, seed: int, *, mode: str = "default", repeats: int = 3) -> list[Row]:
    """G5 in ``repeats`` fresh processes: the fastest counts (interference from a shared
    machine only ever slows a run down), every time is printed, and the peak memory is
    the largest seen."""
    runs, peaks = [], []
    for _ in range(repeats):
        with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
            _, _, peak, _ = run_in_fresh_process(_g5_child, n, m, seed, tmp.name, mode, timeout=1800.0)
            runs.append(json.loads(Path(tmp.name).read_text()))
            peaks.append(peak)
    res = min(runs, key=lambda r: r["seconds"])
    peak = max(peaks)
    times = ", ".join(f"{r['seconds']:.2f}" for r in runs)
    ok = res["seconds"] <= 5.0 and peak <= 1536
    inst = f"{n:,} x {m:,}" + ("" if mode == "default" else f" ({mode})")
    priced = mode == "priced"
    what = (
        f"candidates, assign, then {res['rounds']:.0f} pricing round(s) and a certifying scan, "
        f"which looked at {res['scanned']:.2f}x the pairs of the pool ({res['nnz']:,} candidate "
        f"pairs in the end; certified gap {res['gap']:.3g}, {100 * res['gap'] / res['score']:.1e}%)"
        if priced
        else f"candidates {res['candidates_s']:.2f} s ({res['nnz']:,} pairs, "
        f"CPU {res['candidates_cpu_s']:.2f} s) + assign"
    )
    return [
        Row(
            "G5" if not priced else "pricing",
            inst + (f", assign_pool <= {PRICED_ROUNDS} pricing rounds" if priced else ""),
            res["seconds"],
            "-",
            None,
            "<= 5 s, <= 1.5 GB" if not priced else "report",
            ok if not priced else peak <= 1536,
            f"best of {repeats} fresh process{'es' if repeats > 1 else ''} ({times} s): {what}; "
            f"total fit {res['score']:,.1f}; peak {peak:,.0f} MiB; CPU {res['cpu_s']:.2f} s; {load_note()}",
        ),
        Row(
            "G8",
            inst,
            res["seconds"],
            "greedy",
            None,
            "report",
            res["matched"] >= res["greedy_matched"] and res["score"] >= res["greedy_score"] - 1e-6,
            f"+{res['matched'] - res['greedy_matched']:,} matched, "
            f"+{res['score'] - res['greedy_score']:,.1f} total fit "
            f"({res['matched']:,} vs {res['greedy_matched']:,} matched)",
        ),
    ]


def _loss(ref: float, got: float) -> float:
    return 100.0 * (ref - got) / ref if ref else 0.0


def bench_loss(n: int, m: int, seed: int) -> list[Row]:
    """assign on the dense matrix (anchor) versus assign on candidates (both paths)."""
    mentees, mentors = synthetic_pool(n, m, rng=np.random.default_rng(seed))
    cap = capacities(m, n, seed)
    scorer = Scorer(ScoreModel(), mentees, mentors)
    t0 = time.perf_counter()
    dense = scorer.matrix()
    anchor = assign(dense, cap)
    t_anchor = time.perf_counter() - t0
    rows = []
    for label, kwargs, bound in (
        ("default (exact top-k)", {}, 0.1),
        ("probing (forced)", {"exact_cells": 0}, None),
    ):
        t0 = time.perf_counter()
        cand = candidates(scorer, exact_cells=kwargs.get("exact_cells", 1 << 22))
        res = assign(cand, cap)
        took = time.perf_counter() - t0
        r = np.repeat(np.arange(n), np.diff(cand.indptr))
        same = bool(np.array_equal(cand.data, dense[r, cand.indices]))  # exact scores, checked first
        loss = _loss(anchor.total_score, res.total_score)
        ok = same and len(res) == len(anchor) and (bound is None or loss <= bound)
        greedy = greedy_assign(dense, cap)
        rows.append(
            Row(
                "loss",
                f"{n:,} x {m:,} {label}",
                took,
                "assign(dense)",
                t_anchor,
                "<= 0.1%" if bound is not None else "report",
                ok,
                f"matched {len(res):,}/{len(anchor):,}, total fit -{loss:.3f}%, "
                f"{cand.nnz:,} of {n * m:,} pairs; scores exact: {same}",
            )
        )
    rows.append(
        Row(
            "G8",
            f"{n:,} x {m:,} dense",
            t_anchor,
            "greedy",
            None,
            "report",
            len(anchor) >= len(greedy),
            f"+{len(anchor) - len(greedy):,} matched, "
            f"+{anchor.total_score - greedy.total_score:,.1f} total fit",
        )
    )
    return rows


def bench_loss_at_scale(n: int, m: int, seed: int) -> list[Row]:
    """Probing path versus the exact optimum over every pair (``assign`` on the dense
    matrix prunes and prices itself, so 100M pairs take ~25 s and ~1 GB here)."""
    mentees, mentors = synthetic_pool(n, m, rng=np.random.default_rng(seed))
    cap = capacities(m, n, seed)
    scorer = Scorer(ScoreModel(), mentees, mentors)
    t0 = time.perf_counter()
    anchor = assign(scorer.matrix(), cap)
    t_anchor = time.perf_counter() - t0
    rows = []
    settings: list[tuple[str, dict[str, Any]]] = [("probing", {}), ("probing (fast)", FAST)]
    for rounds in (1, 10):
        t0 = time.perf_counter()
        pooled = assign_pool(scorer, cap, pricing_rounds=rounds, candidate_options={"exact_cells": 0})
        took = time.perf_counter() - t0
        loss = _loss(anchor.total_score, pooled.total_score)
        gap = pooled.stats["optimality_gap"]
        rows.append(
            Row(
                "loss",
                f"{n:,} x {m:,} probing + pricing scan, at most {rounds} round{'s' if rounds > 1 else ''}",
                took,
                "assign(dense), exact",
                t_anchor,
                "report",
                # the certified gap must cover the true loss
                len(pooled) == len(anchor) and gap >= anchor.total_score - pooled.total_score - 1e-9,
                f"matched {len(pooled):,}/{len(anchor):,}, total fit -{loss:.4f}%; certified gap "
                f"{gap:.3g} ({100 * gap / pooled.total_score:.1e}%) after "
                f"{pooled.stats['pricing_rounds']:.0f} round(s); "
                f"{pooled.stats['priced_pairs']:,.0f} pairs priced in; pricing scans looked at "
                f"{pooled.stats['pairs_scanned'] / (n * m):.2f}x the pairs of the pool",
            )
        )
    for label, extra in settings:
        t0 = time.perf_counter()
        cand = candidates(scorer, exact_cells=0, **extra)
        res = assign(cand, cap)
        took = time.perf_counter() - t0
        r = np.repeat(np.arange(n), np.diff(cand.indptr))
        same = bool(np.array_equal(cand.data, scorer.score(r, cand.indices)))
        loss = _loss(anchor.total_score, res.total_score)
        rows.append(
            Row(
                "loss",
                f"{n:,} x {m:,} {label}",
                took,
                "assign(dense), exact",
                t_anchor,
                "report",
                same and len(res) == len(anchor),
                f"matched {len(res):,}/{len(anchor):,}, total fit -{loss:.3f}%; scores exact: {same}",
            )
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke test)")
    args = parser.parse_args(argv)
    rows: list[Row] = []
    if args.quick:
        rows += bench_loss(1000, 400, seed=11)
        rows += bench_g5(10_000, 2_500, seed=12, repeats=1)
        rows += bench_g5(10_000, 2_500, seed=12, mode="fast", repeats=1)[:1]
        rows += bench_g5(10_000, 2_500, seed=12, mode="priced", repeats=1)[:1]
    else:
        rows += bench_loss(3000, 1000, seed=11)
        rows += bench_loss_at_scale(20_000, 5_000, seed=13)
        rows += bench_g5(100_000, 25_000, seed=12)
        rows += bench_g5(100_000, 25_000, seed=12, mode="fast")[:1]
        rows += bench_g5(100_000, 25_000, seed=12, mode="priced", repeats=1)[:1]
    print_table(rows)
    return 0 if all(r.passed for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
