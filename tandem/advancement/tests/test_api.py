"""The endorsements and introductions API: visibility, break-in attempts, field errors, query counts."""

from __future__ import annotations

from typing import Any

import pytest

from tandem.advancement.models import Endorsement, Introduction, IntroductionStatus
from tandem.advancement.services import endorsement_create, introduction_answer, introduction_create
from tandem.organisations.models import Membership, Organisation
from tandem.people.models import Skill
from tests.api_client import api_client
from tests.factories import make_member
from tests.relationship_setup import Live

pytestmark = pytest.mark.django_db


def _base(live: Live) -> str:
    return f"/api/orgs/{live.mentorship.organisation.slug}"


def _endorsements(live: Live) -> str:
    return f"{_base(live)}/mentorships/{live.mentorship.pk}/endorsements"


def _introductions(live: Live) -> str:
    return f"{_base(live)}/mentorships/{live.mentorship.pk}/introductions"


def _json(client: Any, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    return getattr(client, method)(url, body, content_type="application/json")


# --- endorsements -------------------------------------------------------------------------------


def test_api_endorsement_write_share_and_unshare(
    live: Live, org: Organisation, program_admin: Membership
) -> None:
    # given
    python = Skill.objects.get(organisation=org, name="Python")
    mentor, mentee, admin = api_client(live.mentor), api_client(live.mentee), api_client(program_admin)
    # when the mentor endorses the mentee
    created = _json(mentor, "post", _endorsements(live), {"text": "Sharp and kind", "skill_ids": [python.pk]})
    assert created.status_code == 201, created.content
    endorsement_id = created.json()["id"]
    assert created.json()["skills"] == [{"id": python.pk, "name": "Python"}]
    # then the mentee sees it, a program admin does not (neither list nor shared list)
    assert mentee.get(_endorsements(live)).json()["count"] == 1
    assert admin.get(_endorsements(live)).json() == {"items": [], "count": 0}
    assert admin.get(f"{_base(live)}/endorsements/shared").json()["count"] == 0
    # when the mentor tries to share it: refused
    sharing = f"{_endorsements(live)}/{endorsement_id}/sharing"
    assert _json(mentor, "post", sharing, {"shared": True}).status_code == 403
    # when the mentee shares it, program admins see it
    assert _json(mentee, "post", sharing, {"shared": True}).json()["shared_with_admins"] is True
    assert [e["id"] for e in admin.get(_endorsements(live)).json()["items"]] == [endorsement_id]
    shared = admin.get(f"{_base(live)}/endorsements/shared").json()
    assert shared["items"][0]["program"] == live.mentorship.program.name
    # and again hidden once un-shared
    assert _json(mentee, "post", sharing, {"shared": False}).status_code == 200
    assert admin.get(_endorsements(live)).json()["count"] == 0
    assert admin.get(f"{_base(live)}/endorsements/shared").json()["count"] == 0


def test_api_endorsement_only_author_edits_and_withdraws(live: Live) -> None:
    endorsement = endorsement_create(mentorship=live.mentorship, by=live.mentor, text="Great")
    url = f"{_endorsements(live)}/{endorsement.pk}"
    mentee = api_client(live.mentee)
    assert _json(mentee, "patch", url, {"text": "Greatest"}).status_code == 403
    assert _json(mentee, "delete", url).status_code == 403
    mentor = api_client(live.mentor)
    assert _json(mentor, "patch", url, {"text": None}).status_code == 422
    assert _json(mentor, "patch", url, {"text": "Even better"}).json()["text"] == "Even better"
    assert _json(mentor, "delete", url).status_code == 204
    assert not Endorsement.objects.exists()


def test_api_endorsement_others_get_404(
    live: Live, org: Organisation, outsider: Membership, other_org: Organisation
) -> None:
    endorsement = endorsement_create(mentorship=live.mentorship, by=live.mentor, text="Great")
    url = f"{_endorsements(live)}/{endorsement.pk}"
    for who in (make_member(org), outsider):
        client = api_client(who)
        assert client.get(_endorsements(live)).status_code == 404
        assert _json(client, "post", _endorsements(live), {"text": "Spy"}).status_code == 404
        assert _json(client, "patch", url, {"text": "Spy"}).status_code == 404
        assert _json(client, "delete", url).status_code == 404
        assert _json(client, "post", url + "/sharing", {"shared": True}).status_code == 404
    assert api_client(make_member(org)).get(f"{_base(live)}/endorsements/shared").status_code == 403
    assert Endorsement.objects.get().text == "Great"
    foreign = Skill.objects.filter(organisation=other_org).first()
    assert foreign is not None
    bad = _json(
        api_client(live.mentor), "post", _endorsements(live), {"text": "x", "skill_ids": [foreign.pk]}
    )
    assert (bad.status_code, bad.json()["field"]) == (400, "skill_ids")


@pytest.mark.parametrize("rows", [2, 10])
def test_api_endorsement_list_query_count(
    live: Live, org: Organisation, rows: int, django_assert_num_queries: Any
) -> None:
    skills = list(Skill.objects.filter(organisation=org)[:3])
    for i in range(rows):
        endorsement_create(
            mentorship=live.mentorship, by=live.mentor, text=f"#{i}", skill_ids=[s.pk for s in skills]
        )
    client = api_client(live.mentee)
    with django_assert_num_queries(8):
        assert client.get(_endorsements(live)).json()["count"] == rows


# --- introductions ------------------------------------------------------------------------------


def test_api_introduction_member_flow(live: Live, org: Organisation) -> None:
    # given a colleague
    colleague = make_member(org, full_name="Grace Colleague")
    # when the mentor introduces the mentee
    made = _json(
        api_client(live.mentor),
        "post",
        _introductions(live),
        {"contact_membership_id": colleague.pk, "context": "Talk about design systems"},
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["contact"]["full_name"], body["status"], body["external"]) == (
        "Grace Colleague",
        "pending",
        False,
    )
    # then the colleague finds it in their received list and accepts
    contact = api_client(colleague)
    received = contact.get(f"{_base(live)}/introductions/received").json()
    assert [i["id"] for i in received["items"]] == [body["id"]]
    assert received["items"][0]["mentee_note"] is None  # the mentee's notes are not for the contact
    answer_url = f"{_base(live)}/introductions/{body['id']}/answer"
    # (nobody else can answer: the mentee is refused, another member finds nothing)
    assert _json(api_client(live.mentee), "post", answer_url, {"accept": True}).status_code == 403
    assert _json(api_client(make_member(org)), "post", answer_url, {"accept": True}).status_code == 404
    answered = _json(contact, "post", answer_url, {"accept": True, "message": "Gladly"})
    assert answered.json()["status"] == "accepted"
    # and the mentee sees the answer and adds a note
    note = _json(
        api_client(live.mentee),
        "post",
        f"{_base(live)}/introductions/{body['id']}/note",
        {"mentee_note": "Met"},
    )
    assert note.json()["mentee_note"] == "Met"
    listed = api_client(live.mentor).get(_introductions(live)).json()["items"]
    assert (listed[0]["response_message"], listed[0]["mentee_note"]) == ("Gladly", "Met")
    # answering twice is a conflict
    assert _json(contact, "post", answer_url, {"accept": False}).status_code == 409


def test_api_introduction_validation_names_the_field(
    live: Live, outsider: Membership, org: Organisation
) -> None:
    mentor = api_client(live.mentor)
    bad_email = _json(
        mentor, "post", _introductions(live), {"contact_name": "X", "contact_email": "nope", "context": "Hi"}
    )
    assert bad_email.status_code == 422
    assert bad_email.json()["errors"][0]["field"] == "body.contact_email"
    for contact in (outsider, live.mentee, live.mentor):
        refused = _json(
            mentor, "post", _introductions(live), {"contact_membership_id": contact.pk, "context": "Hi"}
        )
        assert (refused.status_code, refused.json()["field"]) == (400, "contact_membership_id")
    mentee = _json(
        api_client(live.mentee),
        "post",
        _introductions(live),
        {"contact_membership_id": make_member(org).pk, "context": "Hi"},
    )
    assert mentee.status_code == 403
    assert not Introduction.objects.exists()


def test_api_introduction_external_email_shown_to_mentee_once_accepted(live: Live) -> None:
    introduction, token = introduction_create(
        mentorship=live.mentorship,
        by=live.mentor,
        context="Hi",
        contact_name="Linus",
        contact_email="linus@example.org",
        base_url="http://testserver",
    )
    assert token is not None
    assert (
        api_client(live.mentor).get(_introductions(live)).json()["items"][0]["contact_email"]
        == "linus@example.org"
    )
    assert api_client(live.mentee).get(_introductions(live)).json()["items"][0]["contact_email"] is None
    Introduction.objects.filter(pk=introduction.pk).update(status=IntroductionStatus.ACCEPTED)
    assert (
        api_client(live.mentee).get(_introductions(live)).json()["items"][0]["contact_email"]
        == "linus@example.org"
    )


def test_api_introduction_others_get_404(
    live: Live, org: Organisation, outsider: Membership, program_admin: Membership
) -> None:
    colleague = make_member(org)
    introduction, _ = introduction_create(
        mentorship=live.mentorship, by=live.mentor, context="Hi", contact_id=colleague.pk, base_url="http://x"
    )
    for who in (make_member(org), outsider, program_admin):
        client = api_client(who)
        assert client.get(_introductions(live)).status_code == 404
        assert (
            _json(
                client, "post", f"{_base(live)}/introductions/{introduction.pk}/answer", {"accept": True}
            ).status_code
            == 404
        )
        assert (
            _json(
                client, "post", f"{_base(live)}/introductions/{introduction.pk}/note", {"mentee_note": "x"}
            ).status_code
            == 404
        )
    assert Introduction.objects.get().status == IntroductionStatus.PENDING


@pytest.mark.parametrize("rows", [2, 10])
def test_api_introduction_lists_query_count(
    live: Live, org: Organisation, rows: int, django_assert_num_queries: Any
) -> None:
    colleague = make_member(org)
    for i in range(rows):
        made, _ = introduction_create(
            mentorship=live.mentorship,
            by=live.mentor,
            context=f"#{i}",
            contact_id=colleague.pk,
            base_url="http://x",
        )
        introduction_answer(introduction=made, by=colleague, accept=bool(i % 2))
    mentee, contact = api_client(live.mentee), api_client(colleague)
    with django_assert_num_queries(7):
        assert mentee.get(_introductions(live)).json()["count"] == rows
    with django_assert_num_queries(5):
        assert contact.get(f"{_base(live)}/introductions/received").json()["count"] == rows
