"""Result objects shared by every solver."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The outcome of a matching solver.

    Attributes
    ----------
    pairs : ndarray of int64, shape (k, 2)
        Chosen pairs, one per row: ``(mentee, mentor)`` for bipartite solvers,
        ``(i, j)`` with ``i < j`` for peer solvers. Rows are sorted by the first column.
    total_score : float
        Sum of the scores of the chosen pairs (``0.0`` for rank-only solvers).
    solver : str
        Short name of the algorithm that produced the result, for audit trails.
    stats : dict
        Solver-specific numbers (iterations, proposals, candidate count, ...).
    duals : tuple of two float64 arrays, or None
        From :func:`matchmaker.assign` on a candidate graph: each mentee's profit ``u``
        and each mentor's price ``v`` (score units) that prove the matching optimal on
        the pairs the solver saw. A pair left out could improve the matching only if its
        score exceeds ``u_i + v_j``, which is what :func:`matchmaker.candidates` looks for
        when given them. Locked mentees and mentors left full by locks are ``+inf``.
        ``None`` when the solver gave no duals.
    """

    pairs: npt.NDArray[np.int64]
    total_score: float = 0.0
    solver: str = ""
    stats: dict[str, float] = field(default_factory=dict)
    duals: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]] | None = None

    def __len__(self) -> int:
        return int(self.pairs.shape[0])

    def as_dict(self) -> dict[int, int]:
        """Map each first-column index to its partner."""
        return {int(a): int(b) for a, b in self.pairs}
