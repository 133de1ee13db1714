"""Match rounds: one run of the engine over a program's pool, reviewed by an admin, then published."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tandem.organisations.models import Membership
from tandem.programs.models import Enrolment, Program


class Solver(models.TextChoices):
    OPTIMAL = "optimal", "Optimal assignment"
    STABLE = "stable", "Stable matching (both sides ranked)"
    PEERS = "peers", "Peer pairing"
    GROUPS = "groups", "Group formation"


class Objective(models.TextChoices):
    PARTICIPATION = "participation", "Match as many people as possible"
    SCORE = "score", "Best average fit"


class RoundStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DRAFT = "draft", "Draft — under review"
    PUBLISHED = "published", "Published"
    DISCARDED = "discarded", "Discarded"
    FAILED = "failed", "Failed"


class MatchRound(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="match_rounds")
    status = models.CharField(max_length=12, choices=RoundStatus.choices, default=RoundStatus.QUEUED)
    solver = models.CharField(max_length=10, choices=Solver.choices)
    objective = models.CharField(max_length=15, choices=Objective.choices, default=Objective.PARTICIPATION)
    # The exact inputs of the run (weights, rules, pool sizes) so a round can be audited later.
    parameters = models.JSONField(default=dict, blank=True)
    # matched count and rate, mean/min score, mentor load spread, greedy comparison, ...
    metrics = models.JSONField(default=dict, blank=True)
    # Who was left out and why: enrolment and membership ids, name, role and reason.
    unmatched = models.JSONField(default=list, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    progress_label = models.CharField(max_length=120, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Round #{self.pk} of {self.program}"


class Proposal(models.Model):
    """One proposed pair (or one mentee's seat in a group) of a round."""

    match_round = models.ForeignKey(MatchRound, on_delete=models.CASCADE, related_name="proposals")
    mentee = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    # The mentor (or, in peer programs, the other peer).
    mentor = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    group_index = models.PositiveIntegerField(null=True, blank=True)
    score = models.FloatField()
    # Per criterion: its value, weight, contribution to the score and a reason in plain words.
    breakdown = models.JSONField(default=list, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    locked = models.BooleanField(default=False)
    edited = models.BooleanField(default=False, help_text="Changed by an admin after the run.")

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["match_round", "mentee"], name="proposal_one_per_mentee")
        ]

    def __str__(self) -> str:
        return f"{self.mentee} ↔ {self.mentor} ({self.score:.2f})"


class BlockedPair(models.Model):
    """A pair an admin never wants proposed again in this program."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="blocked_pairs")
    mentee = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "mentee", "mentor"], name="blockedpair_unique")
        ]

    def __str__(self) -> str:
        return f"Blocked {self.mentee} ↔ {self.mentor}"
