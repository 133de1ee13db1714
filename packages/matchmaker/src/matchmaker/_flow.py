"""The min-cost flow model of capacitated assignment, solved by OR-Tools.

Source -> mentee (capacity 1), mentee -> mentor (capacity 1, cost ``-score``), mentor ->
sink (the mentor's capacity). See :func:`matchmaker.assign` for the objectives and the
integer scaling of scores. OR-Tools does not return its node potentials, so the LP duals
of its answer (which pricing needs) are rebuilt from the matching by
:func:`matchmaker._duals.assignment_duals`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow

from matchmaker._duals import AssignmentDuals, assignment_duals, participation_offset
from matchmaker._validation import Candidates, check_magnitude, scale_exponent

__all__ = ["FlowSolution", "compact_ids", "solve_flow"]

IntArray = npt.NDArray[np.int64]

_INT64_MAX = int(np.iinfo(np.int64).max)


@dataclass(frozen=True, slots=True)
class FlowSolution:
    """An optimal assignment of a candidate set, with the integer weights it was solved on."""

    chosen: npt.NDArray[np.bool_]  # per candidate pair: in the matching
    weights: IntArray  # per candidate pair: the score scaled by ``scale`` and rounded
    scale: float
    error_bound: float  # score units the rounding can cost against the float optimum
    # LP duals proving the matching optimal on these pairs (pairs of ``weights`` with
    # ``offset`` added); None if they could not be built
    duals: AssignmentDuals | None = None


def solve_flow(sub: Candidates, residual: IntArray, objective: str) -> FlowSolution:
    """Min-cost flow on the candidate pairs (OR-Tools); see :func:`assign` for the model."""
    # Compact node numbering: only mentees/mentors that appear in some candidate pair.
    row_ids, row_idx = compact_ids(sub.rows, sub.n_rows)
    col_ids, col_idx = compact_ids(sub.cols, sub.n_cols)
    nr, nc, ne = row_ids.shape[0], col_ids.shape[0], len(sub)
    source, sink = nr + nc, nr + nc + 1
    n_nodes = nr + nc + 2
    col_cap = np.minimum(residual[col_ids], nr).astype(np.int64)

    max_abs = float(np.max(np.abs(sub.scores)))
    check_magnitude(max_abs)
    # Largest cost magnitude OR-Tools accepts without risking overflow of its scaled
    # costs and node potentials (it multiplies costs by n_nodes + 1 internally).
    limit = min(2**53, _INT64_MAX // (4 * (n_nodes + 1) ** 2))
    exp = scale_exponent(limit, max_abs, cap=1000)
    for attempt in range(4):
        scale = 2.0 ** (exp - 10 * attempt)
        q = np.rint(sub.scores * scale).astype(np.int64)
        tails = [np.full(nr, source), row_idx, nr + np.arange(nc)]
        heads = [np.arange(nr), nr + col_idx, np.full(nc, sink)]
        caps = [np.ones(nr, np.int64), np.ones(ne, np.int64), col_cap]
        costs = [np.zeros(nr, np.int64), -q, np.zeros(nc, np.int64)]
        if objective == "score":
            tails.append(np.arange(nr))
            heads.append(np.full(nr, sink))
            caps.append(np.ones(nr, np.int64))
            costs.append(np.zeros(nr, np.int64))
        mcf = min_cost_flow.SimpleMinCostFlow()
        mcf.add_arcs_with_capacity_and_unit_cost(
            np.concatenate(tails).astype(np.int32),
            np.concatenate(heads).astype(np.int32),
            np.concatenate(caps),
            np.concatenate(costs),
        )
        mcf.set_node_supply(source, nr)
        mcf.set_node_supply(sink, -nr)
        status = mcf.solve_max_flow_with_min_cost() if objective == "participation" else mcf.solve()
        if status == mcf.OPTIMAL:
            break
        if status != mcf.BAD_COST_RANGE:
            raise RuntimeError(f"min-cost flow failed with status {status}")  # pragma: no cover
    else:  # pragma: no cover - only reachable with pathological magnitudes
        raise RuntimeError("min-cost flow could not find a safe cost scale")
    chosen = mcf.flows(np.arange(nr, nr + ne)) > 0
    # Same matched count under "participation"; under "score" both counts are <= nr.
    bound = (int(np.count_nonzero(chosen)) if objective == "participation" else nr) / scale
    matched_col = np.full(sub.n_rows, -1, dtype=np.int64)
    matched_col[sub.rows[chosen]] = sub.cols[chosen]
    offset = participation_offset(nr, int(np.max(np.abs(q)))) if objective == "participation" else 0
    duals = assignment_duals(sub.rows, sub.cols, q, matched_col, residual.astype(np.int64), offset=offset)
    return FlowSolution(chosen=chosen, weights=q, scale=scale, error_bound=bound, duals=duals)


def compact_ids(ids: IntArray, size: int) -> tuple[IntArray, IntArray]:
    """``np.unique(ids, return_inverse=True)`` for indices below ``size``, in linear time."""
    present = np.zeros(size, dtype=bool)
    present[ids] = True
    remap = np.cumsum(present, dtype=np.int64) - 1
    return np.flatnonzero(present).astype(np.int64), remap[ids]
