"""Tests for matchmaker.form_groups."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matchmaker import assign, form_groups


def objective(fit: np.ndarray, coh: np.ndarray, group: np.ndarray, lam: float) -> tuple[int, float]:
    placed = np.nonzero(group >= 0)[0]
    total = float(fit[placed, group[placed]].sum())
    for i, k in itertools.combinations(placed.tolist(), 2):
        if group[i] == group[k]:
            total += lam * coh[i, k]
    return placed.shape[0], total


def as_group(res, n: int) -> np.ndarray:
    g = np.full(n, -1)
    g[res.pairs[:, 0]] = res.pairs[:, 1]
    return g


@st.composite
def group_instances(draw):
    n = draw(st.integers(1, 9))
    m = draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    fit = np.round(rng.uniform(0, 1, (n, m)), 2)
    fit[rng.random((n, m)) < draw(st.sampled_from([0.0, 0.3]))] = -np.inf
    coh = np.round(rng.uniform(-1, 1, (n, n)), 2)
    coh = np.triu(coh, 1) + np.triu(coh, 1).T
    min_size = draw(st.integers(1, 3))
    max_size = draw(st.integers(min_size, 4))
    cap = rng.integers(0, 5, m)
    lam = draw(st.sampled_from([0.0, 0.5, 2.0]))
    return fit, coh, cap, min_size, max_size, lam


def test_form_groups_respects_min_size_by_closing_a_mentor() -> None:
    # given: 5 mentees, 2 mentors; groups of 3..5 means only one mentor can lead
    fit = np.array([[1.0, 0.5]] * 3 + [[0.4, 1.0]] * 2)
    coh = np.zeros((5, 5))
    # when
    res = form_groups(fit, coh, min_size=3, max_size=5)
    # then
    sizes = np.bincount(res.pairs[:, 1], minlength=2)
    assert sorted(sizes.tolist()) == [0, 5]
    assert res.stats["n_groups"] == 1


def test_form_groups_cohesion_regroups_friends() -> None:
    # given: fit is indifferent, 0-1 and 2-3 like each other, 0-2 / 1-3 dislike
    fit = np.full((4, 2), 0.5)
    coh = np.zeros((4, 4))
    coh[0, 1] = coh[1, 0] = coh[2, 3] = coh[3, 2] = 1.0
    coh[0, 2] = coh[2, 0] = coh[1, 3] = coh[3, 1] = -1.0
    # when
    res = form_groups(fit, coh, min_size=2, max_size=2, seed=1)
    g = as_group(res, 4)
    # then
    assert g[0] == g[1]
    assert g[2] == g[3]
    assert g[0] != g[2]
    assert res.stats["cohesion_total"] == 2.0
    assert res.total_score == pytest.approx(4 * 0.5 + 2.0)
    assert res.stats["local_optimum"] == 1.0


def test_form_groups_zero_weight_equals_exact_fit_assignment() -> None:
    # given
    rng = np.random.default_rng(5)
    fit = rng.random((30, 6))
    coh = rng.random((30, 30))
    coh = coh + coh.T
    # when
    res = form_groups(fit, coh, 5, min_size=1, max_size=4, cohesion_weight=0.0)
    ref = assign(fit, 4)
    # then
    assert len(res) == len(ref) == 24
    assert res.total_score == pytest.approx(ref.total_score, abs=1e-9)


def test_form_groups_max_size_beyond_the_pool_means_no_bound() -> None:
    res = form_groups(np.ones((3, 2)), np.zeros((3, 3)), min_size=1, max_size=10**20)
    assert len(res) == 3


def test_form_groups_moves_a_lone_mentee_when_min_size_is_one() -> None:
    # given two mentees alone in their groups who like each other (found by fuzzing)
    fit = np.array([[0.721, 0.476, 0.499], [0.639, 0.952, 0.826]])
    coh = np.array([[0.0, 2.0], [2.0, 0.0]])
    # when groups of one are allowed
    res = form_groups(fit, coh, 4, min_size=1, max_size=2, cohesion_weight=0.5, seed=445)
    # then one of them leaves its group (which closes) to join the other: together under
    # mentor 1 (0.476 + 0.952 + 0.5 * 2) or mentor 0 (0.721 + 0.639 + 1), not apart (1.673)
    together = {"[[0, 1], [1, 1]]": 2.428, "[[0, 0], [1, 0]]": 2.36}
    pairs = str(res.pairs.tolist())
    assert pairs in together
    assert res.total_score == pytest.approx(together[pairs])
    assert res.stats["local_optimum"] == 1.0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"fit": np.ones(3)}, "fit"),
        ({"cohesion": np.ones((2, 2))}, "cohesion"),
        ({"cohesion": np.array([[0, 1, 0], [2, 0, 0], [0, 0, 0]], float)}, "cohesion must be symmetric"),
        ({"cohesion": np.full((3, 3), np.nan)}, "cohesion"),
        ({"min_size": 0}, "min_size"),
        ({"max_size": 1, "min_size": 2}, "max_size"),
        ({"cohesion_weight": -1.0}, "cohesion_weight"),
        ({"mentor_capacity": [1, -1]}, "mentor_capacity"),
        ({"max_rounds": -1}, "max_rounds"),
        ({"seed": -1}, "seed"),
        ({"cohesion": np.full((3, 3), 1e308)}, "cohesion must lie within"),  # (its sums overflowed)
    ],
)
def test_form_groups_bad_input_raises_naming_argument(kwargs, match) -> None:
    args: dict[str, Any] = {
        "fit": np.ones((3, 2)),
        "cohesion": np.zeros((3, 3)),
        "min_size": 1,
        "max_size": 3,
    }
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        form_groups(**args)


@settings(max_examples=80, deadline=None)
@given(group_instances(), st.integers(0, 3))
def test_form_groups_invariants_and_local_optimality(inst, seed) -> None:
    # given
    fit, coh, cap, min_size, max_size, lam = inst
    n, m = fit.shape
    # when
    res = form_groups(fit, coh, cap, min_size=min_size, max_size=max_size, cohesion_weight=lam, seed=seed)
    start = form_groups(
        fit, coh, cap, min_size=min_size, max_size=max_size, cohesion_weight=lam, max_rounds=0
    )
    g = as_group(res, n)
    # then: bounds, capacity, forbidden pairs
    sizes = np.bincount(g[g >= 0], minlength=m)
    assert np.all((sizes == 0) | ((sizes >= min_size) & (sizes <= np.minimum(cap, max_size))))
    assert np.all(np.isfinite(fit[res.pairs[:, 0], res.pairs[:, 1]]))
    count, total = objective(fit, coh, g, lam)
    assert res.total_score == pytest.approx(total, abs=1e-9)
    # never worse than the exact fit phase, participation first
    s_count, s_total = objective(fit, coh, as_group(start, n), lam)
    assert (count, total + 1e-9) >= (s_count, s_total)
    # no single improving move or swap is left
    assert res.stats["local_optimum"] == 1.0
    open_groups = np.nonzero(sizes > 0)[0]
    for i in range(n):
        for b in open_groups:
            leaves_ok = g[i] >= 0 and (sizes[g[i]] > min_size or sizes[g[i]] == 1)  # (or closes)
            if leaves_ok and b != g[i] and sizes[b] < min(cap[b], max_size):
                h = g.copy()
                h[i] = b
                if np.isfinite(fit[i, b]):
                    assert objective(fit, coh, h, lam)[1] <= total + 1e-9
        for k in range(n):
            if g[i] >= 0 and g[k] != g[i]:
                h = g.copy()
                h[i], h[k] = g[k], g[i]
                placed = h >= 0
                if np.all(np.isfinite(fit[np.nonzero(placed)[0], h[placed]])):
                    assert objective(fit, coh, h, lam)[1] <= total + 1e-9
