"""Mentoring programs, their lifecycle, enrolment questions and enrolments."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from tandem.organisations.models import Membership, Organisation


class ProgramKind(models.TextChoices):
    ONE_TO_ONE = "one_to_one", "One-to-one"
    REVERSE = "reverse", "Reverse mentoring"
    PEER = "peer", "Peer mentoring"
    GROUP = "group", "Group mentoring"


class MatchingMode(models.TextChoices):
    ADMIN_BULK = "admin_bulk", "Admin runs match rounds"
    SELF_SERVICE = "self_service", "Mentees choose their mentor"
    HYBRID = "hybrid", "Both: rounds and mentee requests"


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open for enrolment"
    MATCHING = "matching", "Matching"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"


class Program(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="programs")
    name = models.CharField(max_length=150)
    description = models.TextField(blank=True, max_length=5000)
    kind = models.CharField(max_length=20, choices=ProgramKind.choices, default=ProgramKind.ONE_TO_ONE)
    matching_mode = models.CharField(
        max_length=20, choices=MatchingMode.choices, default=MatchingMode.ADMIN_BULK
    )
    status = models.CharField(max_length=20, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT)
    template_key = models.CharField(max_length=40, blank=True)
    is_evergreen = models.BooleanField(default=False)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    default_cadence = models.CharField(max_length=20, choices=Cadence.choices, default=Cadence.MONTHLY)
    # Health check-ins: the first this many days after a mentorship starts, then every so often.
    checkin_first_days = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    checkin_every_days = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(7), MaxValueValidator(365)]
    )
    group_min_size = models.PositiveSmallIntegerField(default=3, validators=[MinValueValidator(2)])
    group_max_size = models.PositiveSmallIntegerField(default=6, validators=[MaxValueValidator(30)])
    default_mentor_capacity = models.PositiveSmallIntegerField(default=2, validators=[MaxValueValidator(20)])
    requires_enrolment_approval = models.BooleanField(default=False)
    requires_match_consent = models.BooleanField(default=False)
    max_open_requests_per_mentee = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1)]
    )
    request_expiry_days = models.PositiveSmallIntegerField(default=14, validators=[MinValueValidator(1)])
    # Criterion name -> weight 0..10; criteria in `must_criteria` are hard filters.
    criteria_weights = models.JSONField(default=dict, blank=True)
    must_criteria = models.JSONField(default=list, blank=True)
    require_shared_language = models.BooleanField(default=True)
    forbid_same_reporting_line = models.BooleanField(default=True)
    require_different_department = models.BooleanField(default=False)
    max_time_zone_gap_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    min_level_gap = models.SmallIntegerField(default=1)
    max_level_gap = models.SmallIntegerField(default=4)
    # A list of goal templates, each with a title, a description and milestone titles.
    goal_templates = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return self.name


class ProgramTransition(models.Model):
    """Audit trail of lifecycle changes: who moved the program, from what, to what, when."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=ProgramStatus.choices)
    to_status = models.CharField(max_length=20, choices=ProgramStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.program}: {self.from_status} → {self.to_status}"


class QuestionKind(models.TextChoices):
    TEXT = "text", "Free text"
    SINGLE = "single", "Single choice"
    MULTI = "multi", "Multiple choice"
    SKILLS = "skills", "Pick skills"


class EnrolmentQuestion(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=QuestionKind.choices, default=QuestionKind.TEXT)
    choices = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class EnrolmentRole(models.TextChoices):
    MENTOR = "mentor", "Mentor"
    MENTEE = "mentee", "Mentee"
    PEER = "peer", "Peer"


class EnrolmentStatus(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", "Awaiting approval"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    WITHDRAWN = "withdrawn", "Withdrawn"
    DECLINED = "declined", "Declined"


class Enrolment(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="enrolments")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="enrolments")
    role = models.CharField(max_length=10, choices=EnrolmentRole.choices)
    status = models.CharField(max_length=20, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ACTIVE)
    answers = models.JSONField(default=dict, blank=True)
    capacity = models.PositiveSmallIntegerField(default=1, validators=[MaxValueValidator(20)])
    # Mentee's explicit preferences, by membership id.
    preferred_mentor_ids = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "membership"], name="enrolment_unique_program_membership"
            )
        ]
        indexes = [models.Index(fields=["program", "role", "status"])]

    def __str__(self) -> str:
        return f"{self.membership} as {self.role} in {self.program}"
