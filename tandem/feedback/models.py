"""Competency feedback: a mentor (or a peer) rates the person they support on the organisation's
competencies, with comments, as often as they like; the person rated sees the trend over time.

An entry is private to its author and the person it is about — not the other members of the
organisation, and not program admins either (see docs/adr/ and the feedback services for why).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from tandem.mentorships.models import Mentorship
from tandem.organisations.models import Membership, Organisation
from tandem.people.models import Competency

MIN_RATING = 1
MAX_RATING = 5

# What each point of the 1–5 scale means, shown next to the ratings.
RATING_LABELS = {
    1: "Just starting",
    2: "Developing",
    3: "Capable",
    4: "Strong",
    5: "Role model",
}


class CompetencyFeedback(models.Model):
    """One feedback entry: a date, ratings on one or more competencies, and an overall comment."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="competency_feedback")
    author = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    subject = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    given_on = models.DateField()
    comment = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["given_on", "pk"]
        indexes = [models.Index(fields=["mentorship", "subject", "given_on"])]
        verbose_name_plural = "competency feedback"

    def __str__(self) -> str:
        return f"Feedback for {self.subject_id} on {self.given_on}"


class CompetencyRating(models.Model):
    """One competency's rating (1–5) inside an entry, with an optional comment.

    The competency's name is kept too, so the history survives if an admin later removes the
    competency from the organisation's list.
    """

    feedback = models.ForeignKey(CompetencyFeedback, on_delete=models.CASCADE, related_name="ratings")
    competency = models.ForeignKey(
        Competency, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    competency_name = models.CharField(max_length=80)
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(MIN_RATING), MaxValueValidator(MAX_RATING)]
    )
    comment = models.TextField(blank=True, max_length=1000)

    class Meta:
        ordering = ["competency_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=MIN_RATING, rating__lte=MAX_RATING),
                name="competencyrating_rating_1_to_5",
            ),
            models.UniqueConstraint(
                fields=["feedback", "competency"], name="competencyrating_one_per_competency"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competency_name}: {self.rating}"

    @property
    def name(self) -> str:
        """The competency's current name, or the one it had when rated if it was removed."""
        return self.competency.name if self.competency is not None else self.competency_name
