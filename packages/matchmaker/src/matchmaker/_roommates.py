"""Stable roommates (non-bipartite stable matching) by Irving's algorithm."""

from __future__ import annotations

import numpy as np

from matchmaker._prefs import IntArray, PrefsLike, parse_prefs, reverse_positions
from matchmaker._result import MatchResult


def stable_roommates(prefs: PrefsLike) -> MatchResult | None:
    """Stable pairing of peers from ranked preference lists (Irving's algorithm).

    Parameters
    ----------
    prefs : sequence of sequences of int, or 2-D int array
        ``prefs[i]`` ranks other people's indices, most preferred first. Lists may be
        incomplete: a pair ``{i, j}`` is acceptable only if *each lists the other*.
        A 2-D integer array right-padded with ``-1`` is accepted for speed.

    Returns
    -------
    MatchResult or None
        The stable matching, with ``pairs`` as ``(i, j)`` rows, ``i < j``, sorted by
        ``i``; ``total_score`` is ``0.0``. ``None`` when no stable matching exists.
        ``stats`` reports ``proposals`` (phase 1), ``rotations`` eliminated in
        phase 2 and ``unmatched``.

        People absent from ``pairs`` are unmatched. This happens only when lists are
        incomplete or ``n`` is odd, and then such a person is unmatched in *every*
        stable matching: all stable matchings of an instance match the same set of
        people (Gusfield & Irving 1989, chapter 4), so returning a matching with
        singles is not a compromise but the exact answer. With complete lists and even
        ``n``, a returned matching is always perfect.

    Raises
    ------
    ValueError
        If ``prefs`` is not a family of integer lists, a list names an index outside
        ``range(len(prefs))``, a person lists themself, or a list names someone twice.

    Notes
    -----
    A matching is stable when no mutually acceptable pair ``{i, j}`` outside it has both
    ``i`` and ``j`` either single or preferring each other to their partners.

    Phase 1 is a round of proposals in which each person proposes down their list and
    each recipient keeps the best proposal so far, deleting everyone they like less.
    Phase 2 repeatedly finds an "all-or-nothing cycle" (a rotation) in the reduced
    table and eliminates it. A stable matching exists if and only if no list becomes
    empty during phase 2; a person whose list empties in phase 1 is unmatched in every
    stable matching ([2]_, chapter 4).

    The reduced lists are never rebuilt: each person keeps a first and a last pointer
    into their original list, and an entry ``j`` of ``i``'s list is present exactly when
    it lies within ``i``'s pointers and ``i`` lies within ``j``'s. Deletions in both
    phases only shorten lists from the front or the back, so this is exact, and every
    pointer moves monotonically: O(E) time for E list entries after the O(E log E)
    vectorised rank preparation, as in [2]_. Phase-2 rotation search reuses the tail of
    the previous search path.

    References
    ----------
    .. [1] R. W. Irving, "An efficient algorithm for the 'stable roommates' problem",
       *Journal of Algorithms* 6(4), 577-595, 1985.
    .. [2] D. Gusfield and R. W. Irving, *The Stable Marriage Problem: Structure and
       Algorithms*, MIT Press, 1989, chapter 4.
    .. [3] D. Gale and L. S. Shapley, "College admissions and the stability of
       marriage", *The American Mathematical Monthly* 69(1), 9-15, 1962.

    Examples
    --------
    Irving's six-person example (people renumbered from 0):

    >>> from matchmaker import stable_roommates
    >>> prefs = [
    ...     [3, 5, 1, 4, 2],
    ...     [5, 2, 3, 0, 4],
    ...     [1, 3, 4, 0, 5],
    ...     [4, 1, 5, 0, 2],
    ...     [2, 0, 1, 3, 5],
    ...     [4, 0, 3, 2, 1],
    ... ]
    >>> stable_roommates(prefs).pairs.tolist()
    [[0, 5], [1, 2], [3, 4]]

    Gale and Shapley's four people with no stable pairing (everyone ranks person 3
    last, and 0, 1, 2 prefer each other cyclically):

    >>> print(stable_roommates([[1, 2, 3], [2, 0, 3], [0, 1, 3], [0, 1, 2]]))
    None
    """
    n = _count(prefs)
    lists = parse_prefs(prefs, n, "prefs", "person")
    rows = lists.rows()
    own = np.flatnonzero(lists.indices == rows)
    if own.size:
        raise ValueError(f"prefs[{int(rows[own[0]])}] lists that person themself")
    mirror = reverse_positions(lists, lists, name_a="prefs", name_b="prefs", what_a="person", what_b="person")

    # Keep only mutually acceptable entries and re-express the mirror as a local rank:
    # rev[k] for entry k = (i -> j) is the position of i in j's reduced list.
    keep = mirror >= 0
    if bool(keep.all()):  # every listing reciprocated (e.g. complete lists)
        indptr, people = lists.indptr, lists.indices
        rev = mirror - indptr[people]
    else:
        new_index = np.cumsum(keep) - 1
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows[keep], minlength=n), out=indptr[1:])
        people = np.ascontiguousarray(lists.indices[keep])
        rev = new_index[mirror[keep]] - indptr[people]
    return _irving(n, indptr, people, np.ascontiguousarray(rev))


def _count(prefs: object) -> int:
    if isinstance(prefs, np.ndarray):
        if prefs.ndim == 0:
            raise ValueError("prefs must be a sequence of ranked lists or a 2-D array padded with -1")
        return int(prefs.shape[0])
    try:
        return len(prefs)  # type: ignore[arg-type]
    except TypeError:
        raise ValueError("prefs must be a sequence of ranked lists or a 2-D array padded with -1") from None


def _irving(n: int, indptr: IntArray, people: IntArray, rev: IntArray) -> MatchResult | None:
    """Both phases of Irving's algorithm on mutual-only CSR lists (pointers kept in place)."""
    # Flat E-sized arrays are read through memoryviews (no copy, no NumPy scalar boxing);
    # per-person pointers are plain lists, the fastest thing to index from Python.
    who = people.data
    back = rev.data
    base: list[int] = indptr.tolist()
    first: list[int] = [0] * n
    last: list[int] = (np.diff(indptr) - 1).tolist()
    second: list[int] = [1] * n

    # Entry k of x's list (partner y, where x sits at position back[...] in y's list) is
    # present iff k lies within x's pointers and back[...] within y's pointers.

    # ---- Phase 1: proposals. held[y] is the proposer y currently holds (-1: none).
    held = [-1] * n
    free = list(range(n - 1, -1, -1))
    proposals = 0
    while free:
        x = free.pop()
        k, stop, b = first[x], last[x], base[x]
        while k <= stop:
            y = who[b + k]
            r = back[b + k]
            if first[y] <= r <= last[y]:
                break
            k += 1
        first[x] = k
        if k > stop:
            continue  # rejected by everyone acceptable: unmatched in every stable matching
        proposals += 1
        previous = held[y]
        if previous >= 0:
            free.append(previous)  # y trades up; previous proposer moves on lazily
        held[y] = x
        last[y] = r  # y deletes everyone it likes less than x

    def first_of(x: int) -> int:
        """Advance x's first pointer to a present entry; return it (> last when empty)."""
        k, stop, b = first[x], last[x], base[x]
        while k <= stop:
            y = who[b + k]
            if first[y] <= back[b + k] <= last[y]:
                break
            k += 1
        first[x] = k
        return k

    def second_of(x: int) -> int:
        """Position of the second present entry of x's list (> last when none)."""
        k = second[x]
        if k <= first[x]:
            k = first[x] + 1
        stop, b = last[x], base[x]
        while k <= stop:
            y = who[b + k]
            if first[y] <= back[b + k] <= last[y]:
                break
            k += 1
        second[x] = k
        return k

    def last_of(y: int) -> int:
        """Move y's last pointer back to a present entry; return it (< first when empty)."""
        k, start, b = last[y], first[y], base[y]
        while k >= start:
            z = who[b + k]
            if first[z] <= back[b + k] <= last[z]:
                break
            k -= 1
        last[y] = k
        return k

    # ---- Phase 2: rotation elimination.
    matched_after_phase1 = [first_of(x) <= last_of(x) for x in range(n)]
    rotations = 0
    on_path = [-1] * n  # position of a person on the current search path
    path: list[int] = []
    scan = 0
    while True:
        if not path:
            while scan < n and (first_of(scan) > last[scan] or second_of(scan) > last[scan]):
                scan += 1  # lists only shrink, so people passed here never need revisiting
            if scan == n:
                break
            on_path[scan] = 0
            path.append(scan)
        p = path[-1]
        if first_of(p) > last[p]:
            return None
        k = second_of(p)
        if k > last[p]:
            # p's list shrank to one entry since it joined the path; it cannot start a rotation.
            on_path[path.pop()] = -1
            continue
        q = who[base[p] + k]
        lq = last_of(q)
        nxt = who[base[q] + lq]
        if on_path[nxt] < 0:
            on_path[nxt] = len(path)
            path.append(nxt)
            continue
        # Found the rotation path[start:]; its predecessors stay a valid path prefix
        # (Gusfield & Irving). Each link is re-checked anyway, which costs O(rotation).
        start = on_path[nxt]
        cycle = path[start:]
        seconds = [second_of(x) for x in cycle]
        broken = -1
        for i, (x, k2) in enumerate(zip(cycle, seconds, strict=True)):
            y = who[base[x] + k2]
            if k2 > last[x] or who[base[y] + last_of(y)] != cycle[(i + 1) % len(cycle)]:
                broken = i
                break
        if broken >= 0:  # a stale link: drop the path beyond it and search on from there
            for x in path[start + broken + 1 :]:
                on_path[x] = -1
            del path[start + broken + 1 :]
            continue
        del path[start:]
        for x in cycle:
            on_path[x] = -1
        rotations += 1
        for x, k2 in zip(cycle, seconds, strict=True):
            y = who[base[x] + k2]
            last[y] = back[base[x] + k2]  # y_{i+1} now holds x_i and rejects everyone below
        for x, k2 in zip(cycle, seconds, strict=True):
            y = who[base[x] + k2]
            if first_of(x) > last_of(x) or first_of(y) > last_of(y):
                return None  # an emptied list: no stable matching exists

    # ---- Every remaining list has one entry: read off the matching.
    partner = np.full(n, -1, dtype=np.int64)
    for x in range(n):
        k = first_of(x)
        if k <= last[x]:
            partner[x] = who[base[x] + k]
        elif matched_after_phase1[x]:
            return None  # emptied in phase 2 (only rotation members can be; checked above)
    lo = np.flatnonzero(partner > np.arange(n))
    pairs = np.stack((lo, partner[lo]), axis=1).astype(np.int64)
    stats = {
        "proposals": float(proposals),
        "rotations": float(rotations),
        "unmatched": float(n - 2 * pairs.shape[0]),
    }
    return MatchResult(pairs=pairs, total_score=0.0, solver="irving", stats=stats)
