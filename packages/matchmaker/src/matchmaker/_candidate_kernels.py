"""Compiled inner loops of candidate generation (see :mod:`matchmaker._candidates`).

Per prober row they read probe windows out of the sorted index lists and shortlist the
distinct people found by a cheap proxy of the score; a last one assembles the candidate
pairs as CSR. Exact scoring stays with :class:`~matchmaker.Scorer`, so candidate scores
stay equal to full scoring. The kernels release the GIL: the chunk threads of
``candidates`` run them in parallel.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntLike = int | np.int64  # kernels mix Python ints and int64 scalars read from arrays

N_TZ = 64  # UTC offsets in half hours, shifted to be non-negative (-12 h .. +19.5 h)
TZ_REACH = 8  # +-4 h (in half hours): a standard 8-hour day still overlaps >= 4 h
#: Leading columns of the per-person tables read by :func:`shortlist` (then value words).
PROXY_COLUMNS = ("n_values", "industry", "function", "known_fields", "level", "utc_offset")


@numba.njit(cache=True, nogil=True)
def _lower_bound(keys: IntArray, lo: IntLike, hi: IntLike, needle: IntLike) -> IntLike:
    """First position in ``keys[lo:hi]`` (sorted) whose key is not below ``needle``."""
    while lo < hi:
        mid = (lo + hi) >> 1
        if keys[mid] < needle:
            lo = mid + 1
        else:
            hi = mid
    return lo


@numba.njit(cache=True, nogil=True)
def fill_family(  # noqa: PLR0917 - a numba kernel takes its arrays positionally
    keys: IntArray,
    people: IntArray,
    strength: npt.NDArray[np.float32],
    seg_ids: IntArray,
    seg_ptr: IntArray,
    seg_table: IntArray,
    n_levels: int,
    seg: IntArray,
    valid: BoolArray,
    gfac: FloatArray,
    lvl_lo: IntArray,
    lvl_hi: IntArray,
    tz: IntArray,
    n_windows: int,
    rand: FloatArray,
    pool: IntArray,
    goal_part: FloatArray,
    col0: int,
    budget: int,
) -> None:
    """Fill columns ``col0 : col0 + budget`` of ``pool`` / ``goal_part`` for every row.

    A list's entry range comes from ``seg_table`` when given, else from a binary search
    over the existing segments (``seg_ids``, ``seg_ptr``). A row's windows are its valid
    lists (``seg``, ``valid``) times up to ``n_windows`` partner levels spread over
    ``lvl_lo..lvl_hi``; slots go round-robin over them. A
    window's cell is the run of a list's entries at that level with a UTC offset within
    reach of the row's ``tz``. A cell larger than the window gives a random part of itself
    (``rand``, one number per window), a smaller one is read whole and the window widens
    into the list's neighbouring entries. Empty slots are ``-1`` (goal part 0); a found
    entry's goal part is its list strength times the list's ``gfac``.
    """
    b, n_lists = seg.shape
    n_seg = seg_ids.shape[0]
    cap = n_lists * n_windows
    w_lo = np.empty(cap, np.int64)  # per valid window: list range, chosen start, factor
    w_hi = np.empty(cap, np.int64)
    w_start = np.empty(cap, np.int64)
    w_fac = np.empty(cap, np.float64)
    for r in range(b):
        span = lvl_hi[r] - lvl_lo[r]
        n_lv = min(n_windows, span + 1)
        lo_tz = max(tz[r] - TZ_REACH, 0)
        hi_tz = min(tz[r] + TZ_REACH, N_TZ - 1)
        count = 0
        for li in range(n_lists):
            if not valid[r, li]:
                continue
            # the list's entry range (empty when nobody is in it), shared by its windows
            s = seg[r, li]
            list_lo = list_hi = 0
            if seg_table.shape[0]:
                list_lo, list_hi = seg_table[s], seg_table[s + 1]
            else:
                at = _lower_bound(seg_ids, 0, n_seg, s)
                if at < n_seg and seg_ids[at] == s:
                    list_lo, list_hi = seg_ptr[at], seg_ptr[at + 1]
            for w in range(n_lv):
                w_fac[count] = gfac[r, li]
                w_lo[count], w_hi[count] = list_lo, list_hi
                # the partner level: one window reads the middle level, several spread
                lv = lvl_lo[r] + (w * span) // max(n_lv - 1, 1) if n_lv > 1 else (lvl_lo[r] + lvl_hi[r]) // 2
                w_start[count] = (s * n_levels + lv) * N_TZ  # the cell's base key, for now
                count += 1
        width = -(-budget // max(count, 1))
        for t in range(count):
            lo_seg, hi_seg = w_lo[t], w_hi[t]
            base = w_start[t]
            cell_lo = _lower_bound(keys, lo_seg, hi_seg, base + lo_tz)
            cell_hi = _lower_bound(keys, cell_lo, hi_seg, base + hi_tz + 1)
            size = cell_hi - cell_lo
            start: IntLike = (cell_lo + cell_hi) // 2 - width // 2
            if size >= width:
                start = cell_lo + np.int64(rand[r, t] * (size - width + 1))
            w_start[t] = min(max(start, lo_seg), max(lo_seg, hi_seg - width))
        for slot in range(budget):
            col = col0 + slot
            if count == 0:
                pool[r, col] = -1
                goal_part[r, col] = 0.0
                continue
            t = slot % count
            pos = w_start[t] + slot // count
            if pos < w_hi[t]:
                pool[r, col] = people[pos]
                goal_part[r, col] = strength[pos] * w_fac[t]
            else:
                pool[r, col] = -1
                goal_part[r, col] = 0.0


@numba.njit(cache=True, nogil=True)
def _popcount(x: np.uint64) -> np.uint64:
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return (x * np.uint64(0x0101010101010101)) >> np.uint64(56)


@numba.njit(cache=True, nogil=True)
def _select_nth(vals: FloatArray, n: int, nth: int) -> float:
    """The ``nth`` smallest of ``vals[:n]`` (quickselect; reorders ``vals``)."""
    lo, hi = 0, n - 1
    while lo < hi:
        pivot = vals[(lo + hi) >> 1]
        i, j = lo, hi
        while i <= j:
            while vals[i] < pivot:
                i += 1
            while vals[j] > pivot:
                j -= 1
            if i <= j:
                vals[i], vals[j] = vals[j], vals[i]
                i += 1
                j -= 1
        if nth <= j:
            hi = j
        elif nth >= i:
            lo = i
        else:
            break
    return float(vals[nth])


@numba.njit(cache=True, nogil=True)
def shortlist(  # noqa: PLR0917 - a numba kernel takes its arrays positionally
    rows: IntArray,
    pool: IntArray,
    goal_part: FloatArray,
    forward: bool,
    mentee: npt.NDArray[np.int32],
    mentor: npt.NDArray[np.int32],
    fits: tuple[float, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray],
    level_span: int,
    out: IntArray,
) -> None:
    """The best ``out.shape[1]`` distinct people of each row's pool by proxy (``-1`` pads).

    ``rows`` are the probers (mentees when ``forward``, else mentors). The proxy sums
    weighted parts: the goal part comes from the list a person was found in (its best
    over duplicates; times the mentee's ``goal_scale`` when probing from mentors),
    values (Dice), industry and level (fit of the level difference, without the reverse
    kind's expertise factor) are exact, and the time zone is estimated from the UTC
    offsets as if both worked 8-hour days. ``fits`` = (goal weight, goal scale per
    mentee, weighted fit tables: values by (shared, held together), industry by (hits,
    known), level by difference + ``level_span``, time zone by gap in minutes); tables
    instead of divisions keep the loop cheap. Each side is a table with one row per
    person (int32, to stay in cache): see :data:`PROXY_COLUMNS`, then the work-value
    bitset in 32-bit words. Ties go to the person found first.
    """
    b, width = pool.shape
    n_out = out.shape[1]
    n_cols = mentee.shape[1]
    w_goal, goal_scale, value_fit, industry_fit, level_fit, tz_fit = fits
    use_values = value_fit.any()  # all zero when values weigh nothing: skip the popcounts
    n_table = level_fit.shape[0]
    n_people = mentor.shape[0] if forward else mentee.shape[0]
    # slot of each person in the row's distinct list, valid while seen[p] == row + 1
    seen = np.zeros(n_people, np.int32)
    slot_of = np.empty(n_people, np.int32)
    person = np.empty(width, np.int64)
    proxy = np.empty(width, np.float64)
    scratch = np.empty(width, np.float64)
    for r in range(b):
        # distinct people of the row, each with its best goal part
        n_distinct = 0
        for c in range(width):
            p = pool[r, c]
            if p < 0:
                continue
            if seen[p] == r + 1:
                at = slot_of[p]
                proxy[at] = max(proxy[at], goal_part[r, c])
            else:
                seen[p], slot_of[p] = r + 1, n_distinct
                person[n_distinct], proxy[n_distinct] = p, goal_part[r, c]
                n_distinct += 1
        if n_distinct <= n_out:
            out[r, :n_distinct] = person[:n_distinct]
            out[r, n_distinct:] = -1
            continue
        me = rows[r]
        for x in range(n_distinct):
            i, j = (me, person[x]) if forward else (person[x], me)
            a, z = mentee[i], mentor[j]
            score = w_goal * (proxy[x] if forward else proxy[x] * goal_scale[i])
            if use_values:
                inter = np.uint64(0)
                for word in range(len(PROXY_COLUMNS), n_cols):  # 32-bit words
                    inter += _popcount(np.uint64(a[word] & z[word]) & np.uint64(0xFFFFFFFF))
                score += value_fit[inter, a[0] + z[0]]
            hits = np.int64((a[1] >= 0) & (a[1] == z[1])) + np.int64((a[2] >= 0) & (a[2] == z[2]))
            score += industry_fit[hits, a[3]]
            if a[4] >= 0 and z[4] >= 0:
                score += level_fit[min(max(z[4] - a[4] + level_span, 0), n_table - 1)]
            gap = abs(a[5] - z[5])  # minutes
            while gap >= 1440:
                gap -= 1440
            score += tz_fit[min(gap, 1440 - gap)]
            proxy[x] = score
        # the n_out-th best proxy, then everyone above it and the first found at it
        scratch[:n_distinct] = proxy[:n_distinct]
        cut = _select_nth(scratch, n_distinct, n_distinct - n_out)
        n_above = 0
        for x in range(n_distinct):
            n_above += proxy[x] > cut
        filled, ties = 0, n_out - n_above
        for x in range(n_distinct):
            if proxy[x] > cut or (proxy[x] == cut and ties > 0):
                ties -= proxy[x] == cut
                out[r, filled] = person[x]
                filled += 1


@numba.njit(cache=True, nogil=True)
def csr_of_pairs(
    rows: IntArray, cols: IntArray, vals: FloatArray, n_rows: int
) -> tuple[IntArray, IntArray, FloatArray]:
    """CSR arrays of the pairs: columns sorted within rows, repeated pairs kept once.

    A counting sort by row, then an insertion sort of each row's few columns.
    """
    indptr = np.zeros(n_rows + 1, np.int64)
    for r in rows:
        indptr[r + 1] += 1
    for r in range(n_rows):
        indptr[r + 1] += indptr[r]
    fill = indptr[:-1].copy()
    out_cols = np.empty(rows.shape[0], np.int64)
    out_vals = np.empty(rows.shape[0], np.float64)
    for x in range(rows.shape[0]):
        at = fill[rows[x]]
        out_cols[at], out_vals[at] = cols[x], vals[x]
        fill[rows[x]] = at + 1
    kept = 0
    for r in range(n_rows):
        start, end = indptr[r], indptr[r + 1]
        for x in range(start + 1, end):
            c, v = out_cols[x], out_vals[x]
            y = x - 1
            while y >= start and out_cols[y] > c:
                out_cols[y + 1], out_vals[y + 1] = out_cols[y], out_vals[y]
                y -= 1
            out_cols[y + 1], out_vals[y + 1] = c, v
        indptr[r] = kept
        for x in range(start, end):
            if x == start or out_cols[x] != out_cols[x - 1]:
                out_cols[kept], out_vals[kept] = out_cols[x], out_vals[x]
                kept += 1
    indptr[n_rows] = kept
    return indptr, out_cols[:kept].copy(), out_vals[:kept].copy()


@numba.njit(cache=True, nogil=True)
def largest(vals: FloatArray, n: int, count: int, scratch: FloatArray, chosen: IntArray) -> float:
    """Positions of the ``count`` largest of ``vals[:n]`` into ``chosen[:min(n, count)]``
    (those above the cut by position, then ties at the cut by position), and the largest
    value left out (``-inf`` if none). ``scratch`` holds ``n`` values."""
    if n <= count:
        for h in range(n):
            chosen[h] = h
        return -np.inf
    scratch[:n] = vals[:n]
    cut = _select_nth(scratch, n, n - count)  # count values are at least this
    kept = 0
    for h in range(n):
        if vals[h] > cut:
            chosen[kept] = h
            kept += 1
    rest = -np.inf
    for h in range(n):
        if kept < count and vals[h] == cut:
            chosen[kept] = h
            kept += 1
        elif vals[h] <= cut:
            rest = max(rest, vals[h])
    return rest


@numba.njit(cache=True, nogil=True)
def best_per_group(group: IntArray, value: FloatArray, count: int, n_groups: int) -> BoolArray:
    """Mask of the ``count`` largest values of each group (ties by position): a counting
    sort by group, then :func:`largest` in each group."""
    n = group.shape[0]
    keep = np.zeros(n, dtype=np.bool_)
    if count <= 0:
        return keep
    start = np.zeros(n_groups + 1, np.int64)
    for x in range(n):
        start[group[x] + 1] += 1
    for g in range(n_groups):
        start[g + 1] += start[g]
    fill = start[:-1].copy()
    members = np.empty(n, np.int64)  # positions, group by group, in position order
    for x in range(n):
        members[fill[group[x]]] = x
        fill[group[x]] += 1
    values, scratch, chosen = np.empty(n), np.empty(n), np.empty(n, np.int64)
    for g in range(n_groups):
        lo, size = start[g], start[g + 1] - start[g]
        for t in range(size):
            values[t] = value[members[lo + t]]
        largest(values, size, count, scratch, chosen)
        for h in range(min(size, count)):
            keep[members[lo + chosen[h]]] = True
    return keep
