"""Tests for matchmaker.stable (hospitals/residents deferred acceptance)."""

from __future__ import annotations

import heapq
import warnings
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matching.games import HospitalResident
from matchmaker import MatchResult, stable
from matchmaker import _stable as stable_module

Prefs = list[list[int]]

# ----------------------------------------------------------------------------- references


def blocking_pairs(mentee_prefs: Prefs, mentor_prefs: Prefs, cap: list[int], pairs: list[tuple[int, int]]):
    """Every mutually acceptable (mentee, mentor) pair that would rather be together."""
    mentor_of = dict(pairs)
    held: dict[int, list[int]] = {}
    for mentee, mentor in pairs:
        held.setdefault(mentor, []).append(mentee)
    mentor_rank = [{m: r for r, m in enumerate(lst)} for lst in mentor_prefs]
    found = []
    for i, lst in enumerate(mentee_prefs):
        for j in lst:
            if i not in mentor_rank[j] or mentor_of.get(i) == j:
                continue
            if i in mentor_of and lst.index(mentor_of[i]) < lst.index(j):
                continue
            takers = held.get(j, [])
            if len(takers) < cap[j] or any(mentor_rank[j][i] < mentor_rank[j][t] for t in takers):
                found.append((i, j))
    return found


def reference_da(mentee_prefs: Prefs, mentor_prefs: Prefs, cap: list[int], proposing: str):
    """Textbook sequential deferred acceptance, written for clarity rather than speed."""
    mentee_rank = [{h: r for r, h in enumerate(lst)} for lst in mentee_prefs]
    mentor_rank = [{m: r for r, m in enumerate(lst)} for lst in mentor_prefs]

    def ok(i: int, j: int) -> bool:
        return j in mentee_rank[i] and i in mentor_rank[j]

    if proposing == "mentee":
        nxt = [0] * len(mentee_prefs)
        held: list[list[tuple[int, int]]] = [[] for _ in mentor_prefs]  # max-heaps of (-rank, mentee)
        free = list(range(len(mentee_prefs)))
        while free:
            i = free.pop()
            while nxt[i] < len(mentee_prefs[i]):
                j = mentee_prefs[i][nxt[i]]
                if ok(i, j):
                    heapq.heappush(held[j], (-mentor_rank[j][i], i))
                    if len(held[j]) <= cap[j]:
                        break
                    _, loser = heapq.heappop(held[j])
                    if loser != i:
                        nxt[loser] += 1
                        free.append(loser)
                        break
                nxt[i] += 1
        return sorted((i, j) for j, hs in enumerate(held) for _, i in hs)
    partner: dict[int, int] = {}
    nxt = [0] * len(mentor_prefs)
    count = [0] * len(mentor_prefs)
    queue = list(range(len(mentor_prefs)))
    while queue:
        j = queue.pop()
        while count[j] < cap[j] and nxt[j] < len(mentor_prefs[j]):
            i = mentor_prefs[j][nxt[j]]
            nxt[j] += 1
            if not ok(i, j):
                continue
            if i not in partner or mentee_rank[i][j] < mentee_rank[i][partner[i]]:
                if i in partner:
                    count[partner[i]] -= 1
                    queue.append(partner[i])
                partner[i] = j
                count[j] += 1
    return sorted(partner.items())


def anchor(mentee_prefs: Prefs, mentor_prefs: Prefs, cap: list[int], proposing: str):
    """The `matching` library's answer. It crashes on unreciprocated entries, zero capacities
    and agents left with empty lists, so those are removed first (they cannot be matched)."""
    mentees = {i: list(lst) for i, lst in enumerate(mentee_prefs)}
    mentors = {j: list(lst) for j, lst in enumerate(mentor_prefs) if cap[j] > 0}
    changed = True
    while changed:
        mentees = {i: [j for j in lst if j in mentors and i in mentors[j]] for i, lst in mentees.items()}
        mentors = {j: [i for i in lst if i in mentees and j in mentees[i]] for j, lst in mentors.items()}
        new_mentees = {i: lst for i, lst in mentees.items() if lst}
        new_mentors = {j: lst for j, lst in mentors.items() if lst}
        changed = len(new_mentees) != len(mentees) or len(new_mentors) != len(mentors)
        mentees, mentors = new_mentees, new_mentors
    if not mentees:
        return []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(mentees, mentors, {j: cap[j] for j in mentors})
        result = game.solve(optimal="resident" if proposing == "mentee" else "hospital")
    return sorted((r.name, h.name) for h, rs in result.items() for r in rs)


def as_pairs(result: MatchResult) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in result.pairs]


@st.composite
def instances(draw: st.DrawFn, max_mentees: int = 8, max_mentors: int = 5):
    n_e = draw(st.integers(0, max_mentees))
    n_h = draw(st.integers(1, max_mentors))
    mentee_prefs = [draw(st.permutations(range(n_h)))[: draw(st.integers(0, n_h))] for _ in range(n_e)]
    # Mostly reciprocate, sometimes not, so unacceptable entries are exercised too.
    mentor_prefs = []
    for j in range(n_h):
        listed_by = [i for i in range(n_e) if j in mentee_prefs[i]]
        extra = [i for i in range(n_e) if i not in listed_by]
        chosen = [i for i in listed_by if draw(st.integers(0, 9)) > 0] + [
            i for i in extra if draw(st.booleans())
        ]
        mentor_prefs.append(draw(st.permutations(chosen)))
    cap = [draw(st.integers(0, 3)) for _ in range(n_h)]
    return [list(x) for x in mentee_prefs], [list(x) for x in mentor_prefs], cap


def random_instance(n_e: int, n_h: int, k: int, seed: int, noise: float = 0.0):
    """Popularity-skewed lists of k mentors; mentors rank those who listed them. With
    ``noise``, that share of mentor entries is dropped and as many strangers are listed."""
    rng = np.random.default_rng(seed)
    weight = 1.0 / np.arange(1, n_h + 1) ** 0.7
    weight /= weight.sum()
    mentee_prefs = [rng.choice(n_h, size=k, replace=False, p=weight).tolist() for _ in range(n_e)]
    mentor_prefs: list[list[int]] = [[] for _ in range(n_h)]
    for i, lst in enumerate(mentee_prefs):
        for j in lst:
            mentor_prefs[j].append(i)
    if noise:
        for j, lst in enumerate(mentor_prefs):
            kept = [i for i in lst if rng.random() >= noise]
            strangers = rng.choice(n_e, size=len(lst) - len(kept), replace=False)
            mentor_prefs[j] = kept + [int(i) for i in strangers if i not in lst]
    mentor_prefs = [rng.permutation(lst).tolist() for lst in mentor_prefs]
    cap = rng.integers(0, 2 * n_e // n_h + 1, n_h).tolist()
    return mentee_prefs, mentor_prefs, cap


# ----------------------------------------------------------------------------- known answers

# Gale & Shapley (1962), the three-by-three marriage example: men a, b, c (mentees) and
# women A, B, C (mentors). Every man gets his first choice in the man-optimal matching and
# every woman hers in the woman-optimal one.
GS_MEN = [[0, 1, 2], [1, 2, 0], [2, 0, 1]]
GS_WOMEN = [[1, 2, 0], [2, 0, 1], [0, 1, 2]]


def test_stable_gale_shapley_mentee_optimal():
    # given the Gale-Shapley marriage instance
    # when mentees propose
    result = stable(GS_MEN, GS_WOMEN, [1, 1, 1])
    # then everyone on the proposing side gets their first choice
    assert as_pairs(result) == [(0, 0), (1, 1), (2, 2)]
    assert result.total_score == 0.0
    assert result.pairs.dtype == np.int64


def test_stable_gale_shapley_mentor_optimal():
    # given the same instance
    # when mentors propose
    result = stable(GS_MEN, GS_WOMEN, [1, 1, 1], proposing="mentor")
    # then every mentor gets their first choice instead
    assert as_pairs(result) == [(0, 2), (1, 0), (2, 1)]


def test_stable_capacities_hand_computed():
    # given mentor 0 with two places and mentor 1 with one (worked through by hand:
    # 1 is bumped from mentor 0 by 2, from mentor 1 by 0, and runs out of choices)
    mentee_prefs = [[0, 1], [0, 1], [0], [1, 0]]
    mentor_prefs = [[3, 2, 0, 1], [0, 1, 3]]
    # when
    mentee_side = stable(mentee_prefs, mentor_prefs, [2, 1])
    mentor_side = stable(mentee_prefs, mentor_prefs, [2, 1], proposing="mentor")
    # then the unique stable matching leaves mentee 1 unmatched
    assert as_pairs(mentee_side) == [(0, 1), (2, 0), (3, 0)]
    assert as_pairs(mentor_side) == as_pairs(mentee_side)
    assert mentee_side.stats["matched"] == 3


def test_stable_ignores_unreciprocated_entries():
    # given mentee 0 lists mentor 0 first, but mentor 0 does not list mentee 0
    mentee_prefs = [[0, 1], [0]]
    mentor_prefs = [[1], [0]]
    # when
    result = stable(mentee_prefs, mentor_prefs, [1, 1])
    # then the unacceptable pair is never used
    assert as_pairs(result) == [(0, 1), (1, 0)]


def test_stable_zero_capacity_and_empty_lists():
    # given a mentor with no places and a mentee with no list
    mentee_prefs: Prefs = [[0, 1], [], [0]]
    mentor_prefs = [[0, 2], [2, 0]]
    # when
    result = stable(mentee_prefs, mentor_prefs, [0, 1])
    # then mentor 0 takes nobody and mentee 1 stays unmatched
    assert as_pairs(result) == [(0, 1)]


def test_stable_empty_instance():
    # given no mentees at all
    # when
    result = stable([], [[], []], [1, 1])
    # then the result is empty but well-formed
    assert result.pairs.shape == (0, 2)


def test_stable_input_formats_agree():
    # given the same lists as lists, as a padded 2-D array and as a list of arrays
    mentee_prefs = [[0, 1], [1], [1, 0], []]
    mentor_prefs = [[2, 0], [0, 1, 2]]
    padded = np.array([[0, 1], [1, -1], [1, 0], [-1, -1]])
    arrays = [np.array(x, dtype=np.int32) for x in mentor_prefs]
    # when
    expected = as_pairs(stable(mentee_prefs, mentor_prefs, [1, 1]))
    # then
    assert as_pairs(stable(padded, arrays, np.array([1, 1]))) == expected
    assert as_pairs(stable(padded, mentor_prefs, 1)) == expected
    assert as_pairs(stable(mentee_prefs, tuple(map(tuple, mentor_prefs)), (1, 1))) == expected


def test_stable_accepts_empty_float_arrays_and_unlimited_capacity():
    # given numpy rows where an empty list is np.array([]) (float dtype) and a capacity
    # far beyond anyone's list length
    mentee_prefs = [np.array([0]), np.array([]), np.array([0])]
    mentor_prefs = [np.array([2, 0])]
    # when
    result = stable(mentee_prefs, mentor_prefs, [10**15])
    # then both listed mentees are taken
    assert as_pairs(result) == [(0, 0), (2, 0)]
    assert as_pairs(stable(mentee_prefs, mentor_prefs, [1e18])) == [(0, 0), (2, 0)]


def test_stable_capacity_beyond_int64_means_unlimited() -> None:
    # "unlimited" written as 2**63, 1e300 or uint64's largest must not wrap round
    for cap in (2**63, 1e300, np.array([2**64 - 1], dtype=np.uint64)):
        assert stable([[0], [0]], [[1, 0]], cap).pairs.tolist() == [[0, 0], [1, 0]]


@pytest.mark.parametrize(
    ("args", "kwargs", "argument"),
    [
        (([[0, 2]], [[0], [0]], [1, 1]), {}, "mentee_prefs"),
        (([[-1]], [[0]], [1]), {}, "mentee_prefs"),
        (([[0, 0]], [[0]], [1]), {}, "mentee_prefs"),
        (([[0]], [[0, 1]], [1]), {}, "mentor_prefs"),
        (([[0], [0]], [[1, 1]], [1]), {}, "mentor_prefs"),
        (([[0]], [[0]], [-1]), {}, "mentor_capacity"),
        (([[0]], [[0]], [1, 1]), {}, "mentor_capacity"),
        (([[0]], [[0]], [1.5]), {}, "mentor_capacity"),
        (([[0]], [[0]], [1]), {"proposing": "both"}, "proposing"),
        (([[0.5]], [[0]], [1]), {}, "mentee_prefs"),
        ((np.array([[-1, 0]]), [[0]], [1]), {}, "mentee_prefs"),
        ((np.array([[0.0]]), [[0]], [1]), {}, "mentee_prefs"),
        (([0, 1], [[0]], [1]), {}, "mentee_prefs"),
        ((5, [[0]], [1]), {}, "mentee_prefs"),
        # beyond int64: would wrap round to the -1 padding
        ((np.array([[2**64 - 1]], dtype=np.uint64), [[0]], [1]), {}, "mentee_prefs names index"),
        (([np.array([0, 2**64 - 1], dtype=np.uint64)], [[0]], [1]), {}, "mentee_prefs names index"),
    ],
)
def test_stable_bad_input_names_argument(args, kwargs, argument):
    # given malformed input
    # when / then
    with pytest.raises(ValueError, match=argument):
        stable(*args, **kwargs)


# ----------------------------------------------------------------------------- properties


@settings(max_examples=300, deadline=None)
@given(instances(), st.sampled_from(["mentee", "mentor"]), st.sampled_from([0, 2, 10**9]))
def test_stable_matches_anchor_and_has_no_blocking_pair(instance, proposing, tail):
    # given a random small instance; tail=0 forces the vectorised rounds, 10**9 the
    # sequential finish, 2 a mix of both
    mentee_prefs, mentor_prefs, cap = instance
    # when
    with mock.patch.object(stable_module, "_TAIL", tail):
        result = stable(mentee_prefs, mentor_prefs, cap, proposing=proposing)
    pairs = as_pairs(result)
    # then it is the `matching` library's answer, stable, feasible and acceptable
    assert pairs == anchor(mentee_prefs, mentor_prefs, cap, proposing)
    assert pairs == reference_da(mentee_prefs, mentor_prefs, cap, proposing)
    assert blocking_pairs(mentee_prefs, mentor_prefs, cap, pairs) == []
    counts = np.bincount([j for _, j in pairs], minlength=len(cap))
    assert np.all(counts <= cap)
    assert len({i for i, _ in pairs}) == len(pairs)
    assert all(j in mentee_prefs[i] and i in mentor_prefs[j] for i, j in pairs)


@settings(max_examples=150, deadline=None)
@given(instances())
def test_stable_mentee_optimal_dominates_mentor_optimal(instance):
    # given a random instance
    mentee_prefs, mentor_prefs, cap = instance
    # when both extreme stable matchings are computed
    best = dict(as_pairs(stable(mentee_prefs, mentor_prefs, cap)))
    worst = dict(as_pairs(stable(mentee_prefs, mentor_prefs, cap, proposing="mentor")))
    # then the same mentees are matched (rural hospitals theorem) and each weakly prefers
    # their mentee-optimal mentor
    assert best.keys() == worst.keys()
    for i, j in best.items():
        assert mentee_prefs[i].index(j) <= mentee_prefs[i].index(worst[i])


@pytest.mark.parametrize("proposing", ["mentee", "mentor"])
@pytest.mark.parametrize(("seed", "noise"), [(0, 0.0), (1, 0.0), (2, 0.1), (3, 0.3)])
def test_stable_larger_instances_match_reference(proposing, seed, noise):
    # given ~1,500 mentees: enough for many vectorised rounds before the sequential tail,
    # and large enough that ranks are prepared by sorting rather than a dense table
    mentee_prefs, mentor_prefs, cap = random_instance(1500, 300, 8, seed, noise)
    # when
    result = stable(mentee_prefs, mentor_prefs, cap, proposing=proposing)
    # then
    pairs = as_pairs(result)
    assert result.stats["rounds"] > 0
    assert pairs == reference_da(mentee_prefs, mentor_prefs, cap, proposing)
    assert blocking_pairs(mentee_prefs, mentor_prefs, cap, pairs) == []


@pytest.mark.parametrize("side", ["mentee_prefs", "mentor_prefs"])
def test_stable_duplicates_detected_in_large_instances(side):
    # given a large instance (sorted rank preparation) with one list naming someone twice
    mentee_prefs, mentor_prefs, cap = random_instance(1500, 300, 8, seed=4)
    if side == "mentee_prefs":
        mentee_prefs[700].append(mentee_prefs[700][0])
    else:
        mentor_prefs[150].append(mentor_prefs[150][-1])
    # when / then the error names the list and its owner
    index = 700 if side == "mentee_prefs" else 150
    with pytest.raises(ValueError, match=rf"{side}\[{index}\] lists the same"):
        stable(mentee_prefs, mentor_prefs, cap)
