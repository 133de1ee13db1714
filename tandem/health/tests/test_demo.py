"""The demo functions: check-ins on the schedule, deterministic per seed, and fresh signals."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.health.demo import demo_checkins, demo_health_refresh
from tandem.health.models import CheckIn, HealthAssessment
from tandem.health.tests.conftest import started_days_ago
from tandem.mentorships.models import Health, Mentorship, MentorshipStatus
from tests.relationship_setup import live_mentorship

pytestmark = pytest.mark.django_db


def test_demo_checkins_follow_the_schedule_and_the_mood(org, program_admin):
    # given two mentorships of 100 days (check-ins due at days 30 and 90)
    good = started_days_ago(live_mentorship(org, program_admin, name="Good").mentorship, 100)
    poor = started_days_ago(live_mentorship(org, program_admin, name="Poor").mentorship, 100)
    now = timezone.now()
    # when
    demo_checkins(mentorship=good, rng=random.Random(1), now=now, mood="good")
    demo_checkins(mentorship=poor, rng=random.Random(1), now=now, mood="poor")
    demo_health_refresh(organisation=org, now=now)
    # then every check-in falls after the first due date and before now, at most two per person
    for mentorship in (good, poor):
        checkins = CheckIn.objects.filter(mentorship=mentorship)
        assert checkins.exists()
        for checkin in checkins:
            assert mentorship.started_at is not None
            assert (checkin.created_at - mentorship.started_at).days >= 30
            assert checkin.created_at < now
        for member in mentorship.members.all():
            assert 1 <= checkins.filter(author=member.membership).count() <= 2
    # and the poor one needs attention because the mentee said it isn't working
    assert set(CheckIn.objects.filter(mentorship=good).values_list("satisfaction", flat=True)) <= {4, 5}
    assert CheckIn.objects.filter(mentorship=poor, role="mentee", working="no").exists()
    assessment = HealthAssessment.objects.get(mentorship=poor)
    assert assessment.signal == Health.NEEDS_ATTENTION
    assert any("Mentee said it isn't working" in r["text"] for r in assessment.reasons)


def test_demo_checkins_are_deterministic(org, program_admin):
    # given the same mentorship twice, seeded alike
    mentorship = started_days_ago(live_mentorship(org, program_admin).mentorship, 200)
    now = timezone.now()
    demo_checkins(mentorship=mentorship, rng=random.Random(7), now=now)
    first = list(
        CheckIn.objects.order_by("pk").values_list("author_id", "satisfaction", "working", "created_at")
    )
    CheckIn.objects.all().delete()
    # when
    demo_checkins(mentorship=mentorship, rng=random.Random(7), now=now)
    # then
    assert (
        list(CheckIn.objects.order_by("pk").values_list("author_id", "satisfaction", "working", "created_at"))
        == first
    )


def test_demo_checkins_of_an_ended_mentorship_stop_at_its_end(org, program_admin):
    # given a mentorship that ran 100 days and ended 50 days ago
    mentorship = started_days_ago(live_mentorship(org, program_admin).mentorship, 150)
    ended_at = timezone.now() - timedelta(days=50)
    Mentorship.objects.filter(pk=mentorship.pk).update(status=MentorshipStatus.ENDED_EARLY, ended_at=ended_at)
    mentorship.refresh_from_db()
    # when
    demo_checkins(mentorship=mentorship, rng=random.Random(3), now=timezone.now(), mood="poor")
    demo_health_refresh(organisation=org, now=timezone.now())
    # then
    assert CheckIn.objects.filter(mentorship=mentorship).exists()
    assert not CheckIn.objects.filter(mentorship=mentorship, created_at__gt=ended_at).exists()
    assert not HealthAssessment.objects.filter(mentorship=mentorship).exists()


def test_demo_poor_young_mentorship_checks_in_early(org, program_admin):
    # given a mentorship of 10 days
    mentorship = started_days_ago(live_mentorship(org, program_admin).mentorship, 10)
    # when
    demo_checkins(mentorship=mentorship, rng=random.Random(2), now=timezone.now(), mood="poor")
    demo_health_refresh(organisation=org, now=timezone.now())
    # then
    assert Mentorship.objects.get(pk=mentorship.pk).health == Health.NEEDS_ATTENTION
