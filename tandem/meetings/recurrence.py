"""RFC 5545 recurrence for meeting series, evaluated on the organiser's wall clock.

A rule is expanded from an aware DTSTART in the series' zone, so 09:00 Europe/London stays
09:00 local on both sides of a daylight-saving change; the occurrences are then stored in UTC.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator

from dateutil.rrule import rrule, rrulestr

from tandem.meetings.models import Frequency

UTC = dt.UTC
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
ORDINALS = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", -1: "last"}
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def zone(tzid: str) -> zoneinfo.ZoneInfo:
    """The IANA zone named `tzid`, or UTC when the name is unknown or empty."""
    try:
        return zoneinfo.ZoneInfo(tzid or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def weekday_position(day: dt.date) -> int:
    """Which weekday of its month `day` is: 1–4, or -1 for a fifth (the last)."""
    nth = (day.day - 1) // 7 + 1
    return -1 if nth == 5 else nth


def rule_parts(
    *, frequency: str, local_start: dt.datetime, count: int | None, until: dt.datetime | None
) -> str:
    """The RRULE value (without "RRULE:") for a series starting at `local_start`."""
    parts: list[str]
    if frequency == Frequency.WEEKLY:
        parts = ["FREQ=WEEKLY"]
    elif frequency == Frequency.FORTNIGHTLY:
        parts = ["FREQ=WEEKLY", "INTERVAL=2"]
    elif frequency == Frequency.MONTHLY_WEEKDAY:
        position = weekday_position(local_start.date())
        parts = ["FREQ=MONTHLY", f"BYDAY={position}{WEEKDAYS[local_start.weekday()]}"]
    elif frequency == Frequency.MONTHLY_DATE:
        parts = ["FREQ=MONTHLY", f"BYMONTHDAY={local_start.day}"]
    else:
        raise ValueError(f"unknown frequency {frequency!r}")
    if count is not None:
        parts.append(f"COUNT={count}")
    if until is not None:
        parts.append(f"UNTIL={until.astimezone(UTC):%Y%m%dT%H%M%SZ}")
    return ";".join(parts)


def rule(
    *, frequency: str, starts_at: dt.datetime, tzid: str, count: int | None, until: dt.datetime | None
) -> rrule:
    """The dateutil rule of a series, with an aware DTSTART on the organiser's wall clock."""
    local_start = starts_at.astimezone(zone(tzid))
    text = rule_parts(frequency=frequency, local_start=local_start, count=count, until=until)
    parsed = rrulestr(text, dtstart=local_start)
    assert isinstance(parsed, rrule)  # a single RRULE, never a set  # noqa: S101
    return parsed


def occurrences(
    *,
    frequency: str,
    starts_at: dt.datetime,
    tzid: str,
    count: int | None,
    until: dt.datetime | None,
    before: dt.datetime | None = None,
) -> Iterator[dt.datetime]:
    """Each occurrence's start in UTC, in order, up to (not including) `before` if given."""
    for local in rule(frequency=frequency, starts_at=starts_at, tzid=tzid, count=count, until=until):
        start = local.astimezone(UTC)
        if before is not None and start >= before:
            return
        yield start


def describe(
    *, frequency: str, local_start: dt.datetime, count: int | None, until_local: dt.date | None
) -> str:
    """ "Every 2 weeks, 10 times" — for people, not calendars."""
    if frequency == Frequency.WEEKLY:
        text = f"Every week on {DAY_NAMES[local_start.weekday()]}"
    elif frequency == Frequency.FORTNIGHTLY:
        text = f"Every two weeks on {DAY_NAMES[local_start.weekday()]}"
    elif frequency == Frequency.MONTHLY_WEEKDAY:
        position = ORDINALS[weekday_position(local_start.date())]
        text = f"Monthly on the {position} {DAY_NAMES[local_start.weekday()]}"
    else:
        text = f"Monthly on day {local_start.day}"
    if count is not None:
        text += f", {count} times"
    elif until_local is not None:
        text += f", until {until_local:%-d %b %Y}"
    return text
