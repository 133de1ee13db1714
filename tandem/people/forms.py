"""Forms for the people pages. They parse input into the selectors' and services' own types
(DirectoryFilters, ProfileChanges); the rules themselves live in the services."""

from __future__ import annotations

import uuid
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.forms.boundfield import BoundField, BoundWidget

from tandem.organisations.models import Organisation
from tandem.organisations.selectors import membership_list
from tandem.people.models import MAX_WORK_VALUES, MeetingFormat, Profile, SkillLevel
from tandem.people.selectors import (
    DirectoryFilters,
    career_level_list,
    department_list,
    language_list,
    skill_list,
    time_zones_in_use,
    value_list,
)
from tandem.people.services import ProfileChanges

Choices = list[tuple[Any, Any]]

# Canonical IANA regions; the legacy aliases (US/Pacific, EST5EDT, …) only clutter the picker.
_TZ_REGIONS = (
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)
PHOTO_MAX_BYTES = 2 * 1024 * 1024
# Pillow format name -> file extension. Only raster formats browsers show everywhere.
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


def time_zone_choices(*, keep: str = "") -> Choices:
    """IANA zones grouped by region for a <select>; `keep` stays selectable even if legacy."""
    zones = sorted(z for z in zoneinfo.available_timezones() if z.split("/", 1)[0] in _TZ_REGIONS)
    grouped: Choices = [("UTC", "UTC")]
    if keep and keep != "UTC" and keep not in zones:
        grouped.append((keep, keep))
    for region, members in groupby(zones, key=lambda z: z.split("/", 1)[0]):
        grouped.append((region, [(z, z.split("/", 1)[1].replace("_", " ")) for z in members]))
    return grouped


def _skill_choices(organisation: Organisation) -> Choices:
    """Skills grouped by category (<optgroup>), uncategorised last."""
    skills = sorted(skill_list(organisation=organisation), key=lambda s: (not s.category, s.category, s.name))
    return [
        (category or "Other", [(s.pk, s.name) for s in group])
        for category, group in groupby(skills, key=lambda s: s.category)
    ]


class DirectoryFilterForm(forms.Form):
    """The directory's GET filters. Unknown values (another tenant's id, junk) fail their
    field only; the view drops those filters and says so instead of erroring."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"placeholder": "Name, job title, skill, place…"}),
    )
    skill = forms.TypedChoiceField(label="Skill", required=False, coerce=int, empty_value=None)
    value = forms.TypedChoiceField(label="Work value", required=False, coerce=int, empty_value=None)
    level = forms.TypedChoiceField(label="Career level", required=False, coerce=int, empty_value=None)
    department = forms.TypedChoiceField(label="Department", required=False, coerce=int, empty_value=None)
    language = forms.ChoiceField(label="Language", required=False)
    tz = forms.ChoiceField(label="Time zone", required=False)
    mentor = forms.BooleanField(label="Open to mentor", required=False)

    ignored_labels: list[str]

    def __init__(self, data: Any, *, organisation: Organisation) -> None:
        super().__init__(data)
        self.ignored_labels = []
        self._set_choices("skill", "Any skill", _skill_choices(organisation))
        self._set_choices(
            "value", "Any value", [(v.pk, v.name) for v in value_list(organisation=organisation)]
        )
        self._set_choices(
            "level", "Any level", [(lvl.pk, lvl.name) for lvl in career_level_list(organisation=organisation)]
        )
        self._set_choices(
            "department",
            "Any department",
            [(d.pk, d.name) for d in department_list(organisation=organisation)],
        )
        self._set_choices("language", "Any language", [(lang.code, lang.name) for lang in language_list()])
        self._set_choices(
            "tz", "Any time zone", [(z, z) for z in time_zones_in_use(organisation=organisation)]
        )

    def _set_choices(self, name: str, blank: str, choices: Choices) -> None:
        field = self.fields[name]
        if not isinstance(field, forms.ChoiceField):
            raise TypeError(f"{name} is not a choice field")
        field.choices = [("", blank), *choices]

    def filters(self) -> DirectoryFilters:
        """The valid part of the input as selector filters (call after is_valid())."""
        data = self.cleaned_data
        return DirectoryFilters(
            query=data.get("q") or "",
            skill_id=data.get("skill"),
            value_id=data.get("value"),
            career_level_id=data.get("level"),
            department_id=data.get("department"),
            language_code=data.get("language") or "",
            time_zone=data.get("tz") or "",
            open_to_mentor=True if data.get("mentor") else None,
        )

    def full_clean(self) -> None:
        super().full_clean()
        # A stale or hand-edited link must still work: unknown values are dropped (cleaned_data
        # lacks them) and named once above the results, not flagged as errors on the controls.
        self.ignored_labels = [str(self.fields[name].label) for name in self.errors if name in self.fields]
        self.errors.clear()

    def ignored(self) -> list[str]:
        """Labels of the filters whose values were not recognised."""
        self.is_valid()
        return self.ignored_labels

    @property
    def is_filtered(self) -> bool:
        return any(v not in (None, "", False) for v in self.cleaned_data.values())


@dataclass(frozen=True)
class SkillRow:
    """One skill in the profile form: the level offered and whether it is a goal."""

    name: str
    level: BoundField
    goal: BoundWidget | None


@dataclass(frozen=True)
class SkillGroup:
    category: str
    rows: list[SkillRow]

    @property
    def chosen(self) -> int:
        return sum(
            1 for r in self.rows if r.level.value() or (r.goal is not None and r.goal.data["selected"])
        )

    @property
    def has_errors(self) -> bool:
        return any(r.level.errors for r in self.rows)


def _int_list(values: Iterable[Any]) -> list[int]:
    return [int(v) for v in values]


class ProfileForm(forms.Form):
    """Everything a member edits on their own profile except the photo (see PhotoForm)."""

    full_name = forms.CharField(label="Full name", max_length=150)
    headline = forms.CharField(
        label="Headline",
        required=False,
        max_length=150,
        help_text="One line about you, e.g. “Backend engineer who loves mentoring new grads”.",
    )
    bio = forms.CharField(
        label="Bio", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    job_title = forms.CharField(label="Job title", required=False, max_length=120)
    department = forms.TypedChoiceField(label="Department", required=False, coerce=int, empty_value=None)
    career_level = forms.TypedChoiceField(label="Career level", required=False, coerce=int, empty_value=None)
    years_experience = forms.IntegerField(
        label="Years of experience", required=False, min_value=0, max_value=70
    )
    industry = forms.CharField(label="Industry or function", required=False, max_length=80)
    location = forms.CharField(
        label="Location", required=False, max_length=120, help_text="City and country, or “Remote”."
    )
    time_zone = forms.ChoiceField(label="Time zone")
    languages = forms.MultipleChoiceField(
        label="Languages you speak", required=False, widget=forms.CheckboxSelectMultiple
    )
    goal_skills = forms.TypedMultipleChoiceField(
        label="Skills you want to grow in", required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    goals_text = forms.CharField(
        label="Your development goals, in your words",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    values = forms.TypedMultipleChoiceField(
        label="Values that matter to you at work",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=f"Pick up to {MAX_WORK_VALUES}; matching looks for people who share them.",
    )
    hours_per_month = forms.IntegerField(
        label="Hours per month for mentoring", min_value=0, max_value=80, initial=2
    )
    meeting_formats = forms.MultipleChoiceField(
        label="Meeting formats",
        required=False,
        choices=MeetingFormat.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    manager = forms.TypedChoiceField(label="Manager", required=False, coerce=int, empty_value=None)
    open_to_mentor = forms.BooleanField(label="I am open to mentor others", required=False)
    seeking_mentorship = forms.BooleanField(label="I am looking for a mentor", required=False)
    mentoring_capacity = forms.IntegerField(
        label="Mentees at a time",
        min_value=0,
        max_value=20,
        initial=2,
        help_text="How many people you can mentor at once.",
    )

    def __init__(self, data: Any = None, *, profile: Profile) -> None:
        super().__init__(data, initial=self._initial(profile))
        organisation = profile.organisation
        self._set_choices(
            "department", "—", [(d.pk, d.name) for d in department_list(organisation=organisation)]
        )
        self._set_choices(
            "career_level",
            "—",
            [(lvl.pk, f"{lvl.rank} · {lvl.name}") for lvl in career_level_list(organisation=organisation)],
        )
        self._set_choices("time_zone", None, time_zone_choices(keep=profile.time_zone))
        self._set_choices("languages", None, [(lang.code, lang.name) for lang in language_list()])
        self._set_choices("values", None, [(v.pk, v.name) for v in value_list(organisation=organisation)])
        colleagues = membership_list(organisation=organisation, include_inactive=False).exclude(
            pk=profile.membership_id
        )
        self._set_choices(
            "manager", "No manager", [(m.pk, m.user.full_name or m.user.email) for m in colleagues]
        )
        skills = sorted(
            skill_list(organisation=organisation), key=lambda s: (not s.category, s.category, s.name)
        )
        self._set_choices("goal_skills", None, [(s.pk, s.name) for s in skills])
        # One "level offered" select per skill: blank means "not offered".
        offered = {ps.skill_id: ps.level for ps in profile.skill_levels.all()}
        self._skills = skills
        for skill in skills:
            name = f"skill_{skill.pk}"
            self.fields[name] = forms.TypedChoiceField(
                label=skill.name,
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", "Not offered"), *SkillLevel.choices],
            )
            self.initial[name] = offered.get(skill.pk)

    @staticmethod
    def _initial(profile: Profile) -> dict[str, Any]:
        return {
            "full_name": profile.membership.user.full_name,
            "headline": profile.headline,
            "bio": profile.bio,
            "job_title": profile.job_title,
            "department": profile.department_id,
            "career_level": profile.career_level_id,
            "years_experience": profile.years_experience,
            "industry": profile.industry,
            "location": profile.location,
            "time_zone": profile.time_zone,
            "languages": [lang.code for lang in profile.languages.all()],
            "goal_skills": [s.pk for s in profile.goal_skills.all()],
            "goals_text": profile.goals_text,
            "values": [v.pk for v in profile.values.all()],
            "hours_per_month": profile.hours_per_month,
            "meeting_formats": list(profile.meeting_formats),
            "manager": profile.manager_id,
            "open_to_mentor": profile.open_to_mentor,
            "seeking_mentorship": profile.seeking_mentorship,
            "mentoring_capacity": profile.mentoring_capacity,
        }

    def _set_choices(self, name: str, blank: str | None, choices: Choices) -> None:
        field = self.fields[name]
        if not isinstance(field, forms.ChoiceField):
            raise TypeError(f"{name} is not a choice field")
        field.choices = [("", blank), *choices] if blank is not None else choices

    def clean_values(self) -> list[int]:
        values = _int_list(self.cleaned_data.get("values") or [])
        if len(set(values)) > MAX_WORK_VALUES:
            raise forms.ValidationError(
                f"Pick at most {MAX_WORK_VALUES} work values (you picked {len(set(values))})."
            )
        return values

    def skill_groups(self) -> list[SkillGroup]:
        """The skills table, one group per category, pairing each level select with its goal box."""
        goal_boxes = {str(w.data["value"]): w for w in self["goal_skills"]}
        groups: list[SkillGroup] = []
        for category, skills in groupby(self._skills, key=lambda s: s.category):
            rows = [SkillRow(s.name, self[f"skill_{s.pk}"], goal_boxes.get(str(s.pk))) for s in skills]
            groups.append(SkillGroup(category or "Other", rows))
        return groups

    def skill_field_names(self) -> Sequence[str]:
        return [f"skill_{s.pk}" for s in self._skills]

    def changes(self) -> ProfileChanges:
        """The whole form as one ProfileChanges (call after is_valid())."""
        data = self.cleaned_data
        skill_levels = {
            s.pk: int(data[f"skill_{s.pk}"]) for s in self._skills if data.get(f"skill_{s.pk}") is not None
        }
        return ProfileChanges(
            full_name=data["full_name"],
            headline=data["headline"],
            bio=data["bio"],
            job_title=data["job_title"],
            department_id=data["department"],
            clear_department=data["department"] is None,
            career_level_id=data["career_level"],
            clear_career_level=data["career_level"] is None,
            years_experience=data["years_experience"],
            clear_years_experience=data["years_experience"] is None,
            industry=data["industry"],
            location=data["location"],
            time_zone=data["time_zone"],
            language_codes=list(data["languages"]),
            skill_levels=skill_levels,
            goal_skill_ids=_int_list(data["goal_skills"]),
            goals_text=data["goals_text"],
            value_ids=data["values"],
            hours_per_month=data["hours_per_month"],
            meeting_formats=list(data["meeting_formats"]),
            manager_membership_id=data["manager"],
            clear_manager=data["manager"] is None,
            open_to_mentor=data["open_to_mentor"],
            seeking_mentorship=data["seeking_mentorship"],
            mentoring_capacity=data["mentoring_capacity"],
        )

    def error_field(self, field: str | None) -> str | None:
        """Where a service error naming `field` shows: that field if the form has it, else on top."""
        return field if field in self.fields else None


class PhotoForm(forms.Form):
    """Upload or remove the profile photo. Files are checked by decoding them, not by name."""

    photo = forms.ImageField(
        label="Choose a photo",
        required=False,
        help_text="JPEG, PNG, WebP or GIF, up to 2 MB.",
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    remove = forms.BooleanField(label="Remove my photo", required=False)

    def clean_photo(self) -> UploadedFile | None:
        photo: UploadedFile | None = self.cleaned_data.get("photo")
        if photo is None:
            return None
        if photo.size is not None and photo.size > PHOTO_MAX_BYTES:
            raise forms.ValidationError("The photo is larger than 2 MB; please pick a smaller one.")
        image_format = getattr(getattr(photo, "image", None), "format", None)
        if image_format not in PHOTO_FORMATS:
            raise forms.ValidationError("Upload a JPEG, PNG, WebP or GIF image.")
        # A random name: the uploader's file name can say more than they meant to share.
        photo.name = f"{uuid.uuid4().hex}.{PHOTO_FORMATS[image_format]}"
        return photo

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("photo") and not data.get("remove"):
            raise forms.ValidationError("Choose a photo to upload, or tick “Remove my photo”.")
        return data
