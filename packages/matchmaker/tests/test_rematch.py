"""Tests for matchmaker.rematch."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from matchmaker import rematch


def test_rematch_ranks_available_mentors_and_excludes() -> None:
    # given
    row = np.array([0.2, 0.9, np.nan, 0.5, 0.9, 0.1])
    cap = np.array([1, 1, 1, 1, 1, 0])
    # when
    res = rematch(row, cap, exclude=[3], k=3)
    # then: ties (0.9) by lower index; NaN forbidden; 3 excluded
    assert res.mentors.tolist() == [1, 4, 0]
    assert res.scores.tolist() == [0.9, 0.9, 0.2]
    assert len(res) == 3


def test_rematch_full_mentors_are_skipped_and_k_caps() -> None:
    res = rematch([0.3, 0.8, 0.5], [2, 0, 1], k=10)
    assert res.mentors.tolist() == [2, 0]


def test_rematch_sparse_row_with_explicit_zero() -> None:
    # given: only mentors 1 (explicit 0.0) and 3 are allowed
    row = sp.csr_matrix((np.array([0.0, 0.4]), (np.array([0, 0]), np.array([1, 3]))), shape=(1, 4))
    # when
    res = rematch(row, 1, k=5)
    # then
    assert res.mentors.tolist() == [3, 1]
    assert res.scores.tolist() == [0.4, 0.0]


def test_rematch_k_zero_and_empty() -> None:
    assert len(rematch([0.5], [1], k=0)) == 0
    assert len(rematch(np.zeros(0), np.zeros(0, int))) == 0


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        ((np.ones((2, 2)), 1), {}, "scores_row"),
        ((np.array([np.inf]), 1), {}, "scores_row"),
        ((np.ones(3), [1, 1]), {}, "mentor_remaining_capacity"),
        ((np.ones(3), [1, -1, 1]), {}, "mentor_remaining_capacity"),
        ((np.ones(3), 1), {"exclude": [3]}, "exclude"),
        ((np.ones(3), 1), {"k": -1}, "k must"),
        ((np.ones(3), 1), {"exclude": [1.5]}, "exclude must be an integer, got 1.5"),  # not mentor 1
        ((np.ones(3), 1), {"exclude": ["a"]}, "exclude"),
        ((np.ones(3), 1), {"exclude": np.ones((1, 1), int)}, "exclude"),
    ],
)
def test_rematch_bad_input_raises_naming_argument(args, kwargs, match) -> None:
    with pytest.raises(ValueError, match=match):
        rematch(*args, **kwargs)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.one_of(st.floats(-5, 5), st.just(float("-inf")), st.sampled_from([0.5, 1.0])), max_size=30),
    st.data(),
)
def test_rematch_equals_sorted_reference(values, data) -> None:
    # given
    row = np.array(values, dtype=float)
    n = row.shape[0]
    cap = np.array(data.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)), dtype=int)
    exclude = data.draw(st.lists(st.integers(0, max(n - 1, 0)), max_size=3)) if n else []
    k = data.draw(st.integers(0, 8))
    # when
    res = rematch(row, cap, exclude=exclude, k=k)
    # then
    ref = sorted(
        (j for j in range(n) if np.isfinite(row[j]) and cap[j] > 0 and j not in exclude),
        key=lambda j: (-row[j], j),
    )[:k]
    assert res.mentors.tolist() == ref
    assert res.scores.tolist() == [row[j] for j in ref]
