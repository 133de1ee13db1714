"""Tests for the exact dense path of assign: candidate pruning, LP duals and pricing."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matchmaker import _assign, _priced, assign
from matchmaker._duals import assignment_duals
from matchmaker._priced import dense_top_k, solve_dense_priced
from scipy.optimize import linear_sum_assignment
from test_assign import assert_brute_force_optimal, assert_lp_optimal, check_feasible, instances, lp_optimum


@pytest.fixture
def priced_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    """Send every dense problem to the priced path, starting from one mentor per mentee."""
    monkeypatch.setattr(_assign, "_PRICED_MIN_CELLS", 0)
    monkeypatch.setattr(_assign, "_LSA_MAX_CELLS", 0)
    monkeypatch.setattr(_priced, "FIRST_K", 1)


def lsa_optimum(scores: np.ndarray, cap: int) -> float:
    """Optimum of a complete matrix by scipy's LSA on the capacity-expanded matrix."""
    expanded = np.repeat(scores, cap, axis=1)
    r, c = linear_sum_assignment(expanded, maximize=True)
    return float(expanded[r, c].sum())


# ----------------------------------------------------------------------------- hand-made


def test_priced_path_needs_several_rounds_and_reaches_the_optimum(priced_everywhere: None) -> None:
    # given: 400 mentees compete for 100 mentors of capacity 3 with a shared taste
    rng = np.random.default_rng(11)
    scores = 0.7 * rng.random(100)[None, :] + 0.3 * rng.random((400, 100))
    # when: every mentee starts from its single best mentor
    res = assign(scores, 3)
    # then: pricing had to add pairs, and the answer is LSA's optimum
    assert res.solver == "auction+ssp+pricing"
    assert res.stats["pricing_rounds"] > 1
    check_feasible(res, scores, np.full(100, 3))
    assert len(res) == 300
    assert res.total_score == pytest.approx(lsa_optimum(scores, 3), abs=1e-6)


def test_priced_path_is_used_by_default_on_a_large_dense_matrix() -> None:
    # given: a 3,000 x 600 matrix, too large for the capacity-expanded LSA
    rng = np.random.default_rng(5)
    a, b = rng.standard_normal((3000, 8)), rng.standard_normal((600, 8))
    scores = a @ b.T
    # when
    res = assign(scores, 5)
    # then: exact against LSA, from a small fraction of the pairs
    assert res.solver == "auction+ssp+pricing"
    assert res.stats["n_candidates"] < 0.1 * scores.size
    assert res.total_score == pytest.approx(lsa_optimum(scores, 5), rel=1e-9)


def test_priced_path_when_capacity_is_short_keeps_participation_first(priced_everywhere: None) -> None:
    # given: more mentees than places; a few mentees only like one crowded mentor
    rng = np.random.default_rng(2)
    scores = rng.uniform(-1, 1, (60, 8))
    scores[:10, 1:] = -np.inf
    scores[:10, 0] = 5.0
    cap = np.array([2, 3, 3, 3, 3, 3, 3, 3])
    # when
    res = assign(scores, cap)
    # then: as many matched as the LP allows, and the LP's best total at that count
    matched, total = lp_optimum(scores, cap, "participation")
    check_feasible(res, scores, cap)
    assert res.solver == "auction+ssp+pricing"
    assert len(res) == matched == 23
    assert res.total_score == pytest.approx(total, abs=1e-6)


def test_priced_path_keeps_locks_and_skips_closed_mentors(priced_everywhere: None) -> None:
    # given: mentor 2 has no capacity, mentee 0 is locked to mentor 1
    rng = np.random.default_rng(9)
    scores = rng.random((30, 6))
    cap = np.array([4, 2, 0, 5, 5, 5])
    # when
    res = assign(scores, cap, locked=[(0, 1)])
    # then
    check_feasible(res, scores, cap)
    assert res.as_dict()[0] == 1
    free = scores.copy()
    free[0] = -np.inf
    rem = cap.copy()
    rem[1] -= 1
    matched, total = lp_optimum(free, rem, "participation")
    assert len(res) == matched + 1
    assert res.total_score == pytest.approx(total + scores[0, 1], abs=1e-6)


def test_priced_path_rejects_a_forbidden_lock(priced_everywhere: None) -> None:
    scores = np.ones((5, 3))
    scores[2, 1] = np.nan
    with pytest.raises(ValueError, match=r"locked pair \(2, 1\) is a forbidden pair"):
        assign(scores, 2, locked=[(2, 1)])


def test_dense_input_with_plus_inf_is_rejected() -> None:
    scores = np.zeros((400, 200))
    scores[3, 4] = np.inf
    with pytest.raises(ValueError, match=r"scores must not contain \+inf"):
        assign(scores, 2)


# ----------------------------------------------------------------------------- properties


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(instances(), st.sampled_from(["participation", "score"]))
def test_priced_path_equals_brute_force_on_tiny_instances(priced_everywhere: None, inst, objective) -> None:
    scores, cap = inst
    assert_brute_force_optimal(assign(scores, cap, objective=objective), scores, cap, objective)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(instances(max_n=40, max_m=12, forbid=0.5), st.sampled_from(["participation", "score"]))
def test_priced_path_equals_lp_on_small_instances(priced_everywhere: None, inst, objective) -> None:
    scores, cap = inst
    assert_lp_optimal(assign(scores, cap, objective=objective), scores, cap, objective)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 30), st.integers(1, 12), st.integers(1, 14))
def test_dense_top_k_keeps_each_rows_best_and_bounds_the_rest(seed, n, m, k) -> None:
    rng = np.random.default_rng(seed)
    scores = np.round(rng.standard_normal((n, m)), int(rng.integers(0, 3)))  # ties included
    scores[rng.random((n, m)) < 0.2] = -np.inf
    scores[rng.random((n, m)) < 0.1] = np.nan
    rows, cols, bound = dense_top_k(scores, k)
    kept = np.zeros((n, m), dtype=bool)
    kept[rows, cols] = True
    finite = np.isfinite(scores)
    assert np.all(finite[kept]), "only allowed pairs are kept"
    for i in range(n):
        row_vals = np.sort(scores[i][finite[i]])[::-1]
        assert np.count_nonzero(kept[i]) == min(k, row_vals.shape[0])
        assert np.allclose(np.sort(scores[i][kept[i]])[::-1], row_vals[:k])
        left_out = scores[i][finite[i] & ~kept[i]]
        if left_out.size:
            assert left_out.max() <= bound[i]


# ----------------------------------------------------------------------------- duals


def test_duals_certify_an_optimal_assignment_and_refuse_a_worse_one() -> None:
    # given: mentees 0 and 1 both prefer mentor 0 (capacity 1); mentee 1 needs it more
    rows = np.array([0, 0, 1, 1])
    cols = np.array([0, 1, 0, 1])
    weights = np.array([10, 8, 10, 1])
    cap = np.array([1, 1])
    # when: the optimal matching (0->1, 1->0) and the greedy one (0->0, 1->1)
    good = assignment_duals(rows, cols, weights, np.array([1, 0]), cap, offset=None)
    bad = assignment_duals(rows, cols, weights, np.array([0, 1]), cap, offset=None)
    # then: duals cover every pair, tight on the matching; none exist for the worse one
    assert good is not None
    assert bad is None
    assert np.all(good.row[rows] + good.col[cols] >= weights)
    assert good.row[0] + good.col[1] == 8
    assert good.row[1] + good.col[0] == 10


def test_solve_dense_priced_reports_rounds_and_candidates() -> None:
    rng = np.random.default_rng(4)
    scores = rng.random((200, 40))
    rows, cols, _, rounds, n_candidates, solver = solve_dense_priced(  # type: ignore[misc]
        scores, np.full(40, 5), "participation", first_k=2
    )
    assert solver == "auction+ssp"
    assert rows.shape == cols.shape == (200,)
    assert rounds >= 1
    assert 400 <= n_candidates < scores.size
    assert float(scores[rows, cols].sum()) == pytest.approx(lsa_optimum(scores, 5), abs=1e-6)


def test_uncertified_pricing_falls_back_to_solving_every_pair(
    priced_everywhere: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: one round allowed, from one mentor per mentee: pricing cannot finish
    monkeypatch.setattr(_priced, "MAX_ROUNDS", 1)
    rng = np.random.default_rng(11)
    scores = 0.7 * rng.random(40)[None, :] + 0.3 * rng.random((120, 40))
    # when
    res = assign(scores, 3)
    # then: the whole matrix went to the exact solver, with the same optimum
    assert res.solver == "auction+ssp"
    assert res.total_score == pytest.approx(lsa_optimum(scores, 3), abs=1e-6)


Objective = Literal["participation", "score"]


@pytest.mark.parametrize("objective", ["participation", "score"])
def test_priced_path_edge_shapes(priced_everywhere: None, objective: Objective) -> None:
    # a single mentor, rows with nothing allowed, NaN, negative scores, zero capacity
    rng = np.random.default_rng(3)
    for scores, cap in [
        (rng.uniform(-1, 1, (50, 1)), np.array([7])),
        (np.full((20, 5), -np.inf), np.full(5, 2)),
        (np.where(rng.random((30, 6)) < 0.5, np.nan, rng.uniform(-1, 1, (30, 6))), np.full(6, 2)),
        (-rng.random((25, 4)), np.full(4, 3)),
        (rng.random((25, 4)), np.zeros(4, dtype=int)),
    ]:
        res = assign(scores, cap, objective=objective)
        matched, total = lp_optimum(np.where(np.isnan(scores), -np.inf, scores), cap, objective)
        check_feasible(res, np.where(np.isnan(scores), -np.inf, scores), cap)
        assert res.total_score == pytest.approx(total, abs=1e-6)
        if objective == "participation":
            assert len(res) == matched


def test_priced_path_with_a_huge_score_range_still_matches_most_people(priced_everywhere: None) -> None:
    # given: a pair scored -1e15 is still allowed, and matching everyone needs it
    scores = np.array([[1.0, -np.inf], [0.5, -1e15], [-np.inf, -np.inf]])
    # when
    res = assign(scores, [1, 1])
    # then: participation first: both mentees with an option are matched
    assert res.as_dict() == {0: 0, 1: 1}
    assert res.total_score == pytest.approx(1.0 - 1e15)


@settings(max_examples=120, deadline=None)
@given(instances(max_n=12, max_m=5, forbid=0.4), st.sampled_from(["participation", "score"]))
def test_duals_of_the_flow_optimum_are_a_proof(inst, objective) -> None:
    from matchmaker._flow import solve_flow
    from matchmaker._validation import as_candidates

    # given: the flow solver's optimum of a small instance (score: only pairs >= 0)
    scores, cap = inst
    cand = as_candidates(scores)
    keep = cand.scores >= 0 if objective == "score" else np.ones(len(cand), dtype=bool)
    keep &= cap[cand.cols] > 0
    if not keep.any():
        return
    rows, cols = cand.rows[keep], cand.cols[keep]
    sub = type(cand)(rows, cols, cand.scores[keep], cand.shape)
    sol = solve_flow(sub, cap, objective)
    n = scores.shape[0]
    matched_col = np.full(n, -1, dtype=np.int64)
    matched_col[rows[sol.chosen]] = cols[sol.chosen]
    everyone = bool(np.all(matched_col[rows] >= 0))
    big = 2 * n * (int(abs(sol.weights).max()) + 1) + 1  # one more match outweighs any score
    offset = 0 if objective == "score" else (None if everyone else big)
    # when
    duals = assignment_duals(rows, cols, sol.weights, matched_col, cap, offset=offset)
    # then: feasible on every pair, tight on the matching, and worth exactly the matching
    assert duals is not None
    assert np.all(duals.row[rows] + duals.col[cols] >= sol.weights)
    assert np.all(duals.row[rows[sol.chosen]] + duals.col[cols[sol.chosen]] == sol.weights[sol.chosen])
    assert np.all(duals.col >= 0)
    shift = duals.offset
    count = int(np.count_nonzero(sol.chosen))
    has_pairs = np.unique(rows)
    if offset is None:
        dual_value = int(duals.row[has_pairs].sum()) + int((cap * duals.col).sum())
    else:
        assert np.all(duals.row[has_pairs] + shift >= 0)
        dual_value = int((duals.row[has_pairs] + shift).sum()) + int((cap * duals.col).sum()) - count * shift
    assert dual_value == int(sol.weights[sol.chosen].sum())


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(1, 8),
    edges=st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7), st.integers(-6, 4)), max_size=20),
    seed=st.integers(0, 1000),
)
def test_longest_paths_match_bellman_ford(n: int, edges: list[tuple[int, int, int]], seed: int) -> None:
    # given: a small graph with gains of either sign (so positive cycles happen) and floors
    from matchmaker._duals import _longest_paths

    kept = [(a, b, g) for a, b, g in edges if a < n and b < n]
    tail, head, gain = (np.array([e[i] for e in kept], dtype=np.int64) for i in range(3))
    floor = np.random.default_rng(seed).integers(0, 5, n).astype(np.int64)
    # when: the smallest labels >= floor with label[head] >= label[tail] + gain are sought
    got = _longest_paths(n, tail, head, gain, floor)
    # then: they are plain Bellman-Ford's (n passes over every edge; still rising: a cycle)
    label = floor.copy()
    for _ in range(n):
        for a, b, g in kept:
            label[b] = max(label[b], label[a] + g)
    rising = any(label[a] + g > label[b] for a, b, g in kept)
    if rising:
        assert got is None
    else:
        assert got is not None
        np.testing.assert_array_equal(got, label)
