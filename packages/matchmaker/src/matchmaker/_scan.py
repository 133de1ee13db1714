"""Exact pricing over every pair: a compiled scan of an upper bound of each pair's score.

Given the duals of a solve (mentee profit ``u``, mentor price ``v``), a pair left out can
improve the assignment only if its score exceeds ``u_i + v_j``. Finding *every* such pair
proves the assignment optimal over the whole pool when none is left, however the first
candidates were chosen. Scoring all pairs exactly with :class:`~matchmaker.Scorer`
costs ~200 ns a pair in NumPy; this scan costs a few: per mentee, one pass over all
mentors adds

- the goal part, from the coverage table goal by goal (only the mentors covering one
  of the mentee's goals are touched),
- the work-values Dice overlap (a popcount),
- the other criteria from small tables indexed by (mentee class, mentor class): a
  criterion reads few attributes (level, working-hours mask, meeting formats and hours,
  languages, industry and function), so the distinct values on each side are few and
  the table is filled once by the scorer's own code on one representative per class.

The tables and the first word of work values are summed in one loop over the mentors,
on unsigned indices (a signed index makes the compiler guard every lookup against
negative indices, which doubles the time of the lookups).

Hard rules and must-filters are left out except the shared-language rule (a table entry
of ``-inf``); the reverse kind's level criterion is bounded by its level-window factor
(its expertise factor is at most 1), and preferences by the mentee's best. So the scan's
value is an upper bound of the exact score (equal to it up to rounding for most pairs),
the pairs it flags are a superset of those that price out, and the caller checks them
with :meth:`~matchmaker.Scorer.evaluate`.
"""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import NamedTuple

import numba
import numpy as np
import numpy.typing as npt

from matchmaker._candidate_kernels import _popcount, largest
from matchmaker._scoring import Scorer

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# Rounding room between the scan's sums and Scorer.evaluate's (a few ulps of a value
# in [0, 1]); the scan flags a pair this much before it prices out.
_SLACK = 1e-9
# A criterion whose class table would hold more entries is bounded by its weight.
_TABLE_MAX = 1 << 20
# The kernel reads exactly this many class tables, one per tabled criterion (industry,
# level, time zone, availability, language); a criterion left out reads a table of 0.
_TABLES = 5
_ROWS_PER_JOB = 512


@dataclass(frozen=True, slots=True)
class PairBound:
    """Per-pair score bound of a :class:`Scorer`, in the arrays the scan kernel reads."""

    goal_idx: IntArray  # (n, G) the mentee's goals, strongest first
    goal_w: FloatArray  # (n, G) goal weight x w_goals / (total weight x goal sum)
    cov_ptr: IntArray  # (n_skills + 1,) each goal's run in cov_mentor / cov_value
    cov_mentor: npt.NDArray[np.uint32]  # the mentors covering each goal, goal by goal
    cov_value: npt.NDArray[np.float32]  # their coverage of it
    a_values: npt.NDArray[np.uint64]  # (n, words), at least one word
    a_nv: IntArray  # values held by each mentee
    b_values: npt.NDArray[np.uint64]  # (words, m)
    b_nv: npt.NDArray[np.uint32]
    values_w: float  # w_values / total weight
    a_rows: npt.NDArray[np.uint32]  # (n, _TABLES) start of each mentee's row of each table in ``flat``
    b_cls: npt.NDArray[np.uint32]  # (_TABLES, m) each mentor's column in each class table
    flat: FloatArray  # the class tables, row-major, one after the other
    mentee_const: FloatArray  # (n,) the preferences bound

    @classmethod
    def of(cls, scorer: Scorer) -> PairBound:
        """The bound of ``scorer``'s pairs (class tables, coverage goal by goal)."""
        # the coverage table goal by goal: who covers each goal, and how well
        n_sk = scorer.mentors.n_skills
        mentor_of, goal_of = scorer.cov_keys // n_sk, scorer.cov_keys % n_sk
        by_goal = np.argsort(goal_of * scorer.n_mentors + mentor_of, kind="stable")
        goal_of = goal_of[by_goal]
        a, b, w, total = scorer.mentees, scorer.mentors, scorer._w, scorer._total
        n, m = scorer.n_mentees, scorer.n_mentors
        gsum = np.where(scorer.goal_sum > 0, scorer.goal_sum, 1.0)
        tables: list[tuple[IntArray, IntArray, FloatArray]] = []
        for name, (mentee_cols, mentor_cols) in _class_attributes(scorer).items():
            if w[name] <= 0 and not (name == "language" and scorer.model.require_shared_language):
                continue
            a_cls, a_rep = _classes(mentee_cols)
            b_cls, b_rep = _classes(mentor_cols)
            ii, jj = a_rep[:, None], b_rep[None, :]
            if a_rep.shape[0] * b_rep.shape[0] > _TABLE_MAX:
                # too many classes: the criterion's largest value (1) for every pair
                tables.append(
                    (np.zeros(n, np.int64), np.zeros(m, np.int64), np.full((1, 1), w[name] / total))
                )
                continue
            # level: the window factor alone (the reverse kind's expertise factor is <= 1)
            value = scorer._level_fit(ii, jj) if name == "level" else scorer._criterion(name, ii, jj)
            table = w[name] / total * np.asarray(value, dtype=np.float64)
            if name == "language" and scorer.model.require_shared_language:
                table = np.where(scorer._shares_language(ii, jj), table, -np.inf)
            tables.append((a_cls, b_cls, table))
        while len(tables) < _TABLES:
            tables.append((np.zeros(n, np.int64), np.zeros(m, np.int64), np.zeros((1, 1))))
        offsets = np.cumsum([0] + [t.size for _, _, t in tables])
        a_rows = np.zeros((n, _TABLES), dtype=np.uint32)
        b_cols = np.zeros((m, _TABLES), dtype=np.uint32)
        for c, (a_cls, b_cls, table) in enumerate(tables):
            a_rows[:, c] = offsets[c] + a_cls * table.shape[1]
            b_cols[:, c] = b_cls
        flat = np.concatenate([t.ravel() for _, _, t in tables])
        a_words, b_words = a.values, b.values
        if a_words.shape[1] == 0:  # (no work values: one word of none, so the loop reads one)
            a_words, b_words = np.zeros((n, 1), np.uint64), np.zeros((m, 1), np.uint64)
        pref = np.full(n, 0.5)
        if scorer._preferred.shape[0]:
            pref[scorer._preferred // m] = 1.0
        return cls(
            goal_idx=np.ascontiguousarray(scorer.goal_idx),
            goal_w=np.ascontiguousarray(scorer.goal_w * (w["goals"] / total) / gsum[:, None]),
            cov_ptr=np.searchsorted(goal_of, np.arange(n_sk + 1)).astype(np.int64),
            cov_mentor=np.ascontiguousarray(mentor_of[by_goal], dtype=np.uint32),
            cov_value=np.ascontiguousarray(scorer.cov_vals[by_goal], dtype=np.float32),
            a_values=np.ascontiguousarray(a_words, dtype=np.uint64),
            a_nv=scorer._vals_i.astype(np.int64),
            b_values=np.ascontiguousarray(b_words.T, dtype=np.uint64),
            b_nv=scorer._vals_j.astype(np.uint32),
            values_w=w["values"] / total,
            a_rows=a_rows,
            b_cls=np.ascontiguousarray(b_cols.T),
            flat=np.ascontiguousarray(flat, dtype=np.float64),
            mentee_const=w["preferences"] / total * pref,
        )

    def permuted(self, order: IntArray) -> PairBound:
        """The same bound with the mentors renumbered: new mentor ``t`` is ``order[t]``.

        The coverage runs stay sorted by (new) mentor, so a scan of the first mentors
        of the new order stops reading each run at its first mentor past them.
        """
        new_index = np.empty(order.shape[0], dtype=np.int64)
        new_index[order] = np.arange(order.shape[0])
        mentor = new_index[self.cov_mentor]
        goal = np.repeat(np.arange(self.cov_ptr.shape[0] - 1), np.diff(self.cov_ptr))
        by_goal = np.lexsort((mentor, goal))
        return dataclasses.replace(
            self,
            cov_mentor=np.ascontiguousarray(mentor[by_goal], dtype=np.uint32),
            cov_value=np.ascontiguousarray(self.cov_value[by_goal]),
            b_values=np.ascontiguousarray(self.b_values[:, order]),
            b_nv=np.ascontiguousarray(self.b_nv[order]),
            b_cls=np.ascontiguousarray(self.b_cls[:, order]),
        )

    def flag(
        self,
        profit: FloatArray,
        price: FloatArray,
        *,
        gain: float,
        per_row: int,
        n_threads: int = 1,
        stop: IntArray | None = None,
    ) -> Flags:
        """Pairs whose bound exceeds ``profit[i] + price[j] + gain`` (less the rounding slack).

        At most ``per_row`` per mentee, the largest bound gains first. Mentees with an
        infinite profit are skipped; with ``stop``, mentee ``i`` is scanned against the
        first ``stop[i]`` mentors only (every mentor by default). Rows are scanned in
        jobs of :data:`_ROWS_PER_JOB` on ``n_threads`` threads (the kernel releases the GIL).
        """
        if per_row < 1:  # (the kernel selects among the hits beyond the kept ones)
            raise ValueError("per_row must be at least 1")
        m = self.b_nv.shape[0]
        stop = np.full(profit.shape[0], m, dtype=np.int64) if stop is None else stop.astype(np.int64)
        rows = np.flatnonzero(np.isfinite(profit) & (stop > 0))
        jobs = [rows[s : s + _ROWS_PER_JOB] for s in range(0, rows.shape[0], _ROWS_PER_JOB)]
        threshold = profit + (gain - _SLACK)

        def run(chunk: IntArray) -> Flags:
            out = np.empty((chunk.shape[0], per_row), np.int64)
            counts = np.empty(chunk.shape[0], np.int64)
            rest = np.empty(chunk.shape[0])
            bound_scan(
                chunk, stop, self.goal_idx, self.goal_w, self.cov_ptr, self.cov_mentor, self.cov_value,
                self.a_values, self.a_nv,
                self.b_values, self.b_nv, self.values_w, self.a_rows, self.b_cls, self.flat,
                self.mentee_const, threshold, price, out, counts, rest,
            )  # fmt: skip
            kept = np.minimum(counts, per_row)
            r, c = np.nonzero(np.arange(per_row)[None, :] < kept[:, None])
            over = counts > per_row
            return Flags(chunk[r], out[r, c], chunk[over], rest[over] + (gain - _SLACK))

        if not jobs:
            empty = np.zeros(0, np.int64)
            return Flags(empty, empty, empty, np.zeros(0))
        with ThreadPoolExecutor(max_workers=max(1, n_threads)) as ex:
            found = list(ex.map(run, jobs))
        return Flags(*(np.concatenate([f[x] for f in found]) for x in range(len(Flags._fields))))


class Flags(NamedTuple):
    """What :meth:`PairBound.flag` found: the kept flagged pairs, and the mentees that had
    more flags than were kept, with the largest bound gain of a flag left out
    (``bound - price[j] - profit[i]``)."""

    mentee: IntArray
    mentor: IntArray
    over: IntArray
    over_rest: FloatArray


def _class_attributes(scorer: Scorer) -> dict[str, tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]]:
    """The attributes each tabled criterion reads, per side (one row per person)."""
    a, b = scorer.mentees, scorer.mentors

    def cols(*arrays: npt.ArrayLike) -> npt.NDArray[np.float64]:
        return np.column_stack(
            [np.asarray(x).reshape(len(np.asarray(x)), -1).astype(np.float64) for x in arrays]
        )

    return {
        "industry": (cols(a.industry, a.function), cols(b.industry, b.function)),
        "level": (cols(a.level), cols(b.level)),
        "timezone": (cols(a.hours), cols(b.hours)),
        "availability": (cols(a.formats, a.hours_per_month), cols(b.formats, b.hours_per_month)),
        "language": (cols(a.primary_language, a.languages), cols(b.languages)),
    }


def _classes(attributes: npt.NDArray[np.float64]) -> tuple[IntArray, IntArray]:
    """Class of each row (rows with equal attributes share one) and a representative row per class.

    Column by column, the class so far and the column's rank combine into one integer
    key that is ranked again (sorting rows as a whole, ``np.unique(axis=0)``, is ~10x
    slower on 100,000 rows).
    """
    key = np.zeros(attributes.shape[0], dtype=np.int64)
    for col in attributes.T:
        distinct, rank = _dense_rank(col)
        key = _dense_rank(key * distinct + rank)[1]
    order = np.argsort(key, kind="stable")
    first = order[np.r_[True, key[order][1:] != key[order][:-1]]] if key.shape[0] else order
    return key, first.astype(np.int64)


def _dense_rank(values: npt.NDArray[np.generic]) -> tuple[int, IntArray]:
    """Number of distinct values and each value's rank among them (by sorting)."""
    if values.shape[0] == 0:
        return 0, np.zeros(0, dtype=np.int64)
    order = np.argsort(values, kind="stable")
    ranked = values[order]
    new = np.r_[False, ranked[1:] != ranked[:-1]]
    rank = np.empty(values.shape[0], dtype=np.int64)
    rank[order] = np.cumsum(new)
    return int(rank[order[-1]]) + 1, rank


@numba.njit(cache=True, nogil=True)
def bound_scan(  # noqa: PLR0917 - a numba kernel takes its arrays positionally
    rows: IntArray,
    stop_of: IntArray,
    goal_idx: IntArray,
    goal_w: FloatArray,
    cov_ptr: IntArray,
    cov_mentor: npt.NDArray[np.uint32],
    cov_value: npt.NDArray[np.float32],
    a_values: npt.NDArray[np.uint64],
    a_nv: IntArray,
    b_values: npt.NDArray[np.uint64],
    b_nv: npt.NDArray[np.uint32],
    values_w: float,
    a_rows: npt.NDArray[np.uint32],
    b_cls: npt.NDArray[np.uint32],
    flat: FloatArray,
    mentee_const: FloatArray,
    threshold: FloatArray,
    price: FloatArray,
    out: IntArray,
    counts: IntArray,
    rest: FloatArray,
) -> None:
    """For each ``r = rows[x]``, the mentors ``j < stop_of[r]`` whose bound minus
    ``price[j]`` exceeds ``threshold[r]``: how many in ``counts[x]``, in ``out[x]`` the
    ones with the largest excess, as many as ``out`` has columns (ties broken by mentor
    index), and in ``rest[x]`` the largest excess of those left out (``-inf`` if none)."""
    m = b_nv.shape[0]
    cap = out.shape[1]
    n_words = a_values.shape[1]
    max_nv = 0
    for j in range(m):
        max_nv = max(max_nv, b_nv[j])
    buf = np.empty(m)
    hit_j = np.empty(m, np.int64)
    hit_v = np.empty(m)
    scratch = np.empty(m)
    chosen = np.empty(m, np.int64)
    dice = np.empty(max_nv + 1)  # 2 w_values / (|A| + |B|) by |B|
    col0, col1, col2, col3, col4 = b_cls[0], b_cls[1], b_cls[2], b_cls[3], b_cls[4]
    first_word = b_values[0]
    for x in range(rows.shape[0]):
        r = rows[x]
        stop = np.uint32(max(0, min(stop_of[r], m)))
        for v in range(max_nv + 1):
            den = a_nv[r] + v
            dice[v] = 2.0 * values_w / den if den > 0 else 0.0
        row0, row1, row2, row3, row4 = a_rows[r, 0], a_rows[r, 1], a_rows[r, 2], a_rows[r, 3], a_rows[r, 4]
        held = a_values[r, 0]
        base = mentee_const[r]
        for j in range(stop):
            buf[j] = (
                base
                + flat[row0 + col0[j]]
                + flat[row1 + col1[j]]
                + flat[row2 + col2[j]]
                + flat[row3 + col3[j]]
                + flat[row4 + col4[j]]
                + dice[b_nv[j]] * np.float64(_popcount(held & first_word[j]))
            )
        for word in range(1, n_words):  # (more than 64 work values)
            held = a_values[r, word]
            theirs = b_values[word]
            for j in range(stop):
                buf[j] += dice[b_nv[j]] * np.float64(_popcount(held & theirs[j]))
        for t in range(goal_idx.shape[1]):
            w = goal_w[r, t]
            if w == 0.0:
                continue
            g = goal_idx[r, t]
            for p in range(cov_ptr[g], cov_ptr[g + 1]):
                mentor = cov_mentor[p]
                if mentor >= stop:
                    break  # (each goal's run is sorted by mentor)
                buf[mentor] += w * np.float64(cov_value[p])
        limit = threshold[r]
        n_hit = 0
        for j in range(stop):
            excess = buf[j] - price[j] - limit
            if excess > 0.0:
                hit_j[n_hit] = j
                hit_v[n_hit] = excess
                n_hit += 1
        counts[x] = n_hit
        rest[x] = largest(hit_v, n_hit, cap, scratch, chosen)
        for h in range(min(n_hit, cap)):
            out[x, h] = hit_j[chosen[h]]
