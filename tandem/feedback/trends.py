"""How a person's ratings move over time: one series per competency, built from feedback entries
already read (no queries here)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from tandem.feedback.models import CompetencyFeedback
from tandem.organisations.models import Membership


@dataclass(frozen=True)
class Point:
    given_on: dt.date
    rating: int
    feedback_id: int


@dataclass(frozen=True)
class Series:
    """One competency's ratings, oldest first."""

    competency_id: int | None  # None once the competency was removed from the organisation
    name: str
    points: tuple[Point, ...]

    @property
    def latest(self) -> Point:
        return self.points[-1]

    @property
    def previous(self) -> Point | None:
        return self.points[-2] if len(self.points) > 1 else None

    @property
    def change(self) -> int | None:
        """Latest rating minus the one before it; None for a first rating."""
        return None if self.previous is None else self.latest.rating - self.previous.rating

    @property
    def change_size(self) -> int:
        return abs(self.change or 0)


@dataclass(frozen=True)
class Trend:
    """Everything one viewer may see about one person's competencies."""

    subject: Membership
    entries: list[CompetencyFeedback] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)

    @property
    def dates(self) -> list[dt.date]:
        return sorted({e.given_on for e in self.entries})

    def table(self) -> list[tuple[CompetencyFeedback, list[int | None]]]:
        """The same numbers as the chart: one row per entry, one cell per series (None: not rated)."""
        column = {
            (s.competency_id, s.name if s.competency_id is None else ""): i for i, s in enumerate(self.series)
        }
        rows = []
        for entry in self.entries:
            cells: list[int | None] = [None] * len(self.series)
            for rating in entry.ratings.all():
                key = (rating.competency_id, "" if rating.competency_id else rating.competency_name)
                cells[column[key]] = rating.rating
            rows.append((entry, cells))
        return rows


def trend_of(subject: Membership, entries: Iterable[CompetencyFeedback]) -> Trend:
    """The trend of `subject` from the entries about them (others are ignored), series in name order."""
    mine = sorted((e for e in entries if e.subject_id == subject.pk), key=lambda e: (e.given_on, e.pk))
    points: dict[tuple[int | None, str], list[Point]] = {}
    names: dict[tuple[int | None, str], str] = {}
    for entry in mine:
        for rating in entry.ratings.all():
            # A removed competency keeps its own series, under the name it had.
            key = (rating.competency_id, "" if rating.competency_id else rating.competency_name)
            names[key] = rating.name
            points.setdefault(key, []).append(Point(entry.given_on, rating.rating, entry.pk))
    series = [Series(key[0], names[key], tuple(pts)) for key, pts in points.items()]
    series.sort(key=lambda s: (s.name.casefold(), s.competency_id or 0))
    return Trend(subject=subject, entries=mine, series=series)
