"""Profiles and the per-organisation taxonomy they draw on (skills, competencies, values,
career levels, departments). Languages are global (ISO 639-1)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from tandem.organisations.models import Membership, Organisation


class TaxonomyItem(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Skill(TaxonomyItem):
    category = models.CharField(max_length=60, blank=True)

    class Meta(TaxonomyItem.Meta):
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="skill_unique_name")]


class Competency(TaxonomyItem):
    class Meta(TaxonomyItem.Meta):
        verbose_name_plural = "competencies"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="competency_unique_name")
        ]


class WorkValue(TaxonomyItem):
    class Meta(TaxonomyItem.Meta):
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="workvalue_unique_name")]


class Department(TaxonomyItem):
    class Meta(TaxonomyItem.Meta):
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="department_unique_name")
        ]


class CareerLevel(models.Model):
    """One step of an organisation's ordered career scale (1 Intern … 8 Executive)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="career_levels")
    rank = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "rank"], name="careerlevel_unique_rank"),
            models.UniqueConstraint(fields=["organisation", "name"], name="careerlevel_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.rank} · {self.name}"


class Language(models.Model):
    code = models.CharField(max_length=8, unique=True, help_text="ISO 639-1 code")
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MeetingFormat(models.TextChoices):
    VIDEO = "video", "Video"
    IN_PERSON = "in_person", "In person"
    CHAT = "chat", "Chat"
    PHONE = "phone", "Phone"


class SkillLevel(models.IntegerChoices):
    WORKING = 1, "Working knowledge"
    PROFICIENT = 2, "Proficient"
    ADVANCED = 3, "Advanced"
    EXPERT = 4, "Expert"


MAX_WORK_VALUES = 5


class Profile(models.Model):
    """What a member offers and wants, in one organisation. One per membership."""

    membership = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="profile")
    # Denormalised from membership so every selector can filter by organisation in one join.
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="profiles")
    photo = models.ImageField(upload_to="photos/%Y/%m/", blank=True)
    headline = models.CharField(max_length=150, blank=True)
    bio = models.TextField(blank=True, max_length=4000)
    job_title = models.CharField(max_length=120, blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    career_level = models.ForeignKey(
        CareerLevel, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    years_experience = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(70)]
    )
    industry = models.CharField(max_length=80, blank=True, help_text="Industry or function")
    location = models.CharField(max_length=120, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC", help_text="IANA time zone, e.g. Europe/Paris")
    languages = models.ManyToManyField(Language, blank=True, related_name="+")
    skills: models.ManyToManyField[Skill, ProfileSkill] = models.ManyToManyField(
        Skill, through="ProfileSkill", blank=True, related_name="offered_by"
    )
    goal_skills = models.ManyToManyField(Skill, blank=True, related_name="wanted_by")
    goals_text = models.TextField(blank=True, max_length=2000, help_text="What you want to grow in")
    values = models.ManyToManyField(WorkValue, blank=True, related_name="+")
    hours_per_month = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(0), MaxValueValidator(80)]
    )
    meeting_formats = models.JSONField(default=list, blank=True)
    manager = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    open_to_mentor = models.BooleanField(default=False)
    seeking_mentorship = models.BooleanField(default=False)
    mentoring_capacity = models.PositiveSmallIntegerField(default=2, validators=[MaxValueValidator(20)])
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "open_to_mentor"]),
            models.Index(fields=["organisation", "department"]),
            models.Index(fields=["organisation", "time_zone"]),
        ]

    def __str__(self) -> str:
        return f"Profile of {self.membership.user}"


class ProfileSkill(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="skill_levels")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(choices=SkillLevel.choices, default=SkillLevel.PROFICIENT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["profile", "skill"], name="profileskill_unique")]

    def __str__(self) -> str:
        return f"{self.skill} ({self.get_level_display()})"
