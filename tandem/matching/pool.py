"""Turn a program's pool (enrolments and their profiles) into the engine's arrays.

This is the only place where ORM rows cross into `matchmaker`: ids become row indices,
taxonomy rows become dense integer ids, time zones become UTC offsets *now*.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

import matchmaker
from django.db.models import Prefetch
from django.utils import timezone

from tandem.matching.models import BlockedPair
from tandem.mentorships.capacity import mentees_held_by
from tandem.mentorships.models import (
    OCCUPYING_STATUSES,
    MemberRole,
    MentorshipMember,
    MentorshipRequest,
    RequestStatus,
)
from tandem.people.models import Language, Profile, ProfileSkill, Skill, WorkValue
from tandem.programs.models import Enrolment, EnrolmentRole, EnrolmentStatus, Program, ProgramKind

ENGINE_KIND = {
    ProgramKind.ONE_TO_ONE: "traditional",
    ProgramKind.GROUP: "traditional",
    ProgramKind.REVERSE: "reverse",
    ProgramKind.PEER: "peer",
}
ENGINE_FORMAT = {"video": "video", "in_person": "in person", "chat": "chat", "phone": "phone"}


@dataclass(frozen=True)
class Pool:
    """Both sides of a program's unmatched pool, aligned row by row with the engine's arrays."""

    program: Program
    mentees: list[Enrolment]
    mentors: list[Enrolment]  # in peer programs, the same list as `mentees`
    mentee_features: matchmaker.PeopleFeatures
    mentor_features: matchmaker.PeopleFeatures
    capacity: list[int]  # remaining places per mentor row
    model: matchmaker.ScoreModel
    labels: matchmaker.Labels

    def scorer(self) -> matchmaker.Scorer:
        return matchmaker.Scorer(self.model, self.mentee_features, self.mentor_features)


def _utc_offset_minutes(tz_name: str, at: dt.datetime) -> int:
    try:
        offset = at.astimezone(zoneinfo.ZoneInfo(tz_name)).utcoffset()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return 0
    return int(offset.total_seconds() // 60) if offset else 0


def _enrolments(program: Program, role: str) -> list[Enrolment]:
    profiles = Profile.objects.select_related("department", "career_level").prefetch_related(
        Prefetch("skill_levels", queryset=ProfileSkill.objects.only("profile_id", "skill_id", "level")),
        "goal_skills",
        "values",
        "languages",
    )
    return list(
        Enrolment.objects.filter(
            program=program, role=role, status=EnrolmentStatus.ACTIVE, membership__is_active=True
        )
        .select_related("membership__user")
        .prefetch_related(Prefetch("membership__profile", queryset=profiles))
        .order_by("pk")
    )


def _matched_membership_ids(program: Program, role: str) -> set[int]:
    return set(
        MentorshipMember.objects.filter(
            mentorship__program=program, mentorship__status__in=OCCUPYING_STATUSES, role=role
        ).values_list("membership_id", flat=True)
    )


def excluded_pairs(program: Program) -> list[tuple[int, int]]:
    """(mentee membership, mentor membership) pairs never to propose: blocked by an admin,
    declined by the mentor, or already together (now or before) in any of the organisation's programs."""
    pairs: set[tuple[int, int]] = set(
        BlockedPair.objects.filter(program=program).values_list("mentee_id", "mentor_id")
    )
    pairs |= set(
        MentorshipRequest.objects.filter(program=program, status=RequestStatus.DECLINED).values_list(
            "mentee__membership_id", "mentor__membership_id"
        )
    )
    together: dict[int, list[tuple[int, str]]] = {}
    for mentorship_id, membership_id, role in MentorshipMember.objects.filter(
        mentorship__organisation_id=program.organisation_id
    ).values_list("mentorship_id", "membership_id", "role"):
        together.setdefault(mentorship_id, []).append((membership_id, role))
    for members in together.values():
        for a, role_a in members:
            for b, role_b in members:
                if a != b and role_a != MemberRole.MENTOR and role_b != MemberRole.MENTEE:
                    pairs.add((a, b))
    return sorted(pairs)


def build_pool(*, program: Program) -> Pool:
    """Read the program's unmatched pool and convert it for the engine (a handful of queries)."""
    org = program.organisation
    peer = program.kind == ProgramKind.PEER
    if peer:
        matched = _matched_membership_ids(program, MemberRole.PEER)
        peers = [e for e in _enrolments(program, EnrolmentRole.PEER) if e.membership_id not in matched]
        mentees, mentors = peers, peers
        capacity = [1] * len(peers)
    else:
        matched = _matched_membership_ids(program, MemberRole.MENTEE)
        mentees = [e for e in _enrolments(program, EnrolmentRole.MENTEE) if e.membership_id not in matched]
        all_mentors = _enrolments(program, EnrolmentRole.MENTOR)
        held = mentees_held_by(
            program_id=program.pk, mentor_membership_ids=[m.membership_id for m in all_mentors]
        )
        mentors = [m for m in all_mentors if m.capacity - held.get(m.membership_id, 0) > 0]
        capacity = [m.capacity - held.get(m.membership_id, 0) for m in mentors]

    skills = list(
        Skill.objects.filter(organisation=org).order_by("pk").values_list("pk", "name", "description")
    )
    skill_index = {pk: i for i, (pk, _, _) in enumerate(skills)}
    values = list(WorkValue.objects.filter(organisation=org).order_by("pk").values_list("pk", "name"))
    value_index = {pk: i for i, (pk, _) in enumerate(values)}
    languages = list(Language.objects.order_by("pk").values_list("pk", "name"))
    language_index = {pk: i for i, (pk, _) in enumerate(languages)}
    manager_of: dict[int, int] = dict(
        Profile.objects.filter(organisation=org, manager__isnull=False).values_list(
            "membership_id", "manager_id"
        )
    )
    industries: dict[str, int] = {}
    matcher = matchmaker.SkillTextMatcher([f"{name}. {desc}" for _, name, desc in skills] or ["-"])
    now = timezone.now()

    def features(enrolments: list[Enrolment]) -> matchmaker.PeopleFeatures:
        profiles = [e.membership.profile for e in enrolments]
        return matchmaker.people_features(
            [e.membership_id for e in enrolments],
            n_skills=max(1, len(skills)),
            n_values=max(1, len(values)),
            n_languages=max(1, len(languages)),
            skills=[{skill_index[s.skill_id]: s.level for s in p.skill_levels.all()} for p in profiles],
            goals=[[skill_index[s.pk] for s in p.goal_skills.all()] for p in profiles],
            goal_text=[p.goals_text for p in profiles],
            expertise_text=[f"{p.job_title}. {p.headline}. {p.bio}" for p in profiles],
            text_matcher=matcher,
            values=[[value_index[v.pk] for v in p.values.all()] for p in profiles],
            languages=[[language_index[lang.pk] for lang in p.languages.all()] for p in profiles],
            industry=[
                industries.setdefault(p.industry.strip().lower(), len(industries))
                if p.industry.strip()
                else -1
                for p in profiles
            ],
            department=[p.department_id or -1 for p in profiles],
            level=[p.career_level.rank if p.career_level else -1 for p in profiles],
            utc_offset_minutes=[_utc_offset_minutes(p.time_zone, now) for p in profiles],
            formats=[[ENGINE_FORMAT[f] for f in p.meeting_formats if f in ENGINE_FORMAT] for p in profiles],
            hours_per_month=[float(p.hours_per_month) for p in profiles],
            manager_of=manager_of,
        )

    mentee_features = features(mentees)
    mentor_features = mentee_features if peer else features(mentors)
    weights = {k: float(v) for k, v in (program.criteria_weights or {}).items() if k in matchmaker.CRITERIA}
    if not any(weights.values()):
        weights = dict(matchmaker.DEFAULT_WEIGHTS)
    preferred = [
        (e.membership_id, int(mentor_id)) for e in mentees for mentor_id in (e.preferred_mentor_ids or [])
    ]
    model = matchmaker.ScoreModel(
        weights=weights,
        must=frozenset(program.must_criteria or []),
        kind=ENGINE_KIND[ProgramKind(program.kind)],  # type: ignore[arg-type]
        min_level_gap=max(0, program.min_level_gap),
        max_level_gap=max(0, program.max_level_gap, program.min_level_gap),
        max_tz_gap_hours=program.max_time_zone_gap_hours,
        require_shared_language=program.require_shared_language,
        separate_reporting_lines=program.forbid_same_reporting_line,
        require_different_department=program.require_different_department,
        excluded_pairs=excluded_pairs(program),
        preferred_pairs=preferred,
    )
    labels = matchmaker.Labels(
        skills=tuple(name for _, name, _ in skills),
        values=tuple(name for _, name in values),
        industries=tuple(sorted(industries, key=industries.__getitem__)),
        languages=tuple(name for _, name in languages),
    )
    return Pool(
        program=program,
        mentees=mentees,
        mentors=mentors,
        mentee_features=mentee_features,
        mentor_features=mentor_features,
        capacity=capacity,
        model=model,
        labels=labels,
    )
