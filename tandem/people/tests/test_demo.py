"""The demo organisation: believable, deterministic, idempotent, quick to load."""

from __future__ import annotations

import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tandem.accounts.models import User
from tandem.organisations import defaults
from tandem.organisations.models import Membership, Organisation, Role
from tandem.people import demo_data
from tandem.people.demo import DEFAULT_PEOPLE, DEMO_LOGINS, DEMO_PASSWORD, MIN_PEOPLE, demo_load
from tandem.people.models import MAX_WORK_VALUES, CareerLevel, Department, Profile, ProfileSkill

pytestmark = pytest.mark.django_db

SMALL = 60  # enough for every department; the full default size is tested once below


def snapshot(organisation: Organisation) -> list[tuple[object, ...]]:
    """Who is in the organisation and what they offer, independent of database ids."""
    profiles = (
        Profile.objects.filter(organisation=organisation)
        .select_related("membership__user", "department", "career_level", "manager__user")
        .prefetch_related("skill_levels__skill", "languages", "values", "goal_skills")
        .order_by("membership__user__email")
    )
    return [
        (
            p.membership.user.email,
            p.membership.user.full_name,
            p.membership.role,
            p.job_title,
            p.department.name if p.department else None,
            p.career_level.rank if p.career_level else None,
            p.manager.user.email if p.manager else None,
            p.time_zone,
            p.goals_text,
            p.open_to_mentor,
            p.seeking_mentorship,
            sorted((s.skill.name, s.level) for s in p.skill_levels.all()),
            sorted(lang.code for lang in p.languages.all()),
            sorted(v.name for v in p.values.all()),
            sorted(g.name for g in p.goal_skills.all()),
        )
        for p in profiles
    ]


def table_counts() -> tuple[int, ...]:
    return (
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        Profile.objects.count(),
        ProfileSkill.objects.count(),
        Profile.languages.through.objects.count(),
        Profile.values.through.objects.count(),
        Profile.goal_skills.through.objects.count(),
    )


def forget_demo() -> None:
    Organisation.objects.filter(slug=demo_data.ORGANISATION_SLUG).delete()
    User.objects.filter(email__endswith=f"@{demo_data.EMAIL_DOMAIN}").delete()


def test_demo_load_creates_a_believable_organisation_of_the_default_size():
    # when (programs go through the per-item services on purpose; the people part must be bulk)
    with mock.patch("tandem.people.demo.demo_programs"), CaptureQueriesContext(connection) as queries:
        result = demo_load()
    # then: bulk writes, not a query per person
    assert result.created
    assert len(queries) < 60
    organisation = result.organisation
    profiles = list(
        Profile.objects.filter(organisation=organisation)
        .select_related("membership__user", "department", "career_level", "manager")
        .prefetch_related("skill_levels", "languages", "values", "goal_skills")
    )
    assert result.people == len(profiles) == DEFAULT_PEOPLE >= 300
    assert Profile.objects.exclude(organisation=organisation).count() == 0
    assert all(p.membership.organisation_id == organisation.pk for p in profiles)

    # across every department and career level, many time zones and languages
    assert {p.department_id for p in profiles} == set(
        Department.objects.filter(organisation=organisation).values_list("pk", flat=True)
    )
    assert {p.career_level_id for p in profiles} == set(
        CareerLevel.objects.filter(organisation=organisation).values_list("pk", flat=True)
    )
    assert len({p.time_zone for p in profiles}) >= 15
    assert len({lang.code for p in profiles for lang in p.languages.all()}) >= 12
    assert all(any(lang.code == "en" for lang in p.languages.all()) for p in profiles)

    # varied skills with levels, goals and at most five values
    skill_levels = [s.level for p in profiles for s in p.skill_levels.all()]
    assert set(skill_levels) == {1, 2, 3, 4}
    assert all(p.skill_levels.all() for p in profiles)
    assert len({s.skill_id for p in profiles for s in p.skill_levels.all()}) >= 30
    assert all(p.goal_skills.all() for p in profiles)
    assert sum(bool(p.goals_text) for p in profiles) > DEFAULT_PEOPLE // 2
    assert all(3 <= len(p.values.all()) <= MAX_WORK_VALUES for p in profiles)

    # about a third open to mentor, about a third seeking
    mentors = sum(p.open_to_mentor for p in profiles) / len(profiles)
    seekers = sum(p.seeking_mentorship for p in profiles) / len(profiles)
    assert 0.25 <= mentors <= 0.42
    assert 0.25 <= seekers <= 0.42

    # diverse names, unique emails
    assert len({p.membership.user.full_name.split()[-1] for p in profiles}) >= 100
    assert len({p.membership.user.email for p in profiles}) == len(profiles)


def test_demo_load_reporting_lines_form_one_tree_mostly_within_departments():
    # given
    organisation = demo_load(people=SMALL).organisation
    profiles = {
        p.membership_id: p
        for p in Profile.objects.filter(organisation=organisation).select_related("career_level")
    }
    # when: walk up from everyone
    roots = [p for p in profiles.values() if p.manager_id is None]
    for start in profiles.values():
        seen: set[int] = set()
        current: Profile | None = start
        while current is not None:
            assert current.membership_id not in seen, "reporting-line loop"
            seen.add(current.membership_id)
            current = profiles[current.manager_id] if current.manager_id is not None else None
    # then: a single chief executive at the top; everyone else reports to someone more senior
    # (the executive team to the chief executive, a peer by rank)
    assert len(roots) == 1
    assert roots[0].job_title == "Chief Executive Officer"
    lines = [(p, profiles[p.manager_id]) for p in profiles.values() if p.manager_id is not None]
    for report, manager in lines:
        assert report.career_level is not None
        assert manager.career_level is not None
        assert manager.career_level.rank > report.career_level.rank or manager == roots[0]
    same_department = sum(manager.department_id == report.department_id for report, manager in lines)
    assert same_department / len(lines) > 0.8


def test_demo_load_sign_ins_work_with_their_roles(client: Client):
    # given
    organisation = demo_load(people=MIN_PEOPLE).organisation
    for login in DEMO_LOGINS:
        # when
        signed_in = client.login(email=login.email, password=DEMO_PASSWORD)
        # then
        assert signed_in, login.email
        membership = Membership.objects.get(user__email=login.email, organisation=organisation)
        assert membership.role == login.role
        assert membership.is_active
        client.logout()
    member = Profile.objects.get(membership__user__email=f"member@{demo_data.EMAIL_DOMAIN}")
    assert member.seeking_mentorship
    assert member.manager is not None
    assert Membership.objects.filter(organisation=organisation, role=Role.ORG_ADMIN).count() == 1


def test_demo_load_with_the_same_seed_makes_the_same_people():
    # given
    first = snapshot(demo_load(seed=7, people=SMALL).organisation)
    forget_demo()
    # when
    second = snapshot(demo_load(seed=7, people=SMALL).organisation)
    # then
    assert first == second


def test_demo_load_with_another_seed_makes_other_people():
    # given
    first = snapshot(demo_load(seed=7, people=SMALL).organisation)
    forget_demo()
    # when
    second = snapshot(demo_load(seed=8, people=SMALL).organisation)
    # then
    assert [row[1] for row in first] != [row[1] for row in second]


def test_demo_load_twice_changes_nothing():
    # given
    first = demo_load(people=SMALL)
    before, people_before = table_counts(), snapshot(first.organisation)
    # when
    second = demo_load(people=SMALL)
    # then
    assert not second.created
    assert second.organisation == first.organisation
    assert second.people == SMALL
    assert table_counts() == before
    assert snapshot(second.organisation) == people_before


def test_demo_load_reuses_accounts_left_from_an_earlier_demo():
    # given: the demo organisation was deleted but its accounts remain
    demo_load(people=SMALL)
    Organisation.objects.filter(slug=demo_data.ORGANISATION_SLUG).delete()
    users = User.objects.count()
    # when
    result = demo_load(people=SMALL)
    # then
    assert result.created
    assert User.objects.count() == users
    assert Membership.objects.filter(organisation=result.organisation).count() == SMALL


def test_demo_command_prints_the_sign_ins_and_is_idempotent():
    # given
    out = io.StringIO()
    # when
    call_command("demo", "--people", str(SMALL), stdout=out)
    call_command("demo", "--people", str(SMALL), stdout=out)
    # then
    text = out.getvalue()
    assert f"Created the demo organisation “Northwind Group” with {SMALL} people." in text
    assert "already exists" in text
    assert f"password “{DEMO_PASSWORD}”" in text
    for login in DEMO_LOGINS:
        assert login.email in text
    assert "/o/northwind/people/" in text
    assert Organisation.objects.filter(slug=demo_data.ORGANISATION_SLUG).count() == 1


def test_demo_command_refuses_too_few_people():
    # when / then
    with pytest.raises(CommandError, match=f"at least {MIN_PEOPLE}"):
        call_command("demo", "--people", "10")
    assert not Organisation.objects.filter(slug=demo_data.ORGANISATION_SLUG).exists()


def test_demo_data_names_only_default_taxonomy():
    # given: the demo draws on the default taxonomy every organisation starts with
    skills = {name for names in defaults.SKILLS.values() for name in names}
    # when
    used = {
        *demo_data.LEADERSHIP_SKILLS,
        *demo_data.GENERAL_SKILLS,
        *demo_data.GOALS_EARLY,
        *demo_data.GOALS_MID,
        *demo_data.GOALS_SENIOR,
        *(s for plan in demo_data.DEPARTMENTS for s in plan.core_skills),
    }
    # then
    assert used <= skills
    assert {plan.name for plan in demo_data.DEPARTMENTS} == set(defaults.DEPARTMENTS)
    assert set(demo_data.VALUE_WEIGHTS) <= set(defaults.WORK_VALUES)
    assert sum(plan.weight for plan in demo_data.DEPARTMENTS) == 100
