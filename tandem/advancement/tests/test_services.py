"""Endorsements and introductions: who may write, who sees, and how contacts answer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from tandem.accounts.models import hash_token
from tandem.advancement.errors import (
    AdvancementConflict,
    AdvancementInvalid,
    AdvancementNotAllowed,
    IntroductionNotFound,
)
from tandem.advancement.models import Endorsement, Introduction, IntroductionStatus
from tandem.advancement.selectors import (
    endorsement_list,
    endorsements_shared,
    introduction_list,
    introductions_received,
)
from tandem.advancement.services import (
    endorsement_create,
    endorsement_share,
    endorsement_update,
    endorsement_withdraw,
    introduction_answer,
    introduction_answer_by_token,
    introduction_create,
    introduction_note,
    introductions_expire,
)
from tandem.feedback.errors import FeedbackNotAllowed
from tandem.notifications.models import Notification, NotificationKind
from tandem.organisations.models import Membership, Organisation
from tandem.people.models import Skill
from tests.factories import make_member
from tests.relationship_setup import Live

pytestmark = pytest.mark.django_db

BASE = "https://tandem.example"


def _skill(org: Organisation, name: str = "Python") -> Skill:
    return Skill.objects.get(organisation=org, name=name)


def _endorse(live: Live, **kwargs: Any) -> Endorsement:
    kwargs.setdefault("text", "Ada leads calm, clear code reviews.")
    return endorsement_create(mentorship=live.mentorship, by=live.mentor, **kwargs)


def _introduce(live: Live, **kwargs: Any) -> tuple[Introduction, str | None]:
    kwargs.setdefault("context", "You both care about accessible design.")
    return introduction_create(mentorship=live.mentorship, by=live.mentor, base_url=BASE, **kwargs)


# --- endorsements -------------------------------------------------------------------------------


def test_endorsement_create_with_skills_tells_the_mentee(live: Live, org: Organisation) -> None:
    # when the mentor endorses the mentee for two skills
    endorsement = _endorse(live, skill_ids=[_skill(org).pk, _skill(org, "Public speaking").pk])
    # then it is about the mentee, private at first, and the mentee is told
    assert endorsement.subject == live.mentee
    assert not endorsement.shared_with_admins
    assert sorted(endorsement.skills.values_list("name", flat=True)) == ["Public speaking", "Python"]
    note = Notification.objects.get(recipient=live.mentee, kind=NotificationKind.ENDORSEMENT)
    assert note.url.endswith(f"/mentorships/{live.mentorship.pk}/career/")


def test_endorsement_create_refuses_mentee_foreign_skill_and_empty_text(
    live: Live, other_org: Organisation
) -> None:
    with pytest.raises(FeedbackNotAllowed):
        endorsement_create(mentorship=live.mentorship, by=live.mentee, text="My mentor is great")
    with pytest.raises(AdvancementInvalid) as foreign:
        _endorse(live, skill_ids=[_skill(other_org).pk])
    assert foreign.value.field == "skill_ids"
    with pytest.raises(AdvancementInvalid) as empty:
        _endorse(live, text="   ")
    assert empty.value.field == "text"
    assert not Endorsement.objects.exists()


def test_endorsement_only_the_author_edits_or_withdraws(live: Live, org: Organisation) -> None:
    endorsement = _endorse(live)
    with pytest.raises(AdvancementNotAllowed):
        endorsement_update(endorsement=endorsement, by=live.mentee, text="I am brilliant")
    with pytest.raises(AdvancementNotAllowed):
        endorsement_withdraw(endorsement=endorsement, by=live.mentee)
    endorsement_update(
        endorsement=endorsement, by=live.mentor, text="Even better", skill_ids=[_skill(org).pk]
    )
    endorsement.refresh_from_db()
    assert endorsement.text == "Even better"
    endorsement_withdraw(endorsement=endorsement, by=live.mentor)
    assert not Endorsement.objects.exists()


def test_endorsement_admins_see_it_only_while_the_mentee_shares_it(
    live: Live, org: Organisation, program_admin: Membership
) -> None:
    # given an endorsement, and another member
    endorsement = _endorse(live)
    other = make_member(org)

    def seen_by(who: Membership) -> bool:
        return endorsement_list(mentorship=live.mentorship, viewer=who).filter(pk=endorsement.pk).exists()

    # then before sharing: the two sides only
    assert seen_by(live.mentor)
    assert seen_by(live.mentee)
    assert not seen_by(program_admin)
    assert not seen_by(other)
    assert list(endorsements_shared(organisation=org, viewer=program_admin)) == []
    # when the mentor tries to share it, they cannot: it is the mentee's choice
    with pytest.raises(AdvancementNotAllowed):
        endorsement_share(endorsement=endorsement, by=live.mentor, shared=True)
    # when the mentee shares it, program admins see it (other members still do not)
    endorsement_share(endorsement=endorsement, by=live.mentee, shared=True)
    assert seen_by(program_admin)
    assert not seen_by(other)
    assert list(endorsements_shared(organisation=org, viewer=program_admin)) == [endorsement]
    with pytest.raises(AdvancementNotAllowed):
        endorsements_shared(organisation=org, viewer=other)
    # and when they stop sharing, it is hidden again
    endorsement_share(endorsement=endorsement, by=live.mentee, shared=False)
    assert not seen_by(program_admin)
    assert list(endorsements_shared(organisation=org, viewer=program_admin)) == []


# --- introductions to members -------------------------------------------------------------------


def test_introduction_to_a_member_is_answered_in_the_app(live: Live, org: Organisation) -> None:
    # given a colleague
    colleague = make_member(org, full_name="Grace Colleague")
    # when the mentor introduces the mentee
    introduction, token = _introduce(live, contact_id=colleague.pk)
    # then the colleague and the mentee are told; no token for a member
    assert token is None
    assert introduction.token_hash is None
    assert introduction.expires_at > timezone.now() + dt.timedelta(days=29)
    assert Notification.objects.filter(recipient=colleague, kind=NotificationKind.INTRODUCTION).exists()
    assert list(introductions_received(organisation=org, viewer=colleague)) == [introduction]
    # when someone else answers, they cannot
    with pytest.raises(AdvancementNotAllowed):
        introduction_answer(introduction=introduction, by=live.mentee, accept=True)
    # when the colleague accepts with a message
    introduction_answer(introduction=introduction, by=colleague, accept=True, message="Happy to!")
    # then it is accepted and the mentee is told
    introduction.refresh_from_db()
    assert (introduction.status, introduction.response_message) == (IntroductionStatus.ACCEPTED, "Happy to!")
    told = Notification.objects.filter(recipient=live.mentee, kind=NotificationKind.INTRODUCTION)
    assert told.filter(title__contains="accepted").exists()
    # and it cannot be answered again
    with pytest.raises(AdvancementConflict):
        introduction_answer(introduction=introduction, by=colleague, accept=False)


def test_introduction_refuses_the_wrong_contacts(live: Live, org: Organisation, outsider: Membership) -> None:
    inactive = make_member(org)
    Membership.objects.filter(pk=inactive.pk).update(is_active=False)
    for contact in (live.mentee, live.mentor, outsider, inactive):
        with pytest.raises(AdvancementInvalid) as caught:
            _introduce(live, contact_id=contact.pk)
        assert caught.value.field == "contact_membership_id"
    with pytest.raises(AdvancementInvalid) as nobody:
        _introduce(live)
    assert nobody.value.field == "contact_membership_id"
    with pytest.raises(AdvancementInvalid) as no_context:
        _introduce(live, contact_id=make_member(org).pk, context=" ")
    assert no_context.value.field == "context"
    assert not Introduction.objects.exists()


def test_introduction_mentee_cannot_introduce_and_no_duplicate_while_pending(
    live: Live, org: Organisation
) -> None:
    colleague = make_member(org)
    with pytest.raises(FeedbackNotAllowed):
        introduction_create(
            mentorship=live.mentorship, by=live.mentee, context="Hi", contact_id=colleague.pk, base_url=BASE
        )
    _introduce(live, contact_id=colleague.pk)
    with pytest.raises(AdvancementConflict):
        _introduce(live, contact_id=colleague.pk)


def test_introduction_list_for_the_two_sides_only(
    live: Live, org: Organisation, program_admin: Membership
) -> None:
    colleague = make_member(org)
    introduction, _ = _introduce(live, contact_id=colleague.pk)
    assert list(introduction_list(mentorship=live.mentorship, viewer=live.mentor)) == [introduction]
    assert list(introduction_list(mentorship=live.mentorship, viewer=live.mentee)) == [introduction]
    assert list(introduction_list(mentorship=live.mentorship, viewer=program_admin)) == []
    assert list(introductions_received(organisation=org, viewer=live.mentee)) == []


def test_introduction_note_only_by_the_mentee(live: Live, org: Organisation) -> None:
    introduction, _ = _introduce(live, contact_id=make_member(org).pk)
    with pytest.raises(AdvancementNotAllowed):
        introduction_note(introduction=introduction, by=live.mentor, note="Went well")
    with pytest.raises(AdvancementInvalid) as long:
        introduction_note(introduction=introduction, by=live.mentee, note="x" * 501)
    assert long.value.field == "mentee_note"
    introduction_note(introduction=introduction, by=live.mentee, note="  Coffee on Friday  ")
    introduction.refresh_from_db()
    assert introduction.mentee_note == "Coffee on Friday"


# --- external contacts --------------------------------------------------------------------------


def test_introduction_external_emails_a_single_use_link(
    live: Live, org: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    # when the mentor introduces the mentee to someone outside
    with django_capture_on_commit_callbacks(execute=True):
        introduction, token = _introduce(
            live, contact_name="Linus Outside", contact_email=" Linus@Example.org "
        )
    # then only the token's hash is stored, and the link is emailed after commit
    assert token is not None
    assert introduction.contact_email == "linus@example.org"
    assert introduction.token_hash == hash_token(token)
    assert token not in str(Introduction.objects.values_list().get())
    sent = [m for m in mail.outbox if m.to == ["linus@example.org"]]
    assert len(sent) == 1
    assert f"{BASE}/o/{org.slug}/introductions/respond/{token}/" in sent[0].body
    # when the contact accepts through the link
    introduction_answer_by_token(organisation=org, raw_token=token, accept=True, message="Sure")
    introduction.refresh_from_db()
    assert introduction.status == IntroductionStatus.ACCEPTED
    # then the link cannot be used again
    with pytest.raises(AdvancementConflict):
        introduction_answer_by_token(organisation=org, raw_token=token, accept=False)


def test_introduction_external_wrong_expired_or_other_org_token(
    live: Live, org: Organisation, other_org: Organisation
) -> None:
    introduction, token = _introduce(live, contact_name="Linus", contact_email="linus@example.org")
    assert token is not None
    with pytest.raises(IntroductionNotFound):
        introduction_answer_by_token(organisation=org, raw_token=token + "x", accept=True)
    with pytest.raises(IntroductionNotFound):
        introduction_answer_by_token(organisation=other_org, raw_token=token, accept=True)
    Introduction.objects.filter(pk=introduction.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    with pytest.raises(AdvancementConflict, match="expired"):
        introduction_answer_by_token(organisation=org, raw_token=token, accept=True)


def test_introduction_external_bad_email_or_a_members_email(live: Live, org: Organisation) -> None:
    with pytest.raises(AdvancementInvalid) as bad:
        _introduce(live, contact_name="X", contact_email="not-an-email")
    assert bad.value.field == "contact_email"
    colleague = make_member(org)
    with pytest.raises(AdvancementInvalid) as member:
        _introduce(live, contact_name="X", contact_email=colleague.user.email.upper())
    assert member.value.field == "contact_email"
    with pytest.raises(AdvancementInvalid) as nameless:
        _introduce(live, contact_email="someone@example.org")
    assert nameless.value.field == "contact_name"


def test_introduction_external_demo_sends_no_email(
    live: Live, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _introduce(live, contact_name="Linus", contact_email="linus@example.org", send_email=False)
    assert [m for m in mail.outbox if "linus@example.org" in m.to] == []


def test_introductions_expire_once(live: Live, org: Organisation) -> None:
    introduction, _ = _introduce(live, contact_id=make_member(org).pk)
    later = timezone.now() + dt.timedelta(days=31)
    assert introduction.current_status == IntroductionStatus.PENDING
    assert introductions_expire(now=later) == 1
    assert introductions_expire(now=later) == 0
    introduction.refresh_from_db()
    assert introduction.status == IntroductionStatus.EXPIRED
