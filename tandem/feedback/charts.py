"""The trend chart's geometry, computed here and drawn by `feedback/_trend_chart.html` as SVG.

Server-rendered and script-free (the Content-Security-Policy forbids inline scripts and
styles): colours are SVG presentation attributes, each line also has its own dash pattern so
the lines differ without colour, every point carries a <title>, and the page repeats the
numbers in a table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tandem.feedback.models import MAX_RATING, MIN_RATING
from tandem.feedback.trends import Trend

WIDTH = 640
HEIGHT = 300
LEFT, RIGHT, TOP, BOTTOM = 60, 48, 16, 48  # margins around the plot area (room for date labels)
MAX_DATE_TICKS = 6

# Eight colours with at least 3:1 contrast on white (WCAG non-text contrast), then dash patterns.
PALETTE = ("#1d4f91", "#b3261e", "#007a50", "#7a3fa0", "#9a5200", "#00707a", "#4a5160", "#a3195b")
DASHES = ("", "6 3", "2 3", "8 3 2 3")


def day_label(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class ChartLine:
    name: str
    colour: str
    dash: str
    points: list[ChartPoint]

    @property
    def path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    lines: list[ChartLine]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM

    @property
    def x_label_y(self) -> int:
        return self.bottom + 20

    @property
    def axis_title_y(self) -> int:
        return self.height - 6

    @property
    def middle_x(self) -> float:
        return (self.left + self.right) / 2

    @property
    def middle_y(self) -> float:
        return (self.top + self.bottom) / 2


def _x_scale(dates: list[dt.date]) -> tuple[dt.date, float]:
    first, last = dates[0], dates[-1]
    span = (last - first).days
    return first, ((WIDTH - RIGHT - LEFT) / span) if span else 0.0


def _x(day: dt.date, first: dt.date, per_day: float) -> float:
    if per_day == 0:  # one date only: in the middle
        return (LEFT + WIDTH - RIGHT) / 2
    return LEFT + (day - first).days * per_day


def _y(rating: float) -> float:
    plot = HEIGHT - BOTTOM - TOP
    return TOP + (MAX_RATING - rating) * plot / (MAX_RATING - MIN_RATING)


def _date_ticks(dates: list[dt.date], first: dt.date, per_day: float) -> list[Tick]:
    if len(dates) > MAX_DATE_TICKS:  # evenly spread, always keeping the first and the last
        step = (len(dates) - 1) / (MAX_DATE_TICKS - 1)
        dates = [dates[round(i * step)] for i in range(MAX_DATE_TICKS)]
    return [Tick(_x(d, first, per_day), day_label(d)) for d in dates]


def _describe(trend: Trend) -> str:
    dates = trend.dates
    if not dates:
        return "No ratings yet."
    span = (
        f"on {day_label(dates[0])}"
        if len(dates) == 1
        else f"from {day_label(dates[0])} to {day_label(dates[-1])}"
    )
    parts = []
    for series in trend.series:
        change = series.change
        moved = (
            ""
            if change is None
            else " (unchanged)"
            if change == 0
            else f" (up {change})"
            if change > 0
            else f" (down {-change})"
        )
        parts.append(f"{series.name} {series.latest.rating}{moved}")
    return (
        f"Ratings from {MIN_RATING} to {MAX_RATING} on {len(trend.series)} competencies, "
        f"{len(trend.entries)} feedback entries {span}. Latest: " + "; ".join(parts) + "."
    )


def trend_chart(trend: Trend, *, title: str) -> Chart:
    """Lines of ratings (y, 1–5) over dates (x, scaled by time), one per competency."""
    dates = trend.dates
    lines: list[ChartLine] = []
    x_ticks: list[Tick] = []
    if dates:
        first, per_day = _x_scale(dates)
        x_ticks = _date_ticks(dates, first, per_day)
        for i, series in enumerate(trend.series):
            points = [
                ChartPoint(
                    _x(p.given_on, first, per_day),
                    _y(p.rating),
                    f"{series.name}, {day_label(p.given_on)}: {p.rating} out of {MAX_RATING}",
                )
                for p in series.points
            ]
            lines.append(
                ChartLine(
                    name=series.name,
                    colour=PALETTE[i % len(PALETTE)],
                    dash=DASHES[(i // len(PALETTE) + i) % len(DASHES)],
                    points=points,
                )
            )
    y_ticks = [Tick(_y(r), str(r)) for r in range(MIN_RATING, MAX_RATING + 1)]
    return Chart(title=title, description=_describe(trend), lines=lines, x_ticks=x_ticks, y_ticks=y_ticks)
