"""Tenant isolation walk: the competency feedback endpoints (see tests/isolation/__init__.py)."""

from __future__ import annotations

from typing import Any

from tandem.feedback.models import CompetencyFeedback, CompetencyRating
from tandem.feedback.services import RatingInput, competency_feedback_give
from tandem.mentorships.models import Mentorship
from tandem.organisations.models import Organisation
from tandem.people.models import Competency
from tests.isolation import Endpoint, OrgB

FEEDBACK = "/orgs/{org_slug}/mentorships/{mentorship_id}/competency-feedback"
AS_MENTOR = (("mentorship_id", "mentorship_as_mentor_id"),)


class NestedEndpoint(Endpoint):
    """An endpoint whose body nests B's ids inside objects (`ratings: [{competency_id: …}]`)."""

    def payload(self, ids: dict[str, int]) -> dict[str, Any] | None:
        def fill(value: Any) -> Any:
            if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
                return ids[value[1:-1]]
            if isinstance(value, list):
                return [fill(v) for v in value]
            if isinstance(value, dict):
                return {k: fill(v) for k, v in value.items()}
            return value

        return None if self.body is None else fill(self.body)


ENDPOINTS: list[Endpoint] = [
    Endpoint("get", FEEDBACK, use=AS_MENTOR),
    NestedEndpoint(
        "post",
        FEEDBACK,
        {"ratings": [{"competency_id": "{competency_id}", "rating": 1, "comment": "Planted by A"}]},
        AS_MENTOR,
    ),
]


def setup(b: OrgB) -> dict[str, int]:
    """B's admin mentors someone and has already rated them once."""
    competency = Competency.objects.filter(organisation=b.organisation).order_by("pk").first()
    assert competency is not None
    mentorship = Mentorship.objects.get(pk=b.ids["mentorship_as_mentor_id"])
    competency_feedback_give(mentorship=mentorship, by=b.admin, ratings=[RatingInput(competency.pk, 3)])
    return {"competency_id": competency.pk}


def snapshot(org_b: Organisation) -> tuple[object, ...]:
    return (
        tuple(
            CompetencyFeedback.objects.filter(organisation=org_b)
            .order_by("pk")
            .values_list("pk", "author_id", "subject_id", "given_on", "comment")
        ),
        tuple(
            CompetencyRating.objects.filter(feedback__organisation=org_b)
            .order_by("pk")
            .values_list("pk", "competency_id", "rating", "comment")
        ),
    )
