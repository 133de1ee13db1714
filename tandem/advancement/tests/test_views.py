"""Career pages: the tab, the inbox, the admins' shared list and the external contact's page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import login
from tandem.advancement.models import Endorsement, Introduction, IntroductionStatus
from tandem.advancement.services import endorsement_create, endorsement_share, introduction_create
from tandem.organisations.models import Membership, Organisation
from tests.factories import make_member
from tests.relationship_setup import Live

pytestmark = pytest.mark.django_db


def _career(live: Live) -> str:
    return f"/o/{live.mentorship.organisation.slug}/mentorships/{live.mentorship.pk}/career/"


def test_career_tab_mentor_endorses_and_mentee_shares(
    client: Client, live: Live, program_admin: Membership
) -> None:
    # given the mentor on the Career tab
    login(client, live.mentor)
    assert "Endorse " in client.get(_career(live)).content.decode()
    # when they write an endorsement
    response = client.post(_career(live) + "endorsements/", {"text": "Clear thinker"})
    assert response.status_code == 302
    endorsement = Endorsement.objects.get()
    # and an empty one shows the error
    empty = client.post(_career(live) + "endorsements/", {"text": ""})
    assert empty.status_code == 400
    assert "Write what you endorse them for." in empty.content.decode()
    # then a program admin overseeing the mentorship sees no endorsement yet
    client.logout()
    login(client, program_admin)
    assert "Clear thinker" not in client.get(_career(live)).content.decode()
    # when the mentee shares it
    client.logout()
    login(client, live.mentee)
    page = client.get(_career(live)).content.decode()
    assert "Share with program admins" in page
    assert "Send the introduction" not in page  # mentees do not introduce
    client.post(_career(live) + f"endorsements/{endorsement.pk}/sharing/", {"shared": "1"})
    # then the admin sees it on the tab and on the shared list
    client.logout()
    login(client, program_admin)
    assert "Clear thinker" in client.get(_career(live)).content.decode()
    assert (
        "Clear thinker"
        in client.get(f"/o/{live.mentorship.organisation.slug}/endorsements/").content.decode()
    )


def test_career_tab_mentor_cannot_share_and_mentee_cannot_edit(client: Client, live: Live) -> None:
    endorsement = endorsement_create(mentorship=live.mentorship, by=live.mentor, text="Great")
    login(client, live.mentor)
    client.post(_career(live) + f"endorsements/{endorsement.pk}/sharing/", {"shared": "1"})
    endorsement.refresh_from_db()
    assert not endorsement.shared_with_admins
    client.logout()
    login(client, live.mentee)
    assert client.get(_career(live) + f"endorsements/{endorsement.pk}/edit/").status_code == 404
    client.post(_career(live) + f"endorsements/{endorsement.pk}/withdraw/")
    assert Endorsement.objects.exists()


def test_career_tab_hidden_from_other_members_and_organisations(
    client: Client, live: Live, org: Organisation, outsider: Membership
) -> None:
    for who in (make_member(org), outsider):
        login(client, who)
        assert client.get(_career(live)).status_code == 404
        assert client.post(_career(live) + "endorsements/", {"text": "Spy"}).status_code == 404
        client.logout()
    assert not Endorsement.objects.exists()


def test_shared_endorsements_page_is_for_program_admins(
    client: Client, live: Live, org: Organisation
) -> None:
    login(client, make_member(org))
    assert client.get(f"/o/{org.slug}/endorsements/").status_code == 404


def test_introduction_to_a_member_accepted_from_the_inbox(
    client: Client, live: Live, org: Organisation
) -> None:
    # given a colleague
    colleague = make_member(org, full_name="Grace Colleague")
    # when the mentor introduces the mentee through the form
    login(client, live.mentor)
    response = client.post(
        _career(live) + "introductions/",
        {"kind": "member", "contact": colleague.pk, "context": "Grace ran our design system"},
    )
    assert response.status_code == 302
    introduction = Introduction.objects.get()
    # and a mistake names the field
    missing = client.post(
        _career(live) + "introductions/", {"kind": "external", "contact_name": "X", "context": "Hi"}
    )
    assert missing.status_code == 400
    assert "Give their email address." in missing.content.decode()
    # then the colleague sees it in their inbox and accepts it
    client.logout()
    login(client, colleague)
    inbox = client.get(f"/o/{org.slug}/introductions/").content.decode()
    assert "Grace ran our design system" in inbox
    client.post(f"/o/{org.slug}/introductions/{introduction.pk}/answer/", {"accept": "1", "message": "Yes!"})
    introduction.refresh_from_db()
    assert introduction.status == IntroductionStatus.ACCEPTED
    # and the mentee sees the answer on the Career tab
    client.logout()
    login(client, live.mentee)
    tab = client.get(_career(live)).content.decode()
    assert "Accepted" in tab
    assert "Yes!" in tab


def test_introduction_answer_by_anyone_else_is_404(client: Client, live: Live, org: Organisation) -> None:
    introduction, _ = introduction_create(
        mentorship=live.mentorship,
        by=live.mentor,
        context="Hi",
        contact_id=make_member(org).pk,
        base_url="http://x",
    )
    login(client, make_member(org))
    assert (
        client.post(f"/o/{org.slug}/introductions/{introduction.pk}/answer/", {"accept": "1"}).status_code
        == 404
    )
    assert Introduction.objects.get().status == IntroductionStatus.PENDING


def _external(live: Live) -> tuple[Introduction, str]:
    introduction, token = introduction_create(
        mentorship=live.mentorship,
        by=live.mentor,
        context="Linus knows compilers",
        contact_name="Linus Outside",
        contact_email="linus@example.org",
        base_url="http://testserver",
    )
    assert token is not None
    return introduction, token


def test_respond_page_works_without_sign_in_and_only_once(
    client: Client, live: Live, org: Organisation
) -> None:
    # given an external introduction
    introduction, token = _external(live)
    url = f"/o/{org.slug}/introductions/respond/{token}/"
    # when the contact opens the link, signed out
    page = client.get(url)
    # then they see the context and the mentee's name
    html = page.content.decode()
    assert page.status_code == 200
    assert "Linus knows compilers" in html
    assert live.mentee.user.full_name in html
    assert not re.search(r"\sstyle=", html)
    # when they accept
    accepted = client.post(url, {"accept": "1", "message": "Happy to help"})
    assert accepted.status_code == 200
    assert "You accepted this introduction" in accepted.content.decode()
    introduction.refresh_from_db()
    assert (introduction.status, introduction.response_message) == (
        IntroductionStatus.ACCEPTED,
        "Happy to help",
    )
    # then the link cannot answer again
    again = client.post(url, {"accept": "0"})
    assert again.status_code == 409
    assert "already answered" in again.content.decode()
    introduction.refresh_from_db()
    assert introduction.status == IntroductionStatus.ACCEPTED


def test_respond_page_wrong_expired_or_other_org(
    client: Client, live: Live, org: Organisation, other_org: Organisation
) -> None:
    introduction, token = _external(live)
    wrong = client.get(f"/o/{org.slug}/introductions/respond/{token[:-2]}xx/")
    assert wrong.status_code == 404
    assert "This link is not valid" in wrong.content.decode()
    assert client.get(f"/o/{other_org.slug}/introductions/respond/{token}/").status_code == 404
    assert client.get(f"/o/no-such-org/introductions/respond/{token}/").status_code == 404
    assert (
        client.post(f"/o/{org.slug}/introductions/respond/{'x' * 300}/", {"accept": "1"}).status_code == 404
    )
    Introduction.objects.filter(pk=introduction.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    expired = client.get(f"/o/{org.slug}/introductions/respond/{token}/")
    assert expired.status_code == 200
    assert "This introduction has expired" in expired.content.decode()
    posted = client.post(f"/o/{org.slug}/introductions/respond/{token}/", {"accept": "1"})
    assert posted.status_code == 409
    assert Introduction.objects.get().status == IntroductionStatus.PENDING


@pytest.mark.parametrize("rows", [2, 10])
def test_career_tab_and_inbox_query_counts(
    client: Client, live: Live, org: Organisation, rows: int, django_assert_num_queries: Any
) -> None:
    colleague = make_member(org)
    for i in range(rows):
        endorsement = endorsement_create(mentorship=live.mentorship, by=live.mentor, text=f"#{i}")
        endorsement_share(endorsement=endorsement, by=live.mentee, shared=True)
        introduction_create(
            mentorship=live.mentorship,
            by=live.mentor,
            context=f"#{i}",
            contact_id=colleague.pk,
            base_url="http://x",
        )
        Introduction.objects.filter(contact=colleague).update(status=IntroductionStatus.DECLINED)
    login(client, live.mentee)
    client.get(_career(live))
    with django_assert_num_queries(10):
        assert client.get(_career(live)).status_code == 200
    client.logout()
    login(client, colleague)
    client.get(f"/o/{org.slug}/introductions/")
    with django_assert_num_queries(6):
        assert client.get(f"/o/{org.slug}/introductions/").status_code == 200


def test_endorsement_skill_ids_no_row_can_have_are_a_field_error_not_a_500(
    client: Client, live: Live
) -> None:
    # given the mentor's endorsement
    endorsement = endorsement_create(mentorship=live.mentorship, by=live.mentor, text="Clear thinker")
    login(client, live.mentor)
    huge = "9" * 30  # past any database integer: an `id IN (...)` with it would overflow
    for url in (_career(live) + "endorsements/", _career(live) + f"endorsements/{endorsement.pk}/edit/"):
        # when skills with impossible ids are posted
        for skills in ([huge], ["-1"], ["abc"]):
            response = client.post(url, {"text": "Still clear", "skills": skills})
            # then the skills field says so, and nothing is written
            assert response.status_code == 400
            assert "is not a valid value" in response.content.decode()
    assert Endorsement.objects.get().text == "Clear thinker"
