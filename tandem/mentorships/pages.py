"""The shared frame of a mentorship's pages (overview, agreement, meetings, goals, feedback,
check-ins, career). Each app's view opens the mentorship through `relationship_page` and renders
a template extending `mentorships/relationship_base.html`, which draws the header and the tabs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404

from tandem.errors import NotFound
from tandem.mentorships.models import MemberRole, Mentorship, MentorshipMember
from tandem.mentorships.selectors import mentorship_get, mentorship_get_for_oversight
from tandem.organisations.access import OrgRequest

# (URL name, label, open to an overseeing program admin) of each tab, in order. A tab whose page
# does not exist, or that the viewer may not open, is not shown. Admins oversee the agreement in
# force, check-ins and health, and endorsements the mentee shared; meetings, goals and competency
# feedback belong to the pair (docs/adr/0004-who-sees-what-in-a-mentorship.md).
TABS = (
    ("mentorships:detail", "Overview", True),
    ("agreements:mentorship", "Agreement", True),
    ("meetings:mentorship", "Meetings", False),
    ("goals:mentorship", "Goals", False),
    ("feedback:mentorship", "Feedback", False),
    ("health:mentorship", "Check-ins", True),
    ("advancement:mentorship", "Career", True),
)


@dataclass(frozen=True)
class RelationshipPage:
    mentorship: Mentorship
    me: MentorshipMember | None  # None when a program admin oversees a mentorship they are not in
    others: list[MentorshipMember]

    @property
    def overseeing(self) -> bool:
        """The viewer is an admin looking in, not a participant."""
        return self.me is None

    @property
    def mentors(self) -> list[MentorshipMember]:
        return [m for m in self.mentorship.members.all() if m.role == MemberRole.MENTOR]

    @property
    def mentees(self) -> list[MentorshipMember]:
        return [m for m in self.mentorship.members.all() if m.role != MemberRole.MENTOR]

    def context(self, **extra: Any) -> dict[str, Any]:
        return {
            "mentorship": self.mentorship,
            "me": self.me,
            "others": self.others,
            "mentors": self.mentors,
            "mentees": self.mentees,
            "overseeing": self.overseeing,
            **extra,
        }


def relationship_page(
    request: OrgRequest, mentorship_id: int, *, allow_oversight: bool = False
) -> RelationshipPage:
    """Open a mentorship for the signed-in member, or 404.

    Participants always may; program admins too when `allow_oversight` (health, check-ins,
    concerns). Private content inside is for the calling app's selectors to filter.
    """
    find = mentorship_get_for_oversight if allow_oversight else mentorship_get
    try:
        mentorship = find(
            organisation=request.organisation, mentorship_id=mentorship_id, viewer=request.membership
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    members = list(mentorship.members.all())
    me = next((m for m in members if m.membership_id == request.membership.pk), None)
    return RelationshipPage(mentorship, me, [m for m in members if m.membership_id != request.membership.pk])
