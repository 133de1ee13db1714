"""The Overview tab's "at a glance" panel: one line from each part of the relationship, so a
participant sees what needs them (an agreement to accept, a check-in due) and what comes next.

Reads go through each app's own selectors; nothing private to the other side is shown. An
overseeing program admin gets the health signal and its reasons instead.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Min
from django.utils import timezone

from tandem.agreements.models import AgreementStatus, AgreementVersion
from tandem.agreements.selectors import agreement_current, agreement_open, waiting_on
from tandem.goals.selectors import goals_progress
from tandem.health.models import CheckIn, HealthAssessment
from tandem.health.schedule import CheckInDue, checkin_due
from tandem.health.selectors import checkin_due_of
from tandem.meetings.models import Meeting, MeetingStatus
from tandem.meetings.selectors import meeting_stats
from tandem.mentorships.models import Mentorship, MentorshipMember, MentorshipStatus
from tandem.mentorships.pages import RelationshipPage
from tandem.mentorships.selectors import mentorship_list
from tandem.organisations.models import Membership, Organisation

SHOWN_FOR = (MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED, MentorshipStatus.COMPLETED)
HOME_STATUSES = (MentorshipStatus.PROPOSED, MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED)


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
    """The stored health assessment, for an overseeing admin's Overview; None once the mentorship
    has ended (its last assessment describes a relationship that no longer runs)."""
    if mentorship.status not in (MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED):
        return None
    return HealthAssessment.objects.filter(mentorship=mentorship).first()


@dataclass(frozen=True)
class NextSteps:
    """One of the viewer's running mentorships on their home page, and what it asks of them."""

    mentorship: Mentorship
    others: list[MentorshipMember]
    agreement_needs_me: bool
    next_meeting_at: datetime | None
    checkin_due: bool

    @property
    def needs_me(self) -> bool:
        return self.agreement_needs_me or self.checkin_due


def next_steps_for(*, organisation: Organisation, membership: Membership, now: datetime) -> list[NextSteps]:
    """The member's running mentorships with what needs them — a fixed number of queries however
    many mentorships they have (one per part, not one per mentorship)."""
    mentorships = list(
        mentorship_list(organisation=organisation, membership=membership).filter(status__in=HOME_STATUSES)
    )
    ids = [m.pk for m in mentorships]
    if not ids:
        return []
    waiting_for_me = set(
        AgreementVersion.objects.filter(mentorship_id__in=ids, status=AgreementStatus.PROPOSED)
        .exclude(acceptances__membership=membership)
        .values_list("mentorship_id", flat=True)
    )
    next_meeting = dict(
        Meeting.objects.filter(mentorship_id__in=ids, status=MeetingStatus.SCHEDULED, starts_at__gt=now)
        .values_list("mentorship_id")
        .annotate(first=Min("starts_at"))
    )
    my_checkins: dict[int, list[datetime]] = defaultdict(list)
    for mentorship_id, at in CheckIn.objects.filter(mentorship_id__in=ids, author=membership).values_list(
        "mentorship_id", "created_at"
    ):
        my_checkins[mentorship_id].append(at)
    steps = []
    for mentorship in mentorships:
        due = (
            mentorship.status == MentorshipStatus.ACTIVE
            and mentorship.started_at is not None
            and checkin_due(
                started_at=mentorship.started_at,
                first_days=mentorship.program.checkin_first_days,
                every_days=mentorship.program.checkin_every_days,
                now=now,
                previous=my_checkins[mentorship.pk],
            ).is_due
        )
        steps.append(
            NextSteps(
                mentorship=mentorship,
                others=[m for m in mentorship.members.all() if m.membership_id != membership.pk],
                agreement_needs_me=mentorship.pk in waiting_for_me,
                next_meeting_at=next_meeting.get(mentorship.pk),
                checkin_due=due,
            )
        )
    return steps
