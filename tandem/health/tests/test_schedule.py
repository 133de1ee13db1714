"""The check-in schedule: first after `first_days`, then every `every_days`; early check-ins count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tandem.health.schedule import DueStatus, checkin_due, early_grace

START = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)


def day(n: float) -> datetime:
    return START + timedelta(days=n)


@pytest.mark.parametrize(
    ("now", "previous", "expected"),
    [
        # before the first check-in is due
        (day(0), [], (DueStatus.NOT_YET, 0, None, day(30))),
        (day(29.9), [], (DueStatus.NOT_YET, 0, None, day(30))),
        # the first window opens at day 30; overdue after 14 days unanswered
        (day(30), [], (DueStatus.DUE, 1, day(30), day(90))),
        (day(43.9), [], (DueStatus.DUE, 1, day(30), day(90))),
        (day(44), [], (DueStatus.OVERDUE, 1, day(30), day(90))),
        # answered inside the window
        (day(50), [day(35)], (DueStatus.DONE, 1, day(30), day(90))),
        # answered a little early (within the grace: 14 days for a 60-day interval) counts
        (day(31), [day(17)], (DueStatus.DONE, 1, day(30), day(90))),
        # answered too early does not
        (day(31), [day(15)], (DueStatus.DUE, 1, day(30), day(90))),
        # the second window opens at day 90: the first window's answer does not count for it
        (day(90), [day(35)], (DueStatus.DUE, 2, day(90), day(150))),
        (day(120), [day(35)], (DueStatus.OVERDUE, 2, day(90), day(150))),
        (day(120), [day(35), day(95)], (DueStatus.DONE, 2, day(90), day(150))),
        # a missed window does not pile up: only the current one is due
        (day(200), [], (DueStatus.OVERDUE, 3, day(150), day(210))),
        # the order of the history does not matter
        (day(100), [day(95), day(35)], (DueStatus.DONE, 2, day(90), day(150))),
    ],
)
def test_checkin_due_table(now, previous, expected):
    # when
    due = checkin_due(started_at=START, first_days=30, every_days=60, now=now, previous=previous)
    # then: (status, number, window start, next due date)
    assert (due.status, due.number, due.window_start, due.next_due_at) == expected
    assert due.is_due == (expected[0] in {DueStatus.DUE, DueStatus.OVERDUE})


def test_checkin_due_reports_the_last_checkin():
    # given
    history = [day(3), day(12)]
    # when
    due = checkin_due(started_at=START, first_days=30, every_days=60, now=day(20), previous=history)
    # then
    assert due.last_checkin_at == day(12)


def test_checkin_due_short_interval_turns_overdue_at_half_the_interval():
    # given a weekly schedule
    # when / then: the window lasts 7 days, so it is overdue after 3.5
    assert (
        checkin_due(started_at=START, first_days=7, every_days=7, now=day(10), previous=[]).status
        == DueStatus.DUE
    )
    assert (
        checkin_due(started_at=START, first_days=7, every_days=7, now=day(10.5), previous=[]).status
        == DueStatus.OVERDUE
    )


def test_early_grace_is_a_quarter_of_the_interval_at_most_two_weeks():
    assert early_grace(8) == timedelta(days=2)
    assert early_grace(60) == timedelta(days=14)
    assert early_grace(365) == timedelta(days=14)


def test_checkin_due_refuses_a_broken_schedule():
    with pytest.raises(ValueError, match="positive"):
        checkin_due(started_at=START, first_days=0, every_days=60, now=day(1), previous=[])
