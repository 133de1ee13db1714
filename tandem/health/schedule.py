"""When a participant's check-in is due — a pure function of the schedule and their history.

A program asks for the first check-in `first_days` after the mentorship started, then every
`every_days`. Each due date opens a *window* that lasts until the next one. A window is done once
the member checked in inside it, or a little before it opened (`EARLY_GRACE`), so someone who
checks in early is not asked again a few days later. A window left unanswered for
`OVERDUE_AFTER` (or half the interval, if shorter) is overdue.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

OVERDUE_AFTER = timedelta(days=14)
MAX_EARLY_GRACE = timedelta(days=14)


class DueStatus(StrEnum):
    NOT_YET = "not_yet"  # the first check-in is not due yet
    DUE = "due"
    OVERDUE = "overdue"
    DONE = "done"  # answered for the current window


@dataclass(frozen=True)
class CheckInDue:
    status: DueStatus
    number: int  # the scheduled check-in the current window is for (1 = the first); 0 before it
    window_start: datetime | None  # when the current window opened; None before the first
    next_due_at: datetime  # when the next window opens
    last_checkin_at: datetime | None

    @property
    def is_due(self) -> bool:
        return self.status in {DueStatus.DUE, DueStatus.OVERDUE}


def early_grace(every_days: int) -> timedelta:
    """How long before a window opens a check-in still counts for it: a quarter of the
    interval, at most two weeks."""
    return min(MAX_EARLY_GRACE, timedelta(days=every_days) / 4)


def checkin_due(
    *,
    started_at: datetime,
    first_days: int,
    every_days: int,
    now: datetime,
    previous: Iterable[datetime],
) -> CheckInDue:
    """The member's check-in state at `now`, given when they checked in before (any order).

    >>> from datetime import UTC
    >>> start = datetime(2025, 1, 1, tzinfo=UTC)
    >>> checkin_due(started_at=start, first_days=30, every_days=60,
    ...             now=datetime(2025, 2, 5, tzinfo=UTC), previous=[]).status
    <DueStatus.DUE: 'due'>
    """
    if first_days < 1 or every_days < 1:
        raise ValueError("The schedule needs positive day counts.")
    history = sorted(previous)
    last = history[-1] if history else None
    first_due = started_at + timedelta(days=first_days)
    every = timedelta(days=every_days)
    if now < first_due:
        return CheckInDue(DueStatus.NOT_YET, 0, None, first_due, last)
    index = (now - first_due) // every
    window_start = first_due + index * every
    next_due = window_start + every
    counts_from = window_start - early_grace(every_days)
    if any(counts_from <= at <= now for at in history):
        status = DueStatus.DONE
    elif now - window_start >= min(OVERDUE_AFTER, every / 2):
        status = DueStatus.OVERDUE
    else:
        status = DueStatus.DUE
    return CheckInDue(status, index + 1, window_start, next_due, last)
