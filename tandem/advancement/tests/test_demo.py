from __future__ import annotations

import random
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from tandem.advancement.demo import demo_career
from tandem.advancement.models import Endorsement, Introduction, IntroductionStatus
from tandem.organisations.models import Organisation
from tests.factories import make_member
from tests.relationship_setup import Live

pytestmark = pytest.mark.django_db


def test_demo_career_endorses_and_introduces_without_emailing_outside(
    live: Live, org: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    # given colleagues to introduce the mentee to
    for _ in range(3):
        make_member(org)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        demo_career(mentorship=live.mentorship, rng=random.Random(3), now=timezone.now())
    # then one shared endorsement, one accepted member introduction, one pending external one
    endorsement = Endorsement.objects.get()
    assert (endorsement.author, endorsement.subject, endorsement.shared_with_admins) == (
        live.mentor,
        live.mentee,
        True,
    )
    statuses = sorted(
        (i.is_external, i.status) for i in Introduction.objects.filter(mentorship=live.mentorship)
    )
    assert statuses == [(False, IntroductionStatus.ACCEPTED), (True, IntroductionStatus.PENDING)]
    external = Introduction.objects.get(contact__isnull=True)
    assert not [m for m in mail.outbox if external.contact_email in m.to]
