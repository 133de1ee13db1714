"""Who supports whom in a mentorship — and so may rate, endorse and introduce them.

It follows the shape of the mentorship: in a one-to-one (or one-to-few) the mentor supports
their mentee(s) and a mentee supports nobody; in a peer mentorship each peer supports the
others. The advancement app (endorsements, introductions) uses the same rule.
"""

from __future__ import annotations

from tandem.mentorships.models import MemberRole, Mentorship, MentorshipMember
from tandem.organisations.models import Membership


def supported_members(mentorship: Mentorship, by: Membership) -> list[MentorshipMember]:
    """Whom `by` supports in this mentorship — may rate, endorse and introduce: a mentor their
    mentees, a peer the other peers, anyone else nobody. Uses the prefetched members."""
    members = list(mentorship.members.all())
    me = next((m for m in members if m.membership_id == by.pk), None)
    if me is None:
        return []
    if me.role == MemberRole.MENTOR:
        return [m for m in members if m.role == MemberRole.MENTEE]
    if me.role == MemberRole.PEER:
        return [m for m in members if m.role == MemberRole.PEER and m.membership_id != by.pk]
    return []


def is_supported(mentorship: Mentorship, member: Membership) -> bool:
    """Whether someone in the mentorship supports `member` (they can receive feedback)."""
    return any(
        m.membership_id == member.pk and m.role in (MemberRole.MENTEE, MemberRole.PEER)
        for m in mentorship.members.all()
    )
