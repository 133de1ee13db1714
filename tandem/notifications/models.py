"""In-app notifications (the durable record) and each member's delivery preferences."""

from __future__ import annotations

from django.db import models

from tandem.organisations.models import Membership, Organisation


class NotificationKind(models.TextChoices):
    REQUEST_RECEIVED = "request_received", "A mentoring request for you"
    REQUEST_ANSWERED = "request_answered", "An answer to your request"
    MATCHED = "matched", "A new match"
    MENTORSHIP_CHANGED = "mentorship_changed", "A mentorship paused, completed or ended"
    AGREEMENT = "agreement", "Agreement proposed or accepted"
    MEETING_SCHEDULED = "meeting_scheduled", "Meeting scheduled or changed"
    MEETING_REMINDER = "meeting_reminder", "Meeting reminder"
    CADENCE_NUDGE = "cadence_nudge", "Time to meet again"
    GOAL = "goal", "Goal changes"
    FEEDBACK = "feedback", "Feedback shared with you"
    CHECKIN_DUE = "checkin_due", "Check-in due"
    CONCERN = "concern", "Concerns raised"
    INTRODUCTION = "introduction", "Introductions"
    ENDORSEMENT = "endorsement", "Endorsements"


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    RETRYING = "retrying", "Failed, will retry"
    FAILED = "failed", "Failed for good"
    OFF = "off", "Not wanted (preferences)"


class Notification(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, max_length=4000)
    # A path inside the app (e.g. /o/acme/mentorships/3/), shown as the notification's link.
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.CharField(max_length=500, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["email_status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}: {self.title}"
