"""Tests for the augmenting-path solver behind assign on candidate graphs (_auction.py)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matchmaker import _auction, assign
from matchmaker._assign import Objective, assign_from
from matchmaker._auction import solve_assignment, solve_auction
from matchmaker._flow import FlowSolution, solve_flow
from matchmaker._validation import Candidates, as_candidates
from scipy import sparse as sp
from test_assign import assert_brute_force_optimal, assert_lp_optimal, instances


def random_graph(seed: int, n: int, m: int, degree: int, *, decimals: int | None = None) -> Candidates:
    """Each mentee gets ``degree`` random mentors with uniform scores (rounded for ties)."""
    rng = np.random.default_rng(seed)
    cols = np.concatenate([rng.choice(m, size=min(degree, m), replace=False) for _ in range(n)])
    rows = np.repeat(np.arange(n), min(degree, m))
    scores = rng.random(rows.shape[0])
    if decimals is not None:
        scores = np.round(scores, decimals)
    return as_candidates(sp.csr_array((scores, (rows, cols)), shape=(n, m)))


def allowed_pairs(scores: np.ndarray) -> sp.csr_array:
    """The finite entries of a dense matrix as a sparse one (stored zeros stay allowed)."""
    rr, cc = np.nonzero(np.isfinite(scores))
    return sp.csr_array((scores[rr, cc], (rr, cc)), shape=scores.shape)


def assert_same_optimum(sub: Candidates, ours: FlowSolution | None, flow: FlowSolution) -> None:
    """Same number matched and the same total score, up to both solvers' rounding bounds."""
    assert ours is not None
    assert np.count_nonzero(ours.chosen) == np.count_nonzero(flow.chosen)
    tolerance = ours.error_bound + flow.error_bound + 1e-9
    expected = float(sub.scores[flow.chosen].sum())
    assert float(sub.scores[ours.chosen].sum()) == pytest.approx(expected, abs=tolerance)


def assert_duals_prove(sub: Candidates, sol: FlowSolution, capacity: np.ndarray) -> None:
    """The duals the solver returns certify its matching, in exact integers."""
    assert sol.duals is not None
    row, col = sol.duals.row, sol.duals.col
    slack = row[sub.rows] + col[sub.cols] - sol.weights
    assert np.all(slack >= 0), "dual feasible on every pair"
    assert np.all(slack[sol.chosen] == 0), "tight on the matching"
    load = np.bincount(sub.cols[sol.chosen], minlength=sub.n_cols)
    assert np.all(load <= capacity)
    assert np.all(col[load < capacity] == 0), "a mentor with room left costs nothing"
    assert np.all(col >= 0)


# ----------------------------------------------------------------------------- against OR-Tools


@st.composite
def graphs(draw):
    """A random candidate graph: up to 120 mentees, 40 mentors, 6 pairs each, ties or not."""
    seed = draw(st.integers(0, 2**32 - 1))
    shape = (draw(st.integers(1, 120)), draw(st.integers(1, 40)), draw(st.integers(1, 6)))
    return seed, random_graph(seed, *shape, decimals=draw(st.sampled_from([None, 1, 2])))


@settings(max_examples=60, deadline=None)
@given(graphs(), st.sampled_from(["participation", "score"]))
def test_flow_solver_returns_duals_that_prove_its_answer(graph, objective) -> None:
    # given: a random candidate graph, capacity from none to plenty
    seed, sub = graph
    capacity = np.random.default_rng(seed + 2).integers(0, 5, size=sub.n_cols)
    # when OR-Tools solves it (it gives no potentials: the duals are rebuilt)
    sol = solve_flow(sub, capacity, objective)
    # then they prove the matching optimal, in exact integers
    assert_duals_prove(sub, sol, capacity)
    assert sol.duals is not None
    matched = np.zeros(sub.n_rows, dtype=bool)
    matched[sub.rows[sol.chosen]] = True
    # (an unmatched mentee gains nothing by staying out: u_i = 0 in offset units)
    assert np.all(sol.duals.row[~matched] == -sol.duals.offset)
    assert np.all(sol.duals.row[matched] + sol.duals.offset >= 0)


@settings(max_examples=60, deadline=None)
@given(graphs(), st.sampled_from(["participation", "score"]))
def test_auction_solver_reaches_the_flow_optimum(graph, objective) -> None:
    # given: a random candidate graph; capacity from none to plenty (tight, short and slack)
    seed, sub = graph
    m = sub.n_cols
    capacity = np.random.default_rng(seed + 1).integers(0, 5, size=m)
    keep = capacity[sub.cols] > 0
    sub = Candidates(sub.rows[keep], sub.cols[keep], sub.scores[keep], sub.shape)
    if len(sub) == 0:
        return
    # when
    ours = solve_auction(sub, capacity, objective)
    flow = solve_flow(sub, capacity, objective)
    # then: the same optimum (up to each solver's rounding bound); the duals prove ours
    assert ours is not None
    if objective == "participation":
        assert np.count_nonzero(ours.chosen) == np.count_nonzero(flow.chosen)
    ours_total = float(sub.scores[ours.chosen].sum())
    flow_total = float(sub.scores[flow.chosen].sum())
    assert ours_total == pytest.approx(flow_total, abs=ours.error_bound + flow.error_bound + 1e-9)
    assert_duals_prove(sub, ours, capacity)


@settings(max_examples=80, deadline=None)
@given(instances(max_n=7, max_m=4, forbid=0.4), st.sampled_from(["participation", "score"]))
def test_sparse_assign_equals_brute_force(inst, objective) -> None:
    scores, cap = inst
    res = assign(allowed_pairs(scores), cap, objective=objective)
    assert_brute_force_optimal(res, scores, cap, objective)
    assert res.solver in {"auction+ssp", "none"}


@settings(max_examples=30, deadline=None)
@given(instances(max_n=40, max_m=12, forbid=0.5), st.sampled_from(["participation", "score"]))
def test_sparse_assign_equals_lp(inst, objective) -> None:
    scores, cap = inst
    res = assign(allowed_pairs(scores), cap, objective=objective)
    assert_lp_optimal(res, scores, cap, objective)


# ----------------------------------------------------------------------------- the repair


def solved_with_warm_start(
    sub: Candidates, capacity: np.ndarray, objective: str, warm
) -> FlowSolution | None:
    """``solve_auction`` with the auction's (prices, guesses) from ``warm(prices, guesses, weights)``."""
    real = _auction._auction_prices

    def patched(*args):
        prices, guess, _ = real(*args)
        return (*warm(prices, guess, args[5]), True)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_auction, "_auction_prices", patched)
        return solve_auction(sub, capacity, objective)


def assert_repaired_to_the_optimum(sub: Candidates, capacity: np.ndarray, objective: str, warm) -> None:
    ours = solved_with_warm_start(sub, capacity, objective, warm)
    assert_same_optimum(sub, ours, solve_flow(sub, capacity, objective))
    assert ours is not None
    assert_duals_prove(sub, ours, capacity)


@pytest.mark.parametrize("objective", ["participation", "score"])
def test_overpriced_warm_start_is_repaired_to_the_optimum(objective: str) -> None:
    # given: every mentor starts far too expensive and nobody is seated, so every mentor
    # has room and a positive price: the price floor must bring them all down
    sub = random_graph(5, 200, 60, 3)
    capacity = np.random.default_rng(6).integers(1, 4, size=60)
    # when solved from that start, then the optimum is reached and proven
    assert_repaired_to_the_optimum(
        sub, capacity, objective, lambda prices, guess, _: (prices + 2**55, np.full_like(guess, -1))
    )


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("objective", ["participation", "score"])
def test_randomly_overpriced_warm_start_is_repaired_to_the_optimum(seed: int, objective: str) -> None:
    # given: the auction's own guesses, but each mentor's price raised by a random part of
    # the weight range, so some mentees stay seated while mentors they could use are left
    # with room and a price the floor cannot clear (the reverse paths must)
    sub = random_graph(seed, 120, 40, 4)
    capacity = np.random.default_rng(seed).integers(1, 5, size=40)

    def overpriced(prices, guess, weights):
        spread = int(weights.max() - weights.min()) + 1
        return prices + np.random.default_rng(seed).integers(0, spread, prices.shape), guess

    # when solved from that start, then the optimum is reached and proven
    assert_repaired_to_the_optimum(sub, capacity, objective, overpriced)


def test_repair_clears_a_price_the_floor_cannot() -> None:
    # given: one mentee seated at mentor 0 but only just preferring it to mentor 1, which
    # has room and a price above zero; lowering mentor 1 to zero means raising the
    # mentee's profit, so mentor 0's price must fall too (a reverse path, not the floor)
    sub = as_candidates(sp.csr_array(np.array([[0.9, 0.5]])))
    capacity = np.array([1, 1])

    def warm(prices, guess, weights):
        w_0, w_1 = weights
        delta = w_1 // 4
        return np.array([w_0 - w_1 + delta, 2 * delta]), np.zeros_like(guess)

    # when
    ours = solved_with_warm_start(sub, capacity, "score", warm)
    # then the mentee keeps mentor 0, mentor 1 ends at price zero, and the duals prove it
    assert ours is not None
    assert ours.chosen.tolist() == [True, False]
    assert ours.duals is not None
    assert ours.duals.col[1] == 0
    assert_duals_prove(sub, ours, capacity)


def test_repair_can_pull_an_unmatched_mentee_in() -> None:
    # given: mentee 1 can only use mentor 0; a warm price keeps it out until it is lowered
    sub = as_candidates(sp.csr_array(np.array([[0.9, 0.5], [0.4, 0.0]])))
    sub = Candidates(sub.rows[:3], sub.cols[:3], sub.scores[:3], sub.shape)  # drop (1, 1)
    capacity = np.array([1, 1])

    def warm(prices, guess, _weights):
        return prices + np.array([2**55, 0]), np.full_like(guess, -1)

    # when
    ours = solved_with_warm_start(sub, capacity, "participation", warm)
    # then: both matched (0 -> 1, 1 -> 0), as participation demands
    assert ours is not None
    assert sorted(zip(sub.rows[ours.chosen].tolist(), sub.cols[ours.chosen].tolist(), strict=True)) == [
        (0, 1),
        (1, 0),
    ]
    assert_duals_prove(sub, ours, capacity)


# ----------------------------------------------------------------------------- edges and safety


def test_tied_scores_and_duplicate_tastes_still_certify() -> None:
    # given: 300 mentees with identical scores everywhere (every matching is optimal)
    sub = as_candidates(sp.csr_array(np.full((300, 30), 0.5)))
    capacity = np.full(30, 7)
    # when
    ours = solve_auction(sub, capacity, "participation")
    # then: capacity decides the count (210)
    assert ours is not None
    assert np.count_nonzero(ours.chosen) == 210
    assert_duals_prove(sub, ours, capacity)


def test_unsorted_candidates_are_handled() -> None:
    sub = random_graph(9, 50, 20, 4)
    perm = np.random.default_rng(0).permutation(len(sub))
    shuffled = Candidates(sub.rows[perm], sub.cols[perm], sub.scores[perm], sub.shape)
    capacity = np.full(20, 2)
    ours = solve_auction(shuffled, capacity, "participation")
    flow = solve_flow(shuffled, capacity, "participation")
    assert_same_optimum(shuffled, ours, flow)
    assert ours is not None
    assert_duals_prove(shuffled, ours, capacity)


def test_unproven_answer_falls_back_to_the_flow_solver(monkeypatch: pytest.MonkeyPatch) -> None:
    # given: the final check refuses (as it would if the solver had a bug)
    monkeypatch.setattr(_auction, "_proves_optimal", lambda *_: False)
    sub = random_graph(3, 80, 20, 4)
    capacity = np.full(20, 3)
    # when
    sol, solver = solve_assignment(sub, capacity, "participation")
    # then: OR-Tools answered, with the same optimum and duals that prove it
    assert solver == "ortools-mcf"
    assert_same_optimum(sub, sol, solve_flow(sub, capacity, "participation"))
    assert_duals_prove(sub, sol, capacity)


@pytest.mark.parametrize("budget", ["_BIDS_PER_ROW", "_REVERSE_SCANS_PER_PAIR", "_AUGMENT_SCANS_PER_PAIR"])
def test_exhausted_work_budget_hands_the_graph_to_the_flow_solver(
    monkeypatch: pytest.MonkeyPatch, budget: str
) -> None:
    # given: budgets of zero work, on a graph where every step is needed: capacity is
    # short (some mentees stay unmatched) and empty places must be repriced
    monkeypatch.setattr(_auction, "_MIN_BUDGET", 0)
    monkeypatch.setattr(_auction, budget, 0)
    sub = random_graph(8, 300, 40, 3)
    capacity = np.random.default_rng(9).integers(1, 12, size=40)
    # when
    sol, solver = solve_assignment(sub, capacity, "participation")
    # then: the flow solver answered, with the optimum and duals that prove it
    assert solver == "ortools-mcf"
    assert_same_optimum(sub, sol, solve_flow(sub, capacity, "participation"))
    assert_duals_prove(sub, sol, capacity)


def test_deficient_graph_is_solved_within_budget_or_by_the_flow_solver() -> None:
    # given: 2,000 mentees on top-3 graphs with room for only 1,200
    sub = random_graph(4, 2_000, 300, 3)
    capacity = np.full(300, 4)
    # when
    sol, _ = solve_assignment(sub, capacity, "participation")
    # then
    assert_same_optimum(sub, sol, solve_flow(sub, capacity, "participation"))


def test_huge_score_range_keeps_weights_in_range() -> None:
    # given: scores spanning 1e-6 .. 1e12, where the offset must still fit in int64
    rng = np.random.default_rng(2)
    dense = 10.0 ** rng.uniform(-6, 12, size=(60, 15))
    res = assign(sp.csr_array(dense), 4)
    assert res.solver == "auction+ssp"
    assert len(res) == 60
    assert_lp_optimal(res, dense, np.full(15, 4), "participation")


# ----------------------------------------------------------------------------- warm start


@settings(max_examples=80, deadline=None)
@given(
    data=instances(max_n=12, max_m=6, forbid=0.3),
    objective=st.sampled_from(["participation", "score"]),
    seed=st.integers(0, 10_000),
    share=st.sampled_from([0.3, 0.7, 1.0]),
)
def test_a_re_solve_from_an_earlier_optimum_is_optimal(
    data: tuple[np.ndarray, np.ndarray], objective: Objective, seed: int, share: float
) -> None:
    # given the optimum of a random part of the allowed pairs (ties, negative scores,
    # zero capacities), the way a pricing round re-solves a graph it extended
    scores, cap = data
    rng = np.random.default_rng(seed)
    part = np.where(rng.random(scores.shape) < share, scores, -np.inf)
    earlier = assign(allowed_pairs(part), cap, objective=objective)
    # when the whole graph is solved from it
    res = assign_from(allowed_pairs(scores), cap, objective=objective, locked=(), warm=earlier)
    # then the answer is the optimum over every pair, with duals that prove it
    assert_lp_optimal(res, scores, cap, objective)
    assert res.duals is not None
    profit, price = res.duals
    with np.errstate(invalid="ignore"):
        assert not np.any(scores - profit[:, None] - price[None, :] > 1e-9)


def test_a_re_solve_with_a_few_pairs_more_needs_no_auction(monkeypatch: pytest.MonkeyPatch) -> None:
    # given the optimum of a tight 3,000 x 800 graph, and a dozen pairs added to it
    sub = random_graph(4, 3_000, 800, 8, decimals=3)
    graph = sp.csr_array((sub.scores, (sub.rows, sub.cols)), shape=sub.shape)
    cap = np.random.default_rng(4).integers(1, 6, 800)
    earlier = assign(graph, cap)
    rng = np.random.default_rng(5)
    added = (rng.integers(0, 3_000, 12), rng.integers(0, 800, 12))
    extra = sp.csr_array((rng.random(12), added), shape=sub.shape)
    bigger = sp.csr_array(graph.maximum(extra))
    cold = assign(bigger, cap)

    # when it is re-solved from that optimum (with the auction unavailable)
    def no_auction(*_: object) -> None:
        raise AssertionError("the warm start fell back to the auction")

    monkeypatch.setattr(_auction, "_auction_prices", no_auction)
    warm = assign_from(bigger, cap, objective="participation", locked=(), warm=earlier)
    # then the augmenting paths alone reach the same optimum
    assert warm.solver == "auction+ssp"
    assert len(warm) == len(cold)
    assert warm.total_score == pytest.approx(cold.total_score, abs=1e-9)


def test_a_re_solve_from_a_useless_start_is_still_optimal() -> None:
    # given a "previous optimum" whose prices are absurd and whose matching is random
    sub = random_graph(6, 2_000, 500, 6, decimals=2)
    graph = sp.csr_array((sub.scores, (sub.rows, sub.cols)), shape=sub.shape)
    cap = np.random.default_rng(6).integers(1, 5, 500)
    cold = assign(graph, cap)
    rng = np.random.default_rng(7)
    junk = dataclasses.replace(
        cold,
        pairs=np.column_stack([np.arange(2_000), rng.integers(0, 500, 2_000)]),
        duals=(np.zeros(2_000), rng.uniform(0, 1e6, 500)),
    )
    # when the graph is solved from it
    res = assign_from(graph, cap, objective="participation", locked=(), warm=junk)
    # then the answer is still the optimum
    assert len(res) == len(cold)
    assert res.total_score == pytest.approx(cold.total_score, abs=1e-9)
