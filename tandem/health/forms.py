"""Forms of the health app. The rules (who may check in, when) are the services'."""

from __future__ import annotations

from django import forms

from tandem.health.models import Working
from tandem.mentorships.models import Health

SATISFACTION_CHOICES = [
    (1, "1 — poor"),
    (2, "2"),
    (3, "3 — fine"),
    (4, "4"),
    (5, "5 — great"),
]


class CheckInForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label="How satisfied are you with this mentorship?",
        choices=SATISFACTION_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how satisfied you are, from 1 (poor) to 5 (great)."},
    )
    working = forms.ChoiceField(
        label="Is this working?",
        choices=Working.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether it is working: yes, partly or no."},
    )
    comment = forms.CharField(
        label="Anything to add?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "Only you and the program admins read this — never the other side. "
            "If something isn't working, saying so here lets an admin help."
        ),
    )

    def error_field(self, field: str | None) -> str | None:
        return field if field in self.fields else None


class AttentionFilterForm(forms.Form):
    ANY = "any"

    program = forms.TypedChoiceField(label="Program", required=False, coerce=int, empty_value=None)
    signal = forms.ChoiceField(
        label="Signal",
        required=False,
        initial=Health.NEEDS_ATTENTION,
        choices=[(ANY, "Any signal"), *Health.choices],
    )

    def __init__(self, *args: object, programs: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["program"].choices = [("", "Every program"), *programs]  # type: ignore[attr-defined]

    def chosen(self) -> tuple[int | None, str | None]:
        """(program id, signal) to filter on: needing attention unless another signal is chosen."""
        if not self.is_valid():
            return None, Health.NEEDS_ATTENTION
        signal = self.cleaned_data.get("signal") or Health.NEEDS_ATTENTION
        return self.cleaned_data.get("program"), None if signal == self.ANY else signal
