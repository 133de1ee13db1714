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


# Kinds that always arrive unread in the app: a member may turn their email off, but a concern
# raised with them or a mentorship ending under them must never slip by unseen.
ALWAYS_IN_APP: frozenset[str] = frozenset({NotificationKind.CONCERN, NotificationKind.MENTORSHIP_CHANGED})


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    RETRYING = "retrying", "Failed, will retry"
    FAILED = "failed", "Failed for good"
    OFF = "off", "Not emailed"


class Notification(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, max_length=4000)
    # A path inside the app (e.g. /o/acme/mentorships/3/), shown as the notification's link;
    # `notify` keeps only relative paths, so following one can never leave the site.
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.CharField(max_length=500, blank=True)
    # When a RETRYING email is due again (exponential backoff), or when a SENDING claim was taken.
    email_next_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(fields=["email_status", "email_next_at"]),
            models.Index(fields=["email_status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}: {self.title}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(models.Model):
    """How a member wants one kind of notification. No row means the defaults: both on.

    With `in_app` off the notification is still recorded (the durable record) but arrives
    already read, so it never raises the unread count; kinds in ALWAYS_IN_APP ignore it.
    """

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    in_app = models.BooleanField(default=True)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "kind"], name="notification_preference_unique_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.membership_id}: in-app {self.in_app}, email {self.email}"
