"""The CSV import: all or nothing, every problem named by row and column."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from tandem.accounts.models import User
from tandem.organisations.errors import NotAllowed
from tandem.organisations.models import Membership, Organisation, Role
from tandem.organisations.services import membership_deactivate
from tandem.people import imports
from tandem.people.imports import ImportRejected, ImportReport, RowError, people_import_csv
from tandem.people.models import Department, Profile, ProfileSkill
from tests.factories import make_member, profile_of

EXAMPLE = Path(imports.__file__).parent / "static" / "people" / "people-example.csv"
DOCS = Path(imports.__file__).parents[2] / "docs" / "csv-import.md"


def csv_text(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def counts() -> tuple[int, ...]:
    """Everything an import can write."""
    return (
        User.objects.count(),
        Membership.objects.count(),
        Membership.objects.filter(is_active=True).count(),
        Profile.objects.count(),
        ProfileSkill.objects.count(),
        Profile.languages.through.objects.count(),
        Profile.values.through.objects.count(),
        Profile.goal_skills.through.objects.count(),
        Profile.objects.exclude(job_title="").count(),
        Profile.objects.filter(manager__isnull=False).count(),
    )


def rejected(org: Organisation, data: str | bytes) -> list[RowError]:
    before = counts()
    with pytest.raises(ImportRejected) as caught:
        people_import_csv(organisation=org, data=data)
    assert counts() == before, "a rejected file must not write anything"
    return caught.value.errors


# --- happy paths ----------------------------------------------------------------------------------


def test_people_import_csv_creates_members_with_their_whole_profile(org, org_admin):
    # given
    data = csv_text(
        "email,full_name,role,job_title,headline,bio,department,career_level,years_experience,industry,"
        "location,time_zone,languages,skills,goal_skills,goals_text,values,hours_per_month,meeting_formats,"
        "manager_email,open_to_mentor,seeking_mentorship,mentoring_capacity",
        "Ada.Lovelace@Example.com,Ada Lovelace,program_admin,Staff Engineer,Numbers person,Wrote the first "
        "program.,Engineering,Lead,12,Software,London,Europe/London,English; fr,Python:4; Writing,"
        "Public speaking; Coaching,Speak at a conference,Curiosity; Integrity,6,chat; video,"
        f"{org_admin.user.email},yes,no,3",
    )
    # when
    report = people_import_csv(organisation=org, data=data, by=org_admin)
    # then
    assert report == ImportReport(rows=1, created=1, updated=0)
    user = User.objects.get(email="ada.lovelace@example.com")
    assert user.full_name == "Ada Lovelace"
    assert not user.has_usable_password()  # signs in through a password reset or an invitation
    membership = Membership.objects.get(user=user, organisation=org)
    assert membership.role == Role.PROGRAM_ADMIN
    assert membership.is_active
    profile = profile_of(membership)
    assert profile.organisation == org
    assert (profile.job_title, profile.headline, profile.bio) == (
        "Staff Engineer",
        "Numbers person",
        "Wrote the first program.",
    )
    assert profile.department is not None
    assert profile.department.name == "Engineering"
    assert profile.career_level is not None
    assert profile.career_level.name == "Lead"
    assert (profile.years_experience, profile.industry, profile.location) == (12, "Software", "London")
    assert profile.time_zone == "Europe/London"
    assert sorted(profile.languages.values_list("code", flat=True)) == ["en", "fr"]
    assert dict(profile.skill_levels.values_list("skill__name", "level")) == {"Python": 4, "Writing": 2}
    assert sorted(profile.goal_skills.values_list("name", flat=True)) == ["Coaching", "Public speaking"]
    assert profile.goals_text == "Speak at a conference"
    assert sorted(profile.values.values_list("name", flat=True)) == ["Curiosity", "Integrity"]
    assert profile.hours_per_month == 6
    assert profile.meeting_formats == ["video", "chat"]
    assert profile.manager == org_admin
    assert (profile.open_to_mentor, profile.seeking_mentorship, profile.mentoring_capacity) == (
        True,
        False,
        3,
    )


def test_people_import_csv_updates_members_and_leaves_empty_cells_unchanged(org, member):
    # given
    profile = profile_of(member)
    profile.job_title, profile.location, profile.hours_per_month = "Analyst", "Paris", 4
    profile.save()
    profile.languages.set(profile.languages.model.objects.filter(code__in=["en", "de"]))
    data = csv_text(
        "email,full_name,role,job_title,location,languages,hours_per_month",
        f"{member.user.email.upper()},Mia Renamed,,Senior Analyst,,,",
    )
    # when
    report = people_import_csv(organisation=org, data=data)
    # then
    assert report == ImportReport(rows=1, created=0, updated=1)
    profile.refresh_from_db()
    member.refresh_from_db()
    member.user.refresh_from_db()
    assert profile.job_title == "Senior Analyst"
    assert (profile.location, profile.hours_per_month) == ("Paris", 4)
    assert sorted(profile.languages.values_list("code", flat=True)) == ["de", "en"]
    assert member.role == Role.MEMBER  # empty role: unchanged
    assert member.user.full_name == "Mia Renamed"
    assert Membership.objects.filter(user=member.user).count() == 1


def test_people_import_csv_replaces_listed_skills_and_values(org, member):
    # given
    people_import_csv(
        organisation=org,
        data=csv_text("email,skills,values", f"{member.user.email},Python:4; Writing:1,Growth; Integrity"),
    )
    # when
    people_import_csv(
        organisation=org, data=csv_text("email,skills,values", f"{member.user.email},Negotiation:3,Impact")
    )
    # then
    profile = profile_of(member)
    assert dict(profile.skill_levels.values_list("skill__name", "level")) == {"Negotiation": 3}
    assert list(profile.values.values_list("name", flat=True)) == ["Impact"]


def test_people_import_csv_imports_the_documented_example_file(org):
    # when
    report = people_import_csv(organisation=org, data=EXAMPLE.read_bytes())
    # then
    assert report.rows == report.created == 4
    junior = Profile.objects.get(membership__user__email="diego.ramirez@example.com")
    assert junior.manager is not None
    assert junior.manager.user.email == "lukas.schneider@example.com"
    assert junior.membership.user.full_name == "Diego Ramírez"


def test_people_import_csv_imports_the_example_in_the_documentation(org):
    # given
    example = DOCS.read_text().split("```csv\n", 1)[1].split("```", 1)[0]
    # when
    first = people_import_csv(organisation=org, data=example)
    again = people_import_csv(organisation=org, data=example)
    # then
    assert (first.created, again.created, again.updated) == (3, 0, 3)


def test_people_import_csv_accepts_utf8_with_bom_and_loose_headers(org):
    # given: Excel's "CSV UTF-8" writes a byte-order mark; people type headers as they like
    data = "\ufeffEmail,Full Name,CAREER-LEVEL\nrenee@example.com,Renée Müller,senior\n".encode()
    # when
    people_import_csv(organisation=org, data=data)
    # then
    profile = Profile.objects.get(membership__user__email="renee@example.com")
    assert profile.membership.user.full_name == "Renée Müller"
    assert profile.career_level is not None
    assert profile.career_level.rank == 4


def test_people_import_csv_accepts_semicolon_separated_files(org):
    # given: spreadsheets in many locales save "CSV" with semicolons
    data = 'email;full_name;skills\nsam@example.com;Sam Doe;"Python:3; Writing:2"\n'
    # when
    people_import_csv(organisation=org, data=data)
    # then
    profile = Profile.objects.get(membership__user__email="sam@example.com")
    assert dict(profile.skill_levels.values_list("skill__name", "level")) == {"Python": 3, "Writing": 2}


def test_people_import_csv_resolves_managers_later_in_the_file_and_existing_members(org, org_admin):
    # given: the report comes before the manager, who reports to an existing member
    data = csv_text(
        "email,full_name,manager_email",
        "report@example.com,Rae Report,boss@example.com",
        f"boss@example.com,Bo Boss,{org_admin.user.email}",
    )
    # when
    people_import_csv(organisation=org, data=data)
    # then
    report = Profile.objects.get(membership__user__email="report@example.com")
    boss = Profile.objects.get(membership__user__email="boss@example.com")
    assert report.manager == boss.membership
    assert boss.manager == org_admin


def test_people_import_csv_checks_reporting_lines_as_they_will_be_after_the_import(
    org, org_admin, member, program_admin
):
    # given: member reports to program_admin
    profile = profile_of(member)
    profile.manager = program_admin
    profile.save()
    # when: the file turns it around; row by row, row 2 alone would look like a loop
    people_import_csv(
        organisation=org,
        data=csv_text(
            "email,manager_email",
            f"{program_admin.user.email},{member.user.email}",
            f"{member.user.email},{org_admin.user.email}",
        ),
    )
    # then
    assert profile_of(program_admin).manager == member
    assert profile_of(member).manager == org_admin


def test_people_import_csv_reactivates_a_deactivated_member(org, org_admin, member):
    # given
    membership_deactivate(membership=member, by=org_admin)
    # when
    report = people_import_csv(
        organisation=org, data=csv_text("email,job_title", f"{member.user.email},Analyst")
    )
    # then
    member.refresh_from_db()
    assert report == ImportReport(rows=1, created=0, updated=1)
    assert member.is_active
    assert member.deactivated_at is None
    assert profile_of(member).job_title == "Analyst"


def test_people_import_csv_adds_an_existing_account_without_renaming_it(org, outsider):
    # given: someone with an account in another organisation
    data = csv_text("email,full_name", f"{outsider.user.email},Somebody Else")
    # when
    report = people_import_csv(organisation=org, data=data)
    # then
    assert report == ImportReport(rows=1, created=1, updated=0)
    outsider.user.refresh_from_db()
    assert outsider.user.full_name == "Otto Outsider"  # their account, their name
    assert Membership.objects.filter(user=outsider.user, organisation=org, role=Role.MEMBER).exists()


def test_people_import_csv_dry_run_reports_without_writing(org, member):
    # given
    data = csv_text("email,full_name", "new@example.com,New Person", f"{member.user.email},")
    before = counts()
    # when
    report = people_import_csv(organisation=org, data=data, dry_run=True)
    # then
    assert report == ImportReport(rows=2, created=1, updated=1)
    assert counts() == before


def test_people_import_csv_query_count_does_not_grow_with_rows(org):
    # given
    def import_new(first: int, n: int) -> int:
        lines = ["email,full_name,department,career_level,skills,languages,values,goal_skills,manager_email"]
        lines += [
            f"p{i}@example.com,Person {i},Data,{1 + i % 8},Python:3; Writing:2,en; de,Growth,Coaching,"
            + (f"p{first}@example.com" if i > first else "")
            for i in range(first, first + n)
        ]
        with CaptureQueriesContext(connection) as queries:
            people_import_csv(organisation=org, data=csv_text(*lines))
        return len(queries)

    # when
    few, many = import_new(0, 5), import_new(100, 60)
    # then: bulk lookups and bulk inserts, no query per row (SQLite caps a statement at 999
    # parameters, so a wide insert of 60 profiles takes two statements instead of one)
    assert many <= few + 2
    assert Profile.objects.filter(organisation=org, skill_levels__isnull=False).distinct().count() == 65


# --- the file as a whole --------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"  \n\n", "email,full_name\n", "email,full_name\n,,\n"])
def test_people_import_csv_rejects_an_empty_file(org, data):
    # when
    errors = rejected(org, data)
    # then
    assert len(errors) == 1
    assert errors[0].row == 0
    assert "empty" in errors[0].message or "no people" in errors[0].message


def test_people_import_csv_rejects_text_that_is_not_utf8(org):
    # given
    data = "email,full_name\nd@example.com,Diego Ramírez\n".encode("latin-1")
    # when
    errors = rejected(org, data)
    # then
    assert [(e.row, e.field) for e in errors] == [(0, "")]
    assert "UTF-8" in errors[0].message
    assert "line 2" in errors[0].message


def test_people_import_csv_rejects_an_excel_workbook(org):
    # when
    errors = rejected(org, b"PK\x03\x04\x14\x00\x06\x00 binary workbook")
    # then
    assert "Excel workbook" in errors[0].message


def test_people_import_csv_names_missing_and_unknown_columns(org):
    # when
    errors = rejected(org, csv_text("full_name,jobtitle,favourite_colour", "A,B,C"))
    # then
    by_field = {e.field: e.message for e in errors}
    assert all(e.row == 1 for e in errors)
    assert "required column “email” is missing" in by_field["email"]
    assert "Did you mean “job_title”?" in by_field["jobtitle"]
    assert "Unknown column “favourite_colour”" in by_field["favourite_colour"]


def test_people_import_csv_rejects_a_repeated_column(org):
    # when
    errors = rejected(org, csv_text("email,full_name,Full Name", "a@example.com,A,B"))
    # then
    assert [(e.row, e.field) for e in errors] == [(1, "full_name")]


def test_people_import_csv_ignores_unnamed_empty_columns_but_not_unnamed_values(org):
    # given: spreadsheets often export trailing unnamed columns
    assert (
        people_import_csv(organisation=org, data=csv_text("email,full_name,,", "a@example.com,A,,")).rows == 1
    )
    # when
    errors = rejected(org, csv_text("email,full_name,", "b@example.com,B,surprise"))
    # then
    assert [(e.row, e.field) for e in errors] == [(1, "")]
    assert "Column 3 has values but no name" in errors[0].message


def test_people_import_csv_rejects_more_rows_than_the_limit(org):
    # given
    lines = ["email,full_name"] + [f"p{i}@example.com,P {i}" for i in range(imports.MAX_ROWS + 1)]
    # when
    errors = rejected(org, csv_text(*lines))
    # then
    assert [(e.row, e.field) for e in errors] == [(0, "")]
    assert "10,001" in errors[0].message
    assert "10,000" in errors[0].message


# --- each rule, named by row and column ----------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("email", "not-an-email", "not a valid email address"),
        ("role", "boss", "Unknown role “boss”"),
        ("job_title", "x" * 121, "At most 120 characters"),
        ("department", "Enginering", "Did you mean “Engineering”?"),
        ("career_level", "9", "No career level 9. Levels: 1 Intern, 2 Junior"),
        ("career_level", "Wizard", "Unknown career level “Wizard”"),
        ("years_experience", "71", "whole number from 0 to 70"),
        ("years_experience", "three", "whole number from 0 to 70"),
        ("time_zone", "Europe/Pariss", "Did you mean Europe/Paris"),
        ("time_zone", "CEST", "not an IANA time zone"),
        ("languages", "English; Klingon", "Unknown language “Klingon”"),
        ("skills", "Python:5", "“Python:5”: the level after “:” must be 1 to 4"),
        ("skills", "Pyhton:3", "Unknown skill “Pyhton”. Did you mean “Python”?"),
        ("skills", "Python:3; python:2", "“python” is listed twice"),
        ("goal_skills", "Juggling", "Unknown skill “Juggling”"),
        (
            "values",
            "Growth; Integrity; Curiosity; Impact; Autonomy; Innovation",
            "at most 5 work values, not 6",
        ),
        ("values", "Greed", "Unknown work value “Greed”"),
        ("hours_per_month", "81", "whole number from 0 to 80"),
        ("meeting_formats", "video; carrier pigeon", "Unknown meeting format “carrier pigeon”"),
        ("manager_email", "nobody@example.com", "not an active member of Acme and is not in this file"),
        ("manager_email", "nobody", "not a valid email address"),
        ("manager_email", "new@example.com", "cannot be their own manager"),
        ("open_to_mentor", "maybe", "Answer yes or no"),
        ("seeking_mentorship", "perhaps", "Answer yes or no"),
        ("mentoring_capacity", "21", "whole number from 0 to 20"),
    ],
)
def test_people_import_csv_names_the_row_and_column_of_a_bad_cell(org, column, value, expected):
    # given: a good row, then the bad one on spreadsheet row 3
    if column == "email":
        data = csv_text("email,full_name", "ok@example.com,Ok", f"{value},New Person")
    else:
        data = csv_text(
            f"email,full_name,{column}", "ok@example.com,Ok,", f'new@example.com,New Person,"{value}"'
        )
    # when
    errors = rejected(org, data)
    # then
    assert [(e.row, e.field) for e in errors] == [(3, column)]
    assert expected in errors[0].message


def test_people_import_csv_collects_the_errors_of_every_row(org, member):
    # given: good rows around three bad ones, and a blank line a spreadsheet would count
    data = csv_text(
        "email,full_name,department,skills",
        "good1@example.com,Good One,Data,Python:3",
        "bad1@example.com,,Data,",
        "",
        "bad2@example.com,Bad Two,Astrology,Python:9",
        f"{member.user.email},,Sales,",
        "good1@EXAMPLE.com,Good Again,,",
    )
    # when
    errors = rejected(org, data)
    # then
    assert [(e.row, e.field) for e in errors] == [
        (3, "full_name"),
        (5, "department"),
        (5, "skills"),
        (7, "email"),
    ]
    assert "already on row 2" in errors[-1].message
    assert profile_of(member).department is None


def test_people_import_csv_counts_rows_like_a_spreadsheet_across_multiline_cells(org):
    # given: a quoted bio over two lines is still one spreadsheet row
    data = (
        'email,full_name,bio,years_experience\na@example.com,A,"Line one\nline two",3\nb@example.com,B,,-1\n'
    )
    # when
    errors = rejected(org, data)
    # then
    assert [(e.row, e.field) for e in errors] == [(3, "years_experience")]


def test_people_import_csv_rejects_cells_beyond_the_header(org):
    # when
    errors = rejected(org, csv_text("email,full_name", "a@example.com,A,stray"))
    # then
    assert [(e.row, e.field) for e in errors] == [(2, "")]
    assert "more cells than the header" in errors[0].message


def test_people_import_csv_requires_a_name_only_for_people_new_to_tandem(org, member, outsider):
    # given: a member, an account from another organisation, and a stranger — none with a name
    data = csv_text("email,full_name", f"{member.user.email},", f"{outsider.user.email},", "new@example.com,")
    # when
    errors = rejected(org, data)
    # then
    assert [(e.row, e.field) for e in errors] == [(4, "full_name")]


def test_people_import_csv_rejects_a_reporting_loop_within_the_file(org):
    # given
    data = csv_text(
        "email,full_name,manager_email",
        "a@example.com,A,b@example.com",
        "b@example.com,B,c@example.com",
        "c@example.com,C,a@example.com",
        "d@example.com,D,a@example.com",
    )
    # when
    errors = rejected(org, data)
    # then: each link of the loop is reported; the innocent row 5 is not
    assert [(e.row, e.field) for e in errors] == [
        (2, "manager_email"),
        (3, "manager_email"),
        (4, "manager_email"),
    ]
    assert "a@example.com → b@example.com → c@example.com → a@example.com" in errors[0].message


def test_people_import_csv_rejects_a_loop_through_existing_reporting_lines(org, member, program_admin):
    # given: member already reports to program_admin
    profile = profile_of(member)
    profile.manager = program_admin
    profile.save()
    # when
    errors = rejected(org, csv_text("email,manager_email", f"{program_admin.user.email},{member.user.email}"))
    # then
    assert [(e.row, e.field) for e in errors] == [(2, "manager_email")]
    assert "reporting-line loop" in errors[0].message


def test_people_import_csv_rejects_a_deactivated_manager(org, org_admin, member):
    # given
    membership_deactivate(membership=member, by=org_admin)
    # when
    errors = rejected(
        org, csv_text("email,full_name,manager_email", f"new@example.com,N,{member.user.email}")
    )
    # then
    assert [(e.row, e.field) for e in errors] == [(2, "manager_email")]


def test_people_import_csv_keeps_an_organisation_admin(org, org_admin):
    # when
    errors = rejected(org, csv_text("email,role", f"{org_admin.user.email},member"))
    # then
    assert [(e.row, e.field) for e in errors] == [(2, "role")]
    assert "without an organisation admin" in errors[0].message


def test_people_import_csv_may_hand_over_the_admin_role(org, org_admin, member):
    # when
    people_import_csv(
        organisation=org,
        data=csv_text("email,role", f"{org_admin.user.email},member", f"{member.user.email},Org admin"),
    )
    # then
    org_admin.refresh_from_db()
    member.refresh_from_db()
    assert (org_admin.role, member.role) == (Role.MEMBER, Role.ORG_ADMIN)


def test_people_import_csv_looks_up_only_its_own_organisations_taxonomy(org, other_org):
    # given: a department that exists only in the other organisation
    Department.objects.create(organisation=other_org, name="Skunkworks")
    # when
    errors = rejected(org, csv_text("email,full_name,department", "a@example.com,A,Skunkworks"))
    # then
    assert [(e.row, e.field) for e in errors] == [(2, "department")]


def test_people_import_csv_manager_must_belong_to_the_organisation(org, outsider):
    # when: the manager is a member of another organisation
    errors = rejected(
        org, csv_text("email,full_name,manager_email", f"a@example.com,A,{outsider.user.email}")
    )
    # then
    assert [(e.row, e.field) for e in errors] == [(2, "manager_email")]


# --- who may import -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["member", "program_admin", "outsider"])
def test_people_import_csv_refuses_anyone_but_an_org_admin(org, who, request):
    # given
    by = request.getfixturevalue(who)
    before = counts()
    # when / then
    with pytest.raises(NotAllowed):
        people_import_csv(organisation=org, data=csv_text("email,full_name", "a@example.com,A"), by=by)
    assert counts() == before


def test_people_import_csv_refuses_a_deactivated_org_admin(org, org_admin):
    # given
    second = make_member(org, role=Role.ORG_ADMIN)
    membership_deactivate(membership=org_admin, by=second)
    org_admin.refresh_from_db()
    # when / then
    with pytest.raises(NotAllowed):
        people_import_csv(organisation=org, data=csv_text("email,full_name", "a@example.com,A"), by=org_admin)


def test_import_rejected_message_lists_every_problem(org):
    # when
    with pytest.raises(ImportRejected) as caught:
        people_import_csv(organisation=org, data=csv_text("email,role", "x,boss"))
    # then
    assert caught.value.message.splitlines() == [
        "The file was not imported: 2 problems; nothing was changed.",
        "Row 2, email: “x” is not a valid email address.",
        "Row 2, role: Unknown role “boss”. Use member, program_admin or org_admin.",
    ]


# --- the command ----------------------------------------------------------------------------------


def test_import_people_command_imports_and_reports(org, tmp_path):
    # given
    path = tmp_path / "people.csv"
    path.write_bytes(EXAMPLE.read_bytes())
    out = io.StringIO()
    # when
    call_command("import_people", str(path), "--org", org.slug, stdout=out)
    # then
    assert "Imported 4 rows into Acme: 4 people added, 0 updated." in out.getvalue()
    assert Membership.objects.filter(organisation=org).count() == 4


def test_import_people_command_dry_run_writes_nothing(org, tmp_path):
    # given
    path = tmp_path / "people.csv"
    path.write_bytes(EXAMPLE.read_bytes())
    out = io.StringIO()
    before = counts()
    # when
    call_command("import_people", str(path), "--org", org.slug, "--dry-run", stdout=out)
    # then
    assert "Dry run: the file is valid" in out.getvalue()
    assert "would add 4 people and update 0" in out.getvalue()
    assert counts() == before


@pytest.fixture
def keep_connection(monkeypatch):
    """run_from_argv closes every connection when done; the test's transaction must survive it."""
    monkeypatch.setattr(connections, "close_all", lambda: None)


def test_import_people_command_exits_non_zero_listing_every_error(org, tmp_path, capsys, keep_connection):
    # given
    path = tmp_path / "people.csv"
    path.write_text(csv_text("email,full_name,department", "x,,Nowhere", "ok@example.com,Ok,Data"))
    before = counts()
    # when
    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "import_people", str(path), "--org", org.slug])
    # then
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "Row 2, email: “x” is not a valid email address." in err
    assert "Row 2, department: Unknown department “Nowhere”." in err
    assert "Traceback" not in err
    assert counts() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv", "--org", "ORG"], "No such file: missing.csv"),
        (["FILE", "--org", "no-such-org"], "No organisation with the slug “no-such-org”."),
        (["DIR", "--org", "ORG"], "is a folder, not a CSV file"),
    ],
)
def test_import_people_command_explains_bad_arguments_without_a_traceback(
    org, tmp_path, capsys, args, message
):
    # given
    path = tmp_path / "people.csv"
    path.write_text(csv_text("email,full_name", "a@example.com,A"))
    replace = {"ORG": org.slug, "FILE": str(path), "DIR": str(tmp_path)}
    # when
    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "import_people", *[replace.get(a, a) for a in args]])
    # then
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_import_people_command_requires_the_org_option(tmp_path):
    # when / then
    with pytest.raises(CommandError, match="--org"):
        call_command("import_people", str(tmp_path / "x.csv"))
