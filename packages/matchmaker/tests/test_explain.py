"""Explanations: per-criterion contributions and plain-words reasons."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from matchmaker import (
    CRITERIA,
    Labels,
    PeopleFeatures,
    ScoreModel,
    Scorer,
    explain,
    people_features,
    synthetic_labels,
    synthetic_pool,
)

LABELS = Labels(
    skills=("People management", "Python", "Team leadership", "Negotiation"),
    values=("Integrity", "Growth", "Curiosity", "Balance"),
    industries=("Software", "Finance"),
    functions=("Engineering", "Sales"),
    languages=("English", "Spanish", "German"),
)


def _pair(**mentor_kw: Any) -> tuple[PeopleFeatures, PeopleFeatures]:
    mentee = people_features(
        [1],
        n_skills=4,
        n_values=4,
        n_languages=3,
        goals=[[0]],
        values=[[0, 1, 2]],
        languages=[[0, 1]],
        level=[2],
        industry=[1],
        function=[0],
        utc_offset_minutes=[0],
        formats=[["video", "in person"]],
        hours_per_month=[2],
        manager_of={1: 50, 50: 60},
    )
    kw: dict[str, Any] = {
        "n_skills": 4,
        "n_values": 4,
        "n_languages": 3,
        "skills": [{2: 4}],
        "values": [[0, 1, 3]],
        "languages": [[1, 0]],
        "level": [4],
        "industry": [1],
        "function": [1],
        "utc_offset_minutes": [300],
        "formats": [["video"]],
        "hours_per_month": [4],
    }
    kw.update(mentor_kw)
    ids = kw.pop("ids", [2])
    mentor = people_features(ids, **kw)
    return mentee, mentor


RELATIONS = sp.csr_array(([1.0], ([0], [2])), shape=(4, 4))  # team leadership serves people management


def test_explain_reasons_in_plain_words() -> None:
    # given a well-matched pair
    mentee, mentor = _pair()
    model = ScoreModel(skill_relations=RELATIONS)
    # when
    ex = explain(model, mentee, mentor, 0, 0, labels=LABELS)
    reasons = {c.name: c.reason for c in ex.criteria}
    # then
    assert reasons["goals"] == "Expert in Team leadership (your goal: People management)"
    assert reasons["values"] == "Both value Integrity and Growth"
    assert reasons["industry"] == "Same industry (Finance)"
    assert reasons["level"] == "2 levels more senior"
    assert reasons["timezone"] == "3 working hours overlap"
    assert reasons["availability"] == "Both meet by video; offers 4 h/month (you want 2)"
    assert reasons["language"] == "Speaks English and Spanish with you"
    assert reasons["preferences"] == "No stated preference"
    assert ex.allowed
    assert ex.blocked == ()


def test_explain_contributions_sum_to_score() -> None:
    # given
    mentee, mentor = _pair()
    model = ScoreModel(skill_relations=RELATIONS)
    # when
    ex = explain(model, mentee, mentor, 0, 0, labels=LABELS)
    total, _, _ = Scorer(model, mentee, mentor).evaluate([0], [0])
    # then
    assert sum(c.contribution for c in ex.criteria) == pytest.approx(ex.score)
    assert ex.score == total[0]
    assert [c.name for c in ex.criteria] == list(CRITERIA)
    assert ex.reasons()[0] == next(c.reason for c in ex.criteria if c.name == "goals")


def test_explain_blocked_same_reporting_line() -> None:
    # given the mentor is the mentee's manager's manager
    mentee, mentor = _pair(ids=[60])
    # when
    ex = explain(ScoreModel(), mentee, mentor, 0, 0, labels=LABELS)
    # then
    assert not ex.allowed
    assert ex.blocked == ("Blocked: same reporting line",)


def test_explain_blocked_language_tz_and_must() -> None:
    # given no shared language and a far time zone
    mentee, mentor = _pair(languages=[[2]], utc_offset_minutes=[600], skills=[{3: 2}])
    model = ScoreModel(max_tz_gap_hours=6, must={"goals"})
    # when
    ex = explain(model, mentee, mentor, 0, 0, labels=LABELS)
    # then
    assert "Blocked: no shared language" in ex.blocked
    assert "Blocked: time zones 10 h apart (at most 6)" in ex.blocked
    assert any(r.startswith("Blocked: goals is a must") for r in ex.blocked)
    assert {c.name: c.reason for c in ex.criteria}["language"] == "No shared language"
    assert {c.name: c.reason for c in ex.criteria}["goals"] == "No expertise in your goals"


def test_explain_level_and_preference_variants() -> None:
    # given a mentor at the same level whom the mentee asked for, and a declined one
    mentee, mentor = _pair(level=[2])
    model = ScoreModel(preferred_pairs=[(1, 2)])
    # when
    ex = explain(model, mentee, mentor, 0, 0)
    declined = explain(ScoreModel(excluded_pairs=[(1, 2)]), mentee, mentor, 0, 0)
    # then
    reasons = {c.name: c.reason for c in ex.criteria}
    assert reasons["level"] == "Same career level (a mentor above you is wanted)"
    assert reasons["preferences"] == "You asked for this mentor"
    assert declined.blocked == ("Blocked: matched or declined before",)


def test_explain_reverse_names_expertise() -> None:
    # given a senior mentee and a junior expert in the mentee's goal
    mentee, mentor = _pair(level=[0], skills=[{0: 4}])
    mentee = people_features(
        [1], n_skills=4, n_values=4, n_languages=3, goals=[[0]], languages=[[0]], level=[2]
    )
    # when
    ex = explain(ScoreModel(kind="reverse"), mentee, mentor, 0, 0, labels=LABELS)
    # then
    level = next(c for c in ex.criteria if c.name == "level")
    assert level.value == 1.0
    assert level.reason == "2 levels more junior, expert in People management (your goal: People management)"


def test_explain_bad_input_raises() -> None:
    mentee, mentor = _pair()
    with pytest.raises(ValueError, match="mentee"):
        explain(ScoreModel(), mentee, mentor, 1, 0)
    with pytest.raises(ValueError, match="mentor"):
        explain(ScoreModel(), mentee, mentor, 0, 5)
    for bad in (0.5, None):  # 0.5 was truncated to mentee 0
        with pytest.raises(ValueError, match="mentee must be an integer"):
            explain(ScoreModel(), mentee, mentor, bad, 0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="mentees and mentors"):
        explain(ScoreModel())


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), kind=st.sampled_from(["traditional", "reverse", "peer"]))
def test_property_explanation_matches_scorer(seed: int, kind: str) -> None:
    # given a random pool and a prepared scorer
    a, b = synthetic_pool(30, 12, rng=np.random.default_rng(seed))
    scorer = Scorer(ScoreModel(kind=kind, require_different_department=True), a, b)  # type: ignore[arg-type]
    rng = np.random.default_rng(seed + 1)
    labels = synthetic_labels()
    for _ in range(5):
        i, j = int(rng.integers(30)), int(rng.integers(12))
        # when
        ex = explain(scorer, mentee=i, mentor=j, labels=labels)
        total, allowed, _ = scorer.evaluate([i], [j])
        crit = scorer.criteria([i], [j])
        # then
        assert ex.score == total[0]
        assert ex.allowed == bool(allowed[0])
        assert ex.allowed == (len(ex.blocked) == 0)
        assert sum(c.contribution for c in ex.criteria) == pytest.approx(ex.score, abs=1e-12)
        for c in ex.criteria:
            assert c.value == crit[c.name][0]
            assert c.reason
            assert "#" not in c.reason
