"""Review findings for health: a participant who left the organisation is not asked to check in,
and a program admin who takes part in a mentorship cannot recompute (and so read) its health."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import login
from tandem.health.models import CheckInReminder, HealthAssessment
from tandem.health.services import checkin_submit, checkins_remind_due
from tandem.health.tests.conftest import started_days_ago
from tandem.mentorships.models import MentorshipMember
from tandem.notifications.models import Notification, NotificationKind
from tandem.organisations.models import Membership, Organisation, Role
from tests.factories import make_member
from tests.relationship_setup import Live, live_mentorship

pytestmark = pytest.mark.django_db


def test_a_participant_who_left_the_organisation_is_not_reminded(live: Live) -> None:
    # given the first check-in is due, and the mentor's membership was deactivated
    started_days_ago(live.mentorship, 31)
    Membership.objects.filter(pk=live.mentor.pk).update(is_active=False)
    # when the job runs
    sent = checkins_remind_due()
    # then only the mentee is asked
    assert sent == 1
    reminded = Notification.objects.filter(kind=NotificationKind.CHECKIN_DUE)
    assert list(reminded.values_list("recipient_id", flat=True)) == [live.mentee.pk]
    assert list(CheckInReminder.objects.values_list("member_id", flat=True)) == [live.mentee.pk]


def test_an_admin_in_the_mentorship_cannot_recompute_its_health_from_the_page(
    client: Client, org: Organisation, program_admin: Membership
) -> None:
    # given a program admin who is the mentee of a mentorship whose mentor said it isn't working
    live = live_mentorship(org, make_member(org, role=Role.PROGRAM_ADMIN))
    MentorshipMember.objects.filter(mentorship=live.mentorship, membership=live.mentee).update(
        membership=program_admin
    )
    started_days_ago(live.mentorship, 40)
    checkin_submit(mentorship=live.mentorship, by=live.mentor, satisfaction=1, working="no", comment="Hm")
    computed_at = HealthAssessment.objects.get(mentorship=live.mentorship).computed_at
    url = reverse("health:recompute", kwargs={"org_slug": org.slug, "mentorship_id": live.mentorship.pk})
    # when they post the recompute form, then it is not there for them
    response = login(client, program_admin).post(url)
    assert response.status_code == 404
    assert HealthAssessment.objects.get(mentorship=live.mentorship).computed_at == computed_at
