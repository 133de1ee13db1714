"""The demo agreement: realistic, accepted by both sides (or waiting), history in the past."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from tandem.agreements.demo import demo_agreement
from tandem.agreements.models import AgreementStatus, AgreementVersion
from tandem.agreements.selectors import agreement_current
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.organisations.models import Membership, Organisation
from tests.relationship_setup import live_mentorship

pytestmark = pytest.mark.django_db


def _started(org: Organisation, admin: Membership, days_ago: int, name: str) -> Mentorship:
    live = live_mentorship(org, admin, name=name)
    Mentorship.objects.filter(pk=live.mentorship.pk).update(
        started_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    return Mentorship.objects.select_related("program").get(pk=live.mentorship.pk)


def test_demo_agreements_are_accepted_backdated_and_sometimes_changed(
    org: Organisation, program_admin: Membership
) -> None:
    now = timezone.now()
    rng = random.Random(7)
    mentorships = [_started(org, program_admin, 200, f"P{i}") for i in range(6)]
    for mentorship in mentorships:
        demo_agreement(mentorship=mentorship, rng=rng, now=now)
    for mentorship in mentorships:
        current = agreement_current(mentorship)
        assert current is not None
        assert current.created_at < now - dt.timedelta(days=30)
        assert all(current.expectations.values())
        assert len(current.expectations) == 2
    # some pairs agreed a change later, which superseded their first version
    assert AgreementVersion.objects.filter(status=AgreementStatus.SUPERSEDED).exists()


def test_demo_agreement_may_wait_for_acceptance_and_works_on_ended_mentorships(
    org: Organisation, program_admin: Membership
) -> None:
    now = timezone.now()
    waiting = _started(org, program_admin, 5, "Waiting")
    demo_agreement(mentorship=waiting, rng=random.Random(1), now=now, accepted=False)
    assert AgreementVersion.objects.get(mentorship=waiting).status == AgreementStatus.PROPOSED
    ended = _started(org, program_admin, 300, "Ended")
    Mentorship.objects.filter(pk=ended.pk).update(status=MentorshipStatus.COMPLETED)
    ended.refresh_from_db()
    demo_agreement(mentorship=ended, rng=random.Random(2), now=now)
    ended.refresh_from_db()
    assert ended.status == MentorshipStatus.COMPLETED
    assert agreement_current(ended) is not None
