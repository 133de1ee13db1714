"""The notifications API: my own notifications only, in the organisation of the URL."""

from __future__ import annotations

from typing import Any

import pytest

from tandem.notifications.models import Notification, NotificationKind, NotificationPreference
from tandem.notifications.services import notify
from tandem.organisations.models import Membership, Organisation
from tests.api_client import api_client
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def _url(org: Organisation, rest: str = "") -> str:
    return f"/api/orgs/{org.slug}/notifications{rest}"


def _notify(member: Membership, title: str = "News", kind: str = NotificationKind.MATCHED) -> Notification:
    return notify(
        recipient=member,
        kind=NotificationKind(kind),
        title=title,
        body="Body",
        url=f"/o/{member.organisation.slug}/mentorships/",
    )


def test_list_newest_first_paginated_with_unread_filter(member: Membership, org: Organisation) -> None:
    # given
    first = _notify(member, "First")
    _notify(member, "Second")
    _notify(member, "Third")
    Notification.objects.filter(pk=first.pk).update(read_at=first.created_at)
    client = api_client(member)
    # when
    everything = client.get(_url(org), {"limit": 2}).json()
    unread = client.get(_url(org), {"unread": "true"}).json()
    # then
    assert everything["count"] == 3
    assert [n["title"] for n in everything["items"]] == ["Third", "Second"]
    item = everything["items"][0]
    assert item["is_unread"] is True
    assert item["url"] == f"/o/{org.slug}/mentorships/"
    assert item["kind"] == "matched"
    assert item["email_status"] == "pending"
    assert [n["title"] for n in unread["items"]] == ["Third", "Second"]


@pytest.mark.parametrize("rows", [2, 20])
def test_list_query_count_does_not_grow(
    rows: int, member: Membership, org: Organisation, django_assert_max_num_queries: Any
) -> None:
    for i in range(rows):
        _notify(member, f"News {i}")
    client = api_client(member)
    client.get("/api/me")
    with django_assert_max_num_queries(4):  # token, membership, count, page
        response = client.get(_url(org))
    assert response.json()["count"] == rows


def test_unread_count_read_and_read_all(member: Membership, org: Organisation) -> None:
    # given
    one, _two, _three = (_notify(member, str(i)) for i in range(3))
    client = api_client(member)
    assert client.get(_url(org, "/unread-count")).json() == {"unread": 3}
    # when one of them is read
    response = client.post(_url(org, f"/{one.pk}/read"))
    # then
    assert response.status_code == 200
    assert response.json()["is_unread"] is False
    assert client.get(_url(org, "/unread-count")).json() == {"unread": 2}
    # and reading it again is fine
    assert client.post(_url(org, f"/{one.pk}/read")).status_code == 200
    # when: all are read
    assert client.post(_url(org, "/read-all")).json() == {"marked": 2}
    assert client.get(_url(org, "/unread-count")).json() == {"unread": 0}


def test_another_members_notification_is_404(
    member: Membership, org: Organisation, org_admin: Membership
) -> None:
    theirs = _notify(org_admin)
    response = api_client(member).post(_url(org, f"/{theirs.pk}/read"))
    assert response.status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert api_client(member).get(_url(org)).json()["count"] == 0


def test_my_notification_in_another_organisation_is_404_here(
    member: Membership, org: Organisation, other_org: Organisation
) -> None:
    there = _notify(make_member(other_org, user=member.user))
    client = api_client(member)
    assert client.post(_url(org, f"/{there.pk}/read")).status_code == 404
    assert client.post(_url(org, "/read-all")).json() == {"marked": 0}
    assert Notification.objects.get(pk=there.pk).read_at is None


def test_outsider_gets_404(outsider: Membership, org: Organisation) -> None:
    client = api_client(outsider)
    assert client.get(_url(org)).status_code == 404
    assert client.get(_url(org, "/preferences")).status_code == 404


def test_preferences_get_and_put(member: Membership, org: Organisation) -> None:
    client = api_client(member)
    # given: the defaults
    defaults = client.get(_url(org, "/preferences")).json()
    assert len(defaults) == len(NotificationKind)
    assert all(p["in_app"] and p["email"] for p in defaults)
    assert {p["kind"] for p in defaults if p["in_app_locked"]} == {"concern", "mentorship_changed"}
    # when: two are changed
    response = client.put(
        _url(org, "/preferences"),
        {
            "preferences": [
                {"kind": "meeting_reminder", "in_app": True, "email": False},
                {"kind": "goal", "in_app": False, "email": False},
            ]
        },
        content_type="application/json",
    )
    # then: they are saved and the others stay as they were
    assert response.status_code == 200
    by_kind = {p["kind"]: p for p in response.json()}
    assert (by_kind["meeting_reminder"]["in_app"], by_kind["meeting_reminder"]["email"]) == (True, False)
    assert (by_kind["goal"]["in_app"], by_kind["goal"]["email"]) == (False, False)
    assert by_kind["matched"]["email"] is True
    assert NotificationPreference.objects.filter(membership=member).count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"preferences": [{"kind": "concern", "in_app": False, "email": True}]}, "in_app"),
        ({"preferences": [{"kind": "nonsense", "in_app": True, "email": True}]}, None),
        (
            {
                "preferences": [
                    {"kind": "goal", "in_app": True, "email": True},
                    {"kind": "goal", "in_app": False, "email": True},
                ]
            },
            "preferences",
        ),
        ({"preferences": [{"kind": "goal", "in_app": True}]}, None),
        ({"preferences": [], "spy": 1}, None),
    ],
)
def test_preferences_bad_input_is_a_4xx_naming_the_field(
    member: Membership, org: Organisation, body: dict[str, Any], field: str | None
) -> None:
    response = api_client(member).put(_url(org, "/preferences"), body, content_type="application/json")
    assert 400 <= response.status_code < 500, response.content
    if field:
        assert response.json()["field"] == field
    assert NotificationPreference.objects.filter(membership=member).count() == 0
