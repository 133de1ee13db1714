"""Pricing left-out pairs: the solver's duals, priced candidates, and assign_pool."""

from __future__ import annotations

import dataclasses
from typing import Any
from unittest import mock

import numpy as np
import numpy.typing as npt
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from matchmaker import (
    PeopleFeatures,
    ScoreModel,
    Scorer,
    _pool,
    assign,
    assign_pool,
    candidates,
    synthetic_pool,
)
from matchmaker._assign import Objective
from matchmaker._candidates import priced_candidates
from matchmaker._scan import PairBound

PROBING: dict[str, Any] = {"exact_cells": 0}  # force the probing path even on small pools


def _scorer(n: int, m: int, seed: int) -> Scorer:
    mentees, mentors = synthetic_pool(n, m, rng=np.random.default_rng(seed))
    return Scorer(ScoreModel(), mentees, mentors)


def _rows(graph: sp.csr_array) -> npt.NDArray[np.int64]:
    return np.repeat(np.arange(graph.shape[0]), np.diff(graph.indptr))


def _pairs(graph: sp.csr_array) -> set[tuple[int, int]]:
    return {(int(a), int(b)) for a, b in zip(_rows(graph), graph.indices, strict=True)}


def _reduced(scorer: Scorer, duals: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    profit, price = duals
    with np.errstate(invalid="ignore"):
        reduced: np.ndarray = scorer.matrix() - profit[:, None] - price[None, :]
    return reduced


@pytest.mark.parametrize("objective", ["participation", "score"])
def test_assign_duals_prove_the_matching_optimal_on_its_candidates(objective: Objective) -> None:
    # given a pruned candidate graph of a tight pool, one pair locked
    scorer = _scorer(400, 90, seed=1)
    graph = candidates(scorer, k=3, mentor_k=4)
    locked = [(int(_rows(graph)[0]), int(graph.indices[0]))]
    # when it is solved
    res = assign(graph, 4, objective=objective, locked=locked)
    # then the duals are feasible on every candidate pair and tight on the matching
    assert res.duals is not None
    profit, price = res.duals
    rows, cols = _rows(graph), graph.indices
    free = np.isfinite(profit[rows]) & np.isfinite(price[cols])
    if objective == "score":
        free &= graph.data >= 0
    slack = profit[rows[free]] + price[cols[free]] - graph.data[free]
    assert slack.min() >= -1e-9
    matched = res.pairs[res.pairs[:, 0] != locked[0][0]]
    tight = profit[matched[:, 0]] + price[matched[:, 1]] - scorer.score(matched[:, 0], matched[:, 1])
    np.testing.assert_allclose(tight, 0.0, atol=1e-9)
    assert profit[locked[0][0]] == np.inf  # a locked mentee never moves


def test_exhaustive_pricing_returns_the_best_pairs_that_price_out() -> None:
    # given the duals of an assignment on a deliberately thin graph of a small pool
    scorer = _scorer(300, 80, seed=2)
    res = assign(candidates(scorer, k=1, mentor_k=0), 4)
    assert res.duals is not None
    # when the pool is priced (small: every pair is looked at)
    priced = candidates(scorer, duals=res.duals, k=3, mentor_k=0)
    # then each mentee gets its (up to) 3 pairs of largest reduced score, all positive,
    # with their exact scores
    reduced = _reduced(scorer, res.duals)
    rows = _rows(priced)
    assert priced.nnz > 0
    np.testing.assert_array_equal(priced.data, scorer.score(rows, priced.indices))
    for i in range(300):
        gains = reduced[i][reduced[i] > 1e-9]
        got = priced.indices[priced.indptr[i] : priced.indptr[i + 1]]
        assert got.shape[0] == min(3, gains.shape[0])
        if got.shape[0]:
            assert reduced[i, got].min() >= np.sort(gains)[-got.shape[0]] - 1e-12


def test_pricing_with_unbounded_k_returns_every_pair_that_prices_out() -> None:
    # given the duals of an assignment on a thin graph
    scorer = _scorer(300, 80, seed=6)
    res = assign(candidates(scorer, k=1, mentor_k=0), 4)
    assert res.duals is not None
    # when every priced-out pair is asked for (k far above the number of mentors)
    priced = candidates(scorer, duals=res.duals, k=10**9, mentor_k=10**9)
    # then the scan's buffers stay sized by the mentors, every such pair is returned,
    # and the probing-only n_exact (48 by default) does not limit k
    reduced = _reduced(scorer, res.duals)
    assert priced.nnz == np.count_nonzero(reduced > 1e-9) > 0
    assert priced.nnz == priced_candidates(scorer, res.duals, k=10**9, mentor_k=10**9)[0].nnz


def test_pricing_a_probed_pool_returns_only_new_allowed_pairs_that_price_out() -> None:
    # given the duals of an assignment on the probed candidates of a larger pool
    scorer = _scorer(1500, 400, seed=3)
    first = candidates(scorer, **PROBING)
    res = assign(first, 4)
    assert res.duals is not None
    # when the pool is priced against those duals
    priced = candidates(scorer, duals=res.duals, **PROBING)
    # then every pair found is new, allowed, exactly scored and prices out
    rows = _rows(priced)
    assert priced.nnz > 0
    score, allowed, _ = scorer.evaluate(rows, priced.indices)
    assert np.all(allowed)
    np.testing.assert_array_equal(priced.data, score)
    profit, price = res.duals
    assert np.all(priced.data - profit[rows] - price[priced.indices] > 1e-9)
    assert (first.multiply(priced)).nnz == 0


@pytest.mark.parametrize(("objective", "capacity", "seed"), [("participation", 4, 4), ("score", 3, 5)])
def test_assign_pool_proves_a_small_pool_optimal(objective: Objective, capacity: int, seed: int) -> None:
    # given a small pool whose first graph is thin (one mentor per mentee)
    scorer = _scorer(250, 70, seed=seed)
    options: dict[str, Any] = {"k": 1, "mentor_k": 0}
    # when it is matched with pricing until nothing prices out
    res = assign_pool(scorer, capacity, objective=objective, pricing_rounds=20, candidate_options=options)
    # then the answer equals the optimum over every pair, and says it is proven
    best = assign(scorer.matrix(), capacity, objective=objective)
    assert res.stats["proven_optimal"] == 1.0
    assert res.stats["pricing_rounds"] >= 1
    assert len(res) == len(best)
    assert res.total_score == pytest.approx(best.total_score, abs=1e-6)
    first = assign(candidates(scorer, **options), capacity, objective=objective)
    assert first.total_score < best.total_score - 1e-6  # the thin graph alone was not optimal


def test_assign_pool_scans_a_probed_pool_to_the_optimum_with_a_true_gap() -> None:
    # given a pool too large to score whole, whose probed candidates lose fit
    scorer = _scorer(3000, 800, seed=6)
    capacity = np.random.default_rng(6).integers(1, 8, 800)
    best = assign(scorer.matrix(), capacity)
    plain = assign_pool(scorer, capacity, pricing_rounds=0, candidate_options=PROBING)
    assert plain.total_score < best.total_score - 1e-3
    # when one round prices every pair (the scan) and the next only certifies
    one = assign_pool(scorer, capacity, pricing_rounds=1, gap_tolerance=0.0, candidate_options=PROBING)
    # then the certified gap is at least the true loss of the returned matching
    assert one.stats["pricing_rounds"] == 1
    assert one.stats["optimality_gap"] >= best.total_score - one.total_score - 1e-9
    # and with rounds until nothing prices out, the answer is the optimum, proven
    full = assign_pool(scorer, capacity, pricing_rounds=30, gap_tolerance=0.0, candidate_options=PROBING)
    assert full.stats["proven_optimal"] == 1.0
    assert full.stats["optimality_gap"] <= 1e-9 * 3000 + 1e-12
    assert len(full) == len(best)
    assert full.total_score == pytest.approx(best.total_score, abs=1e-6)


@pytest.mark.parametrize("objective", ["participation", "score"])
def test_assign_pool_prices_the_flow_solvers_answers_too(
    objective: Objective, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a solver that always hands its graph to OR-Tools (as when the auction's
    # work budget runs out), and a pool short of places
    from matchmaker import _auction

    monkeypatch.setattr(_auction, "solve_auction", lambda *_, **__: None)
    scorer = _scorer(400, 60, seed=15)
    capacity = np.random.default_rng(15).integers(0, 5, 60)
    # when the pool is matched with pricing from a thin first graph
    res = assign_pool(
        scorer, capacity, objective=objective, pricing_rounds=20, candidate_options={"k": 1, "mentor_k": 0}
    )
    # then the flow solver's answers were priced (it gives duals too) up to the optimum
    assert res.solver == "ortools-mcf"
    assert res.stats["pricing_rounds"] >= 1
    assert res.stats["proven_optimal"] == 1.0
    best = assign(scorer.matrix(), capacity, objective=objective)
    assert len(res) == len(best)
    assert res.total_score == pytest.approx(best.total_score, abs=1e-6)


def test_assign_pool_keeps_locked_pairs_even_off_the_graph() -> None:
    # given a locked pair that is allowed but far from anyone's best
    scorer = _scorer(200, 60, seed=7)
    dense = scorer.matrix()
    i = 5
    j = int(np.flatnonzero(np.isfinite(dense[i]))[np.argmin(dense[i][np.isfinite(dense[i])])])
    # when the pool is matched
    res = assign_pool(scorer, 4, locked=[(i, j)])
    # then the lock is kept and the rest is optimal around it
    assert (i, j) in {tuple(p) for p in res.pairs.tolist()}
    assert res.total_score == pytest.approx(assign(dense, 4, locked=[(i, j)]).total_score, abs=1e-6)


def test_assign_pool_prices_a_pool_with_an_empty_side() -> None:
    # given pools without mentees or without mentors
    for n, m in ((0, 12), (42, 0), (0, 0)):
        mentees, mentors = synthetic_pool(n, m, rng=np.random.default_rng(0))
        # when they are solved with pricing
        res = assign_pool(Scorer(ScoreModel(), mentees, mentors), 1)
        # then nobody is matched, and that is proven optimal
        assert res.pairs.shape == (0, 2)
        assert res.stats["proven_optimal"] == 1.0


def test_assign_pool_and_priced_candidates_reject_bad_input() -> None:
    scorer = _scorer(50, 20, seed=8)
    dense = scorer.matrix()
    i, j = map(int, np.argwhere(~np.isfinite(dense))[0])
    with pytest.raises(ValueError, match="locked pair"):
        assign_pool(scorer, 3, locked=[(i, j)])
    with pytest.raises(ValueError, match="locked"):
        assign_pool(scorer, 3, locked=[(50, 0)])
    with pytest.raises(ValueError, match="pricing_rounds"):
        assign_pool(scorer, 3, pricing_rounds=-1)
    with pytest.raises(ValueError, match=r"pricing_rounds must be an integer, got 2\.5"):
        assign_pool(scorer, 3, pricing_rounds=2.5)  # type: ignore[arg-type]
    for tolerance in (-1e-6, float("nan")):
        with pytest.raises(ValueError, match="gap_tolerance"):
            assign_pool(scorer, 3, gap_tolerance=tolerance)
    with pytest.raises(ValueError, match="duals"):
        assign_pool(scorer, 3, candidate_options={"duals": (np.zeros(50), np.zeros(20))})
    # (a first graph skips candidates' own checks: pricing checks k itself)
    first = candidates(scorer)
    with pytest.raises(ValueError, match=r"k must be an integer >= 1, got 0"):
        assign_pool(scorer, 3, first_graph=first, candidate_options={"k": 0, "mentor_k": 0})
    with pytest.raises(ValueError, match=r"mentor_k must be an integer >= 0, got -1"):
        priced_candidates(scorer, (np.zeros(50), np.zeros(20)), mentor_k=-1)
    other = priced_candidates(_scorer(30, 20, seed=8), (np.zeros(30), np.zeros(20))).cover
    with pytest.raises(ValueError, match="cover must come from a scan of the same pool"):
        priced_candidates(scorer, (np.zeros(50), np.zeros(20)), cover=other)
    with pytest.raises(ValueError, match="duals: the profit array must hold 50"):
        candidates(scorer, duals=(np.zeros(49), np.zeros(20)))
    with pytest.raises(ValueError, match="duals: the price array"):
        candidates(scorer, duals=(np.zeros(50), np.full(20, np.nan)))


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 60),
    m=st.integers(1, 20),
    seed=st.integers(0, 10_000),
    objective=st.sampled_from(["participation", "score"]),
    max_cap=st.integers(1, 4),
    n_locked=st.integers(0, 2),
    warm_share=st.sampled_from([0.0, 1.0]),
)
def test_assign_pool_equals_the_dense_optimum(  # noqa: PLR0917 - hypothesis passes each drawn value
    n: int, m: int, seed: int, objective: Objective, max_cap: int, n_locked: int, warm_share: float
) -> None:
    # given a random small pool (often short of places: some mentees stay unmatched),
    # a thin first graph and a few locked allowed pairs; every re-solve starts cold, or
    # every one from the last optimum
    scorer = _scorer(n, m, seed=seed)
    rng = np.random.default_rng(seed)
    capacity = rng.integers(0, max_cap + 1, m)
    dense = scorer.matrix()
    locked: list[tuple[int, int]] = []
    for i in rng.permutation(n)[:n_locked]:
        allowed = np.flatnonzero(np.isfinite(dense[i]))
        room = [j for j in allowed if capacity[j] > sum(1 for _, b in locked if b == j)]
        if room:
            locked.append((int(i), int(room[0])))
    # when it is matched by pricing until nothing prices out
    with mock.patch.object(_pool, "_WARM_SHARE", warm_share):
        res = assign_pool(
            scorer, capacity, objective=objective, locked=locked, pricing_rounds=50,
            candidate_options={"k": 1, "mentor_k": 0},
        )  # fmt: skip
    # then it is proven optimal and equals the solve over every pair
    best = assign(dense, capacity, objective=objective, locked=locked)
    assert res.stats["proven_optimal"] == 1.0 or res.duals is None
    assert len(res) == len(best)
    assert res.total_score == pytest.approx(best.total_score, abs=1e-6)
    assert set(locked) <= {(int(a), int(b)) for a, b in res.pairs}
    assert np.all(np.bincount(res.pairs[:, 1], minlength=m) <= capacity)


@pytest.mark.parametrize("objective", ["participation", "score"])
def test_assign_pool_prices_from_a_first_graph_with_no_usable_pair(objective: Objective) -> None:
    # given a first graph whose only pairs go to a mentor without places
    scorer = _scorer(30, 6, seed=9)
    capacity = np.array([0, 3, 3, 3, 3, 3])
    dense = scorer.matrix()
    rows = np.flatnonzero(np.isfinite(dense[:, 0]))
    first = sp.csr_array((dense[rows, 0], (rows, np.zeros_like(rows))), shape=dense.shape)
    # when the pool is matched from it
    res = assign_pool(scorer, capacity, objective=objective, pricing_rounds=10, first_graph=first)
    # then pricing starts from "nobody matched" and reaches the optimum
    best = assign(dense, capacity, objective=objective)
    assert res.stats["proven_optimal"] == 1.0
    assert len(res) == len(best) > 0
    assert res.total_score == pytest.approx(best.total_score, abs=1e-6)


_KINDS: list[dict[str, Any]] = [
    {},
    {"kind": "reverse"},
    {"kind": "peer", "must": {"level"}},
    {"weights": {"goals": 3, "timezone": 10, "language": 4}, "require_shared_language": False},
    {"weights": {"values": 0, "industry": 7, "availability": 9, "preferences": 6}, "must": {"goals"}},
    # related skills serve a goal too (coverage through the relation)
    {"skill_relations": sp.random(200, 200, density=0.02, random_state=5, format="csr")},
]


def _pool_with_duals(
    n: int, m: int, seed: int, model: int, *, locked_share: float, price_top: float
) -> tuple[Scorer, np.ndarray, np.ndarray]:
    """A random pool under score model ``_KINDS[model]`` (plus two preferred and two
    avoided pairs), and random duals: profits in [0, 1], some locked (+inf), prices in
    [0, price_top]."""
    mentees, mentors = synthetic_pool(n, m, rng=np.random.default_rng(seed))
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, [n, m], size=(4, 2))
    pairs = np.column_stack([mentees.ids[picks[:, 0]], mentors.ids[picks[:, 1]]])
    model_options = {**_KINDS[model], "preferred_pairs": pairs[:2], "avoided_pairs": pairs[2:]}
    scorer = Scorer(ScoreModel(**model_options), mentees, mentors)
    profit = rng.uniform(0.0, 1.0, n)
    profit[rng.random(n) < locked_share] = np.inf  # locked mentees never price out
    return scorer, profit, rng.uniform(0.0, price_top, m)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 40),
    m=st.integers(1, 25),
    seed=st.integers(0, 10_000),
    model=st.sampled_from(range(len(_KINDS))),
    price_top=st.sampled_from([0.0, 0.2, 0.6]),
)
def test_scan_flags_every_pair_that_prices_out(
    n: int, m: int, seed: int, model: int, price_top: float
) -> None:
    # given random duals around the scores of a random pool, under several score models
    # (reverse kind, must-filters, preferred and avoided pairs, no language rule, related
    # skills)
    scorer, profit, price = _pool_with_duals(n, m, seed, model, locked_share=0.2, price_top=price_top)
    dense = scorer.matrix()
    bound = PairBound.of(scorer)
    assert bound is not None
    # when every pair is scanned
    flags = bound.flag(profit, price, gain=1e-9, per_row=m)
    i, j = flags.mentee, flags.mentor
    # then every pair whose exact score prices out is flagged (the bound is never below it)
    with np.errstate(invalid="ignore"):
        reduced = dense - profit[:, None] - price[None, :]
    want = {(int(a), int(b)) for a, b in np.argwhere(reduced > 1e-9)}
    assert want <= set(zip(i.tolist(), j.tolist(), strict=True))
    assert flags.over.shape[0] == 0 == flags.over_rest.shape[0]
    # and the priced candidates are exactly those pairs, best first, with the true gap bound
    graph = candidates(scorer, duals=(profit, price), k=m, mentor_k=0)
    assert _pairs(graph) == want


def test_scan_prices_a_whole_row_again_when_its_kept_flags_are_all_forbidden() -> None:
    # given a mentee whose best mentors by bound are all excluded (a previous pair: the
    # scan does not look at excluded pairs, the exact check does)
    mentees, mentors = synthetic_pool(40, 30, rng=np.random.default_rng(11))
    plain = Scorer(ScoreModel(), mentees, mentors).matrix()
    order = np.argsort(-np.where(np.isfinite(plain[0]), plain[0], -1.0))
    excluded = [(int(mentees.ids[0]), int(mentors.ids[j])) for j in order[:6]]
    scorer = Scorer(ScoreModel(excluded_pairs=excluded), mentees, mentors)
    dense = scorer.matrix()
    profit, price = np.full(40, np.inf), np.zeros(30)
    profit[0] = 0.0  # only mentee 0 can gain, from any allowed mentor
    # when the pool is priced keeping one pair per mentee (4 flags kept per mentee)
    graph = candidates(scorer, duals=(profit, price), k=1, mentor_k=0)
    # then mentee 0 still gets its best allowed mentor
    assert graph.nnz == 1
    assert graph.indices[0] == int(np.argmax(np.where(np.isfinite(dense[0]), dense[0], -1.0)))
    assert graph.data[0] == dense[0, graph.indices[0]]


def test_scan_bounds_every_criterion() -> None:
    # the scan adds goals and values itself, preferences as a per-mentee constant, and
    # every other criterion from a class table: a criterion added to the score model
    # without a place here would be missing from the bound
    from matchmaker._scan import _class_attributes
    from matchmaker._scoring import CRITERIA

    tabled = set(_class_attributes(_scorer(5, 5, seed=0)))
    assert tabled | {"goals", "values", "preferences"} == set(CRITERIA)
    assert not tabled & {"goals", "values", "preferences"}


def test_scan_bounds_a_criterion_with_too_many_classes_by_its_weight(monkeypatch: pytest.MonkeyPatch) -> None:
    # given class tables too large to build (every criterion falls back to its weight)
    from matchmaker import _scan

    monkeypatch.setattr(_scan, "_TABLE_MAX", 0)
    scorer = _scorer(40, 25, seed=12)
    rng = np.random.default_rng(12)
    profit, price = rng.uniform(0.3, 0.9, 40), rng.uniform(0.0, 0.2, 25)
    bound = PairBound.of(scorer)
    # when every pair is scanned
    flags = bound.flag(profit, price, gain=1e-9, per_row=25)
    i, j = flags.mentee, flags.mentor
    # then the looser bound still flags every pair that prices out
    reduced = scorer.matrix() - profit[:, None] - price[None, :]
    want = {(int(a), int(b)) for a, b in np.argwhere(reduced > 1e-9)}
    assert want
    assert want <= set(zip(i.tolist(), j.tolist(), strict=True))
    assert bound.flat.shape[0] == 5  # one entry per tabled criterion


def _wide_values(people: PeopleFeatures, rng: np.random.Generator) -> PeopleFeatures:
    """``people`` holding three work values each among 64..189, so none in the first
    word of the bitset."""
    bits = np.zeros((people.values.shape[0], 3), np.uint64)
    for row, chosen in enumerate(rng.integers(64, 190, size=(bits.shape[0], 3))):
        for value in chosen:
            bits[row, value // 64] |= np.uint64(1) << np.uint64(value % 64)
    return dataclasses.replace(people, values=bits, n_values=192)


def test_scan_reads_every_word_of_work_values() -> None:
    # given a pool whose work values all lie beyond the first 64 (a three-word bitset),
    # scored on values alone
    mentees, mentors = synthetic_pool(30, 20, rng=np.random.default_rng(3))
    rng = np.random.default_rng(3)
    scorer = Scorer(
        ScoreModel(weights={"values": 1}, require_shared_language=False),
        _wide_values(mentees, rng),
        _wide_values(mentors, rng),
    )
    dense = scorer.matrix()
    assert (dense > 0).any()
    # when every pair is priced at profit 0 and price 0
    flags = PairBound.of(scorer).flag(np.zeros(30), np.zeros(20), gain=1e-9, per_row=20)
    # then exactly the pairs sharing a value are flagged (the bound is exact here)
    want = {(int(a), int(b)) for a, b in np.argwhere(dense > 1e-9)}
    assert set(zip(flags.mentee.tolist(), flags.mentor.tolist(), strict=True)) == want


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 40),
    m=st.integers(1, 25),
    seed=st.integers(0, 10_000),
    model=st.sampled_from(range(len(_KINDS))),
    margin=st.sampled_from([0.0, 0.05, 0.5]),
    k=st.integers(1, 3),
)
def test_a_full_pricing_scan_covers_every_pair_it_leaves_out(  # noqa: PLR0917 - hypothesis passes each drawn value
    n: int, m: int, seed: int, model: int, margin: float, k: int
) -> None:
    # given random duals of a random pool under several score models, and few pairs kept
    # per mentee (so that rows overflow the scan's buffer)
    scorer, profit, price = _pool_with_duals(n, m, seed, model, locked_share=0.1, price_top=0.3)
    # when every pair is priced, near misses within the margin returned too
    priced = priced_candidates(scorer, (profit, price), k=k, mentor_k=0, cover_margin=margin)
    # then every allowed pair left out scores at most the cover's level plus its price
    dense = scorer.matrix()
    left_out = np.isfinite(dense) & np.isfinite(profit)[:, None]
    for i, j in _pairs(priced.graph):
        left_out[i, j] = False
    bound = priced.cover.level[:, None] + priced.cover.price[None, :]
    assert np.all(dense[left_out] <= bound[left_out] + 1e-12)
    np.testing.assert_array_equal(priced.cover.price, price)
    # and the pairs returned are allowed, exactly scored, within the margin of pricing out
    rows = _rows(priced.graph)
    np.testing.assert_array_equal(priced.graph.data, dense[rows, priced.graph.indices])
    assert np.all(priced.graph.data - profit[rows] - price[priced.graph.indices] > 1e-9 - margin)
    with np.errstate(invalid="ignore"):
        reduced = dense - profit[:, None] - price[None, :]
    assert (priced.priced_out == 0) == (not np.any(reduced > 1e-9))
    assert priced.scanned == np.count_nonzero(np.isfinite(profit)) * m


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(2, 60),
    m=st.integers(2, 25),
    seed=st.integers(0, 10_000),
    model=st.sampled_from(range(len(_KINDS))),
    new_duals=st.sampled_from(["solve", "random"]),
)
def test_a_narrowed_pricing_scan_finds_every_pair_outside_the_graph_that_prices_out(
    n: int, m: int, seed: int, model: int, new_duals: str
) -> None:
    # given a thin graph, a full pricing scan of its duals (with near misses), and the
    # graph grown by what that scan returned
    mentees, mentors = synthetic_pool(n, m, rng=np.random.default_rng(seed))
    scorer = Scorer(ScoreModel(**_KINDS[model]), mentees, mentors)
    capacity = np.random.default_rng(seed).integers(0, 4, m)
    first = candidates(scorer, k=1, mentor_k=0)
    res = assign(first, capacity)
    assert res.duals is not None
    full = priced_candidates(scorer, res.duals, k=2, mentor_k=1, cover_margin=0.05)
    graph = first + full.graph - first.multiply(full.graph.astype(bool))  # (union; equal scores)
    # when new duals (of a solve on that graph, or arbitrary ones) are priced with the cover
    if new_duals == "solve":
        duals = assign(sp.csr_array(graph), capacity).duals
        assert duals is not None
    else:
        rng = np.random.default_rng(seed + 1)
        duals = (rng.uniform(0.0, 1.0, n), rng.uniform(0.0, 0.3, m))
    narrowed = priced_candidates(scorer, duals, k=m, mentor_k=0, cover=full.cover)
    # then every allowed pair outside the graph that prices out is found
    dense = scorer.matrix()
    with np.errstate(invalid="ignore"):
        reduced = dense - duals[0][:, None] - duals[1][None, :]
    outside = np.ones((n, m), dtype=bool)
    for i, j in _pairs(sp.csr_array(graph)):
        outside[i, j] = False
    want = {(int(a), int(b)) for a, b in np.argwhere((reduced > 1e-9) & outside)}
    assert want <= _pairs(narrowed.graph)
    # and the gap bounds what those pairs could add
    gains = np.where(outside & np.isfinite(reduced), np.maximum(reduced, 0.0), 0.0).max(axis=1)
    assert narrowed.gap >= gains.sum() - 1e-9
    # and the scan looked at fewer pairs than a full one, unless it fell back to one
    if narrowed.cover is full.cover:
        assert narrowed.scanned <= n * m
    else:
        assert narrowed.scanned == n * m


def test_assign_pool_scans_every_pair_once_then_only_where_prices_fell() -> None:
    # given a probed pool whose first graph loses fit
    scorer = _scorer(3000, 800, seed=13)
    capacity = np.random.default_rng(13).integers(1, 8, 800)
    # when it is priced round after round until proven optimal
    res = assign_pool(scorer, capacity, pricing_rounds=30, gap_tolerance=0.0, candidate_options=PROBING)
    # then the optimum is reached, and the rounds after the first scanned a small share
    assert res.stats["proven_optimal"] == 1.0
    assert res.total_score == pytest.approx(assign(scorer.matrix(), capacity).total_score, abs=1e-6)
    pricings = res.stats["pricing_rounds"] + 1
    assert pricings >= 2
    later = res.stats["pairs_scanned"] - 3000 * 800
    assert 0 < later <= 0.25 * (pricings - 1) * 3000 * 800


def test_the_scan_stops_each_mentee_at_its_own_mentor() -> None:
    # given a pool and per-mentee stops (mentors renumbered: most expensive first)
    scorer = _scorer(300, 90, seed=14)
    rng = np.random.default_rng(14)
    profit, price = rng.uniform(0.2, 0.8, 300), rng.uniform(0.0, 0.3, 90)
    order = np.argsort(-price)
    stop = rng.integers(0, 91, 300)
    bound = PairBound.of(scorer).permuted(order)
    # when the scan visits mentee i against the first stop[i] mentors of that order only
    flags = bound.flag(profit, price[order], gain=1e-9, per_row=90, stop=stop)
    # then it flags exactly the pairs of the full scan that lie before each stop
    full = PairBound.of(scorer).flag(profit, price, gain=1e-9, per_row=90)
    rank = np.empty(90, np.int64)
    rank[order] = np.arange(90)
    flagged = zip(full.mentee.tolist(), full.mentor.tolist(), strict=True)
    want = {(i, j) for i, j in flagged if rank[j] < stop[i]}
    got = set(zip(flags.mentee.tolist(), order[flags.mentor].tolist(), strict=True))
    assert got == want
    assert want  # (the instance flags something)


@settings(max_examples=100, deadline=None)
@given(
    groups=st.lists(st.integers(0, 5), min_size=0, max_size=60),
    count=st.integers(0, 8),
    seed=st.integers(0, 1000),
)
def test_best_per_group_keeps_the_largest_values_ties_by_position(
    groups: list[int], count: int, seed: int
) -> None:
    # given values with many ties in a few groups
    from matchmaker._candidates import _best_per

    group = np.asarray(groups, dtype=np.int64)
    value = np.asarray(np.random.default_rng(seed).integers(0, 4, group.shape[0]), dtype=np.float64)
    # when the count largest of each group are kept
    keep = _best_per(group, value, count)
    # then they are those of a stable sort by (group, -value)
    order = np.lexsort((-value, group))
    rank = np.arange(group.shape[0]) - np.searchsorted(group[order], group[order])
    want = np.zeros(group.shape[0], dtype=bool)
    want[order] = rank < count
    np.testing.assert_array_equal(keep, want)
