from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from tandem.feedback.demo import demo_competency_feedback
from tandem.feedback.models import CompetencyFeedback
from tandem.feedback.selectors import competency_feedback_list
from tandem.feedback.trends import trend_of
from tandem.mentorships.models import Mentorship
from tests.relationship_setup import Live

pytestmark = pytest.mark.django_db


def test_demo_competency_feedback_spreads_entries_with_a_mostly_rising_trend(live: Live) -> None:
    # given a mentorship that started five months ago
    now = timezone.now()
    Mentorship.objects.filter(pk=live.mentorship.pk).update(started_at=now - dt.timedelta(days=150))
    live.mentorship.refresh_from_db()
    # when
    demo_competency_feedback(mentorship=live.mentorship, rng=random.Random(7), now=now, entries=4)
    # then four entries by the mentor about the mentee, over months, each with 3–4 ratings
    entries = list(competency_feedback_list(mentorship=live.mentorship, viewer=live.mentee))
    assert len(entries) == 4
    assert {(e.author_id, e.subject_id) for e in entries} == {(live.mentor.pk, live.mentee.pk)}
    assert (entries[-1].given_on - entries[0].given_on).days >= 140
    trend = trend_of(live.mentee, entries)
    assert 3 <= len(trend.series) <= 4
    assert sum(s.latest.rating for s in trend.series) >= sum(s.points[0].rating for s in trend.series)
    # and it is deterministic for a seed
    CompetencyFeedback.objects.all().delete()
    demo_competency_feedback(mentorship=live.mentorship, rng=random.Random(7), now=now, entries=4)
    again = trend_of(live.mentee, competency_feedback_list(mentorship=live.mentorship, viewer=live.mentee))
    assert [[p.rating for p in s.points] for s in again.series] == [
        [p.rating for p in s.points] for s in trend.series
    ]
