"""API: the people directory, profiles (reading and editing one's own), taxonomy and languages."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from tandem.organisations.models import Membership, Organisation, Role
from tandem.people.models import CareerLevel, Department, Language, Profile, ProfileSkill, Skill, WorkValue
from tandem.people.services import ProfileChanges, profile_set_photo, profile_update
from tests.api_client import api_client
from tests.factories import make_member, profile_of

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _skill(org: Organisation, name: str) -> Skill:
    return Skill.objects.get(organisation=org, name=name)


def _value(org: Organisation, name: str) -> WorkValue:
    return WorkValue.objects.get(organisation=org, name=name)


def _department(org: Organisation, name: str) -> Department:
    return Department.objects.get(organisation=org, name=name)


def _level(org: Organisation, rank: int) -> CareerLevel:
    return CareerLevel.objects.get(organisation=org, rank=rank)


def _rich_member(org: Organisation, n: int) -> Membership:
    """A member whose profile touches every relation the directory shows."""
    membership = make_member(org, full_name=f"Person {n:03}")
    skills = list(Skill.objects.filter(organisation=org).order_by("pk")[:3])
    profile_update(
        profile=profile_of(membership),
        changes=ProfileChanges(
            headline="Helps people grow",
            department_id=_department(org, "Engineering").pk,
            career_level_id=_level(org, 1 + n % 8).pk,
            language_codes=["en", "fr"],
            skill_levels={s.pk: 1 + (n + i) % 4 for i, s in enumerate(skills)},
            goal_skill_ids=[skills[0].pk],
            value_ids=[WorkValue.objects.filter(organisation=org).first().pk],  # type: ignore[union-attr]
            open_to_mentor=n % 2 == 0,
        ),
    )
    return membership


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "teal").save(buffer, format="PNG")
    return SimpleUploadedFile("face.png", buffer.getvalue(), content_type="image/png")


# --- directory ----------------------------------------------------------------------------------


def test_profile_directory_lists_active_members_with_their_card(
    member: Membership, org: Organisation
) -> None:
    # given
    rich = _rich_member(org, 1)
    gone = make_member(org, full_name="Gone Away")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    # when
    response = api_client(member).get(f"/api/orgs/{org.slug}/profiles")
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [p["full_name"] for p in body["items"]] == ["Mia Member", "Person 001"]
    card = body["items"][1]
    assert card["id"] == profile_of(rich).pk
    assert card["membership_id"] == rich.pk
    assert card["department"]["name"] == "Engineering"
    assert card["career_level"]["rank"] == 2
    assert [lang["code"] for lang in card["languages"]] == ["en", "fr"]
    assert len(card["skills"]) == 3
    assert {"skill_id", "name", "level"} == set(card["skills"][0])
    assert "bio" not in card  # the card is the short form


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=ruby", ["Ruby Rails"]),
        ("skill={python}", ["Ruby Rails"]),
        ("value={integrity}", ["Ruby Rails"]),
        ("career_level={level5}", ["Ruby Rails"]),
        ("department={design}", ["Sam Sketch"]),
        ("language=DE", ["Sam Sketch"]),
        ("time_zone=Asia/Tokyo", ["Sam Sketch"]),
        ("open_to_mentor=true", ["Ruby Rails"]),
        ("open_to_mentor=false", ["Mia Member", "Sam Sketch"]),
        ("skill={python}&department={design}", []),
    ],
)
def test_profile_directory_filters_like_the_people_page(
    member: Membership, org: Organisation, query: str, expected: list[str]
) -> None:
    # given two distinct people (and the caller, with an empty profile)
    ids = {
        "python": _skill(org, "Python").pk,
        "integrity": _value(org, "Integrity").pk,
        "level5": _level(org, 5).pk,
        "design": _department(org, "Design").pk,
    }
    ruby = make_member(org, full_name="Ruby Rails")
    profile_update(
        profile=profile_of(ruby),
        changes=ProfileChanges(
            skill_levels={ids["python"]: 3},
            value_ids=[ids["integrity"]],
            career_level_id=ids["level5"],
            open_to_mentor=True,
            time_zone="Europe/Paris",
        ),
    )
    sam = make_member(org, full_name="Sam Sketch")
    profile_update(
        profile=profile_of(sam),
        changes=ProfileChanges(department_id=ids["design"], language_codes=["de"], time_zone="Asia/Tokyo"),
    )
    # when
    response = api_client(member).get(f"/api/orgs/{org.slug}/profiles?" + query.format(**ids))
    # then
    assert response.status_code == 200
    assert [p["full_name"] for p in response.json()["items"]] == expected


def test_profile_directory_paginates(member: Membership, org: Organisation) -> None:
    # given 1 + 5 people
    for n in range(5):
        make_member(org, full_name=f"Person {n}")
    # when
    response = api_client(member).get(f"/api/orgs/{org.slug}/profiles?limit=2&offset=4")
    # then
    body = response.json()
    assert body["count"] == 6
    assert [p["full_name"] for p in body["items"]] == ["Person 3", "Person 4"]


def test_profile_directory_query_count_does_not_grow_with_rows(
    member: Membership, org: Organisation, django_assert_max_num_queries: Any
) -> None:
    # given
    client = api_client(member)
    client.get("/api/me")  # first use of a token stamps last_used_at; measure steady state
    coaching = _skill(org, "Coaching").pk
    counts = []
    for rows in (5, 30):
        while Profile.objects.filter(organisation=org).count() < rows:
            _rich_member(org, Profile.objects.count())
        for query in ("limit=100", f"limit=100&skill={coaching}&q=person"):
            # when
            # token, membership, count, page, then one prefetch each: skills, languages, values, goals
            with django_assert_max_num_queries(8), CaptureQueriesContext(connection) as queries:
                response = client.get(f"/api/orgs/{org.slug}/profiles?{query}")
            counts.append(len(queries.captured_queries))
            # then
            assert response.status_code == 200
            assert len(response.json()["items"]) > 0
    assert response.json()["count"] == len(response.json()["items"])
    assert counts[:2] == counts[2:]


# --- one profile --------------------------------------------------------------------------------


def test_profile_detail_returns_the_whole_profile(member: Membership, org: Organisation) -> None:
    # given a profile with a manager
    rich = _rich_member(org, 7)
    profile_update(profile=profile_of(rich), changes=ProfileChanges(manager_membership_id=member.pk))
    # when
    response = api_client(member).get(f"/api/orgs/{org.slug}/profiles/{profile_of(rich).pk}")
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["manager"] == {"membership_id": member.pk, "full_name": "Mia Member"}
    assert [g["name"] for g in body["goal_skills"]] == [
        Skill.objects.filter(organisation=org).order_by("pk")[0].name
    ]
    assert len(body["values"]) == 1
    assert body["photo_url"] is None
    assert {"bio", "hours_per_month", "meeting_formats", "mentoring_capacity", "updated_at"} <= set(body)


def test_profile_detail_of_deactivated_member_is_404(member: Membership, org: Organisation) -> None:
    # given
    gone = make_member(org)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    # when
    response = api_client(member).get(f"/api/orgs/{org.slug}/profiles/{profile_of(gone).pk}")
    # then
    assert response.status_code == 404
    assert response.json() == {"detail": "No such person."}


def test_profile_photo_is_served_to_members_only_through_the_api(
    member: Membership, org: Organisation
) -> None:
    # given a colleague with a photo
    colleague = make_member(org)
    profile_set_photo(profile=profile_of(colleague), photo=_png())
    client = api_client(member)
    # when
    profile = client.get(f"/api/orgs/{org.slug}/profiles/{profile_of(colleague).pk}").json()
    photo = client.get(profile["photo_url"])
    # then
    assert profile["photo_url"].startswith(
        f"/api/orgs/{org.slug}/profiles/{profile_of(colleague).pk}/photo?v="
    )
    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/png"
    assert b"".join(photo.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]
    assert "private" in photo["Cache-Control"]


def test_profile_photo_missing_is_404_json(member: Membership, org: Organisation) -> None:
    # when
    response = api_client(member).get(f"/api/orgs/{org.slug}/profiles/{profile_of(member).pk}/photo")
    # then
    assert response.status_code == 404
    assert response.json() == {"detail": "No such photo."}


# --- my profile ---------------------------------------------------------------------------------


def test_my_profile_returns_the_callers_profile(member: Membership, org: Organisation) -> None:
    # when
    response = api_client(member).get(f"/api/orgs/{org.slug}/profiles/me")
    # then
    assert response.status_code == 200
    assert response.json()["id"] == profile_of(member).pk


def test_my_profile_completeness_names_what_is_missing(member: Membership, org: Organisation) -> None:
    # given only a headline and a job title
    profile_update(profile=profile_of(member), changes=ProfileChanges(headline="Hello", job_title="Engineer"))
    # when
    response = api_client(member).get(f"/api/orgs/{org.slug}/profiles/me/completeness")
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["percent"] == 14
    assert body["missing"][0] == "your department"
    assert "a headline" not in body["missing"]


def test_my_profile_update_sets_every_field(member: Membership, org: Organisation) -> None:
    # given
    manager = make_member(org, full_name="Boss Person")
    python, coaching = _skill(org, "Python"), _skill(org, "Coaching")
    payload = {
        "full_name": "Mia M. Member",
        "headline": "  Curious engineer  ",
        "bio": "I build things.",
        "job_title": "Engineer",
        "department_id": _department(org, "Engineering").pk,
        "career_level_id": _level(org, 3).pk,
        "years_experience": 6,
        "industry": "Software",
        "location": "Lyon",
        "time_zone": "Europe/Paris",
        "languages": ["fr", "EN"],
        "skills": [{"skill_id": python.pk, "level": 4}, {"skill_id": coaching.pk, "level": 1}],
        "goal_skill_ids": [_skill(org, "Public speaking").pk],
        "goals_text": "Speak at a conference",
        "value_ids": [_value(org, "Integrity").pk],
        "hours_per_month": 6,
        "meeting_formats": ["chat", "video"],
        "manager_membership_id": manager.pk,
        "open_to_mentor": True,
        "seeking_mentorship": True,
        "mentoring_capacity": 3,
    }
    # when
    response = api_client(member).patch(f"/api/orgs/{org.slug}/profiles/me", payload, content_type=JSON)
    # then the response is the saved profile
    assert response.status_code == 200
    body = response.json()
    assert body["full_name"] == "Mia M. Member"
    assert body["headline"] == "Curious engineer"
    assert body["department"]["name"] == "Engineering"
    assert body["career_level"]["rank"] == 3
    assert [lang["code"] for lang in body["languages"]] == ["en", "fr"]
    assert [(s["name"], s["level"]) for s in body["skills"]] == [("Python", 4), ("Coaching", 1)]
    assert [g["name"] for g in body["goal_skills"]] == ["Public speaking"]
    assert [v["name"] for v in body["values"]] == ["Integrity"]
    assert body["meeting_formats"] == ["video", "chat"]
    assert body["manager"]["membership_id"] == manager.pk
    assert (body["years_experience"], body["hours_per_month"], body["mentoring_capacity"]) == (6, 6, 3)
    assert (body["open_to_mentor"], body["seeking_mentorship"]) == (True, True)
    # and the database agrees
    profile = profile_of(member)
    assert (profile.time_zone, profile.location, profile.industry, profile.goals_text) == (
        "Europe/Paris",
        "Lyon",
        "Software",
        "Speak at a conference",
    )
    assert ProfileSkill.objects.get(profile=profile, skill=python).level == 4


def test_my_profile_update_is_partial(member: Membership, org: Organisation) -> None:
    # given
    profile_update(
        profile=profile_of(member),
        changes=ProfileChanges(
            headline="Keep me", language_codes=["en"], skill_levels={_skill(org, "Python").pk: 2}
        ),
    )
    # when only one field is sent
    response = api_client(member).patch(
        f"/api/orgs/{org.slug}/profiles/me", {"job_title": "CTO"}, content_type=JSON
    )
    # then the others stay
    assert response.status_code == 200
    body = response.json()
    assert (body["job_title"], body["headline"]) == ("CTO", "Keep me")
    assert [lang["code"] for lang in body["languages"]] == ["en"]
    assert len(body["skills"]) == 1


def test_my_profile_update_null_clears_department_level_and_manager(
    member: Membership, org: Organisation
) -> None:
    # given
    manager = make_member(org)
    profile_update(
        profile=profile_of(member),
        changes=ProfileChanges(
            department_id=_department(org, "Design").pk,
            career_level_id=_level(org, 2).pk,
            manager_membership_id=manager.pk,
        ),
    )
    # when
    response = api_client(member).patch(
        f"/api/orgs/{org.slug}/profiles/me",
        {"department_id": None, "career_level_id": None, "manager_membership_id": None},
        content_type=JSON,
    )
    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["department"], body["career_level"], body["manager"]) == (None, None, None)


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, 400, "time_zone"),
        ({"languages": ["xx"]}, 400, "languages"),
        ({"value_ids": "VALUES6"}, 400, "value_ids"),
        ({"manager_membership_id": "SELF"}, 400, "manager_membership_id"),
        ({"department_id": 987654321}, 400, "department_id"),
        ({"skills": [{"skill_id": 987654321, "level": 2}]}, 400, "skills"),
        ({"skills": "PYTHON_TWICE"}, 422, "body.skills"),
        ({"meeting_formats": ["carrier pigeon"]}, 422, "body.meeting_formats.0"),
        ({"headline": "x" * 151}, 422, "body.headline"),
        ({"years_experience": 71}, 422, "body.years_experience"),
        ({"years_experience": 2**70}, 422, "body.years_experience"),
        ({"goal_skill_ids": [0]}, 422, "body.goal_skill_ids.0"),
        ({"open_to_mentor": "perhaps"}, 422, "body.open_to_mentor"),
        ({"languages": None}, 422, "body.languages"),
    ],
)
def test_my_profile_update_refuses_bad_input_naming_the_field_and_writes_nothing(
    member: Membership, org: Organisation, payload: dict[str, Any], status: int, field: str
) -> None:
    # given placeholders that need the database
    python = _skill(org, "Python").pk
    if payload.get("value_ids") == "VALUES6":
        payload["value_ids"] = list(
            WorkValue.objects.filter(organisation=org).values_list("pk", flat=True)[:6]
        )
    if payload.get("manager_membership_id") == "SELF":
        payload["manager_membership_id"] = member.pk
    if payload.get("skills") == "PYTHON_TWICE":
        payload["skills"] = [{"skill_id": python, "level": 2}, {"skill_id": python, "level": 3}]
    # when sent together with a valid change
    response = api_client(member).patch(
        f"/api/orgs/{org.slug}/profiles/me", {"headline": "Changed", **payload}, content_type=JSON
    )
    # then
    assert response.status_code == status
    body = response.json()
    if status == 400:
        assert body["field"] == field
    else:
        assert [e["field"] for e in body["errors"]] == [field]
    assert profile_of(member).headline == ""


def test_my_profile_update_refuses_another_organisations_ids(
    member: Membership, org: Organisation, other_org: Organisation, outsider: Membership
) -> None:
    # given ids that exist, but in the other organisation
    theirs = {
        "department_id": _department(other_org, "Design").pk,
        "career_level_id": _level(other_org, 1).pk,
        "manager_membership_id": outsider.pk,
        "skills": [{"skill_id": _skill(other_org, "Python").pk, "level": 2}],
        "goal_skill_ids": [_skill(other_org, "Python").pk],
        "value_ids": [_value(other_org, "Integrity").pk],
    }
    client = api_client(member)
    for field, value in theirs.items():
        # when
        response = client.patch(f"/api/orgs/{org.slug}/profiles/me", {field: value}, content_type=JSON)
        # then
        assert response.status_code == 400, field
        assert response.json()["field"] == field
    profile = profile_of(member)
    assert (profile.department_id, profile.career_level_id, profile.manager_id) == (None, None, None)
    assert not profile.skills.exists()
    assert not profile.goal_skills.exists()
    assert not profile.values.exists()


# --- taxonomy -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "first"),
    [
        ("skills", {"name": "Customer research", "category": "Business", "rank": None}),
        ("competencies", {"name": "Accountability", "category": None, "rank": None}),
        ("values", {"name": "Autonomy", "category": None, "rank": None}),
        ("departments", {"name": "Customer Success", "category": None, "rank": None}),
        ("career-levels", {"name": "Intern", "category": None, "rank": 1}),
    ],
)
def test_taxonomy_list_returns_the_organisations_items(
    member: Membership, org: Organisation, other_org: Organisation, kind: str, first: dict[str, Any]
) -> None:
    # when
    response = api_client(member).get(f"/api/orgs/{org.slug}/taxonomy/{kind}")
    # then
    assert response.status_code == 200
    items = response.json()
    assert {k: items[0][k] for k in first} == first
    assert len({i["id"] for i in items}) == len(items)


@pytest.mark.parametrize("rows", [5, 30])
def test_taxonomy_list_query_count_is_bounded(
    rows: int, member: Membership, org: Organisation, django_assert_max_num_queries: Any
) -> None:
    # given
    Skill.objects.filter(organisation=org).delete()
    Skill.objects.bulk_create([Skill(organisation=org, name=f"Skill {i}") for i in range(rows)])
    client = api_client(member)
    client.get("/api/me")
    # when
    with django_assert_max_num_queries(3):
        response = client.get(f"/api/orgs/{org.slug}/taxonomy/skills")
    # then
    assert len(response.json()) == rows


def test_taxonomy_item_create_rename_delete(org_admin: Membership, org: Organisation) -> None:
    # given
    client = api_client(org_admin)
    base = f"/api/orgs/{org.slug}/taxonomy/skills"
    # when
    created = client.post(base, {"name": "Rust", "category": "Technology"}, content_type=JSON)
    # then
    assert created.status_code == 201
    item = created.json()
    assert (item["name"], item["category"], item["description"]) == ("Rust", "Technology", "")
    # when
    renamed = client.patch(
        f"{base}/{item['id']}", {"name": "Rust (systems)", "description": "Fast"}, content_type=JSON
    )
    # then
    assert renamed.status_code == 200
    assert (renamed.json()["name"], renamed.json()["description"]) == ("Rust (systems)", "Fast")
    # when
    deleted = client.delete(f"{base}/{item['id']}")
    # then
    assert deleted.status_code == 204
    assert not Skill.objects.filter(pk=item["id"]).exists()
    assert client.delete(f"{base}/{item['id']}").status_code == 404


def test_taxonomy_item_create_duplicate_is_409(org_admin: Membership, org: Organisation) -> None:
    # when
    response = api_client(org_admin).post(
        f"/api/orgs/{org.slug}/taxonomy/values", {"name": "integrity"}, content_type=JSON
    )
    # then
    assert response.status_code == 409
    assert response.json() == {"detail": "“integrity” already exists.", "field": "name"}


def test_taxonomy_item_create_category_only_for_skills(org_admin: Membership, org: Organisation) -> None:
    # when
    response = api_client(org_admin).post(
        f"/api/orgs/{org.slug}/taxonomy/departments",
        {"name": "Research", "category": "Science"},
        content_type=JSON,
    )
    # then
    assert response.status_code == 400
    assert response.json()["field"] == "category"
    assert not Department.objects.filter(organisation=org, name="Research").exists()


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("post", "/career-levels", {"name": "Guru"}, "path.kind"),
        ("post", "/skills", {"name": ""}, "body.name"),
        ("post", "/skills", {"name": "x" * 81}, "body.name"),
        ("post", "/skills", {}, "body.name"),
        ("patch", "/skills/1", {"description": "no name"}, "body.name"),
        ("patch", "/skills/1", {"name": "N", "description": None}, "body.description"),
    ],
)
def test_taxonomy_write_bad_input_is_422(
    org: Organisation, method: str, path: str, body: dict[str, Any], field: str
) -> None:
    # given
    org_admin = make_member(org, role=Role.ORG_ADMIN)
    # when
    response = getattr(api_client(org_admin), method)(
        f"/api/orgs/{org.slug}/taxonomy{path}", body, content_type=JSON
    )
    # then
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


def test_taxonomy_item_rename_to_blank_is_400(org_admin: Membership, org: Organisation) -> None:
    # given
    skill = _skill(org, "Python")
    # when
    response = api_client(org_admin).patch(
        f"/api/orgs/{org.slug}/taxonomy/skills/{skill.pk}", {"name": "   "}, content_type=JSON
    )
    # then
    assert response.status_code == 400
    assert response.json() == {"detail": "A name is required.", "field": "name"}


@pytest.mark.parametrize("role", [Role.MEMBER, Role.PROGRAM_ADMIN])
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("post", "", {"name": "Knitting"}), ("patch", "/{id}", {"name": "Renamed"}), ("delete", "/{id}", None)],
)
def test_taxonomy_writes_are_403_below_org_admin(
    org: Organisation, role: str, method: str, path: str, body: dict[str, Any] | None
) -> None:
    # given
    caller = make_member(org, role=role)
    skill = _skill(org, "Python")
    # when
    response = getattr(api_client(caller), method)(
        f"/api/orgs/{org.slug}/taxonomy/skills" + path.format(id=skill.pk), body, content_type=JSON
    )
    # then
    assert response.status_code == 403
    skill.refresh_from_db()
    assert skill.name == "Python"
    assert not Skill.objects.filter(organisation=org, name="Knitting").exists()


# --- languages ----------------------------------------------------------------------------------


def test_languages_lists_iso_codes(member: Membership) -> None:
    # when
    response = api_client(member).get("/api/languages")
    # then
    assert response.status_code == 200
    languages = response.json()
    assert len(languages) == Language.objects.count() > 40
    assert {"code": "fr", "name": "French"} in languages


def test_languages_need_authentication(client: Client) -> None:
    # when
    response = client.get("/api/languages")
    # then
    assert response.status_code == 401
