"""enrolment_import_csv: enrol many members from a CSV file, all or nothing, every problem named."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tandem.organisations.models import Membership, Organisation
from tandem.organisations.services import membership_deactivate
from tandem.people.imports import ImportRejected
from tandem.programs.errors import EnrolmentInvalid, EnrolmentNotAllowed
from tandem.programs.imports import enrolment_import_csv
from tandem.programs.models import Enrolment, EnrolmentStatus, Program, ProgramStatus
from tandem.programs.services import enrolment_create, enrolment_withdraw
from tests.factories import make_member
from tests.program_setup import make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(org: Organisation, program_admin: Membership) -> Program:
    return make_program(org, program_admin, name="Pilot", default_mentor_capacity=3)


def _problems(exc: pytest.ExceptionInfo[ImportRejected]) -> set[tuple[int, str]]:
    return {(e.row, e.field) for e in exc.value.errors}


def test_enrolment_import_csv_enrols_every_row_with_roles_and_capacities(
    org: Organisation, program: Program, program_admin: Membership
) -> None:
    # given: a semicolon-separated file with a byte-order mark, as Excel saves it
    ada, bob, cy = make_member(org), make_member(org), make_member(org)
    data = (
        "\ufeffEmail;Role;Capacity\n"
        f"{ada.user.email};mentor;5\n"
        f"{bob.user.email.upper()};MENTOR;\n"
        "\n"
        f"{cy.user.email};mentee;\n"
    ).encode()
    # when
    report = enrolment_import_csv(program=program, by=program_admin, data=data)
    # then
    assert (report.rows, report.created, report.skipped) == (3, 3, [])
    enrolments = {e.membership_id: e for e in Enrolment.objects.filter(program=program)}
    assert (enrolments[ada.pk].role, enrolments[ada.pk].capacity) == ("mentor", 5)
    assert (enrolments[bob.pk].role, enrolments[bob.pk].capacity) == ("mentor", 3)  # the program's default
    assert (enrolments[cy.pk].role, enrolments[cy.pk].capacity) == ("mentee", 1)
    assert {e.status for e in enrolments.values()} == {EnrolmentStatus.ACTIVE}


def test_enrolment_import_csv_twice_skips_people_already_enrolled(
    org: Organisation, program: Program, program_admin: Membership
) -> None:
    # given: one person already enrolled, one who withdrew
    ada, bob, cy = make_member(org), make_member(org), make_member(org)
    enrolment_create(program=program, membership=ada, role="mentee")
    enrolment_withdraw(enrolment=enrolment_create(program=program, membership=bob, role="mentee"), by=bob)
    data = f"email,role\n{ada.user.email},mentee\n{bob.user.email},mentee\n{cy.user.email},mentee\n"
    # when
    report = enrolment_import_csv(program=program, by=program_admin, data=data)
    # then: only Cy is new; Ada and Bob are reported and left as they were
    assert report.created == 1
    assert [(s.row, s.email) for s in report.skipped] == [(2, ada.user.email), (3, bob.user.email)]
    assert Enrolment.objects.get(program=program, membership=bob).status == EnrolmentStatus.WITHDRAWN


def test_enrolment_import_csv_lists_every_bad_row_and_writes_nothing(
    org: Organisation,
    other_org: Organisation,
    program: Program,
    program_admin: Membership,
    org_admin: Membership,
) -> None:
    # given: one good row and one problem of each kind
    good, gone, elsewhere, mentee_already = (
        make_member(org),
        make_member(org),
        make_member(other_org),
        make_member(org),
    )
    membership_deactivate(membership=gone, by=org_admin)
    enrolment_create(program=program, membership=mentee_already, role="mentee")
    data = "\n".join(
        [
            "email,role,capacity",
            f"{good.user.email},mentor,2",  # row 2: fine
            "nobody@example.com,mentee,",  # 3: not a member
            f"{elsewhere.user.email},mentee,",  # 4: member of another organisation
            f"{gone.user.email},mentee,",  # 5: deactivated
            f"{good.user.email},mentor,2",  # 6: twice in the file
            f"{mentee_already.user.email},mentor,",  # 7: already enrolled as mentee
            ",mentee,",  # 8: no email
        ]
    )
    extra = make_member(org)
    data += f"\n{extra.user.email},captain,\n{extra.user.email.replace('@', '+x@')},mentee,2\n"
    # when
    with pytest.raises(ImportRejected) as exc:
        enrolment_import_csv(program=program, by=program_admin, data=data)
    # then
    assert _problems(exc) == {
        (3, "email"),
        (4, "email"),
        (5, "email"),
        (6, "email"),
        (7, "role"),
        (8, "email"),
        (9, "role"),
        (10, "email"),
        (10, "capacity"),
    }
    assert Enrolment.objects.filter(program=program).count() == 1  # only the one made above


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", {(0, "")}),
        (b"email,role\n", {(0, "")}),
        (b"role\nmentee\n", {(1, "email")}),
        (b"email,role,team\nx@example.com,mentee,A\n", {(1, "team")}),
        (b"email,email,role\nx@example.com,x@example.com,mentee\n", {(1, "email")}),
        (b"PK\x03\x04rest-of-a-workbook", {(0, "")}),
        (b"email,role\n\xff\xfe,mentee\n", {(0, "")}),
        (b'email,role\n"unterminated,mentee\n', {(2, "email"), (2, "role")}),
    ],
)
def test_enrolment_import_csv_unreadable_files_are_refused_whole(
    program: Program, program_admin: Membership, data: bytes, expected: set[tuple[int, str]]
) -> None:
    # when
    with pytest.raises(ImportRejected) as exc:
        enrolment_import_csv(program=program, by=program_admin, data=data)
    # then
    assert _problems(exc) == expected
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize("capacity", ["0", "21", "two", "1.5"])
def test_enrolment_import_csv_mentor_capacity_must_be_1_to_20(
    org: Organisation, program: Program, program_admin: Membership, capacity: str
) -> None:
    # given
    ada = make_member(org)
    # when
    with pytest.raises(ImportRejected) as exc:
        enrolment_import_csv(
            program=program,
            by=program_admin,
            data=f"email,role,capacity\n{ada.user.email},mentor,{capacity}\n",
        )
    # then
    assert _problems(exc) == {(2, "capacity")}


def test_enrolment_import_csv_by_a_member_is_not_allowed(
    org: Organisation, program: Program, member: Membership
) -> None:
    # when / then
    with pytest.raises(EnrolmentNotAllowed):
        enrolment_import_csv(program=program, by=member, data=f"email,role\n{member.user.email},mentee\n")
    assert not Enrolment.objects.exists()


def test_enrolment_import_csv_on_a_draft_program_is_refused(
    org: Organisation, program_admin: Membership, member: Membership
) -> None:
    # given
    draft = make_program(org, program_admin, status=ProgramStatus.DRAFT)
    # when / then
    with pytest.raises(EnrolmentInvalid, match="draft"):
        enrolment_import_csv(
            program=draft, by=program_admin, data=f"email,role\n{member.user.email},mentee\n"
        )


def test_enrolment_import_csv_peer_program_takes_peers_only(
    org: Organisation, program_admin: Membership, member: Membership
) -> None:
    # given
    peers = make_program(org, program_admin, kind="peer")
    # when
    with pytest.raises(ImportRejected) as exc:
        enrolment_import_csv(
            program=peers, by=program_admin, data=f"email,role\n{member.user.email},mentee\n"
        )
    # then
    assert "use peer" in exc.value.errors[0].message


@pytest.mark.parametrize("rows", [5, 30])
def test_enrolment_import_csv_query_count_does_not_grow_with_rows(
    org: Organisation,
    program: Program,
    program_admin: Membership,
    django_assert_max_num_queries: Callable[..., Any],
    rows: int,
) -> None:
    # given
    people = [make_member(org) for _ in range(rows)]
    data = "email,role\n" + "".join(f"{p.user.email},mentee\n" for p in people)
    # when / then
    with django_assert_max_num_queries(6):
        report = enrolment_import_csv(program=program, by=program_admin, data=data)
    assert report.created == rows
