"""Demo data for competency feedback: a few entries over past months, mostly improving."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from tandem.feedback.models import MAX_RATING, MIN_RATING, CompetencyFeedback
from tandem.feedback.services import (
    OPEN_FOR_FEEDBACK,
    RatingInput,
    competency_feedback_give,
)
from tandem.feedback.support import supported_members
from tandem.mentorships.models import MemberRole, Mentorship
from tandem.organisations.access import viewer_time_zone
from tandem.people.models import Competency

HISTORY_DAYS = 180
COMMENTS = {
    "up": [
        "Clear progress since last time.",
        "You handled this with real confidence.",
        "Noticeably stronger — keep going.",
        "Good example in the last project.",
    ],
    "same": ["Steady; try one stretch opportunity next.", "Solid. Let's pick a concrete next step."],
    "down": ["A tough month for this one — let's talk it through.", "Less visible lately; no worries."],
}
OVERALL = [
    "Great momentum this quarter.",
    "Good progress overall. Next: lead a meeting end to end.",
    "You are growing into the role — proud of the work.",
    "",
]


def demo_competency_feedback(
    *, mentorship: Mentorship, rng: random.Random, now: dt.datetime, entries: int = 3
) -> None:
    """Give `entries` feedback entries from the mentor (or first peer) about the mentee (or the
    other peer), spread between the start of the mentorship (at most ~6 months back) and `now`,
    on 3–4 of the organisation's competencies with a mostly improving trend.

    Does nothing for a mentorship that takes no feedback, or an organisation without competencies.
    """
    if mentorship.status not in OPEN_FOR_FEEDBACK or entries < 1:
        return
    members = sorted(mentorship.members.all(), key=lambda m: (m.role != MemberRole.MENTOR, m.pk))
    rater = next((m.membership for m in members if supported_members(mentorship, m.membership)), None)
    competencies = list(Competency.objects.filter(organisation_id=mentorship.organisation_id).order_by("pk"))
    if rater is None or not competencies:
        return
    zone = viewer_time_zone(rater)
    last = timezone.localtime(now, zone).date()
    started = mentorship.started_at or now
    first = max(timezone.localtime(started, zone).date(), last - dt.timedelta(days=HISTORY_DAYS))
    first = min(first, last)
    span = (last - first).days
    days = [first + dt.timedelta(days=round(span * i / max(entries - 1, 1))) for i in range(entries)]
    if entries == 1:
        days = [last]
    chosen = rng.sample(competencies, k=min(len(competencies), rng.choice((3, 4))))
    level = {c.pk: rng.choice((2, 2, 3)) for c in chosen}
    for n, day in enumerate(days):
        ratings = []
        for competency in chosen:
            move = 0 if n == 0 else rng.choices((1, 0, -1), weights=(6, 3, 1))[0]
            level[competency.pk] = max(MIN_RATING, min(MAX_RATING, level[competency.pk] + move))
            mood = "up" if move > 0 else "down" if move < 0 else "same"
            comment = rng.choice(COMMENTS[mood]) if rng.random() < 0.6 else ""
            ratings.append(RatingInput(competency.pk, level[competency.pk], comment))
        feedback = competency_feedback_give(
            mentorship=mentorship, by=rater, ratings=ratings, given_on=day, comment=rng.choice(OVERALL)
        )
        written = dt.datetime.combine(day, dt.time(17, 0), tzinfo=zone)
        CompetencyFeedback.objects.filter(pk=feedback.pk).update(created_at=min(written, now))
