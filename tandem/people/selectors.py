"""Reads for profiles and taxonomy. Every query is scoped by organisation."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.fields.files import FieldFile

from tandem.organisations.models import Organisation
from tandem.people.errors import ProfileNotFound
from tandem.people.models import (
    CareerLevel,
    Competency,
    Department,
    Language,
    Profile,
    ProfileSkill,
    Skill,
    WorkValue,
)


@dataclass(frozen=True, kw_only=True)
class DirectoryFilters:
    query: str = ""
    skill_id: int | None = None
    value_id: int | None = None
    career_level_id: int | None = None
    department_id: int | None = None
    language_code: str = ""
    time_zone: str = ""
    open_to_mentor: bool | None = None


def _profile_base(organisation: Organisation) -> QuerySet[Profile]:
    return (
        Profile.objects.filter(organisation=organisation, membership__is_active=True)
        .select_related("membership__user", "department", "career_level", "manager__user")
        .prefetch_related(
            Prefetch(
                "skill_levels",
                queryset=ProfileSkill.objects.select_related("skill").order_by("-level", "skill__name"),
            ),
            "languages",
            "values",
            "goal_skills",
        )
    )


def profile_list(*, organisation: Organisation, filters: DirectoryFilters | None = None) -> QuerySet[Profile]:
    """Active members' profiles, filtered for the directory. Query count is independent of size."""
    f = filters or DirectoryFilters()
    qs = _profile_base(organisation)
    if f.query:
        words = f.query.split()
        for word in words[:6]:
            qs = qs.filter(
                Q(membership__user__full_name__icontains=word)
                | Q(job_title__icontains=word)
                | Q(headline__icontains=word)
                | Q(department__name__icontains=word)
                | Q(skills__name__icontains=word)
                | Q(location__icontains=word)
            )
    if f.skill_id is not None:
        qs = qs.filter(skill_levels__skill_id=f.skill_id)
    if f.value_id is not None:
        qs = qs.filter(values__id=f.value_id)
    if f.career_level_id is not None:
        qs = qs.filter(career_level_id=f.career_level_id)
    if f.department_id is not None:
        qs = qs.filter(department_id=f.department_id)
    if f.language_code:
        qs = qs.filter(languages__code=f.language_code)
    if f.time_zone:
        qs = qs.filter(time_zone=f.time_zone)
    if f.open_to_mentor is not None:
        qs = qs.filter(open_to_mentor=f.open_to_mentor)
    # Joins through to-many filters can repeat a row; distinct keeps the page honest.
    return qs.distinct().order_by("membership__user__full_name", "pk")


def profile_get(*, organisation: Organisation, profile_id: int) -> Profile:
    profile = _profile_base(organisation).filter(pk=profile_id).first()
    if profile is None:
        raise ProfileNotFound("No such person.")
    return profile


def profile_of_membership(*, organisation: Organisation, membership_id: int) -> Profile:
    profile = _profile_base(organisation).filter(membership_id=membership_id).first()
    if profile is None:
        raise ProfileNotFound("No such person.")
    return profile


@dataclass(frozen=True)
class Completeness:
    percent: int
    missing: list[str]


# (label shown to the user, test) — order is the order we nudge people in.
_COMPLETENESS_CHECKS: list[tuple[str, str]] = [
    ("a headline", "headline"),
    ("your job title", "job_title"),
    ("your department", "department_id"),
    ("your career level", "career_level_id"),
    ("years of experience", "years_experience"),
    ("your industry or function", "industry"),
    ("your location", "location"),
    ("a short bio", "bio"),
    ("the languages you speak", "languages"),
    ("skills you can offer", "skill_levels"),
    ("your development goals", "goals"),
    ("your work values", "values"),
    ("meeting formats you are open to", "meeting_formats"),
    ("a photo", "photo"),
]


def profile_completeness(*, profile: Profile) -> Completeness:
    """How complete a profile is, and what is missing, in the words we show the member.

    Uses prefetched relations when present (the selectors above prefetch them).
    """
    missing: list[str] = []
    for label, attr in _COMPLETENESS_CHECKS:
        if attr == "languages":
            ok = bool(list(profile.languages.all()))
        elif attr == "skill_levels":
            ok = bool(list(profile.skill_levels.all()))
        elif attr == "values":
            ok = bool(list(profile.values.all()))
        elif attr == "goals":
            ok = bool(list(profile.goal_skills.all())) or bool(profile.goals_text.strip())
        else:
            value = getattr(profile, attr)
            ok = value not in (None, "", [], 0) or (attr == "years_experience" and value == 0)
        if not ok:
            missing.append(label)
    total = len(_COMPLETENESS_CHECKS)
    return Completeness(percent=round(100 * (total - len(missing)) / total), missing=missing)


def skill_list(*, organisation: Organisation) -> QuerySet[Skill]:
    return Skill.objects.filter(organisation=organisation).order_by("category", "name")


def value_list(*, organisation: Organisation) -> QuerySet[WorkValue]:
    return WorkValue.objects.filter(organisation=organisation)


def competency_list(*, organisation: Organisation) -> QuerySet[Competency]:
    return Competency.objects.filter(organisation=organisation)


def department_list(*, organisation: Organisation) -> QuerySet[Department]:
    return Department.objects.filter(organisation=organisation)


def career_level_list(*, organisation: Organisation) -> QuerySet[CareerLevel]:
    return CareerLevel.objects.filter(organisation=organisation)


def language_list() -> QuerySet[Language]:
    return Language.objects.all()


def time_zones_in_use(*, organisation: Organisation) -> list[str]:
    return list(
        Profile.objects.filter(organisation=organisation, membership__is_active=True)
        .values_list("time_zone", flat=True)
        .distinct()
        .order_by("time_zone")
    )


def profile_photo_get(*, organisation: Organisation, profile_id: int) -> FieldFile:
    """The stored photo of an active member's profile, or ProfileNotFound (also when there is none).

    Lean on purpose: the directory asks for one per card.
    """
    profile = (
        Profile.objects.only("pk", "photo")
        .filter(organisation=organisation, membership__is_active=True, pk=profile_id)
        .first()
    )
    if profile is None or not profile.photo:
        raise ProfileNotFound("No such photo.")
    photo: FieldFile = profile.photo
    return photo
