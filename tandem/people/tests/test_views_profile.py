"""Profile pages: viewing someone, one's own profile with completeness, editing it, the photo."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from tandem.organisations.models import Membership, Organisation
from tandem.people.forms import PHOTO_MAX_BYTES
from tandem.people.models import CareerLevel, Department, Profile, ProfileSkill, Skill, WorkValue
from tandem.people.services import ProfileChanges, profile_update
from tests.factories import make_member, profile_of


def _url(name: str, org: Organisation, **kwargs: Any) -> str:
    return reverse(f"people:{name}", kwargs={"org_slug": org.slug, **kwargs})


def _png(size: tuple[int, int] = (8, 8), image_format: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 122, 80)).save(buffer, format=image_format)
    return buffer.getvalue()


def _full_post(org: Organisation, manager: Membership) -> dict[str, Any]:
    """A submission touching every field of the form."""
    python = Skill.objects.get(organisation=org, name="Python")
    writing = Skill.objects.get(organisation=org, name="Writing")
    coaching = Skill.objects.get(organisation=org, name="Coaching")
    values = list(WorkValue.objects.filter(organisation=org).order_by("name")[:3])
    return {
        "full_name": "Mia Renamed",
        "headline": "Data person who likes to teach",
        "bio": "Ten years of analytics.\nLoves cycling.",
        "job_title": "Lead analyst",
        "department": Department.objects.get(organisation=org, name="Data").pk,
        "career_level": CareerLevel.objects.get(organisation=org, name="Lead").pk,
        "years_experience": "10",
        "industry": "Retail",
        "location": "Lyon, France",
        "time_zone": "Europe/Paris",
        "languages": ["fr", "en"],
        f"skill_{python.pk}": "4",
        f"skill_{writing.pk}": "2",
        "goal_skills": [coaching.pk],
        "goals_text": "Grow into people management.",
        "values": [v.pk for v in values],
        "hours_per_month": "6",
        "meeting_formats": ["video", "chat"],
        "manager": manager.pk,
        "open_to_mentor": "on",
        "seeking_mentorship": "on",
        "mentoring_capacity": "3",
    }


@pytest.fixture
def colleague(org: Organisation) -> Membership:
    membership = make_member(org, full_name="Carl Colleague")
    python = Skill.objects.get(organisation=org, name="Python")
    coaching = Skill.objects.get(organisation=org, name="Coaching")
    profile_update(
        profile=profile_of(membership),
        changes=ProfileChanges(
            headline="Backend engineer",
            bio="I build APIs.",
            skill_levels={python.pk: 3},
            goal_skill_ids=[coaching.pk],
            goals_text="Become a tech lead",
            value_ids=[WorkValue.objects.get(organisation=org, name="Curiosity").pk],
            meeting_formats=["phone"],
            hours_per_month=5,
            language_codes=["it"],
        ),
    )
    return membership


# ---- detail -------------------------------------------------------------------------------------


def test_detail_shows_the_whole_profile(
    member_client: Client, org: Organisation, colleague: Membership, org_admin: Membership
) -> None:
    # given a colleague who reports to the org admin
    profile_update(profile=profile_of(colleague), changes=ProfileChanges(manager_membership_id=org_admin.pk))

    # when
    response = member_client.get(_url("detail", org, profile_id=profile_of(colleague).pk))

    # then
    content = response.content.decode()
    assert response.status_code == 200
    for text in [
        "Carl Colleague",
        "Backend engineer",
        "I build APIs.",
        "Python",
        "Advanced",
        "Coaching",
        "Become a tech lead",
        "Curiosity",
        "Phone",
        "5 hours a month",
        "Italian",
    ]:
        assert text in content, text
    manager_url = _url("detail", org, profile_id=profile_of(org_admin).pk)
    assert f'href="{manager_url}">Olga Admin</a>' in content


def test_detail_of_another_organisations_profile_is_404(
    member_client: Client, org: Organisation, outsider: Membership
) -> None:
    # given a profile in another organisation
    foreign = profile_of(outsider)

    # when asking for it through our organisation's URL
    response = member_client.get(_url("detail", org, profile_id=foreign.pk))

    # then
    assert response.status_code == 404


def test_detail_outsider_gets_404(
    client: Client, org: Organisation, colleague: Membership, outsider: Membership
) -> None:
    # given a member of another organisation
    client.force_login(outsider.user)

    # when
    response = client.get(_url("detail", org, profile_id=profile_of(colleague).pk))

    # then
    assert response.status_code == 404


def test_detail_of_deactivated_member_is_404(
    member_client: Client, org: Organisation, colleague: Membership
) -> None:
    # given a colleague who left
    Membership.objects.filter(pk=colleague.pk).update(is_active=False)

    # when
    response = member_client.get(_url("detail", org, profile_id=profile_of(colleague).pk))

    # then
    assert response.status_code == 404


def test_detail_of_oneself_goes_to_my_profile(
    member_client: Client, org: Organisation, member: Membership
) -> None:
    # given / when
    response = member_client.get(_url("detail", org, profile_id=profile_of(member).pk))

    # then
    assert response.status_code == 302
    assert response["Location"] == _url("me", org)


# ---- me -----------------------------------------------------------------------------------------


def test_me_shows_completeness_and_what_is_missing(member_client: Client, org: Organisation) -> None:
    # given a fresh, empty profile

    # when
    response = member_client.get(_url("me", org))

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "Profile completeness" in content
    assert "0%" in content
    assert "A headline" in content
    assert "Skills you can offer" in content
    assert _url("edit", org) in content


def test_me_reflects_a_more_complete_profile(
    member_client: Client, org: Organisation, member: Membership
) -> None:
    # given a profile with a headline and a job title
    profile_update(profile=profile_of(member), changes=ProfileChanges(headline="Hi", job_title="Analyst"))

    # when
    content = member_client.get(_url("me", org)).content.decode()

    # then
    assert "14%" in content  # 2 of 14 checks
    assert "A headline" not in content
    assert "Your department" in content


def test_me_outsider_gets_404(client: Client, org: Organisation, outsider: Membership) -> None:
    # given
    client.force_login(outsider.user)

    # when
    response = client.get(_url("me", org))

    # then
    assert response.status_code == 404


# ---- edit ---------------------------------------------------------------------------------------


def test_edit_form_shows_current_values(member_client: Client, org: Organisation, member: Membership) -> None:
    # given a profile with a time zone and a skill
    python = Skill.objects.get(organisation=org, name="Python")
    profile_update(
        profile=profile_of(member),
        changes=ProfileChanges(time_zone="Asia/Tokyo", skill_levels={python.pk: 3}, headline="Hello there"),
    )

    # when
    content = member_client.get(_url("edit", org)).content.decode()

    # then
    assert 'value="Hello there"' in content
    assert '<option value="Asia/Tokyo" selected>' in content
    assert f'name="skill_{python.pk}"' in content
    assert '<option value="3" selected>Advanced</option>' in content


def test_edit_round_trip_saves_every_field(
    member_client: Client, org: Organisation, member: Membership, org_admin: Membership
) -> None:
    # given a submission touching every field
    data = _full_post(org, manager=org_admin)

    # when
    response = member_client.post(_url("edit", org), data)

    # then
    assert response.status_code == 302
    assert response["Location"] == _url("me", org)
    profile = Profile.objects.get(pk=profile_of(member).pk)
    assert profile.membership.user.full_name == "Mia Renamed"
    assert profile.headline == data["headline"]
    assert profile.bio == data["bio"]
    assert profile.job_title == "Lead analyst"
    assert profile.department_id == data["department"]
    assert profile.career_level_id == data["career_level"]
    assert profile.years_experience == 10
    assert profile.industry == "Retail"
    assert profile.location == "Lyon, France"
    assert profile.time_zone == "Europe/Paris"
    assert sorted(lang.code for lang in profile.languages.all()) == ["en", "fr"]
    assert {(ps.skill.name, ps.level) for ps in ProfileSkill.objects.filter(profile=profile)} == {
        ("Python", 4),
        ("Writing", 2),
    }
    assert [s.name for s in profile.goal_skills.all()] == ["Coaching"]
    assert profile.goals_text == "Grow into people management."
    assert sorted(v.pk for v in profile.values.all()) == sorted(data["values"])
    assert profile.hours_per_month == 6
    assert profile.meeting_formats == ["video", "chat"]
    assert profile.manager_id == org_admin.pk
    assert profile.open_to_mentor is True
    assert profile.seeking_mentorship is True
    assert profile.mentoring_capacity == 3

    # and the form shows it all back
    again = member_client.get(_url("edit", org)).content.decode()
    assert 'value="Mia Renamed"' in again
    assert '<option value="4" selected>Expert</option>' in again
    assert f'<option value="{org_admin.pk}" selected>Olga Admin</option>' in again


def test_edit_clears_optional_choices(
    member_client: Client, org: Organisation, member: Membership, org_admin: Membership
) -> None:
    # given a saved profile with department, level, manager and skills
    member_client.post(_url("edit", org), _full_post(org, manager=org_admin))
    data = _full_post(org, manager=org_admin)
    python = Skill.objects.get(organisation=org, name="Python")
    writing = Skill.objects.get(organisation=org, name="Writing")

    # when they are emptied
    data.update(
        {
            "department": "",
            "career_level": "",
            "manager": "",
            f"skill_{python.pk}": "",
            f"skill_{writing.pk}": "",
            "values": [],
            "languages": [],
            "goal_skills": [],
        }
    )
    data.pop("open_to_mentor")
    response = member_client.post(_url("edit", org), data)

    # then
    assert response.status_code == 302
    profile = Profile.objects.get(pk=profile_of(member).pk)
    assert profile.department_id is None
    assert profile.career_level_id is None
    assert profile.manager_id is None
    assert not profile.skill_levels.exists()
    assert not profile.values.exists()
    assert not profile.languages.exists()
    assert profile.open_to_mentor is False


def test_edit_rejects_more_than_five_values(
    member_client: Client, org: Organisation, member: Membership, org_admin: Membership
) -> None:
    # given six work values
    data = _full_post(org, manager=org_admin)
    data["values"] = [v.pk for v in WorkValue.objects.filter(organisation=org)[:6]]

    # when
    response = member_client.post(_url("edit", org), data)

    # then the field says why, and nothing is saved
    content = response.content.decode()
    assert response.status_code == 200
    assert "Pick at most 5 work values (you picked 6)." in content
    assert 'href="#field-values"' in content  # in the summary, linked to the field
    assert "Nothing was saved." in content
    profile = Profile.objects.get(pk=profile_of(member).pk)
    assert profile.headline == ""
    assert not profile.values.exists()


def test_edit_rejects_a_manager_from_another_organisation(
    member_client: Client, org: Organisation, member: Membership, org_admin: Membership, outsider: Membership
) -> None:
    # given the membership id of someone in another organisation
    data = _full_post(org, manager=org_admin)
    data["manager"] = outsider.pk

    # when
    response = member_client.post(_url("edit", org), data)

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_manager_error"' in content
    assert 'aria-invalid="true"' in content
    assert Profile.objects.get(pk=profile_of(member).pk).manager_id is None


def test_edit_shows_a_service_error_on_its_field(
    member_client: Client, org: Organisation, member: Membership, org_admin: Membership
) -> None:
    # given the org admin already reports to our member: choosing them as manager makes a loop
    profile_update(profile=profile_of(org_admin), changes=ProfileChanges(manager_membership_id=member.pk))
    data = _full_post(org, manager=org_admin)

    # when
    response = member_client.post(_url("edit", org), data)

    # then the service's refusal shows on the manager field, and the whole update rolled back
    content = response.content.decode()
    assert "That would make a reporting-line loop." in content
    assert 'id="id_manager_error"' in content
    profile = Profile.objects.get(pk=profile_of(member).pk)
    assert profile.manager_id is None
    assert profile.headline == ""
    assert profile.membership.user.full_name == "Mia Member"


@pytest.mark.parametrize(
    "case",
    [
        ("full_name", "", "This field is required."),
        ("years_experience", "200", "Ensure this value is less than or equal to 70."),
        ("hours_per_month", "-1", "Ensure this value is greater than or equal to 0."),
        ("time_zone", "Mars/Olympus", "Select a valid choice."),
        ("meeting_formats", ["telepathy"], "Select a valid choice."),
        ("languages", ["xx"], "Select a valid choice."),
    ],
)
def test_edit_bad_input_shows_field_errors_and_writes_nothing(
    member_client: Client,
    org: Organisation,
    member: Membership,
    org_admin: Membership,
    case: tuple[str, Any, str],
) -> None:
    # given one bad field among good ones
    field, value, message = case
    data = _full_post(org, manager=org_admin)
    data[field] = value

    # when
    response = member_client.post(_url("edit", org), data)

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert message in content
    assert f'id="id_{field}_error"' in content
    assert Profile.objects.get(pk=profile_of(member).pk).headline == ""


def test_edit_rejects_a_skill_level_out_of_range(
    member_client: Client, org: Organisation, member: Membership, org_admin: Membership
) -> None:
    # given
    data = _full_post(org, manager=org_admin)
    python = Skill.objects.get(organisation=org, name="Python")
    data[f"skill_{python.pk}"] = "9"

    # when
    response = member_client.post(_url("edit", org), data)

    # then
    assert f'href="#field-skill_{python.pk}"' in response.content.decode()
    assert not ProfileSkill.objects.filter(profile=profile_of(member)).exists()


def test_edit_changes_only_ones_own_profile(
    member_client: Client, org: Organisation, member: Membership, org_admin: Membership
) -> None:
    # given someone else's ids smuggled into the form
    data = _full_post(org, manager=org_admin)
    data.update({"profile_id": profile_of(org_admin).pk, "membership_id": org_admin.pk})

    # when
    member_client.post(_url("edit", org), data)

    # then the signed-in member's profile changed, and only theirs
    assert Profile.objects.get(pk=profile_of(member).pk).headline == data["headline"]
    assert Profile.objects.get(pk=profile_of(org_admin).pk).headline == ""
    # and there is no way to post to someone else's profile page
    assert (
        member_client.post(_url("detail", org, profile_id=profile_of(org_admin).pk), data).status_code == 405
    )


def test_edit_outsider_gets_404(
    client: Client, org: Organisation, outsider: Membership, org_admin: Membership
) -> None:
    # given
    client.force_login(outsider.user)

    # when
    response = client.post(_url("edit", org), _full_post(org, manager=org_admin))

    # then
    assert response.status_code == 404


# ---- photo --------------------------------------------------------------------------------------


def test_photo_upload_is_stored_and_served_to_colleagues(
    member_client: Client, org: Organisation, member: Membership, colleague: Membership
) -> None:
    # given
    upload = SimpleUploadedFile("holiday at the beach.png", _png(), content_type="image/png")

    # when
    response = member_client.post(_url("photo_update", org), {"photo": upload})

    # then it is stored under a random name, and a colleague can fetch it
    assert response.status_code == 302
    profile = profile_of(member)
    assert profile.photo
    assert "beach" not in profile.photo.name
    client = Client()
    client.force_login(colleague.user)
    served = client.get(_url("photo", org, profile_id=profile.pk))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert "private" in served["Cache-Control"]
    assert served.getvalue() == _png()
    # and pages link to that view, not to a public media URL
    assert _url("photo", org, profile_id=profile.pk) in member_client.get(_url("me", org)).content.decode()


def test_photo_is_not_served_to_another_organisation(
    member_client: Client, org: Organisation, member: Membership, outsider: Membership
) -> None:
    # given a member with a photo
    member_client.post(_url("photo_update", org), {"photo": SimpleUploadedFile("a.png", _png())})

    # when an outsider asks for it
    client = Client()
    client.force_login(outsider.user)
    response = client.get(_url("photo", org, profile_id=profile_of(member).pk))
    via_own_org = client.get(
        reverse(
            "people:photo",
            kwargs={"org_slug": outsider.organisation.slug, "profile_id": profile_of(member).pk},
        )
    )

    # then
    assert response.status_code == 404
    assert via_own_org.status_code == 404


def test_photo_view_without_a_photo_is_404(
    member_client: Client, org: Organisation, member: Membership
) -> None:
    # given / when
    response = member_client.get(_url("photo", org, profile_id=profile_of(member).pk))

    # then
    assert response.status_code == 404


@pytest.mark.parametrize(
    "case",
    [
        ("notes.png", b"%PDF-1.4 not an image at all", "Upload a valid image"),
        (
            "evil.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "Upload a valid image",
        ),
        ("big.bmp", _png((4, 4), "BMP"), "Upload a JPEG, PNG, WebP or GIF image."),
    ],
)
def test_photo_upload_rejects_non_images(
    member_client: Client, org: Organisation, member: Membership, case: tuple[str, bytes, str]
) -> None:
    # given a file that is not an image we accept
    name, content, message = case
    upload = SimpleUploadedFile(name, content)

    # when
    response = member_client.post(_url("photo_update", org), {"photo": upload})

    # then
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not profile_of(member).photo


def test_photo_upload_rejects_files_over_2_mb(
    member_client: Client, org: Organisation, member: Membership
) -> None:
    # given a valid PNG padded past the limit (PNG readers ignore trailing bytes)
    upload = SimpleUploadedFile("big.png", _png() + b"\0" * PHOTO_MAX_BYTES)

    # when
    response = member_client.post(_url("photo_update", org), {"photo": upload})

    # then
    assert "larger than 2 MB" in response.content.decode()
    assert not profile_of(member).photo


def test_photo_can_be_removed(member_client: Client, org: Organisation, member: Membership) -> None:
    # given a photo
    member_client.post(
        _url("photo_update", org), {"photo": SimpleUploadedFile("a.jpg", _png(image_format="JPEG"))}
    )
    assert profile_of(member).photo.name.endswith(".jpg")

    # when
    response = member_client.post(_url("photo_update", org), {"remove": "on"})

    # then
    assert response.status_code == 302
    assert not profile_of(member).photo


def test_photo_form_needs_a_file_or_removal(member_client: Client, org: Organisation) -> None:
    # given / when
    response = member_client.post(_url("photo_update", org), {})

    # then
    assert "Choose a photo to upload" in response.content.decode()


def test_profile_edit_blank_years_of_experience_clears_it(member_client, org, member):
    # given
    from tandem.people.services import ProfileChanges, profile_update
    from tests.factories import profile_of

    profile = profile_update(profile=profile_of(member), changes=ProfileChanges(years_experience=7))
    # when: the service is asked to clear it, as the edit form does for a blank field
    profile_update(profile=profile, changes=ProfileChanges(clear_years_experience=True))
    # then
    profile.refresh_from_db()
    assert profile.years_experience is None
