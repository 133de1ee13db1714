"""Demo programs for Northwind: one of each kind, at different stages of their lifecycle,
with a published round, a draft round to review, pending requests and active mentorships.

Everything goes through the real services, so the demo is also a smoke test of them.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from tandem.matching.models import RoundStatus
from tandem.matching.run import match_round_execute
from tandem.matching.services import match_round_create, match_round_publish
from tandem.mentorships.models import MentorshipRequest
from tandem.mentorships.services import (
    mentorship_request_accept,
    mentorship_request_create,
    mentorship_request_decline,
)
from tandem.organisations.models import Membership, Organisation, Role
from tandem.people.models import Profile
from tandem.programs.models import Enrolment, Program
from tandem.programs.services import (
    ProgramSettings,
    QuestionSpec,
    enrolment_create,
    program_create,
    program_set_questions,
    program_transition,
)

DECLINE_REASONS = [
    "My calendar is full until next quarter — please ask me again then.",
    "I think someone closer to your goals would help you more; try the data team.",
]


def _walk(program: Program, by: Membership, *statuses: str) -> Program:
    for status in statuses:
        program = program_transition(program=program, to_status=status, by=by)
    return program


def _enrol(program: Program, people: list[Membership], role: str, rng: random.Random) -> list[Enrolment]:
    return [
        enrolment_create(
            program=program,
            membership=m,
            role=role,
            capacity=rng.choice([1, 2, 2, 3]) if role == "mentor" else None,
        )
        for m in people
    ]


def _spread_request_times(program: Program, rng: random.Random) -> None:
    """Requests made over the last weeks and answered within hours or days, so response
    times in the demo look like real ones (the services stamp them all "now")."""
    now = timezone.now()
    for request in MentorshipRequest.objects.filter(program=program).order_by("pk"):
        # Pending ones are recent, so none is past its expiry date.
        days = rng.randint(2, 20) if request.responded_at else rng.randint(1, 6)
        created = now - timedelta(days=days, hours=rng.randint(0, 23))
        responded = (
            created + timedelta(hours=rng.choice([3, 8, 20, 30, 52])) if request.responded_at else None
        )
        MentorshipRequest.objects.filter(pk=request.pk).update(
            created_at=created,
            responded_at=responded,
            expires_at=created + timedelta(days=program.request_expiry_days)
            if not responded
            else request.expires_at,
        )


def demo_programs(*, organisation: Organisation, rng: random.Random) -> list[Program]:
    admin = (
        Membership.objects.filter(organisation=organisation, role=Role.PROGRAM_ADMIN, is_active=True)
        .select_related("user", "organisation")
        .order_by("pk")
        .first()
    )
    if admin is None:
        raise ValueError("The demo programs need a program admin.")
    profiles = list(
        Profile.objects.filter(organisation=organisation)
        .select_related("membership__user", "membership__organisation", "career_level")
        .order_by("pk")
    )
    member_login = next(
        (p.membership for p in profiles if p.membership.user.email.startswith("member@")), None
    )
    seniors = [
        p.membership for p in profiles if p.open_to_mentor and p.career_level and p.career_level.rank >= 4
    ]
    mentor_set = set(seniors)
    juniors = [
        p.membership
        for p in profiles
        if p.seeking_mentorship
        and p.career_level
        and p.career_level.rank <= 4
        and p.membership != member_login
        and p.membership not in mentor_set  # someone both open to mentor and seeking plays one part
    ]
    rng.shuffle(seniors)
    rng.shuffle(juniors)

    # 1. One-to-one onboarding, matched in bulk and running: a published round, active mentorships.
    onboarding = _walk(
        program_create(
            organisation=organisation, by=admin, settings=ProgramSettings(), template_key="onboarding"
        ),
        admin,
        "open",
    )
    program_set_questions(
        program=onboarding,
        by=admin,
        questions=[QuestionSpec(text="What do you most want to learn in your first months?", required=False)],
    )
    _enrol(onboarding, seniors[:24], "mentor", rng)
    _enrol(onboarding, juniors[:30], "mentee", rng)
    if member_login is not None:  # the demo member is in a running mentorship too
        enrolment_create(program=onboarding, membership=member_login, role="mentee")
    onboarding = _walk(onboarding, admin, "matching")
    published = match_round_execute(round_id=match_round_create(program=onboarding, by=admin).pk)
    if published.status == RoundStatus.DRAFT:
        match_round_publish(match_round=published, by=admin)
    onboarding = _walk(onboarding, admin, "in_progress")

    # 2. One-to-one, mentee-led: open, with requests in every state.
    engineering = _walk(
        program_create(
            organisation=organisation,
            by=admin,
            settings=ProgramSettings(),
            template_key="industry_engineering",
        ),
        admin,
        "open",
    )
    mentors = _enrol(engineering, seniors[24:44], "mentor", rng)
    mentees = _enrol(engineering, juniors[30:52], "mentee", rng)
    if member_login is not None:
        mentees.append(enrolment_create(program=engineering, membership=member_login, role="mentee"))
    for index, mentee in enumerate(mentees if mentors else []):
        mentor = mentors[index % len(mentors)]
        request = mentorship_request_create(
            mentee=mentee,
            mentor=mentor,
            message=f"Hi {mentor.membership.user.get_short_name()}, I'd love your help growing in my role — "
            "could we meet once a month?",
            by=mentee.membership,
        )
        fate = (
            "pending"
            if mentee.membership == member_login
            else rng.choice(["accept", "accept", "decline", "pending"])
        )
        if fate == "accept":
            mentorship_request_accept(request=request, by=mentor.membership)
        elif fate == "decline":
            mentorship_request_decline(
                request=request, by=mentor.membership, reason=rng.choice(DECLINE_REASONS)
            )

    _spread_request_times(engineering, rng)

    # 3. Reverse mentoring: in matching, with a draft round waiting for the admin's review.
    reverse = _walk(
        program_create(
            organisation=organisation, by=admin, settings=ProgramSettings(), template_key="reverse_tech"
        ),
        admin,
        "open",
    )
    _enrol(reverse, juniors[52:64], "mentor", rng)
    _enrol(reverse, seniors[44:54], "mentee", rng)
    reverse = _walk(reverse, admin, "matching")
    match_round_execute(round_id=match_round_create(program=reverse, by=admin).pk)

    # 4. Peer circles: open for enrolment.
    peers = _walk(
        program_create(
            organisation=organisation, by=admin, settings=ProgramSettings(), template_key="peer_circles"
        ),
        admin,
        "open",
    )
    _enrol(peers, juniors[64:80], "peer", rng)

    # 5. Group mentoring: still a draft being designed.
    group = program_create(
        organisation=organisation, by=admin, settings=ProgramSettings(), template_key="group_leadership"
    )
    return [onboarding, engineering, reverse, peers, group]
