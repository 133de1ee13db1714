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

    @property
    def end_reason_label(self) -> str:
        """The no-fault reason an early ending gave, in words."""
        try:
            return str(EndReason(self.end_reason).label)
        except ValueError:
            return self.end_reason


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


# --- lifecycle, concerns and re-matching ------------------------------------------------------------


class EndReason(models.TextChoices):
    """Why a mentorship ended early. No-fault by design: none of these blames anyone."""

    SCHEDULES = "schedules", "Our schedules don't fit"
    GOALS_CHANGED = "goals_changed", "Goals changed"
    NOT_THE_RIGHT_FIT = "not_the_right_fit", "Not the right fit"
    LEFT_ORGANISATION = "left_organisation", "Someone left the organisation"
    OTHER = "other", "Another reason"


class EventKind(models.TextChoices):
    CREATED = "created", "Started by an admin"
    PAUSED = "paused", "Paused"
    RESUMED = "resumed", "Resumed"
    COMPLETED = "completed", "Completed"
    ENDED_EARLY = "ended_early", "Ended early"


class MentorshipEvent(models.Model):
    """The audit trail of a mentorship's lifecycle: who moved it, from what, to what, when and why.

    `reason` is seen by everyone in the mentorship (a pause reason, the no-fault end reason, a
    completion reflection); `private_note` only by its author and the program admins.
    """

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    from_status = models.CharField(max_length=20, choices=MentorshipStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=MentorshipStatus.choices)
    by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    by_admin = models.BooleanField(default=False, help_text="Done by a program admin overseeing it")
    reason = models.CharField(max_length=1000, blank=True)
    private_note = models.TextField(max_length=2000, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.mentorship}: {self.from_status or '-'} → {self.to_status}"


class ConcernStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVED = "resolved", "Resolved"


class Concern(models.Model):
    """A participant's worry about their mentorship, told privately to the program admins.

    Only its author and the organisation's program admins ever see it — never the other side.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="concerns")
    raised_by = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="concerns_raised")
    text = models.TextField(max_length=4000)
    status = models.CharField(max_length=15, choices=ConcernStatus.choices, default=ConcernStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What the admins answered the author (seen by the author and the admins).
    acknowledgement = models.TextField(max_length=2000, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"Concern #{self.pk} about {self.mentorship} ({self.status})"


class Rematch(models.Model):
    """A mentee's pick in the guided re-match after a mentorship ended early.

    In programs where mentees may ask mentors themselves the pick becomes a request (`request`;
    the mentorship it starts is `request.mentorship`). Where admins make the matches it is passed
    to them instead (`request` stays empty) and recorded as the mentee's preferred mentor.
    """

    ended = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="rematches")
    mentee = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    message = models.TextField(max_length=2000)
    score = models.FloatField(null=True, blank=True)
    request = models.ForeignKey(
        MentorshipRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="rematches"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Re-match of {self.mentee} after {self.ended} → {self.mentor}"
