"""Forms for self-service requests. The rules (limits, capacity, who may do what) are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict

from tandem.mentorships.models import EndReason


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


# --- lifecycle, concerns, re-match, admin-created mentorships --------------------------------------


class PauseForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        required=False,
        help_text="Seen by everyone in this mentorship — e.g. a busy quarter, parental leave.",
    )


class CompleteForm(forms.Form):
    reflection = forms.CharField(
        label="A short reflection",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What went well, what you take away. Everyone in this mentorship sees it.",
        error_messages={"required": "Share a sentence or two: what went well, what you take away."},
    )


class EndEarlyForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why are you ending it?",
        choices=EndReason.choices,
        widget=forms.RadioSelect,
        help_text="Everyone in this mentorship sees this reason. None of them blames anyone.",
        error_messages={"required": "Choose the reason that fits best."},
    )
    private_note = forms.CharField(
        label="A private note to the program admins",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only the program admins read this — never the other side.",
    )

    def error_field(self, field: str | None) -> str | None:
        return field if field in self.fields else None


class ConcernForm(forms.Form):
    text = forms.CharField(
        label="What is happening?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Only the program admins read this. The other person is not told.",
        error_messages={"required": "Tell the admins what is happening — a few sentences are enough."},
    )


class ConcernAnswerForm(forms.Form):
    note = forms.CharField(
        label="Note to the person who raised it",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RematchForm(forms.Form):
    message = RequestForm.base_fields["message"]


class _OneAsList(forms.Select):
    """A single select feeding a multiple-choice field (one mentee in one-to-one programs)."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:  # noqa: ARG002
        if isinstance(data, QueryDict):
            return [v for v in data.getlist(name) if v]
        value = data.get(name)
        return [value] if value else []


class AdminCreateForm(forms.Form):
    mentor = forms.TypedChoiceField(label="Mentor", coerce=int, choices=[])
    mentees = forms.TypedMultipleChoiceField(
        label="Mentee",
        coerce=int,
        choices=[],
        help_text="Only mentees without a mentor in this program are listed.",
        error_messages={"required": "Choose the mentee."},
    )

    def __init__(
        self,
        *args: Any,
        mentors: list[tuple[int, str]],
        mentees: list[tuple[int, str]],
        group: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentor"].choices = [("", "Choose a mentor…"), *mentors]  # type: ignore[attr-defined]
        self.fields["mentees"].choices = mentees  # type: ignore[attr-defined]
        if group:
            self.fields["mentees"].label = "Mentees"
            self.fields["mentees"].widget = forms.CheckboxSelectMultiple(choices=mentees)
        else:
            self.fields["mentees"].widget = _OneAsList(choices=[("", "Choose a mentee…"), *mentees])

    def error_field(self, field: str | None) -> str | None:
        return field if field in self.fields else None
