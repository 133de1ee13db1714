"""Forms for self-service requests. The rules (limits, capacity, who may do what) are the services'."""

from __future__ import annotations

from django import forms


class RequestForm(forms.Form):
    message = forms.CharField(
        label="Your message",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Why this mentor, and what you hope to work on together. A few sentences are enough.",
        error_messages={"required": "Say why you'd like this mentor — a short message helps them say yes."},
    )

    def error_field(self, field: str | None) -> str | None:
        return field if field in self.fields else None


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        error_messages={"required": "Give the mentee a short reason — it helps them choose next."},
    )


class ConsentForm(forms.Form):
    accept = forms.TypedChoiceField(choices=[("1", "Accept"), ("0", "Decline")], coerce=lambda v: v == "1")
