"""Single-person re-match: best remaining mentors for one mentee."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from matchmaker._validation import check_capacity, check_int, is_sparse

__all__ = ["RematchResult", "rematch"]


@dataclass(frozen=True, slots=True)
class RematchResult:
    """Ranked re-match candidates for one mentee.

    Attributes
    ----------
    mentors : ndarray of int64, shape (k,)
        Mentor indices, best first (ties broken by lower index).
    scores : ndarray of float64, shape (k,)
        The mentee's score for each of those mentors.
    """

    mentors: npt.NDArray[np.int64]
    scores: npt.NDArray[np.float64]

    def __len__(self) -> int:
        return int(self.mentors.shape[0])


def rematch(
    scores_row: Any,
    mentor_remaining_capacity: Any,
    *,
    exclude: Iterable[int] = (),
    k: int = 5,
) -> RematchResult:
    """Best ``k`` mentors for one mentee among those with capacity left.

    Used after a no-fault ending or a declined pair: the mentee's previous mentors go in
    ``exclude`` and only mentors that can still take someone are proposed.

    Parameters
    ----------
    scores_row : array_like of float, shape (n_mentors,), or scipy.sparse row (1, n_mentors)
        The mentee's score for every mentor. ``-inf``/NaN (dense) or unstored entries
        (sparse) are forbidden mentors.
    mentor_remaining_capacity : int or array_like of int, shape (n_mentors,)
        Places each mentor still has; mentors with 0 are skipped.
    exclude : iterable of int, optional
        Mentors never to propose (previous, declined or blocked pairs).
    k : int, default 5
        Maximum number of candidates returned.

    Returns
    -------
    RematchResult
        Up to ``k`` mentors sorted by descending score, with their scores.

    Raises
    ------
    ValueError
        If ``scores_row`` is not 1-D (or a single sparse row) or contains ``+inf``; if
        ``mentor_remaining_capacity`` has the wrong length or a negative/NaN value; if
        ``exclude`` names an unknown mentor; or if ``k`` is negative.

    Notes
    -----
    A partial sort (``numpy.argpartition``) over the eligible mentors, ``O(n_mentors)``.
    This ranks candidates for one person and leaves the rest of the matching as it is;
    re-running :func:`matchmaker.assign` with the current pairs in ``locked`` is the
    whole-pool alternative.

    References
    ----------
    .. [1] T. H. Cormen et al., *Introduction to Algorithms*, 4th ed., MIT Press, 2022,
       sec. 9.2 (selection in expected linear time).

    Examples
    --------
    >>> import numpy as np
    >>> from matchmaker import rematch
    >>> res = rematch(np.array([0.9, 0.8, -np.inf, 0.7, 0.95]), [1, 1, 1, 1, 0], exclude=[0], k=2)
    >>> res.mentors.tolist(), res.scores.tolist()
    ([1, 3], [0.8, 0.7])
    """
    row = _as_row(scores_row)
    n = row.shape[0]
    cap = check_capacity(mentor_remaining_capacity, n, name="mentor_remaining_capacity")
    k = check_int(k, "k")
    ex = np.asarray([check_int(x, "exclude", maximum=n - 1) for x in exclude], dtype=np.int64)

    eligible = np.isfinite(row) & (cap > 0)
    eligible[ex] = False
    idx = np.nonzero(eligible)[0]
    vals = row[idx]
    if idx.shape[0] > k:
        # Keep the k best (plus ties at the cut-off, resolved below by index).
        part = np.argpartition(-vals, k - 1)[:k] if k else np.zeros(0, dtype=np.int64)
        cut = vals[part].min() if k else np.inf
        keep = vals >= cut
        idx, vals = idx[keep], vals[keep]
    order = np.lexsort((idx, -vals))[:k]
    return RematchResult(mentors=idx[order].astype(np.int64), scores=vals[order].astype(np.float64))


def _as_row(scores_row: Any) -> npt.NDArray[np.float64]:
    if is_sparse(scores_row):
        mat = sp.csr_array(scores_row)
        if mat.shape[0] != 1:
            raise ValueError(f"scores_row must be a single row, got shape {mat.shape}")
        mat.sum_duplicates()
        out = np.full(mat.shape[1], -np.inf)
        out[mat.indices] = mat.data  # stored entries (explicit zeros too) are allowed
        row = out
    else:
        try:
            row = np.asarray(scores_row, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"scores_row must be a numeric 1-D array: {exc}") from exc
        if row.ndim != 1:
            raise ValueError(f"scores_row must be 1-D, got ndim={row.ndim}")
    if np.any(row == np.inf):
        raise ValueError("scores_row must not contain +inf (use -inf or NaN for forbidden)")
    return row
