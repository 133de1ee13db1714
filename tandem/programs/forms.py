"""Forms for the program pages. They parse input into the services' own types (ProgramSettings,
QuestionSpec, answers by question id); the rules themselves live in the services, whose errors
name the field at fault (`error_field` places them on the form)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, cast

from django import forms
from django.forms import BaseFormSet, formset_factory

from tandem.matching.run import CRITERION_LABELS
from tandem.organisations.selectors import membership_list
from tandem.people.selectors import department_list, skill_list
from tandem.programs.models import (
    Cadence,
    EnrolmentQuestion,
    EnrolmentRole,
    EnrolmentStatus,
    MatchingMode,
    Program,
    ProgramKind,
    ProgramStatus,
    QuestionKind,
)
from tandem.programs.services import CRITERIA, MAX_WEIGHT, ProgramSettings, QuestionSpec, roles_for
from tandem.programs.templates_catalogue import PROGRAM_TEMPLATES

CRITERION_HELP = {
    "goals": "What the mentee wants to learn against what the mentor is expert in.",
    "values": "Work values both of them picked.",
    "industry": "Same industry or function.",
    "level": "Career-level gap that suits the program kind.",
    "timezone": "Overlapping working hours.",
    "availability": "Hours a month and meeting formats in common.",
    "language": "Languages in common.",
    "preferences": "Mentors the mentee asked for.",
}
ROLE_LABELS = {
    EnrolmentRole.MENTOR: "Mentor — I will guide someone",
    EnrolmentRole.MENTEE: "Mentee — I want to be guided",
    EnrolmentRole.PEER: "Peer — I will grow together with a colleague",
}
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def error_field(form: forms.BaseForm, field: str | None) -> str | None:
    """Where a service error naming `field` shows: on that field if the form has it, else on top."""
    return field if field in form.fields else None


def set_choices(form: forms.BaseForm, name: str, choices: list[tuple[Any, Any]]) -> None:
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is not a choice field")
    field.choices = choices


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class _ProgramFields(forms.Form):
    """The settings a new program needs; the full settings form adds the matching rules."""

    name = forms.CharField(label="Name", max_length=150)
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the program is for and what participants can expect. Members see this.",
    )
    kind = forms.ChoiceField(label="Kind", choices=ProgramKind.choices)
    matching_mode = forms.ChoiceField(
        label="How people are matched",
        choices=MatchingMode.choices,
        help_text="Peer programs are always matched by an admin in rounds.",
    )
    is_evergreen = forms.BooleanField(
        label="Evergreen: people join and are matched all year (no end date)", required=False
    )
    starts_on = forms.DateField(label="Starts on", required=False, widget=_DATE)
    ends_on = forms.DateField(label="Ends on", required=False, widget=_DATE)
    default_cadence = forms.ChoiceField(
        label="Default meeting cadence", choices=Cadence.choices, initial=Cadence.MONTHLY
    )
    default_mentor_capacity = forms.IntegerField(
        label="Default mentor capacity",
        min_value=1,
        max_value=20,
        initial=2,
        help_text="Mentees a mentor takes on unless they choose another number.",
    )
    group_min_size = forms.IntegerField(
        label="Smallest group", min_value=2, max_value=30, initial=3, help_text="Group programs only."
    )
    group_max_size = forms.IntegerField(
        label="Largest group", min_value=2, max_value=30, initial=6, help_text="Group programs only."
    )

    _SETTING_FIELDS: tuple[str, ...] = (
        "name",
        "description",
        "kind",
        "matching_mode",
        "is_evergreen",
        "starts_on",
        "ends_on",
        "default_cadence",
        "default_mentor_capacity",
        "group_min_size",
        "group_max_size",
    )

    def _settings_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs = {name: data[name] for name in self._SETTING_FIELDS if name in data}
        if self.fields["kind"].disabled:
            kwargs.pop("kind")  # not editable any more: leave the stored value alone
        return kwargs


class ProgramCreateForm(_ProgramFields):
    """A new program, prefilled from a template when one is picked."""

    template = forms.ChoiceField(label="Template", required=False, widget=forms.HiddenInput)

    def __init__(self, data: Any = None, *, template_key: str = "") -> None:
        initial: dict[str, Any] = {"template": template_key}
        template = PROGRAM_TEMPLATES.get(template_key)
        if template is not None:
            initial |= {k: v for k, v in template.items() if k in self._SETTING_FIELDS}
        super().__init__(data, initial=initial)
        set_choices(
            self, "template", [("", "Blank"), *((k, t["label"]) for k, t in PROGRAM_TEMPLATES.items())]
        )

    def settings(self) -> ProgramSettings:
        return ProgramSettings(**self._settings_kwargs())

    @property
    def template_key(self) -> str:
        return str(self.cleaned_data.get("template") or "")


class ProgramSettingsForm(_ProgramFields):
    """Every setting of a program: the basics, matching criteria and hard rules, requests."""

    requires_enrolment_approval = forms.BooleanField(label="An admin approves each enrolment", required=False)
    requires_match_consent = forms.BooleanField(
        label="Both people accept a match before it starts", required=False
    )
    max_open_requests_per_mentee = forms.IntegerField(
        label="Open requests per mentee",
        min_value=1,
        max_value=20,
        help_text="Self-service programs: how many mentors a mentee may ask at once.",
    )
    request_expiry_days = forms.IntegerField(label="Requests expire after (days)", min_value=1, max_value=90)
    require_shared_language = forms.BooleanField(label="They must share a language", required=False)
    forbid_same_reporting_line = forms.BooleanField(
        label="Never match someone with their manager or their manager's manager", required=False
    )
    require_different_department = forms.BooleanField(
        label="They must work in different departments", required=False
    )
    max_time_zone_gap_hours = forms.IntegerField(
        label="Largest time-zone gap (hours)",
        required=False,
        min_value=0,
        max_value=26,
        help_text="Leave empty for no limit.",
    )
    min_level_gap = forms.IntegerField(
        label="Smallest career-level gap",
        min_value=0,
        max_value=10,
        help_text="Levels between the two people: mentor above (reverse: below); 0 for peers.",
    )
    max_level_gap = forms.IntegerField(label="Largest career-level gap", min_value=0, max_value=10)

    _SETTING_FIELDS = (
        *_ProgramFields._SETTING_FIELDS,
        "requires_enrolment_approval",
        "requires_match_consent",
        "max_open_requests_per_mentee",
        "request_expiry_days",
        "require_shared_language",
        "forbid_same_reporting_line",
        "require_different_department",
        "min_level_gap",
        "max_level_gap",
    )

    def __init__(self, data: Any = None, *, program: Program) -> None:
        initial = {name: getattr(program, name) for name in self._SETTING_FIELDS}
        initial["max_time_zone_gap_hours"] = program.max_time_zone_gap_hours
        weights = program.criteria_weights or {}
        for name in CRITERIA:
            initial[f"weight_{name}"] = weights.get(name, 0)
            initial[f"must_{name}"] = name in (program.must_criteria or [])
        super().__init__(data, initial=initial)
        for name in CRITERIA:
            self.fields[f"weight_{name}"] = forms.FloatField(
                label=f"Weight of {CRITERION_LABELS[name]}",
                min_value=0,
                max_value=MAX_WEIGHT,
                widget=forms.NumberInput(attrs={"step": "0.5"}),
                help_text=CRITERION_HELP[name],
            )
            self.fields[f"must_{name}"] = forms.BooleanField(
                label=f"{CRITERION_LABELS[name]} is required", required=False
            )
        if program.status != ProgramStatus.DRAFT:
            kind = self.fields["kind"]
            kind.disabled = True
            kind.help_text = "The kind is fixed once the program has left the draft stage."

    def criteria_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        """(label, weight field, must field) per criterion, for the weights table."""
        return [(CRITERION_LABELS[n], self[f"weight_{n}"], self[f"must_{n}"]) for n in CRITERIA]

    def settings(self, *, goal_templates: list[dict[str, Any]]) -> ProgramSettings:
        data = self.cleaned_data
        gap = data.get("max_time_zone_gap_hours")
        return ProgramSettings(
            **self._settings_kwargs(),
            criteria_weights={n: data[f"weight_{n}"] for n in CRITERIA},
            must_criteria=[n for n in CRITERIA if data.get(f"must_{n}")],
            max_time_zone_gap_hours=gap,
            clear_max_time_zone_gap=gap is None,
            goal_templates=goal_templates,
        )

    def error_field(self, field: str | None) -> str | None:
        if field == "criteria_weights":
            return None  # which criterion is named in the message
        return error_field(self, field)


class GoalTemplateForm(forms.Form):
    title = forms.CharField(label="Goal title", required=False, max_length=150)
    description = forms.CharField(
        label="Description", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    milestones = forms.CharField(
        label="Milestones",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("title") and (data.get("description") or data.get("milestones")):
            self.add_error("title", "Give this goal a title, or clear its other fields.")
        return data


class BaseGoalTemplateFormSet(BaseFormSet[GoalTemplateForm]):
    def templates(self) -> list[dict[str, Any]]:
        """The filled-in, not deleted goal templates (call after is_valid())."""
        return [
            {
                "title": form.cleaned_data["title"],
                "description": form.cleaned_data.get("description", ""),
                "milestones": _lines(form.cleaned_data.get("milestones", "")),
            }
            for form in self.forms
            if form.cleaned_data.get("title") and not form.cleaned_data.get("DELETE")
        ]


# formset_factory returns a subclass of `formset`; the stubs only know it is a BaseFormSet.
GoalTemplateFormSet = cast(
    type[BaseGoalTemplateFormSet],
    formset_factory(GoalTemplateForm, formset=BaseGoalTemplateFormSet, extra=1, can_delete=True, max_num=30),
)


def goal_template_formset(data: Any = None, *, program: Program) -> BaseGoalTemplateFormSet:
    initial = [
        {
            "title": t.get("title", ""),
            "description": t.get("description", ""),
            "milestones": "\n".join(t.get("milestones", [])),
        }
        for t in program.goal_templates or []
    ]
    return GoalTemplateFormSet(data, initial=initial, prefix="goals")


class QuestionForm(forms.Form):
    text = forms.CharField(label="Question", required=False, max_length=300)
    kind = forms.ChoiceField(label="Answer type", choices=QuestionKind.choices, initial=QuestionKind.TEXT)
    choices = forms.CharField(
        label="Choices",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Single and multiple choice: one answer per line.",
    )
    required = forms.BooleanField(label="An answer is required", required=False)


class BaseQuestionFormSet(BaseFormSet[QuestionForm]):
    def specs(self) -> list[QuestionSpec]:
        """The questions to keep, in order (call after is_valid()); blank rows are ignored."""
        return [
            QuestionSpec(
                text=form.cleaned_data["text"],
                kind=form.cleaned_data["kind"],
                choices=_lines(form.cleaned_data.get("choices", "")),
                required=form.cleaned_data.get("required", False),
            )
            for form in self.forms
            if form.cleaned_data.get("text") and not form.cleaned_data.get("DELETE")
        ]


QuestionFormSet = cast(
    type[BaseQuestionFormSet],
    formset_factory(QuestionForm, formset=BaseQuestionFormSet, extra=2, can_delete=True, max_num=30),
)


def question_formset(data: Any = None, *, questions: list[EnrolmentQuestion]) -> BaseQuestionFormSet:
    initial = [
        {"text": q.text, "kind": q.kind, "choices": "\n".join(q.choices), "required": q.required}
        for q in questions
    ]
    return QuestionFormSet(data, initial=initial, prefix="questions")


class EnrolForm(forms.Form):
    """A member enrols: a role the program's kind allows, answers to its questions, a capacity."""

    role = forms.ChoiceField(label="Join as", widget=forms.RadioSelect)
    capacity = forms.IntegerField(
        label="Mentees I can take on",
        required=False,
        min_value=1,
        max_value=20,
        help_text="Mentors only.",
    )

    def __init__(self, data: Any = None, *, program: Program, questions: list[EnrolmentQuestion]) -> None:
        super().__init__(data, initial={"capacity": program.default_mentor_capacity})
        roles = roles_for(program.kind)
        set_choices(self, "role", [(r, ROLE_LABELS[EnrolmentRole(r)]) for r in roles])
        if len(roles) == 1:
            self.initial["role"] = roles[0]
        if EnrolmentRole.MENTOR not in roles:
            del self.fields["capacity"]
        else:
            self.fields["capacity"].help_text = (
                f"Mentors only: how many mentees you can guide at once (the program suggests "
                f"{program.default_mentor_capacity})."
            )
        self._questions = questions
        skills: list[tuple[int, str]] | None = None
        for q in questions:
            name = f"question_{q.pk}"
            field: forms.Field
            if q.kind == QuestionKind.SINGLE:
                field = forms.ChoiceField(choices=[(c, c) for c in q.choices], widget=forms.RadioSelect)
            elif q.kind == QuestionKind.MULTI:
                field = forms.MultipleChoiceField(
                    choices=[(c, c) for c in q.choices], widget=forms.CheckboxSelectMultiple
                )
            elif q.kind == QuestionKind.SKILLS:
                if skills is None:
                    skills = [(s.pk, s.name) for s in skill_list(organisation=program.organisation)]
                field = forms.TypedMultipleChoiceField(
                    choices=skills, coerce=int, widget=forms.CheckboxSelectMultiple
                )
            else:
                field = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
            field.label = q.text
            field.required = q.required
            self.fields[name] = field

    def answers(self) -> dict[str, Any]:
        """Answers by question id, as the service takes them (call after is_valid())."""
        return {str(q.pk): self.cleaned_data.get(f"question_{q.pk}") for q in self._questions}

    def mentor_capacity(self) -> int | None:
        if self.cleaned_data.get("role") != EnrolmentRole.MENTOR:
            return None
        value: int | None = self.cleaned_data.get("capacity")
        return value

    def question_fields(self) -> list[forms.BoundField]:
        return [self[f"question_{q.pk}"] for q in self._questions]


class MyEnrolmentForm(forms.Form):
    """Pause, resume or withdraw one's own enrolment."""

    action = forms.ChoiceField(choices=[("pause", "Pause"), ("resume", "Resume"), ("withdraw", "Withdraw")])


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(label="Mentees I can take on", min_value=1, max_value=20)


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=ProgramStatus.choices)


class EnrolmentFilterForm(forms.Form):
    """The enrolments table's GET filters; unknown values are simply ignored."""

    role = forms.ChoiceField(label="Role", required=False, choices=[("", "Any role"), *EnrolmentRole.choices])
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *EnrolmentStatus.choices]
    )

    def value(self, name: str) -> str | None:
        """The filter's value, or None when it is unset or not one of the choices."""
        self.is_valid()
        value: str | None = self.cleaned_data.get(name) or None
        return value


class _BulkRole(forms.Form):
    role = forms.ChoiceField(label="Enrol them as")

    def __init__(self, data: Any = None, *, program: Program, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        set_choices(self, "role", [(r, EnrolmentRole(r).label) for r in roles_for(program.kind)])


class DepartmentEnrolForm(_BulkRole):
    department = forms.TypedChoiceField(label="Department", coerce=int)

    def __init__(self, data: Any = None, *, program: Program) -> None:
        super().__init__(data, program=program, prefix="dept")
        set_choices(
            self,
            "department",
            [
                ("", "Choose a department"),
                *((d.pk, d.name) for d in department_list(organisation=program.organisation)),
            ],
        )

    def error_field(self, field: str | None) -> str | None:
        return "department" if field == "department_id" else error_field(self, field)


class PeopleEnrolForm(_BulkRole):
    members = forms.TypedMultipleChoiceField(label="People", coerce=int, widget=forms.CheckboxSelectMultiple)

    def __init__(self, data: Any = None, *, program: Program, enrolled: Collection[int]) -> None:
        super().__init__(data, program=program, prefix="people")
        people = membership_list(organisation=program.organisation, include_inactive=False)
        # Everyone active who has no enrolment in the program yet.
        choices = [(m.pk, m.user.full_name or m.user.email) for m in people if m.pk not in enrolled]
        set_choices(self, "members", choices)

    def error_field(self, field: str | None) -> str | None:
        return "members" if field == "membership_ids" else error_field(self, field)
