"""The preferences form: one in-app and one email checkbox per kind of notification."""

from __future__ import annotations

from typing import Any

from django import forms

from tandem.notifications.selectors import PreferenceRow
from tandem.notifications.services import PreferenceChoice


class PreferencesForm(forms.Form):
    def __init__(self, *args: Any, rows: list[PreferenceRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[f"{row.kind}-in_app"] = forms.BooleanField(
                required=False,
                initial=row.in_app,
                disabled=row.in_app_locked,  # a disabled field keeps its initial value (True)
                label=f"In Tandem: {row.label}",
            )
            self.fields[f"{row.kind}-email"] = forms.BooleanField(
                required=False, initial=row.email, label=f"By email: {row.label}"
            )

    def table(self) -> list[tuple[PreferenceRow, forms.BoundField, forms.BoundField]]:
        return [(row, self[f"{row.kind}-in_app"], self[f"{row.kind}-email"]) for row in self.rows]

    def choices(self) -> dict[str, PreferenceChoice]:
        data = self.cleaned_data
        return {
            row.kind: PreferenceChoice(
                in_app=bool(data[f"{row.kind}-in_app"]), email=bool(data[f"{row.kind}-email"])
            )
            for row in self.rows
        }
