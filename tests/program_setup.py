"""Test helpers for programs, enrolments and match rounds, built through the real services.

Profiles get just enough for the engine to tell people apart: languages (the default hard rule
asks for a shared one), a career level and, for mentors, expertise in the mentee's goal skill.
"""

from __future__ import annotations

from typing import Any

from tandem.matching.models import MatchRound, Proposal, RoundStatus
from tandem.matching.services import match_round_create
from tandem.organisations.models import Membership, Organisation
from tandem.people.models import CareerLevel, Skill
from tandem.people.services import ProfileChanges, profile_update
from tandem.programs.models import Enrolment, Program, ProgramStatus
from tandem.programs.services import (
    NEXT_STATUS,
    ProgramSettings,
    enrolment_create,
    program_create,
    program_transition,
)
from tests.factories import make_member, profile_of


def make_program(
    organisation: Organisation, admin: Membership, *, status: str = ProgramStatus.OPEN, **settings: Any
) -> Program:
    """A program walked through its lifecycle, one recorded step at a time, up to `status`."""
    settings.setdefault("name", "Pilot")
    program = program_create(organisation=organisation, by=admin, settings=ProgramSettings(**settings))
    while program.status != status:
        target = (
            ProgramStatus.CANCELLED
            if status == ProgramStatus.CANCELLED
            else NEXT_STATUS[ProgramStatus(program.status)]
        )
        program = program_transition(program=program, to_status=target, by=admin)
    return program


def skill(organisation: Organisation, name: str = "Python") -> Skill:
    return Skill.objects.get(organisation=organisation, name=name)


def person(
    organisation: Organisation,
    *,
    full_name: str | None = None,
    languages: tuple[str, ...] = ("en",),
    rank: int = 3,
    expertise: int | None = None,
    goal: bool = False,
) -> Membership:
    """A member whose profile the engine can score: `expertise` is their level (1–4) in Python,
    `goal` makes Python their development goal."""
    membership = make_member(organisation, full_name=full_name) if full_name else make_member(organisation)
    python = skill(organisation)
    profile_update(
        profile=profile_of(membership),
        changes=ProfileChanges(
            language_codes=list(languages),
            career_level_id=CareerLevel.objects.get(organisation=organisation, rank=rank).pk,
            skill_levels={python.pk: expertise} if expertise else None,
            goal_skill_ids=[python.pk] if goal else None,
        ),
    )
    return membership


def mentor(program: Program, *, capacity: int = 2, **profile: Any) -> Enrolment:
    profile.setdefault("rank", 5)
    profile.setdefault("expertise", 3)
    membership = person(program.organisation, **profile)
    return enrolment_create(program=program, membership=membership, role="mentor", capacity=capacity)


def mentee(program: Program, **profile: Any) -> Enrolment:
    profile.setdefault("rank", 2)
    profile.setdefault("goal", True)
    membership = person(program.organisation, **profile)
    return enrolment_create(program=program, membership=membership, role="mentee")


def draft_round(
    program: Program, admin: Membership, pairs: list[tuple[Enrolment, Enrolment]], *, score: float = 0.5
) -> MatchRound:
    """A DRAFT round holding the given pairs, as if the engine had proposed them."""
    match_round = match_round_create(program=program, by=admin)
    MatchRound.objects.filter(pk=match_round.pk).update(
        status=RoundStatus.DRAFT, progress=100, metrics={"pairs": len(pairs)}
    )
    Proposal.objects.bulk_create(
        Proposal(
            match_round=match_round,
            mentee=a,
            mentor=b,
            score=score,
            breakdown=[
                {
                    "criterion": "goals",
                    "label": "Goals ↔ expertise",
                    "value": score,
                    "weight": 8.0,
                    "contribution": score,
                    "reason": "Advanced in Python (your goal: Python)",
                    "must": False,
                }
            ],
            reasons=["Advanced in Python (your goal: Python)"],
        )
        for a, b in pairs
    )
    match_round.refresh_from_db()
    return match_round
