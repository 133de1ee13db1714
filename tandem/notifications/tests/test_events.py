"""The events of the matching apps notify the right people: a request reaches its mentor, its
answer (accepted, declined, expired) reaches its mentee, and a new match reaches everyone in it."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from tandem.matching.services import match_round_publish
from tandem.mentorships.models import MentorshipOrigin, MentorshipRequest
from tandem.mentorships.services import (
    mentorship_request_accept,
    mentorship_request_create,
    mentorship_request_decline,
    mentorship_requests_expire,
    mentorship_start,
)
from tandem.notifications.models import Notification, NotificationKind
from tandem.organisations.models import Membership, Organisation
from tandem.programs.models import Enrolment, Program, ProgramStatus
from tests.program_setup import draft_round, make_program, mentee, mentor

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def _of(membership: Membership) -> list[Notification]:
    return list(Notification.objects.filter(recipient=membership).order_by("pk"))


@pytest.fixture
def program(org: Organisation, program_admin: Membership) -> Program:
    return make_program(org, program_admin, name="Pilot", matching_mode="self_service")


def _ask(asker: Enrolment, asked: Enrolment) -> MentorshipRequest:
    return mentorship_request_create(
        mentee=asker, mentor=asked, message="I'd love help with Python.", by=asker.membership
    )


def test_request_notifies_the_mentor_only(
    program: Program, org: Organisation, django_capture_on_commit_callbacks: Capture
) -> None:
    # given
    asker, asked = mentee(program), mentor(program)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        _ask(asker, asked)
    # then: the mentor is told who asked, with the message and a link to answer it
    (received,) = _of(asked.membership)
    assert received.kind == NotificationKind.REQUEST_RECEIVED
    assert asker.membership.user.full_name in received.title
    assert "I'd love help with Python." in received.body
    assert received.url == f"/o/{org.slug}/requests/"
    assert _of(asker.membership) == []
    assert [m.to for m in mail.outbox] == [[asked.membership.user.email]]


def test_accepted_request_notifies_the_mentee_once(program: Program, org: Organisation) -> None:
    # given
    asker, asked = mentee(program), mentor(program)
    sent = _ask(asker, asked)
    # when
    mentorship = mentorship_request_accept(request=sent, by=asked.membership)
    # then: one answer with a link to the mentorship; no separate "matched" for either side
    (answer,) = _of(asker.membership)
    assert answer.kind == NotificationKind.REQUEST_ANSWERED
    assert "accepted" in answer.title
    assert asked.membership.user.full_name in answer.title
    assert answer.url == f"/o/{org.slug}/mentorships/{mentorship.pk}/"
    assert [n.kind for n in _of(asked.membership)] == [NotificationKind.REQUEST_RECEIVED]


def test_declined_request_notifies_the_mentee_with_the_reason(program: Program, org: Organisation) -> None:
    asker, asked = mentee(program), mentor(program)
    sent = _ask(asker, asked)
    mentorship_request_decline(request=sent, by=asked.membership, reason="My places are promised")
    (answer,) = _of(asker.membership)
    assert answer.kind == NotificationKind.REQUEST_ANSWERED
    assert "declined" in answer.title
    assert "My places are promised" in answer.body
    assert answer.url == f"/o/{org.slug}/requests/"


def test_expired_requests_notify_their_mentees_once(program: Program) -> None:
    # given: one overdue request and one still open
    overdue_asker, open_asker, asked = mentee(program), mentee(program), mentor(program, capacity=3)
    overdue = _ask(overdue_asker, asked)
    _ask(open_asker, asked)
    MentorshipRequest.objects.filter(pk=overdue.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    # when: the job runs twice
    assert mentorship_requests_expire() == 1
    assert mentorship_requests_expire() == 0
    # then: only the overdue mentee is told, once
    (expired,) = _of(overdue_asker.membership)
    assert expired.kind == NotificationKind.REQUEST_ANSWERED
    assert "expired" in expired.title
    assert _of(open_asker.membership) == []


def test_admin_match_notifies_everyone_in_it_with_their_partners(program: Program, org: Organisation) -> None:
    # given
    guide, learner = mentor(program), mentee(program)
    # when
    mentorship = mentorship_start(
        mentor=guide, mentees=[learner], origin=MentorshipOrigin.ADMIN, needs_consent=False
    )
    # then
    for me, partner in ((guide, learner), (learner, guide)):
        (matched,) = _of(me.membership)
        assert matched.kind == NotificationKind.MATCHED
        assert partner.membership.user.full_name in matched.body
        assert matched.url == f"/o/{org.slug}/mentorships/{mentorship.pk}/"


def test_match_needing_consent_asks_to_confirm(program: Program) -> None:
    learner = mentee(program)
    mentorship_start(
        mentor=mentor(program), mentees=[learner], origin=MentorshipOrigin.ROUND, needs_consent=True
    )
    (matched,) = _of(learner.membership)
    assert "confirm" in matched.body


def test_published_round_notifies_each_matched_person_and_emails_after_commit(
    org: Organisation, program_admin: Membership, django_capture_on_commit_callbacks: Capture
) -> None:
    # given: a draft round pairing two mentees with one mentor
    program = make_program(org, program_admin, status=ProgramStatus.MATCHING, name="Round")
    guide = mentor(program, capacity=2)
    first, second = mentee(program), mentee(program)
    match_round = draft_round(program, program_admin, [(first, guide), (second, guide)])
    # when
    with django_capture_on_commit_callbacks(execute=True):
        match_round_publish(match_round=match_round, by=program_admin)
        assert mail.outbox == []  # nothing before the commit
    # then: one MATCHED per person per mentorship, each emailed once
    assert [n.kind for n in _of(first.membership)] == [NotificationKind.MATCHED]
    assert [n.kind for n in _of(second.membership)] == [NotificationKind.MATCHED]
    assert len(_of(guide.membership)) == 2
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(
        [first.membership.user.email, second.membership.user.email] + [guide.membership.user.email] * 2
    )
    assert _of(program_admin) == []
