"""Score model: criteria values, weighted mean, must-filters and hard rules."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from matchmaker import (
    CRITERIA,
    DEFAULT_WEIGHTS,
    PeopleFeatures,
    ScoreModel,
    Scorer,
    SkillTextMatcher,
    people_features,
    synthetic_people,
    synthetic_pool,
    working_hours_mask,
)


def _mentee(**kw: Any) -> PeopleFeatures:
    base: dict[str, Any] = {"n_skills": 4, "n_values": 8, "n_languages": 4, "languages": [[0]], "level": [1]}
    base.update(kw)
    ids = base.pop("ids", [1])
    return people_features(ids, **base)


def _mentors(n: int, **kw: Any) -> PeopleFeatures:
    base: dict[str, Any] = {
        "n_skills": 4,
        "n_values": 8,
        "n_languages": 4,
        "languages": [[0]] * n,
        "level": [3] * n,
    }
    base.update(kw)
    ids = base.pop("ids", list(range(100, 100 + n)))
    return people_features(ids, **base)


def _value(model: ScoreModel, a: PeopleFeatures, b: PeopleFeatures, name: str) -> float:
    return float(Scorer(model, a, b).criteria([0], [0])[name][0])


# --------------------------------------------------------------------------- criteria


def test_goals_weighted_by_mentor_level() -> None:
    # given a mentee with two goals, a mentor expert in one and intermediate in the other
    a = _mentee(goals=[[0, 1]])
    b = _mentors(1, skills=[{0: 4, 1: 2}])
    # when
    value = _value(ScoreModel(), a, b, "goals")
    # then the mean coverage is (1 + 0.5) / 2
    assert value == pytest.approx(0.75)


def test_goals_related_skill_serves_goal() -> None:
    # given goal 0 ("people management") served at 0.5 by skill 2 ("team leadership")
    a = _mentee(goals=[[0]])
    b = _mentors(1, skills=[{2: 4}])
    rel = sp.csr_array(([0.5], ([0], [2])), shape=(4, 4))
    # when
    value = _value(ScoreModel(skill_relations=rel), a, b, "goals")
    # then
    assert value == pytest.approx(0.5)


def test_goals_text_goal_inferred_with_similarity_weight() -> None:
    # given a matcher and a mentee who only wrote free text about public speaking
    matcher = SkillTextMatcher(
        ["public speaking presenting talks", "python programming code", "finance", "sales"]
    )
    a = _mentee(goal_text=["I want to give talks and present with confidence"], text_matcher=matcher)
    b = _mentors(2, skills=[{0: 4}, {1: 4}])
    # when
    vals = Scorer(ScoreModel(), a, b).criteria([0, 0], [0, 1])["goals"]
    # then the speaking mentor fits and the programmer does not
    assert 0 < a.goals.toarray()[0, 0] < 1
    assert vals[0] == pytest.approx(1.0)
    assert vals[1] == 0.0


def test_values_dice_overlap() -> None:
    # given value sets {0,1,2} and {1,2,3}
    a = _mentee(values=[[0, 1, 2]])
    b = _mentors(1, values=[[1, 2, 3]])
    # when / then 2*2 / (3+3)
    assert _value(ScoreModel(), a, b, "values") == pytest.approx(4 / 6)


def test_industry_counts_known_fields_only() -> None:
    # given the same industry, different function; then a mentee whose function is unknown
    b = _mentors(1, industry=[3], function=[5])
    both = _mentee(industry=[3], function=[4])
    ind_only = _mentee(industry=[3])
    # when / then
    assert _value(ScoreModel(), both, b, "industry") == pytest.approx(0.5)
    assert _value(ScoreModel(), ind_only, b, "industry") == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("kind", "mentee_level", "mentor_level", "expected"),
    [
        ("traditional", 1, 3, 1.0),  # 2 above, inside [1, 3]
        ("traditional", 1, 5, 0.5),  # 4 above: one outside the window
        ("traditional", 1, 6, 0.25),
        ("traditional", 3, 3, 0.0),  # not above
        ("traditional", 3, 2, 0.0),
        ("peer", 3, 3, 1.0),
        ("peer", 3, 4, 0.5),
        ("peer", 3, 1, 0.25),
    ],
)
def test_level_fit_by_program_kind(kind: str, mentee_level: int, mentor_level: int, expected: float) -> None:
    # given
    a = _mentee(level=[mentee_level])
    b = _mentors(1, level=[mentor_level])
    # when / then
    assert _value(ScoreModel(kind=kind), a, b, "level") == pytest.approx(expected)  # type: ignore[arg-type]


def test_level_reverse_needs_junior_expert() -> None:
    # given a senior mentee wanting skill 0, two juniors: one expert in it, one not
    a = _mentee(level=[6], goals=[[0]])
    b = _mentors(2, level=[4, 4], skills=[{0: 4}, {1: 4}])
    # when
    vals = Scorer(ScoreModel(kind="reverse"), a, b).criteria([0, 0], [0, 1])["level"]
    # then
    assert vals.tolist() == [1.0, 0.0]


def test_timezone_overlap_in_hours() -> None:
    # given 9-17 UTC versus 9-17 at UTC+2 (6 h overlap) and UTC+6 (2 h overlap)
    a = _mentee(utc_offset_minutes=[0])
    b = _mentors(2, utc_offset_minutes=[120, 360])
    # when
    vals = Scorer(ScoreModel(target_overlap_hours=4), a, b).criteria([0, 0], [0, 1])["timezone"]
    # then
    assert vals.tolist() == [1.0, 0.5]


def test_availability_format_and_hours() -> None:
    # given a shared format and a mentor offering half the wanted hours
    a = _mentee(formats=[["video"]], hours_per_month=[4])
    b = _mentors(2, formats=[["video", "chat"], ["phone"]], hours_per_month=[2, 8])
    # when
    vals = Scorer(ScoreModel(), a, b).criteria([0, 0], [0, 1])["availability"]
    # then
    assert vals.tolist() == [0.75, 0.5]


def test_language_first_language_scores_full() -> None:
    # given a mentee speaking 0 (first) and 1
    a = _mentee(languages=[[0, 1]])
    b = _mentors(3, languages=[[0], [1, 2], [3]])
    # when
    vals = Scorer(ScoreModel(require_shared_language=False), a, b).criteria([0] * 3, [0, 1, 2])["language"]
    # then
    assert vals.tolist() == [1.0, 0.5, 0.0]


def test_preferences_preferred_neutral_avoided() -> None:
    # given mentee 1 prefers mentor 100 and avoids 101
    a = _mentee()
    b = _mentors(3)
    model = ScoreModel(preferred_pairs=[(1, 100)], avoided_pairs=[(1, 101)])
    # when
    scorer = Scorer(model, a, b)
    vals = scorer.criteria([0] * 3, [0, 1, 2])["preferences"]
    # then the avoided mentor is also forbidden
    assert vals.tolist() == [1.0, 0.0, 0.5]
    assert scorer.allowed([0] * 3, [0, 1, 2]).tolist() == [True, False, True]


# --------------------------------------------------------------------------- score


def test_score_is_weighted_mean() -> None:
    # given a pair and a model with two weighted criteria
    a = _mentee(goals=[[0]], values=[[0, 1]])
    b = _mentors(1, skills=[{0: 2}], values=[[0, 1]])
    model = ScoreModel(weights={"goals": 6, "values": 2})
    # when
    score = Scorer(model, a, b).score([0], [0])[0]
    # then the weighted mean is 5/8: goals 0.5 at weight 6, values 1 at weight 2
    assert score == pytest.approx(5 / 8)


def test_score_forbidden_is_minus_inf() -> None:
    # given no shared language
    a = _mentee(languages=[[0]])
    b = _mentors(1, languages=[[1]])
    # when / then
    assert Scorer(ScoreModel(), a, b).score([0], [0])[0] == -np.inf


def test_matrix_equals_pairwise_scores() -> None:
    # given a synthetic pool
    a, b = synthetic_pool(40, 15, rng=np.random.default_rng(3))
    scorer = Scorer(ScoreModel(), a, b)
    # when
    dense = scorer.matrix(chunk_cells=97)
    rows, cols = np.meshgrid(np.arange(40), np.arange(15), indexing="ij")
    # then
    np.testing.assert_array_equal(dense, scorer.score(rows.ravel(), cols.ravel()).reshape(40, 15))


# --------------------------------------------------------------------------- must and hard rules


def test_must_goals_forbids_zero_coverage() -> None:
    # given one mentor covering the goal and one not
    a = _mentee(goals=[[0]])
    b = _mentors(2, skills=[{0: 1}, {1: 4}])
    # when
    allowed = Scorer(ScoreModel(must={"goals"}), a, b).allowed([0, 0], [0, 1])
    # then
    assert allowed.tolist() == [True, False]


def test_must_level_requires_window_and_threshold_overrides() -> None:
    # given mentors 2 and 4 levels above (inside / outside [1, 3])
    a = _mentee(level=[1])
    b = _mentors(2, level=[3, 5])
    # when
    strict = Scorer(ScoreModel(must={"level"}), a, b).allowed([0, 0], [0, 1])
    loose = Scorer(ScoreModel(must={"level"}, must_min={"level": 0.5}), a, b).allowed([0, 0], [0, 1])
    # then
    assert strict.tolist() == [True, False]
    assert loose.tolist() == [True, True]


def test_reporting_line_blocked_both_ways_and_deep() -> None:
    # given an org: 1 reports to 2, 2 to 3, 3 to 4; 5 reports to 1; 9 is elsewhere
    org = {1: 2, 2: 3, 3: 4, 5: 1, 9: 8}
    a = _mentee(ids=[1], manager_of=org)
    b = _mentors(4, ids=[3, 5, 9, 4], manager_of=org, level=[3, 3, 3, 3])
    # when
    allowed = Scorer(ScoreModel(), a, b).allowed([0] * 4, [0, 1, 2, 3])
    shallow = Scorer(
        ScoreModel(),
        _mentee(ids=[1], manager_of=org, reporting_depth=1),
        _mentors(4, ids=[3, 5, 9, 4], manager_of=org, reporting_depth=1),
    ).allowed([0] * 4, [0, 1, 2, 3])
    off = Scorer(ScoreModel(separate_reporting_lines=False), a, b).allowed([0] * 4, [0, 1, 2, 3])
    # then grand-manager (3), report (5) and great-grand-manager (4) are blocked
    assert allowed.tolist() == [False, False, True, False]
    assert shallow.tolist() == [True, False, True, True]
    assert off.all()


def test_department_excluded_pairs_same_person_and_tz_gap() -> None:
    # given
    a = _mentee(ids=[7], department=[2], utc_offset_minutes=[0])
    b = _mentors(4, ids=[7, 8, 9, 10], department=[1, 2, 1, 1], utc_offset_minutes=[0, 0, 0, 600])
    model = ScoreModel(require_different_department=True, excluded_pairs=[(7, 9)], max_tz_gap_hours=6)
    # when
    allowed = Scorer(model, a, b).allowed([0] * 4, [0, 1, 2, 3])
    # then: same person, same department, declined before, 10 h apart
    assert allowed.tolist() == [False, False, False, False]
    assert Scorer(ScoreModel(), a, b).allowed([0] * 3, [1, 2, 3]).all()


def test_tz_gap_is_circular() -> None:
    # given UTC+12 and UTC-11 (one hour apart around the date line)
    a = _mentee(utc_offset_minutes=[720])
    b = _mentors(1, utc_offset_minutes=[-660])
    # when / then
    assert Scorer(ScoreModel(max_tz_gap_hours=2), a, b).allowed([0], [0])[0]


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"weights": {"charisma": 1}}, "weights"),
        ({"weights": {"goals": 11}}, "weights"),
        ({"weights": {"goals": 0}}, "weights"),
        ({"must": {"charisma"}}, "must"),
        ({"kind": "buddy"}, "kind"),
        ({"min_level_gap": 3, "max_level_gap": 1}, "max_level_gap"),
        ({"min_level_gap": -1}, "min_level_gap"),
        ({"target_overlap_hours": 0}, "target_overlap_hours"),
        ({"max_tz_gap_hours": -1}, "max_tz_gap_hours"),
        ({"excluded_pairs": [(1, 2, 3)]}, "excluded_pairs"),
        ({"must_min": {"goals": 2.0}}, "must_min"),
        # NaN settings once scored every pair NaN (or forbade every pair) without an error
        ({"target_overlap_hours": float("nan")}, "target_overlap_hours"),
        ({"target_overlap_hours": float("inf")}, "target_overlap_hours"),
        ({"max_tz_gap_hours": float("nan")}, "max_tz_gap_hours"),
        ({"skill_relations": sp.csr_array(np.array([[1.0, np.nan], [0.0, 1.0]]))}, "skill_relations"),
        ({"min_level_gap": 1.5}, "min_level_gap must be a whole number"),
        ({"max_level_gap": float("nan")}, "max_level_gap must be a whole number"),
        ({"max_level_gap": 2**70}, r"max_level_gap must lie in \[-4611686018427387904, "),
        ({"min_level_gap": "2"}, "min_level_gap must be a whole number, got '2'"),
    ],
)
def test_score_model_bad_input_raises(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        ScoreModel(**kwargs)  # type: ignore[arg-type]


def test_scorer_bad_input_raises() -> None:
    # given sides with different taxonomies
    a = _mentee()
    b = people_features([5], n_skills=3, n_values=8, n_languages=4)
    with pytest.raises(ValueError, match="n_skills"):
        Scorer(ScoreModel(), a, b)
    scorer = Scorer(ScoreModel(), a, _mentors(1))
    with pytest.raises(ValueError, match="mentor_idx"):
        scorer.score([0], [1])
    with pytest.raises(ValueError, match="mentee_idx"):
        scorer.score([-1], [0])
    with pytest.raises(ValueError, match="broadcast"):
        scorer.score([0, 0], [0, 0, 0])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"skills": [{0: 5}]}, "levels"),
        ({"skills": [{9: 1}]}, "skills"),
        ({"goals": [[0], [1]]}, "goals"),
        ({"values": [[70]]}, "values"),
        ({"formats": [["carrier pigeon"]]}, "formats"),
        ({"goal_text": ["x"]}, "text_matcher"),
        ({"hours_per_month": [-1]}, "hours_per_month"),
        ({"industry": [1, 2]}, "industry"),
        # found by fuzzing: each was silently wrong (NaN scores, wrap-around, truncation)
        ({"hours_per_month": [float("nan")]}, "hours_per_month"),
        ({"hours_per_month": [float("inf")]}, "hours_per_month"),
        ({"working_hours": (float("nan"), 17)}, "working_hours"),
        ({"working_hours": [(9, float("nan"))]}, "end_hour"),
        ({"text_expertise_weight": 2.0}, "text_expertise_weight"),
        ({"skills": [{"0": 4}]}, r"skills\[0\] ids must be integers"),  # "0", 0.5 and 0 added up
        ({"skills": [None]}, r"skills\[0\] must map"),
        ({"goals": [[1.9]]}, "goals ids must hold whole numbers"),  # was skill 1
        ({"values": [[2**70]]}, "values ids"),
        ({"languages": [[2**40]]}, "languages ids"),
        ({"department": [2**32]}, "department must lie in"),  # wrapped to department 0
        ({"level": [1.7]}, "level must hold whole numbers"),
        ({"level": [10**7]}, "level must lie in"),  # sized a 20M-entry table
        ({"utc_offset_minutes": [2**32 + 600]}, "utc_offset_minutes"),
        ({"reporting_depth": 2.5}, "reporting_depth"),
        ({"manager_of": {1: -5}}, "manager_of ids"),  # -1 pads the chains: a negative boss broke them
        ({"goal_text": [None], "text_matcher": SkillTextMatcher(["a", "b", "c", "d"])}, r"goal_text\[0\]"),
    ],
)
def test_people_features_bad_input_raises(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        people_features([1], n_skills=4, **kwargs)  # type: ignore[arg-type]


def test_people_features_ids_must_be_unique() -> None:
    with pytest.raises(ValueError, match="ids"):
        people_features([1, 1], n_skills=2)
    for ids, match in (([1.5, 2.7], "whole numbers"), ([-5], r"lie in \[0"), ([[1, 2]], "one-dimensional")):
        with pytest.raises(ValueError, match=match):
            people_features(ids, n_skills=2)


def test_people_features_working_hours_per_person_as_two_lists() -> None:
    # a pair of per-person lists is not one (start, end) for everyone
    f = people_features([1, 2], n_skills=2, working_hours=([9, 17], [22, 6]))
    assert np.bitwise_count(f.hours).tolist() == [16, 16]
    assert people_features([], n_skills=2, working_hours=[]).hours.shape == (0,)
    with pytest.raises(ValueError, match="working_hours"):
        people_features([], n_skills=2, working_hours=(30, 40))


def test_working_hours_mask_equal_start_and_end_is_no_hours() -> None:
    # 24:00-24:00 (and what rounds to it) was a full day; 0-24 is one
    for start, end in ((24, 24), (23.9, 23.9), (23.8, 24), (5, 5), (0, 0)):
        assert int(np.bitwise_count(working_hours_mask([0], start, end))[0]) == 0
    assert int(np.bitwise_count(working_hours_mask([0], 0, 24))[0]) == 48
    assert int(np.bitwise_count(working_hours_mask([0], 24, 8))[0]) == 16
    for bad in ({"utc_offset_minutes": [np.inf]}, {"utc_offset_minutes": [0], "start_hour": np.nan}):
        with pytest.raises(ValueError, match=r"utc_offset_minutes|start_hour"):
            working_hours_mask(**bad)


def test_synthetic_people_bad_input_raises() -> None:
    rng = np.random.default_rng(0)
    for kwargs, match in (
        ({"n": -1}, "n must"),
        ({"n": 2, "role": "coach"}, "role"),
        ({"n": 3, "id_offset": 2**63 - 2}, "id_offset"),  # the ids wrapped round to negative
        ({"n": 1, "id_offset": -1}, "id_offset"),
    ):
        with pytest.raises(ValueError, match=match):
            synthetic_people(rng=rng, **kwargs)
    assert synthetic_people(2, rng=rng, id_offset=2**63 - 3).ids.tolist() == [2**63 - 3, 2**63 - 2]


def test_skill_text_matcher_keeps_at_most_top_on_ties() -> None:
    m = SkillTextMatcher(["python"] * 3, top=1)
    assert m.match(["python"]).nnz == 1
    assert m.match(["python"]).indices.tolist() == [0]  # the lowest skill id of the tie
    for kwargs, match in (({"top": 1.5}, "top"), ({"n_buckets": 0}, "n_buckets")):
        with pytest.raises(ValueError, match=match):
            SkillTextMatcher(["python"], **kwargs)


def test_working_hours_mask_night_shift() -> None:
    # given a 22:00-06:00 shift at UTC
    mask = working_hours_mask([0], 22, 6)
    # then 8 hours, including 23:30 and 00:00
    assert int(np.bitwise_count(mask)[0]) == 16
    assert int(mask[0]) >> 47 & 1
    assert int(mask[0]) & 1


# --------------------------------------------------------------------------- properties

_kinds: st.SearchStrategy[Literal["traditional", "reverse", "peer"]] = st.sampled_from(
    ["traditional", "reverse", "peer"]
)


@st.composite
def _models(draw: st.DrawFn) -> ScoreModel:
    weights = {c: draw(st.sampled_from([0.0, 1.0, 2.5, 10.0])) for c in CRITERIA}
    if sum(weights.values()) == 0:
        weights["goals"] = 1.0
    must = draw(st.sets(st.sampled_from(CRITERIA), max_size=2))
    return ScoreModel(
        weights=weights,
        must=must,
        kind=draw(_kinds),
        require_different_department=draw(st.booleans()),
        max_tz_gap_hours=draw(st.sampled_from([None, 3.0, 8.0])),
        preferred_pairs=[(0, 40), (1, 41)],
        avoided_pairs=[(2, 42)],
        excluded_pairs=[(3, 43)],
    )


@settings(max_examples=40, deadline=None)
@given(model=_models(), seed=st.integers(0, 10_000))
def test_property_criteria_and_score_in_unit_interval(model: ScoreModel, seed: int) -> None:
    # given a random pool and model
    a, b = synthetic_pool(40, 20, rng=np.random.default_rng(seed))
    scorer = Scorer(model, a, b)
    i = np.repeat(np.arange(40), 20)
    j = np.tile(np.arange(20), 40)
    # when
    crit = scorer.criteria(i, j)
    total, allowed, _used = scorer.evaluate(i, j)
    # then every value lies in [0, 1] and the score is the weighted mean
    for name in CRITERIA:
        assert np.all((crit[name] >= 0) & (crit[name] <= 1)), name
    assert np.all((total >= 0) & (total <= 1 + 1e-12))
    manual = sum(model.weights[c] * crit[c] for c in CRITERIA) / model.total_weight
    np.testing.assert_allclose(total, manual, rtol=1e-12, atol=1e-12)
    # and must-filters are hard
    for name in model.must:
        assert np.all(crit[name][allowed] >= model.threshold(name))
    # and the layout of the batch never changes a score (broadcast vs flat)
    grid = scorer.score(np.arange(40)[:, None], np.arange(20)[None, :])
    np.testing.assert_array_equal(grid.ravel(), scorer.score(i, j))


def test_default_weights_cover_all_criteria() -> None:
    assert set(DEFAULT_WEIGHTS) == set(CRITERIA)
    assert ScoreModel().total_weight == pytest.approx(sum(DEFAULT_WEIGHTS.values()))
