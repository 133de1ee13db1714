"""The Overview tab's "at a glance" panel: one line from each part of the relationship, so a
participant sees what needs them (an agreement to accept, a check-in due) and what comes next.

Reads go through each app's own selectors; nothing private to the other side is shown. An
overseeing program admin gets the health signal and its reasons instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from tandem.agreements.models import AgreementVersion
from tandem.agreements.selectors import agreement_current, agreement_open, waiting_on
from tandem.goals.selectors import goals_progress
from tandem.health.models import HealthAssessment
from tandem.health.schedule import CheckInDue
from tandem.health.selectors import checkin_due_of
from tandem.meetings.selectors import meeting_stats
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.mentorships.pages import RelationshipPage
from tandem.organisations.models import Membership

SHOWN_FOR = (MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED, MentorshipStatus.COMPLETED)


@dataclass(frozen=True)
class Glance:
    agreement: AgreementVersion | None
    proposal: AgreementVersion | None
    proposal_needs_me: bool
    next_meeting_at: datetime | None
    last_meeting_at: datetime | None
    goals_progress: float | None
    checkin: CheckInDue | None

    @property
    def goals_percent(self) -> int | None:
        return None if self.goals_progress is None else round(self.goals_progress * 100)


def glance_for_participant(page: RelationshipPage, viewer: Membership) -> Glance | None:
    """What the viewer, a participant, should see first; None before the mentorship starts."""
    mentorship = page.mentorship
    if page.me is None or mentorship.status not in SHOWN_FOR or mentorship.started_at is None:
        return None
    proposal = agreement_open(mentorship)
    members = list(mentorship.members.all())
    stats = meeting_stats(mentorship, since=mentorship.started_at)
    return Glance(
        agreement=agreement_current(mentorship),
        proposal=proposal,
        proposal_needs_me=proposal is not None
        and any(m.membership_id == viewer.pk for m in waiting_on(proposal, members)),
        next_meeting_at=stats.next_at,
        last_meeting_at=stats.last_held_at,
        goals_progress=goals_progress(mentorship),
        checkin=checkin_due_of(mentorship=mentorship, member=viewer, now=timezone.now()),
    )


def health_for_admin(mentorship: Mentorship) -> HealthAssessment | None:
    """The stored health assessment, for an overseeing admin's Overview."""
    return HealthAssessment.objects.filter(mentorship=mentorship).first()
