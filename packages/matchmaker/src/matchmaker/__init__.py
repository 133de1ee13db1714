"""matchmaker — Tandem's matching engine.

Optimal capacitated assignment, stable matching with capacities, peer pairing,
stable roommates, group formation, single-person re-match, and an explainable
score model. Plain arrays in, plain arrays out; this package never imports Django.
"""

from matchmaker._assign import assign, top_k_candidates

# --- scoring / explanation / candidates (owned by _scoring.py, _candidates.py) ---
# (imports for the score model are added here)
from matchmaker._candidates import candidates
from matchmaker._features import (
    FORMATS,
    Labels,
    PeopleFeatures,
    SkillTextMatcher,
    people_features,
    working_hours_mask,
)
from matchmaker._greedy import greedy_assign
from matchmaker._group import form_groups
from matchmaker._peer import pair_peers
from matchmaker._pool import assign_pool
from matchmaker._rematch import RematchResult, rematch
from matchmaker._result import MatchResult
from matchmaker._roommates import stable_roommates
from matchmaker._scoring import (
    CRITERIA,
    DEFAULT_WEIGHTS,
    Contribution,
    Explanation,
    ScoreModel,
    Scorer,
    explain,
)
from matchmaker._stable import stable
from matchmaker._synthetic import synthetic_labels, synthetic_people, synthetic_pool

__all__ = [
    "CRITERIA",
    "DEFAULT_WEIGHTS",
    "FORMATS",
    "Contribution",
    "Explanation",
    "Labels",
    "MatchResult",
    "PeopleFeatures",
    "RematchResult",
    "ScoreModel",
    "Scorer",
    "SkillTextMatcher",
    "assign",
    "assign_pool",
    "candidates",
    "explain",
    "form_groups",
    "greedy_assign",
    "pair_peers",
    "people_features",
    "rematch",
    "stable",
    "stable_roommates",
    "synthetic_labels",
    "synthetic_people",
    "synthetic_pool",
    "top_k_candidates",
    "working_hours_mask",
]
