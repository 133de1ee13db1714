"""Forms for the match-round pages: starting a round and picking a mentor when swapping."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundWidget

from tandem.matching.models import Objective, Solver
from tandem.matching.services import DEFAULT_SOLVER, SOLVERS_FOR_KIND
from tandem.programs.models import Program, ProgramKind

SOLVER_HELP = {
    Solver.OPTIMAL: "Looks at the whole pool at once: matches as many people as possible, "
    "then maximises the total fit, never over a mentor's capacity.",
    Solver.STABLE: "Both sides rank each other by fit; no mentee and mentor would both rather be "
    "together than with the partners they get.",
    Solver.PEERS: "Pairs colleagues of the same stage with each other.",
    Solver.GROUPS: "Forms small groups around one mentor each.",
}
OBJECTIVE_HELP = {
    Objective.PARTICIPATION: "Leave as few people unmatched as possible, then fit them as well as possible.",
    Objective.SCORE: "Prefer better pairs even if a few more people wait for the next round.",
}


class RoundStartForm(forms.Form):
    solver = forms.ChoiceField(label="Method", widget=forms.RadioSelect)
    objective = forms.ChoiceField(
        label="Aim", widget=forms.RadioSelect, choices=Objective.choices, initial=Objective.PARTICIPATION
    )

    def __init__(self, data: Any = None, *, program: Program) -> None:
        kind = ProgramKind(program.kind)
        super().__init__(data, initial={"solver": DEFAULT_SOLVER[kind], "objective": Objective.PARTICIPATION})
        allowed = [s for s in Solver if s in SOLVERS_FOR_KIND[kind]]
        solver = self.fields["solver"]
        if not isinstance(solver, forms.ChoiceField):  # narrows the type for the choices below
            raise TypeError("solver is not a choice field")
        solver.choices = [(s.value, s.label) for s in allowed]

    def solver_options(self) -> list[tuple[BoundWidget, str]]:
        """Each method's radio button with the plain-words description shown under it."""
        return [(option, SOLVER_HELP[Solver(option.data["value"])]) for option in self["solver"]]

    def objective_options(self) -> list[tuple[BoundWidget, str]]:
        return [(option, OBJECTIVE_HELP[Objective(option.data["value"])]) for option in self["objective"]]

    def error_field(self, field: str | None) -> str | None:
        return field if field in self.fields else None


class LockForm(forms.Form):
    locked = forms.TypedChoiceField(choices=[("1", "Lock"), ("0", "Unlock")], coerce=lambda v: v == "1")


class SwapForm(forms.Form):
    mentor = forms.IntegerField(min_value=1)
