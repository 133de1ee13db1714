"""Tests for matchmaker.stable_roommates (Irving's algorithm, complete and incomplete lists)."""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matching.exceptions import NoStableMatchingWarning
from matching.games import StableRoommates
from matchmaker import MatchResult, stable_roommates

Prefs = list[list[int]]
Matching = list[tuple[int, int]]

# ----------------------------------------------------------------------------- references


def blocking_pairs(prefs: Prefs, pairs: Matching) -> Matching:
    """Mutually acceptable pairs {i, j} where each is single or prefers the other to their partner."""
    rank = [{p: r for r, p in enumerate(lst)} for lst in prefs]
    mate: dict[int, int] = {}
    for a, b in pairs:
        mate[a], mate[b] = b, a
    found = []
    for i, lst in enumerate(prefs):
        for j in lst:
            if j <= i or i not in rank[j] or mate.get(i) == j:
                continue
            i_wants = i not in mate or rank[i][j] < rank[i][mate[i]]
            j_wants = j not in mate or rank[j][i] < rank[j][mate[j]]
            if i_wants and j_wants:
                found.append((i, j))
    return found


def all_matchings(n: int, acceptable: set[tuple[int, int]]):
    """Every matching (perfect or not) built from acceptable pairs."""

    def extend(i: int, used: frozenset[int], chosen: Matching):
        while i < n and i in used:
            i += 1
        if i == n:
            yield list(chosen)
            return
        yield from extend(i + 1, used | {i}, chosen)  # i stays single
        for j in range(i + 1, n):
            if j not in used and (i, j) in acceptable:
                chosen.append((i, j))
                yield from extend(i + 1, used | {i, j}, chosen)
                chosen.pop()

    yield from extend(0, frozenset(), [])


def brute_force(prefs: Prefs) -> list[Matching]:
    n = len(prefs)
    acceptable = {(i, j) for i in range(n) for j in prefs[i] if i < j and i in prefs[j]}
    return [m for m in all_matchings(n, acceptable) if not blocking_pairs(prefs, m)]


def anchor_verdict(prefs: Prefs) -> bool:
    """Whether the `matching` library finds a stable matching. It signals failure with a
    NoStableMatchingWarning and an incomplete matching, so both are checked."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 20_000))  # its deep copy of the player graph recurses
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            game = StableRoommates.create_from_dictionary({i: list(p) for i, p in enumerate(prefs)})
            game.solve()
    finally:
        sys.setrecursionlimit(old)
    warned = any(issubclass(w.category, NoStableMatchingWarning) for w in caught)
    return not warned and game.check_stability()


def as_pairs(result: MatchResult) -> Matching:
    return [(int(a), int(b)) for a, b in result.pairs]


def one_based(table: list[list[int]]) -> Prefs:
    return [[x - 1 for x in row] for row in table]


@st.composite
def instances(draw: st.DrawFn, max_n: int = 8, complete: bool | None = None):
    n = draw(st.integers(0, max_n))
    is_complete = draw(st.booleans()) if complete is None else complete
    prefs = []
    for i in range(n):
        order = draw(st.permutations([j for j in range(n) if j != i]))
        prefs.append(list(order) if is_complete else list(order[: draw(st.integers(0, n - 1))]))
    return prefs


# ----------------------------------------------------------------------------- known answers

# Irving (1985), the six-person example; its unique stable matching is {1,6}, {2,3}, {4,5}.
IRVING_6 = one_based(
    [[4, 6, 2, 5, 3], [6, 3, 5, 1, 4], [4, 5, 1, 6, 2], [2, 6, 5, 1, 3], [4, 2, 3, 6, 1], [5, 1, 4, 2, 3]]
)
# Irving (1985), the eight-person example with three stable matchings.
IRVING_8 = one_based(
    [
        [2, 5, 4, 6, 7, 8, 3],
        [3, 6, 1, 7, 8, 5, 4],
        [4, 7, 2, 8, 5, 6, 1],
        [1, 8, 3, 5, 6, 7, 2],
        [6, 1, 8, 2, 3, 4, 7],
        [7, 2, 5, 3, 4, 1, 8],
        [8, 3, 6, 4, 1, 2, 5],
        [5, 4, 7, 1, 2, 3, 6],
    ]
)
# Gale & Shapley (1962): 0, 1, 2 rank each other cyclically and 3 last; no stable matching.
GALE_SHAPLEY_4 = [[1, 2, 3], [2, 0, 3], [0, 1, 3], [0, 1, 2]]


def test_stable_roommates_irving_six_person_example():
    # given Irving's six-person instance
    # when
    result = stable_roommates(IRVING_6)
    # then it finds the unique stable matching {1,6}, {2,3}, {4,5}
    assert result is not None
    assert as_pairs(result) == [(0, 5), (1, 2), (3, 4)]
    assert result.stats["unmatched"] == 0


def test_stable_roommates_irving_eight_person_example():
    # given Irving's eight-person instance, which has exactly three stable matchings
    known = [
        [(0, 1), (2, 3), (4, 7), (5, 6)],
        [(0, 3), (1, 2), (4, 5), (6, 7)],
        [(0, 4), (1, 5), (2, 6), (3, 7)],
    ]
    # when
    result = stable_roommates(IRVING_8)
    # then it returns one of them
    assert result is not None
    assert as_pairs(result) in known
    assert sorted(brute_force(IRVING_8)) == known


def test_stable_roommates_gale_shapley_no_solution():
    # given the four-person instance of Gale & Shapley
    # when
    result = stable_roommates(GALE_SHAPLEY_4)
    # then no stable matching exists
    assert result is None


def test_stable_roommates_odd_complete_lists_leave_one_single():
    # given three people where 0 and 1 like each other best and both rank 2 last
    prefs = [[1, 2], [0, 2], [0, 1]]
    # when
    result = stable_roommates(prefs)
    # then 2 is single, in this and every stable matching
    assert result is not None
    assert as_pairs(result) == [(0, 1)]
    assert result.stats["unmatched"] == 1


def test_stable_roommates_incomplete_lists_mutual_acceptability():
    # given 0 lists 1, but 1 does not list 0; 2 and 3 list each other
    prefs = [[1], [2], [3, 1], [2]]
    # when
    result = stable_roommates(prefs)
    # then only mutually acceptable pairs can form and the rest are single
    assert result is not None
    assert as_pairs(result) == [(2, 3)]


def test_stable_roommates_padded_array_input():
    # given Irving's example as a padded array with an extra unlisted column
    padded = np.full((6, 6), -1)
    for i, row in enumerate(IRVING_6):
        padded[i, : len(row)] = row
    # when
    result = stable_roommates(padded)
    # then
    assert result is not None
    assert as_pairs(result) == [(0, 5), (1, 2), (3, 4)]


def test_stable_roommates_empty_and_single():
    # given no people, and one person
    # when / then
    empty = stable_roommates([])
    assert empty is not None
    assert empty.pairs.shape == (0, 2)
    alone = stable_roommates([[]])
    assert alone is not None
    assert alone.pairs.shape == (0, 2)


@pytest.mark.parametrize(
    "prefs",
    [
        [[1], [2]],  # names person 2 of 2
        [[1, 1], [0]],  # duplicate
        [[0], []],  # lists themself
        [[-1], [0]],  # negative index
        [[1.0], [0]],  # not an integer
        [1, 0],  # not lists
        np.array([1, 0]),  # 1-D array
    ],
)
def test_stable_roommates_bad_input_names_argument(prefs):
    # given malformed preference lists
    # when / then
    with pytest.raises(ValueError, match="prefs"):
        stable_roommates(prefs)


def test_stable_roommates_rejects_an_index_beyond_int64():
    # given an unsigned index that would wrap round to the -1 padding
    prefs = np.array([[1], [2**64 - 1]], dtype=np.uint64)
    # when / then
    with pytest.raises(ValueError, match="prefs names index 18446744073709551615"):
        stable_roommates(prefs)


# ----------------------------------------------------------------------------- properties


@settings(max_examples=400, deadline=None)
@given(instances())
def test_stable_roommates_agrees_with_brute_force(prefs):
    # given a random instance with up to 8 people, complete or incomplete lists
    # when
    result = stable_roommates(prefs)
    solutions = brute_force(prefs)
    # then it finds a stable matching exactly when one exists, and the one it returns is
    # stable and matches the same people as every stable matching
    if result is None:
        assert solutions == []
        return
    pairs = as_pairs(result)
    assert solutions
    assert blocking_pairs(prefs, pairs) == []
    assert pairs in [sorted(s) for s in solutions]
    assert all(a < b and b in prefs[a] and a in prefs[b] for a, b in pairs)
    matched = {x for pair in pairs for x in pair}
    assert all({x for pair in s for x in pair} == matched for s in solutions)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 20).map(lambda k: 2 * k), st.integers(0, 2**32 - 1))
def test_stable_roommates_verdict_matches_anchor(n, seed):
    # given a random complete instance with an even number of people (the library's domain)
    rng = np.random.default_rng(seed)
    prefs = [rng.permutation([j for j in range(n) if j != i]).tolist() for i in range(n)]
    # when
    result = stable_roommates(prefs)
    # then both agree on existence, and ours is a perfect stable matching when it exists
    assert (result is not None) == anchor_verdict(prefs)
    if result is not None:
        assert len(result) == n // 2
        assert blocking_pairs(prefs, as_pairs(result)) == []


@pytest.mark.parametrize("seed", range(8))
def test_stable_roommates_larger_incomplete_instances_are_stable(seed):
    # given 300 people on a random acceptability graph (about 24 acceptable partners each,
    # listed in random order): phase 2 needs rotations and some people end up single
    rng = np.random.default_rng(seed)
    n = 300
    adjacent = np.triu(rng.random((n, n)) < 0.08, 1)
    adjacent |= adjacent.T
    prefs = [rng.permutation(np.flatnonzero(adjacent[i])).tolist() for i in range(n)]
    # when
    result = stable_roommates(prefs)
    # then any returned matching has no blocking pair and reports its singles
    if result is not None:
        assert blocking_pairs(prefs, as_pairs(result)) == []
        assert result.stats["unmatched"] == n - 2 * len(result)


@pytest.mark.parametrize("seed", range(6))
def test_stable_roommates_complete_hundred_matches_anchor(seed):
    # given 100 people with complete random lists (both verdicts occur across seeds)
    rng = np.random.default_rng(seed)
    n = 100
    prefs = [rng.permutation(np.delete(np.arange(n), i)).tolist() for i in range(n)]
    # when
    result = stable_roommates(prefs)
    # then the verdict is the library's, and a returned matching is perfect and stable
    assert (result is not None) == anchor_verdict(prefs)
    if result is not None:
        assert len(result) == n // 2
        assert blocking_pairs(prefs, as_pairs(result)) == []


def sparse_instance(n: int, degree: int, seed: int) -> Prefs:
    """Random acceptability graph plus a few one-sided entries (which must be ignored)."""
    rng = np.random.default_rng(seed)
    edges = rng.integers(0, n, size=(n * degree // 2, 2))
    edges = edges[edges[:, 0] != edges[:, 1]]
    lists: list[set[int]] = [set() for _ in range(n)]
    for a, b in edges.tolist():
        lists[a].add(b)
        lists[b].add(a)
    for a, b in rng.integers(0, n, size=(n // 10, 2)).tolist():
        if a != b:
            lists[a].add(b)  # b may not list a back
    return [rng.permutation(sorted(s)).tolist() for s in lists]


@pytest.mark.parametrize("seed", range(4))
def test_stable_roommates_sparse_large_instances_are_stable(seed):
    # given 3,000 people with about 8 acceptable partners each (ranks prepared by sorting)
    prefs = sparse_instance(3000, 8, seed)
    # when
    result = stable_roommates(prefs)
    # then any returned matching is stable and uses only mutually acceptable pairs
    if result is not None:
        pairs = as_pairs(result)
        assert blocking_pairs(prefs, pairs) == []
        assert all(b in prefs[a] and a in prefs[b] for a, b in pairs)


def test_stable_roommates_duplicates_detected_in_large_instances():
    # given a sparse instance with one list naming someone twice
    prefs = sparse_instance(3000, 8, seed=0)
    prefs[1234].append(prefs[1234][0])
    # when / then
    with pytest.raises(ValueError, match=r"prefs\[1234\] lists the same person more than once"):
        stable_roommates(prefs)
