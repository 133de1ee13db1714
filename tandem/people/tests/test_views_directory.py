"""The people directory: search, every filter, pagination, htmx fragments, isolation, query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tandem.organisations.models import Membership, Organisation
from tandem.people.models import CareerLevel, Department, Skill, WorkValue
from tandem.people.services import ProfileChanges, profile_update
from tests.factories import make_member, profile_of


def _url(org: Organisation) -> str:
    return reverse("people:directory", kwargs={"org_slug": org.slug})


def _person(org: Organisation, name: str, **changes: Any) -> Membership:
    membership = make_member(org, full_name=name)
    if changes:
        profile_update(profile=profile_of(membership), changes=ProfileChanges(**changes))
    return membership


def _skill(org: Organisation, name: str) -> Skill:
    return Skill.objects.get(organisation=org, name=name)


@pytest.fixture
def alice_and_bob(org: Organisation) -> dict[str, Any]:
    """Two people who differ on every filter: Alice matches the `alice` values, Bob the others."""
    python, writing = _skill(org, "Python"), _skill(org, "Writing")
    integrity = WorkValue.objects.get(organisation=org, name="Integrity")
    growth = WorkValue.objects.get(organisation=org, name="Growth")
    senior = CareerLevel.objects.get(organisation=org, name="Senior")
    junior = CareerLevel.objects.get(organisation=org, name="Junior")
    data = Department.objects.get(organisation=org, name="Data")
    sales = Department.objects.get(organisation=org, name="Sales")
    _person(
        org,
        "Alice Archer",
        skill_levels={python.pk: 4},
        value_ids=[integrity.pk],
        career_level_id=senior.pk,
        department_id=data.pk,
        language_codes=["fr"],
        time_zone="Europe/Paris",
        open_to_mentor=True,
        job_title="Staff data scientist",
    )
    _person(
        org,
        "Bob Baker",
        skill_levels={writing.pk: 2},
        value_ids=[growth.pk],
        career_level_id=junior.pk,
        department_id=sales.pk,
        language_codes=["de"],
        time_zone="America/New_York",
        open_to_mentor=False,
        job_title="Account executive",
    )
    return {
        "skill": python.pk,
        "value": integrity.pk,
        "level": senior.pk,
        "department": data.pk,
        "language": "fr",
        "tz": "Europe/Paris",
        "mentor": "on",
        "q": "scientist",
    }


def test_directory_lists_people_as_cards(
    member_client: Client, org: Organisation, alice_and_bob: Any
) -> None:
    # given two colleagues with profiles

    # when
    response = member_client.get(_url(org))

    # then
    assert response.status_code == 200
    content = response.content.decode()
    assert "Alice Archer" in content
    assert "Bob Baker" in content
    assert "Open to mentor" in content  # Alice's badge
    assert "Python" in content
    assert "Expert" in content  # her level, on the chip
    assert "Europe/Paris" in content
    assert "<search>" in content  # the full page, with the filter form


@pytest.mark.parametrize("name", ["skill", "value", "level", "department", "language", "tz", "mentor", "q"])
def test_directory_filter_keeps_only_matching_people(
    member_client: Client, org: Organisation, alice_and_bob: dict[str, Any], name: str
) -> None:
    # given Alice and Bob, who differ on this filter

    # when
    response = member_client.get(_url(org), {name: alice_and_bob[name]})

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "Alice Archer" in content
    assert "Bob Baker" not in content
    assert "1 person" in content


def test_directory_filters_combine(
    member_client: Client, org: Organisation, alice_and_bob: dict[str, Any]
) -> None:
    # given Alice speaks French, Bob German

    # when asking for French speakers in Sales
    department = Department.objects.get(organisation=org, name="Sales")
    response = member_client.get(_url(org), {"language": "fr", "department": str(department.pk)})

    # then nobody matches, and the page says so
    content = response.content.decode()
    assert "Alice Archer" not in content
    assert "Bob Baker" not in content
    assert "No one matches these filters" in content


@pytest.mark.parametrize(
    "bad", [{"skill": "abc"}, {"level": "999999"}, {"language": "xx"}, {"tz": "Mars/Olympus"}]
)
def test_directory_ignores_unknown_filter_values(
    member_client: Client, org: Organisation, alice_and_bob: Any, bad: dict[str, str]
) -> None:
    # given a URL with a filter value that means nothing here

    # when
    response = member_client.get(_url(org), bad)

    # then no error page: the filter is dropped, named, and everyone is listed
    content = response.content.decode()
    assert response.status_code == 200
    assert "were not recognised and were ignored" in content
    assert "Alice Archer" in content
    assert "Bob Baker" in content


def test_directory_ignores_another_organisations_skill(
    member_client: Client, org: Organisation, other_org: Organisation, alice_and_bob: Any
) -> None:
    # given the id of a skill that belongs to another organisation
    foreign = _skill(other_org, "Python")

    # when
    response = member_client.get(_url(org), {"skill": foreign.pk})

    # then it is not used as a filter (and nothing of the other org leaks)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Skill" in content
    assert "were not recognised" in content


def test_directory_hides_other_organisations_people(
    member_client: Client, org: Organisation, other_org: Organisation
) -> None:
    # given someone in another organisation
    _person(other_org, "Zed Stranger")

    # when
    response = member_client.get(_url(org))

    # then
    assert "Zed Stranger" not in response.content.decode()


def test_directory_hides_deactivated_members(member_client: Client, org: Organisation) -> None:
    # given a deactivated member
    gone = _person(org, "Gina Gone")
    Membership.objects.filter(pk=gone.pk).update(is_active=False)

    # when
    response = member_client.get(_url(org))

    # then
    assert "Gina Gone" not in response.content.decode()


def test_directory_outsider_gets_404(client: Client, org: Organisation, outsider: Membership) -> None:
    # given a signed-in member of another organisation
    client.force_login(outsider.user)

    # when
    response = client.get(_url(org))

    # then
    assert response.status_code == 404


def test_directory_anonymous_is_sent_to_sign_in(client: Client, org: Organisation) -> None:
    # given nobody signed in

    # when
    response = client.get(_url(org))

    # then
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_directory_paginates(member_client: Client, org: Organisation, settings: Any) -> None:
    # given 5 people (plus the viewer) and pages of 2
    settings.DIRECTORY_PAGE_SIZE = 2
    for i in range(5):
        _person(org, f"Person {i:02d}")

    # when
    first = member_client.get(_url(org)).content.decode()
    third = member_client.get(_url(org), {"page": 3}).content.decode()
    beyond = member_client.get(_url(org), {"page": 99}).content.decode()
    junk = member_client.get(_url(org), {"page": "abc"}).content.decode()

    # then people are sorted by name, 2 a page, and out-of-range pages fall back safely
    assert "Person 00" in first
    assert "Person 02" not in first
    assert "page 1 of 3" in first
    assert "Person 04" in third
    assert "Person 00" not in third
    assert "page 3 of 3" in beyond
    assert "page 1 of 3" in junk


def test_directory_pagination_links_keep_filters(
    member_client: Client, org: Organisation, settings: Any
) -> None:
    # given more mentors than fit on a page
    settings.DIRECTORY_PAGE_SIZE = 2
    for i in range(3):
        _person(org, f"Mentor {i}", open_to_mentor=True)

    # when
    content = member_client.get(_url(org), {"mentor": "on"}).content.decode()

    # then the next-page link carries the filter
    assert 'href="?mentor=on&amp;page=2"' in content


def test_directory_htmx_request_gets_only_the_results(
    member_client: Client, org: Organisation, alice_and_bob: Any
) -> None:
    # given an htmx request (the filter form changed)

    # when
    response = member_client.get(_url(org), {"mentor": "on"}, headers={"HX-Request": "true"})

    # then only the results fragment comes back
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<section id="directory-results"')
    assert "<html" not in content
    assert "<search>" not in content
    assert "Alice Archer" in content
    assert "Bob Baker" not in content
    assert "HX-Request" in response["Vary"]


def test_directory_htmx_history_restore_gets_the_full_page(member_client: Client, org: Organisation) -> None:
    # given htmx restoring a page it no longer has in its history cache

    # when
    response = member_client.get(
        _url(org), headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )

    # then
    assert "<html" in response.content.decode()


def _populate(org: Organisation, count: int) -> None:
    python, writing = _skill(org, "Python"), _skill(org, "Writing")
    values = list(WorkValue.objects.filter(organisation=org)[:3])
    for i in range(count):
        _person(
            org,
            f"Busy {i:03d}",
            skill_levels={python.pk: 3, writing.pk: 1},
            goal_skill_ids=[python.pk],
            value_ids=[v.pk for v in values],
            language_codes=["en", "es"],
            open_to_mentor=True,
        )


@pytest.mark.parametrize("count", [5, 30])
def test_directory_query_count_does_not_grow_with_people(
    member_client: Client, org: Organisation, django_assert_max_num_queries: Any, count: int
) -> None:
    # given many full profiles
    _populate(org, count)

    # when / then the page costs the same number of queries for 5 or 30 people
    with django_assert_max_num_queries(20):
        response = member_client.get(_url(org), {"mentor": "on"})
    assert response.content.decode().count('class="card card--link person-card"') == min(count, 24)
