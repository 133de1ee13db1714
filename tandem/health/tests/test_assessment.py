"""The health signal as a pure function of facts: a table of cases, thresholds on both sides."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from tandem.health.assessment import (
    LOW_RATING,
    CheckInFact,
    HealthFacts,
    Tone,
    assess,
)
from tandem.mentorships.models import Health

TODAY = date(2025, 11, 20)


def facts(age: int = 100, **changes: Any) -> HealthFacts:
    """A healthy mentorship `age` days old: fortnightly, met 5 days ago, goals half done, rated 4.5."""
    base = HealthFacts(
        status="active",
        today=TODAY,
        started_on=TODAY - timedelta(days=age),
        cadence_days=14,
        meetings_held=6,
        no_shows=0,
        cancelled=1,
        last_meeting_on=TODAY - timedelta(days=5),
        next_meeting_on=TODAY + timedelta(days=9),
        goals_progress=0.5,
        average_rating=4.5,
        checkins=(),
    )
    return replace(base, **changes)


def checkin(
    who: str = "Mentee", satisfaction: int = 4, working: str = "yes", on: date | None = None
) -> CheckInFact:
    return CheckInFact(who=who, satisfaction=satisfaction, working=working, on=on or date(2025, 11, 3))


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


CASES = [
    # (id, facts, signal, a concern that must be given, or None for "no concern")
    ("healthy", facts(), Health.ON_TRACK, None),
    # --- young mentorships
    (
        "young, nothing negative",
        facts(age=10, meetings_held=1, last_meeting_on=ago(3)),
        Health.TOO_EARLY,
        None,
    ),
    (
        "20 days is still too early",
        facts(age=20, meetings_held=1, last_meeting_on=ago(3)),
        Health.TOO_EARLY,
        None,
    ),
    ("21 days is not", facts(age=21, meetings_held=1, last_meeting_on=ago(3)), Health.ON_TRACK, None),
    (
        "young but no goal yet is no concern",
        facts(age=10, meetings_held=0, last_meeting_on=None, goals_progress=None, average_rating=None),
        Health.TOO_EARLY,
        None,
    ),
    (
        "nothing to go on yet",
        facts(age=25, cadence_days=30, meetings_held=0, last_meeting_on=None, average_rating=None),
        Health.TOO_EARLY,
        None,
    ),
    (
        "young with a negative check-in needs attention",
        facts(age=10, checkins=(checkin(satisfaction=3, working="no"),)),
        Health.NEEDS_ATTENTION,
        "Mentee said it isn't working (check-in 3 Nov 2025)",
    ),
    # --- check-ins
    (
        "someone says it isn't working",
        facts(checkins=(checkin(who="Mentor"), checkin(satisfaction=3, working="no"))),
        Health.NEEDS_ATTENTION,
        "Mentee said it isn't working (check-in 3 Nov 2025)",
    ),
    (
        "it isn't working, and unhappy",
        facts(checkins=(checkin(satisfaction=1, working="no"),)),
        Health.NEEDS_ATTENTION,
        "Mentee said it isn't working; satisfaction 1/5 (check-in 3 Nov 2025)",
    ),
    (
        "satisfaction 2 is low",
        facts(checkins=(checkin(who="Mentor", satisfaction=2, working="partly"),)),
        Health.NEEDS_ATTENTION,
        "Mentor rated satisfaction 2/5 (check-in 3 Nov 2025)",
    ),
    (
        "satisfaction 3 and partly is not a concern",
        facts(checkins=(checkin(satisfaction=3, working="partly"),)),
        Health.ON_TRACK,
        None,
    ),
    # --- meetings vs the agreed cadence (fortnightly: more than 28 days without one is a lapse)
    ("28 days since the last meeting is fine", facts(last_meeting_on=ago(28)), Health.ON_TRACK, None),
    (
        "29 days is a lapse",
        facts(last_meeting_on=ago(29), next_meeting_on=None),
        Health.NEEDS_ATTENTION,
        "No meeting held in 29 days; agreed every 14 days",
    ),
    (
        "47 days, with one planned",
        facts(last_meeting_on=ago(47), next_meeting_on=date(2025, 11, 25)),
        Health.NEEDS_ATTENTION,
        "No meeting held in 47 days; agreed every 14 days; next one planned 25 Nov 2025",
    ),
    (
        "never met since the start",
        facts(age=40, meetings_held=0, last_meeting_on=None, next_meeting_on=None),
        Health.NEEDS_ATTENTION,
        "No meeting held since it started 40 days ago; agreed every 14 days",
    ),
    (
        "weekly: the lapse is at least 21 days",
        facts(cadence_days=7, last_meeting_on=ago(21)),
        Health.ON_TRACK,
        None,
    ),
    (
        "weekly: 22 days is a lapse",
        facts(cadence_days=7, last_meeting_on=ago(22), next_meeting_on=None),
        Health.NEEDS_ATTENTION,
        "No meeting held in 22 days; agreed every 7 days",
    ),
    # --- no-shows
    ("one no-show is life", facts(meetings_held=1, no_shows=1), Health.ON_TRACK, None),
    ("2 of 7 no-shows is below a third", facts(meetings_held=5, no_shows=2), Health.ON_TRACK, None),
    (
        "2 of 6 no-shows is a third",
        facts(meetings_held=4, no_shows=2),
        Health.NEEDS_ATTENTION,
        "2 of 6 meetings were no-shows",
    ),
    # --- meeting ratings
    ("rating exactly 3.0 is fine", facts(average_rating=LOW_RATING), Health.ON_TRACK, None),
    (
        "rating 2.0 is low",
        facts(average_rating=2.0),
        Health.NEEDS_ATTENTION,
        "Average meeting rating 2.0/5 (last 90 days)",
    ),
    ("no ratings is no concern", facts(average_rating=None), Health.ON_TRACK, None),
    # --- goals
    ("no goal at 44 days is fine", facts(age=44, goals_progress=None), Health.ON_TRACK, None),
    (
        "no goal at 45 days",
        facts(age=45, goals_progress=None),
        Health.NEEDS_ATTENTION,
        "No goal set after 45 days",
    ),
    ("no progress at 59 days is fine", facts(age=59, goals_progress=0.0), Health.ON_TRACK, None),
    (
        "no progress at 60 days",
        facts(age=60, goals_progress=0.0),
        Health.NEEDS_ATTENTION,
        "No goal progress after 60 days",
    ),
    # --- paused: the clock has stopped for meetings and goals, not for what people say
    (
        "paused, long without meeting or goal",
        facts(status="paused", last_meeting_on=ago(80), goals_progress=None),
        Health.ON_TRACK,
        None,
    ),
    (
        "paused, but someone says it isn't working",
        facts(status="paused", checkins=(checkin(working="no", satisfaction=3),)),
        Health.NEEDS_ATTENTION,
        "Mentee said it isn't working (check-in 3 Nov 2025)",
    ),
]


@pytest.mark.parametrize(("given", "signal", "concern"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_assess_table(given: HealthFacts, signal: Health, concern: str | None) -> None:
    # when
    result = assess(given)
    # then
    assert result.signal == signal, result.reasons
    if concern is None:
        assert result.concerns == []
    else:
        assert concern in result.concerns


def test_assess_lists_concerns_first_then_good_news_then_the_rest():
    # given several concerns and some good news
    given = facts(
        last_meeting_on=ago(47),
        next_meeting_on=None,
        average_rating=2.0,
        checkins=(checkin(who="Mentor"), checkin(working="no", satisfaction=3)),
    )
    # when
    reasons = assess(given).reasons
    # then
    tones = [r.tone for r in reasons]
    assert tones == sorted(tones, key=[Tone.CONCERN, Tone.GOOD, Tone.INFO].index)
    assert [r.text for r in reasons if r.tone == Tone.CONCERN] == [
        "Mentee said it isn't working (check-in 3 Nov 2025)",
        "Average meeting rating 2.0/5 (last 90 days)",
        "No meeting held in 47 days; agreed every 14 days",
    ]
    assert "Mentor said it is working, satisfaction 4/5 (check-in 3 Nov 2025)" in [r.text for r in reasons]


def test_assess_says_why_it_is_too_early():
    # when
    result = assess(facts(age=10, meetings_held=1, last_meeting_on=ago(3)))
    # then
    assert result.reasons[0].text == "Started 10 days ago: too early to tell"


def test_assess_paused_says_so():
    # when
    result = assess(facts(status="paused"))
    # then
    assert "Paused: meetings and goals are not assessed while paused" in [r.text for r in result.reasons]


@pytest.mark.parametrize("status", ["proposed", "completed", "ended_early", "declined"])
def test_assess_refuses_mentorships_that_are_not_live(status):
    with pytest.raises(ValueError, match="not assessed"):
        assess(facts(status=status))


def test_facts_to_json_is_plain_json():
    # given
    given = facts(checkins=(checkin(),))
    # when
    data = given.to_json()
    # then
    assert data["started_on"] == "2025-08-12"
    assert data["checkins"] == [{"who": "Mentee", "satisfaction": 4, "working": "yes", "on": "2025-11-03"}]
    assert data["age_days"] == 100
