"""People as arrays: the numeric form of profiles that the score model reads.

The Django ``matching`` app turns profiles into a :class:`PeopleFeatures` with
:func:`people_features` (plain Python lists in, arrays out). Mentees and mentors use
the same class; each side simply leaves unused fields empty (a mentee's offered skills
matter only in peer and reverse programs).

Set-valued fields over small vocabularies (values, languages) are packed bitsets, so a
pair's overlap is one ``&`` and a popcount; skills and goals live in a taxonomy of
possibly thousands of entries and are sparse matrices.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from matchmaker._validation import check_int, check_whole

__all__ = [
    "FORMATS",
    "HALF_HOURS",
    "Labels",
    "PeopleFeatures",
    "SkillTextMatcher",
    "people_features",
    "working_hours_mask",
]

#: Meeting formats, in bit order of :attr:`PeopleFeatures.formats`.
FORMATS: tuple[str, ...] = ("video", "in person", "chat", "phone")
#: Working hours are a 48-bit mask of the half-hour slots of the UTC day.
HALF_HOURS = 48

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Labels:
    """Human-readable names used by :func:`matchmaker.explain` (all optional).

    Each tuple is indexed by the integer ids used in :class:`PeopleFeatures`;
    a missing name falls back to ``"skill #7"`` and the like.
    """

    skills: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    skill_levels: tuple[str, ...] = ("beginner", "intermediate", "advanced", "expert")


@dataclass(frozen=True, slots=True, eq=False)
class PeopleFeatures:
    """``n`` people as arrays (one side of a matching pool).

    Build it with :func:`people_features`; the constructor only checks shapes.

    Attributes
    ----------
    ids : ndarray of int64, shape (n,)
        Person ids (unique); pair rules (excluded, preferred) and reporting lines refer to them.
    skills : scipy.sparse.csr_array of float32, shape (n, n_skills)
        Offered expertise in ``(0, 1]``: declared level / max level, or weaker evidence
        inferred from free text.
    goals : scipy.sparse.csr_array of float32, shape (n, n_skills)
        Development-goal weights in ``(0, 1]``: ``1`` for a goal picked from the taxonomy,
        less for a goal inferred from the goal free text (its text similarity).
    explicit_goals : scipy.sparse.csr_array of float32, shape (n, n_skills)
        Multi-hot of the goals picked from the taxonomy (to phrase reasons).
    values : ndarray of uint64, shape (n, ceil(n_values / 64))
        Work values as a packed bitset.
    languages : ndarray of uint64, shape (n, ceil(n_languages / 64))
        Spoken languages as a packed bitset.
    primary_language : ndarray of int32, shape (n,)
        First language (``-1`` unknown).
    industry, function, department : ndarray of int32, shape (n,)
        Category ids, ``-1`` unknown.
    level : ndarray of int32, shape (n,)
        Career level on the organisation's ordered scale (``0`` most junior), ``-1`` unknown.
    utc_offset : ndarray of int32, shape (n,)
        UTC offset in minutes.
    hours : ndarray of uint64, shape (n,)
        Working hours: bit ``k`` set when the person works in UTC half-hour ``k`` (0..47).
    formats : ndarray of uint8, shape (n,)
        Meeting formats bitmask in :data:`FORMATS` order.
    hours_per_month : ndarray of float32, shape (n,)
        Mentoring time offered (mentor) or wanted (mentee); ``0`` unknown.
    managers : ndarray of int64, shape (n, depth)
        Ids of the manager chain (direct manager first), ``-1`` padded.
    n_values, n_languages : int
        Vocabulary sizes of the bitsets.
    """

    ids: IntArray
    skills: sp.csr_array
    goals: sp.csr_array
    explicit_goals: sp.csr_array
    values: npt.NDArray[np.uint64]
    languages: npt.NDArray[np.uint64]
    primary_language: npt.NDArray[np.int32]
    industry: npt.NDArray[np.int32]
    function: npt.NDArray[np.int32]
    department: npt.NDArray[np.int32]
    level: npt.NDArray[np.int32]
    utc_offset: npt.NDArray[np.int32]
    hours: npt.NDArray[np.uint64]
    formats: npt.NDArray[np.uint8]
    hours_per_month: npt.NDArray[np.float32]
    managers: IntArray
    n_values: int
    n_languages: int

    def __post_init__(self) -> None:
        n = self.ids.shape[0]
        if self.ids.ndim != 1:
            raise ValueError("ids must be one-dimensional")
        for name in ("skills", "goals", "explicit_goals"):
            mat = getattr(self, name)
            if mat.shape[0] != n:
                raise ValueError(f"{name} must have one row per person ({n})")
        if not (self.skills.shape[1] == self.goals.shape[1] == self.explicit_goals.shape[1]):
            raise ValueError("skills and goals must share the taxonomy size (n_skills)")
        for name in (
            "primary_language",
            "industry",
            "function",
            "department",
            "level",
            "utc_offset",
            "hours",
            "formats",
            "hours_per_month",
        ):
            if getattr(self, name).shape != (n,):
                raise ValueError(f"{name} must have shape ({n},)")
        for name in ("values", "languages", "managers"):
            arr = getattr(self, name)
            if arr.ndim != 2 or arr.shape[0] != n:
                raise ValueError(f"{name} must have shape ({n}, width)")
        if np.unique(self.ids).shape[0] != n:
            raise ValueError("ids must be unique")

    @property
    def n(self) -> int:
        """Number of people."""
        return int(self.ids.shape[0])

    @property
    def n_skills(self) -> int:
        """Size of the skills taxonomy."""
        return int(self.skills.shape[1])

    def value_ids(self, person: int) -> list[int]:
        """Work-value ids of one person."""
        return _bits_to_ids(self.values[person])

    def language_ids(self, person: int) -> list[int]:
        """Language ids of one person."""
        return _bits_to_ids(self.languages[person])


# --------------------------------------------------------------------------- helpers


def _bits_to_ids(words: npt.NDArray[np.uint64]) -> list[int]:
    out: list[int] = []
    for w, word in enumerate(words.tolist()):
        rest = int(word)
        while rest:
            low = rest & -rest
            out.append(w * 64 + low.bit_length() - 1)
            rest ^= low
    return out


def _pack_sets(sets: Sequence[Iterable[int]] | None, n: int, size: int, name: str) -> npt.NDArray[np.uint64]:
    width = max(1, -(-size // 64))
    out = np.zeros((n, width), dtype=np.uint64)
    if sets is None:
        return out
    if len(sets) != n:
        raise ValueError(f"{name} must have one entry per person ({n})")
    rows: list[int] = []
    cols: list[object] = []
    for r, items in enumerate(sets):
        for c in items:
            rows.append(r)
            cols.append(c)
    if not cols:
        return out
    col = check_whole(cols, f"{name} ids", lo=0, hi=size - 1)
    bits = np.left_shift(np.uint64(1), (col % 64).astype(np.uint64))
    np.bitwise_or.at(out, (np.asarray(rows, dtype=np.int64), col // 64), bits)
    return out


_INT32_MAX = 2**31 - 1
# Career levels index a table of 2 x (largest level) + 1 gaps in the scorer.
_MAX_LEVEL = 1000


def _int_column(
    values: Sequence[int] | None, n: int, name: str, default: int = -1, *, lo: int = -1, hi: int = _INT32_MAX
) -> npt.NDArray[np.int32]:
    if values is None:
        return np.full(n, default, dtype=np.int32)
    arr = check_whole(values, name, lo=lo, hi=hi)
    if arr.shape != (n,):
        raise ValueError(f"{name} must have one entry per person ({n})")
    return arr.astype(np.int32)


def working_hours_mask(
    utc_offset_minutes: npt.ArrayLike,
    start_hour: npt.ArrayLike = 9.0,
    end_hour: npt.ArrayLike = 17.0,
) -> npt.NDArray[np.uint64]:
    """Working hours in local time as 48-bit masks of UTC half-hours.

    Parameters
    ----------
    utc_offset_minutes : array_like of int
        Offset of local time from UTC, in minutes (rounded to the nearest half hour).
    start_hour, end_hour : array_like of float
        Local start and end of the working day (half-hour resolution). ``end < start``
        means a shift across midnight; ``start == end`` means no working hours.

    Returns
    -------
    ndarray of uint64
        Bit ``k`` is set when the person works in UTC half-hour ``k``.

    Raises
    ------
    ValueError
        If an hour lies outside ``[0, 24]``.

    Examples
    --------
    >>> mask = working_hours_mask([60], 9, 17)   # UTC+1, 9:00-17:00 local = 8:00-16:00 UTC
    >>> int(np.bitwise_count(mask)[0]) / 2
    8.0
    """
    offset = np.atleast_1d(np.asarray(utc_offset_minutes, dtype=np.float64))
    start = np.broadcast_to(np.asarray(start_hour, dtype=np.float64), offset.shape)
    end = np.broadcast_to(np.asarray(end_hour, dtype=np.float64), offset.shape)
    if not np.isfinite(offset).all():
        raise ValueError("utc_offset_minutes must be finite")
    if not np.all((start >= 0) & (start <= 24)):  # (NaN fails too)
        raise ValueError("start_hour must lie in [0, 24]")
    if not np.all((end >= 0) & (end <= 24)):
        raise ValueError("end_hour must lie in [0, 24]")
    slots = np.arange(HALF_HOURS)
    # local half-hour of each UTC slot
    local = (slots[None, :] + np.rint(offset / 30.0).astype(np.int64)[:, None]) % HALF_HOURS
    s_raw = np.rint(start * 2).astype(np.int64)[:, None]
    e_raw = np.rint(end * 2).astype(np.int64)[:, None]
    s2 = s_raw % HALF_HOURS  # 24:00 starts at 0:00
    e2 = e_raw  # an end at 24:00 stays 48
    straight = (local >= s2) & (local < e2)
    wrapped = (local >= s2) | (local < e2)
    # start == end (24-24 included) is no working hours
    on = (s_raw != e_raw) & np.where(e2 >= s2, straight, wrapped)
    weights = np.left_shift(np.uint64(1), slots.astype(np.uint64))
    return np.asarray((on.astype(np.uint64) * weights[None, :]).sum(axis=1, dtype=np.uint64), dtype=np.uint64)


# --------------------------------------------------------------------------- free text

_TOKEN = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    (
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "get",
        "getting",
        "have",
        "how",
        "i",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "more",
        "my",
        "of",
        "on",
        "or",
        "our",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "this",
        "to",
        "want",
        "wants",
        "we",
        "with",
        "you",
        "your",
        "better",
        "good",
        "improve",
        "improving",
        "learn",
        "learning",
        "become",
    )
)
_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ers", "er", "ies", "es", "ed", "s")


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if len(word) - len(suffix) >= 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _tokens(text: str) -> list[str]:
    return [_stem(w) for w in _TOKEN.findall(text.lower()) if w not in _STOP]


class SkillTextMatcher:
    """Map free text onto the skills taxonomy with our own hashed TF-IDF (no downloads).

    Each skill is described by a text (label, synonyms, description). A text is matched
    to the skills whose descriptions it resembles (cosine of hashed, IDF-weighted word
    and word-bigram counts after light suffix stripping).

    Parameters
    ----------
    skill_texts : sequence of str
        One description per skill id.
    top : int, default 3
        Keep at most this many skills per text.
    min_similarity : float, default 0.15
        Drop matches below this cosine similarity.
    n_buckets : int, default 2**18
        Hashing space size (collisions are rare at this size for short texts).

    Raises
    ------
    ValueError
        If ``skill_texts`` is empty, ``top < 1`` or ``min_similarity`` is outside ``[0, 1]``.

    Notes
    -----
    IDF is fitted on the skill descriptions only, so matching a text never depends on
    the other people in the pool. Hashing uses CRC-32, which (unlike Python's ``hash``)
    is stable across processes.

    Examples
    --------
    >>> m = SkillTextMatcher(["public speaking presenting talks", "python programming"])
    >>> sims = m.match(["I want to present talks with confidence"])
    >>> sims.toarray().round(2).tolist()[0][0] > 0
    True
    """

    def __init__(
        self,
        skill_texts: Sequence[str],
        *,
        top: int = 3,
        min_similarity: float = 0.15,
        n_buckets: int = 2**18,
    ) -> None:
        if len(skill_texts) == 0:
            raise ValueError("skill_texts must not be empty")
        top = check_int(top, "top", minimum=1)
        n_buckets = check_int(n_buckets, "n_buckets", minimum=1)
        if not 0.0 <= min_similarity <= 1.0:
            raise ValueError("min_similarity must lie in [0, 1]")
        self.top = top
        self.min_similarity = min_similarity
        self.n_buckets = n_buckets
        counts = self._counts(skill_texts)
        df = np.bincount(counts.indices, minlength=n_buckets)
        n_docs = counts.shape[0]
        self._idf = (np.log((1.0 + n_docs) / (1.0 + df)) + 1.0).astype(np.float32)
        self._skills = self._weigh(counts)

    def _counts(self, texts: Sequence[str]) -> sp.csr_array:
        indptr = [0]
        indices: list[int] = []
        for r, text in enumerate(texts):
            if not isinstance(text, str):
                raise ValueError(f"texts[{r}] must be a string, got {text!r}")
            toks = _tokens(text)
            grams = toks + [a + " " + b for a, b in itertools.pairwise(toks)]
            indices.extend(zlib.crc32(g.encode()) % self.n_buckets for g in grams)
            indptr.append(len(indices))
        data = np.ones(len(indices), dtype=np.float32)
        mat = sp.csr_array(
            (data, np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
            shape=(len(texts), self.n_buckets),
        )
        mat.sum_duplicates()
        return mat

    def _weigh(self, counts: sp.csr_array) -> sp.csr_array:
        tfidf = counts.copy()
        tfidf.data = (1.0 + np.log(tfidf.data)) * self._idf[tfidf.indices]
        norms = np.sqrt(np.asarray((tfidf.multiply(tfidf)).sum(axis=1))).ravel()
        norms[norms == 0] = 1.0
        scaled: sp.csr_array = sp.csr_array(sp.diags_array(1.0 / norms) @ tfidf)
        return scaled

    def match(self, texts: Sequence[str]) -> sp.csr_array:
        """Cosine similarity of each text to its best-matching skills.

        Parameters
        ----------
        texts : sequence of str
            Free texts (empty strings are allowed and match nothing).

        Returns
        -------
        scipy.sparse.csr_array of float32, shape (len(texts), n_skills)
            At most ``top`` entries per row, each at least ``min_similarity``.
        """
        q = self._weigh(self._counts(texts))
        sims = (
            sp.csr_array(q @ self._skills.T).toarray() if len(texts) else np.zeros((0, self._skills.shape[0]))
        )
        n_sk = sims.shape[1]
        keep = min(self.top, n_sk)
        if len(texts) and keep < n_sk:
            cut = np.partition(sims, n_sk - keep, axis=1)[:, n_sk - keep][:, None]
            sims = np.where(sims >= cut, sims, 0.0)
            # ties at the cut: keep the lowest skill ids, so no row has more than ``top``
            for r in np.flatnonzero(np.count_nonzero(sims, axis=1) > keep):
                tied = np.flatnonzero(sims[r] == cut[r, 0])
                sims[r, tied[keep - np.count_nonzero(sims[r] > cut[r, 0]) :]] = 0.0
        sims = np.where(sims >= max(self.min_similarity, 1e-9), np.minimum(sims, 1.0), 0.0)
        return sp.csr_array(sims.astype(np.float32))


# --------------------------------------------------------------------------- builder


def _ancestors(ids: IntArray, manager_of: Mapping[int, int] | None, depth: int) -> IntArray:
    out = np.full((ids.shape[0], depth), -1, dtype=np.int64)
    if manager_of is None or depth == 0:
        return out
    # checked only: a negative manager id would read as the chains' -1 padding
    check_whole(list(manager_of.values()), "manager_of ids", lo=0, hi=np.iinfo(np.int64).max)
    for r, pid in enumerate(ids.tolist()):
        cur = pid
        for d in range(depth):
            nxt = manager_of.get(cur)
            if nxt is None or nxt < 0 or nxt == pid:
                break
            out[r, d] = nxt
            cur = nxt
    return out


def people_features(
    ids: Sequence[int] | npt.ArrayLike,
    *,
    n_skills: int,
    n_values: int = 64,
    n_languages: int = 64,
    skills: Sequence[Mapping[int, float]] | None = None,
    goals: Sequence[Iterable[int]] | None = None,
    goal_text: Sequence[str] | None = None,
    expertise_text: Sequence[str] | None = None,
    text_matcher: SkillTextMatcher | None = None,
    values: Sequence[Iterable[int]] | None = None,
    languages: Sequence[Sequence[int]] | None = None,
    industry: Sequence[int] | None = None,
    function: Sequence[int] | None = None,
    department: Sequence[int] | None = None,
    level: Sequence[int] | None = None,
    utc_offset_minutes: Sequence[int] | None = None,
    working_hours: Sequence[Sequence[float]] | tuple[float, float] = (9.0, 17.0),
    formats: Sequence[Iterable[str]] | None = None,
    hours_per_month: Sequence[float] | None = None,
    manager_of: Mapping[int, int] | None = None,
    reporting_depth: int = 6,
    max_skill_level: int = 4,
    text_expertise_weight: float = 0.5,
) -> PeopleFeatures:
    """Build :class:`PeopleFeatures` from plain Python lists (one entry per person).

    Parameters
    ----------
    ids : sequence of int
        Unique person ids.
    n_skills, n_values, n_languages : int
        Taxonomy sizes (ids of skills, values and languages lie in ``[0, size)``).
    skills : sequence of mapping, optional
        Per person, ``{skill id: level}`` with level in ``1..max_skill_level``.
    goals : sequence of iterable of int, optional
        Per person, development-goal skill ids picked from the taxonomy.
    goal_text : sequence of str, optional
        Per person, free-text development goals; needs ``text_matcher``. Matched skills
        become goals weighted by their similarity (an explicit goal keeps weight 1).
    expertise_text : sequence of str, optional
        Per person, free text about expertise (bio, job title); needs ``text_matcher``.
        Matched skills count as expertise ``text_expertise_weight * similarity`` unless
        declared higher.
    text_matcher : SkillTextMatcher, optional
        Maps free text onto the skills taxonomy.
    values : sequence of iterable of int, optional
        Per person, work-value ids.
    languages : sequence of sequence of int, optional
        Per person, language ids, first language first.
    industry, function, department, level : sequence of int, optional
        Per person, category ids / career level (``-1`` unknown).
    utc_offset_minutes : sequence of int, optional
        Per person, UTC offset in minutes (default 0).
    working_hours : (start, end) or sequence of (start, end), default (9, 17)
        Local working hours (same for everyone, or per person).
    formats : sequence of iterable of str, optional
        Per person, accepted meeting formats among :data:`FORMATS`.
    hours_per_month : sequence of float, optional
        Per person, mentoring hours per month offered (mentor) or wanted (mentee).
    manager_of : mapping of int to int, optional
        The whole organisation's directory ``{person id: manager id}`` (not only this
        pool), so reporting lines through people outside the pool are seen.
    reporting_depth : int, default 6
        How many levels of the manager chain to keep.
    max_skill_level : int, default 4
        Top of the skill-level scale.
    text_expertise_weight : float, default 0.5
        Ceiling of expertise inferred from free text (a declared top level is 1).

    Returns
    -------
    PeopleFeatures

    Raises
    ------
    ValueError
        If a per-person sequence has the wrong length, an id is out of range, a level is
        outside ``1..max_skill_level``, a format is unknown, or text is given without
        ``text_matcher``. Also, naming the field, if an id, category, career level or
        offset is not a whole number or does not fit (person and manager ids are
        non-negative, career levels lie in ``-1..1000``, categories in ``-1..2**31-1``:
        nothing is truncated or wraps round), working hours or ``hours_per_month`` are
        NaN, infinite or out of range, ``text_expertise_weight`` is outside ``[0, 1]``,
        or a free text is not a string.

    Examples
    --------
    >>> f = people_features([7, 8], n_skills=3, skills=[{0: 4}, {}], goals=[[], [0, 2]],
    ...                     languages=[[0], [0, 1]], level=[5, 2])
    >>> f.skills.toarray().tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    >>> f.language_ids(1)
    [0, 1]
    """
    # (ids are non-negative: -1 pads the manager chains)
    id_arr = check_whole(ids, "ids", lo=0, hi=np.iinfo(np.int64).max)
    if id_arr.ndim != 1:
        raise ValueError(f"ids must be one-dimensional, got shape {id_arr.shape}")
    n = id_arr.shape[0]
    n_skills = check_int(n_skills, "n_skills", minimum=1)
    max_skill_level = check_int(max_skill_level, "max_skill_level", minimum=1)
    reporting_depth = check_int(reporting_depth, "reporting_depth")
    if not 0.0 <= text_expertise_weight <= 1.0:
        raise ValueError("text_expertise_weight must lie in [0, 1]")
    if (goal_text is not None or expertise_text is not None) and text_matcher is None:
        raise ValueError("text_matcher is required when goal_text or expertise_text is given")
    for name, texts in (("goal_text", goal_text), ("expertise_text", expertise_text)):
        bad = next((r for r, t in enumerate(texts or ()) if not isinstance(t, str)), None)
        if bad is not None:
            raise ValueError(f"{name}[{bad}] must be a string, got {texts[bad]!r}")  # type: ignore[index]

    # skills offered
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    if skills is not None:
        if len(skills) != n:
            raise ValueError(f"skills must have one entry per person ({n})")
        for r, offered in enumerate(skills):
            if not isinstance(offered, Mapping):
                raise ValueError(f"skills[{r}] must map skill ids to levels, got {offered!r}")
            for s, lv in offered.items():
                if isinstance(s, bool) or not isinstance(s, int | np.integer):
                    # ("0" and 0.5 would both become skill 0, and their levels add up)
                    raise ValueError(f"skills[{r}] ids must be integers, got {s!r}")
                if not 1 <= lv <= max_skill_level:
                    raise ValueError(f"skills levels must lie in 1..{max_skill_level}")
                rows.append(r)
                cols.append(int(s))
                vals.append(float(lv) / max_skill_level)
    if cols and (min(cols) < 0 or max(cols) >= n_skills):
        raise ValueError(f"skills ids must lie in [0, {n_skills})")
    skill_mat = sp.csr_array((np.asarray(vals, np.float32), (rows, cols)), shape=(n, n_skills))
    skill_mat.sum_duplicates()
    if expertise_text is not None and text_matcher is not None:
        if len(expertise_text) != n:
            raise ValueError(f"expertise_text must have one entry per person ({n})")
        inferred = text_matcher.match(expertise_text)
        if inferred.shape[1] != n_skills:
            raise ValueError("text_matcher must describe n_skills skills")
        skill_mat = sp.csr_array(skill_mat.maximum(inferred * np.float32(text_expertise_weight)))

    # goals
    g_rows: list[int] = []
    g_items: list[object] = []
    if goals is not None:
        if len(goals) != n:
            raise ValueError(f"goals must have one entry per person ({n})")
        for r, items in enumerate(goals):
            for s in items:
                g_rows.append(r)
                g_items.append(s)
    g_cols = check_whole(g_items, "goals ids", lo=0, hi=n_skills - 1).tolist() if g_items else []
    explicit = sp.csr_array((np.ones(len(g_cols), np.float32), (g_rows, g_cols)), shape=(n, n_skills))
    explicit.sum_duplicates()
    explicit.data[:] = 1.0
    goal_mat = explicit
    if goal_text is not None and text_matcher is not None:
        if len(goal_text) != n:
            raise ValueError(f"goal_text must have one entry per person ({n})")
        inferred = text_matcher.match(goal_text)
        if inferred.shape[1] != n_skills:
            raise ValueError("text_matcher must describe n_skills skills")
        goal_mat = sp.csr_array(explicit.maximum(inferred))
    for mat in (skill_mat, goal_mat, explicit):
        mat.sort_indices()
        mat.eliminate_zeros()

    # languages: the first listed is the person's first language
    primary = np.full(n, -1, dtype=np.int32)
    lang_bits = _pack_sets(languages, n, n_languages, "languages")  # (checks the ids first)
    if languages is not None:
        for r, langs in enumerate(languages):
            if len(langs):
                primary[r] = int(langs[0])
    value_bits = _pack_sets(values, n, n_values, "values")

    offsets = _int_column(
        utc_offset_minutes, n, "utc_offset_minutes", default=0, lo=-_INT32_MAX, hi=_INT32_MAX
    )
    if (
        isinstance(working_hours, tuple)
        and len(working_hours) == 2
        and np.ndim(working_hours[0]) == 0
        and np.ndim(working_hours[1]) == 0
    ):  # one (start, end) for everyone; a pair of per-person lists is not one
        first, last = float(working_hours[0]), float(working_hours[1])  # type: ignore[arg-type]
        if not (0 <= first <= 24 and 0 <= last <= 24):  # (checked here too when n == 0)
            raise ValueError("working_hours must lie in [0, 24]")
        start: npt.ArrayLike = first
        end: npt.ArrayLike = last
    else:
        try:
            wh = np.asarray(working_hours, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"working_hours must be (start, end) or one pair per person ({n})") from None
        if n == 0 and wh.size == 0:
            wh = wh.reshape(0, 2)
        if wh.shape != (n, 2):
            raise ValueError(f"working_hours must be (start, end) or one pair per person ({n})")
        start, end = wh[:, 0], wh[:, 1]
    hours = working_hours_mask(offsets, start, end) if n else np.zeros(0, np.uint64)

    fmt = np.zeros(n, dtype=np.uint8)
    if formats is not None:
        if len(formats) != n:
            raise ValueError(f"formats must have one entry per person ({n})")
        for r, names in enumerate(formats):
            for name in names:
                if name not in FORMATS:
                    raise ValueError(f"formats must be among {FORMATS}, got {name!r}")
                fmt[r] |= np.uint8(1 << FORMATS.index(name))

    if hours_per_month is None:
        hpm = np.zeros(n, dtype=np.float32)
    else:
        try:
            hpm64 = np.asarray(hours_per_month, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError("hours_per_month must hold numbers") from None
        if hpm64.shape != (n,):
            raise ValueError(f"hours_per_month must have one entry per person ({n})")
        if not np.all((hpm64 >= 0) & (hpm64 <= 1e6)):  # (NaN and inf fail too)
            raise ValueError("hours_per_month must be a non-negative, finite number of hours")
        hpm = hpm64.astype(np.float32)

    return PeopleFeatures(
        ids=id_arr,
        skills=skill_mat,
        goals=goal_mat,
        explicit_goals=explicit,
        values=value_bits,
        languages=lang_bits,
        primary_language=primary,
        industry=_int_column(industry, n, "industry"),
        function=_int_column(function, n, "function"),
        department=_int_column(department, n, "department"),
        level=_int_column(level, n, "level", hi=_MAX_LEVEL),
        utc_offset=offsets,
        hours=hours,
        formats=fmt,
        hours_per_month=hpm,
        managers=_ancestors(id_arr, manager_of, reporting_depth),
        n_values=n_values,
        n_languages=n_languages,
    )
