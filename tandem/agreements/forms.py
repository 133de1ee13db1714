"""Forms for the agreement pages. The rules (who may, what is valid) are the services'."""

from __future__ import annotations

from typing import Any

from django import forms

from tandem.agreements.models import (
    MAX_CUSTOM_DAYS,
    MAX_DURATION_MONTHS,
    MIN_CUSTOM_DAYS,
    MIN_DURATION_MONTHS,
    AgreementCadence,
)
from tandem.agreements.selectors import expectation_label
from tandem.agreements.services import AgreementTerms
from tandem.mentorships.models import MentorshipMember

EXPECT_PREFIX = "expect_"


class AgreementForm(forms.Form):
    """One field of expectations per member (the viewer's own first), then the shared terms."""

    contact_email = forms.EmailField(
        label="Email", required=False, help_text="The address you write to each other at."
    )
    chat_handle = forms.CharField(
        label="Chat handle", required=False, max_length=100, help_text="E.g. @ada on the company chat."
    )
    phone = forms.CharField(label="Phone", required=False, max_length=30)
    video_link = forms.CharField(
        label="Video link",
        required=False,
        max_length=500,
        widget=forms.URLInput,
        help_text="Your usual video room, starting with https://",
    )
    cadence = forms.ChoiceField(
        label="How often you meet", choices=AgreementCadence.choices, widget=forms.RadioSelect
    )
    cadence_days = forms.IntegerField(
        label="Every how many days",
        required=False,
        min_value=MIN_CUSTOM_DAYS,
        max_value=MAX_CUSTOM_DAYS,
        help_text=f"For a custom cadence: {MIN_CUSTOM_DAYS} to {MAX_CUSTOM_DAYS} days.",
    )
    duration_months = forms.IntegerField(
        label="Expected duration (months)", min_value=MIN_DURATION_MONTHS, max_value=MAX_DURATION_MONTHS
    )
    confidentiality = forms.CharField(
        label="Confidentiality",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What stays between you. Edit the suggested text as you both see fit.",
    )
    note = forms.CharField(
        label="A note to the others",
        required=False,
        max_length=500,
        help_text="Why you propose this version, in a sentence. It goes with the notification.",
    )

    def __init__(
        self, *args: Any, members: list[MentorshipMember], me: MentorshipMember, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        ordered = [me] + [m for m in members if m.pk != me.pk]
        expectation_fields = {}
        for member in ordered:
            expectation_fields[f"{EXPECT_PREFIX}{member.membership_id}"] = forms.CharField(
                label="Your expectations" if member.pk == me.pk else expectation_label(member),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=(
                    "What you hope to get from this mentorship and what you commit to."
                    if member.pk == me.pk
                    else "Fill in what you know they expect, or leave it for them to add."
                ),
            )
        # Expectations first, the shared terms after them.
        self.fields = {**expectation_fields, **self.fields}

    @property
    def expectation_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(EXPECT_PREFIX)]

    @property
    def term_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith(EXPECT_PREFIX)]

    @staticmethod
    def initial_from(terms: AgreementTerms) -> dict[str, Any]:
        initial: dict[str, Any] = {
            f"{EXPECT_PREFIX}{membership_id}": text for membership_id, text in terms.expectations.items()
        }
        initial.update(
            contact_email=terms.contact_email,
            chat_handle=terms.chat_handle,
            phone=terms.phone,
            video_link=terms.video_link,
            cadence=terms.cadence,
            cadence_days=terms.cadence_days,
            duration_months=terms.duration_months,
            confidentiality=terms.confidentiality,
        )
        return initial

    def terms(self) -> AgreementTerms:
        data = self.cleaned_data
        return AgreementTerms(
            expectations={
                int(name.removeprefix(EXPECT_PREFIX)): data[name] or ""
                for name in self.fields
                if name.startswith(EXPECT_PREFIX)
            },
            contact_email=data["contact_email"] or "",
            chat_handle=data["chat_handle"] or "",
            phone=data["phone"] or "",
            video_link=data["video_link"] or "",
            cadence=data["cadence"],
            cadence_days=data["cadence_days"],
            duration_months=data["duration_months"],
            confidentiality=data["confidentiality"],
            note=data["note"] or "",
        )

    def error_field(self, field: str | None) -> str | None:
        """The form field a service error names (a person's expectations show on the form)."""
        if field == "expectations":
            return None
        return field if field in self.fields else None


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why (optional)",
        required=False,
        max_length=500,
        help_text="A short reason helps the other side propose a version you can accept.",
    )
