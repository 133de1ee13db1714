"""Career advancement: a mentor advocates for their mentee (endorsements) and opens their
network to them (introductions to other members or to external contacts)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from tandem.mentorships.models import Mentorship
from tandem.organisations.models import Membership, Organisation
from tandem.people.models import Skill

INTRODUCTION_VALID_DAYS = 30


class Endorsement(models.Model):
    """A mentor's written endorsement of their mentee's skills.

    Visible to its author and the mentee; to program admins only while the mentee shares it.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="endorsements")
    author = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    subject = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="endorsements_received")
    text = models.TextField(max_length=4000)
    skills = models.ManyToManyField(Skill, blank=True, related_name="+")
    shared_with_admins = models.BooleanField(default=False)
    shared_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["mentorship", "subject"]),
            models.Index(fields=["organisation", "shared_with_admins"]),
        ]

    def __str__(self) -> str:
        return f"Endorsement of {self.subject_id} by {self.author_id}"


class IntroductionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Expired"


class Introduction(models.Model):
    """A mentor introduces their mentee to a contact — another member, or someone outside the
    organisation reached by email — with the context of why they should talk.

    An external contact answers through an emailed link; only the link token's hash is kept.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="introductions")
    introduced_by = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="introductions_received")
    # Exactly one of: a member of the organisation, or an external name and email.
    contact = models.ForeignKey(
        Membership, on_delete=models.CASCADE, null=True, blank=True, related_name="introductions_to_me"
    )
    contact_name = models.CharField(max_length=150, blank=True)
    contact_email = models.EmailField(blank=True)
    context = models.TextField(max_length=2000)
    mentee_note = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        max_length=10, choices=IntroductionStatus.choices, default=IntroductionStatus.PENDING
    )
    response_message = models.TextField(max_length=1000, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["mentorship", "mentee"]),
            models.Index(fields=["contact", "status"]),
            models.Index(fields=["status", "expires_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(contact__isnull=False, contact_email="")
                    | (models.Q(contact__isnull=True) & ~models.Q(contact_email=""))
                ),
                name="introduction_member_or_external",
            )
        ]

    def __str__(self) -> str:
        return f"Introduction of {self.mentee_id} to {self.contact_id or self.contact_email}"

    @property
    def is_external(self) -> bool:
        return self.contact_id is None

    @property
    def current_status(self) -> str:
        """The status as of now: a pending introduction past its date is expired, even before
        the periodic job has recorded it."""
        if self.status == IntroductionStatus.PENDING and self.expires_at <= timezone.now():
            return IntroductionStatus.EXPIRED
        return self.status

    def get_current_status_display(self) -> str:
        return IntroductionStatus(self.current_status).label

    @property
    def contact_display_name(self) -> str:
        if self.contact is not None:
            return self.contact.user.full_name or self.contact.user.email
        return self.contact_name
