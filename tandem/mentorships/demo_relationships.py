"""Demo lifecycle for Northwind's running mentorships: one ended early (no fault) and re-matched
through the guided re-match, one paused, one completed, and one open concern.

Everything goes through the lifecycle services, then timestamps are moved into the past so the
history reads like real weeks went by. Called by the demo loader after the programs exist.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db.models import Count

from tandem.matching.selectors import pair_candidate
from tandem.mentorships.lifecycle import (
    concern_raise,
    mentorship_complete,
    mentorship_create_by_admin,
    mentorship_end_early,
    mentorship_pause,
    program_admins,
    rematch_choose,
)
from tandem.mentorships.models import (
    Concern,
    EndReason,
    MemberRole,
    Mentorship,
    MentorshipEvent,
    MentorshipMember,
    MentorshipRequest,
    MentorshipStatus,
    Rematch,
)
from tandem.mentorships.selectors_lifecycle import rematch_candidates, rematch_mentee
from tandem.mentorships.services import mentorship_request_accept
from tandem.organisations.models import Organisation
from tandem.programs.models import Enrolment, ProgramKind

REMATCH_MESSAGE = (
    "Hi {name}, my previous mentorship ended because our schedules never lined up. Your experience "
    "looks like a great fit for what I'm working on — could we try a monthly chat?"
)
REFLECTIONS = [
    "We met every month for half a year and I now run our team retros on my own. Thank you!",
    "Goals met: the promotion case is written and submitted. A great partnership.",
]
PAUSE_REASONS = ["Parental leave until next quarter.", "Release crunch — back in a few weeks."]
CONCERN_TEXT = (
    "We have agreed to meet monthly, but the last three meetings were cancelled on the day. I tried "
    "to raise it and did not get an answer. I would like some advice on what to do next."
)


def _live_one_to_one(organisation: Organisation, exclude: set[int]) -> list[Mentorship]:
    """The organisation's ACTIVE mentorships with one mentor and one mentee, oldest first."""
    return list(
        Mentorship.objects.filter(organisation=organisation, status=MentorshipStatus.ACTIVE)
        .exclude(program__kind=ProgramKind.PEER)
        .exclude(pk__in=exclude)
        .annotate(size=Count("members"))
        .filter(size=2)
        .select_related("organisation", "program__organisation")
        .prefetch_related("members__membership__user")
        .order_by("pk")
    )


def _side(mentorship: Mentorship, role: str) -> MentorshipMember:
    return next(m for m in mentorship.members.all() if m.role == role)


def _backdate(mentorship: Mentorship, *, started: datetime, ended: datetime | None = None) -> None:
    Mentorship.objects.filter(pk=mentorship.pk).update(started_at=started, created_at=started)
    if ended is not None:
        Mentorship.objects.filter(pk=mentorship.pk).update(ended_at=ended)
        MentorshipEvent.objects.filter(mentorship=mentorship).update(at=ended)


def demo_end_early_and_rematch(*, organisation: Organisation, rng: random.Random, now: datetime) -> None:
    """End a running mentorship early for a no-fault reason and re-match its mentee: the mentee picks
    the engine's best suggestion, which the new mentor accepts (a new ACTIVE mentorship).

    Prefers a program where mentees may ask mentors themselves (the pick is a request); where
    the admins make the matches the pick goes to them and a program admin creates the mentorship.
    """
    admins = program_admins(organisation_id=organisation.pk)
    candidates = _live_one_to_one(organisation, exclude=set())
    rng.shuffle(candidates)
    # Self-service programs first: there the re-match is a request the mentor accepts.
    candidates.sort(key=lambda m: m.program.matching_mode == "admin_bulk")
    for mentorship in candidates:
        mentee_member = _side(mentorship, MemberRole.MENTEE)
        mentorship_end_early(
            mentorship=mentorship,
            by=mentee_member.membership,
            reason=EndReason.SCHEDULES,
            private_note="We tried three different slots; nothing stuck. No hard feelings at all.",
        )
        ended = (
            Mentorship.objects.prefetch_related("members")
            .select_related("organisation")
            .get(pk=mentorship.pk)
        )
        mentee = rematch_mentee(mentorship=ended, viewer=mentee_member.membership)
        offers = rematch_candidates(mentee=mentee) if mentee is not None else []
        if mentee is None or not offers:
            continue  # ended early all the same: the demo keeps one without a re-match yet
        chosen = offers[0].candidate.mentor
        pick = rematch_choose(
            ended=ended,
            mentee=mentee,
            mentor=chosen,
            message=REMATCH_MESSAGE.format(name=chosen.membership.user.get_short_name()),
            by=mentee_member.membership,
        )
        started = now - timedelta(days=rng.randint(75, 110))
        ended_at = now - timedelta(days=rng.randint(20, 28))
        if pick.request is not None:
            fit = pair_candidate(mentee=mentee, mentor=chosen)
            new = mentorship_request_accept(
                request=pick.request,
                by=chosen.membership,
                score=fit.score if fit else None,
                explanation=fit.breakdown if fit else None,
            )
            asked = ended_at + timedelta(days=1)
            MentorshipRequest.objects.filter(pk=pick.request.pk).update(
                created_at=asked, responded_at=asked + timedelta(hours=rng.choice([5, 20, 30]))
            )
        else:
            program = mentee.program
            new = mentorship_create_by_admin(
                program=program,
                mentor=Enrolment.objects.select_related("membership__user").get(pk=chosen.pk),
                mentees=[mentee],
                by=admins[0],
            )
        _backdate(ended, started=started, ended=ended_at)
        _backdate(new, started=ended_at + timedelta(days=2))
        return


def demo_lifecycle_variety(*, organisation: Organisation, rng: random.Random, now: datetime) -> None:
    """One paused mentorship, one completed with a reflection, and one open concern."""
    rematched = set(
        Rematch.objects.filter(
            ended__organisation=organisation, request__mentorship__isnull=False
        ).values_list("request__mentorship_id", flat=True)
    )
    live = _live_one_to_one(organisation, exclude=rematched)
    rng.shuffle(live)
    if len(live) < 3:
        return
    paused, completed, worried = live[0], live[1], live[2]

    mentorship_pause(
        mentorship=paused,
        by=_side(paused, MemberRole.MENTOR).membership,
        reason=rng.choice(PAUSE_REASONS),
    )
    _backdate(paused, started=now - timedelta(days=rng.randint(60, 90)))
    MentorshipEvent.objects.filter(mentorship=paused).update(at=now - timedelta(days=rng.randint(5, 12)))

    mentorship_complete(
        mentorship=completed,
        by=_side(completed, MemberRole.MENTEE).membership,
        reflection=rng.choice(REFLECTIONS),
    )
    _backdate(
        completed,
        started=now - timedelta(days=rng.randint(170, 200)),
        ended=now - timedelta(days=rng.randint(3, 9)),
    )

    concern = concern_raise(
        mentorship=worried, by=_side(worried, MemberRole.MENTEE).membership, text=CONCERN_TEXT
    )
    Concern.objects.filter(pk=concern.pk).update(created_at=now - timedelta(days=rng.randint(1, 3)))
