"""Demo data for careers: an endorsement shared with admins, an introduction a member accepted,
and one waiting for an external contact (no email is sent)."""

from __future__ import annotations

import datetime as dt
import random

from tandem.advancement.models import Endorsement, Introduction
from tandem.advancement.selectors import introduction_candidates
from tandem.advancement.services import (
    OPEN_FOR_ADVANCEMENT,
    endorsement_create,
    endorsement_share,
    introduction_answer,
    introduction_create,
)
from tandem.feedback.support import supported_members
from tandem.mentorships.models import MemberRole, Mentorship
from tandem.people.models import Profile, Skill

ENDORSEMENTS = [
    (
        "{name} turns vague problems into clear plans. In our last project they mapped the options, "
        "asked the right people and got everyone behind a decision in a week."
    ),
    (
        "{name} is a generous collaborator: they explain their thinking, invite critique and make the "
        "people around them better. I would trust them with a team of their own."
    ),
    (
        "I have watched {name} grow into a confident presenter; their last demo to leadership was "
        "crisp, honest about risks and well received."
    ),
]
CONTEXTS = [
    (
        "{contact} has led exactly the kind of move {name} is considering — half an hour of their "
        "experience would save months of guessing."
    ),
    "You both care about {topic}; {contact} could point {name} to the right people and projects.",
    "{name} wants to grow in {topic}, and {contact} is the person I learnt it from.",
]
ACCEPT_MESSAGES = ["Happy to — let's grab a coffee next week.", "Gladly! Send me a few times that suit you."]
EXTERNAL = [
    ("Morgan Ellis", "morgan.ellis@example.com"),
    ("Sam Okafor", "sam.okafor@example.org"),
    ("Rina Takahashi", "rina.takahashi@example.net"),
]


def demo_career(*, mentorship: Mentorship, rng: random.Random, now: dt.datetime) -> None:
    """For the mentor (or first peer) of `mentorship`: one endorsement the mentee shared with
    program admins, one introduction to a colleague who accepted, and one to an external
    contact still waiting (its email is not sent). Does nothing for a closed mentorship."""
    if mentorship.status not in OPEN_FOR_ADVANCEMENT:
        return
    members = sorted(mentorship.members.all(), key=lambda m: (m.role != MemberRole.MENTOR, m.pk))
    mentor = next((m.membership for m in members if supported_members(mentorship, m.membership)), None)
    if mentor is None:
        return
    mentee = supported_members(mentorship, mentor)[0].membership
    name = mentee.user.get_short_name()
    profile = Profile.objects.filter(membership=mentee).first()
    skills = list(profile.skills.order_by("pk")[:6]) if profile else []
    if not skills:
        skills = list(Skill.objects.filter(organisation_id=mentorship.organisation_id).order_by("pk")[:20])
    chosen = rng.sample(skills, k=min(len(skills), 2))
    topic = chosen[0].name.lower() if chosen else "their craft"
    since = mentorship.started_at or now
    when = since + (now - since) * 0.6 if now > since else now

    endorsement = endorsement_create(
        mentorship=mentorship,
        by=mentor,
        text=rng.choice(ENDORSEMENTS).format(name=name),
        skill_ids=[s.pk for s in chosen],
        subject_id=mentee.pk,
    )
    endorsement_share(endorsement=endorsement, by=mentee, shared=True)
    Endorsement.objects.filter(pk=endorsement.pk).update(created_at=when, updated_at=when, shared_at=when)

    candidates = list(introduction_candidates(mentorship=mentorship).exclude(user__full_name="")[:60])
    if candidates:
        contact = rng.choice(candidates)
        accepted, _ = introduction_create(
            mentorship=mentorship,
            by=mentor,
            context=rng.choice(CONTEXTS).format(
                contact=contact.user.get_short_name(), name=name, topic=topic
            ),
            contact_id=contact.pk,
            subject_id=mentee.pk,
            base_url="",
            send_email=False,
        )
        introduction_answer(
            introduction=accepted, by=contact, accept=True, message=rng.choice(ACCEPT_MESSAGES)
        )
        Introduction.objects.filter(pk=accepted.pk).update(
            created_at=when, responded_at=min(when + dt.timedelta(days=2), now)
        )

    external_name, external_email = rng.choice(EXTERNAL)
    introduction_create(
        mentorship=mentorship,
        by=mentor,
        context=rng.choice(CONTEXTS).format(contact=external_name.split()[0], name=name, topic=topic),
        contact_name=external_name,
        contact_email=external_email,
        subject_id=mentee.pk,
        base_url="",
        send_email=False,
    )
