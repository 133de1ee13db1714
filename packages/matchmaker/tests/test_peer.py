"""Tests for matchmaker.pair_peers."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from matchmaker import pair_peers


def nx_optimum(scores: np.ndarray) -> tuple[int, float]:
    n = scores.shape[0]
    g = nx.Graph()
    g.add_nodes_from(range(n))
    for i in range(n):
        for j in range(i + 1, n):
            if np.isfinite(scores[i, j]):
                g.add_edge(i, j, weight=float(scores[i, j]))
    m = nx.max_weight_matching(g, maxcardinality=True)
    return len(m), float(sum(scores[u, v] for u, v in m))


@st.composite
def symmetric(draw, max_n: int = 12):
    n = draw(st.integers(0, max_n))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    s = np.round(rng.uniform(-1, 1, (n, n)), draw(st.sampled_from([1, 6])))
    s = np.triu(s, 1)
    s = s + s.T
    mask = np.triu(rng.random((n, n)) < draw(st.sampled_from([0.0, 0.4, 0.8])), 1)
    s[mask | mask.T] = -np.inf
    return s


def test_pair_peers_prefers_more_pairs_over_one_great_pair() -> None:
    # given: (0, 1) is the best pair, but taking it leaves 2 and 3 unpairable
    s = np.full((4, 4), -np.inf)
    for i, j, v in [(0, 1, 10.0), (0, 2, 1.0), (1, 3, 1.0)]:
        s[i, j] = s[j, i] = v
    # when
    res = pair_peers(s)
    # then
    assert res.pairs.tolist() == [[0, 2], [1, 3]]
    assert res.total_score == 2.0


def test_pair_peers_odd_triangle_picks_best_edge() -> None:
    # given
    s = np.array([[0, 1, 3], [1, 0, 2], [3, 2, 0]], dtype=float)
    # when / then
    assert pair_peers(s).pairs.tolist() == [[0, 2]]


def test_pair_peers_sparse_explicit_zero_and_diagonal_ignored() -> None:
    # given: an explicit zero (allowed) and a stored diagonal entry (ignored)
    m = sp.csr_matrix((np.array([0.0, 0.0, 5.0]), (np.array([0, 1, 2]), np.array([1, 0, 2]))), shape=(3, 3))
    # when
    res = pair_peers(m)
    # then
    assert res.pairs.tolist() == [[0, 1]]
    assert res.total_score == 0.0


def test_pair_peers_components_and_lone_edges() -> None:
    # given: two lone edges and an isolated peer
    s = np.full((5, 5), -np.inf)
    s[0, 3] = s[3, 0] = 0.5
    s[1, 2] = s[2, 1] = -0.5
    # when
    res = pair_peers(s)
    # then
    assert res.pairs.tolist() == [[0, 3], [1, 2]]
    assert res.total_score == 0.0


@pytest.mark.parametrize(
    "scores",
    [
        np.array([[0, 1], [2, 0]], dtype=float),
        np.array([[0, 1], [-np.inf, 0]]),
        np.ones((2, 3)),
        np.ones(4),
        sp.csr_matrix((np.array([1.0]), (np.array([0]), np.array([1]))), shape=(2, 2)),
        np.array([[0, 1e308, -1e308], [1e308, 0, 1.0], [-1e308, 1.0, 0]]),  # the span overflows
    ],
)
def test_pair_peers_bad_input_raises_naming_scores(scores) -> None:
    with pytest.raises(ValueError, match="scores"):
        pair_peers(scores)


def test_pair_peers_tiny_scores() -> None:
    # a score span below 1e-290 once overflowed the integer scale
    s = np.array([[0, 1e-300, 2e-300], [1e-300, 0, -np.inf], [2e-300, -np.inf, 0]])
    res = pair_peers(s)
    assert res.pairs.tolist() == [[0, 2]]
    assert res.total_score == 2e-300


def test_pair_peers_equal_scores_are_exact() -> None:
    # all scores equal: nothing is rounded, so the error bound is 0
    res = pair_peers(np.full((6, 6), 0.5))
    assert len(res) == 3
    assert res.stats["score_error_bound"] == 0.0


def test_pair_peers_empty() -> None:
    assert pair_peers(np.zeros((0, 0))).pairs.shape == (0, 2)
    assert len(pair_peers(np.full((3, 3), -np.inf))) == 0


@settings(max_examples=120, deadline=None)
@given(symmetric(), st.booleans())
def test_pair_peers_equals_networkx_optimum(s, as_sparse) -> None:
    # given
    arg = s
    if as_sparse:
        r, c = np.nonzero(np.isfinite(s))
        arg = sp.coo_matrix((s[r, c], (r, c)), shape=s.shape)
    # when
    res = pair_peers(arg)
    count, total = nx_optimum(s)
    # then: a valid matching on allowed pairs with the same cardinality and weight
    flat = res.pairs.ravel()
    assert np.unique(flat).shape[0] == flat.shape[0]
    assert np.all(res.pairs[:, 0] < res.pairs[:, 1])
    assert np.all(np.isfinite(s[res.pairs[:, 0], res.pairs[:, 1]]))
    assert len(res) == count
    assert res.total_score == pytest.approx(total, abs=1e-9)


# --- the LP with blossom cuts used for large components -------------------------------


def _upper_edges(s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a, b = np.nonzero(np.triu(np.isfinite(s), 1))
    return a.astype(np.int64), b.astype(np.int64), s[a, b]


@settings(max_examples=150, deadline=None)
@given(symmetric(max_n=14), st.integers(1, 6))
def test_lp_matching_certified_answer_equals_networkx(s, per_node) -> None:
    from matchmaker._blossom_lp import lp_matching

    # given
    a, b, w = _upper_edges(s)
    # when
    res = lp_matching(a, b, w, s.shape[0], per_node=per_node)
    # then: when it certifies, it is a matching with networkx's cardinality and weight
    count, total = nx_optimum(s)
    if res is None:
        return
    ends = np.concatenate([a[res.edges], b[res.edges]])
    assert np.unique(ends).shape[0] == ends.shape[0]
    assert res.edges.shape[0] == count
    assert 0.0 <= res.gap <= 1e-7
    assert float(w[res.edges].sum()) == pytest.approx(total, abs=1e-9)


def test_lp_matching_usually_certifies_random_graphs() -> None:
    from matchmaker._blossom_lp import lp_matching

    # given: 40 random sparse graphs with odd cycles everywhere
    certified = 0
    for seed in range(40):
        rng = np.random.default_rng(seed)
        n = int(rng.integers(15, 60))
        s = np.round(rng.uniform(0, 1, (n, n)), 3)
        s = np.triu(s, 1)
        s = s + s.T
        s[np.triu(rng.random((n, n)) > 0.15, 1) | np.tril(np.ones((n, n), bool))] = -np.inf
        s = np.maximum(s, s.T)
        a, b, w = _upper_edges(s)
        # when
        res = lp_matching(a, b, w, n, per_node=2)
        # then
        if res is not None:
            certified += 1
            count, total = nx_optimum(s)
            assert res.edges.shape[0] == count
            assert float(w[res.edges].sum()) == pytest.approx(total, abs=1e-9)
    assert certified >= 30


def test_pair_peers_lp_path_equals_networkx(monkeypatch: pytest.MonkeyPatch) -> None:
    import matchmaker._peer as peer

    # given: a 400-peer top-8 graph, odd so one peer stays single, forced onto the LP path
    monkeypatch.setattr(peer, "_LP_MIN_NODES", 10)
    rng = np.random.default_rng(7)
    n = 401
    x = rng.standard_normal((n, 8))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    sim = x @ x.T
    np.fill_diagonal(sim, -np.inf)
    keep = np.zeros((n, n), bool)
    keep[np.repeat(np.arange(n), 8), np.argsort(-sim, axis=1)[:, :8].ravel()] = True
    keep |= keep.T
    s = np.where(keep, 0.5 + 0.5 * sim, -np.inf)
    # when
    res = pair_peers(s)
    # then
    count, total = nx_optimum(s)
    assert res.stats["n_lp_components"] == 1.0
    assert res.solver.startswith("highs-lp")
    assert len(res) == count == 200
    assert res.total_score == pytest.approx(total, abs=1e-9)
    assert res.stats["score_error_bound"] < 1e-7


def test_pair_peers_falls_back_to_blossom_when_lp_cannot_certify(monkeypatch: pytest.MonkeyPatch) -> None:
    import matchmaker._peer as peer

    # given: the LP path is forced but gives up
    monkeypatch.setattr(peer, "_LP_MIN_NODES", 2)
    monkeypatch.setattr(peer, "lp_matching", lambda *_args, **_kwargs: None)
    s = np.full((5, 5), -np.inf)
    for i, j, v in [(0, 1, 10.0), (0, 2, 1.0), (1, 3, 1.0), (3, 4, 2.0)]:
        s[i, j] = s[j, i] = v
    # when
    res = pair_peers(s)
    # then
    assert res.solver == "rustworkx-blossom"
    assert res.stats["n_lp_components"] == 0.0
    assert len(res) == nx_optimum(s)[0] == 2
    assert res.total_score == pytest.approx(nx_optimum(s)[1])


def test_grid_step_detects_decimal_scores() -> None:
    from matchmaker._blossom_lp import _grid_step

    assert _grid_step(np.array([0.1, 0.7, 1.3])) == pytest.approx(0.1)
    assert _grid_step(np.array([0.25, 0.5])) == pytest.approx(0.01)
    assert _grid_step(np.array([2.0, 5.0])) == 1.0
    assert _grid_step(np.array([np.pi, 1.0])) == 0.0


def _cosine_top_k_edges(n: int, k: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each peer's k most similar peers (unit vectors in 16-D), as upper-triangle edges."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 16))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    sim = x @ x.T
    np.fill_diagonal(sim, -np.inf)
    r = np.repeat(np.arange(n), k)
    c = np.argpartition(-sim, k, axis=1)[:, :k].ravel()
    key = np.unique(np.minimum(r, c) * np.int64(n) + np.maximum(r, c))
    a, b = key // n, key % n
    return a, b, 0.5 + 0.5 * np.einsum("ij,ij->i", x[a], x[b])


def test_lp_matching_exact_separation_certifies_where_odd_components_do_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import matchmaker._peer as peer
    from matchmaker._blossom_lp import _Lp, lp_matching

    # given: a 1,000-peer top-20 graph on which, after a few rounds, the fractional
    # support has no violated odd component (the cheap separation alone gives up)
    a, b, w = _cosine_top_k_edges(1000, 20, seed=5)
    exact_rounds: list[int] = []
    original = _Lp.min_odd_cuts

    def spy(self: _Lp, x: np.ndarray, frac: np.ndarray) -> list[np.ndarray]:
        found = original(self, x, frac)
        exact_rounds.append(len(found))
        return found

    monkeypatch.setattr(_Lp, "min_odd_cuts", spy)
    # when
    res = lp_matching(a, b, w, 1000)
    # then: Padberg-Rao separation found the rows, and the answer is the blossom algorithm's
    assert res is not None
    assert max(exact_rounds, default=0) > 0
    monkeypatch.setattr(peer, "_LP_MIN_NODES", 10**9)
    both = (np.concatenate([a, b]), np.concatenate([b, a]))
    s = sp.coo_matrix((np.concatenate([w, w]), both), shape=(1000, 1000))
    blossom = pair_peers(s)
    assert res.edges.shape[0] == len(blossom) == 500
    assert float(w[res.edges].sum()) == pytest.approx(blossom.total_score, abs=1e-6)


def test_min_odd_cuts_finds_a_triangle_inside_an_even_support() -> None:
    from matchmaker._blossom_lp import _Lp

    # given: a triangle at 0.45 per edge and a fourth vertex joined to it at 0.1 each;
    # the support (4 vertices) is even, but the triangle's row is violated (1.35 > 1)
    a = np.array([0, 1, 0, 0, 1, 2])
    b = np.array([1, 2, 2, 3, 3, 3])
    x = np.array([0.45, 0.45, 0.45, 0.1, 0.1, 0.1])
    lp = _Lp(a, b, np.ones(6), 4)
    # when
    found = lp.min_odd_cuts(x, (x > 0) & (x < 1))
    # then
    assert [sorted(s.tolist()) for s in found] == [[0, 1, 2]]
