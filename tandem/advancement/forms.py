"""Forms for endorsements and introductions. The rules (who, whom, limits) are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from tandem.advancement.services import CONTEXT_MAX, ENDORSEMENT_MAX, MESSAGE_MAX, NAME_MAX, NOTE_MAX
from tandem.organisations.models import Membership
from tandem.organisations.schemas import MAX_ID
from tandem.people.models import Skill


class _ErrorFields:
    """Maps a service error's field (API names) to this form's field."""

    field_names: dict[str, str] = {}

    def error_field(self, field: str | None) -> str | None:
        name = self.field_names.get(field or "", field)
        return name if name in self.fields else None  # type: ignore[attr-defined]


class _PersonChoice(forms.ModelChoiceField[Membership]):
    def label_from_instance(self, obj: Membership) -> str:
        return obj.user.full_name or obj.user.email


class _SkillChoices(forms.ModelMultipleChoiceField[Skill]):
    """Refuses ids no row can have before querying: Django guards `pk=<huge>` but not
    `pk__in=[<huge>]`, which overflows the database's integer (a 500 instead of a field error)."""

    def clean(self, value: Any) -> QuerySet[Skill]:
        for pk in value if isinstance(value, list | tuple) else ():
            text = str(pk)
            if not text.isdigit() or not 1 <= int(text) <= MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super().clean(value)


def _subject_field(subjects: list[Membership]) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label="For",
        choices=[(str(s.pk), s.user.full_name or s.user.email) for s in subjects],
        coerce=int,
    )


class EndorsementForm(_ErrorFields, forms.Form):
    field_names = {"subject_membership_id": "subject", "skill_ids": "skills"}

    text = forms.CharField(
        label="Your endorsement",
        max_length=ENDORSEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What they are good at, with an example you saw. They can share it with program admins.",
        error_messages={"required": "Write what you endorse them for."},
    )
    skills = _SkillChoices(
        label="Skills you endorse",
        queryset=Skill.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Hold Ctrl (⌘ on a Mac) to choose several.",
    )

    def __init__(
        self, *args: Any, skills: QuerySet[Skill], subjects: list[Membership] | None = None, **kwargs: Any
    ) -> None:
        kwargs.setdefault("auto_id", "endorse_%s")  # unique ids beside the introduction form
        super().__init__(*args, **kwargs)
        self.fields["skills"].queryset = skills  # type: ignore[attr-defined]
        if subjects and len(subjects) > 1:
            self.fields["subject"] = _subject_field(subjects)
            self.order_fields(["subject", "text", "skills"])


class IntroductionForm(_ErrorFields, forms.Form):
    field_names = {
        "subject_membership_id": "subject",
        "contact_membership_id": "contact",
    }

    kind = forms.ChoiceField(
        label="Introduce them to",
        choices=[("member", "A member of the organisation"), ("external", "Someone outside, by email")],
        initial="member",
        widget=forms.RadioSelect,
    )
    contact = _PersonChoice(label="Member", queryset=Membership.objects.none(), required=False)
    contact_name = forms.CharField(label="Their name", max_length=NAME_MAX, required=False)
    contact_email = forms.EmailField(
        label="Their email address",
        required=False,
        help_text="They get a link to accept or decline — no account needed. It works for 30 days.",
    )
    context = forms.CharField(
        label="Why they should talk",
        max_length=CONTEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say why they should talk — it helps them say yes."},
    )

    def __init__(
        self,
        *args: Any,
        candidates: QuerySet[Membership],
        subjects: list[Membership] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("auto_id", "intro_%s")  # unique ids beside the endorsement form
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = candidates  # type: ignore[attr-defined]
        if subjects and len(subjects) > 1:
            self.fields["subject"] = _subject_field(subjects)
            self.order_fields(["subject", "kind"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == "member":
            if not cleaned.get("contact") and "contact" not in self.errors:
                self.add_error("contact", "Choose the member to introduce them to.")
        elif cleaned.get("kind") == "external":
            if not cleaned.get("contact_name"):
                self.add_error("contact_name", "Give their name.")
            if not cleaned.get("contact_email") and "contact_email" not in self.errors:
                self.add_error("contact_email", "Give their email address.")
        return cleaned


class AnswerForm(forms.Form):
    accept = forms.TypedChoiceField(choices=[("1", "Accept"), ("0", "Decline")], coerce=lambda v: v == "1")
    message = forms.CharField(
        label="A word to them",
        max_length=MESSAGE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoteForm(forms.Form):
    mentee_note = forms.CharField(
        label="Your note",
        max_length=NOTE_MAX,
        required=False,
        help_text="How it went — for you and your mentor.",
    )
