from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.mentorships.models import Mentorship
from tandem.organisations.models import Membership, Organisation
from tests.relationship_setup import Live, live_mentorship


@pytest.fixture
def live(org: Organisation, program_admin: Membership) -> Live:
    return live_mentorship(org, program_admin)


def started_days_ago(mentorship: Mentorship, days: float) -> Mentorship:
    """Backdate a mentorship's start (and creation)."""
    at = timezone.now() - timedelta(days=days)
    Mentorship.objects.filter(pk=mentorship.pk).update(started_at=at, created_at=at)
    mentorship.refresh_from_db()
    return mentorship
