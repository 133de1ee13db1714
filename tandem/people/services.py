"""Writes for profiles and the organisation's taxonomy."""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from django.db import transaction

from tandem.organisations import defaults
from tandem.organisations.models import Membership, Organisation
from tandem.people.errors import ProfileInvalid, TaxonomyConflict, TaxonomyNotFound
from tandem.people.models import (
    MAX_WORK_VALUES,
    CareerLevel,
    Competency,
    Department,
    Language,
    MeetingFormat,
    Profile,
    ProfileSkill,
    Skill,
    SkillLevel,
    WorkValue,
)

TaxonomyKind = Literal["skill", "competency", "value", "department"]
TAXONOMY_MODELS: dict[str, type[Skill] | type[Competency] | type[WorkValue] | type[Department]] = {
    "skill": Skill,
    "competency": Competency,
    "value": WorkValue,
    "department": Department,
}
VALID_TIME_ZONES = frozenset(zoneinfo.available_timezones())


@transaction.atomic
def taxonomy_seed_defaults(*, organisation: Organisation) -> None:
    """Give a new organisation sensible skills, competencies, values, levels and departments."""
    CareerLevel.objects.bulk_create(
        [
            CareerLevel(organisation=organisation, rank=i, name=n)
            for i, n in enumerate(defaults.CAREER_LEVELS, 1)
        ],
        ignore_conflicts=True,
    )
    Skill.objects.bulk_create(
        [
            Skill(organisation=organisation, name=name, category=category)
            for category, names in defaults.SKILLS.items()
            for name in names
        ],
        ignore_conflicts=True,
    )
    Competency.objects.bulk_create(
        [Competency(organisation=organisation, name=n) for n in defaults.COMPETENCIES], ignore_conflicts=True
    )
    WorkValue.objects.bulk_create(
        [WorkValue(organisation=organisation, name=n) for n in defaults.WORK_VALUES], ignore_conflicts=True
    )
    Department.objects.bulk_create(
        [Department(organisation=organisation, name=n) for n in defaults.DEPARTMENTS], ignore_conflicts=True
    )


def taxonomy_create(
    *, organisation: Organisation, kind: str, name: str, description: str = "", category: str = ""
) -> Skill | Competency | WorkValue | Department:
    model = _taxonomy_model(kind)
    name = name.strip()
    if not name:
        raise ProfileInvalid("A name is required.", field="name")
    if model.objects.filter(organisation=organisation, name__iexact=name).exists():
        raise TaxonomyConflict(f"“{name}” already exists.", field="name")
    extra = {"category": category.strip()} if model is Skill else {}
    return model.objects.create(
        organisation=organisation, name=name, description=description.strip(), **extra
    )


def taxonomy_rename(
    *, organisation: Organisation, kind: str, item_id: int, name: str, description: str | None = None
) -> Skill | Competency | WorkValue | Department:
    model = _taxonomy_model(kind)
    item = model.objects.filter(organisation=organisation, pk=item_id).first()
    if item is None:
        raise TaxonomyNotFound("No such item.")
    name = name.strip()
    if not name:
        raise ProfileInvalid("A name is required.", field="name")
    if model.objects.filter(organisation=organisation, name__iexact=name).exclude(pk=item.pk).exists():
        raise TaxonomyConflict(f"“{name}” already exists.", field="name")
    item.name = name
    if description is not None:
        item.description = description.strip()
    item.save()
    return item


def taxonomy_delete(*, organisation: Organisation, kind: str, item_id: int) -> None:
    model = _taxonomy_model(kind)
    deleted, _ = model.objects.filter(organisation=organisation, pk=item_id).delete()
    if not deleted:
        raise TaxonomyNotFound("No such item.")


def _taxonomy_model(kind: str) -> type[Skill] | type[Competency] | type[WorkValue] | type[Department]:
    try:
        return TAXONOMY_MODELS[kind]
    except KeyError:
        raise TaxonomyNotFound(f"Unknown taxonomy “{kind}”.", field="kind") from None


def profile_create_for(*, membership: Membership) -> Profile:
    profile, _ = Profile.objects.get_or_create(
        membership=membership, defaults={"organisation_id": membership.organisation_id}
    )
    return profile


@dataclass(frozen=True, kw_only=True)
class ProfileChanges:
    """Fields to change on a profile; `None` means "leave as it is".

    Related items are given by id (taxonomy) or ISO code (languages) and must belong to the
    profile's organisation.
    """

    full_name: str | None = None
    headline: str | None = None
    bio: str | None = None
    job_title: str | None = None
    department_id: int | None = None
    clear_department: bool = False
    career_level_id: int | None = None
    clear_career_level: bool = False
    years_experience: int | None = None
    clear_years_experience: bool = False
    industry: str | None = None
    location: str | None = None
    time_zone: str | None = None
    language_codes: Sequence[str] | None = None
    skill_levels: Mapping[int, int] | None = None  # skill id -> level 1..4
    goal_skill_ids: Sequence[int] | None = None
    goals_text: str | None = None
    value_ids: Sequence[int] | None = None
    hours_per_month: int | None = None
    meeting_formats: Sequence[str] | None = None
    manager_membership_id: int | None = None
    clear_manager: bool = False
    open_to_mentor: bool | None = None
    seeking_mentorship: bool | None = None
    mentoring_capacity: int | None = None


def _ids_in_org(
    model: type[Skill] | type[WorkValue], organisation: Organisation, ids: Sequence[int], field_name: str
) -> list[int]:
    wanted = set(ids)
    found = set(model.objects.filter(organisation=organisation, pk__in=wanted).values_list("pk", flat=True))
    if missing := wanted - found:
        raise ProfileInvalid(f"Unknown {field_name}: {sorted(missing)}.", field=field_name)
    return sorted(found)


def _validate_manager(profile: Profile, manager_id: int) -> None:
    if manager_id == profile.membership_id:
        raise ProfileInvalid("You cannot be your own manager.", field="manager")
    manager = Membership.objects.filter(pk=manager_id, organisation_id=profile.organisation_id).first()
    if manager is None:
        raise ProfileInvalid("The manager must be a member of this organisation.", field="manager")
    # Walk up the chain from the proposed manager: meeting ourselves means a cycle.
    seen: set[int] = set()
    current: int | None = manager_id
    while current is not None and current not in seen:
        if current == profile.membership_id:
            raise ProfileInvalid("That would make a reporting-line loop.", field="manager")
        seen.add(current)
        current = Profile.objects.filter(membership_id=current).values_list("manager_id", flat=True).first()


@transaction.atomic
def profile_update(*, profile: Profile, changes: ProfileChanges) -> Profile:
    """Apply changes to a profile, validating every reference against its organisation."""
    org = profile.organisation
    simple = {
        "headline": changes.headline,
        "bio": changes.bio,
        "job_title": changes.job_title,
        "industry": changes.industry,
        "location": changes.location,
        "goals_text": changes.goals_text,
        "open_to_mentor": changes.open_to_mentor,
        "seeking_mentorship": changes.seeking_mentorship,
    }
    for name, value in simple.items():
        if value is not None:
            setattr(profile, name, value.strip() if isinstance(value, str) else value)

    if changes.full_name is not None:
        if not changes.full_name.strip():
            raise ProfileInvalid("Your name is required.", field="full_name")
        user = profile.membership.user
        user.full_name = changes.full_name.strip()
        user.save(update_fields=["full_name"])
    if changes.clear_years_experience:
        profile.years_experience = None
    elif changes.years_experience is not None:
        if not 0 <= changes.years_experience <= 70:
            raise ProfileInvalid("Years of experience must be between 0 and 70.", field="years_experience")
        profile.years_experience = changes.years_experience
    if changes.hours_per_month is not None:
        if not 0 <= changes.hours_per_month <= 80:
            raise ProfileInvalid("Hours per month must be between 0 and 80.", field="hours_per_month")
        profile.hours_per_month = changes.hours_per_month
    if changes.mentoring_capacity is not None:
        if not 0 <= changes.mentoring_capacity <= 20:
            raise ProfileInvalid("Mentoring capacity must be between 0 and 20.", field="mentoring_capacity")
        profile.mentoring_capacity = changes.mentoring_capacity
    if changes.time_zone is not None:
        if changes.time_zone not in VALID_TIME_ZONES:
            raise ProfileInvalid(f"“{changes.time_zone}” is not a known time zone.", field="time_zone")
        profile.time_zone = changes.time_zone
    if changes.meeting_formats is not None:
        unknown = set(changes.meeting_formats) - set(MeetingFormat.values)
        if unknown:
            raise ProfileInvalid(f"Unknown meeting formats: {sorted(unknown)}.", field="meeting_formats")
        profile.meeting_formats = [f for f in MeetingFormat.values if f in set(changes.meeting_formats)]
    if changes.clear_department:
        profile.department = None
    elif changes.department_id is not None:
        department = Department.objects.filter(organisation=org, pk=changes.department_id).first()
        if department is None:
            raise ProfileInvalid("Unknown department.", field="department")
        profile.department = department
    if changes.clear_career_level:
        profile.career_level = None
    elif changes.career_level_id is not None:
        level = CareerLevel.objects.filter(organisation=org, pk=changes.career_level_id).first()
        if level is None:
            raise ProfileInvalid("Unknown career level.", field="career_level")
        profile.career_level = level
    if changes.clear_manager:
        profile.manager = None
    elif changes.manager_membership_id is not None:
        _validate_manager(profile, changes.manager_membership_id)
        profile.manager_id = changes.manager_membership_id
    profile.save()

    if changes.language_codes is not None:
        codes = {c.strip().lower() for c in changes.language_codes if c.strip()}
        languages = list(Language.objects.filter(code__in=codes))
        if missing := codes - {lang.code for lang in languages}:
            raise ProfileInvalid(f"Unknown languages: {sorted(missing)}.", field="languages")
        profile.languages.set(languages)
    if changes.value_ids is not None:
        if len(set(changes.value_ids)) > MAX_WORK_VALUES:
            raise ProfileInvalid(f"Pick at most {MAX_WORK_VALUES} work values.", field="values")
        profile.values.set(_ids_in_org(WorkValue, org, changes.value_ids, "values"))
    if changes.goal_skill_ids is not None:
        profile.goal_skills.set(_ids_in_org(Skill, org, changes.goal_skill_ids, "goal_skills"))
    if changes.skill_levels is not None:
        if bad := [lvl for lvl in changes.skill_levels.values() if lvl not in SkillLevel.values]:
            raise ProfileInvalid(f"Skill levels must be 1 to 4, not {bad[0]}.", field="skills")
        _ids_in_org(Skill, org, list(changes.skill_levels), "skills")
        ProfileSkill.objects.filter(profile=profile).delete()
        ProfileSkill.objects.bulk_create(
            [ProfileSkill(profile=profile, skill_id=s, level=lvl) for s, lvl in changes.skill_levels.items()]
        )
    return profile


def profile_set_photo(*, profile: Profile, photo: object | None) -> Profile:
    """Replace (or with None, remove) the profile photo."""
    if profile.photo:
        profile.photo.delete(save=False)
    profile.photo = photo
    profile.save(update_fields=["photo", "updated_at"])
    return profile


def membership_display_name(membership: Membership) -> str:
    return membership.user.full_name or membership.user.email
