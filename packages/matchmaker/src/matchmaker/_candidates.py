"""Candidate generation: a sparse set of good, allowed pairs without an N x M matrix.

Each side is indexed in sorted lists (per language block, goal skill and work value,
ordered by career level and UTC offset). Every mentee reads a few hundred mentors from
windows of those lists around its ideal partner, ranks them with a cheap proxy of the
score, scores the best part exactly with :class:`~matchmaker.Scorer` (so candidate
scores equal full scoring), drops forbidden pairs and keeps its best ``k``; every mentor
does the same towards mentees. The union is the candidate graph.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from matchmaker._candidate_kernels import N_TZ, best_per_group, csr_of_pairs, fill_family, shortlist
from matchmaker._features import PeopleFeatures
from matchmaker._scan import _SLACK, PairBound
from matchmaker._scoring import ScoreModel, Scorer
from matchmaker._validation import check_int

__all__ = ["candidates"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

_LEVEL_WINDOWS = 3  # at most this many partner levels are probed per list
_FACET_VALUES = 3  # the first three work values (and their pairs) of each person are indexed
# partner-level windows per list, by family (more windows: better level coverage, more searches)
_WINDOWS = {"goal_pair": 1, "goal": 3, "value": 1, "near": 3}
_SEG_TABLE_MAX = 1 << 22  # possible segments (language blocks x goals x value keys) for a direct table
# a left-out pair must beat the duals by more than this (score units) to be worth adding:
# smaller gains are rounding noise of the solver's integer weights
_PRICED_OUT = 1e-9
# flagged pairs the pricing scan keeps per mentee, in multiples of max(k, mentor_k); fewer
# when near misses are flagged too (to build a cover): the bound of those left out covers them
_SCAN_PER_ROW = 4
_COVER_PER_ROW = 2
# Probes per person at most: a chunk of probers holds chunk_rows x probes x ~200 bytes.
_MAX_PROBES = 4096


@dataclass(frozen=True, slots=True)
class _Side:
    """What the index needs to know about one side of the pool."""

    level: IntArray  # career level + 1 (0 = unknown), or all 0 when level is not weighted
    tz: IntArray  # UTC offset in half hours (shifted), or all 0 when time zone is not weighted
    values: npt.NDArray[np.uint64]
    n_values: int
    languages: npt.NDArray[np.uint64]
    n_languages: int
    primary: IntArray


def _side(people: PeopleFeatures, *, use_level: bool, use_tz: bool, use_language: bool) -> _Side:
    level = np.maximum(people.level.astype(np.int64), -1) + 1
    tz = np.clip((people.utc_offset.astype(np.int64) + 720) // 30, 0, N_TZ - 1)
    if use_language:
        languages, n_languages = people.languages, people.n_languages
        primary = people.primary_language.astype(np.int64)
    else:
        # no shared-language rule: one block with everybody (unknown languages included)
        languages, n_languages = np.ones((people.n, 1), dtype=np.uint64), 1
        primary = np.zeros(people.n, dtype=np.int64)
    return _Side(
        level=level if use_level else np.zeros_like(level),
        tz=tz if use_tz else np.zeros_like(tz),
        values=people.values,
        n_values=people.n_values,
        languages=languages,
        n_languages=n_languages,
        primary=primary,
    )


@dataclass(frozen=True, slots=True)
class _Index:
    """Sorted lists of one side per (language block, goal skill, work value).

    The goal and the value may each be "any" (``n_skills`` / ``n_values``). Inside a
    list, entries are sorted by career level, then UTC offset, then a seeded random key,
    so one (level, offset range) cell is a contiguous run.
    """

    keys: IntArray  # (segment * n_levels + level) * N_TZ + tz
    people: IntArray  # row index of each entry
    strength: npt.NDArray[np.float32]  # coverage of the list's goal (or goal weight); 0 for "any"
    seg_ids: IntArray  # the segments that exist, sorted
    seg_ptr: IntArray  # entries of the s-th existing segment are seg_ptr[s]:seg_ptr[s+1]
    seg_table: IntArray  # entries of segment s are seg_table[s]:seg_table[s+1] (empty: too many)
    block_of_lang: IntArray  # language id -> block id (-1: nobody indexed speaks it)
    n_goal_keys: int  # n_skills + 1
    n_values: int
    n_levels: int

    @property
    def n_value_keys(self) -> int:
        """Single values, value pairs, and "any"."""
        return self.n_values + self.n_values * (self.n_values - 1) // 2 + 1

    @property
    def any_value(self) -> int:
        return self.n_value_keys - 1

    def segment(self, block: npt.ArrayLike, goal: npt.ArrayLike, value: npt.ArrayLike) -> IntArray:
        return np.asarray(
            (np.asarray(block) * self.n_goal_keys + goal) * self.n_value_keys + np.asarray(value), np.int64
        )

    def bounds(self, seg: IntArray) -> tuple[IntArray, IntArray]:
        """Entry range of each segment (empty when it does not exist)."""
        if self.seg_ids.shape[0] == 0:
            return np.zeros(seg.shape, np.int64), np.zeros(seg.shape, np.int64)
        pos = np.minimum(np.searchsorted(self.seg_ids, seg), self.seg_ids.shape[0] - 1)
        there = self.seg_ids[pos] == seg
        return np.where(there, self.seg_ptr[pos], 0), np.where(there, self.seg_ptr[pos + 1], 0)


def _pair_key(n_val: int, u: IntArray, v: IntArray) -> IntArray:
    """Value-key of the unordered pair of distinct values ``u < v``."""
    return n_val + u * (2 * n_val - u - 1) // 2 + (v - u - 1)


def _bit_rows(bits: npt.NDArray[np.uint64], size: int) -> list[IntArray]:
    """For each bit id below ``size``, the rows whose bitset contains it."""
    return [np.flatnonzero((bits[:, v // 64] >> np.uint64(v % 64)) & np.uint64(1)) for v in range(size)]


def _expand(owner: IntArray, n: int, items_owner: IntArray, items: IntArray) -> tuple[IntArray, IntArray]:
    """Cross each entry (by ``owner`` row) with the items of that row: (entry, item)."""
    by = np.argsort(items_owner, kind="stable")
    items_owner, items = items_owner[by], items[by]
    ptr = np.searchsorted(items_owner, np.arange(n + 1))
    reps = (ptr[1:] - ptr[:-1])[owner]
    within = np.arange(int(reps.sum())) - np.repeat(np.cumsum(reps) - reps, reps)
    entry = np.repeat(np.arange(owner.shape[0]), reps)
    return entry, items[np.repeat(ptr[owner], reps) + within]


def _build_index(
    side: _Side,
    e_x: IntArray,
    e_g: IntArray,
    e_strength: FloatArray,
    *,
    n_sk: int,
    use_values: bool,
    cross: bool,
    rng: np.random.Generator,
) -> _Index:
    """Index the people of ``side`` by their (person, goal skill, strength) entries.

    Lists: per goal skill, per work value and value pair (goal "any"), everyone (both
    "any"), and with ``cross`` also per (goal skill, value pair).
    """
    n_x = side.level.shape[0]
    n_val = side.n_values
    n_levels = int(side.level.max(initial=0)) + 1
    any_v = n_val + n_val * (n_val - 1) // 2
    v_x_parts, v_v_parts = [np.arange(n_x)], [np.full(n_x, any_v)]
    if use_values:
        # facets: each held value, and each pair of held values (a pair list holds the
        # people sharing two of the prober's values: Dice 2/3 and up for 3-value sets)
        firsts, first_ok = _first_values(side, np.arange(n_x), use_values=True, count=_FACET_VALUES)
        for c in range(_FACET_VALUES):
            ok = first_ok[:, c]
            v_x_parts.append(np.flatnonzero(ok))
            v_v_parts.append(firsts[ok, c])
            for d in range(c + 1, _FACET_VALUES):
                ok2 = ok & first_ok[:, d]
                v_x_parts.append(np.flatnonzero(ok2))
                v_v_parts.append(_pair_key(n_val, firsts[ok2, c], firsts[ok2, d]))
    v_x, v_v = np.concatenate(v_x_parts), np.concatenate(v_v_parts)
    if cross:
        # every goal entry x (its value pairs + "any"); single values are not crossed:
        # their lists only duplicated what the pair and goal lists find
        paired = v_v >= n_val
        ent, val = _expand(e_x, n_x, v_x[paired], v_v[paired])
        x, g, st = e_x[ent], e_g[ent], e_strength[ent]
    else:
        x, g, st, val = e_x, e_g, e_strength, np.full(e_x.shape[0], any_v)
    # plus the value lists and the "everyone" list (goal "any", strength 0)
    x = np.concatenate([x, v_x])
    g = np.concatenate([g, np.full(v_x.shape[0], n_sk)])
    st = np.concatenate([st, np.zeros(v_x.shape[0])])
    val = np.concatenate([val, v_v])

    # language blocks: every entry is repeated once per language its person speaks
    speakers = _bit_rows(side.languages, side.n_languages)
    blocks = [lang for lang, rows in enumerate(speakers) if rows.shape[0] > 0]
    block_of_lang = np.full(side.n_languages, -1, dtype=np.int64)
    block_of_lang[blocks] = np.arange(len(blocks))
    if blocks:
        l_x = np.concatenate([speakers[lang] for lang in blocks])
        l_b = np.concatenate([np.full(speakers[lang].shape[0], b) for b, lang in enumerate(blocks)])
    else:
        l_x = l_b = np.zeros(0, np.int64)
    ent, blk = _expand(x, n_x, l_x, l_b)
    x, g, st, val = x[ent], g[ent], st[ent], val[ent]

    n_seg = max(1, len(blocks)) * (n_sk + 1) * (any_v + 1)
    seg = (blk * (n_sk + 1) + g) * (any_v + 1) + val
    keys = (seg * n_levels + side.level[x]) * N_TZ + side.tz[x]
    # one int64 sort: the key in the high bits, a seeded random tie-break in the low bits
    span = n_seg * n_levels * N_TZ
    rbits = max(0, min(20, 62 - int(span).bit_length()))
    packed = (keys << rbits) | rng.integers(0, 1 << rbits, keys.shape[0], dtype=np.int64) if rbits else keys
    order = np.argsort(packed)
    seg = seg[order]
    first = np.ones(seg.shape[0], dtype=bool)
    first[1:] = seg[1:] != seg[:-1]
    starts = np.flatnonzero(first)
    seg_ptr = np.append(starts, seg.shape[0]).astype(np.int64)
    # a direct table of every possible segment's range, when small: one lookup per probe
    # window instead of a binary search over the segments that exist
    seg_table = (
        np.searchsorted(seg, np.arange(n_seg + 1)) if n_seg <= _SEG_TABLE_MAX else np.zeros(0, np.int64)
    )
    return _Index(
        keys[order], x[order], st[order].astype(np.float32), seg[starts], seg_ptr, seg_table, block_of_lang,
        n_sk + 1, n_val, n_levels,
    )  # fmt: skip


def _blocks(index: _Index, prober: _Side) -> tuple[IntArray, IntArray]:
    """Per prober: the widest language block it can use, and its first-language block."""
    n_blocks = index.block_of_lang.shape[0]
    lo, hi = index.bounds(index.segment(np.arange(n_blocks), index.n_goal_keys - 1, index.any_value))
    sizes = hi - lo
    n = prober.primary.shape[0]
    widest = np.full(n, -1, dtype=np.int64)
    best = np.full(n, -1, dtype=np.int64)
    for lang, rows in enumerate(
        _bit_rows(prober.languages, min(prober.n_languages, index.block_of_lang.shape[0]))
    ):
        blk = index.block_of_lang[lang]
        if rows.shape[0] == 0 or blk < 0:
            continue
        better = sizes[blk] > best[rows]
        widest[rows[better]] = blk
        best[rows[better]] = sizes[blk]
    prim = prober.primary
    ok = (prim >= 0) & (prim < index.block_of_lang.shape[0])
    primary = np.where(ok, index.block_of_lang[np.where(ok, prim, 0)], -1)
    return widest, np.where(primary >= 0, primary, widest)


def _family(
    index: _Index,
    seg: IntArray,
    valid: BoolArray,
    gfac: FloatArray,
    out: tuple[IntArray, FloatArray, int],
    *,
    budget: int,
    lvl_lo: IntArray,
    lvl_hi: IntArray,
    tz: IntArray,
    rng: np.random.Generator,
    n_windows: int = _LEVEL_WINDOWS,
) -> None:
    """``budget`` probes per row, spread round-robin over its (list, partner level) windows.

    A window's target cell is the run of a list's entries at one partner level with a
    UTC offset within reach of the prober's. A cell larger than the window gives a
    random part of itself (spreading probers over equivalent people, so popular mentors
    are not probed by everyone); a smaller one is read whole and the window widens into
    the list's neighbouring entries (next time zones and levels: near misses). Writes
    the people found (``-1`` = empty slot) and, per slot, ``strength * gfac`` (the goal
    part of the proxy) into ``out`` = (pool, goal part, first column).
    """
    pool, goal_part, col0 = out
    if budget <= 0:
        return
    b, n_lists = seg.shape
    rand = rng.random((b, n_lists * n_windows))
    fill_family(
        index.keys, index.people, index.strength, index.seg_ids, index.seg_ptr, index.seg_table,
        index.n_levels, seg, valid, gfac, lvl_lo, lvl_hi, tz, n_windows, rand, pool, goal_part, col0, budget,
    )  # fmt: skip


def _first_values(
    prober: _Side, rows: IntArray, *, use_values: bool, count: int = 3
) -> tuple[IntArray, BoolArray]:
    """The first ``count`` work values of each prober (``n_values`` = none)."""
    b = rows.shape[0]
    any_v = prober.n_values
    if not use_values:
        return np.zeros((b, 0), dtype=np.int64), np.zeros((b, 0), dtype=bool)
    vb = prober.values[rows]
    vals = np.full((b, count), any_v, dtype=np.int64)
    cnt = np.zeros(b, dtype=np.int64)
    for v in range(any_v):
        has = ((vb[:, v // 64] >> np.uint64(v % 64)) & np.uint64(1)).astype(bool) & (cnt < count)
        vals[has, cnt[has]] = v
        cnt += has
    return vals, np.arange(count)[None, :] < cnt[:, None]


def _probe(
    index: _Index,
    prober: _Side,
    rows: IntArray,
    *,
    goals: IntArray,
    goal_fac: FloatArray,
    lvl_lo: IntArray,
    lvl_hi: IntArray,
    widest: IntArray,
    primary: IntArray,
    budgets: dict[str, int],
    use_values: bool,
    rng: np.random.Generator,
) -> tuple[IntArray, FloatArray]:
    """Pool of indexed people (``b x sum(budgets)``, ``-1`` = empty) and their goal proxy.

    ``goals`` (``b x G``, ``-1`` = none) are the goal skills to look up, ``goal_fac``
    their weight in the prober's goal criterion; ``lvl_lo..lvl_hi`` the ideal partner
    levels (index scale: level + 1). ``budgets`` gives the slots of each list family:
    ``goal_pair`` (goal x two shared values), ``goal``, ``value`` (value pairs, or
    single values for a prober holding one value; any goal), ``near`` (level/time-zone
    neighbours) and ``random``.
    """
    b = rows.shape[0]
    tz = prober.tz[rows]
    lvl_lo = np.clip(lvl_lo, 0, index.n_levels - 1)
    lvl_hi = np.clip(lvl_hi, lvl_lo, index.n_levels - 1)
    any_g, any_v, n_val = index.n_goal_keys - 1, index.any_value, index.n_values
    bw, bp = widest[rows][:, None], primary[rows][:, None]
    g_ok = (goals >= 0) & (bw >= 0)
    gi = np.maximum(goals, 0)
    vals, v_ok = _first_values(prober, rows, use_values=use_values, count=_FACET_VALUES)
    # the prober's value pairs (from its first values, in increasing order)
    pair_cols = [(c, d) for c in range(vals.shape[1]) for d in range(c + 1, vals.shape[1])]
    if pair_cols:
        pairs = np.stack([_pair_key(n_val, vals[:, c], vals[:, d]) for c, d in pair_cols], axis=1)
        p_ok = np.stack([v_ok[:, c] & v_ok[:, d] for c, d in pair_cols], axis=1)
    else:
        pairs, p_ok = np.zeros((b, 0), np.int64), np.zeros((b, 0), bool)

    def cross(facet: IntArray, ok: BoolArray) -> tuple[IntArray, BoolArray, FloatArray]:
        seg = index.segment(bw[:, :, None], gi[:, :, None], facet[:, None, :]).reshape(b, -1)
        valid = (g_ok[:, :, None] & ok[:, None, :]).reshape(b, -1)
        return seg, valid, np.repeat(goal_fac, facet.shape[1], axis=1)

    # value lists (any goal): the prober's value pairs, or its single values if it has no pair
    has_pair = np.asarray(p_ok.any(axis=1))[:, None]
    same_shape = pairs.shape == vals.shape
    v_facets = np.where(has_pair, pairs, vals) if same_shape else pairs
    v_facets_ok = np.where(has_pair, p_ok, v_ok) if same_shape else p_ok

    n_rand = budgets["random"]
    width = sum(budgets[name] for name in _WINDOWS) + n_rand
    pool = np.empty((b, width), dtype=np.int64)
    goal_part = np.empty((b, width))
    col = 0

    def fam(seg: IntArray, valid: BoolArray, gfac: FloatArray, name: str) -> None:
        nonlocal col
        _family(
            index, seg, valid, gfac, (pool, goal_part, col),
            budget=budgets[name], lvl_lo=lvl_lo, lvl_hi=lvl_hi, tz=tz, rng=rng, n_windows=_WINDOWS[name],
        )  # fmt: skip
        col += budgets[name]

    fam(*cross(pairs, p_ok), "goal_pair")
    fam(index.segment(bw, gi, any_v), g_ok, goal_fac, "goal")
    fam(index.segment(bp, any_g, v_facets), v_facets_ok & (bp >= 0), np.zeros(v_facets.shape), "value")
    fam(index.segment(bp, any_g, any_v), bp >= 0, np.zeros((b, 1)), "near")
    if n_rand:
        lo_seg, hi_seg = index.bounds(index.segment(np.maximum(bw[:, 0], 0), any_g, any_v))
        pos = lo_seg[:, None] + (rng.random((b, n_rand)) * (hi_seg - lo_seg)[:, None]).astype(np.int64)
        got = index.people[np.minimum(pos, max(index.people.shape[0] - 1, 0))]
        pool[:, col:] = np.where(((bw[:, 0] >= 0) & (hi_seg > lo_seg))[:, None], got, -1)
        goal_part[:, col:] = 0.0
    return pool, goal_part


def _level_range(level: IntArray, lo: int, hi: int, sign: int, n_levels: int) -> tuple[IntArray, IntArray]:
    """Ideal partner levels (index scale, 0 = unknown) for people at ``level``.

    ``sign`` +1: partner above by ``lo..hi``; -1: below; 0: within ``hi`` either way.
    Unknown level: any level.
    """
    if sign > 0:
        a, b = level + lo, level + hi
    elif sign < 0:
        a, b = level - hi, level - lo
    else:
        a, b = level - hi, level + hi
    a = np.maximum(a, 1)
    unknown = level <= 0
    return np.where(unknown, 0, a), np.where(unknown, n_levels, np.maximum(b, a))


@dataclass(frozen=True, slots=True)
class _Proxy:
    """What :func:`shortlist` needs to rank probed pairs by a cheap stand-in of the score.

    The goal part comes from the list a pair was found in; values, industry and level
    are exact (they are cheap); time zone is estimated from the UTC offsets; the
    remaining criteria barely differ between good pairs and are left out.
    """

    fits: tuple[float, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]
    mentee: npt.NDArray[np.int32]  # per person: PROXY_COLUMNS, then the value bitset words
    mentor: npt.NDArray[np.int32]
    level_span: int

    @classmethod
    def of(cls, scorer: Scorer) -> _Proxy:
        def table(p: PeopleFeatures, n_values: IntArray, known: IntArray) -> npt.NDArray[np.int32]:
            cols = (n_values, p.industry, p.function, known, p.level, p.utc_offset)
            halves = np.stack([p.values & np.uint64(0xFFFFFFFF), p.values >> np.uint64(32)], axis=2)
            words = halves.reshape(p.n, -1)[:, : -(-p.n_values // 32)].astype(np.uint32).view(np.int32)
            return np.ascontiguousarray(np.column_stack([*cols, words]), dtype=np.int32)

        w = scorer.model.weights
        n_val = scorer.mentees.n_values
        # the parts as weighted tables: Dice by (shared, held together), industry by
        # (hits, known fields), level by difference, time zone by gap in minutes
        shared, together = np.meshgrid(np.arange(n_val + 1), np.arange(2 * n_val + 1), indexing="ij")
        dice = np.divide(2.0 * shared, together, out=np.zeros(shared.shape), where=together > 0)
        hits, known = np.meshgrid(np.arange(3), np.arange(3), indexing="ij")
        industry = np.divide(hits, known, out=np.zeros(hits.shape), where=known > 0)
        gap_hours = np.arange(721) / 60.0
        tz = np.clip((8.0 - gap_hours) / scorer.model.target_overlap_hours, 0.0, 1.0)
        goal_sum = np.where(scorer.goal_sum > 0, scorer.goal_sum, 1.0)
        fits = (
            float(w["goals"]),
            1.0 / goal_sum,
            w["values"] * dice,
            w["industry"] * industry,
            w["level"] * scorer._level_table,
            w["timezone"] * tz,
        )
        return cls(
            fits,
            table(scorer.mentees, scorer._vals_i, scorer._ind_known),
            table(scorer.mentors, scorer._vals_j, np.zeros(scorer.n_mentors, np.int64)),
            scorer._level_span,
        )


@dataclass(frozen=True, slots=True)
class _Pricing:
    """LP duals of an assignment on earlier candidates, for finding pairs that price out.

    A pair left out can improve that assignment only if its score exceeds
    ``profit[i] + price[j]`` (:attr:`matchmaker.MatchResult.duals`).
    """

    profit: FloatArray  # per mentee (+inf: cannot move)
    price: FloatArray  # per mentor (+inf: cannot take anyone)

    @classmethod
    def of(cls, scorer: Scorer, duals: tuple[npt.ArrayLike, npt.ArrayLike]) -> _Pricing:
        profit, price = (np.asarray(d, dtype=np.float64) for d in duals)
        for name, arr, size in (("profit", profit, scorer.n_mentees), ("price", price, scorer.n_mentors)):
            if arr.shape != (size,) or np.isnan(arr).any():
                raise ValueError(f"duals: the {name} array must hold {size} numbers, without NaN")
        return cls(profit, price)


def _select(
    scorer: Scorer,
    rows: IntArray,
    pool: IntArray,
    goal_part: FloatArray,
    proxy: _Proxy,
    *,
    n_exact: int,
    k: int,
    forward: bool,
) -> tuple[IntArray, IntArray, FloatArray]:
    """Exactly score the best ``n_exact`` distinct entries of each row by proxy; keep ``k``.

    ``rows`` are the probers (mentees when ``forward``, else mentors) and ``pool`` the
    people they found. Returns (row position, person, exact score) of the kept pairs.
    """
    person = np.empty((rows.shape[0], min(n_exact, pool.shape[1])), dtype=np.int64)
    shortlist(
        rows, pool, goal_part, forward, proxy.mentee, proxy.mentor, proxy.fits, proxy.level_span, person
    )
    safe = np.maximum(person, 0)
    if forward:
        score, allowed, _ = scorer.evaluate(rows[:, None], safe)
    else:
        score, allowed, _ = scorer.evaluate(safe, rows[:, None])
    masked = np.where(allowed & (person >= 0), score, -np.inf)
    kk = min(k, masked.shape[1])
    best_k = (
        np.argpartition(-masked, kk - 1, axis=1)[:, :kk]
        if kk < masked.shape[1]
        else np.argsort(-masked, axis=1)
    )
    vals = np.take_along_axis(masked, best_k, axis=1)
    r, c = np.nonzero(np.isfinite(vals))
    return r, np.take_along_axis(person, best_k, axis=1)[r, c], vals[r, c]


def _exhaustive_rows(
    scorer: Scorer, rows: IntArray, k: int, chunk_cells: int
) -> tuple[IntArray, IntArray, FloatArray]:
    """Exact top-k of some mentees over every mentor sharing a language with them."""
    out_r, out_c, out_s = [], [], []
    a, b = scorer.mentees.languages, scorer.mentors.languages
    keys, inverse = np.unique(a[rows], axis=0, return_inverse=True)
    for g in range(keys.shape[0]):
        grp = rows[inverse.ravel() == g]
        cols = np.flatnonzero(((b & keys[g][None, :]) != 0).any(axis=1))
        if cols.shape[0] == 0 and scorer.model.require_shared_language:
            continue
        if cols.shape[0] == 0 or not scorer.model.require_shared_language:
            cols = np.arange(scorer.n_mentors)
        step = max(1, chunk_cells // cols.shape[0])
        for s in range(0, grp.shape[0], step):
            rr = grp[s : s + step]
            score, allowed, _ = scorer.evaluate(rr[:, None], cols[None, :])
            masked = np.where(allowed, score, -np.inf)
            kk = min(k, cols.shape[0])
            top = np.argpartition(-masked, kk - 1, axis=1)[:, :kk]
            vals = np.take_along_axis(masked, top, axis=1)
            r, c = np.nonzero(np.isfinite(vals))
            out_r.append(rr[r])
            out_c.append(cols[top[r, c]])
            out_s.append(vals[r, c])
    if not out_r:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    return np.concatenate(out_r), np.concatenate(out_c), np.concatenate(out_s)


def _exhaustive(
    scorer: Scorer, k: int, mentor_k: int, chunk_cells: int
) -> tuple[IntArray, IntArray, FloatArray]:
    """Exact row top-``k`` and column top-``mentor_k`` by scoring every pair, chunk by chunk.

    Memory stays at ``chunk_cells`` scores plus ``mentor_k`` per mentor.
    """
    n, m = scorer.n_mentees, scorer.n_mentors
    kk, mk = min(k, m), min(mentor_k, n)
    cols = np.arange(m)[None, :]
    step = max(1, chunk_cells // m)
    out_r, out_c, out_s = [], [], []
    col_best = np.full((mk, m), -np.inf)
    col_rows = np.zeros((mk, m), dtype=np.int64)
    for start in range(0, n, step):
        rows = np.arange(start, min(n, start + step))
        score = scorer.score(rows[:, None], cols)
        top = (
            np.argpartition(-score, kk - 1, axis=1)[:, :kk] if kk < m else np.broadcast_to(cols, score.shape)
        )
        vals = np.take_along_axis(score, top, axis=1)
        r, c = np.nonzero(np.isfinite(vals))
        out_r.append(rows[r])
        out_c.append(top[r, c])
        out_s.append(vals[r, c])
        if mk > 0:
            both = np.vstack([col_best, score])
            both_rows = np.vstack([col_rows, np.broadcast_to(rows[:, None], score.shape)])
            sel = (
                np.argpartition(-both, mk - 1, axis=0)[:mk]
                if mk < both.shape[0]
                else np.arange(both.shape[0])[:, None]
            )
            col_best = np.take_along_axis(both, np.broadcast_to(sel, (sel.shape[0], m)), axis=0)
            col_rows = np.take_along_axis(both_rows, np.broadcast_to(sel, (sel.shape[0], m)), axis=0)
    fin = np.isfinite(col_best)
    out_r.append(col_rows[fin])
    out_c.append(np.broadcast_to(cols, col_best.shape)[fin])
    out_s.append(col_best[fin])
    return np.concatenate(out_r), np.concatenate(out_c), np.concatenate(out_s)


@dataclass(frozen=True, slots=True)
class PricingCover:
    """What a scan of every pair proved of each pair it did not return:
    ``score(i, j) <= level[i] + price[j]``, ``price`` being the mentor duals it priced.

    It stays true of every pair left out of a graph holding the scan's pairs, so later
    duals ``(u, v)`` need pricing only where ``level[i] + price[j] > u_i + v_j``: a mentee
    is scanned against the mentors whose price fell by more than ``u_i - level[i]``, few
    once the prices settle (the pricing scans of later rounds are a few % of the pairs).
    """

    price: FloatArray  # per mentor
    level: FloatArray  # per mentee (+inf: not covered)


# A pricing scan narrowed by a cover that would still visit more than this share of the
# pairs scans them all instead, and so refreshes the cover.
_NARROW_SHARE = 0.5


class Priced(NamedTuple):
    """A pricing scan's answer (see :func:`_scan_priced`)."""

    graph: sp.csr_array  # the pairs kept, with their exact scores
    gap: float  # the optimality gap bound the duals leave
    priced_out: int  # pairs found that price out (0: the duals are optimal over every pair)
    cover: PricingCover  # of the pairs not in ``graph``
    scanned: int  # pairs the scan's bound was computed for


def _scan_priced(
    scorer: Scorer,
    pricing: _Pricing,
    *,
    k: int,
    mentor_k: int,
    n_threads: int | None,
    bound: PairBound | None = None,
    cover: PricingCover | None = None,
    cover_margin: float = 0.0,
) -> Priced:
    """Exact pricing over every pair: the pairs that price out, ranked by reduced score.

    :class:`~matchmaker._scan.PairBound` flags a superset of them (a few ns a pair, at
    most ``_SCAN_PER_ROW * max(k, mentor_k)`` per mentee); the flagged pairs are scored
    exactly, and at most ``k`` per mentee and ``mentor_k`` per mentor are kept, the
    largest gains first. A mentee that had more flags than were kept, none of the kept
    ones pricing out while one left out might, is priced again over every mentor, so
    ``priced_out == 0`` proves that no pair prices out.

    ``gap`` is ``sum_i max(0, max_j score - profit_i - price_j)`` (an upper bound of
    it): raising each profit by that much makes the duals feasible for every pair, so
    the optimum over all pairs exceeds the priced assignment's objective by at most this
    gap (LP weak duality). ``bound``: the scorer's, when built already (rounds reuse it).

    ``cover``: one from an earlier scan whose pairs the caller's graph holds (with every
    pair returned since); only the pairs it does not rule out are scanned, and it is
    returned unchanged. Without it every pair is scanned and a new cover is returned;
    ``cover_margin`` then also returns, as candidates, pairs up to that far from pricing
    out (a few per mentee at most), which the cover then rules out: later duals whose
    prices fell less than that need not look at the mentee again.
    """
    n, m = scorer.n_mentees, scorer.n_mentors
    if n == 0 or m == 0:
        nothing = PricingCover(np.zeros(m), np.full(n, np.inf))
        return Priced(sp.csr_array((n, m), dtype=np.float64), 0.0, 0, nothing, 0)
    bound = PairBound.of(scorer) if bound is None else bound
    order, stop = _narrowed(pricing, cover) if cover is not None else (None, None)
    if stop is not None and stop.sum() > _NARROW_SHARE * n * m:
        order, stop, cover = None, None, None
    margin = cover_margin if cover is None else 0.0
    scan_bound = bound if order is None else bound.permuted(order)
    scan_price = pricing.price if order is None else pricing.price[order]
    # (a row never has more flags than mentors: a huge k must not size the buffers)
    per_row = min((_COVER_PER_ROW if margin else _SCAN_PER_ROW) * max(k, mentor_k), m)
    flags = scan_bound.flag(
        pricing.profit, scan_price, gain=_PRICED_OUT - margin, per_row=per_row,
        n_threads=_threads(n_threads), stop=stop,
    )  # fmt: skip
    i, j = flags.mentee, flags.mentor if order is None else order[flags.mentor]
    movable = np.isfinite(pricing.profit)
    scanned = int(stop[movable].sum()) if stop is not None else int(np.count_nonzero(movable)) * m
    score, red = _reduced_scores(scorer, pricing, i, j)
    # every pair not flagged, or flagged and left out, scores at most level_i + price_j
    level = pricing.profit + (_PRICED_OUT - margin)
    over, over_rest = flags.over, flags.over_rest + _SLACK
    level[over] = np.maximum(level[over], pricing.profit[over] + over_rest)
    gain = np.zeros(n)
    priced = red > _PRICED_OUT
    np.maximum.at(gain, i[priced], red[priced])
    gain[over] = np.maximum(gain[over], over_rest)
    # a row whose kept flags do not price out while one left out might: price it exactly
    retry = np.setdiff1d(over[over_rest > _PRICED_OUT], i[priced])
    if retry.shape[0]:
        level[retry] = pricing.profit[retry] + (_PRICED_OUT - margin)
        chunks = np.array_split(retry, -(-retry.shape[0] // 64))
        more = [_exact_row(scorer, pricing, rows) for rows in chunks]
        gain[retry] = np.concatenate([g for *_, g in more])
        flagged = ~np.isin(i, retry)  # (those rows' flags are among their exact pairs)
        i = np.concatenate([i[flagged], *(x[0] for x in more)])
        j = np.concatenate([j[flagged], *(x[1] for x in more)])
        score = np.concatenate([score[flagged], *(x[2] for x in more)])
        red = np.concatenate([red[flagged], *(x[3] for x in more)])
    found = red > _PRICED_OUT - margin
    i, j, score, red = i[found], j[found], score[found], red[found]
    keep = _best_per(i, red, k) | _best_per(j, red, mentor_k)
    # pairs gaining at most _PRICED_OUT are never flagged: count that much for every mentee
    gap = float(gain.sum()) + _PRICED_OUT * np.count_nonzero(movable)
    if cover is None:
        # a candidate left out (beyond k or mentor_k) is covered at its exact gain
        np.maximum.at(level, i[~keep], pricing.profit[i[~keep]] + red[~keep])
        cover = PricingCover(pricing.price.copy(), level)
    graph = _assemble(i[keep], j[keep], score[keep], n, m)
    return Priced(graph, gap, int(np.count_nonzero(red > _PRICED_OUT)), cover, scanned)


def _reduced_scores(
    scorer: Scorer, pricing: _Pricing, i: IntArray, j: IntArray
) -> tuple[FloatArray, FloatArray]:
    """Exact scores of pairs and their reduced scores (``-inf`` when forbidden)."""
    score = np.empty(i.shape[0])
    red = np.empty(i.shape[0])
    step = 1 << 21
    for s in range(0, i.shape[0], step):
        part = slice(s, s + step)
        exact, allowed, _ = scorer.evaluate(i[part], j[part])
        score[part] = exact
        with np.errstate(invalid="ignore"):
            red[part] = np.where(allowed, exact - pricing.profit[i[part]] - pricing.price[j[part]], -np.inf)
    return score, red


def _exact_row(
    scorer: Scorer, pricing: _Pricing, rows: IntArray
) -> tuple[IntArray, IntArray, FloatArray, FloatArray, FloatArray]:
    """Some mentees priced exactly against every mentor: their allowed pairs (mentee,
    mentor, score, reduced score) and each mentee's largest gain (at least 0)."""
    cols = np.arange(scorer.n_mentors)[None, :]
    exact, allowed, _ = scorer.evaluate(rows[:, None], cols)
    with np.errstate(invalid="ignore"):
        red = np.where(allowed, exact - pricing.profit[rows, None] - pricing.price[None, :], -np.inf)
    rr, cc = np.nonzero(allowed)
    return rows[rr], cc, exact[rr, cc], red[rr, cc], np.max(np.maximum(red, 0.0), axis=1)


def _narrowed(pricing: _Pricing, cover: PricingCover) -> tuple[IntArray, IntArray]:
    """Mentors by how far their price fell since ``cover``'s scan, largest fall first, and
    how many of them each mentee must be priced against: a pair ``cover`` holds can price
    out only if ``level_i + cover_price_j > profit_i + price_j``."""
    with np.errstate(invalid="ignore"):
        fall = cover.price - pricing.price
    # a mentor who can take no one now never prices out; one who could not then is not covered
    fall = np.where(np.isinf(pricing.price), -np.inf, np.where(np.isinf(cover.price), np.inf, fall))
    order = np.argsort(-fall, kind="stable")
    with np.errstate(invalid="ignore"):
        need = pricing.profit - cover.level
    need = np.where(np.isnan(need), -np.inf, need)  # (skipped anyway if the profit is infinite)
    stop = np.searchsorted(-fall[order], -need, side="left").astype(np.int64)
    return order.astype(np.int64), stop


def priced_candidates(
    scorer: Scorer,
    duals: tuple[npt.ArrayLike, npt.ArrayLike],
    *,
    k: int = 12,
    mentor_k: int = 16,
    n_threads: int | None = None,
    bound: PairBound | None = None,
    cover: PricingCover | None = None,
    cover_margin: float = 0.0,
) -> Priced:
    """Exact pricing of every pair against ``duals``: the pairs that price out (as
    :func:`candidates` with ``duals``), the optimality gap they leave and the cover of the
    pairs not returned (see :func:`_scan_priced`)."""
    k, mentor_k = check_int(k, "k", minimum=1), check_int(mentor_k, "mentor_k")
    pricing = _Pricing.of(scorer, duals)
    shapes = (scorer.n_mentors,), (scorer.n_mentees,)
    if cover is not None and (cover.price.shape, cover.level.shape) != shapes:
        raise ValueError("cover must come from a scan of the same pool")
    return _scan_priced(
        scorer, pricing, k=k, mentor_k=mentor_k, n_threads=n_threads, bound=bound,
        cover=cover, cover_margin=cover_margin,
    )  # fmt: skip


def _threads(n_threads: int | None) -> int:
    """Worker threads: as asked, else the CPU count, at most 4."""
    return n_threads if n_threads is not None else min(4, os.cpu_count() or 1)


def _best_per(group: IntArray, value: FloatArray, count: int) -> BoolArray:
    """Mask of the ``count`` largest values of each group (ties by position)."""
    n_groups = int(group.max()) + 1 if group.shape[0] else 0
    count = min(count, group.shape[0])
    return best_per_group(group.astype(np.int64), value.astype(np.float64), count, n_groups)


def _budgets(model: ScoreModel, probes: int, *, cross: bool) -> dict[str, int]:
    """Split a pool of ``probes`` slots over the list families (see :func:`_probe`).

    The shares were tuned on synthetic pools (benchmarks/bench_candidates.py): lists of
    goal x value pairs and of goals carry most of the pool; (goal x single value) lists
    only duplicated what those two found, and are not used.
    """
    goals = model.weights["goals"] > 0 or "goals" in model.must
    values = model.weights["values"] > 0 or "values" in model.must
    out = dict.fromkeys(("goal_pair", "goal", "value", "near", "random"), 0)
    out["random"] = max(1, probes // 18)
    out["near"] = max(1, probes // 18)
    left = probes - out["random"] - out["near"]
    if goals and values:
        out["value"] = left // 8
        out["goal_pair"] = (left * 5) // 16 if cross else 0
        out["goal"] = left - out["value"] - out["goal_pair"]
    elif goals:
        out["goal"] = left
    elif values:
        out["value"] = left
    else:
        out["near"] += left
    return out


def candidates(
    model: ScoreModel | Scorer,
    mentees: PeopleFeatures | None = None,
    mentors: PeopleFeatures | None = None,
    *,
    k: int = 12,
    mentor_k: int = 16,
    probes: int = 192,
    n_exact: int = 48,
    min_candidates: int | None = None,
    exact_cells: int = 1 << 22,
    seed: int = 0,
    n_threads: int | None = None,
    chunk_rows: int = 2048,
    duals: tuple[npt.ArrayLike, npt.ArrayLike] | None = None,
) -> sp.csr_array:
    """Allowed mentee-mentor pairs worth considering, with their exact scores.

    Never builds the dense ``n_mentees x n_mentors`` matrix. Small pools (at most
    ``exact_cells`` pairs) are scored whole, chunk by chunk, keeping each mentee's best
    ``k`` and each mentor's best ``mentor_k`` (exact top-k). Larger pools are *probed*:
    each mentee reads ``probes`` mentors from sorted index lists (blocked by language),
    ranks them with a cheap proxy, scores the best ``n_exact`` exactly and keeps its
    best ``k``; each mentor does the same towards mentees and keeps ``mentor_k``.
    Forbidden pairs are dropped; the union is returned.

    Parameters
    ----------
    model : ScoreModel or Scorer
        The score model (or a prepared :class:`~matchmaker.Scorer`; then ``mentees`` and
        ``mentors`` may be omitted).
    mentees, mentors : PeopleFeatures
        The two sides.
    k : int, default 12
        Candidates kept per mentee (its best found mentors by exact score).
    mentor_k : int, default 16
        Candidates kept per mentor (its best found mentees), so that every mentor's
        capacity can be used; use at least about twice the largest capacity.
    probes : int, default 192
        People read per prober from the index (duplicates included); the margin over
        ``k``. Mentors probe with half as many.
    n_exact : int, default 48
        Distinct probed people per prober scored exactly (the best by proxy).
    min_candidates : int, optional
        Mentees with fewer allowed candidates than this (default ``min(k, 4)``) are
        completed by an exhaustive scan of the mentors sharing a language with them.
    exact_cells : int, default 2**22
        Pools with at most this many pairs are scored whole (exact top-k, about 1 s per
        3 million pairs); ``0`` always probes.
    seed : int, default 0
        Seed of the tie-breaking and window jitter (results are deterministic for a
        given seed, whatever ``n_threads``).
    n_threads : int, optional
        Worker threads (NumPy releases the GIL); default: the CPU count, at most 4.
    chunk_rows : int, default 2048
        Probers scored per batch (memory is about ``chunk_rows * probes * 200`` bytes
        per thread).
    duals : (array_like, array_like), optional
        Mentee profits and mentor prices proving an assignment optimal on earlier
        candidates (:attr:`matchmaker.MatchResult.duals`). Then only pairs that *price
        out* are returned: allowed pairs whose score exceeds ``profit[i] + price[j]``,
        the ones that could still improve that assignment, at most ``k`` per mentee
        and ``mentor_k`` per mentor, the largest gains first. Every pair is priced: a
        compiled scan of an upper bound of each pair's score (:mod:`matchmaker._scan`,
        about 3 ns a pair) flags a superset of them, which are then scored exactly, so
        an empty answer proves the assignment optimal over all pairs. People whose dual
        is ``+inf`` (locked mentees, full mentors) never price out. See
        :func:`matchmaker.assign_pool`.

    Returns
    -------
    scipy.sparse.csr_array of float64, shape (n_mentees, n_mentors)
        Stored entries are the candidate pairs (explicit zeros are real zero scores);
        every stored pair is allowed by the hard rules and must-filters, and its value
        is bit-identical to :meth:`Scorer.score` of that pair. Feed it to
        :func:`matchmaker.assign`.

    Raises
    ------
    ValueError
        If ``k``, ``mentor_k``, ``probes``, ``n_exact``, ``min_candidates``,
        ``exact_cells`` or ``chunk_rows`` is not an integer or is out of range (``probes``
        and ``n_exact`` at most 4,096), or the features are missing.

    Notes
    -----
    *Blocking.* Each side is indexed per language its people speak; a prober reads the
    block of its most widely spoken language (goal and random probes) and of its first
    language (value and neighbour probes), so the shared-language rule costs nothing
    and people with rare languages still find each other.

    *Lists.* Inside a block, people are listed per goal skill, per work value and per
    pair of work values (goal "any"), per (goal skill, value pair) on the mentor side,
    and all together; each list is sorted by career level, then
    UTC offset, then a seeded random key. A probe window covers one ideal partner level
    and the offsets within 4 hours of the prober's (a full overlap of 8-hour days); a
    big window gives a random part of itself, which spreads probers over equivalent
    people so popular mentors are not probed by everyone; a small one widens into its
    neighbours. A mentee probes with its three strongest goals and first three values, a
    mentor with its three best-covered skills. Level, time zone and values shape the
    lists only when weighted (or a must).

    *Proxy.* Goal part from the list a person was found in (coverage x goal weight),
    values, industry and level exactly (level without the reverse kind's expertise
    factor), time zone from the UTC offsets; language, availability, preferences and
    hard rules only in the exact score.

    *Cost.* ``O((n_mentees + n_mentors) * probes)`` for reading the windows and
    shortlisting by proxy (compiled kernels, :mod:`matchmaker._candidate_kernels`),
    ``O((n_mentees + n_mentors) * n_exact)`` exactly scored pairs (vectorised
    :meth:`Scorer.evaluate`), plus sorting the index (``O(nnz(expertise) * 7 * log)``);
    memory is linear in the people and the output. There is no ``n_mentees x n_mentors``
    step.

    *Measured optimality loss* (``benchmarks/bench_candidates.py``, synthetic pools,
    default weights and parameters, mean capacity n/m, total fit of :func:`matchmaker.assign`
    on candidates versus on the full score matrix; every mentee matched in all cases):

    ==================  ======================================  =====================
    pool                path                                    total-fit loss
    ==================  ======================================  =====================
    1,000 x 400         exact top-k (default)                   0.027 %
    3,000 x 1,000       exact top-k (default)                   0.067 %
    3,000 x 1,000       probing (forced)                        0.43 %
    20,000 x 5,000      probing (default)                       0.97 % (vs the optimum
                                                                over all pairs)
    20,000 x 5,000      probing, ``probes=64``                  2.2 %
    20,000 x 5,000      probing + 1 pricing round (assign_pool) 0.030 %
    20,000 x 5,000      probing + 3 pricing rounds              0 (the optimum)
    ==================  ======================================  =====================

    The probing loss is measurable and grows with the pool (at least 2.2 % at 100,000 x
    25,000, against the certified optimum of :func:`matchmaker.assign_pool`). Most of it is not
    missing the best mentors by score: under tight capacity the optimum sends many
    mentees to mentors far down their lists (median rank 27 among the pairs that
    improve the first solve), mentors whom few mentees fit and who are therefore cheap.
    Probing by score does not look there; pricing does: given the duals of a solve
    (``duals``), every pair is priced and only pairs that could improve it are kept
    (:func:`matchmaker.assign_pool` runs the rounds and certifies the gap). Larger ``probes``,
    ``n_exact``, ``k`` and ``mentor_k`` alone buy little: at 20,000 x 5,000,
    ``n_exact=64`` gives 0.92 %, ``k=16`` 0.89 %, ``probes=256, n_exact=64`` 0.79 %. At
    100,000 x 25,000 the default setting takes 1.3 s wall / 2.2 s CPU on a quiet
    shared 2-core machine and up to 2.9 s wall in its slow hours (``probes=64``: 1.1 s);
    a pricing round (a scan of every pair) 4-5 s more, plus a second solve.

    References
    ----------
    .. [1] Christen, "A survey of indexing techniques for scalable record linkage and
       deduplication", IEEE TKDE 24(9), 2012 (blocking and sorted-neighbourhood indexing).

    Examples
    --------
    >>> import numpy as np
    >>> from matchmaker import ScoreModel, synthetic_pool
    >>> mentees, mentors = synthetic_pool(200, 60, rng=np.random.default_rng(0))
    >>> cand = candidates(ScoreModel(), mentees, mentors, k=5)
    >>> cand.shape
    (200, 60)
    >>> bool((cand.data >= 0).all() and (cand.data <= 1).all())
    True
    """
    k = check_int(k, "k", minimum=1)
    mentor_k = check_int(mentor_k, "mentor_k")
    n_exact = check_int(n_exact, "n_exact", maximum=_MAX_PROBES)
    probes = check_int(probes, "probes", maximum=_MAX_PROBES)
    if n_exact < max(k, mentor_k) and duals is None:  # (pricing scores every flagged pair)
        raise ValueError("n_exact must be at least max(k, mentor_k)")
    if probes < n_exact:
        raise ValueError("probes must be at least n_exact")
    chunk_rows = check_int(chunk_rows, "chunk_rows", minimum=1)
    exact_cells = check_int(exact_cells, "exact_cells")
    if min_candidates is not None:
        min_candidates = check_int(min_candidates, "min_candidates")
    if isinstance(model, Scorer):
        scorer = model
    else:
        if mentees is None or mentors is None:
            raise ValueError("mentees and mentors are required with a ScoreModel")
        scorer = Scorer(model, mentees, mentors)
    n, m = scorer.n_mentees, scorer.n_mentors
    pricing = None if duals is None else _Pricing.of(scorer, duals)
    if n == 0 or m == 0:
        return sp.csr_array((n, m), dtype=np.float64)
    sm = scorer.model
    n_sk = scorer.mentors.n_skills
    min_cand = min(k, 4) if min_candidates is None else min_candidates
    if pricing is not None:
        # pricing: scan every pair's score bound, then score the flagged pairs exactly
        return _scan_priced(scorer, pricing, k=k, mentor_k=mentor_k, n_threads=n_threads).graph
    if n * m <= exact_cells:
        # small pool: score every pair (chunked) and keep the exact top-k both ways
        rk, ck, sk = _exhaustive(scorer, k, mentor_k, chunk_cells=1 << 21)
        return _assemble(rk, ck, sk, n, m)
    use_level = sm.weights["level"] > 0 or "level" in sm.must
    use_tz = sm.weights["timezone"] > 0 or sm.max_tz_gap_hours is not None
    use_values = sm.weights["values"] > 0 or "values" in sm.must
    budgets = _budgets(sm, probes, cross=True)
    rev_budgets = _budgets(sm, max(mentor_k, probes // 2), cross=False)  # mentors are fewer; half the pool
    proxy = _Proxy.of(scorer)
    seeds = np.random.SeedSequence(seed).spawn(4)

    sides = {"use_level": use_level, "use_tz": use_tz, "use_language": sm.require_shared_language}
    mentee_side = _side(scorer.mentees, **sides)
    mentor_side = _side(scorer.mentors, **sides)
    lo, hi = sm.level_window
    sign = 1 if sm.kind == "traditional" else -1 if sm.kind == "reverse" else 0
    n_lv = int(max(mentee_side.level.max(initial=0), mentor_side.level.max(initial=0))) + 1

    # forward: mentors listed under the goals they cover (strength = coverage)
    threads = _threads(n_threads)
    # the two indexes, then the chunks, run on worker threads (the sorts and the compiled
    # kernels release the GIL); a chunk waits only for the index it probes
    with ThreadPoolExecutor(max_workers=max(1, threads)) as ex:

        def indexed(
            side: _Side,
            prober: _Side,
            entries: tuple[IntArray, IntArray, FloatArray],
            *,
            cross: bool,
            seed: int,
        ) -> tuple[_Index, IntArray, IntArray]:
            rng = np.random.default_rng(seeds[seed])
            index = _build_index(side, *entries, n_sk=n_sk, use_values=use_values, cross=cross, rng=rng)
            return (index, *_blocks(index, prober))

        cov_j, cov_g = scorer.cov_keys // n_sk, scorer.cov_keys % n_sk
        # forward: mentors listed under the goals they cover (strength = coverage)
        fwd_job = ex.submit(
            indexed, mentor_side, mentee_side, (cov_j, cov_g, scorer.cov_vals), cross=True, seed=0
        )
        # reverse: mentees listed under their goals (strength = goal weight)
        gr, gc = np.nonzero(scorer.goal_w > 0)
        goal_entries = (gr, scorer.goal_idx[gr, gc], scorer.goal_w[gr, gc])
        rev_job = ex.submit(indexed, mentee_side, mentor_side, goal_entries, cross=False, seed=1)
        n_gl = min(3, scorer.goal_idx.shape[1])
        mentee_goals = np.where(scorer.goal_w[:, :n_gl] > 0, scorer.goal_idx[:, :n_gl], -1)
        gsum = np.where(scorer.goal_sum > 0, scorer.goal_sum, 1.0)
        mentee_gfac = scorer.goal_w[:, :n_gl] / gsum[:, None]
        # a mentor probes with its three best-covered goals (factor = its coverage)
        by = np.lexsort((-scorer.cov_vals, cov_j))
        rank = np.arange(by.shape[0]) - np.searchsorted(cov_j[by], cov_j[by])
        top3 = rank < 3
        mentor_goals = np.full((m, 3), -1, dtype=np.int64)
        mentor_gfac = np.zeros((m, 3))
        mentor_goals[cov_j[by][top3], rank[top3]] = cov_g[by][top3]
        mentor_gfac[cov_j[by][top3], rank[top3]] = scorer.cov_vals[by][top3]

        fwd_starts = list(range(0, n, chunk_rows))
        rev_starts = list(range(0, m, chunk_rows)) if mentor_k > 0 else []
        fwd_rngs = [np.random.default_rng(x) for x in seeds[2].spawn(len(fwd_starts))]
        rev_rngs = [np.random.default_rng(x) for x in seeds[3].spawn(len(rev_starts))]

        def forward(idx: int) -> tuple[IntArray, IntArray, FloatArray]:
            # a contiguous range of mentees (blocked-pair lookups stay local), ordered by goal
            # count, most first, so the scorer's goal loop shrinks to a prefix
            rows = np.arange(fwd_starts[idx], min(n, fwd_starts[idx] + chunk_rows))
            rows = rows[np.argsort(-scorer.goal_count[rows], kind="stable")]
            a, z = _level_range(mentee_side.level[rows], lo, hi, sign, n_lv)
            fwd, widest, primary = fwd_job.result()
            pool, gp = _probe(
                fwd, mentee_side, rows, goals=mentee_goals[rows], goal_fac=mentee_gfac[rows],
                lvl_lo=a, lvl_hi=z, widest=widest, primary=primary, budgets=budgets, use_values=use_values,
                rng=fwd_rngs[idx],
            )  # fmt: skip
            r, person, v = _select(scorer, rows, pool, gp, proxy, n_exact=n_exact, k=k, forward=True)
            return rows[r], person, v

        def reverse(idx: int) -> tuple[IntArray, IntArray, FloatArray]:
            rows = np.arange(rev_starts[idx], min(m, rev_starts[idx] + chunk_rows))
            a, z = _level_range(mentor_side.level[rows], lo, hi, -sign, n_lv)
            rev, widest, primary = rev_job.result()
            pool, gp = _probe(
                rev, mentor_side, rows, goals=mentor_goals[rows], goal_fac=mentor_gfac[rows],
                lvl_lo=a, lvl_hi=z, widest=widest, primary=primary, budgets=rev_budgets,
                use_values=use_values, rng=rev_rngs[idx],
            )  # fmt: skip
            r, person, v = _select(scorer, rows, pool, gp, proxy, n_exact=n_exact, k=mentor_k, forward=False)
            return person, rows[r], v

        jobs = [(forward, i) for i in range(len(fwd_starts))] + [(reverse, i) for i in range(len(rev_starts))]
        results = list(ex.map(lambda job: job[0](job[1]), jobs))
    rk = np.concatenate([r[0] for r in results])
    ck = np.concatenate([r[1] for r in results])
    sk = np.concatenate([r[2] for r in results])
    del results

    # explicitly preferred mentors are always candidates (when allowed)
    pref = scorer._preferred
    if pref.shape[0]:
        pi, pj = pref // m, pref % m
        score, allowed, _ = scorer.evaluate(pi, pj)
        rk, ck, sk = (
            np.concatenate([rk, pi[allowed]]),
            np.concatenate([ck, pj[allowed]]),
            np.concatenate([sk, score[allowed]]),
        )

    # repair: mentees with too few allowed candidates get an exhaustive scan
    if min_cand > 0:
        short = np.flatnonzero(np.bincount(rk, minlength=n) < min_cand)
        if short.shape[0]:
            er, ec, es = _exhaustive_rows(scorer, short, max(k, min_cand), 1 << 22)
            rk, ck, sk = np.concatenate([rk, er]), np.concatenate([ck, ec]), np.concatenate([sk, es])

    return _assemble(rk, ck, sk, n, m)


def _assemble(rk: IntArray, ck: IntArray, sk: FloatArray, n: int, m: int) -> sp.csr_array:
    """CSR of the pairs: rows sorted, columns sorted within rows, duplicates merged, zeros kept."""
    indptr, cols, vals = csr_of_pairs(rk, ck, np.asarray(sk, dtype=np.float64), n)
    return sp.csr_array((vals, cols, indptr), shape=(n, m))
