"""The score model: criteria in [0, 1], weights, must-filters, hard rules, explanations.

A pair's score is the weighted mean of its criteria, ``sum(w_c * v_c) / sum(w_c)``, so it
lies in ``[0, 1]``. Every criterion is vectorised over many pairs at once (the candidate
generator scores millions of pairs) and has a plain-words reason for a single pair
(:func:`explain`). The same code path scores pairs in :class:`Scorer`, in
:func:`matchmaker.candidates` and in :func:`explain`, so their numbers agree exactly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from matchmaker._features import FORMATS, Labels, PeopleFeatures
from matchmaker._validation import check_int, check_whole, unique_ints

__all__ = [
    "CRITERIA",
    "DEFAULT_WEIGHTS",
    "Contribution",
    "Explanation",
    "ScoreModel",
    "Scorer",
    "explain",
]

#: Criterion names, in the order used by arrays and explanations.
CRITERIA: tuple[str, ...] = (
    "goals",
    "values",
    "industry",
    "level",
    "timezone",
    "availability",
    "language",
    "preferences",
)
#: Weights used when a :class:`ScoreModel` is built without ``weights``.
DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "goals": 10.0,
        "values": 5.0,
        "industry": 2.0,
        "level": 5.0,
        "timezone": 3.0,
        "availability": 3.0,
        "language": 2.0,
        "preferences": 3.0,
    }
)
# A "must" criterion forbids a pair whose value is below this (overridable by must_min):
# inside the level window, or explicitly preferred; any positive value for the others.
_MUST_DEFAULT_MIN: Mapping[str, float] = MappingProxyType({"level": 1.0, "preferences": 1.0})
_POSITIVE = 1e-9
_DEFAULT_GAPS = {"traditional": (1, 3), "reverse": (1, 3), "peer": (0, 0)}
_GAP_LIMIT = 2**62  # level gaps beyond any int64 arithmetic on them are an error
# Above this many cells the mentor x skill coverage table is looked up sparsely.
_DENSE_COVERAGE_CELLS = 1 << 25
# Hashed bitmap (2**24 bits = 2 MiB) in front of each pair-key set: one gather per lookup.
_BITMAP_BITS = 24

Kind = Literal["traditional", "reverse", "peer"]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def _pair_array(pairs: Iterable[tuple[int, int]] | npt.ArrayLike, name: str) -> IntArray:
    arr = np.asarray(list(pairs) if isinstance(pairs, (set, frozenset)) else pairs, dtype=np.int64)
    if arr.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"{name} must be a sequence of (mentee id, mentor id) pairs")
    return np.unique(arr, axis=0)


@dataclass(frozen=True, eq=False)
class ScoreModel:
    """Criteria weights, must-filters and hard rules of a program.

    Parameters
    ----------
    weights : mapping of str to float, optional
        Weight in ``[0, 10]`` per criterion name of :data:`CRITERIA`; names left out
        weigh 0. Defaults to :data:`DEFAULT_WEIGHTS`. The weights must not all be 0.
    must : iterable of str, default ()
        Criteria that are hard filters: a pair is forbidden when the criterion's value is
        below ``must_min[name]``.
    must_min : mapping of str to float, optional
        Thresholds of the must-filters. Defaults: ``1.0`` for ``"level"`` (inside the
        level-gap window) and ``"preferences"`` (only explicitly preferred mentors), and
        "any positive value" for every other criterion.
    kind : {"traditional", "reverse", "peer"}, default "traditional"
        Program kind; decides the career-level criterion.
    min_level_gap, max_level_gap : int, optional
        Preferred window of the level gap: mentor above the mentee (traditional), below
        (reverse), or the absolute gap (peer). Defaults ``(1, 3)``, ``(1, 3)``, ``(0, 0)``.
    target_overlap_hours : float, default 4.0
        Working-hours overlap that scores 1 on ``"timezone"``.
    max_tz_gap_hours : float, optional
        Hard rule: forbid pairs whose UTC offsets differ by more (around the clock).
    require_shared_language : bool, default True
        Hard rule: forbid pairs without a common language.
    separate_reporting_lines : bool, default True
        Hard rule: forbid pairs where one is in the other's manager chain (as deep as the
        features' ``managers`` arrays reach).
    require_different_department : bool, default False
        Hard rule: forbid pairs from the same (known) department.
    excluded_pairs : sequence of (mentee id, mentor id), default ()
        Hard rule: previous or declined pairs, never proposed again.
    preferred_pairs : sequence of (mentee id, mentor id), default ()
        Mentors a mentee asked for (``"preferences"`` = 1).
    avoided_pairs : sequence of (mentee id, mentor id), default ()
        Mentors a mentee asked to avoid: forbidden, and ``"preferences"`` = 0.
    skill_relations : scipy.sparse matrix, shape (n_skills, n_skills), optional
        ``R[g, s]`` in ``[0, 1]``: how well expertise in skill ``s`` serves goal ``g``
        (e.g. "Team leadership" for "People management"); a skill always serves itself.

    Raises
    ------
    ValueError
        On an unknown criterion name, a weight outside ``[0, 10]``, all-zero weights,
        an unknown kind, or an invalid gap window / threshold.

    Examples
    --------
    >>> model = ScoreModel(weights={"goals": 10, "level": 5}, must={"level"})
    >>> model.total_weight
    15.0
    >>> model.level_window
    (1, 3)
    """

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    must: frozenset[str] | Iterable[str] = frozenset()
    must_min: Mapping[str, float] = field(default_factory=dict)
    kind: Kind = "traditional"
    min_level_gap: int | None = None
    max_level_gap: int | None = None
    target_overlap_hours: float = 4.0
    max_tz_gap_hours: float | None = None
    require_shared_language: bool = True
    separate_reporting_lines: bool = True
    require_different_department: bool = False
    excluded_pairs: Iterable[tuple[int, int]] | npt.ArrayLike = ()
    preferred_pairs: Iterable[tuple[int, int]] | npt.ArrayLike = ()
    avoided_pairs: Iterable[tuple[int, int]] | npt.ArrayLike = ()
    skill_relations: sp.sparray | sp.spmatrix | None = None

    def __post_init__(self) -> None:
        unknown = set(self.weights) - set(CRITERIA)
        if unknown:
            raise ValueError(f"weights has unknown criteria {sorted(unknown)}; known: {CRITERIA}")
        weights = {c: float(self.weights.get(c, 0.0)) for c in CRITERIA}
        if any(not 0.0 <= w <= 10.0 for w in weights.values()):
            raise ValueError("weights must lie in [0, 10]")
        if sum(weights.values()) <= 0.0:
            raise ValueError("weights must not all be zero")
        must = frozenset(self.must)
        if must - set(CRITERIA):
            raise ValueError(f"must has unknown criteria {sorted(must - set(CRITERIA))}")
        if set(self.must_min) - set(CRITERIA):
            raise ValueError("must_min has unknown criteria")
        if any(not 0.0 <= float(v) <= 1.0 for v in self.must_min.values()):
            raise ValueError("must_min thresholds must lie in [0, 1]")
        if self.kind not in _DEFAULT_GAPS:
            raise ValueError(f"kind must be one of {tuple(_DEFAULT_GAPS)}, got {self.kind!r}")
        lo_default, hi_default = _DEFAULT_GAPS[self.kind]
        lo = (
            lo_default
            if self.min_level_gap is None
            else int(check_whole(self.min_level_gap, "min_level_gap", lo=-_GAP_LIMIT, hi=_GAP_LIMIT))
        )
        hi = (
            max(hi_default, lo)
            if self.max_level_gap is None
            else int(check_whole(self.max_level_gap, "max_level_gap", lo=-_GAP_LIMIT, hi=_GAP_LIMIT))
        )
        if lo < 0:
            raise ValueError("min_level_gap must be non-negative")
        if hi < lo:
            raise ValueError("max_level_gap must be at least min_level_gap")
        if not 0 < self.target_overlap_hours < math.inf:  # (NaN fails too)
            raise ValueError("target_overlap_hours must be a positive, finite number of hours")
        if self.max_tz_gap_hours is not None and not self.max_tz_gap_hours >= 0:
            raise ValueError("max_tz_gap_hours must be a non-negative number of hours (or None)")
        set_ = object.__setattr__
        set_(self, "weights", MappingProxyType(weights))
        set_(self, "must", must)
        set_(self, "must_min", MappingProxyType({k: float(v) for k, v in self.must_min.items()}))
        set_(self, "min_level_gap", lo)
        set_(self, "max_level_gap", hi)
        set_(self, "excluded_pairs", _pair_array(self.excluded_pairs, "excluded_pairs"))
        set_(self, "preferred_pairs", _pair_array(self.preferred_pairs, "preferred_pairs"))
        set_(self, "avoided_pairs", _pair_array(self.avoided_pairs, "avoided_pairs"))
        if self.skill_relations is not None:
            rel = sp.csr_array(self.skill_relations)
            if rel.shape[0] != rel.shape[1]:
                raise ValueError("skill_relations must be square (n_skills x n_skills)")
            if rel.nnz and not (np.isfinite(rel.data).all() and rel.data.min() >= 0 and rel.data.max() <= 1):
                raise ValueError("skill_relations values must lie in [0, 1]")
            set_(self, "skill_relations", rel)

    @property
    def total_weight(self) -> float:
        """Sum of the weights (the denominator of the weighted mean)."""
        return float(sum(self.weights.values()))

    @property
    def level_window(self) -> tuple[int, int]:
        """The resolved ``(min_level_gap, max_level_gap)``."""
        return int(self.min_level_gap or 0), int(self.max_level_gap or 0)

    def threshold(self, criterion: str) -> float:
        """Value below which a must-criterion forbids a pair (0 when not a must)."""
        if criterion not in self.must:
            return 0.0
        default = _MUST_DEFAULT_MIN.get(criterion, _POSITIVE)
        return max(float(self.must_min.get(criterion, default)), _POSITIVE)


# --------------------------------------------------------------------------- prepared pool


def _lookup(sorted_ids: IntArray, order: IntArray, query: npt.NDArray[np.int64]) -> IntArray:
    """Index of each query id (``-1`` when absent)."""
    if sorted_ids.shape[0] == 0:
        return np.full(query.shape, -1, dtype=np.int64)
    pos = np.searchsorted(sorted_ids, query)
    pos = np.minimum(pos, sorted_ids.shape[0] - 1)
    hit = sorted_ids[pos] == query
    return np.where(hit, order[pos], -1)


def _popcount(words: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint8]:
    return np.bitwise_count(words)


class Scorer:
    """A :class:`ScoreModel` bound to a mentee pool and a mentor pool.

    Preparation is done once (coverage of goals by expertise, blocked pairs, ...), then
    any batch of pairs is scored vectorised.

    Parameters
    ----------
    model : ScoreModel
    mentees, mentors : PeopleFeatures
        The two sides (may be the same object for peer programs).

    Raises
    ------
    ValueError
        If the two sides use different taxonomies or bitset widths.

    Notes
    -----
    Criteria (every value in ``[0, 1]``; unknown data scores 0):

    ``goals``
        Weighted mean, over the mentee's goals ``g`` (weight 1 if picked, text similarity if
        inferred from goal text), of the mentor's coverage of ``g``: the best
        ``R[g, s] * expertise[s]`` over the mentor's skills ``s`` (expertise = level / top
        level, or text evidence from the bio). Free-text similarity enters through goals
        inferred from the goal text and expertise inferred from the bio.
    ``values``
        Dice overlap of the work-value sets, ``2|A & B| / (|A| + |B|)``.
    ``industry``
        Share of the mentee's known industry / function that the mentor has too.
    ``level``
        ``d`` = mentor minus mentee level (traditional), mentee minus mentor (reverse),
        or ``|difference|`` (peer). 1 inside ``[min_level_gap, max_level_gap]``, halving
        per level outside, 0 when the mentor is on the wrong side. Reverse: multiplied by
        the mentor's best coverage of the mentee's goals (junior *and* expert).
    ``timezone``
        Overlapping working half-hours (in UTC), as hours / ``target_overlap_hours``, capped at 1.
    ``availability``
        Half for sharing a meeting format, half for the mentor's hours per month versus
        the mentee's wish (``min(1, offered / wanted)``; 1 when no wish is recorded).
    ``language``
        1 when the mentor speaks the mentee's first language, 0.5 when they share
        another one, else 0.
    ``preferences``
        1 when the mentee asked for this mentor, 0 when asked to avoid, else 0.5.

    Hard rules (each forbids a pair): no shared language (``require_shared_language``),
    same reporting line (``separate_reporting_lines``), same department
    (``require_different_department``), a previous/declined pair (``excluded_pairs``), an
    avoided mentor, the same person on both sides, UTC offsets further apart than
    ``max_tz_gap_hours``, and a must-criterion below its threshold.

    Examples
    --------
    >>> from matchmaker import people_features
    >>> mentees = people_features([1], n_skills=2, goals=[[0]], languages=[[0]], level=[1])
    >>> mentors = people_features([2, 3], n_skills=2, skills=[{0: 4}, {1: 4}],
    ...                           languages=[[0], [0]], level=[3, 3])
    >>> scorer = Scorer(ScoreModel(weights={"goals": 1}), mentees, mentors)
    >>> scorer.score([0, 0], [0, 1]).tolist()
    [1.0, 0.0]
    """

    def __init__(self, model: ScoreModel, mentees: PeopleFeatures, mentors: PeopleFeatures) -> None:
        if mentees.n_skills != mentors.n_skills:
            raise ValueError("mentees and mentors must share the skills taxonomy (n_skills)")
        if mentees.values.shape[1] != mentors.values.shape[1]:
            raise ValueError("mentees and mentors must share the values vocabulary (n_values)")
        if mentees.languages.shape[1] != mentors.languages.shape[1]:
            raise ValueError("mentees and mentors must share the languages vocabulary (n_languages)")
        if model.skill_relations is not None and model.skill_relations.shape[0] != mentors.n_skills:
            raise ValueError("model.skill_relations must be n_skills x n_skills")
        self.model = model
        self.mentees = mentees
        self.mentors = mentors
        self.n_mentees = mentees.n
        self.n_mentors = mentors.n
        w = model.weights
        self._w = {c: float(w[c]) for c in CRITERIA}
        self._total = model.total_weight
        self._needed = tuple(c for c in CRITERIA if self._w[c] > 0 or c in model.must)
        self._prepare_goals()
        self._prepare_coverage()
        self._prepare_pairs()
        # per-person popcounts, reused for every pair
        self._vals_i = _popcount(mentees.values).sum(axis=1, dtype=np.int64)
        self._vals_j = _popcount(mentors.values).sum(axis=1, dtype=np.int64)
        self._ind_known = (mentees.industry >= 0).astype(np.int64) + (mentees.function >= 0)
        top = int(max(mentees.level.max(initial=0), mentors.level.max(initial=0), 0))
        self._level_span = top
        self._level_table = self._level_fit_of_diff(np.arange(-top, top + 1, dtype=np.int64))

    # -- preparation -------------------------------------------------------------------

    def _prepare_goals(self) -> None:
        goals = sp.csr_array(self.mentees.goals)
        lengths = np.diff(goals.indptr)
        width = max(1, int(lengths.max(initial=0)))
        n = goals.shape[0]
        idx = np.zeros((n, width), dtype=np.int64)
        wt = np.zeros((n, width), dtype=np.float64)
        rows = np.repeat(np.arange(n), lengths)
        cols = np.arange(goals.nnz) - np.repeat(goals.indptr[:-1], lengths)
        # strongest goals first, so retrieval can probe only the leading columns
        order = np.lexsort((-goals.data, rows))
        idx[rows, cols] = goals.indices[order]
        wt[rows, cols] = goals.data[order]
        self.goal_idx = idx
        self.goal_w = wt
        self.goal_sum = wt.sum(axis=1)
        self.goal_count = lengths.astype(np.int64)

    def _prepare_coverage(self) -> None:
        """Coverage ``C[j, g] = max_s R[g, s] * expertise[j, s]`` of each goal by each mentor."""
        exp = sp.coo_array(self.mentors.skills)
        j, s, e = exp.row.astype(np.int64), exp.col.astype(np.int64), exp.data.astype(np.float64)
        n_sk = self.mentors.n_skills
        rel = self.model.skill_relations
        if rel is not None and rel.nnz:
            r = sp.coo_array(rel)
            off = r.row != r.col
            by_s = np.argsort(r.col[off], kind="stable")
            rg, rs, rv = r.row[off][by_s], r.col[off][by_s], r.data[off][by_s].astype(np.float64)
            starts = np.searchsorted(rs, s, side="left")
            ends = np.searchsorted(rs, s, side="right")
            counts = ends - starts
            take = np.repeat(starts, counts) + (
                np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
            )
            j = np.concatenate([j, np.repeat(j, counts)])
            e = np.concatenate([e, np.repeat(e, counts) * rv[take]])
            s = np.concatenate([s, rg[take]])
        keys = j * n_sk + s
        order = np.lexsort((-e, keys))
        keys, e = keys[order], e[order]
        first = np.ones(keys.shape[0], dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        keys, e = keys[first], e[first]  # max per (mentor, goal)
        # float32 precision whichever storage is used below, so scores never depend on it
        e = e.astype(np.float32).astype(np.float64)
        self.cov_keys = keys
        self.cov_vals = e
        self._dense_cov: npt.NDArray[np.float32] | None = None
        if self.n_mentors * n_sk <= _DENSE_COVERAGE_CELLS:
            # goal-major layout: a batch row reads one goal's column for many mentors,
            # which stays in cache (mentor-major would touch one cache line per pair)
            dense = np.zeros(self.n_mentors * n_sk, dtype=np.float32)
            dense[(keys % n_sk) * self.n_mentors + keys // n_sk] = e
            self._dense_cov = dense

    def coverage(self, mentor_idx: npt.ArrayLike, skill: npt.ArrayLike) -> FloatArray:
        """Coverage of goal ``skill`` by mentor ``mentor_idx`` (broadcast)."""
        jj = np.asarray(mentor_idx, dtype=np.int64)
        key = jj * self.mentors.n_skills + np.asarray(skill, dtype=np.int64)
        if self._dense_cov is not None:
            sk = np.asarray(skill, dtype=np.int64)
            return np.asarray(self._dense_cov[sk * self.n_mentors + jj], dtype=np.float64)
        if self.cov_keys.shape[0] == 0:
            return np.zeros(key.shape, dtype=np.float64)
        pos = np.minimum(np.searchsorted(self.cov_keys, key), self.cov_keys.shape[0] - 1)
        return np.where(self.cov_keys[pos] == key, self.cov_vals[pos], 0.0)

    def _prepare_pairs(self) -> None:
        m = self.n_mentors
        self._mentor_sorted = np.sort(self.mentors.ids)
        self._mentor_order = np.argsort(self.mentors.ids, kind="stable")
        self._mentee_sorted = np.sort(self.mentees.ids)
        self._mentee_order = np.argsort(self.mentees.ids, kind="stable")
        model = self.model

        def to_keys(pairs: IntArray) -> IntArray:
            if pairs.shape[0] == 0:
                return np.zeros(0, dtype=np.int64)
            i = _lookup(self._mentee_sorted, self._mentee_order, pairs[:, 0])
            jj = _lookup(self._mentor_sorted, self._mentor_order, pairs[:, 1])
            ok = (i >= 0) & (jj >= 0)
            return unique_ints(i[ok] * m + jj[ok])

        self._excluded = to_keys(np.asarray(model.excluded_pairs))
        self._avoided = to_keys(np.asarray(model.avoided_pairs))
        self._preferred = to_keys(np.asarray(model.preferred_pairs))
        # same person on both sides
        same_j = _lookup(self._mentor_sorted, self._mentor_order, self.mentees.ids)
        same_i = np.flatnonzero(same_j >= 0)
        self._same = unique_ints(same_i * m + same_j[same_i])
        # reporting lines: a mentor in the mentee's chain, or a mentee in the mentor's chain
        line: list[IntArray] = []
        if model.separate_reporting_lines:
            anc = self.mentees.managers
            jj = _lookup(self._mentor_sorted, self._mentor_order, anc)
            ii = np.broadcast_to(np.arange(self.n_mentees)[:, None], anc.shape)
            ok = (anc >= 0) & (jj >= 0)
            line.append(ii[ok] * m + jj[ok])
            anc = self.mentors.managers
            ii2 = _lookup(self._mentee_sorted, self._mentee_order, anc)
            jj2 = np.broadcast_to(np.arange(m)[:, None], anc.shape)
            ok = (anc >= 0) & (ii2 >= 0)
            line.append(ii2[ok] * m + jj2[ok])
        self._line = unique_ints(np.concatenate(line)) if line else np.zeros(0, dtype=np.int64)
        self._blocked = unique_ints(np.concatenate([self._excluded, self._avoided, self._same, self._line]))
        self._bitmaps: dict[int, npt.NDArray[np.uint8]] = {}
        for keys in (self._blocked, self._preferred, self._avoided):
            self._register_bitmap(keys)

    # -- evaluation ----------------------------------------------------------------------

    def _member(self, keys: IntArray, sorted_keys: IntArray) -> BoolArray:
        if sorted_keys.shape[0] == 0:
            return np.zeros(keys.shape, dtype=bool)
        out = np.zeros(keys.shape, dtype=bool)
        bitmap = self._bitmaps.get(id(sorted_keys))
        if bitmap is None or keys.size < 4096:
            maybe = np.ones(keys.shape, dtype=bool)
        else:
            # a hashed bitmap rules out almost every key with one gather; only the few
            # possible hits are confirmed by binary search
            h = (keys.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - _BITMAP_BITS)
            maybe = ((bitmap[h >> np.uint64(3)] >> (h & np.uint64(7)).astype(np.uint8)) & 1).astype(bool)
        cand = keys[maybe]
        if cand.size:
            pos = np.minimum(np.searchsorted(sorted_keys, cand), sorted_keys.shape[0] - 1)
            out[maybe] = sorted_keys[pos] == cand
        return out

    def _register_bitmap(self, sorted_keys: IntArray) -> None:
        if sorted_keys.shape[0] == 0:
            return
        h = (sorted_keys.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - _BITMAP_BITS)
        bitmap = np.zeros(1 << (_BITMAP_BITS - 3), dtype=np.uint8)
        np.bitwise_or.at(
            bitmap,
            (h >> np.uint64(3)).astype(np.int64),
            np.left_shift(1, (h & np.uint64(7)).astype(np.uint8)).astype(np.uint8),
        )
        self._bitmaps[id(sorted_keys)] = bitmap

    def _check(self, mentee_idx: npt.ArrayLike, mentor_idx: npt.ArrayLike) -> tuple[IntArray, IntArray]:
        i = np.asarray(mentee_idx, dtype=np.int64)
        j = np.asarray(mentor_idx, dtype=np.int64)
        if i.size and (i.min() < 0 or i.max() >= self.n_mentees):
            raise ValueError(f"mentee_idx must lie in [0, {self.n_mentees})")
        if j.size and (j.min() < 0 or j.max() >= self.n_mentors):
            raise ValueError(f"mentor_idx must lie in [0, {self.n_mentors})")
        try:
            np.broadcast_shapes(i.shape, j.shape)
        except ValueError:
            raise ValueError(
                f"mentee_idx and mentor_idx must broadcast together, got {i.shape} and {j.shape}"
            ) from None
        return i, j

    def _criterion(  # noqa: PLR0911 (one branch per criterion)
        self, name: str, i: IntArray, j: IntArray, shared: BoolArray | None = None
    ) -> FloatArray:
        a, b, model = self.mentees, self.mentors, self.model
        if name == "goals" or (name == "level" and model.kind == "reverse"):
            acc, best = self._goal_terms(i, j)
            if name == "goals":
                gs = self.goal_sum[i]
                return np.asarray(np.divide(acc, gs, out=np.zeros(np.broadcast(acc, gs).shape), where=gs > 0))
            return self._level_fit(i, j) * best
        if name == "values":
            inter = _popcount(a.values[i, 0] & b.values[j, 0]).astype(np.int64)
            for w in range(1, a.values.shape[1]):
                inter = inter + _popcount(a.values[i, w] & b.values[j, w])
            den = self._vals_i[i] + self._vals_j[j]
            return np.asarray(
                np.divide(2.0 * inter, den, out=np.zeros(np.broadcast(inter, den).shape), where=den > 0)
            )
        if name == "industry":
            ai, af = a.industry[i], a.function[i]
            hits = ((ai >= 0) & (ai == b.industry[j])).astype(np.float64) + (
                (af >= 0) & (af == b.function[j])
            )
            known = self._ind_known[i]
            return np.asarray(
                np.divide(hits, known, out=np.zeros(np.broadcast(hits, known).shape), where=known > 0)
            )
        if name == "level":
            return self._level_fit(i, j)
        if name == "timezone":
            slots = _popcount(a.hours[i] & b.hours[j]).astype(np.float64)
            return np.minimum(slots / (2.0 * model.target_overlap_hours), 1.0)
        if name == "availability":
            fmt = ((a.formats[i] & b.formats[j]) != 0).astype(np.float64)
            want = a.hours_per_month[i].astype(np.float64)
            offer = b.hours_per_month[j].astype(np.float64)
            ratio = np.divide(offer, want, out=np.ones(np.broadcast(offer, want).shape), where=want > 0)
            return np.asarray(0.5 * fmt + 0.5 * np.minimum(ratio, 1.0), dtype=np.float64)
        if name == "language":
            shared = self._shares_language(i, j) if shared is None else shared
            prim = a.primary_language[i]
            word = np.maximum(prim, 0) // 64
            bit = (np.maximum(prim, 0) % 64).astype(np.uint64)
            speaks = (prim >= 0) & (((b.languages[j, word] >> bit) & np.uint64(1)) != 0)
            return np.where(speaks, 1.0, np.where(shared, 0.5, 0.0))
        if name == "preferences":
            keys = i * self.n_mentors + j
            out = np.full(keys.shape, 0.5)
            out[self._member(keys, self._preferred)] = 1.0
            out[self._member(keys, self._avoided)] = 0.0
            return out
        raise ValueError(f"unknown criterion {name!r}")

    def _goal_terms(self, i: IntArray, j: IntArray) -> tuple[FloatArray, FloatArray]:
        """Weighted coverage sum and best single coverage of the mentee's goals."""
        shape = np.broadcast_shapes(i.shape, j.shape)
        if i.ndim == 2 and i.shape[1] == 1 and len(shape) == 2:
            counts = self.goal_count[i[:, 0]]
            if np.all(counts[1:] <= counts[:-1]):
                # rows already ordered by goal count, most first: work on row prefixes
                return self._goal_prefix(i[:, 0], np.broadcast_to(j, shape), counts)
        # any other layout: order the pairs by goal count once, then work on prefixes
        flat_i = np.broadcast_to(i, shape).ravel()
        flat_j = np.broadcast_to(j, shape).ravel()
        counts = self.goal_count[flat_i]
        order = np.argsort((255 - np.minimum(counts, 255)).astype(np.uint8), kind="stable")  # radix sort
        acc_s, best_s = self._goal_prefix(flat_i[order], flat_j[order], counts[order])
        acc = np.empty(flat_i.shape[0])
        best = np.empty(flat_i.shape[0])
        acc[order], best[order] = acc_s, best_s
        return acc.reshape(shape), best.reshape(shape)

    def _goal_prefix(
        self, i: IntArray, j: npt.NDArray[np.int64], counts: npt.NDArray[np.int64]
    ) -> tuple[FloatArray, FloatArray]:
        """Goal terms when ``counts`` (goals of mentee ``i``) is non-increasing along axis 0.

        The t-th goal only exists for a prefix of the rows, so each step touches only
        that prefix (one goal column at a time: no (..., n_goals) temporaries).
        """
        acc = np.zeros(j.shape)
        best = np.zeros(j.shape)
        dense = self._dense_cov
        lead = (slice(None),) + (None,) * (j.ndim - 1)
        for t in range(int(counts[0]) if counts.shape[0] else 0):
            rows = int(np.count_nonzero(counts > t))
            sl = slice(0, rows)
            w_t = self.goal_w[i[sl], t][lead]
            g_t = self.goal_idx[i[sl], t][lead]
            j_t = j[sl]
            cov = dense[j_t + g_t * self.n_mentors] if dense is not None else self.coverage(j_t, g_t)
            acc[sl] += w_t * cov
            if self.model.kind == "reverse":
                best[sl] = np.maximum(best[sl], np.where(w_t > 0, cov, 0.0))
        return acc, best

    def _level_fit(self, i: IntArray, j: IntArray) -> FloatArray:
        li, lj = self.mentees.level[i], self.mentors.level[j]
        # fit depends only on the signed difference: one table lookup per pair
        diff = lj.astype(np.int64) - li + self._level_span
        fit = self._level_table[np.clip(diff, 0, self._level_table.shape[0] - 1)]
        return np.where((li < 0) | (lj < 0), 0.0, fit)

    def _level_fit_of_diff(self, diff: npt.NDArray[np.int64]) -> FloatArray:
        """Level criterion as a function of mentor level minus mentee level."""
        lo, hi = self.model.level_window
        kind = self.model.kind
        d = diff if kind == "traditional" else -diff if kind == "reverse" else np.abs(diff)
        dist = np.maximum(lo - d, 0) + np.maximum(d - hi, 0)
        fit = np.power(0.5, dist.astype(np.float64))
        wrong_side = (d < 0) | ((d == 0) & (lo > 0))
        return np.where(wrong_side, 0.0, fit)

    def _shares_language(self, i: IntArray, j: IntArray) -> BoolArray:
        a, b = self.mentees.languages, self.mentors.languages
        shared = (a[i, 0] & b[j, 0]) != 0
        for w in range(1, a.shape[1]):
            shared = shared | ((a[i, w] & b[j, w]) != 0)
        return np.asarray(shared)

    def _tz_gap_minutes(self, i: IntArray, j: IntArray) -> npt.NDArray[np.int64]:
        diff = np.abs(self.mentees.utc_offset[i].astype(np.int64) - self.mentors.utc_offset[j]) % 1440
        return np.asarray(np.minimum(diff, 1440 - diff), dtype=np.int64)

    def _rules(self, i: IntArray, j: IntArray, shared: BoolArray | None = None) -> BoolArray:
        """True where the hard rules (not the must-filters) allow the pair."""
        model = self.model
        ok = np.ones(np.broadcast_shapes(i.shape, j.shape), dtype=bool)
        if model.require_shared_language:
            ok &= self._shares_language(i, j) if shared is None else shared
        if model.require_different_department:
            di = self.mentees.department[i]
            ok &= ~((di >= 0) & (di == self.mentors.department[j]))
        if model.max_tz_gap_hours is not None:
            ok &= self._tz_gap_minutes(i, j) <= model.max_tz_gap_hours * 60.0 + 1e-9
        if self._blocked.shape[0]:
            ok &= ~self._member(i * self.n_mentors + j, self._blocked)
        return ok

    def evaluate(
        self, mentee_idx: npt.ArrayLike, mentor_idx: npt.ArrayLike
    ) -> tuple[FloatArray, BoolArray, dict[str, FloatArray]]:
        """Score, allowed flag and criterion values of pairs (broadcast shapes).

        Parameters
        ----------
        mentee_idx, mentor_idx : array_like of int
            Row indices into the mentee and mentor features; broadcast together.

        Returns
        -------
        score : ndarray of float64
            Weighted mean of the criteria, in ``[0, 1]`` (also for forbidden pairs).
        allowed : ndarray of bool
            False where a hard rule or a must-filter forbids the pair.
        values : dict of str to ndarray of float64
            Value of each weighted or must criterion (others are omitted).

        Raises
        ------
        ValueError
            If an index is out of range or the shapes do not broadcast.
        """
        i, j = self._check(mentee_idx, mentor_idx)
        shape = np.broadcast_shapes(i.shape, j.shape)
        total = np.zeros(shape)
        # shared language feeds both a hard rule and a criterion: compute it once
        shared = self._shares_language(i, j)
        values: dict[str, FloatArray] = {}
        allowed = self._rules(i, j, shared)
        for name in self._needed:
            v = np.broadcast_to(self._criterion(name, i, j, shared), shape)
            values[name] = v
            if self._w[name] > 0:
                total += self._w[name] * v
            thr = self.model.threshold(name)
            if thr > 0:
                allowed &= v >= thr
        return total / self._total, allowed, values

    def criteria(self, mentee_idx: npt.ArrayLike, mentor_idx: npt.ArrayLike) -> dict[str, FloatArray]:
        """Value in ``[0, 1]`` of every criterion of :data:`CRITERIA` for each pair."""
        i, j = self._check(mentee_idx, mentor_idx)
        shape = np.broadcast_shapes(i.shape, j.shape)
        return {c: np.broadcast_to(self._criterion(c, i, j), shape).copy() for c in CRITERIA}

    def allowed(self, mentee_idx: npt.ArrayLike, mentor_idx: npt.ArrayLike) -> BoolArray:
        """True where no hard rule nor must-filter forbids the pair."""
        return self.evaluate(mentee_idx, mentor_idx)[1]

    def score(self, mentee_idx: npt.ArrayLike, mentor_idx: npt.ArrayLike) -> FloatArray:
        """Score in ``[0, 1]`` of each pair, ``-inf`` where the pair is forbidden."""
        total, allowed, _ = self.evaluate(mentee_idx, mentor_idx)
        return np.where(allowed, total, -np.inf)

    def matrix(self, *, chunk_cells: int = 1 << 22) -> FloatArray:
        """Dense ``n_mentees x n_mentors`` scores (``-inf`` = forbidden); small pools only.

        This is the exhaustive reference the candidate generator is measured against;
        use :func:`matchmaker.candidates` for large pools.
        """
        out = np.empty((self.n_mentees, self.n_mentors))
        step = max(1, chunk_cells // max(1, self.n_mentors))
        cols = np.arange(self.n_mentors)[None, :]
        for start in range(0, self.n_mentees, step):
            rows = np.arange(start, min(start + step, self.n_mentees))[:, None]
            out[start : start + rows.shape[0]] = self.score(rows, cols)
        return out


# --------------------------------------------------------------------------- explanation


@dataclass(frozen=True, slots=True)
class Contribution:
    """One criterion's part in a pair's score.

    Attributes
    ----------
    name : str
        Criterion name (see :data:`CRITERIA`).
    value : float
        Criterion value in ``[0, 1]``.
    weight : float
        Its weight in the model.
    contribution : float
        ``weight * value / total_weight``; the contributions sum to the score.
    reason : str
        Plain-words reason.
    must : bool
        Whether the criterion is a hard filter in this model.
    """

    name: str
    value: float
    weight: float
    contribution: float
    reason: str
    must: bool = False


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a pair scores what it scores.

    Attributes
    ----------
    mentee, mentor : int
        Row indices of the pair.
    score : float
        Weighted mean of the criteria (sum of the contributions).
    allowed : bool
        False when a hard rule or must-filter forbids the pair.
    blocked : tuple of str
        Reasons the pair is forbidden, e.g. ``"Blocked: same reporting line"``.
    criteria : tuple of Contribution
        One entry per criterion of :data:`CRITERIA`, in that order.
    """

    mentee: int
    mentor: int
    score: float
    allowed: bool
    blocked: tuple[str, ...]
    criteria: tuple[Contribution, ...]

    def reasons(self) -> list[str]:
        """Reasons of the weighted criteria, largest contribution first."""
        ranked = sorted((c for c in self.criteria if c.weight > 0), key=lambda c: -c.contribution)
        return [c.reason for c in ranked]


def _label(names: tuple[str, ...], idx: int, kind: str) -> str:
    return names[idx] if 0 <= idx < len(names) else f"{kind} #{idx}"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _plural(n: float, word: str) -> str:
    text = f"{n:g}"
    return f"{text} {word}" if text == "1" else f"{text} {word}s"


class _Explainer:
    def __init__(self, scorer: Scorer, i: int, j: int, labels: Labels) -> None:
        self.s, self.i, self.j, self.lab = scorer, i, j, labels
        self.a, self.b = scorer.mentees, scorer.mentors

    def _skill(self, idx: int) -> str:
        return _label(self.lab.skills, idx, "skill")

    def _expertise_word(self, e: float) -> str:
        levels = self.lab.skill_levels or ("skilled",)
        pos = int(np.ceil(e * len(levels) - 1e-9)) - 1
        return levels[min(max(pos, 0), len(levels) - 1)].capitalize()

    def _best_goal(self) -> tuple[int, int, float, int]:
        """(goal, serving skill, coverage, number of goals covered) of the best-covered goal."""
        s = self.s
        gi, gw = s.goal_idx[self.i], s.goal_w[self.i]
        best = (-1, -1, 0.0, 0)
        covered = 0
        best_term = 0.0
        rel = s.model.skill_relations
        exp = sp.csr_array(self.b.skills[[self.j]])
        skills = dict(zip(exp.indices.tolist(), exp.data.tolist(), strict=True))
        for t in range(gi.shape[0]):
            if gw[t] <= 0:
                continue
            g = int(gi[t])
            via, cov = (g, skills.get(g, 0.0))
            if rel is not None:
                row = sp.csr_array(rel[[g]])
                for s_idx, r in zip(row.indices.tolist(), row.data.tolist(), strict=True):
                    if s_idx != g and r * skills.get(s_idx, 0.0) > cov:
                        via, cov = s_idx, r * skills[s_idx]
            if cov > 0:
                covered += 1
            if gw[t] * cov > best_term:
                best_term = gw[t] * cov
                best = (g, via, cov, 0)
        return best[0], best[1], best[2], covered

    def goals(self, _value: float) -> str:
        if self.s.goal_sum[self.i] <= 0:
            return "No development goals recorded"
        g, via, _, covered = self._best_goal()
        if g < 0:
            return "No expertise in your goals"
        explicit = self.a.explicit_goals[[self.i]].toarray()[0, g] > 0
        goal = self._skill(g) + ("" if explicit else ", from your goal text")
        expertise = self.b.skills[[self.j]].toarray()[0, via]
        text = f"{self._expertise_word(float(expertise))} in {self._skill(via)} (your goal: {goal})"
        if covered > 1:
            text += f"; covers {covered} of your goals"
        return text

    def values(self, _value: float) -> str:
        shared = sorted(set(self.a.value_ids(self.i)) & set(self.b.value_ids(self.j)))
        if not shared:
            return "No shared work values"
        return "Both value " + _join([_label(self.lab.values, v, "value") for v in shared])

    def industry(self, _value: float) -> str:
        parts = []
        ind, fun = int(self.a.industry[self.i]), int(self.a.function[self.i])
        if ind >= 0 and ind == self.b.industry[self.j]:
            parts.append(f"industry ({_label(self.lab.industries, ind, 'industry')})")
        if fun >= 0 and fun == self.b.function[self.j]:
            parts.append(f"function ({_label(self.lab.functions, fun, 'function')})")
        if ind < 0 and fun < 0:
            return "Industry and function unknown"
        return "Same " + " and ".join(parts) if parts else "Different industry and function"

    def level(self, value: float) -> str:
        li, lj = int(self.a.level[self.i]), int(self.b.level[self.j])
        if li < 0 or lj < 0:
            return "Career level unknown"
        lo, hi = self.s.model.level_window
        diff = lj - li
        if diff == 0:
            text = "Same career level"
        else:
            text = _plural(abs(diff), "level") + (" more senior" if diff > 0 else " more junior")
        kind = self.s.model.kind
        d = diff if kind == "traditional" else -diff if kind == "reverse" else abs(diff)
        if value == 0 and kind != "peer" and d <= 0:
            want = "above" if kind == "traditional" else "below"
            text += f" (a mentor {want} you is wanted)"
        elif not lo <= d <= hi:
            text += f" (preferred gap {lo}-{hi})" if lo != hi else f" (preferred gap {lo})"
        if kind == "reverse" and value > 0:
            g, via, cov, _ = self._best_goal()
            if g >= 0:
                skill, goal = self._skill(via), self._skill(g)
                text += f", {self._expertise_word(cov).lower()} in {skill} (your goal: {goal})"
        return text

    def timezone(self, _value: float) -> str:
        slots = int(np.bitwise_count(self.a.hours[self.i] & self.b.hours[self.j]))
        if slots == 0:
            return "No working hours overlap"
        return f"{_plural(slots / 2, 'working hour')} overlap"

    def availability(self, _value: float) -> str:
        shared = int(self.a.formats[self.i] & self.b.formats[self.j])
        names = [FORMATS[k] for k in range(len(FORMATS)) if shared >> k & 1]
        text = "Both meet by " + " or ".join(names) if names else "No shared meeting format"
        want, offer = float(self.a.hours_per_month[self.i]), float(self.b.hours_per_month[self.j])
        if want > 0:
            text += f"; offers {offer:g} h/month (you want {want:g})"
        elif offer > 0:
            text += f"; offers {offer:g} h/month"
        return text

    def language(self, _value: float) -> str:
        shared = sorted(set(self.a.language_ids(self.i)) & set(self.b.language_ids(self.j)))
        if not shared:
            return "No shared language"
        prim = int(self.a.primary_language[self.i])
        shared.sort(key=lambda x: x != prim)  # first language first
        return "Speaks " + _join([_label(self.lab.languages, x, "language") for x in shared]) + " with you"

    def preferences(self, value: float) -> str:
        if value >= 1.0:
            return "You asked for this mentor"
        if value <= 0.0:
            return "You asked to avoid this mentor"
        return "No stated preference"

    def blocked(self, values: dict[str, float]) -> list[str]:
        s, model, i, j = self.s, self.s.model, self.i, self.j
        key = np.asarray([i * s.n_mentors + j], dtype=np.int64)
        out = []
        ii, jj = np.asarray([i]), np.asarray([j])
        if s._member(key, s._same)[0]:
            out.append("Blocked: same person")
        if model.require_shared_language and not s._shares_language(ii, jj)[0]:
            out.append("Blocked: no shared language")
        if s._member(key, s._line)[0]:
            out.append("Blocked: same reporting line")
        if model.require_different_department:
            d = int(self.a.department[i])
            if d >= 0 and d == self.b.department[j]:
                out.append("Blocked: same department")
        if s._member(key, s._excluded)[0]:
            out.append("Blocked: matched or declined before")
        if s._member(key, s._avoided)[0]:
            out.append("Blocked: you asked to avoid this mentor")
        if model.max_tz_gap_hours is not None:
            gap = float(s._tz_gap_minutes(ii, jj)[0]) / 60.0
            if gap > model.max_tz_gap_hours + 1e-9:
                out.append(f"Blocked: time zones {gap:g} h apart (at most {model.max_tz_gap_hours:g})")
        for name in CRITERIA:
            thr = model.threshold(name)
            if thr > 0 and values[name] < thr:
                out.append(f"Blocked: {name} is a must and scores {values[name]:.2f} (needs {thr:g})")
        return out


def explain(
    model: ScoreModel | Scorer,
    mentees: PeopleFeatures | None = None,
    mentors: PeopleFeatures | None = None,
    mentee: int = 0,
    mentor: int = 0,
    *,
    labels: Labels | None = None,
) -> Explanation:
    """Per-criterion contributions and plain-words reasons for one pair.

    Parameters
    ----------
    model : ScoreModel or Scorer
        The score model (or a prepared :class:`Scorer`, to explain many pairs cheaply;
        then ``mentees`` and ``mentors`` may be omitted).
    mentees, mentors : PeopleFeatures
        The two sides.
    mentee, mentor : int
        Row indices of the pair.
    labels : Labels, optional
        Taxonomy names used in the reasons.

    Returns
    -------
    Explanation
        Its ``score`` equals :meth:`Scorer.evaluate` for the same pair, and the
        contributions sum to it.

    Raises
    ------
    ValueError
        If an index is out of range or the features are missing.

    Notes
    -----
    Reasons read like "Both value Integrity and Growth", "Expert in Team leadership (your
    goal: People management)", "2 levels more senior", "3 working hours overlap",
    "Speaks English and Spanish with you", and, for a forbidden pair,
    "Blocked: same reporting line".

    References
    ----------
    .. [1] Ribeiro, Singh, Guestrin, "Why should I trust you?: Explaining the predictions
       of any classifier", KDD 2016 (additive per-feature explanations).

    Examples
    --------
    >>> from matchmaker import people_features
    >>> a = people_features([1], n_skills=1, goals=[[0]], values=[[0, 1]],
    ...                     languages=[[0]], level=[1])
    >>> b = people_features([2], n_skills=1, skills=[{0: 4}], values=[[0, 1]],
    ...                     languages=[[0]], level=[3])
    >>> ex = explain(ScoreModel(), a, b, 0, 0,
    ...              labels=Labels(skills=("Public speaking",), values=("Integrity", "Growth")))
    >>> ex.criteria[1].reason
    'Both value Integrity and Growth'
    >>> ex.criteria[3].reason
    '2 levels more senior'
    """
    if isinstance(model, Scorer):
        scorer = model
    else:
        if mentees is None or mentors is None:
            raise ValueError("mentees and mentors are required with a ScoreModel")
        scorer = Scorer(model, mentees, mentors)
    i = check_int(mentee, "mentee", maximum=scorer.n_mentees - 1)
    j = check_int(mentor, "mentor", maximum=scorer.n_mentors - 1)
    total, allowed, _ = scorer.evaluate(np.asarray([i]), np.asarray([j]))
    values = {c: float(v[0]) for c, v in scorer.criteria(np.asarray([i]), np.asarray([j])).items()}
    ex = _Explainer(scorer, i, j, labels or Labels())
    tw = scorer.model.total_weight
    contributions = []
    for c in CRITERIA:
        w = float(scorer.model.weights[c])
        reason: str = getattr(ex, c)(values[c])
        contributions.append(
            Contribution(c, values[c], w, w * values[c] / tw, reason, c in scorer.model.must)
        )
    return Explanation(
        mentee=i,
        mentor=j,
        score=float(total[0]),
        allowed=bool(allowed[0]),
        blocked=tuple(ex.blocked(values)),
        criteria=tuple(contributions),
    )
