"""The health signal of a mentorship — a pure function of plain facts, with the reasons in words.

`assess(facts)` decides TOO_EARLY / ON_TRACK / NEEDS_ATTENTION. Any *concern* below makes a
mentorship NEEDS_ATTENTION, however young it is; without one, a mentorship younger than
`TOO_EARLY_DAYS` (or with nothing to go on yet: no meeting, check-in or rating) is TOO_EARLY,
and otherwise ON_TRACK. Concerns:

- a participant's latest check-in says it isn't working, or rates satisfaction `LOW_SATISFACTION`
  or less;
- no meeting held for more than `LAPSE_FACTOR` × the agreed cadence (at least `MIN_LAPSE_DAYS`),
  counted from the last meeting held or, if none, from the start;
- a third or more of the meetings were no-shows (at least `MIN_NO_SHOWS`);
- the average meeting rating over the last `RATING_WINDOW_DAYS` is below `LOW_RATING`;
- no goal set after `NO_GOALS_DAYS`, or goals set but none of their progress after `NO_PROGRESS_DAYS`.

A PAUSED mentorship is not held to its cadence or goals while paused (the clock has stopped):
only what people said (check-ins, ratings) can flag it. Mentorships that have not started or have
ended are not assessed at all — the caller keeps their last assessment.

Nothing here touches the database; `tandem.health.facts.health_facts` gathers the facts.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from tandem.mentorships.models import Health, MentorshipStatus

TOO_EARLY_DAYS = 21
LOW_SATISFACTION = 2
LAPSE_FACTOR = 2
MIN_LAPSE_DAYS = 21
MIN_NO_SHOWS = 2
LOW_RATING = 3.0
GOOD_RATING = 4.0
RATING_WINDOW_DAYS = 90
NO_GOALS_DAYS = 45
NO_PROGRESS_DAYS = 60

ASSESSED_STATUSES = (MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED)


class Tone(StrEnum):
    CONCERN = "concern"
    GOOD = "good"
    INFO = "info"


@dataclass(frozen=True)
class CheckInFact:
    """A participant's latest check-in. `who` names them for an admin: "Mentee", "A peer"."""

    who: str
    satisfaction: int
    working: str  # yes / partly / no
    on: date


@dataclass(frozen=True)
class HealthFacts:
    status: str
    today: date
    started_on: date
    cadence_days: int
    meetings_held: int
    no_shows: int
    cancelled: int
    last_meeting_on: date | None
    next_meeting_on: date | None
    goals_progress: float | None  # 0..1; None when no goal is set
    average_rating: float | None  # over the last RATING_WINDOW_DAYS; None without ratings
    checkins: tuple[CheckInFact, ...] = ()  # the latest of each participant who checked in

    @property
    def age_days(self) -> int:
        return max(0, (self.today - self.started_on).days)

    def to_json(self) -> dict[str, Any]:
        def plain(value: Any) -> Any:
            if isinstance(value, date):
                return value.isoformat()
            if isinstance(value, list | tuple):
                return [plain(v) for v in value]
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            return value

        return {**plain(dataclasses.asdict(self)), "age_days": self.age_days}


@dataclass(frozen=True)
class Reason:
    tone: Tone
    text: str

    def to_json(self) -> dict[str, str]:
        return {"tone": str(self.tone), "text": self.text}


@dataclass(frozen=True)
class Assessment:
    signal: Health
    reasons: tuple[Reason, ...]

    @property
    def concerns(self) -> list[str]:
        return [r.text for r in self.reasons if r.tone == Tone.CONCERN]


def _day(on: date) -> str:
    return f"{on.day} {on:%b %Y}"


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def _every(cadence_days: int) -> str:
    return "every day" if cadence_days == 1 else f"every {cadence_days} days"


def _checkin_reason(checkin: CheckInFact) -> Reason:
    when = f"check-in {_day(checkin.on)}"
    low = checkin.satisfaction <= LOW_SATISFACTION
    if checkin.working == "no":
        extra = f"; satisfaction {checkin.satisfaction}/5" if low else ""
        return Reason(Tone.CONCERN, f"{checkin.who} said it isn't working{extra} ({when})")
    if low:
        return Reason(Tone.CONCERN, f"{checkin.who} rated satisfaction {checkin.satisfaction}/5 ({when})")
    if checkin.working == "yes" and checkin.satisfaction >= 4:
        text = f"{checkin.who} said it is working, satisfaction {checkin.satisfaction}/5 ({when})"
        return Reason(Tone.GOOD, text)
    how = "it is partly working" if checkin.working == "partly" else "it is working"
    return Reason(Tone.INFO, f"{checkin.who} said {how}, satisfaction {checkin.satisfaction}/5 ({when})")


def _meeting_reasons(facts: HealthFacts) -> list[Reason]:
    reasons = []
    since = facts.last_meeting_on or facts.started_on
    gap = max(0, (facts.today - since).days)
    threshold = max(LAPSE_FACTOR * facts.cadence_days, MIN_LAPSE_DAYS)
    agreed = f"agreed {_every(facts.cadence_days)}"
    planned = f"; next one planned {_day(facts.next_meeting_on)}" if facts.next_meeting_on else ""
    if gap > threshold:
        text = (
            f"No meeting held in {_days(gap)}; {agreed}{planned}"
            if facts.last_meeting_on
            else f"No meeting held since it started {_days(gap)} ago; {agreed}{planned}"
        )
        reasons.append(Reason(Tone.CONCERN, text))
    elif facts.last_meeting_on:
        held = "1 meeting" if facts.meetings_held == 1 else f"{facts.meetings_held} meetings"
        reasons.append(Reason(Tone.GOOD, f"{held} held, the last {_days(gap)} ago; {agreed}"))
    else:
        reasons.append(Reason(Tone.INFO, f"No meeting held yet; {agreed}{planned}"))
    attended = facts.meetings_held + facts.no_shows
    if facts.no_shows >= MIN_NO_SHOWS and 3 * facts.no_shows >= attended:
        reasons.append(Reason(Tone.CONCERN, f"{facts.no_shows} of {attended} meetings were no-shows"))
    return reasons


def _goal_reasons(facts: HealthFacts) -> list[Reason]:
    age = facts.age_days
    if facts.goals_progress is None:
        if age >= NO_GOALS_DAYS:
            return [Reason(Tone.CONCERN, f"No goal set after {_days(age)}")]
        return [Reason(Tone.INFO, "No goal set yet")]
    if facts.goals_progress <= 0 and age >= NO_PROGRESS_DAYS:
        return [Reason(Tone.CONCERN, f"No goal progress after {_days(age)}")]
    tone = Tone.GOOD if facts.goals_progress > 0 else Tone.INFO
    return [Reason(tone, f"Goals {round(facts.goals_progress * 100)}% done")]


def _rating_reasons(facts: HealthFacts) -> list[Reason]:
    rating = facts.average_rating
    if rating is None:
        return []
    text = f"Average meeting rating {rating:.1f}/5 (last {RATING_WINDOW_DAYS} days)"
    if rating < LOW_RATING:
        return [Reason(Tone.CONCERN, text)]
    return [Reason(Tone.GOOD if rating >= GOOD_RATING else Tone.INFO, text)]


def assess(facts: HealthFacts) -> Assessment:
    """The signal and its reasons, concerns first. Only ACTIVE and PAUSED mentorships are assessed."""
    if facts.status not in ASSESSED_STATUSES:
        raise ValueError(f"A {facts.status} mentorship is not assessed.")
    paused = facts.status == MentorshipStatus.PAUSED
    reasons = [_checkin_reason(c) for c in facts.checkins]
    reasons += _rating_reasons(facts)
    if paused:
        reasons.append(Reason(Tone.INFO, "Paused: meetings and goals are not assessed while paused"))
    else:
        reasons += _meeting_reasons(facts)
        reasons += _goal_reasons(facts)
    order = {Tone.CONCERN: 0, Tone.GOOD: 1, Tone.INFO: 2}
    reasons.sort(key=lambda r: order[r.tone])  # stable: the order within a tone is kept
    if any(r.tone == Tone.CONCERN for r in reasons):
        return Assessment(Health.NEEDS_ATTENTION, tuple(reasons))
    nothing_yet = facts.meetings_held == 0 and not facts.checkins and facts.average_rating is None
    if facts.age_days < TOO_EARLY_DAYS or nothing_yet:
        why = (
            f"Started {_days(facts.age_days)} ago: too early to tell"
            if facts.age_days < TOO_EARLY_DAYS
            else "Nothing to go on yet: no meeting held, no check-in, no rating"
        )
        return Assessment(Health.TOO_EARLY, (Reason(Tone.INFO, why), *reasons))
    return Assessment(Health.ON_TRACK, tuple(reasons))
