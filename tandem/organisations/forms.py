"""Forms for the organisation admin pages. They only parse input; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import FileExtensionValidator

from tandem.organisations.models import Role
from tandem.people.services import TAXONOMY_MODELS

IMPORT_MAX_BYTES = 5 * 1024 * 1024


class MemberSearchForm(forms.Form):
    q = forms.CharField(
        label="Search members",
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"placeholder": "Name or email"}),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices)


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=254)
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.MEMBER)


class TaxonomyActionForm(forms.Form):
    """One change to the taxonomy: add, rename or delete an item of one kind."""

    ACTIONS = ("add", "rename", "delete")

    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    kind = forms.ChoiceField(choices=[(k, k) for k in TAXONOMY_MODELS])
    item_id = forms.IntegerField(required=False, min_value=1)
    name = forms.CharField(label="Name", required=False, max_length=80)
    category = forms.CharField(label="Category", required=False, max_length=60)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        if action in ("rename", "delete") and not data.get("item_id"):
            raise forms.ValidationError("Which item? The request did not say.")
        if action in ("add", "rename") and not (data.get("name") or "").strip():
            self.add_error("name", "A name is required.")
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        validators=[FileExtensionValidator(["csv"], message="Upload a .csv file.")],
        help_text="UTF-8, comma-separated, with a header row; up to 5 MB.",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size is not None and upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB; split it into smaller files.")
        return upload
