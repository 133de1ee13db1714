"""Notification pages: the list (unread first in attention, mark read, open, mark all read), the
preferences table, the navigation badge — and nobody ever reaches another member's notifications."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import login
from tandem.notifications.models import Notification, NotificationKind, NotificationPreference
from tandem.notifications.services import notify
from tandem.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db

Queries = Callable[..., Any]


def _url(name: str, org: Organisation, **kwargs: Any) -> str:
    return reverse(f"notifications:{name}", kwargs={"org_slug": org.slug, **kwargs})


def _notify(
    member: Membership, title: str = "Ada asked you to be their mentor", url: str = ""
) -> Notification:
    return notify(
        recipient=member,
        kind=NotificationKind.REQUEST_RECEIVED,
        title=title,
        body="In Pilot",
        url=url or f"/o/{member.organisation.slug}/requests/",
    )


def test_list_shows_my_notifications_newest_first_with_unread_marked(
    member_client: Client, member: Membership, org: Organisation, org_admin: Membership
) -> None:
    # given: two of mine (one read) and one of someone else's
    older = _notify(member, "Older news")
    _notify(member, "Newer news")
    _notify(org_admin, "Not for Mia")
    Notification.objects.filter(pk=older.pk).update(read_at=older.created_at)
    # when
    response = member_client.get(_url("list", org))
    # then
    assert response.status_code == 200
    assert [n.title for n in response.context["notifications"]] == ["Newer news", "Older news"]
    assert response.context["unread"] == 1
    html = response.content.decode()
    assert "Not for Mia" not in html
    assert html.count("notification--unread") == 1
    assert "Mark read: Newer news" in html
    assert "Mark read: Older news" not in html


def test_list_unread_filter(member_client: Client, member: Membership, org: Organisation) -> None:
    read = _notify(member, "Read one")
    _notify(member, "Unread one")
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    response = member_client.get(_url("list", org) + "?unread=1")
    assert [n.title for n in response.context["notifications"]] == ["Unread one"]


@pytest.mark.parametrize("rows", [2, 20])
def test_list_query_count_does_not_grow(
    client: Client, member: Membership, org: Organisation, django_assert_num_queries: Queries, rows: int
) -> None:
    for i in range(rows):
        _notify(member, f"News {i}")
    login(client, member)
    client.get(_url("list", org))  # the first visit remembers the organisation in the session
    # session, user, membership, count, page, unread (shared with the badge), time zone, the
    # navigation's organisation switcher
    with django_assert_num_queries(7):
        response = client.get(_url("list", org))
    assert len(response.context["notifications"]) == rows


def test_mark_read_then_redirects_to_the_list(
    member_client: Client, member: Membership, org: Organisation
) -> None:
    notification = _notify(member)
    response = member_client.post(_url("read", org, notification_id=notification.pk))
    assert response.status_code == 302
    assert response["Location"] == _url("list", org)
    assert Notification.objects.get(pk=notification.pk).read_at is not None


def test_mark_read_by_htmx_swaps_the_item_and_the_badge(
    member_client: Client, member: Membership, org: Organisation
) -> None:
    # given: two unread
    notification = _notify(member, "First")
    _notify(member, "Second")
    # when
    response = member_client.post(
        _url("read", org, notification_id=notification.pk), headers={"HX-Request": "true"}
    )
    # then: the item, now read, and the navigation link out of band with one left unread
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{notification.pk}"' in html
    assert "notification--unread" not in html
    assert 'hx-swap-oob="true"' in html
    assert 'aria-label="Notifications, 1 unread"' in html


def test_open_marks_read_and_follows_the_link(
    member_client: Client, member: Membership, org: Organisation
) -> None:
    notification = _notify(member, url=f"/o/{org.slug}/mentorships/")
    response = member_client.post(_url("open", org, notification_id=notification.pk))
    assert response.status_code == 302
    assert response["Location"] == f"/o/{org.slug}/mentorships/"
    assert Notification.objects.get(pk=notification.pk).read_at is not None


@pytest.mark.parametrize("planted", ["https://evil.example/", "//evil.example/", "/\\evil.example", ""])
def test_open_never_leaves_the_site(
    member_client: Client, member: Membership, org: Organisation, planted: str
) -> None:
    # given: a row whose link was written around notify (which would have dropped it)
    notification = _notify(member)
    Notification.objects.filter(pk=notification.pk).update(url=planted)
    # when
    response = member_client.post(_url("open", org, notification_id=notification.pk))
    # then: back to the list, never elsewhere
    assert response["Location"] == _url("list", org)


def test_open_is_post_only(member_client: Client, member: Membership, org: Organisation) -> None:
    notification = _notify(member)
    assert member_client.get(_url("open", org, notification_id=notification.pk)).status_code == 405
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_mark_all_read_only_touches_mine_in_this_organisation(
    client: Client, member: Membership, org: Organisation, org_admin: Membership, other_org: Organisation
) -> None:
    # given: mine, a colleague's, and mine in another organisation
    from tests.factories import make_member

    elsewhere = make_member(other_org, user=member.user)
    mine = [_notify(member, "One"), _notify(member, "Two")]
    theirs = _notify(org_admin)
    mine_elsewhere = _notify(elsewhere)
    login(client, member)
    # when
    response = client.post(_url("read_all", org), follow=True)
    # then
    assert "Marked 2 notifications read." in response.content.decode()
    assert all(Notification.objects.get(pk=n.pk).read_at is not None for n in mine)
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert Notification.objects.get(pk=mine_elsewhere.pk).read_at is None


@pytest.mark.parametrize("name", ["read", "open"])
def test_another_members_notification_is_404(
    member_client: Client, org: Organisation, org_admin: Membership, name: str
) -> None:
    # given: the org admin's notification; Mia tries it by id
    theirs = _notify(org_admin)
    # when / then
    assert member_client.post(_url(name, org, notification_id=theirs.pk)).status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_my_notification_from_another_organisation_is_404_here(
    client: Client, member: Membership, org: Organisation, other_org: Organisation
) -> None:
    # given: Mia belongs to both organisations and has a notification in the other one
    from tests.factories import make_member

    elsewhere = make_member(other_org, user=member.user)
    there = _notify(elsewhere)
    login(client, member)
    # when / then: through this organisation's URL it does not exist
    assert client.post(_url("read", org, notification_id=there.pk)).status_code == 404
    assert there.title not in client.get(_url("list", org)).content.decode()


@pytest.mark.parametrize("name", ["list", "preferences"])
def test_outsider_gets_404(client: Client, org: Organisation, outsider: Membership, name: str) -> None:
    login(client, outsider)
    assert client.get(_url(name, org)).status_code == 404


def test_anonymous_is_sent_to_sign_in(client: Client, org: Organisation) -> None:
    response = client.get(_url("list", org))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- preferences ---------------------------------------------------------------------------------


def test_preferences_page_shows_every_kind_with_defaults(member_client: Client, org: Organisation) -> None:
    response = member_client.get(_url("preferences", org))
    html = response.content.decode()
    for kind in NotificationKind:
        assert kind.label in html
    assert html.count('type="checkbox"') == 2 * len(NotificationKind)
    assert html.count(" checked") == 2 * len(NotificationKind)  # both channels on by default
    assert "Always shown in Tandem" in html


def test_preferences_save(member_client: Client, member: Membership, org: Organisation) -> None:
    # given: everything on, except email for meeting reminders and in-app for goals
    data = {f"{k}-in_app": "on" for k in NotificationKind.values} | {
        f"{k}-email": "on" for k in NotificationKind.values
    }
    del data["meeting_reminder-email"]
    del data["goal-in_app"]
    # also try to mute concerns in the app: the locked checkbox is ignored
    del data["concern-in_app"]
    # when
    response = member_client.post(_url("preferences", org), data, follow=True)
    # then
    assert "Your notification preferences are saved." in response.content.decode()
    saved = {
        kind: (in_app, email)
        for kind, in_app, email in NotificationPreference.objects.filter(membership=member).values_list(
            "kind", "in_app", "email"
        )
    }
    assert saved["meeting_reminder"] == (True, False)
    assert saved["goal"] == (False, True)
    assert saved["concern"] == (True, True)
    assert saved["matched"] == (True, True)
    # and the page shows them back
    rows = {row.kind: (row.in_app, row.email) for row in response.context["form"].rows}
    assert rows["meeting_reminder"] == (True, False)


# --- the navigation badge ------------------------------------------------------------------------


def test_nav_badge_counts_my_unread_in_this_organisation(
    client: Client, member: Membership, org: Organisation, org_admin: Membership, other_org: Organisation
) -> None:
    # given: three unread of mine, one read, a colleague's, and one of mine in another org
    from tests.factories import make_member

    for i in range(3):
        _notify(member, f"News {i}")
    read = _notify(member, "Old")
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    _notify(org_admin)
    _notify(make_member(other_org, user=member.user))
    login(client, member)
    # when
    html = client.get(reverse("mentorships:list", kwargs={"org_slug": org.slug})).content.decode()
    # then
    assert 'aria-label="Notifications, 3 unread"' in html
    assert '<span class="badge badge--danger" aria-hidden="true">3</span>' in html


def test_nav_link_without_unread_has_no_badge(member_client: Client, org: Organisation) -> None:
    html = member_client.get(_url("list", org)).content.decode()
    assert 'aria-label="Notifications"' in html
    assert 'aria-current="page"' in html
    assert "badge--danger" not in html
