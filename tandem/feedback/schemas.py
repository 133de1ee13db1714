"""API shapes for competency feedback."""

# No `from __future__ import annotations`: ninja reads these at runtime.

import datetime as dt

from ninja import Field, Schema

from tandem.feedback.models import MAX_RATING, MIN_RATING, CompetencyFeedback, CompetencyRating
from tandem.feedback.services import COMMENT_MAX, RATING_COMMENT_MAX
from tandem.feedback.trends import Point, Series, Trend
from tandem.organisations.models import Membership
from tandem.organisations.schemas import InputSchema, ObjectId


class PersonOut(Schema):
    membership_id: int
    full_name: str

    @staticmethod
    def resolve_membership_id(obj: Membership) -> int:
        return obj.pk

    @staticmethod
    def resolve_full_name(obj: Membership) -> str:
        return obj.user.full_name or obj.user.email


class RatingOut(Schema):
    competency_id: int | None = Field(description="None if the competency was since removed")
    competency: str
    rating: int
    comment: str

    @staticmethod
    def resolve_competency(obj: CompetencyRating) -> str:
        return obj.name


class FeedbackOut(Schema):
    id: int
    mentorship_id: int
    author: PersonOut
    subject: PersonOut
    given_on: dt.date
    comment: str
    ratings: list[RatingOut]
    created_at: dt.datetime

    @staticmethod
    def resolve_ratings(obj: CompetencyFeedback) -> list[CompetencyRating]:
        return list(obj.ratings.all())


class PointOut(Schema):
    given_on: dt.date
    rating: int
    feedback_id: int


class SeriesOut(Schema):
    competency_id: int | None
    competency: str
    points: list[PointOut]
    latest: int
    previous: int | None
    change: int | None = Field(description="Latest rating minus the one before; null for a first rating")

    @staticmethod
    def resolve_competency(obj: Series) -> str:
        return obj.name

    @staticmethod
    def resolve_points(obj: Series) -> tuple[Point, ...]:
        return obj.points

    @staticmethod
    def resolve_latest(obj: Series) -> int:
        return obj.latest.rating

    @staticmethod
    def resolve_previous(obj: Series) -> int | None:
        return obj.previous.rating if obj.previous else None


class TrendOut(Schema):
    subject: PersonOut
    competencies: list[SeriesOut]

    @staticmethod
    def resolve_competencies(obj: Trend) -> list[Series]:
        return obj.series


class FeedbackListOut(Schema):
    count: int
    items: list[FeedbackOut] = Field(description="Entries I wrote or am rated in, oldest first")
    trends: list[TrendOut] = Field(description="Per person rated: one series of ratings per competency")


class RatingIn(InputSchema):
    competency_id: ObjectId = Field(description="A competency of the organisation's taxonomy")
    rating: int = Field(ge=MIN_RATING, le=MAX_RATING)
    comment: str = Field("", max_length=RATING_COMMENT_MAX)


class FeedbackIn(InputSchema):
    ratings: list[RatingIn] = Field(min_length=1, max_length=50)
    given_on: dt.date | None = Field(None, description="Defaults to today (in my time zone)")
    comment: str = Field("", max_length=COMMENT_MAX, description="Overall comment")
    subject_membership_id: ObjectId | None = Field(
        None, description="Whom the feedback is for; needed only when I support more than one person"
    )
