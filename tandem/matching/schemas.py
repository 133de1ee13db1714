"""API shapes for match rounds, their proposals and mentor candidates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from tandem.matching.models import BlockedPair, MatchRound, Objective, Proposal, RoundStatus, Solver
from tandem.matching.selectors import Candidate
from tandem.organisations.schemas import InputSchema, ObjectId
from tandem.programs.models import Enrolment, EnrolmentRole

# --- reading ------------------------------------------------------------------------------------


class CriterionOut(Schema):
    """One criterion's part in a pair's score, with the reason in plain words."""

    criterion: str
    label: str
    value: float = Field(description="How well the pair meets it, 0–1")
    weight: float
    contribution: float = Field(description="Its share of the score; the contributions sum to it")
    reason: str
    must: bool = Field(description="A hard filter in this program")


class PersonOut(Schema):
    """Someone's enrolment in the program."""

    enrolment_id: int
    membership_id: int
    full_name: str
    role: EnrolmentRole

    @staticmethod
    def resolve_enrolment_id(obj: Enrolment) -> int:
        return obj.pk

    @staticmethod
    def resolve_full_name(obj: Enrolment) -> str:
        return obj.membership.user.full_name


class ProposalOut(Schema):
    id: int
    mentee: PersonOut
    mentor: PersonOut = Field(description="The mentor (in peer programs, the other peer)")
    group_index: int | None
    score: float = Field(description="Weighted fit, 0–1")
    breakdown: list[CriterionOut]
    reasons: list[str] = Field(description="The reasons, most important first")
    locked: bool = Field(description="Kept as it is when the round is re-run")
    edited: bool = Field(description="Changed by an admin after the run")


class UnmatchedOut(Schema):
    enrolment_id: int
    membership_id: int
    name: str
    role: EnrolmentRole
    reason: str


class RoundOut(Schema):
    id: int
    program_id: int
    status: RoundStatus
    solver: Solver
    objective: Objective
    progress: int = Field(description="Percent done while queued or running")
    progress_label: str
    error: str = Field(description="Why a failed round failed")
    metrics: dict[str, Any] = Field(
        description="pairs, matched, match_rate, mean_score, min_score, mentor_load, greedy comparison"
    )
    proposal_count: int | None = Field(description="Proposals in the draft (round lists only)")
    created_by: str | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
    published_by: str | None
    published_at: dt.datetime | None

    @staticmethod
    def resolve_proposal_count(obj: MatchRound) -> int | None:
        return getattr(obj, "proposal_count", None)

    @staticmethod
    def resolve_created_by(obj: MatchRound) -> str | None:
        return obj.created_by.full_name if obj.created_by else None

    @staticmethod
    def resolve_published_by(obj: MatchRound) -> str | None:
        return obj.published_by.full_name if obj.published_by else None


class RoundDetailOut(RoundOut):
    """A round with every proposal, who was left out and why, and the run's exact inputs."""

    parameters: dict[str, Any]
    unmatched: list[UnmatchedOut]
    proposals: list[ProposalOut]

    @staticmethod
    def resolve_proposals(obj: MatchRound) -> list[Proposal]:
        return list(obj.proposals.all())


class PublishOut(Schema):
    created: int = Field(description="Mentorships created")
    round: RoundOut


class CandidateOut(Schema):
    mentor: PersonOut
    score: float
    breakdown: list[CriterionOut]
    reasons: list[str]
    places_left: int = Field(description="Places the mentor has left, counting this draft")

    @staticmethod
    def resolve_mentor(obj: Candidate) -> Enrolment:
        return obj.mentor


class BlockedPairOut(Schema):
    mentee_membership_id: int
    mentor_membership_id: int
    at: dt.datetime

    @staticmethod
    def resolve_mentee_membership_id(obj: BlockedPair) -> int:
        return obj.mentee_id

    @staticmethod
    def resolve_mentor_membership_id(obj: BlockedPair) -> int:
        return obj.mentor_id


# --- writing ------------------------------------------------------------------------------------


class RoundIn(InputSchema):
    solver: Solver | None = Field(
        None, description="Leave out for the one the program's kind needs (optimal, peers, groups)"
    )
    objective: Objective = Objective.PARTICIPATION


class SwapIn(InputSchema):
    mentor_enrolment_id: ObjectId


class CandidateQuery(Schema):
    limit: int = Field(10, ge=1, le=50)
