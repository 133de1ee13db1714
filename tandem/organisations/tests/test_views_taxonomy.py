"""Organisation admin: editing the taxonomy (skills, competencies, values, departments)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tandem.organisations.models import Membership, Organisation
from tandem.people.models import Competency, Department, Skill, WorkValue
from tandem.people.services import TAXONOMY_MODELS


def _url(org: Organisation) -> str:
    return reverse("organisations:taxonomy", kwargs={"org_slug": org.slug})


def test_taxonomy_lists_every_kind_and_the_career_levels(admin_client: Client, org: Organisation) -> None:
    # given the default taxonomy

    # when
    content = admin_client.get(_url(org)).content.decode()

    # then
    for text in ["Python", "Leadership", "Integrity", "Engineering", "Executive"]:
        assert text in content, text


@pytest.mark.parametrize("kind", list(TAXONOMY_MODELS))
def test_taxonomy_add(admin_client: Client, org: Organisation, kind: str) -> None:
    # given / when
    response = admin_client.post(
        _url(org), {"action": "add", "kind": kind, "name": " Kindness ", "category": "Soft"}
    )

    # then
    assert response.status_code == 302
    assert response["Location"].endswith(f"#{kind}")
    item = TAXONOMY_MODELS[kind].objects.get(organisation=org, name="Kindness")
    if kind == "skill":
        assert isinstance(item, Skill)
        assert item.category == "Soft"


def test_taxonomy_add_duplicate_is_refused_next_to_the_form(admin_client: Client, org: Organisation) -> None:
    # given "Python" exists

    # when
    response = admin_client.post(_url(org), {"action": "add", "kind": "skill", "name": "python"})

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "“python” already exists." in content
    assert 'id="add-skill-error"' in content
    assert Skill.objects.filter(organisation=org, name__iexact="python").count() == 1


def test_taxonomy_add_needs_a_name(admin_client: Client, org: Organisation) -> None:
    # given
    before = WorkValue.objects.filter(organisation=org).count()

    # when
    response = admin_client.post(_url(org), {"action": "add", "kind": "value", "name": "  "})

    # then
    assert "A name is required." in response.content.decode()
    assert WorkValue.objects.filter(organisation=org).count() == before


def test_taxonomy_rename(admin_client: Client, org: Organisation) -> None:
    # given
    item = Competency.objects.get(organisation=org, name="Accountability")

    # when
    response = admin_client.post(
        _url(org), {"action": "rename", "kind": "competency", "item_id": item.pk, "name": "Ownership"}
    )

    # then
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.name == "Ownership"


def test_taxonomy_rename_conflict_is_shown_on_the_row(admin_client: Client, org: Organisation) -> None:
    # given
    item = Department.objects.get(organisation=org, name="Legal")

    # when renaming it to an existing department
    response = admin_client.post(
        _url(org), {"action": "rename", "kind": "department", "item_id": item.pk, "name": "Sales"}
    )

    # then
    content = response.content.decode()
    assert "“Sales” already exists." in content
    assert f'id="rename-department-{item.pk}-error"' in content
    item.refresh_from_db()
    assert item.name == "Legal"


def test_taxonomy_delete(admin_client: Client, org: Organisation) -> None:
    # given
    item = WorkValue.objects.get(organisation=org, name="Stability")

    # when
    response = admin_client.post(_url(org), {"action": "delete", "kind": "value", "item_id": item.pk})

    # then
    assert response.status_code == 302
    assert not WorkValue.objects.filter(pk=item.pk).exists()


@pytest.mark.parametrize("action", ["rename", "delete"])
def test_taxonomy_items_of_another_organisation_are_404(
    admin_client: Client, org: Organisation, other_org: Organisation, action: str
) -> None:
    # given a skill of another organisation
    foreign = Skill.objects.get(organisation=other_org, name="Python")

    # when
    response = admin_client.post(
        _url(org), {"action": action, "kind": "skill", "item_id": foreign.pk, "name": "Hacked"}
    )

    # then
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.name == "Python"


@pytest.mark.parametrize(
    "data",
    [
        {"action": "explode", "kind": "skill", "name": "x"},
        {"action": "add", "kind": "planet", "name": "x"},
        {"action": "delete", "kind": "skill"},
        {"action": "rename", "kind": "skill", "item_id": "abc", "name": "x"},
    ],
)
def test_taxonomy_malformed_posts_are_refused_without_changes(
    admin_client: Client, org: Organisation, data: dict[str, Any]
) -> None:
    # given
    before = Skill.objects.filter(organisation=org).count()

    # when
    response = admin_client.post(_url(org), data)

    # then
    assert response.status_code == 200
    assert 'class="notice notice--error"' in response.content.decode()
    assert Skill.objects.filter(organisation=org).count() == before


def test_taxonomy_post_by_plain_member_is_404(member_client: Client, org: Organisation) -> None:
    # given / when
    response = member_client.post(_url(org), {"action": "add", "kind": "skill", "name": "Sneaky"})

    # then
    assert response.status_code == 404
    assert not Skill.objects.filter(name="Sneaky").exists()


def test_taxonomy_post_by_outsider_is_404(client: Client, org: Organisation, outsider: Membership) -> None:
    # given
    client.force_login(outsider.user)

    # when
    response = client.post(_url(org), {"action": "add", "kind": "skill", "name": "Sneaky"})

    # then
    assert response.status_code == 404
    assert not Skill.objects.filter(name="Sneaky").exists()
