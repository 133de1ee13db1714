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
    """

    pairs: npt.NDArray[np.int64]
    total_score: float = 0.0
    solver: str = ""
    stats: dict[str, float] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.pairs.shape[0])

    def as_dict(self) -> dict[int, int]:
        """Map each first-column index to its partner."""
        return {int(a): int(b) for a, b in self.pairs}
