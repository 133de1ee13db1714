"""Candidate generation: allowed pairs only, exact scores, good recall, deterministic."""

from __future__ import annotations

from typing import Any

import matchmaker
import numpy as np
import numpy.typing as npt
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from matchmaker import (
    CRITERIA,
    PeopleFeatures,
    ScoreModel,
    Scorer,
    candidates,
    people_features,
    synthetic_pool,
)

PROBING: dict[str, Any] = {"exact_cells": 0}  # force the probing path even on small pools


def _rows(cand: sp.csr_array) -> npt.NDArray[np.int64]:
    return np.repeat(np.arange(cand.shape[0]), np.diff(cand.indptr))


def _check_exact_and_allowed(scorer: Scorer, cand: sp.csr_array) -> None:
    rows = _rows(cand)
    score, allowed, _ = scorer.evaluate(rows, cand.indices)
    assert np.all(allowed), "a forbidden pair was proposed"
    np.testing.assert_array_equal(cand.data, score)  # bit-identical to full scoring
    assert np.all((cand.data >= 0) & (cand.data <= 1))
    assert cand.has_canonical_format


@pytest.mark.parametrize("path", [{}, PROBING])
def test_candidates_are_allowed_with_exact_scores(path: dict[str, Any]) -> None:
    # given a pool with strict rules
    a, b = synthetic_pool(600, 150, rng=np.random.default_rng(0))
    model = ScoreModel(must={"level"}, require_different_department=True, max_tz_gap_hours=6)
    scorer = Scorer(model, a, b)
    # when
    cand = candidates(scorer, k=8, mentor_k=8, **path)
    # then
    _check_exact_and_allowed(scorer, cand)
    assert cand.shape == (600, 150)


def test_candidates_exact_path_is_row_top_k() -> None:
    # given a small pool (scored exhaustively)
    a, b = synthetic_pool(300, 80, rng=np.random.default_rng(1))
    scorer = Scorer(ScoreModel(), a, b)
    dense = scorer.matrix()
    # when
    cand = candidates(scorer, k=6, mentor_k=0)
    # then each row holds its 6 best allowed scores (ties may pick either mentor)
    for i in range(300):
        got = np.sort(cand.data[cand.indptr[i] : cand.indptr[i + 1]])[::-1]
        want = np.sort(dense[i][np.isfinite(dense[i])])[::-1][:6]
        np.testing.assert_array_equal(got, want)


def test_candidates_probing_recall_vs_brute_force() -> None:
    # given a pool large enough that probing samples a small part of each row
    a, b = synthetic_pool(1500, 500, rng=np.random.default_rng(2))
    scorer = Scorer(ScoreModel(), a, b)
    dense = scorer.matrix()
    # when
    cand = candidates(scorer, k=10, mentor_k=10, **PROBING)
    # then most of every mentee's true top 5 is found, and the best found is near the best
    top = np.argsort(-dense, axis=1)[:, :5]
    hits = np.mean(
        [np.isin(top[i], cand.indices[cand.indptr[i] : cand.indptr[i + 1]]).mean() for i in range(1500)]
    )
    best_found = cand.max(axis=1).toarray().ravel()
    assert hits >= 0.6
    assert np.mean(dense.max(axis=1) - best_found) <= 0.01


def test_candidates_every_mentee_with_an_option_gets_one() -> None:
    # given a mentee speaking a language only two mentors speak
    a, b = synthetic_pool(400, 120, rng=np.random.default_rng(3))
    langs = a.languages.copy()
    langs[0] = np.uint64(1 << 7)  # only language 7
    mentor_langs = b.languages.copy()
    mentor_langs[:] = mentor_langs & ~np.uint64(1 << 7)
    mentor_langs[[5, 9]] |= np.uint64(1 << 7)
    a = _with(a, languages=langs, primary_language=np.where(np.arange(400) == 0, 7, a.primary_language))
    b = _with(b, languages=mentor_langs)
    scorer = Scorer(ScoreModel(), a, b)
    # when
    cand = candidates(scorer, k=6, **PROBING)
    # then the rare speaker gets exactly the two compatible mentors
    assert sorted(cand.indices[cand.indptr[0] : cand.indptr[1]].tolist()) == [5, 9]
    dense = scorer.matrix()
    has_option = np.isfinite(dense).any(axis=1)
    assert np.all(np.diff(cand.indptr)[has_option] >= 1)


def test_candidates_without_language_data_when_rule_is_off() -> None:
    # given an organisation that records no languages and does not require one
    a, b = synthetic_pool(800, 200, rng=np.random.default_rng(8))
    a = _with(a, languages=np.zeros_like(a.languages), primary_language=np.full(800, -1, dtype=np.int32))
    b = _with(b, languages=np.zeros_like(b.languages), primary_language=np.full(200, -1, dtype=np.int32))
    scorer = Scorer(ScoreModel(require_shared_language=False), a, b)
    # when
    cand = candidates(scorer, k=6, min_candidates=0, **PROBING)
    # then everyone still gets a full list from probing (no exhaustive repair needed)
    assert np.all(np.diff(cand.indptr) >= 6)
    _check_exact_and_allowed(scorer, cand)


def test_candidates_include_preferred_mentors() -> None:
    # given mentees asking for specific (otherwise unremarkable) mentors
    a, b = synthetic_pool(500, 200, rng=np.random.default_rng(4))
    wanted = [(int(a.ids[i]), int(b.ids[(7 * i) % 200])) for i in range(0, 500, 10)]
    scorer = Scorer(ScoreModel(preferred_pairs=wanted), a, b)
    # when
    cand = candidates(scorer, k=4, **PROBING)
    # then every allowed preferred pair is a candidate
    dense_allowed = scorer.allowed(list(range(0, 500, 10)), [(7 * i) % 200 for i in range(0, 500, 10)])
    for (i, j), ok in zip([(i, (7 * i) % 200) for i in range(0, 500, 10)], dense_allowed, strict=True):
        assert (cand[[i], [j]] > 0) == ok


def test_candidates_deterministic_and_thread_independent() -> None:
    # given
    a, b = synthetic_pool(3000, 700, rng=np.random.default_rng(5))
    scorer = Scorer(ScoreModel(), a, b)
    # when
    one = candidates(scorer, seed=3, n_threads=1, chunk_rows=500, **PROBING)
    two = candidates(scorer, seed=3, n_threads=2, chunk_rows=500, **PROBING)
    other = candidates(scorer, seed=4, n_threads=2, chunk_rows=500, **PROBING)
    # then
    assert (one != two).nnz == 0
    assert (one != other).nnz > 0


def test_candidates_feed_assign_without_losing_participation() -> None:
    # given a pool with enough capacity for everyone
    a, b = synthetic_pool(900, 300, rng=np.random.default_rng(6))
    scorer = Scorer(ScoreModel(), a, b)
    cap = np.full(300, 4)
    dense = scorer.matrix()
    # when
    full = matchmaker.assign(dense, cap)
    pruned = matchmaker.assign(candidates(scorer, **PROBING), cap)
    exact = matchmaker.assign(candidates(scorer), cap)
    # then as many are matched, and little total fit is lost
    assert len(pruned) == len(full) == len(exact)
    assert pruned.total_score >= 0.99 * full.total_score
    assert exact.total_score >= 0.999 * full.total_score


def test_candidates_empty_pools_and_bad_input() -> None:
    a, b = synthetic_pool(5, 3, rng=np.random.default_rng(7))
    empty = people_features([], n_skills=200, n_values=a.n_values, n_languages=a.n_languages)
    assert candidates(ScoreModel(), empty, b).shape == (0, 3)
    assert candidates(ScoreModel(), a, empty).shape == (5, 0)
    bad: list[tuple[dict[str, Any], str]] = [
        ({"k": 0}, "k"),
        ({"mentor_k": -1}, "mentor_k"),
        ({"n_exact": 4, "k": 8}, "n_exact"),
        ({"probes": 10, "n_exact": 20}, "probes"),
        ({"chunk_rows": 0}, "chunk_rows"),
        ({"min_candidates": -1}, "min_candidates"),
        ({"k": 2.5}, "k must be an integer"),
        ({"chunk_rows": 2.5}, "chunk_rows must be an integer"),
        ({"probes": 10**12}, "probes must be an integer in 0..4096"),  # (tried to allocate 218 TiB)
    ]
    for kwargs, match in bad:
        with pytest.raises(ValueError, match=match):
            candidates(ScoreModel(), a, b, **kwargs)
    with pytest.raises(ValueError, match="mentees and mentors"):
        candidates(ScoreModel())


@st.composite
def _models(draw: st.DrawFn) -> ScoreModel:
    weights = {c: draw(st.sampled_from([0.0, 1.0, 5.0, 10.0])) for c in CRITERIA}
    if sum(weights.values()) == 0:
        weights["values"] = 1.0
    return ScoreModel(
        weights=weights,
        must=draw(st.sets(st.sampled_from(CRITERIA), max_size=2)),
        kind=draw(st.sampled_from(["traditional", "reverse", "peer"])),
        require_different_department=draw(st.booleans()),
        max_tz_gap_hours=draw(st.sampled_from([None, 4.0])),
        excluded_pairs=[(0, 300), (1, 301)],
        avoided_pairs=[(2, 302)],
        preferred_pairs=[(3, 303)],
    )


@settings(max_examples=25, deadline=None)
@given(model=_models(), seed=st.integers(0, 10_000), exact=st.booleans())
def test_property_candidates_respect_rules_and_score_exactly(
    model: ScoreModel, seed: int, exact: bool
) -> None:
    # given a random pool (mentor ids start at 300) and model
    a, b = synthetic_pool(300, 60, rng=np.random.default_rng(seed))
    scorer = Scorer(model, a, b)
    # when
    cand = candidates(scorer, k=5, mentor_k=4, probes=48, n_exact=24, exact_cells=1 << 30 if exact else 0)
    # then no forbidden pair, and scores equal full scoring
    _check_exact_and_allowed(scorer, cand)
    crit = scorer.criteria(_rows(cand), cand.indices)
    for name in model.must:
        assert np.all(crit[name] >= model.threshold(name))
    # and every mentee that has some allowed mentor has at least one candidate
    has_option = np.isfinite(scorer.matrix()).any(axis=1)
    assert np.all(np.diff(cand.indptr)[has_option] >= 1)


def _with(people: PeopleFeatures, **changes: Any) -> PeopleFeatures:
    fields = {name: getattr(people, name) for name in people.__dataclass_fields__}
    fields.update(changes)
    return type(people)(**fields)


@pytest.mark.parametrize("forward", [True, False])
def test_shortlist_keeps_the_best_distinct_people_by_proxy(forward: bool) -> None:
    # given probed pools with repeats and empty slots, and their goal parts
    from matchmaker._candidate_kernels import shortlist
    from matchmaker._candidates import _Proxy

    a, b = synthetic_pool(300, 80, rng=np.random.default_rng(4))
    scorer = Scorer(ScoreModel(), a, b)
    rng = np.random.default_rng(5)
    rows = rng.choice(300 if forward else 80, 40, replace=False)
    pool = rng.integers(-1, 80 if forward else 300, (40, 60))
    goal_part = rng.random((40, 60))
    proxy = _Proxy.of(scorer)
    # when
    out = np.empty((40, 12), dtype=np.int64)
    shortlist(rows, pool, goal_part, forward, proxy.mentee, proxy.mentor, proxy.fits, proxy.level_span, out)
    # then each row keeps its 12 best distinct people by the proxy, computed here from
    # the scorer's own criteria (a person's goal part is its best over its repeats)
    w = scorer.model.weights
    for r in range(40):
        people = np.unique(pool[r][pool[r] >= 0])
        best_goal = np.array([goal_part[r][pool[r] == p].max() for p in people])
        me = np.full(people.shape, rows[r])
        i, j = (me, people) if forward else (people, me)
        goal = best_goal if forward else best_goal / np.where(scorer.goal_sum[i] > 0, scorer.goal_sum[i], 1.0)
        gap = np.abs(a.utc_offset[i].astype(np.int64) - b.utc_offset[j]) % 1440
        tz = np.clip((8.0 - np.minimum(gap, 1440 - gap) / 60.0) / scorer.model.target_overlap_hours, 0, 1)
        want = w["goals"] * goal + w["timezone"] * tz
        for name in ("values", "industry", "level"):
            want = want + w[name] * scorer._criterion(name, i, j)
        expected = people[np.argsort(-want, kind="stable")[:12]]
        assert sorted(out[r].tolist()) == sorted(expected.tolist())


def test_candidates_same_without_the_direct_segment_table(monkeypatch: pytest.MonkeyPatch) -> None:
    # given a pool probed with the direct segment table (the default at this size)
    a, b = synthetic_pool(900, 250, rng=np.random.default_rng(6))
    scorer = Scorer(ScoreModel(), a, b)
    with_table = candidates(scorer, **PROBING)
    # when the vocabulary is too large for the table, segments are binary searched
    monkeypatch.setattr(matchmaker._candidates, "_SEG_TABLE_MAX", 0)
    searched = candidates(scorer, **PROBING)
    # then the same candidates come out
    assert (with_table != searched).nnz == 0
    np.testing.assert_array_equal(with_table.indices, searched.indices)
