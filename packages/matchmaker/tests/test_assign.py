"""Tests for matchmaker.assign and top_k_candidates."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from matchmaker import assign, greedy_assign, top_k_candidates
from matchmaker._assign import Objective
from scipy.optimize import linprog

# ----------------------------------------------------------------------------- references


def _allowed(scores: np.ndarray) -> np.ndarray:
    return np.asarray(np.isfinite(scores))


def brute_force(scores: np.ndarray, cap: np.ndarray, objective: str) -> tuple[int, float]:
    """Best (matched, total) by enumerating every mentee's choice (tiny instances only)."""
    n, m = scores.shape
    options = [[-1] + [j for j in range(m) if np.isfinite(scores[i, j])] for i in range(n)]
    best: tuple[float, float] = (-1.0, -np.inf)
    best_pair = (0, 0.0)
    for choice in itertools.product(*options):
        used = np.bincount([j for j in choice if j >= 0], minlength=m)
        if np.any(used > cap):
            continue
        matched = sum(j >= 0 for j in choice)
        total = float(sum(scores[i, j] for i, j in enumerate(choice) if j >= 0))
        key = (matched, total) if objective == "participation" else (0.0, total)
        if key[0] > best[0] + 0.5 or (key[0] > best[0] - 0.5 and key[1] > best[1] + 1e-12):
            best, best_pair = key, (matched, total)
    return best_pair


def lp_optimum(scores: np.ndarray, cap: np.ndarray, objective: str) -> tuple[float, float]:
    """(matched, total) from HiGHS; participation is solved as two LPs (count, then score)."""
    rows, cols = np.nonzero(_allowed(scores))
    vals = scores[rows, cols]
    n, m = scores.shape
    e = rows.shape[0]
    if e == 0:
        return 0.0, 0.0
    a = sp.vstack(
        [
            sp.csr_matrix((np.ones(e), (rows, np.arange(e))), shape=(n, e)),
            sp.csr_matrix((np.ones(e), (cols, np.arange(e))), shape=(m, e)),
        ]
    )
    b = np.concatenate([np.ones(n), cap]).astype(float)
    if objective == "score":
        res = linprog(-vals, A_ub=a, b_ub=b, bounds=(0, 1), method="highs")
        return float(res.x.sum()), float(-res.fun)
    first = linprog(-np.ones(e), A_ub=a, b_ub=b, bounds=(0, 1), method="highs")
    count = round(-first.fun)
    res = linprog(-vals, A_ub=a, b_ub=b, A_eq=np.ones((1, e)), b_eq=[count], bounds=(0, 1), method="highs")
    return float(count), float(-res.fun)


def check_feasible(result, scores: np.ndarray, cap: np.ndarray) -> None:
    pairs = result.pairs
    assert pairs.dtype == np.int64
    assert pairs.ndim == 2
    assert pairs.shape[1] == 2
    assert np.all(np.diff(pairs[:, 0]) > 0), "each mentee at most once, rows sorted"
    assert np.all(np.isfinite(scores[pairs[:, 0], pairs[:, 1]])), "forbidden pair used"
    assert np.all(np.bincount(pairs[:, 1], minlength=scores.shape[1]) <= cap), "capacity exceeded"
    assert result.total_score == pytest.approx(float(scores[pairs[:, 0], pairs[:, 1]].sum()), abs=1e-9)


def assert_lp_optimal(result, scores: np.ndarray, cap: np.ndarray, objective: str) -> None:
    """``result`` is feasible and has the LP optimum's total (and count, for participation)."""
    lp_matched, lp_total = lp_optimum(scores, cap, objective)
    check_feasible(result, scores, cap)
    assert result.total_score == pytest.approx(lp_total, rel=1e-6, abs=1e-9)
    if objective == "participation":
        assert len(result) == lp_matched


def assert_brute_force_optimal(result, scores: np.ndarray, cap: np.ndarray, objective: str) -> None:
    """``result`` is feasible and as good as every possible choice (tiny instances)."""
    matched, total = brute_force(scores, cap, objective)
    check_feasible(result, scores, cap)
    assert result.total_score == pytest.approx(total, abs=1e-9)
    if objective == "participation":
        assert len(result) == matched


@st.composite
def instances(draw, max_n: int = 6, max_m: int = 4, forbid: float = 0.3):
    n = draw(st.integers(1, max_n))
    m = draw(st.integers(1, max_m))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    scores = np.round(rng.uniform(-1, 1, size=(n, m)), draw(st.sampled_from([1, 3, 8])))
    scores[rng.random((n, m)) < draw(st.sampled_from([0.0, forbid]))] = -np.inf
    cap = rng.integers(0, 3, size=m)
    return scores, cap


# ----------------------------------------------------------------------------- hand-made


def test_assign_known_answer_prefers_participation_over_score() -> None:
    # given: mentee 0 loves mentor 0, but only mentee 0 can take mentor 1
    scores = np.array([[10.0, 1.0], [2.0, -np.inf]])
    # when
    part = assign(scores, [1, 1])
    best = assign(scores, [1, 1], objective="score")
    # then: participation matches both (1 + 2); score prefers mentee 0 alone with mentor 0 (10)
    assert part.pairs.tolist() == [[0, 1], [1, 0]]
    assert part.total_score == pytest.approx(3.0)
    assert best.pairs.tolist() == [[0, 0]]
    assert best.total_score == pytest.approx(10.0)


def test_assign_score_objective_leaves_negative_pairs_unmatched() -> None:
    # given
    scores = np.array([[-0.5, -0.1], [0.3, -2.0]])
    # when
    res = assign(scores, 1, objective="score")
    # then
    assert res.pairs.tolist() == [[1, 0]]
    # and participation takes the negative pair to match everyone
    assert assign(scores, 1).pairs.tolist() == [[0, 1], [1, 0]]


def test_assign_sparse_explicit_zero_is_an_allowed_pair() -> None:
    # given: the only allowed pair of mentee 1 is an explicit zero
    m = sp.csr_matrix((np.array([1.0, 0.0]), (np.array([0, 1]), np.array([0, 1]))), shape=(2, 2))
    m.data[1] = 0.0  # stays stored
    assert m.nnz == 2
    # when
    res = assign(m, [1, 1])
    # then
    assert res.pairs.tolist() == [[0, 0], [1, 1]]
    assert res.total_score == 0.0 + 1.0


def test_assign_sparse_unstored_entries_are_forbidden() -> None:
    # given: mentee 1 has no stored entry at all
    m = sp.coo_matrix((np.array([0.5]), (np.array([0]), np.array([0]))), shape=(2, 2))
    # when
    res = assign(m, 5)
    # then
    assert res.pairs.tolist() == [[0, 0]]


def test_assign_nan_is_forbidden_in_dense() -> None:
    # given
    scores = np.array([[np.nan, 0.2]])
    # when / then
    assert assign(scores, 1).pairs.tolist() == [[0, 1]]


def test_assign_locked_pairs_are_kept_and_use_capacity() -> None:
    # given: without the lock mentee 0 would take mentor 0
    scores = np.array([[0.9, 0.1], [0.8, 0.2]])
    # when
    res = assign(scores, [1, 1], locked=[(1, 0)])
    # then
    assert res.pairs.tolist() == [[0, 1], [1, 0]]
    assert res.total_score == pytest.approx(0.9)
    assert res.stats["n_locked"] == 1


def test_assign_locked_forbidden_pair_raises() -> None:
    with pytest.raises(ValueError, match="locked"):
        assign(np.array([[0.5, -np.inf]]), 1, locked=[(0, 1)])


def test_assign_locked_over_capacity_raises() -> None:
    with pytest.raises(ValueError, match=r"locked.*mentor_capacity"):
        assign(np.ones((2, 1)), 1, locked=[(0, 0), (1, 0)])


def test_assign_locked_duplicate_mentee_raises() -> None:
    with pytest.raises(ValueError, match="locked"):
        assign(np.ones((2, 2)), 2, locked=[(0, 0), (0, 1)])


@pytest.mark.parametrize(
    ("scores", "cap", "match"),
    [
        (np.ones((2, 3)), [1, 1], "mentor_capacity"),
        (np.ones((2, 3)), [1, -1, 1], "mentor_capacity must be non-negative"),
        (np.ones((2, 3)), [1, np.nan, 1], "mentor_capacity"),
        (np.ones((2, 3)), [1, 1.5, 1], "mentor_capacity"),
        (np.ones(3), 1, "scores"),
        (np.ones((2, 2, 2)), 1, "scores"),
        (np.array([[np.inf, 1.0]]), 1, "scores"),
        (sp.csr_matrix(np.ones((2, 2))), [1, 1, 1], "mentor_capacity"),
        # scores whose total would overflow, on each path: the direct solver, the auction, sparse
        (np.array([[1e308, 1e308], [1e308, 1e308]]), 1, "scores must lie within"),
        (np.array([[1e308, -np.inf], [-1e301, 1.0]]), 1, "scores must lie within"),
        (sp.csr_array(np.array([[0.0, -1e305]])), 1, "scores must lie within"),
        (np.array([[1 + 1j, 0.5]]), 1, "real numbers"),
    ],
)
def test_assign_bad_input_raises_naming_argument(scores, cap, match) -> None:
    with pytest.raises(ValueError, match=match):
        assign(scores, cap)


def test_assign_unknown_objective_raises() -> None:
    with pytest.raises(ValueError, match="objective"):
        assign(np.ones((1, 1)), 1, objective="fast")  # type: ignore[arg-type]


@pytest.mark.parametrize("objective", ["participation", "score"])
def test_assign_solves_tiny_scores_exactly(objective: Objective) -> None:
    # scores below 1e-290 once overflowed the integer scale (limit / max |score|)
    tiny = np.array([[1e-300, 2e-300], [3e-300, -np.inf]])
    for scores in (tiny, sp.csr_array(np.nan_to_num(tiny, neginf=0.0)), np.array([[5e-324, -np.inf]])):
        res = assign(scores, 1, objective=objective)
        best = 2e-300 + 3e-300 if scores.shape[0] == 2 else 5e-324
        assert res.total_score == best


def test_assign_rejects_a_lock_on_a_sparse_matrix_without_allowed_pairs() -> None:
    for scores in (sp.csr_array((2, 2)), sp.csr_array(np.array([[-np.inf, np.nan], [0.0, 0.0]])[:1])):
        with pytest.raises(ValueError, match=r"locked pair \(0, 1\) is a forbidden pair"):
            assign(scores, 1, locked=[(0, 1)])


def test_assign_leaves_the_callers_sparse_matrix_untouched() -> None:
    # a csr with duplicate, unsorted entries (not canonical): assign must not sort it in place
    scores = sp.csr_array(
        (np.array([1.0, 2.0, 5.0, 3.0]), np.array([1, 0, 1, 0]), np.array([0, 3, 4])), shape=(2, 2)
    )
    before = [a.copy() for a in (scores.data, scores.indices, scores.indptr)]
    res = assign(scores, 1)
    assert res.total_score == 9.0  # (0, 1) sums its duplicates to 6, (1, 0) is 3
    for got, want in zip((scores.data, scores.indices, scores.indptr), before, strict=True):
        np.testing.assert_array_equal(got, want)


def test_assign_capacity_beyond_int64_means_unlimited() -> None:
    for cap in (2**63, 1e300, np.array([2**64 - 1, 1], dtype=np.uint64)):
        assert assign(np.ones((2, 2)), cap).pairs.shape == (2, 2)


def test_assign_empty_inputs() -> None:
    assert assign(np.zeros((0, 3)), 1).pairs.shape == (0, 2)
    assert assign(np.zeros((3, 0)), []).pairs.shape == (0, 2)
    assert len(assign(np.ones((2, 2)), 0)) == 0


def test_assign_dense_and_sparse_agree_on_a_medium_instance() -> None:
    # given: a 300 x 60 instance, 30% forbidden, taken by the flow solver as sparse and dense
    rng = np.random.default_rng(7)
    scores = rng.random((300, 60))
    scores[rng.random(scores.shape) < 0.3] = -np.inf
    cap = rng.integers(1, 6, size=60)
    # when
    r, c = np.nonzero(np.isfinite(scores))
    dense = assign(scores, cap)
    sparse = assign(sp.csr_matrix((scores[r, c], (r, c)), shape=scores.shape), cap)
    lp = lp_optimum(scores, cap, "participation")
    # then
    check_feasible(dense, scores, cap)
    assert len(dense) == len(sparse) == lp[0]
    assert dense.total_score == pytest.approx(lp[1], rel=1e-9)
    assert sparse.total_score == pytest.approx(lp[1], rel=1e-9)
    assert sparse.stats["n_candidates"] == dense.stats["n_candidates"] == r.shape[0]


def test_assign_large_sparse_uses_flow_and_matches_lp() -> None:
    # given: 800 mentees x 200 mentors, 10 candidates each, capacity 4 (tight)
    rng = np.random.default_rng(3)
    n, m, k = 800, 200, 10
    cols = np.concatenate([rng.choice(m, k, replace=False) for _ in range(n)])
    rows = np.repeat(np.arange(n), k)
    mat = sp.csr_matrix((rng.random(n * k), (rows, cols)), shape=(n, m))
    dense = np.full((n, m), -np.inf)
    coo = mat.tocoo()
    dense[coo.row, coo.col] = coo.data
    # when
    res = assign(mat, 4)
    lp = lp_optimum(dense, np.full(m, 4), "participation")
    # then
    assert res.solver == "auction+ssp"
    check_feasible(res, dense, np.full(m, 4))
    assert len(res) == lp[0]
    assert res.total_score == pytest.approx(lp[1], rel=1e-9)
    assert res.stats["score_error_bound"] < 1e-6


# ----------------------------------------------------------------------------- properties


@settings(max_examples=100, deadline=None)
@given(instances(), st.sampled_from(["participation", "score"]), st.booleans())
def test_assign_equals_brute_force_on_tiny_instances(inst, objective, as_sparse) -> None:
    # given
    scores, cap = inst
    arg = scores
    if as_sparse:
        r, c = np.nonzero(np.isfinite(scores))
        arg = sp.coo_matrix((scores[r, c], (r, c)), shape=scores.shape)
    # when
    res = assign(arg, cap, objective=objective)
    # then
    assert_brute_force_optimal(res, scores, cap, objective)


@settings(max_examples=40, deadline=None)
@given(instances(max_n=40, max_m=12, forbid=0.5), st.sampled_from(["participation", "score"]), st.booleans())
def test_assign_equals_lp_optimum_on_small_instances(inst, objective, as_sparse) -> None:
    # given: sparse input always takes the flow solver, dense mostly linear_sum_assignment
    scores, cap = inst
    r, c = np.nonzero(np.isfinite(scores))
    arg = sp.csr_matrix((scores[r, c], (r, c)), shape=scores.shape) if as_sparse else scores
    # when
    res = assign(arg, cap, objective=objective)
    # then
    assert_lp_optimal(res, scores, cap, objective)


@settings(max_examples=60, deadline=None)
@given(instances(max_n=8, max_m=4), st.data())
def test_assign_keeps_locked_pairs(inst, data) -> None:
    # given: lock a random feasible subset of allowed pairs
    scores, cap = inst
    r, c = np.nonzero(np.isfinite(scores))
    locked: list[tuple[int, int]] = []
    used = np.zeros_like(cap)
    for idx in data.draw(st.permutations(range(r.shape[0]))):
        i, j = int(r[idx]), int(c[idx])
        if data.draw(st.booleans()) and used[j] < cap[j] and i not in {p[0] for p in locked}:
            locked.append((i, j))
            used[j] += 1
    # when
    res = assign(scores, cap, locked=locked)
    # then
    check_feasible(res, scores, cap)
    got = res.as_dict()
    assert all(got[i] == j for i, j in locked)
    # and the free part is optimal given the locks (brute force on the reduced instance)
    free = scores.copy()
    for i, _ in locked:
        free[i, :] = -np.inf
    rem = cap - used
    matched, total = brute_force(free, rem, "participation")
    assert len(res) == matched + len(locked)
    assert res.total_score == pytest.approx(total + sum(scores[i, j] for i, j in locked), abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(instances(max_n=12, max_m=5))
def test_greedy_never_beats_assign_on_participation(inst) -> None:
    scores, cap = inst
    opt = assign(scores, cap)
    naive = greedy_assign(scores, cap)
    assert len(naive) <= len(opt)
    if len(naive) == len(opt):
        assert naive.total_score <= opt.total_score + 1e-9


# ----------------------------------------------------------------------------- top_k


def test_top_k_candidates_keeps_best_and_explicit_zeros() -> None:
    # given
    scores = np.array([[0.0, -1.0, 0.5], [np.nan, 0.2, 0.1]])
    # when
    cand = top_k_candidates(scores, 2)
    # then
    assert cand.nnz == 4
    assert sorted(zip(*cand.nonzero(), strict=True)) == [
        (0, 2),
        (1, 1),
        (1, 2),
    ]  # explicit zero not in nonzero()
    assert cand[0, 0] == 0.0
    assert cand.indices[cand.indptr[0] : cand.indptr[1]].tolist() == [0, 2]


def test_top_k_candidates_sparse_and_per_mentor() -> None:
    # given: mentor 2 is nobody's top-1 but per_mentor keeps its best mentee
    scores = np.array([[0.9, 0.5, 0.1], [0.8, 0.6, 0.4]])
    # when
    dense = top_k_candidates(scores, 1, per_mentor=1)
    sparse = top_k_candidates(sp.csr_matrix(scores), 1, per_mentor=1)
    # then
    assert (dense != sparse).nnz == 0
    assert dense[1, 2] == pytest.approx(0.4)
    assert dense.nnz == 4


def test_top_k_candidates_bad_k_raises() -> None:
    with pytest.raises(ValueError, match="k must"):
        top_k_candidates(np.ones((2, 2)), -1)
