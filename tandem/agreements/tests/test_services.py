"""The agreement lifecycle (propose, accept, supersede, decline, withdraw), its validation, who may
do what, and the contracts other apps read: `agreement_current` and `agreed_cadence_days`."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.db import IntegrityError, transaction

from tandem.agreements.errors import AgreementConflict, AgreementInvalid, AgreementNotAllowed
from tandem.agreements.models import DEFAULT_CONFIDENTIALITY, AgreementStatus, AgreementVersion
from tandem.agreements.selectors import (
    agreed_cadence_days,
    agreement_changes,
    agreement_current,
    agreement_defaults,
    agreement_open,
    agreement_versions,
)
from tandem.agreements.services import (
    AgreementTerms,
    agreement_accept,
    agreement_decline,
    agreement_propose,
    agreement_withdraw,
)
from tandem.mentorships.models import Mentorship, MentorshipOrigin, MentorshipStatus
from tandem.mentorships.services import mentorship_start
from tandem.notifications.models import Notification, NotificationKind
from tandem.organisations.models import Membership, Organisation
from tandem.programs.services import enrolment_create
from tests.factories import make_member
from tests.program_setup import make_program, mentee, mentor, person
from tests.relationship_setup import Live, live_mentorship

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(org: Organisation, program_admin: Membership) -> Live:
    return live_mentorship(org, program_admin)


def _terms(live: Live, **changes: object) -> AgreementTerms:
    terms = AgreementTerms(
        cadence="fortnightly",
        duration_months=6,
        confidentiality=DEFAULT_CONFIDENTIALITY,
        expectations={
            live.mentor.pk: "Honest feedback, come prepared.",
            live.mentee.pk: "Help me lead a team.",
        },
        contact_email="mentor@example.com",
        video_link="https://meet.example.com/abc",
    )
    return replace(terms, **changes)  # type: ignore[arg-type]


def _agreed(live: Live, **changes: object) -> AgreementVersion:
    version = agreement_propose(mentorship=live.mentorship, by=live.mentor, terms=_terms(live, **changes))
    return agreement_accept(version=version, by=live.mentee)


def _kinds(recipient: Membership) -> list[str]:
    """The agreement notifications someone received (other apps may notify them of the match)."""
    return list(
        Notification.objects.filter(recipient=recipient, kind=NotificationKind.AGREEMENT).values_list(
            "kind", flat=True
        )
    )


# --- lifecycle ----------------------------------------------------------------------------------


def test_first_version_is_in_force_once_both_sides_accept(live: Live) -> None:
    # when the mentor proposes
    version = agreement_propose(mentorship=live.mentorship, by=live.mentor, terms=_terms(live))
    # then it waits for the mentee, the mentor's acceptance implied, and the mentee is told
    assert version.status == AgreementStatus.PROPOSED
    assert version.number == 1
    assert list(version.acceptances.values_list("membership_id", flat=True)) == [live.mentor.pk]
    assert agreement_current(live.mentorship) is None
    assert _kinds(live.mentee) == [NotificationKind.AGREEMENT]
    assert _kinds(live.mentor) == []
    # when the mentee accepts
    agreement_accept(version=version, by=live.mentee)
    # then it is in force and the mentor is told
    version.refresh_from_db()
    assert version.status == AgreementStatus.ACCEPTED
    assert version.decided_at is not None
    assert agreement_current(live.mentorship) == version
    assert _kinds(live.mentor) == [NotificationKind.AGREEMENT]


def test_a_change_accepted_by_the_other_side_supersedes_the_version_in_force(live: Live) -> None:
    # given an agreement in force
    first = _agreed(live)
    # when the mentee proposes meeting weekly and the mentor accepts
    change = agreement_propose(
        mentorship=live.mentorship, by=live.mentee, terms=_terms(live, cadence="weekly", note="More often")
    )
    assert agreement_current(live.mentorship) == first  # still in force while the change waits
    agreement_accept(version=change, by=live.mentor)
    # then the change is in force and the first version superseded, both kept
    first.refresh_from_db()
    change.refresh_from_db()
    assert (first.status, change.status) == (AgreementStatus.SUPERSEDED, AgreementStatus.ACCEPTED)
    assert change.number == 2
    assert change.based_on == first
    assert agreed_cadence_days(live.mentorship) == 7
    assert AgreementVersion.objects.filter(mentorship=live.mentorship).count() == 2


def test_declining_a_change_keeps_the_agreement_in_force(live: Live) -> None:
    # given an agreement in force and a proposed change
    first = _agreed(live)
    change = agreement_propose(
        mentorship=live.mentorship, by=live.mentor, terms=_terms(live, duration_months=12)
    )
    # when the mentee declines it with a reason
    agreement_decline(version=change, by=live.mentee, reason="Let's see after six months.")
    # then
    change.refresh_from_db()
    assert change.status == AgreementStatus.DECLINED
    assert change.declined_by == live.mentee
    assert change.decline_reason == "Let's see after six months."
    assert agreement_current(live.mentorship) == first
    assert Notification.objects.filter(recipient=live.mentor, title__contains="declined").exists()
    # and the proposer cannot decline their own proposal, nor accept a decided one
    again = agreement_propose(
        mentorship=live.mentorship, by=live.mentor, terms=_terms(live, duration_months=9)
    )
    with pytest.raises(AgreementNotAllowed):
        agreement_decline(version=again, by=live.mentor)
    with pytest.raises(AgreementConflict, match="no longer open"):
        agreement_accept(version=change, by=live.mentee)


def test_only_one_open_proposal_at_a_time(live: Live) -> None:
    # given an open proposal
    first = agreement_propose(mentorship=live.mentorship, by=live.mentor, terms=_terms(live))
    # when either side proposes another
    with pytest.raises(AgreementConflict, match="already waiting"):
        agreement_propose(mentorship=live.mentorship, by=live.mentee, terms=_terms(live, cadence="weekly"))
    # then nothing changed; and the database refuses a second open proposal too
    assert list(AgreementVersion.objects.values_list("pk", "status")) == [
        (first.pk, AgreementStatus.PROPOSED)
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementVersion.objects.create(
            mentorship=live.mentorship, number=2, cadence="weekly", cadence_days=7, duration_months=3
        )


def test_a_counter_proposal_declines_the_other_sides_open_one(live: Live) -> None:
    # given the mentor's open proposal
    first = agreement_propose(mentorship=live.mentorship, by=live.mentor, terms=_terms(live))
    # when the mentee suggests changes instead of accepting
    counter = agreement_propose(
        mentorship=live.mentorship, by=live.mentee, terms=_terms(live, cadence="monthly"), replace_open=True
    )
    # then the first is declined by the mentee and the counter-proposal waits for the mentor
    first.refresh_from_db()
    assert first.status == AgreementStatus.DECLINED
    assert first.declined_by == live.mentee
    assert agreement_open(live.mentorship) == counter
    agreement_accept(version=counter, by=live.mentor)
    assert agreement_current(live.mentorship) == counter


def test_the_proposer_may_withdraw_and_nobody_else(live: Live) -> None:
    version = agreement_propose(mentorship=live.mentorship, by=live.mentor, terms=_terms(live))
    with pytest.raises(AgreementNotAllowed):
        agreement_withdraw(version=version, by=live.mentee)
    agreement_withdraw(version=version, by=live.mentor)
    version.refresh_from_db()
    assert version.status == AgreementStatus.WITHDRAWN
    # and a new proposal may follow
    again = agreement_propose(mentorship=live.mentorship, by=live.mentee, terms=_terms(live))
    assert again.number == 2


def test_accepting_twice_is_refused(org: Organisation, program_admin: Membership) -> None:
    # given a group mentorship: a mentor and two mentees, all three must accept
    program = make_program(org, program_admin, name="Group", matching_mode="self_service")
    lead = mentor(program, capacity=3)
    first, second = mentee(program), mentee(program)
    mentorship = mentorship_start(
        mentor=lead, mentees=[first, second], origin=MentorshipOrigin.ADMIN, needs_consent=False
    )
    version = agreement_propose(
        mentorship=mentorship,
        by=lead.membership,
        terms=AgreementTerms(cadence="monthly", duration_months=3, confidentiality="Between us."),
    )
    # when one mentee accepts
    agreement_accept(version=version, by=first.membership)
    # then it still waits for the other, and the proposer hears of the acceptance
    version.refresh_from_db()
    assert version.status == AgreementStatus.PROPOSED
    assert Notification.objects.filter(
        recipient=lead.membership, title__contains="accepted version 1"
    ).exists()
    with pytest.raises(AgreementConflict, match="already accepted"):
        agreement_accept(version=version, by=first.membership)
    # when the last one accepts, it is in force
    agreement_accept(version=version, by=second.membership)
    version.refresh_from_db()
    assert version.status == AgreementStatus.ACCEPTED


def test_peers_each_write_their_expectations(org: Organisation, program_admin: Membership) -> None:
    program = make_program(org, program_admin, name="Peers", kind="peer")
    a, b = (enrolment_create(program=program, membership=person(org), role="peer") for _ in range(2))
    mentorship = mentorship_start(
        mentor=None, mentees=[a, b], origin=MentorshipOrigin.ADMIN, needs_consent=False
    )
    version = agreement_propose(
        mentorship=mentorship,
        by=a.membership,
        terms=AgreementTerms(
            cadence="weekly",
            duration_months=2,
            confidentiality="Between us.",
            expectations={a.membership_id: "Pair on code reviews", b.membership_id: "Practise talks"},
        ),
    )
    agreement_accept(version=version, by=b.membership)
    version.refresh_from_db()
    assert version.expectation_of(b.membership_id) == "Practise talks"
    assert version.status == AgreementStatus.ACCEPTED


# --- who may -------------------------------------------------------------------------------------


def test_only_participants_propose_or_answer(
    live: Live, org: Organisation, program_admin: Membership
) -> None:
    colleague = make_member(org)
    with pytest.raises(AgreementNotAllowed):
        agreement_propose(mentorship=live.mentorship, by=colleague, terms=_terms(live))
    with pytest.raises(AgreementNotAllowed):  # a program admin oversees, does not agree for them
        agreement_propose(mentorship=live.mentorship, by=program_admin, terms=_terms(live))
    version = agreement_propose(mentorship=live.mentorship, by=live.mentor, terms=_terms(live))
    for intruder in (colleague, program_admin):
        with pytest.raises(AgreementNotAllowed):
            agreement_accept(version=version, by=intruder)
        with pytest.raises(AgreementNotAllowed):
            agreement_decline(version=version, by=intruder)
    version.refresh_from_db()
    assert version.status == AgreementStatus.PROPOSED


@pytest.mark.parametrize(
    "status", [MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY, MentorshipStatus.DECLINED]
)
def test_an_ended_mentorship_is_read_only(live: Live, status: str) -> None:
    # given an open proposal, then the mentorship ends
    version = agreement_propose(mentorship=live.mentorship, by=live.mentor, terms=_terms(live))
    Mentorship.objects.filter(pk=live.mentorship.pk).update(status=status)
    # then nothing can change
    with pytest.raises(AgreementConflict, match="has ended"):
        agreement_accept(version=version, by=live.mentee)
    with pytest.raises(AgreementConflict, match="has ended"):
        agreement_propose(mentorship=live.mentorship, by=live.mentee, terms=_terms(live), replace_open=True)
    version.refresh_from_db()
    assert version.status == AgreementStatus.PROPOSED


# --- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"video_link": "http://meet.example.com/abc"}, "video_link"),
        ({"video_link": "meet me at the café"}, "video_link"),
        ({"phone": "call me maybe"}, "phone"),
        ({"chat_handle": "x" * 101}, "chat_handle"),
        ({"cadence": "daily"}, "cadence"),
        ({"cadence": "custom", "cadence_days": None}, "cadence_days"),
        ({"cadence": "custom", "cadence_days": 0}, "cadence_days"),
        ({"cadence": "custom", "cadence_days": 91}, "cadence_days"),
        ({"duration_months": 0}, "duration_months"),
        ({"duration_months": 25}, "duration_months"),
        ({"confidentiality": "   "}, "confidentiality"),
        ({"expectations": {999_999: "Someone else's"}}, "expectations"),
        ({"note": "n" * 501}, "note"),
    ],
)
def test_invalid_terms_name_the_field(live: Live, changes: dict[str, object], field: str) -> None:
    with pytest.raises(AgreementInvalid) as caught:
        agreement_propose(mentorship=live.mentorship, by=live.mentor, terms=_terms(live, **changes))
    assert caught.value.field == field
    assert not AgreementVersion.objects.exists()


def test_a_custom_cadence_keeps_its_days_and_a_named_one_its_length(live: Live) -> None:
    version = _agreed(live, cadence="custom", cadence_days=10)
    assert (version.cadence, version.cadence_days) == ("custom", 10)
    assert agreed_cadence_days(live.mentorship) == 10
    change = agreement_propose(
        mentorship=live.mentorship, by=live.mentor, terms=_terms(live, cadence="monthly", cadence_days=3)
    )
    assert change.cadence_days == 30


def test_proposing_the_agreement_in_force_unchanged_is_refused(live: Live) -> None:
    _agreed(live)
    with pytest.raises(AgreementInvalid, match="already in force"):
        agreement_propose(mentorship=live.mentorship, by=live.mentee, terms=_terms(live))


# --- reads --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("default", "days"), [("weekly", 7), ("fortnightly", 14), ("monthly", 30)])
def test_agreed_cadence_days_falls_back_to_the_program_default(live: Live, default: str, days: int) -> None:
    # given no agreement in force (only a proposal)
    live.mentorship.program.default_cadence = default
    live.mentorship.program.save(update_fields=["default_cadence"])
    agreement_propose(
        mentorship=live.mentorship, by=live.mentor, terms=_terms(live, cadence="custom", cadence_days=3)
    )
    mentorship = Mentorship.objects.get(pk=live.mentorship.pk)
    # then
    assert agreed_cadence_days(mentorship) == days
    assert agreement_current(mentorship) is None


def test_defaults_start_from_the_program_then_from_the_agreement(live: Live) -> None:
    live.mentorship.program.default_cadence = "weekly"
    defaults = agreement_defaults(live.mentorship)
    assert (defaults.cadence, defaults.cadence_days, defaults.confidentiality) == (
        "weekly",
        7,
        DEFAULT_CONFIDENTIALITY,
    )
    _agreed(live, cadence="custom", cadence_days=21)
    defaults = agreement_defaults(live.mentorship)
    assert (defaults.cadence, defaults.cadence_days) == ("custom", 21)
    assert defaults.expectations[live.mentee.pk] == "Help me lead a team."


def test_changes_list_what_a_version_changes_field_by_field(live: Live) -> None:
    # given
    first = _agreed(live)
    change = agreement_propose(
        mentorship=live.mentorship,
        by=live.mentee,
        terms=_terms(
            live,
            cadence="custom",
            cadence_days=10,
            expectations={
                live.mentor.pk: "Honest feedback, come prepared.",
                live.mentee.pk: "Help me present.",
            },
        ),
    )
    members = list(live.mentorship.members.select_related("membership__user"))
    # when
    changes = {c.field: (c.before, c.after) for c in agreement_changes(change, members)}
    # then only what differs, shown as people read it
    assert changes == {
        f"expectations.{live.mentee.pk}": ("Help me lead a team.", "Help me present."),
        "cadence": ("Every two weeks", "Every 10 days"),
    }
    # and the first version "changes" everything it sets
    first_changes = {c.field for c in agreement_changes(first, members)}
    assert {"cadence", "duration_months", "confidentiality", "contact_email", "video_link"} <= first_changes
    assert "phone" not in first_changes  # left empty


def test_an_overseeing_admin_sees_only_what_was_agreed(live: Live, program_admin: Membership) -> None:
    # given an agreed version, a declined change and an open one
    first = _agreed(live)
    declined = agreement_propose(
        mentorship=live.mentorship, by=live.mentor, terms=_terms(live, duration_months=9)
    )
    agreement_decline(version=declined, by=live.mentee)
    agreement_propose(mentorship=live.mentorship, by=live.mentor, terms=_terms(live, duration_months=10))
    mentorship = Mentorship.objects.prefetch_related("members").get(pk=live.mentorship.pk)
    # then the participants see all three, the admin only the agreed one
    assert [v.number for v in agreement_versions(mentorship=mentorship, viewer=live.mentee)] == [3, 2, 1]
    assert list(agreement_versions(mentorship=mentorship, viewer=program_admin)) == [first]
