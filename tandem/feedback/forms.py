"""The competency feedback form: one optional rating (1–5) and comment per competency of the
organisation. The rules (who may rate, dates, ranges) are the service's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from tandem.feedback.models import MAX_RATING, MIN_RATING, RATING_LABELS
from tandem.feedback.services import COMMENT_MAX, RATING_COMMENT_MAX, RatingInput
from tandem.organisations.models import Membership
from tandem.people.models import Competency

RATING_CHOICES = [
    ("", "Not rated"),
    *((str(i), f"{i} — {RATING_LABELS[i]}") for i in range(MIN_RATING, MAX_RATING + 1)),
]


class CompetencyFeedbackForm(forms.Form):
    given_on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    comment = forms.CharField(
        label="Overall comment",
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What went well, and one thing to work on next.",
    )

    def __init__(
        self,
        *args: Any,
        competencies: list[Competency],
        subjects: list[Membership],
        today: dt.date,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.competencies = competencies
        self.fields["given_on"].initial = today
        if len(subjects) > 1:
            self.fields["subject"] = forms.TypedChoiceField(
                label="Feedback for",
                choices=[(str(s.pk), s.user.full_name or s.user.email) for s in subjects],
                coerce=int,
            )
            self.order_fields(["subject", "given_on"])
        for competency in competencies:
            self.fields[f"rating_{competency.pk}"] = forms.ChoiceField(
                label=competency.name, choices=RATING_CHOICES, required=False
            )
            self.fields[f"note_{competency.pk}"] = forms.CharField(
                label=f"Comment on {competency.name}", required=False, max_length=RATING_COMMENT_MAX
            )

    @property
    def competency_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"rating_{c.pk}"], self[f"note_{c.pk}"]) for c in self.competencies]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(cleaned.get(f"rating_{c.pk}") for c in self.competencies):
            raise forms.ValidationError("Rate at least one competency.")
        for competency in self.competencies:
            if cleaned.get(f"note_{competency.pk}") and not cleaned.get(f"rating_{competency.pk}"):
                self.add_error(f"rating_{competency.pk}", "Rate this competency to comment on it.")
        return cleaned

    def ratings(self) -> list[RatingInput]:
        return [
            RatingInput(c.pk, int(self.cleaned_data[f"rating_{c.pk}"]), self.cleaned_data[f"note_{c.pk}"])
            for c in self.competencies
            if self.cleaned_data.get(f"rating_{c.pk}")
        ]

    def error_field(self, field: str | None) -> str | None:
        """The form field behind a service error's field (`ratings.2.rating` → that rating)."""
        if field == "subject_membership_id":
            return "subject" if "subject" in self.fields else None
        if field and field.startswith("ratings."):
            parts = field.split(".")
            ratings = self.ratings()
            if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(ratings):
                competency_id = ratings[int(parts[1])].competency_id
                return f"note_{competency_id}" if parts[2] == "comment" else f"rating_{competency_id}"
            return None
        return field if field in self.fields else None
