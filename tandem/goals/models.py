"""Shared goals of a mentorship, their milestones, and the history of every change."""

from __future__ import annotations

from django.db import models

from tandem.mentorships.models import Mentorship
from tandem.organisations.models import Membership


class GoalStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    ACHIEVED = "achieved", "Achieved"
    DROPPED = "dropped", "Dropped"


class Goal(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=4000, blank=True)
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=GoalStatus.choices, default=GoalStatus.NOT_STARTED)
    template_title = models.CharField(max_length=200, blank=True)  # the program template it came from
    created_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    achieved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["mentorship", "status"])]

    def __str__(self) -> str:
        return self.title

    def progress_of(self, milestones: list[Milestone]) -> float:
        """Done milestones over all of them; an achieved goal is complete whatever they say."""
        if self.status == GoalStatus.ACHIEVED:
            return 1.0
        if not milestones:
            return 0.0
        return sum(1 for m in milestones if m.done_at is not None) / len(milestones)

    @property
    def progress(self) -> float:
        """Uses the prefetched milestones when there are."""
        return self.progress_of(list(self.milestones.all()))

    @property
    def progress_percent(self) -> int:
        return round(self.progress * 100)

    @property
    def milestones_done(self) -> int:
        return sum(1 for m in self.milestones.all() if m.done_at is not None)

    @property
    def milestones_total(self) -> int:
        return len(self.milestones.all())


class Milestone(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_date = models.DateField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def done(self) -> bool:
        return self.done_at is not None


class GoalEventKind(models.TextChoices):
    CREATED = "created", "Created the goal"
    EDITED = "edited", "Edited"
    STATUS = "status", "Changed the status"
    MILESTONE_ADDED = "milestone_added", "Added a milestone"
    MILESTONE_EDITED = "milestone_edited", "Edited a milestone"
    MILESTONE_DONE = "milestone_done", "Ticked off a milestone"
    MILESTONE_UNDONE = "milestone_undone", "Reopened a milestone"
    MILESTONE_REMOVED = "milestone_removed", "Removed a milestone"


class GoalEvent(models.Model):
    """One line of a goal's history: who did what, when, and (for edits) from what to what."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(max_length=20, choices=GoalEventKind.choices)
    field = models.CharField(max_length=40, blank=True)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)
    milestone_title = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} on goal {self.goal_id}"
