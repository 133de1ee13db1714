"""Mentorship requests and the relationships they (or match rounds, or admins) create."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tandem.organisations.models import Membership, Organisation
from tandem.programs.models import Enrolment, Program


class MentorshipStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed — awaiting both sides"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    COMPLETED = "completed", "Completed"
    ENDED_EARLY = "ended_early", "Ended early"
    DECLINED = "declined", "Declined"


# States in which a mentorship holds a place in the mentor's capacity.
OCCUPYING_STATUSES = (MentorshipStatus.PROPOSED, MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED)


class MentorshipOrigin(models.TextChoices):
    REQUEST = "request", "Mentee request"
    ROUND = "round", "Match round"
    ADMIN = "admin", "Created by an admin"


class Health(models.TextChoices):
    TOO_EARLY = "too_early", "Too early to tell"
    ON_TRACK = "on_track", "On track"
    NEEDS_ATTENTION = "needs_attention", "Needs attention"


class Mentorship(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="mentorships")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="mentorships")
    status = models.CharField(
        max_length=20, choices=MentorshipStatus.choices, default=MentorshipStatus.ACTIVE
    )
    origin = models.CharField(max_length=10, choices=MentorshipOrigin.choices)
    # Kept apart from the state: a mentorship can be ACTIVE and need attention.
    health = models.CharField(max_length=20, choices=Health.choices, default=Health.TOO_EARLY)
    score = models.FloatField(null=True, blank=True)
    # Why these people were matched: per-criterion contributions and reasons, frozen at match time.
    explanation = models.JSONField(default=list, blank=True)
    match_round_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    end_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["program", "status"]),
        ]

    def __str__(self) -> str:
        return f"Mentorship #{self.pk} in {self.program}"


class MemberRole(models.TextChoices):
    MENTOR = "mentor", "Mentor"
    MENTEE = "mentee", "Mentee"
    PEER = "peer", "Peer"


class Consent(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class MentorshipMember(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="members")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="mentorship_roles")
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    role = models.CharField(max_length=10, choices=MemberRole.choices)
    consent = models.CharField(max_length=10, choices=Consent.choices, default=Consent.ACCEPTED)
    consent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "membership"], name="mentorshipmember_unique")
        ]
        indexes = [models.Index(fields=["membership", "role"])]

    def __str__(self) -> str:
        return f"{self.membership} as {self.role}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired"
    INVALIDATED = "invalidated", "No longer possible"


class MentorshipRequest(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="requests")
    mentee = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="requests_sent")
    mentor = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="requests_received")
    message = models.TextField(max_length=2000)
    status = models.CharField(max_length=12, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    decline_reason = models.CharField(max_length=500, blank=True)
    invalidated_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["mentor", "status"]),
            models.Index(fields=["mentee", "status"]),
            models.Index(fields=["status", "expires_at"]),
        ]
        constraints = [
            # One open request per pair at a time.
            models.UniqueConstraint(
                fields=["mentee", "mentor"],
                condition=models.Q(status="pending"),
                name="request_one_pending_per_pair",
            )
        ]

    def __str__(self) -> str:
        return f"Request {self.mentee} → {self.mentor} ({self.status})"
