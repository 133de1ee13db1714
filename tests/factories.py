"""Factories for tests. Organisations are made through the real service so they get the
default taxonomy, exactly as in production."""

from __future__ import annotations

from typing import Any

import factory

from tandem.accounts.models import User
from tandem.organisations.models import Membership, Organisation, Role
from tandem.organisations.services import membership_create, organisation_create
from tandem.people.models import Profile

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        if create:
            obj.save()


_org_counter = iter(range(1, 10**9))


def make_organisation(name: str | None = None, *, admin: User | None = None) -> Organisation:
    n = next(_org_counter)
    return organisation_create(name=name or f"Org {n}", slug=f"org-{n}", creator=admin)


def make_member(
    organisation: Organisation, *, role: str = Role.MEMBER, user: User | None = None, **user_fields: Any
) -> Membership:
    user = user or UserFactory(**user_fields)
    return membership_create(organisation=organisation, user=user, role=role)


def profile_of(membership: Membership) -> Profile:
    return Profile.objects.get(membership=membership)
