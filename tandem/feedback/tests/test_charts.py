"""The trend chart's geometry (no database: trends built from plain entries)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from tandem.feedback.charts import BOTTOM, HEIGHT, LEFT, MAX_DATE_TICKS, RIGHT, TOP, WIDTH, trend_chart
from tandem.feedback.trends import Point, Series, Trend


@dataclass
class _Entry:
    pk: int
    given_on: dt.date
    ratings: Any = field(default=None)


def _trend(series: list[Series]) -> Trend:
    days = sorted({p.given_on for s in series for p in s.points})
    return Trend(subject=None, entries=[_Entry(i, d) for i, d in enumerate(days)], series=series)  # type: ignore[arg-type, misc]


def test_chart_scales_dates_and_ratings_to_the_plot() -> None:
    # given Leadership rated 1 then 5, a month apart
    start = dt.date(2025, 1, 1)
    end = dt.date(2025, 1, 31)
    trend = _trend([Series(1, "Leadership", (Point(start, 1, 1), Point(end, 5, 2)))])
    # when
    chart = trend_chart(trend, title="T")
    # then the first point is bottom-left, the last top-right, with a label for each
    first, last = chart.lines[0].points
    assert (first.x, first.y) == (LEFT, HEIGHT - BOTTOM)
    assert (last.x, last.y) == (WIDTH - RIGHT, TOP)
    assert last.label == "Leadership, 31 Jan 2025: 5 out of 5"
    assert [t.label for t in chart.y_ticks] == ["1", "2", "3", "4", "5"]
    assert "Leadership 5 (up 4)" in chart.description


def test_chart_one_date_is_centred_and_many_dates_get_at_most_six_ticks() -> None:
    day = dt.date(2025, 3, 1)
    single = trend_chart(_trend([Series(1, "A", (Point(day, 3, 1),))]), title="T")
    assert single.lines[0].points[0].x == (LEFT + WIDTH - RIGHT) / 2
    many = [Point(day + dt.timedelta(days=7 * i), 3, i) for i in range(15)]
    chart = trend_chart(_trend([Series(1, "A", tuple(many))]), title="T")
    assert len(chart.x_ticks) == MAX_DATE_TICKS
    assert chart.x_ticks[0].label == "1 Mar 2025"
    assert chart.x_ticks[-1].at == WIDTH - RIGHT


def test_chart_lines_differ_in_colour_or_dash() -> None:
    day = dt.date(2025, 3, 1)
    series = [Series(i, f"C{i}", (Point(day, 3, 1),)) for i in range(10)]
    chart = trend_chart(_trend(series), title="T")
    styles = [(line.colour, line.dash) for line in chart.lines]
    assert len(set(styles)) == len(styles)
