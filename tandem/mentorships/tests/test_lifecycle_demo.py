"""The demo's relationships: every stage a mentorship goes through, written through the real
services of each app — agreements, meetings, goals, feedback, check-ins, health, the lifecycle."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tandem.advancement.models import Endorsement, Introduction
from tandem.agreements.models import AgreementVersion
from tandem.feedback.models import CompetencyFeedback
from tandem.goals.models import Goal
from tandem.health.models import CheckIn
from tandem.meetings.models import Meeting
from tandem.mentorships.models import (
    Concern,
    ConcernStatus,
    Health,
    Mentorship,
    MentorshipStatus,
    Rematch,
)
from tandem.notifications.models import EmailStatus, Notification
from tandem.people.demo import demo_load


@pytest.mark.django_db
def test_demo_has_mentorships_at_every_stage() -> None:
    # when the demo organisation is loaded
    organisation = demo_load(seed=7, people=160).organisation
    now = timezone.now()
    mentorships = Mentorship.objects.filter(organisation=organisation)
    # then one mentorship ended early for a no-fault reason, and its mentee has a new active one
    rematch = Rematch.objects.select_related("ended", "request__mentorship").get(
        ended__organisation=organisation
    )
    assert rematch.ended.status == MentorshipStatus.ENDED_EARLY
    assert rematch.ended.end_reason == "schedules"
    assert rematch.request is not None
    new = rematch.request.mentorship
    assert new is not None
    assert new.status == MentorshipStatus.ACTIVE
    assert new.members.filter(membership=rematch.mentee.membership, role="mentee").exists()
    assert not new.members.filter(
        membership__in=rematch.ended.members.filter(role="mentor").values("membership")
    )
    assert rematch.ended.ended_at is not None
    assert new.started_at is not None
    assert rematch.ended.ended_at < new.started_at < now
    # and there is a paused one, a completed one, and an open concern
    statuses = set(mentorships.values_list("status", flat=True))
    assert {MentorshipStatus.PAUSED, MentorshipStatus.COMPLETED} <= statuses
    assert Concern.objects.filter(organisation=organisation, status=ConcernStatus.OPEN).count() == 1
    # and running ones from just matched to on track, with one needing attention
    healths = set(mentorships.filter(status=MentorshipStatus.ACTIVE).values_list("health", flat=True))
    assert healths == {Health.TOO_EARLY, Health.ON_TRACK, Health.NEEDS_ATTENTION}
    # and agreements in force and waiting, meetings held and to come, goals, feedback, check-ins
    versions = AgreementVersion.objects.filter(mentorship__organisation=organisation)
    assert {"accepted", "proposed", "superseded"} <= set(versions.values_list("status", flat=True))
    meetings = Meeting.objects.filter(mentorship__organisation=organisation)
    assert meetings.filter(starts_at__lt=now, status="held").exists()
    assert meetings.filter(starts_at__gt=now, status="scheduled").exists()
    assert Goal.objects.filter(mentorship__organisation=organisation).exists()
    assert CompetencyFeedback.objects.filter(mentorship__organisation=organisation).exists()
    assert CheckIn.objects.filter(mentorship__organisation=organisation).exists()
    assert Endorsement.objects.filter(mentorship__organisation=organisation).exists()
    assert Introduction.objects.filter(mentorship__organisation=organisation).exists()
    # and the demo member has a running mentorship with all of it to explore
    mine = mentorships.get(
        members__membership__user__email__startswith="member@", status=MentorshipStatus.ACTIVE
    )
    assert mine.agreement_versions.filter(status="accepted").exists()
    assert mine.meetings.filter(starts_at__gt=now).exists()
    assert mine.goals.exists()
    # and nobody was emailed while the demo was made
    assert not Notification.objects.exclude(email_status=EmailStatus.OFF).exists()
