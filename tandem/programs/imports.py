"""Enrol many members in a program from one CSV file — all or nothing.

Columns: `email` (a member of the organisation), `role` (mentor, mentee or peer, as the program's
kind allows) and optionally `capacity` (mentors only; the program's default when empty). The
whole file is read and checked first, with a fixed number of queries whatever its length; only a
file without a single problem is written, in one transaction. Problems are reported per row with
the same `RowError`/`ImportRejected` as the people import (tandem/people/imports.py), so the
pages show both the same way. People already enrolled in the same role are skipped, not errors,
so the same file can be uploaded twice.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Final

from django.db import transaction

from tandem.organisations.models import Membership
from tandem.people.imports import ImportRejected, RowError
from tandem.programs.errors import EnrolmentInvalid, EnrolmentNotAllowed
from tandem.programs.models import Enrolment, EnrolmentRole, EnrolmentStatus, Program
from tandem.programs.services import ENROLLABLE, roles_for

COLUMNS: Final = ("email", "role", "capacity")
REQUIRED_COLUMNS: Final = ("email", "role")
MAX_ROWS: Final = 5_000
MAX_CAPACITY: Final = 20
_XLSX_MAGIC = b"PK\x03\x04"
_WHOLE_NUMBER = re.compile(r"\d+")
# Enrolments a person left or was refused: an admin's file does not override their choice.
_CLOSED = {EnrolmentStatus.WITHDRAWN: "withdrew from this program", EnrolmentStatus.DECLINED: "was declined"}


@dataclass(frozen=True)
class Skipped:
    row: int
    email: str
    reason: str


@dataclass(frozen=True)
class EnrolmentImportReport:
    rows: int
    created: int
    skipped: list[Skipped] = field(default_factory=list)


@dataclass(frozen=True)
class _Row:
    number: int
    email: str
    role: str
    capacity: str


def enrolment_import_csv(*, program: Program, by: Membership, data: bytes | str) -> EnrolmentImportReport:
    """Enrol the people a CSV file names. Raises `ImportRejected` (every problem, nothing
    written), `EnrolmentNotAllowed` (not a program admin) or `EnrolmentInvalid` (program closed)."""
    if by.organisation_id != program.organisation_id or not by.is_active or not by.is_program_admin:
        raise EnrolmentNotAllowed("Only program admins can enrol people.")
    if program.status not in ENROLLABLE:
        raise EnrolmentInvalid(
            f"This program is {program.get_status_display().lower()}; people can be enrolled while it "
            "is open, matching or in progress.",
            field="program",
        )
    rows = _rows(_read(data))
    people = {
        m.user.email: m
        for m in Membership.objects.filter(
            organisation_id=program.organisation_id, user__email__in={r.email for r in rows}
        ).select_related("user")
    }
    existing = {
        e.membership_id: e
        for e in Enrolment.objects.filter(program=program, membership__in=list(people.values()))
    }
    roles = roles_for(program.kind)
    errors: list[RowError] = []
    skipped: list[Skipped] = []
    new: list[Enrolment] = []
    first_row: dict[str, int] = {}
    for row in rows:
        problems = len(errors)
        if not row.email:
            errors.append(RowError(row.number, "email", "The email is empty."))
        elif row.email in first_row:
            errors.append(
                RowError(row.number, "email", f"{row.email} is already on row {first_row[row.email]}.")
            )
        else:
            first_row[row.email] = row.number
        membership = people.get(row.email)
        if row.email and membership is None:
            errors.append(
                RowError(
                    row.number,
                    "email",
                    f"No member of the organisation has the email {row.email}. Invite or import them first.",
                )
            )
        elif membership is not None and not membership.is_active:
            errors.append(RowError(row.number, "email", f"{row.email} is deactivated."))
        if row.role not in roles:
            shown = f"“{row.role}”" if row.role else "empty"
            errors.append(
                RowError(
                    row.number, "role", f"The role is {shown}; in this program use {' or '.join(roles)}."
                )
            )
        capacity = _capacity(row, program, errors)
        if len(errors) > problems or membership is None:
            continue
        enrolment = existing.get(membership.pk)
        if enrolment is None:
            new.append(
                Enrolment(
                    program=program,
                    membership=membership,
                    role=row.role,
                    status=EnrolmentStatus.ACTIVE,  # the admin enrolling them is the approver
                    capacity=capacity,
                )
            )
        elif enrolment.status in _CLOSED:
            skipped.append(
                Skipped(row.number, row.email, f"They {_CLOSED[EnrolmentStatus(enrolment.status)]}.")
            )
        elif enrolment.role != row.role:
            errors.append(
                RowError(row.number, "role", f"Already enrolled as {enrolment.get_role_display().lower()}.")
            )
        else:
            skipped.append(Skipped(row.number, row.email, "Already enrolled."))
    if errors:
        raise ImportRejected(errors)
    with transaction.atomic():
        Enrolment.objects.bulk_create(new)
    return EnrolmentImportReport(rows=len(rows), created=len(new), skipped=skipped)


def _capacity(row: _Row, program: Program, errors: list[RowError]) -> int:
    if row.role != EnrolmentRole.MENTOR:
        if row.capacity:
            errors.append(RowError(row.number, "capacity", "Only mentors have a capacity; leave it empty."))
        return 1
    if not row.capacity:
        return program.default_mentor_capacity
    if not _WHOLE_NUMBER.fullmatch(row.capacity) or not 1 <= int(row.capacity) <= MAX_CAPACITY:
        errors.append(
            RowError(
                row.number, "capacity", f"“{row.capacity}” is not a whole number from 1 to {MAX_CAPACITY}."
            )
        )
        return 1
    return int(row.capacity)


def _reject(message: str, *, row: int = 0, column: str = "") -> ImportRejected:
    return ImportRejected([RowError(row, column, message)])


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    if data.startswith(_XLSX_MAGIC):
        raise _reject("This is an Excel workbook, not a CSV file. Save it as “CSV UTF-8” and upload that.")
    try:
        return data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _reject(f"The file is not UTF-8 text (first bad byte on line {line}).") from None


def _read(data: bytes | str) -> list[tuple[int, list[str]]]:
    """The non-blank records, header first, each with its spreadsheet row number."""
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    # Spreadsheets in many European locales save "CSV" with semicolons; accept both.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    try:
        for number, record in enumerate(reader, start=1):
            cells = [cell.strip() for cell in record]
            if any(cells):
                records.append((number, cells))
    except csv.Error as exc:
        raise _reject(f"The file is not valid CSV near line {reader.line_num}: {exc}.") from None
    if not records:
        raise _reject(
            "The file is empty. It needs a header row (email, role, capacity) and one row per person."
        )
    if records[0][0] != 1:
        raise _reject("The header must be the first row of the file.", row=1)
    if len(records) == 1:
        raise _reject("The file has a header but no people: add one row per person below it.")
    if len(records) - 1 > MAX_ROWS:
        raise _reject(
            f"The file has {len(records) - 1:,} people; at most {MAX_ROWS:,} can be enrolled at once."
        )
    return records


def _rows(records: list[tuple[int, list[str]]]) -> list[_Row]:
    (_, header), people = records[0], records[1:]
    keys = [re.sub(r"[\s\-]+", "_", heading.lower()) for heading in header]
    errors = [
        RowError(1, heading, f"Unknown column “{heading}”; the columns are {', '.join(COLUMNS)}.")
        for heading, key in zip(header, keys, strict=True)
        if key and key not in COLUMNS
    ]
    errors += [
        RowError(1, key, f"The column “{key}” appears twice.")
        for key in dict.fromkeys(keys)
        if key in COLUMNS and keys.count(key) > 1
    ]
    errors += [
        RowError(1, name, f"The required column “{name}” is missing.")
        for name in REQUIRED_COLUMNS
        if name not in keys
    ]
    if errors:
        raise ImportRejected(errors)
    index = {key: i for i, key in enumerate(keys) if key in COLUMNS}

    def cell(cells: list[str], name: str) -> str:
        i = index.get(name)
        return cells[i] if i is not None and i < len(cells) else ""

    return [
        _Row(number, cell(cells, "email").lower(), cell(cells, "role").lower(), cell(cells, "capacity"))
        for number, cells in people
    ]
