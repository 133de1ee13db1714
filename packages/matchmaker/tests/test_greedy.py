"""Tests for matchmaker.greedy_assign (the first-come baseline)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from matchmaker import greedy_assign


def test_greedy_first_come_takes_best_remaining() -> None:
    # given: both prefer mentor 0 (capacity 1)
    scores = np.array([[0.9, 0.1], [0.95, 0.2]])
    # when
    first = greedy_assign(scores, 1)
    reordered = greedy_assign(scores, 1, order=[1, 0])
    # then
    assert first.pairs.tolist() == [[0, 0], [1, 1]]
    assert first.total_score == pytest.approx(1.1)
    assert reordered.pairs.tolist() == [[0, 1], [1, 0]]
    assert first.solver == "greedy"


def test_greedy_can_leave_people_out_that_an_optimum_would_match() -> None:
    # given: mentee 0 grabs the only mentor mentee 1 accepts
    scores = np.array([[0.9, 0.8], [0.7, -np.inf]])
    # when / then
    assert len(greedy_assign(scores, 1)) == 1


def test_greedy_sparse_and_partial_order() -> None:
    # given
    m = sp.csr_matrix((np.array([0.0, 0.5]), (np.array([0, 1]), np.array([1, 1]))), shape=(3, 2))
    # when: mentee 2 never arrives, mentee 1 arrives first
    res = greedy_assign(m, [1, 1], order=[1, 0])
    # then: explicit zero is an allowed pair, but mentor 1 is taken by mentee 1
    assert res.pairs.tolist() == [[1, 1]]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"order": [0, 0]}, "order"), ({"order": [5]}, "order"), ({"order": [[0]]}, "order")],
)
def test_greedy_bad_order_raises(kwargs, match) -> None:
    with pytest.raises(ValueError, match=match):
        greedy_assign(np.ones((2, 2)), 1, **kwargs)


def test_greedy_bad_capacity_raises() -> None:
    with pytest.raises(ValueError, match="mentor_capacity"):
        greedy_assign(np.ones((2, 2)), [1, -1])


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 8), st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_greedy_respects_capacity_and_forbidden_pairs(n, m, seed) -> None:
    rng = np.random.default_rng(seed)
    scores = rng.uniform(-1, 1, (n, m))
    scores[rng.random((n, m)) < 0.3] = -np.inf
    cap = rng.integers(0, 3, m)
    res = greedy_assign(scores, cap, order=rng.permutation(n))
    assert np.all(np.bincount(res.pairs[:, 1], minlength=m) <= cap)
    assert np.all(np.isfinite(scores[res.pairs[:, 0], res.pairs[:, 1]]))
    assert np.unique(res.pairs[:, 0]).shape[0] == len(res)
