"""Organisation admin: the CSV import page (the import itself is tested in tandem/people/tests)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tandem.organisations.models import Membership, Organisation
from tandem.people.models import Profile


def _url(org: Organisation) -> str:
    return reverse("organisations:import_people", kwargs={"org_slug": org.slug})


def _csv(text: str, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


GOOD = "email,full_name,job_title\nana@example.com,Ana Lima,Designer\nben@example.com,Ben Ode,Analyst\n"


def test_import_page_explains_the_format(admin_client: Client, org: Organisation) -> None:
    # given / when
    content = admin_client.get(_url(org)).content.decode()

    # then
    assert "people/people-example.csv" in content
    assert "docs/csv-import.md" in content
    assert 'enctype="multipart/form-data"' in content


def test_import_creates_people_and_reports(admin_client: Client, org: Organisation) -> None:
    # given / when
    response = admin_client.post(_url(org), {"file": _csv(GOOD)}, follow=True)

    # then
    content = response.content.decode()
    assert "Imported 2 rows: 2 people added, 0 updated." in content
    assert Membership.objects.filter(organisation=org, user__email="ana@example.com").exists()
    assert (
        Profile.objects.get(organisation=org, membership__user__email="ben@example.com").job_title
        == "Analyst"
    )


def test_import_check_only_writes_nothing(admin_client: Client, org: Organisation) -> None:
    # given / when
    response = admin_client.post(_url(org), {"file": _csv(GOOD), "dry_run": "1"})

    # then
    content = response.content.decode()
    assert "The file is valid: 2 rows" in content
    assert not Membership.objects.filter(organisation=org, user__email="ana@example.com").exists()


def test_import_lists_every_bad_row_and_writes_nothing(admin_client: Client, org: Organisation) -> None:
    # given a file with one good row and two bad ones
    text = GOOD + "not-an-email,Cy,Chef\ndee@example.com,Dee,Cook\n"
    text = text.replace("dee@example.com,Dee,Cook", "dee@example.com,Dee,Cook,extra,cells")

    # when
    response = admin_client.post(_url(org), {"file": _csv(text)})

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "The file was not imported" in content
    assert "Row 4, email:" in content
    assert "Row 5" in content
    assert not Membership.objects.filter(organisation=org, user__email="ana@example.com").exists()


def test_import_refuses_a_file_that_is_not_csv(admin_client: Client, org: Organisation) -> None:
    # given / when
    response = admin_client.post(_url(org), {"file": _csv(GOOD, name="people.xlsx")})

    # then
    content = response.content.decode()
    assert "Upload a .csv file." in content
    assert 'id="id_file_error"' in content


def test_import_without_a_file_is_a_field_error(admin_client: Client, org: Organisation) -> None:
    # given / when
    response = admin_client.post(_url(org), {})

    # then
    assert 'id="id_file_error"' in response.content.decode()


def test_import_by_plain_member_is_404_and_writes_nothing(member_client: Client, org: Organisation) -> None:
    # given / when
    response = member_client.post(_url(org), {"file": _csv(GOOD)})

    # then
    assert response.status_code == 404
    assert not Membership.objects.filter(user__email="ana@example.com").exists()


def test_import_by_outsider_is_404(client: Client, org: Organisation, outsider: Membership) -> None:
    # given
    client.force_login(outsider.user)

    # when
    response = client.post(_url(org), {"file": _csv(GOOD)})

    # then
    assert response.status_code == 404
    assert not Membership.objects.filter(user__email="ana@example.com").exists()
