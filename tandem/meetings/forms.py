"""Forms for meetings. They parse input; the rules (recurrence, links, who may do what) are the
services', whose errors come back on the field they name."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from tandem.meetings.models import Frequency, MeetingFormat, MeetingStatus
from tandem.meetings.services import MeetingChanges, MeetingPlan, Recurrence

DURATIONS = [
    (15, "15 minutes"),
    (30, "30 minutes"),
    (45, "45 minutes"),
    (60, "1 hour"),
    (90, "1½ hours"),
    (120, "2 hours"),
]
ONCE = "once"
SCOPES = [("this", "This meeting only"), ("following", "This and the following meetings")]
KINDS = [("formal", "Formal — a planned session"), ("informal", "Informal — a coffee or a quick chat")]


class _ServiceErrors(forms.Form):
    # Service field → form field, where their names differ.
    field_map: dict[str, str] = {}

    def error_field(self, field: str | None) -> str | None:
        name = self.field_map.get(field or "", field)
        return name if name in self.fields else None


class _DetailsFields(_ServiceErrors):
    title = forms.CharField(label="Title", max_length=120, initial="Mentoring session")
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label="Start time", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    duration_minutes = forms.TypedChoiceField(label="Length", choices=DURATIONS, coerce=int, initial=60)
    kind = forms.ChoiceField(
        label="Kind of meeting", choices=KINDS, initial="formal", widget=forms.RadioSelect
    )
    format = forms.ChoiceField(
        label="How you meet", choices=MeetingFormat.choices, initial=MeetingFormat.VIDEO
    )
    video_link = forms.CharField(
        label="Video link",
        required=False,
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text="The https:// address of the call, if you meet by video.",
    )
    location = forms.CharField(
        label="Location",
        required=False,
        max_length=200,
        help_text="Where, if you meet in person (or a phone number).",
    )
    agenda = forms.CharField(
        label="Agenda", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    field_map = {"starts_at": "date", "frequency": "repeat"}

    def starts_local(self) -> dt.datetime:
        return dt.datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"])


class ScheduleForm(_DetailsFields):
    repeat = forms.ChoiceField(
        label="Repeats", choices=[(ONCE, "Does not repeat"), *Frequency.choices], initial=ONCE
    )
    count = forms.IntegerField(
        label="Ends after this many meetings",
        required=False,
        min_value=2,
        max_value=100,
        help_text="For a repeating meeting: give a number of meetings or a last date.",
    )
    until = forms.DateField(
        label="Or ends on", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def plan(self) -> MeetingPlan:
        data = self.cleaned_data
        return MeetingPlan(
            title=data["title"],
            starts_local=self.starts_local(),
            duration_minutes=data["duration_minutes"],
            formal=data["kind"] == "formal",
            format=data["format"],
            location=data["location"],
            video_link=data["video_link"],
            agenda=data["agenda"],
        )

    def recurrence(self) -> Recurrence | None:
        data = self.cleaned_data
        if data["repeat"] == ONCE:
            return None
        return Recurrence(frequency=data["repeat"], count=data["count"], until=data["until"])


class ChangeForm(_DetailsFields):
    """Change a meeting; only the fields that differ from what it was are sent to the service."""

    scope = forms.ChoiceField(label="Change", choices=SCOPES, initial="this", widget=forms.RadioSelect)

    def __init__(self, *args: Any, series: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not series:
            del self.fields["scope"]

    def changes(self) -> MeetingChanges:
        data, changed = self.cleaned_data, set(self.changed_data)

        def pick(name: str) -> Any:
            return data[name] if name in changed else None

        return MeetingChanges(
            title=pick("title"),
            starts_local=self.starts_local() if {"date", "time"} & changed else None,
            duration_minutes=pick("duration_minutes"),
            formal=(data["kind"] == "formal") if "kind" in changed else None,
            format=pick("format"),
            location=pick("location"),
            video_link=pick("video_link"),
            agenda=pick("agenda"),
        )

    @property
    def scope_value(self) -> str:
        return str(self.cleaned_data.get("scope") or "this")


class CancelForm(_ServiceErrors):
    scope = forms.ChoiceField(label="Cancel", choices=SCOPES, initial="this", widget=forms.RadioSelect)


class AttendanceForm(_ServiceErrors):
    status = forms.ChoiceField(
        label="What happened",
        choices=[
            (MeetingStatus.HELD, "We met"),
            (MeetingStatus.NO_SHOW, "No-show"),
            (MeetingStatus.SCHEDULED, "Not yet / undo"),
        ],
    )


class NotesForm(_ServiceErrors):
    shared_notes = forms.CharField(
        label="Shared notes",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Both of you can read and edit these.",
    )


class PrivateNoteForm(_ServiceErrors):
    text = forms.CharField(
        label="My private note",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Only you can ever read this — not the other side, not an admin.",
    )


class FeedbackForm(_ServiceErrors):
    rating = forms.TypedChoiceField(
        label="How useful was this meeting?",
        choices=[
            (5, "5 — excellent"),
            (4, "4 — good"),
            (3, "3 — okay"),
            (2, "2 — not great"),
            (1, "1 — poor"),
        ],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Comment", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    shared = forms.BooleanField(
        label="Share this with the other side",
        required=False,
        help_text="If you don't, it stays yours; program admins only ever see ratings in aggregate.",
    )
