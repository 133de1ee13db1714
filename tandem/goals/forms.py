"""Forms for the goal pages. The rules (who may, what is valid) are the services'."""

from __future__ import annotations

from django import forms

from tandem.goals.models import GoalStatus
from tandem.goals.services import MAX_MILESTONES, MilestoneDraft


class _DateInput(forms.DateInput):
    input_type = "date"


class _ServiceErrors:
    fields: dict[str, forms.Field]

    def error_field(self, field: str | None) -> str | None:
        return field if field in self.fields else None


class GoalForm(_ServiceErrors, forms.Form):
    title = forms.CharField(
        label="Goal", max_length=200, help_text="What you want to achieve, in a few words."
    )
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why it matters and how you will know you got there.",
    )
    target_date = forms.DateField(label="Target date", required=False, widget=_DateInput)
    milestones = forms.CharField(
        label="Milestones",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"One step per line, up to {MAX_MILESTONES}. Progress is the share of steps done.",
    )

    def milestone_drafts(self) -> list[MilestoneDraft]:
        lines = (line.strip() for line in self.cleaned_data["milestones"].splitlines())
        return [MilestoneDraft(line) for line in lines if line]


class GoalEditForm(_ServiceErrors, forms.Form):
    """Each field carries the value it was shown with, so only what the person changed is saved:
    a milestone ticked meanwhile (moving the status) or the other side's edit is not undone."""

    title = forms.CharField(label="Goal", max_length=200, show_hidden_initial=True)
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        show_hidden_initial=True,
    )
    target_date = forms.DateField(
        label="Target date", required=False, widget=_DateInput, show_hidden_initial=True
    )
    status = forms.ChoiceField(label="Status", choices=GoalStatus.choices, show_hidden_initial=True)


class MilestoneForm(_ServiceErrors, forms.Form):
    title = forms.CharField(label="New milestone", max_length=200)
    due_date = forms.DateField(label="Due", required=False, widget=_DateInput)


class TemplateForm(forms.Form):
    template_index = forms.IntegerField(min_value=0)


class ToggleForm(forms.Form):
    done = forms.TypedChoiceField(choices=[("1", "Done"), ("0", "Not done")], coerce=lambda v: v == "1")
