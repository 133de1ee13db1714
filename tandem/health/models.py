"""Check-ins (private answers to "how is it going?") and each mentorship's health assessment."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from tandem.mentorships.models import Health, MemberRole, Mentorship
from tandem.organisations.models import Membership


class Working(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"


class CheckIn(models.Model):
    """One participant's answer. Private: only its author and program admins overseeing the
    mentorship ever read it (never the other side, never other members)."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="checkins")
    author = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    # The author's role in the mentorship when they answered ("Mentee said it isn't working").
    role = models.CharField(max_length=10, choices=MemberRole.choices)
    satisfaction = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    working = models.CharField(max_length=10, choices=Working.choices)
    comment = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["mentorship", "author", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__gte=1, satisfaction__lte=5), name="checkin_satisfaction_1_5"
            )
        ]

    def __str__(self) -> str:
        return f"Check-in by {self.author_id} on mentorship {self.mentorship_id}"


class CheckInReminder(models.Model):
    """A reminder sent for one due window: the periodic job sends at most one per window and member."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    window_start = models.DateTimeField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "member", "window_start"], name="checkinreminder_once_per_window"
            )
        ]

    def __str__(self) -> str:
        return f"Check-in reminder for {self.member_id} ({self.window_start:%Y-%m-%d})"


class HealthAssessment(models.Model):
    """The last computed health of a mentorship, with the reasons in plain words (for admins)
    and the facts they came from."""

    mentorship = models.OneToOneField(Mentorship, on_delete=models.CASCADE, related_name="health_assessment")
    signal = models.CharField(max_length=20, choices=Health.choices)
    # A list of {tone: concern/good/info, text: "No meeting held in 47 days; agreed every 14 days"}.
    reasons = models.JSONField(default=list)
    facts = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Health of mentorship {self.mentorship_id}: {self.signal}"
