"""The mentoring agreement: expectations, channels, cadence, duration and confidentiality that
everyone in a mentorship accepts. Every version is kept; a change is a new version that the
other side(s) accept, and it then supersedes the one before."""

from __future__ import annotations

from django.db import models

from tandem.mentorships.models import Mentorship
from tandem.organisations.models import Membership
from tandem.programs.models import Cadence


class AgreementStatus(models.TextChoices):
    PROPOSED = "proposed", "Waiting for acceptance"
    ACCEPTED = "accepted", "Accepted — in force"
    DECLINED = "declined", "Declined"
    SUPERSEDED = "superseded", "Replaced by a later version"
    WITHDRAWN = "withdrawn", "Withdrawn by the proposer"


class AgreementCadence(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"
    CUSTOM = "custom", "Every few days (custom)"


# Days between meetings for each named cadence (the program's default cadences included).
CADENCE_DAYS: dict[str, int] = {
    AgreementCadence.WEEKLY: 7,
    AgreementCadence.FORTNIGHTLY: 14,
    AgreementCadence.MONTHLY: 30,
}
if not set(Cadence.values) <= set(CADENCE_DAYS):  # every program default needs a length
    raise RuntimeError("A program cadence has no length in days.")

MIN_CUSTOM_DAYS, MAX_CUSTOM_DAYS = 1, 90
MIN_DURATION_MONTHS, MAX_DURATION_MONTHS = 1, 24

DEFAULT_CONFIDENTIALITY = (
    "What we discuss stays between us. Neither of us shares the other's personal or work matters "
    "without asking first. Program admins see only that we meet and how it is going, not what we say."
)


class AgreementVersion(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="agreement_versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.PROPOSED
    )
    # The version in force when this one was proposed: what it changes (None for the first).
    based_on = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # What each member expects, keyed by their membership id (as a string: JSON object keys).
    expectations = models.JSONField(default=dict, blank=True)
    contact_email = models.EmailField(blank=True)
    chat_handle = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    video_link = models.URLField(max_length=500, blank=True)
    cadence = models.CharField(max_length=12, choices=AgreementCadence.choices)
    cadence_days = models.PositiveSmallIntegerField()
    duration_months = models.PositiveSmallIntegerField()
    confidentiality = models.TextField(max_length=2000, blank=True)
    note = models.CharField(max_length=500, blank=True)  # why the proposer suggests this version
    proposed_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)  # accepted, declined or withdrawn
    declined_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decline_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "number"], name="agreement_version_number_unique"),
            # One open proposal at a time, and at most one version in force.
            models.UniqueConstraint(
                fields=["mentorship"],
                condition=models.Q(status="proposed"),
                name="agreement_one_open_proposal",
            ),
            models.UniqueConstraint(
                fields=["mentorship"],
                condition=models.Q(status="accepted"),
                name="agreement_one_in_force",
            ),
            models.CheckConstraint(
                condition=models.Q(cadence_days__gte=MIN_CUSTOM_DAYS, cadence_days__lte=MAX_CUSTOM_DAYS),
                name="agreement_cadence_days_range",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    duration_months__gte=MIN_DURATION_MONTHS, duration_months__lte=MAX_DURATION_MONTHS
                ),
                name="agreement_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Agreement v{self.number} of mentorship #{self.mentorship_id} ({self.status})"

    def expectation_of(self, membership_id: int) -> str:
        return str(self.expectations.get(str(membership_id), ""))


class AgreementAcceptance(models.Model):
    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="acceptances")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["accepted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "membership"], name="agreement_acceptance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} accepted v{self.version_id}"
