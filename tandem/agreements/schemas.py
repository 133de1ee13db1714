"""API shapes for mentoring agreements."""

# No `from __future__ import annotations`: ninja reads these at runtime.

import datetime as dt

from ninja import Field, Schema

from tandem.agreements.models import AgreementCadence, AgreementStatus, AgreementVersion
from tandem.mentorships.models import MemberRole
from tandem.organisations.schemas import InputSchema, ObjectId


class ExpectationOut(Schema):
    membership_id: int
    full_name: str
    role: MemberRole
    text: str


class AcceptanceOut(Schema):
    membership_id: int
    full_name: str
    accepted_at: dt.datetime


class PersonRefOut(Schema):
    membership_id: int
    full_name: str


class ChangeOut(Schema):
    field: str = Field(
        description="The field, or `expectations.<membership id>` for one person's expectations"
    )
    label: str
    before: str
    after: str


def _person(membership: object) -> dict[str, object] | None:
    if membership is None:
        return None
    user = membership.user  # type: ignore[attr-defined]
    return {"membership_id": membership.pk, "full_name": user.full_name or user.email}  # type: ignore[attr-defined]


class AgreementVersionOut(Schema):
    id: int
    number: int
    status: AgreementStatus
    based_on_id: int | None = Field(description="The version in force when this one was proposed")
    expectations: list[ExpectationOut] = Field(description="What each member expects, one entry per member")
    contact_email: str
    chat_handle: str
    phone: str
    video_link: str
    cadence: AgreementCadence
    cadence_days: int = Field(description="Days between meetings (7, 14, 30 or the custom number)")
    duration_months: int
    confidentiality: str
    note: str = Field(description="Why the proposer suggested this version")
    proposed_by: PersonRefOut | None
    created_at: dt.datetime
    decided_at: dt.datetime | None = Field(description="When it was accepted, declined or withdrawn")
    declined_by: PersonRefOut | None
    decline_reason: str
    accepted_by: list[AcceptanceOut]
    waiting_for: list[int] = Field(description="Membership ids of the members yet to accept an open proposal")

    @staticmethod
    def resolve_expectations(obj: AgreementVersion) -> list[dict[str, object]]:
        # `obj.mentorship` is the caller's mentorship, with its members prefetched.
        return [
            {
                "membership_id": m.membership_id,
                "full_name": m.membership.user.full_name or m.membership.user.email,
                "role": m.role,
                "text": obj.expectation_of(m.membership_id),
            }
            for m in obj.mentorship.members.all()
        ]

    @staticmethod
    def resolve_proposed_by(obj: AgreementVersion) -> dict[str, object] | None:
        return _person(obj.proposed_by)

    @staticmethod
    def resolve_declined_by(obj: AgreementVersion) -> dict[str, object] | None:
        return _person(obj.declined_by)

    @staticmethod
    def resolve_accepted_by(obj: AgreementVersion) -> list[dict[str, object]]:
        return [
            {**(_person(a.membership) or {}), "accepted_at": a.accepted_at} for a in obj.acceptances.all()
        ]

    @staticmethod
    def resolve_waiting_for(obj: AgreementVersion) -> list[int]:
        if obj.status != AgreementStatus.PROPOSED:
            return []
        accepted = {a.membership_id for a in obj.acceptances.all()}
        return [m.membership_id for m in obj.mentorship.members.all() if m.membership_id not in accepted]


class AgreementVersionDetailOut(AgreementVersionOut):
    changes: list[ChangeOut] = Field(
        description="Field by field, what this version changes in the one in force when it was proposed"
    )

    @staticmethod
    def resolve_changes(obj: AgreementVersion) -> list[object]:
        return list(getattr(obj, "changes", []))


class AgreementOut(Schema):
    current: AgreementVersionOut | None = Field(description="The version in force, if any")
    open_proposal: AgreementVersionOut | None = Field(
        description="The proposal waiting for an answer (participants only)"
    )
    cadence_days: int = Field(description="Days between meetings as agreed, else the program's default")
    versions: int = Field(description="How many versions the caller may read")


class ExpectationIn(InputSchema):
    membership_id: ObjectId
    text: str = Field(max_length=4000)


class AgreementIn(InputSchema):
    """A proposal. Fields left out keep what the open proposal or the agreement in force says
    (before any: the program's cadence, six months and a suggested confidentiality statement);
    `expectations` lists only the people whose expectations change."""

    expectations: list[ExpectationIn] = Field(default_factory=list, max_length=50)
    contact_email: str = Field("", max_length=254)
    chat_handle: str = Field("", max_length=200)
    phone: str = Field("", max_length=60)
    video_link: str = Field("", max_length=1000)
    cadence: AgreementCadence | None = Field(None, description="weekly, fortnightly, monthly or custom")
    cadence_days: int | None = Field(None, description="For the custom cadence: every 1 to 90 days")
    duration_months: int | None = Field(None, description="Expected duration, 1 to 24 months")
    confidentiality: str | None = Field(None, max_length=4000, description="What stays between you")
    note: str = Field("", max_length=1000, description="Why you propose this version")
    replace_open: bool = Field(
        default=False,
        description="Set aside an open proposal first: declined if someone else's, withdrawn if yours",
    )


class DeclineIn(InputSchema):
    reason: str = Field("", max_length=1000)
