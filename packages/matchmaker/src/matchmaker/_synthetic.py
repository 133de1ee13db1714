"""Seeded synthetic mentoring pools for tests, demo data and benchmarks.

The distributions imitate a large organisation: skill popularity is Zipf-like, most
people work in a handful of time-zone regions, most speak English plus maybe a first
language, mentors are more senior than mentees, and everyone sits in one org tree
(so reporting-line rules bite).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from matchmaker._features import Labels, PeopleFeatures, working_hours_mask

__all__ = ["synthetic_labels", "synthetic_people", "synthetic_pool"]

_LANGUAGES = ("English", "Spanish", "German", "French", "Portuguese", "Hindi", "Japanese", "Mandarin")
_LANGUAGE_P = np.array([0.55, 0.12, 0.08, 0.07, 0.06, 0.05, 0.04, 0.03])
_VALUES = (
    "Integrity", "Growth", "Curiosity", "Collaboration", "Excellence", "Empathy", "Ownership",
    "Diversity", "Innovation", "Balance", "Transparency", "Courage", "Service", "Humility",
    "Autonomy", "Impact", "Learning", "Respect", "Craft", "Sustainability",
)  # fmt: skip
_SKILL_NAMES = (
    "People management", "Public speaking", "Python", "Negotiation", "Product strategy",
    "Data analysis", "Stakeholder management", "Career planning", "Machine learning",
    "Project management", "Sales", "Finance basics", "UX design", "Cloud architecture",
    "Writing", "Team leadership", "Hiring", "Conflict resolution", "Marketing", "Security",
)  # fmt: skip
_INDUSTRIES = ("Software", "Finance", "Health", "Retail", "Energy", "Education", "Media", "Logistics",
               "Manufacturing", "Public sector", "Telecom", "Consulting")  # fmt: skip
_FUNCTIONS = ("Engineering", "Product", "Design", "Sales", "Marketing", "Finance", "HR", "Operations",
              "Legal", "Support", "Research", "Data", "IT", "Strategy", "Communications")  # fmt: skip
_LEVELS = (
    "Intern",
    "Junior",
    "Associate",
    "Mid",
    "Senior",
    "Lead",
    "Principal",
    "Director",
    "VP",
    "Executive",
)
# (utc offset minutes, share): Americas, Europe, India, East Asia, Australia
_TZ = np.array([-480, -420, -360, -300, 0, 60, 120, 330, 480, 540, 600])
_TZ_P = np.array([0.08, 0.04, 0.08, 0.14, 0.14, 0.22, 0.06, 0.12, 0.06, 0.03, 0.03])


def synthetic_labels(n_skills: int = 200) -> Labels:
    """Names matching :func:`synthetic_pool`'s vocabularies.

    Examples
    --------
    >>> synthetic_labels(30).skills[0]
    'People management'
    """
    skills = tuple(_SKILL_NAMES[s] if s < len(_SKILL_NAMES) else f"Skill {s}" for s in range(n_skills))
    return Labels(
        skills=skills,
        values=_VALUES,
        industries=_INDUSTRIES,
        functions=_FUNCTIONS,
        levels=_LEVELS,
        languages=_LANGUAGES,
    )


def _multi_hot(
    rng: np.random.Generator,
    n: int,
    size: int,
    counts: npt.NDArray[np.int64],
    p: npt.NDArray[np.floating[Any]],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Rows and columns of ``counts[r]`` distinct items per row drawn with popularity ``p``."""
    # Gumbel top-k: weighted sampling without replacement, vectorised over rows
    kmax = int(counts.max(initial=0))
    if kmax == 0 or n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    rows_out: list[npt.NDArray[np.int64]] = []
    cols_out: list[npt.NDArray[np.int64]] = []
    logp = np.log(p)
    for start in range(0, n, 8192):
        stop = min(n, start + 8192)
        keys = logp[None, :] + rng.gumbel(size=(stop - start, size))
        top = np.argpartition(-keys, kmax - 1, axis=1)[:, :kmax] if kmax < size else np.argsort(-keys, axis=1)
        order = np.take_along_axis(keys, top, axis=1).argsort(axis=1)[:, ::-1]
        top = np.take_along_axis(top, order, axis=1)
        take = np.arange(top.shape[1])[None, :] < counts[start:stop, None]
        r, c = np.nonzero(take)
        rows_out.append(r + start)
        cols_out.append(top[r, c])
    return np.concatenate(rows_out), np.concatenate(cols_out)


def synthetic_people(
    n: int,
    *,
    rng: np.random.Generator,
    role: str = "mentee",
    n_skills: int = 200,
    id_offset: int = 0,
    managers: npt.NDArray[np.int64] | None = None,
) -> PeopleFeatures:
    """One side of a synthetic pool.

    Parameters
    ----------
    n : int
        Number of people.
    rng : numpy.random.Generator
        Source of randomness (the only one).
    role : {"mentee", "mentor"}, default "mentee"
        Mentees have ~3 goals and junior levels; mentors offer ~5 skills with levels and
        are more senior.
    n_skills : int, default 200
        Taxonomy size (Zipf-like popularity).
    id_offset : int, default 0
        Ids are ``id_offset .. id_offset + n - 1``.
    managers : ndarray of int64, shape (n, depth), optional
        Manager chains (ids); none by default. :func:`synthetic_pool` fills them.

    Returns
    -------
    PeopleFeatures

    Raises
    ------
    ValueError
        If ``n`` is negative, ``n_skills < 1``, ``role`` is unknown, or the ids would not
        fit in int64 (or be negative).

    Examples
    --------
    >>> people = synthetic_people(5, rng=np.random.default_rng(0), role="mentor")
    >>> people.n, people.skills.shape
    (5, (5, 200))
    """
    if n < 0:
        raise ValueError("n must be non-negative")
    if n_skills < 1:
        raise ValueError("n_skills must be at least 1")
    if role not in ("mentee", "mentor"):
        raise ValueError("role must be 'mentee' or 'mentor'")
    if not 0 <= id_offset <= np.iinfo(np.int64).max - n:  # (ids must not wrap round)
        raise ValueError(f"id_offset must lie in [0, {np.iinfo(np.int64).max} - n]")
    mentor = role == "mentor"
    skill_p = 1.0 / np.arange(1, n_skills + 1) ** 0.8
    skill_p /= skill_p.sum()

    # skills offered (mentors ~5 with levels skewed high; mentees ~1, low levels)
    k_off = np.clip(rng.poisson(5.0 if mentor else 1.0, n), 1 if mentor else 0, min(12, n_skills))
    r, c = _multi_hot(rng, n, n_skills, k_off.astype(np.int64), skill_p)
    lv = rng.choice(
        np.arange(1, 5), size=r.shape[0], p=[0.1, 0.25, 0.35, 0.3] if mentor else [0.4, 0.4, 0.15, 0.05]
    )
    skills = sp.csr_array((lv.astype(np.float32) / 4, (r, c)), shape=(n, n_skills))
    # goals (mentees ~3; mentors ~1)
    k_goal = np.clip(rng.poisson(1.0 if mentor else 3.0, n), 0 if mentor else 1, min(8, n_skills))
    r, c = _multi_hot(rng, n, n_skills, k_goal.astype(np.int64), skill_p)
    goals = sp.csr_array((np.ones(r.shape[0], np.float32), (r, c)), shape=(n, n_skills))
    for mat in (skills, goals):
        mat.sort_indices()

    # work values: 2-4 of 20
    n_values = len(_VALUES)
    value_p = 1.0 / np.arange(1, n_values + 1) ** 0.5
    r, c = _multi_hot(rng, n, n_values, rng.integers(2, 5, n), value_p / value_p.sum())
    values = np.zeros((n, 1), dtype=np.uint64)
    np.bitwise_or.at(values[:, 0], r, np.left_shift(np.uint64(1), c.astype(np.uint64)))

    # languages: a first language, plus English for most non-native speakers
    n_lang = len(_LANGUAGES)
    primary = rng.choice(n_lang, size=n, p=_LANGUAGE_P).astype(np.int32)
    langs = np.left_shift(np.uint64(1), primary.astype(np.uint64))
    english = (primary != 0) & (rng.random(n) < 0.85)
    langs = langs | np.where(english, np.uint64(1), np.uint64(0))
    extra = rng.integers(0, n_lang, n).astype(np.uint64)
    langs = langs | np.where(rng.random(n) < 0.15, np.left_shift(np.uint64(1), extra), np.uint64(0))

    tz = rng.choice(_TZ, size=n, p=_TZ_P).astype(np.int32)
    start = rng.choice(np.array([8.0, 8.5, 9.0, 9.0, 10.0]), size=n)
    hours = working_hours_mask(tz, start, start + 8.0)
    formats = (rng.random((n, 4)) < np.array([0.9, 0.35, 0.4, 0.2])).astype(np.uint8)
    formats[:, 0] |= (formats.sum(axis=1) == 0).astype(np.uint8)  # everyone has a format
    fmt = (formats * np.array([1, 2, 4, 8], dtype=np.uint8)).sum(axis=1).astype(np.uint8)
    if mentor:
        level = np.clip(np.rint(rng.normal(5.5, 1.6, n)), 2, 9)
        hpm = rng.choice(np.array([2.0, 3.0, 4.0, 6.0, 8.0]), size=n)
    else:
        level = np.clip(np.rint(rng.normal(2.5, 1.4, n)), 0, 7)
        hpm = rng.choice(np.array([1.0, 2.0, 2.0, 3.0, 4.0]), size=n)
    return PeopleFeatures(
        ids=np.arange(id_offset, id_offset + n, dtype=np.int64),
        skills=skills,
        goals=goals,
        explicit_goals=goals,
        values=values,
        languages=langs[:, None].astype(np.uint64),
        primary_language=primary,
        industry=rng.integers(0, len(_INDUSTRIES), n).astype(np.int32),
        function=rng.integers(0, len(_FUNCTIONS), n).astype(np.int32),
        department=rng.integers(0, 40, n).astype(np.int32),
        level=level.astype(np.int32),
        utc_offset=tz,
        hours=hours,
        formats=fmt,
        hours_per_month=hpm.astype(np.float32),
        managers=managers if managers is not None else np.full((n, 1), -1, dtype=np.int64),
        n_values=n_values,
        n_languages=n_lang,
    )


def synthetic_pool(
    n_mentees: int,
    n_mentors: int,
    *,
    rng: np.random.Generator,
    n_skills: int = 200,
    reporting_depth: int = 4,
) -> tuple[PeopleFeatures, PeopleFeatures]:
    """Mentees and mentors of one organisation, with a shared org tree.

    Mentees get ids ``0..n_mentees-1`` and mentors the ids after them. Each person's
    manager is a random more senior person of the same department (mentors are drawn
    among the managers, so some mentees report to some mentors).

    Parameters
    ----------
    n_mentees, n_mentors : int
        Pool sizes.
    rng : numpy.random.Generator
        Source of randomness.
    n_skills : int, default 200
        Taxonomy size.
    reporting_depth : int, default 4
        Length of the stored manager chains.

    Returns
    -------
    (PeopleFeatures, PeopleFeatures)
        Mentees and mentors.

    Raises
    ------
    ValueError
        If a size is negative.

    Examples
    --------
    >>> mentees, mentors = synthetic_pool(30, 10, rng=np.random.default_rng(1))
    >>> mentees.n, mentors.n, int(mentors.ids[0])
    (30, 10, 30)
    """
    if n_mentees < 0 or n_mentors < 0:
        raise ValueError("n_mentees and n_mentors must be non-negative")
    mentees = synthetic_people(n_mentees, rng=rng, role="mentee", n_skills=n_skills)
    mentors = synthetic_people(n_mentors, rng=rng, role="mentor", n_skills=n_skills, id_offset=n_mentees)
    n = n_mentees + n_mentors
    level = np.concatenate([mentees.level, mentors.level]).astype(np.int64)
    dept = np.concatenate([mentees.department, mentors.department]).astype(np.int64)
    # manager: a random person of the same department one or more levels up (the
    # most senior people report to no one); vectorised via sorting by (dept, level)
    order = np.lexsort((rng.random(n), level, dept))
    key = dept[order] * 100 + level[order]
    first_above = np.searchsorted(key, dept[order] * 100 + level[order] + 1)
    dept_end = np.searchsorted(key, dept[order] * 100 + 100)
    span = dept_end - first_above
    pick = first_above + (rng.random(n) * np.maximum(span, 1)).astype(np.int64)
    mgr_pos = np.where(span > 0, order[np.minimum(pick, n - 1)], -1)
    manager = np.full(n, -1, dtype=np.int64)
    manager[order] = mgr_pos
    chains = np.full((n, reporting_depth), -1, dtype=np.int64)
    cur = manager.copy()
    for d in range(reporting_depth):
        chains[:, d] = cur
        cur = np.where(cur >= 0, manager[np.maximum(cur, 0)], -1)
    # indices are ids here (mentees 0.., mentors after)
    mentees = _with_managers(mentees, chains[:n_mentees])
    mentors = _with_managers(mentors, chains[n_mentees:])
    return mentees, mentors


def _with_managers(people: PeopleFeatures, managers: npt.NDArray[np.int64]) -> PeopleFeatures:
    fields = {name: getattr(people, name) for name in PeopleFeatures.__dataclass_fields__}
    fields["managers"] = managers
    return PeopleFeatures(**fields)
