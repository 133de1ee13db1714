"""matchmaker — Tandem's matching engine.

Optimal capacitated assignment, stable matching with capacities, peer pairing,
stable roommates, group formation, single-person re-match, and an explainable
score model. Plain arrays in, plain arrays out; this package never imports Django.
"""

from matchmaker._assign import assign
from matchmaker._greedy import greedy_assign
from matchmaker._group import form_groups
from matchmaker._peer import pair_peers
from matchmaker._rematch import rematch
from matchmaker._result import MatchResult
from matchmaker._roommates import stable_roommates
from matchmaker._stable import stable

# --- scoring / explanation / candidates (owned by _scoring.py, _candidates.py) ---
# (imports for the score model are added here)

__all__ = [
    "MatchResult",
    "assign",
    "form_groups",
    "greedy_assign",
    "pair_peers",
    "rematch",
    "stable",
    "stable_roommates",
]
