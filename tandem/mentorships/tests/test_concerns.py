"""Concerns: raised privately after guidance, seen only by their author and the program admins —
never by the other side, not even when the other side is a program admin — through every page and
endpoint; admins acknowledge and resolve them, and the author is told."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import login
from tandem.mentorships.errors import ConcernConflict, ConcernInvalid, LifecycleNotAllowed
from tandem.mentorships.lifecycle import concern_acknowledge, concern_raise, concern_resolve
from tandem.mentorships.models import Concern, ConcernStatus, Mentorship
from tandem.notifications.models import Notification, NotificationKind
from tandem.organisations.models import Membership, Organisation, Role
from tests.api_client import api_client
from tests.factories import make_member
from tests.relationship_setup import Live, live_mentorship

pytestmark = pytest.mark.django_db

SECRET = "He keeps cancelling our meetings at the last minute."


@pytest.fixture
def live(org: Organisation, program_admin: Membership) -> Live:
    return live_mentorship(org, program_admin)


@pytest.fixture
def concern(live: Live) -> Concern:
    return concern_raise(mentorship=live.mentorship, by=live.mentee, text=SECRET)


def _concern_notes(who: Membership) -> list[Notification]:
    return list(Notification.objects.filter(recipient=who, kind=NotificationKind.CONCERN).order_by("pk"))


# --- services -----------------------------------------------------------------------------------


def test_concern_raise_notifies_every_program_admin_but_never_the_other_side(
    org: Organisation, program_admin: Membership, org_admin: Membership
) -> None:
    # given a mentorship whose mentor is a program admin themself
    live = live_mentorship(org, program_admin)
    mentor_admin = live.mentor
    mentor_admin.role = Role.PROGRAM_ADMIN
    mentor_admin.save(update_fields=["role"])
    # when the mentee raises a concern
    raised = concern_raise(mentorship=live.mentorship, by=live.mentee, text=f"  {SECRET}  ")
    # then it is open, trimmed, and both uninvolved admins are notified with a link to the list
    assert (raised.status, raised.text, raised.raised_by_id) == (ConcernStatus.OPEN, SECRET, live.mentee.pk)
    for admin in (program_admin, org_admin):
        notes = _concern_notes(admin)
        assert len(notes) == 1
        assert notes[0].url == f"/o/{org.slug}/concerns/#concern-{raised.pk}"
    # and the mentor, although a program admin, hears nothing at all
    assert not Notification.objects.filter(recipient=mentor_admin, body__contains="cancelling").exists()
    assert _concern_notes(mentor_admin) == []


def test_concern_raise_is_for_participants_with_something_to_say(
    live: Live, member: Membership, program_admin: Membership
) -> None:
    for stranger in (member, program_admin):
        with pytest.raises(LifecycleNotAllowed):
            concern_raise(mentorship=live.mentorship, by=stranger, text=SECRET)
    with pytest.raises(ConcernInvalid) as exc:
        concern_raise(mentorship=live.mentorship, by=live.mentee, text="   ")
    assert exc.value.field == "text"
    assert not Concern.objects.exists()


def test_concern_sent_twice_is_filed_once_and_the_admins_are_told_once(
    client: Client, live: Live, program_admin: Membership
) -> None:
    # given the mentee on the concern page
    login(client, live.mentee)
    url = reverse(
        "mentorships:concern_new",
        kwargs={"org_slug": live.mentorship.organisation.slug, "mentorship_id": live.mentorship.pk},
    )
    # when the form is sent twice (a double click, or a retry after a slow answer)
    for _ in range(2):
        assert client.post(url, {"text": SECRET}).status_code == 302
    # then there is one concern, and the admin was told once
    assert Concern.objects.count() == 1
    assert len(_concern_notes(program_admin)) == 1
    # and once it is answered, the same words may be raised again as a new concern
    concern_acknowledge(concern=Concern.objects.get(), by=program_admin)
    concern_raise(mentorship=live.mentorship, by=live.mentee, text=SECRET)
    assert Concern.objects.count() == 2


def test_concern_acknowledge_then_resolve_tells_the_author(
    concern: Concern, live: Live, program_admin: Membership
) -> None:
    # when an admin acknowledges, then resolves with a note
    concern_acknowledge(concern=concern, by=program_admin, note="Thanks — I will talk to you tomorrow.")
    with pytest.raises(ConcernConflict):
        concern_acknowledge(concern=concern, by=program_admin)
    with pytest.raises(ConcernInvalid) as exc:
        concern_resolve(concern=concern, by=program_admin, note="")
    assert exc.value.field == "note"
    concern_resolve(concern=concern, by=program_admin, note="We agreed on a new rhythm.")
    with pytest.raises(ConcernConflict):
        concern_resolve(concern=concern, by=program_admin, note="Again")
    # then it is resolved with both answers, and the author was told twice
    done = Concern.objects.get(pk=concern.pk)
    assert done.status == ConcernStatus.RESOLVED
    assert done.acknowledgement == "Thanks — I will talk to you tomorrow."
    assert done.resolution == "We agreed on a new rhythm."
    assert done.acknowledged_by_id == done.resolved_by_id == program_admin.pk
    assert [n.title for n in _concern_notes(live.mentee)] == [
        "A program admin has read your concern",
        "Your concern is resolved",
    ]
    # and the mentor was never told anything about it
    assert _concern_notes(live.mentor) == []


def test_concern_answering_is_for_uninvolved_program_admins_of_the_org(
    concern: Concern, live: Live, member: Membership, outsider: Membership
) -> None:
    for who in (live.mentor, live.mentee, member, outsider):
        with pytest.raises(LifecycleNotAllowed):
            concern_acknowledge(concern=concern, by=who)
    # an admin who is in the mentorship cannot answer it either
    live.mentor.role = Role.PROGRAM_ADMIN
    live.mentor.save(update_fields=["role"])
    with pytest.raises(LifecycleNotAllowed):
        concern_resolve(concern=concern, by=live.mentor, note="Nothing to see")
    assert Concern.objects.get(pk=concern.pk).status == ConcernStatus.OPEN


# --- pages --------------------------------------------------------------------------------------


def _mentorship_url(name: str, m: Mentorship, slug: str | None = None) -> str:
    return reverse(
        f"mentorships:{name}", kwargs={"org_slug": slug or m.organisation.slug, "mentorship_id": m.pk}
    )


def _concerns_url(org: Organisation) -> str:
    return reverse("mentorships:concerns", kwargs={"org_slug": org.slug})


def test_concern_page_shows_guidance_then_sends_privately(client: Client, live: Live) -> None:
    # given the mentee on the concern page
    login(client, live.mentee)
    page = client.get(_mentorship_url("concern_new", live.mentorship)).content.decode()
    # then they are shown how to talk it through first, and when to come straight to the admins
    assert "could you talk it through?" in page
    assert "You could say:" in page
    assert "Come straight to the admins instead" in page
    # when they send an empty concern, then a real one
    assert client.post(_mentorship_url("concern_new", live.mentorship), {"text": ""}).status_code == 200
    response = client.post(_mentorship_url("concern_new", live.mentorship), {"text": SECRET})
    # then it is raised and shown on their overview, with its status
    assert response.status_code == 302
    html = client.get(_mentorship_url("detail", live.mentorship)).content.decode()
    assert SECRET in html
    assert "Your concerns" in html


def test_concern_is_invisible_to_the_other_side_on_every_page(
    client: Client, concern: Concern, live: Live
) -> None:
    # given the mentor of the mentorship the concern is about
    login(client, live.mentor)
    # then neither the overview, the concern page nor the admin list shows it
    for url in (
        _mentorship_url("detail", live.mentorship),
        _mentorship_url("concern_new", live.mentorship),
        reverse("mentorships:list", kwargs={"org_slug": live.mentorship.organisation.slug}),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert SECRET not in response.content.decode()
    assert client.get(_concerns_url(live.mentorship.organisation)).status_code == 404
    for action in ("concern_acknowledge", "concern_resolve"):
        url = reverse(
            f"mentorships:{action}",
            kwargs={"org_slug": live.mentorship.organisation.slug, "concern_id": concern.pk},
        )
        assert client.post(url, {"note": "x"}).status_code == 404
    assert Concern.objects.get(pk=concern.pk).status == ConcernStatus.OPEN


def test_concern_is_invisible_to_a_program_admin_who_is_the_other_side(
    client: Client, concern: Concern, live: Live
) -> None:
    # given the mentor is a program admin
    live.mentor.role = Role.PROGRAM_ADMIN
    live.mentor.save(update_fields=["role"])
    login(client, live.mentor)
    # then the admin concerns page and the overview do not show it, and answering it is a 404
    assert SECRET not in client.get(_concerns_url(live.mentorship.organisation)).content.decode()
    assert SECRET not in client.get(_mentorship_url("detail", live.mentorship)).content.decode()
    url = reverse(
        "mentorships:concern_resolve",
        kwargs={"org_slug": live.mentorship.organisation.slug, "concern_id": concern.pk},
    )
    assert client.post(url, {"note": "Closed by me"}).status_code == 404
    # nor through the API
    api = api_client(live.mentor)
    slug = live.mentorship.organisation.slug
    assert api.get(f"/api/orgs/{slug}/concerns").json()["count"] == 0
    assert (
        api.post(f"/api/orgs/{slug}/concerns/{concern.pk}/acknowledge", {}, "application/json").status_code
        == 404
    )


def test_concerns_page_is_for_program_admins_only(
    client: Client, org: Organisation, member: Membership, outsider: Membership, concern: Concern
) -> None:
    for who in (member, outsider):
        login(client, who)
        assert client.get(_concerns_url(org)).status_code == 404
        client.logout()


def test_concerns_page_lists_open_first_and_answers_them(
    client: Client, org: Organisation, program_admin: Membership
) -> None:
    # given three concerns: one resolved, then two open
    lives = [live_mentorship(org, program_admin, name=f"P{i}") for i in range(3)]
    raised = [
        concern_raise(mentorship=lv.mentorship, by=lv.mentee, text=f"Concern number {i}")
        for i, lv in enumerate(lives)
    ]
    concern_resolve(concern=raised[2], by=program_admin, note="Sorted")
    login(client, program_admin)
    # when the admin opens the list
    html = client.get(_concerns_url(org)).content.decode()
    # then the open ones come first, newest first, and the resolved one last
    positions = [html.index(f"Concern number {i}") for i in (1, 0, 2)]
    assert positions == sorted(positions)
    # when they acknowledge one and resolve another from the page
    ack = reverse(
        "mentorships:concern_acknowledge", kwargs={"org_slug": org.slug, "concern_id": raised[0].pk}
    )
    res = reverse("mentorships:concern_resolve", kwargs={"org_slug": org.slug, "concern_id": raised[1].pk})
    assert client.post(ack, {"note": "On it"}).status_code == 302
    assert (
        client.post(res, {"note": ""}, follow=True).content.decode().count("Tell the person what was done")
        == 1
    )
    assert client.post(res, {"note": "Done"}).status_code == 302
    statuses = dict(Concern.objects.values_list("pk", "status"))
    assert statuses == {raised[0].pk: "acknowledged", raised[1].pk: "resolved", raised[2].pk: "resolved"}
    # and the status filter narrows the list
    filtered = client.get(_concerns_url(org) + "?status=acknowledged").content.decode()
    assert "Concern number 0" in filtered
    assert "Concern number 1" not in filtered


def _post(client: Client, url: str, body: dict[str, object]) -> Any:
    return client.post(url, body, "application/json")


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


CONCERNS_PAGE_QUERIES = 16
CONCERNS_API_QUERIES = 10


def test_concerns_lists_query_count_does_not_grow(
    client: Client, org: Organisation, program_admin: Membership
) -> None:
    # given 2 concerns, then 10
    def raise_some(n: int) -> None:
        for i in range(n):
            lv = live_mentorship(org, program_admin, name=f"Q{i}")
            concern_raise(mentorship=lv.mentorship, by=lv.mentee, text="Something")

    login(client, program_admin)
    api = api_client(program_admin)
    api_url = f"/api/orgs/{org.slug}/concerns"
    raise_some(2)
    api.get(api_url)  # the token's first use and the session's current organisation are written once
    client.get(_concerns_url(org))
    small = (_queries(client, _concerns_url(org)), _queries(api, api_url))
    raise_some(8)
    large = (_queries(client, _concerns_url(org)), _queries(api, api_url))
    # then the same number of queries at both sizes, and few
    assert small == large
    assert small[0] <= CONCERNS_PAGE_QUERIES
    assert small[1] <= CONCERNS_API_QUERIES


# --- API ----------------------------------------------------------------------------------------


def test_api_concern_round_trip(live: Live, program_admin: Membership, org: Organisation) -> None:
    # given the mentee raises a concern through the API
    mentee_api = api_client(live.mentee)
    created = mentee_api.post(
        f"/api/orgs/{org.slug}/mentorships/{live.mentorship.pk}/concerns",
        {"text": SECRET},
        "application/json",
    )
    assert created.status_code == 201
    concern_id = created.json()["id"]
    assert created.json()["status"] == "open"
    # then they see it in their list; the mentor sees none, the admin sees it
    assert [c["id"] for c in mentee_api.get(f"/api/orgs/{org.slug}/concerns").json()["items"]] == [concern_id]
    assert api_client(live.mentor).get(f"/api/orgs/{org.slug}/concerns").json()["count"] == 0
    admin_api = api_client(program_admin)
    assert admin_api.get(f"/api/orgs/{org.slug}/concerns?status=open").json()["items"][0]["text"] == SECRET
    # when members try to answer it: refused before anything is looked up
    for who in (live.mentee, live.mentor):
        response = api_client(who).post(
            f"/api/orgs/{org.slug}/concerns/{concern_id}/acknowledge", {}, "application/json"
        )
        assert response.status_code == 403
    # when the admin acknowledges and resolves it
    ack = admin_api.post(
        f"/api/orgs/{org.slug}/concerns/{concern_id}/acknowledge", {"note": "Seen"}, "application/json"
    )
    assert ack.json()["status"] == "acknowledged"
    no_note = admin_api.post(
        f"/api/orgs/{org.slug}/concerns/{concern_id}/resolve", {"note": " "}, "application/json"
    )
    assert no_note.status_code == 400
    assert no_note.json()["field"] == "note"
    res = admin_api.post(
        f"/api/orgs/{org.slug}/concerns/{concern_id}/resolve", {"note": "Done"}, "application/json"
    )
    assert res.json()["status"] == "resolved"
    assert res.json()["resolution"] == "Done"


def test_api_concern_cannot_be_raised_by_strangers(
    live: Live, member: Membership, outsider: Membership
) -> None:
    for who in (member, outsider):
        response = api_client(who).post(
            f"/api/orgs/{who.organisation.slug}/mentorships/{live.mentorship.pk}/concerns",
            {"text": "Spy"},
            "application/json",
        )
        assert response.status_code == 404
    assert not Concern.objects.exists()


def test_api_concern_list_of_another_org_admin_shows_nothing_of_ours(
    concern: Concern, outsider: Membership, other_org: Organisation
) -> None:
    make_member(other_org)
    response = api_client(outsider).get(f"/api/orgs/{other_org.slug}/concerns")
    assert response.json()["count"] == 0
