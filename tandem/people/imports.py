"""Create or update many members and their profiles from one CSV file — all or nothing.

The whole file is parsed and every row checked against the organisation (taxonomy, existing
members, reporting lines) before anything is written; lookups are done in bulk, a few queries
per file, never per row. Only a file without a single problem is written, in one transaction with
bulk writes, so a file of 1,000 people imports in about a second.

Why not call `profile_update` once per row: it checks each row against the database as it is
*during* the import, so a file that reorganises a reporting line (A now manages B, B no longer
manages A) would trip over its own half-applied state, and it costs ~20 queries a row. The same
rules are applied here to the file as a whole, using the same constants (`VALID_TIME_ZONES`,
`MeetingFormat`, `SkillLevel`, `MAX_WORK_VALUES`, the models' field lengths), and each row is
turned into the service's own `ProfileChanges` before it is written. The format is described
in docs/csv-import.md.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Field

from tandem.accounts.models import User
from tandem.errors import DomainError
from tandem.organisations.errors import NotAllowed
from tandem.organisations.models import Membership, Organisation, Role
from tandem.people.models import (
    MAX_WORK_VALUES,
    CareerLevel,
    Department,
    Language,
    MeetingFormat,
    Profile,
    ProfileSkill,
    Skill,
    SkillLevel,
    WorkValue,
)
from tandem.people.services import VALID_TIME_ZONES, ProfileChanges

MAX_ROWS: Final = 10_000
LIST_SEPARATOR: Final = ";"

# In the order docs/csv-import.md and the example file present them.
COLUMNS: Final = (
    "email",
    "full_name",
    "role",
    "job_title",
    "headline",
    "bio",
    "department",
    "career_level",
    "years_experience",
    "industry",
    "location",
    "time_zone",
    "languages",
    "skills",
    "goal_skills",
    "goals_text",
    "values",
    "hours_per_month",
    "meeting_formats",
    "manager_email",
    "open_to_mentor",
    "seeking_mentorship",
    "mentoring_capacity",
)
REQUIRED_COLUMNS: Final = ("email",)

_TRUE = frozenset({"yes", "y", "true", "1"})
_FALSE = frozenset({"no", "n", "false", "0"})
_WHOLE_NUMBER = re.compile(r"\d+(?:\.0+)?")
# Common names ISO 639-1 files under another one.
_LANGUAGE_ALIASES = {"mandarin": "zh", "cantonese": "zh", "farsi": "fa", "filipino": "tl"}
_XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class RowError:
    """One problem in the file. `row` counts like a spreadsheet: the header is row 1, the first
    person row 2; row 0 means the file as a whole. `field` is the column at fault, or ""."""

    row: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}" if self.row else "File"
        return f"{where}, {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class ImportRejected(DomainError):
    """The file has problems; nothing was written. `.errors` lists every one of them."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = sorted(errors, key=lambda e: (e.row, _column_order(e.field)))
        count = len(self.errors)
        head = f"The file was not imported: {count} problem{'s' if count != 1 else ''}; nothing was changed."
        super().__init__("\n".join([head, *(str(e) for e in self.errors)]))


@dataclass(frozen=True)
class ImportReport:
    rows: int
    created: int
    updated: int


def people_import_csv(
    *,
    organisation: Organisation,
    data: bytes | str,
    by: Membership | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Create or update the organisation's members and profiles from CSV `data`.

    `by` is the org admin importing from the web; None means an operator on the command line.
    Raises `ImportRejected` listing every problem (nothing written) or `NotAllowed`. With
    `dry_run` the file is fully checked and the report says what *would* happen.
    """
    if by is not None and (by.organisation_id != organisation.pk or not by.is_active or not by.is_org_admin):
        raise NotAllowed("Only organisation admins can import people.")

    header, records = _read_csv(data)
    columns = _check_header(header, records)
    people = _people_rows(columns, records)

    plan = _Planner(organisation, people)
    rows = plan.validate()
    if plan.errors:
        raise ImportRejected(plan.errors)

    created = sum(1 for row in rows if row.membership is None)
    report = ImportReport(rows=len(rows), created=created, updated=len(rows) - created)
    if not dry_run:
        _write(organisation, rows, plan.lookups)
    return report


# --- reading the file ---------------------------------------------------------------------------


def _reject(message: str, *, row: int = 0, field: str = "") -> ImportRejected:
    return ImportRejected([RowError(row=row, field=field, message=message)])


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    if data.startswith(_XLSX_MAGIC):
        raise _reject(
            "This is an Excel workbook, not a CSV file. In Excel choose "
            "File › Save as › “CSV UTF-8 (comma delimited)” and upload that file."
        )
    try:
        return data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _reject(
            f"The file is not UTF-8 text (first bad byte on line {line}). "
            "Save it as “CSV UTF-8” from your spreadsheet and try again."
        ) from None


def _read_csv(data: bytes | str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-blank records, each with its spreadsheet row number."""
    text = _decode(data)
    if not text.strip():
        raise _reject("The file is empty. It needs a header row and one row per person.")
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
        raise _reject("The file is empty. It needs a header row and one row per person.")
    header_row, header = records[0]
    if header_row != 1:
        raise _reject("The header must be the first row of the file.", row=1)
    people = records[1:]
    if not people:
        raise _reject("The file has a header but no people: add one row per person below it.")
    if len(people) > MAX_ROWS:
        raise _reject(
            f"The file has {len(people):,} people; at most {MAX_ROWS:,} can be imported at once. "
            "Split it into smaller files."
        )
    return header, people


def _column_key(heading: str) -> str:
    """'Full name', 'FULL-NAME' and 'full_name' all name the same column."""
    return re.sub(r"[\s\-]+", "_", heading.strip().lower())


def _column_order(name: str) -> int:
    return COLUMNS.index(name) if name in COLUMNS else -1


def _check_header(header: list[str], records: list[tuple[int, list[str]]]) -> list[str | None]:
    """The column name of each header cell (None for an unnamed, empty column)."""
    errors: list[RowError] = []
    columns: list[str | None] = []
    seen: set[str] = set()
    for index, heading in enumerate(header):
        key = _column_key(heading)
        if not key:
            # Spreadsheets often export trailing unnamed columns; harmless while they are empty.
            if any(index < len(cells) and cells[index] for _, cells in records):
                errors.append(
                    RowError(
                        row=1, field="", message=f"Column {index + 1} has values but no name in the header."
                    )
                )
            columns.append(None)
            continue
        if key not in COLUMNS:
            close = difflib.get_close_matches(key, COLUMNS, n=1)
            hint = f" Did you mean “{close[0]}”?" if close else ""
            errors.append(RowError(row=1, field=heading, message=f"Unknown column “{heading}”.{hint}"))
        elif key in seen:
            errors.append(RowError(row=1, field=key, message=f"The column “{key}” appears twice."))
        seen.add(key)
        columns.append(key)
    errors.extend(
        RowError(row=1, field=name, message=f"The required column “{name}” is missing.")
        for name in REQUIRED_COLUMNS
        if name not in seen
    )
    if any(e.message.startswith("Unknown column") for e in errors):
        errors.append(RowError(row=1, field="", message="The known columns are: " + ", ".join(COLUMNS) + "."))
    if errors:
        raise ImportRejected(errors)
    return columns


@dataclass(frozen=True)
class _Cells:
    row: int
    values: dict[str, str]  # column -> non-empty cell
    extra: int  # non-empty cells beyond the header's width


def _people_rows(columns: list[str | None], records: list[tuple[int, list[str]]]) -> list[_Cells]:
    rows = []
    for number, cells in records:
        values = {
            column: cell for column, cell in zip(columns, cells, strict=False) if column is not None and cell
        }
        extra = sum(1 for cell in cells[len(columns) :] if cell)
        rows.append(_Cells(row=number, values=values, extra=extra))
    return rows


# --- checking every row -------------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _max_length(model: type[Profile] | type[User], name: str) -> int:
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or field.max_length is None:
        raise TypeError(f"{model.__name__}.{name} is not a bounded text field")
    return field.max_length


@dataclass(frozen=True)
class _Named:
    """A name → id table of one taxonomy, matched case- and space-insensitively."""

    what: str
    ids: dict[str, int]
    names: dict[str, str]  # normalised -> display name
    manage_hint: str = " Org admins manage the list on the Taxonomy page."

    @classmethod
    def of(cls, what: str, pairs: Iterable[tuple[int, str]]) -> _Named:
        ids: dict[str, int] = {}
        names: dict[str, str] = {}
        for pk, name in pairs:
            ids[_norm(name)] = pk
            names[_norm(name)] = name
        return cls(what=what, ids=ids, names=names)

    def find(self, raw: str) -> int | str:
        """The id of `raw`, or an error message with the closest names."""
        key = _norm(raw)
        if key in self.ids:
            return self.ids[key]
        close = difflib.get_close_matches(key, list(self.names), n=3, cutoff=0.6)
        if close:
            hint = " Did you mean " + " or ".join(f"“{self.names[c]}”" for c in close) + "?"
        elif len(self.names) <= 12:
            hint = " Known: " + ", ".join(sorted(self.names.values())) + "."
        else:
            hint = ""
        return f"Unknown {self.what} “{raw}”.{hint}{self.manage_hint}"


@dataclass(frozen=True)
class _Lookups:
    departments: _Named
    levels: _Named
    level_by_rank: dict[int, int]
    level_labels: str
    skills: _Named
    values: _Named
    languages: dict[str, str]  # normalised code or name -> code
    language_ids: dict[str, int]  # code -> pk
    time_zones: dict[str, str]  # casefolded -> canonical IANA name

    @classmethod
    def load(cls, organisation: Organisation) -> _Lookups:
        levels = list(CareerLevel.objects.filter(organisation=organisation).order_by("rank"))
        languages = list(Language.objects.all())
        language_keys = {_norm(lang.code): lang.code for lang in languages}
        language_keys |= {_norm(lang.name): lang.code for lang in languages}
        codes = {lang.code for lang in languages}
        language_keys |= {alias: code for alias, code in _LANGUAGE_ALIASES.items() if code in codes}
        return cls(
            departments=_Named.of(
                "department", Department.objects.filter(organisation=organisation).values_list("pk", "name")
            ),
            levels=_Named.of("career level", ((lvl.pk, lvl.name) for lvl in levels)),
            level_by_rank={lvl.rank: lvl.pk for lvl in levels},
            level_labels=", ".join(f"{lvl.rank} {lvl.name}" for lvl in levels),
            skills=_Named.of(
                "skill", Skill.objects.filter(organisation=organisation).values_list("pk", "name")
            ),
            values=_Named.of(
                "work value", WorkValue.objects.filter(organisation=organisation).values_list("pk", "name")
            ),
            languages=language_keys,
            language_ids={lang.code: lang.pk for lang in languages},
            time_zones={tz.casefold(): tz for tz in VALID_TIME_ZONES},
        )


@dataclass
class _Row:
    """A checked row, ready to write."""

    row: int
    email: str
    full_name: str | None
    role: str | None
    changes: ProfileChanges
    manager_email: str | None
    user: User | None  # the existing account, if any
    membership: Membership | None  # the existing membership in this organisation, if any


class _Planner:
    """Checks every row against the file and the organisation, collecting every problem."""

    def __init__(self, organisation: Organisation, people: list[_Cells]) -> None:
        self.organisation = organisation
        self.people = people
        self.errors: list[RowError] = []
        self.lookups = _Lookups.load(organisation)

    def error(self, row: int, field: str, message: str) -> None:
        self.errors.append(RowError(row=row, field=field, message=message))

    def validate(self) -> list[_Row]:
        emails = {cells.values["email"].lower() for cells in self.people if "email" in cells.values}
        managers = {
            cells.values["manager_email"].lower() for cells in self.people if "manager_email" in cells.values
        }
        users = {user.email: user for user in User.objects.filter(email__in=emails)}
        memberships = {
            m.user.email: m
            for m in Membership.objects.filter(
                organisation=self.organisation, user__email__in=emails
            ).select_related("user")
        }
        active_managers = set(
            Membership.objects.filter(
                organisation=self.organisation, is_active=True, user__email__in=managers
            ).values_list("user__email", flat=True)
        )

        rows: list[_Row] = []
        first_row_of: dict[str, int] = {}
        for cells in self.people:
            row = self._row(cells, users, memberships)
            if row is None:
                continue
            if row.email in first_row_of:
                self.error(
                    row.row,
                    "email",
                    f"{row.email} is already on row {first_row_of[row.email]}; list each person once.",
                )
                continue
            first_row_of[row.email] = row.row
            rows.append(row)

        in_file = set(first_row_of)
        for row in rows:
            if row.manager_email is None:
                continue
            if row.manager_email == row.email:
                self.error(row.row, "manager_email", "A person cannot be their own manager.")
            elif row.manager_email not in in_file and row.manager_email not in active_managers:
                self.error(
                    row.row,
                    "manager_email",
                    f"{row.manager_email} is not an active member of {self.organisation.name} "
                    "and is not in this file.",
                )
        self._check_reporting_loops(rows)
        self._check_admins_remain(rows)
        return rows

    # One row --------------------------------------------------------------------------------

    def _row(
        self, cells: _Cells, users: Mapping[str, User], memberships: Mapping[str, Membership]
    ) -> _Row | None:
        n, v = cells.row, cells.values
        if cells.extra:
            self.error(n, "", "This row has more cells than the header has columns.")
        # A bad email still gets the rest of its row checked, so one upload shows every problem.
        email = v.get("email", "").lower()
        email_ok = self._check_email(n, "email", v.get("email", ""))
        if email_ok and len(email) > _max_length(User, "email"):
            self.error(n, "email", "The email address is too long.")
            email_ok = False

        user = users.get(email)
        membership = memberships.get(email)
        full_name = v.get("full_name")
        # Without a valid email we cannot tell whether the person is new, so no name is demanded.
        if full_name is None and email_ok and (user is None or not user.full_name):
            self.error(n, "full_name", "A full name is required for someone new to Tandem.")
        elif full_name is not None:
            self._check_length(n, "full_name", full_name, _max_length(User, "full_name"))

        role: str | None = None
        if "role" in v:
            role = _ROLE_NAMES.get(_column_key(v["role"]))
            if role is None:
                self.error(n, "role", f"Unknown role “{v['role']}”. Use member, program_admin or org_admin.")

        changes: dict[str, Any] = {}
        for column, field_length in _TEXT_COLUMNS.items():
            if column in v and self._check_length(n, column, v[column], field_length):
                changes[column] = v[column]
        if "department" in v:
            found = self.lookups.departments.find(v["department"])
            if isinstance(found, str):
                self.error(n, "department", found)
            else:
                changes["department_id"] = found
        if "career_level" in v:
            self._career_level(n, v["career_level"], changes)
        self._number(n, v, "years_experience", changes, low=0, high=70)
        self._number(n, v, "hours_per_month", changes, low=0, high=80)
        self._number(n, v, "mentoring_capacity", changes, low=0, high=20)
        if "time_zone" in v:
            zone = self.lookups.time_zones.get(v["time_zone"].casefold())
            if zone is None:
                close = difflib.get_close_matches(v["time_zone"], sorted(VALID_TIME_ZONES), n=2)
                hint = " Did you mean " + " or ".join(close) + "?" if close else ""
                self.error(
                    n,
                    "time_zone",
                    f"“{v['time_zone']}” is not an IANA time zone such as Europe/Paris.{hint}",
                )
            else:
                changes["time_zone"] = zone
        if "languages" in v:
            self._languages(n, v["languages"], changes)
        if "skills" in v:
            self._skills(n, v["skills"], changes)
        if "goal_skills" in v:
            ids = self._names(n, "goal_skills", v["goal_skills"], self.lookups.skills.find)
            if ids is not None:
                changes["goal_skill_ids"] = ids
        if "values" in v:
            ids = self._names(n, "values", v["values"], self.lookups.values.find)
            if ids is not None and len(ids) > MAX_WORK_VALUES:
                self.error(n, "values", f"Pick at most {MAX_WORK_VALUES} work values, not {len(ids)}.")
            elif ids is not None:
                changes["value_ids"] = ids
        if "meeting_formats" in v:
            self._meeting_formats(n, v["meeting_formats"], changes)
        for column in ("open_to_mentor", "seeking_mentorship"):
            if column in v:
                answer = v[column].casefold()
                if answer in _TRUE or answer in _FALSE:
                    changes[column] = answer in _TRUE
                else:
                    self.error(n, column, f"Answer yes or no, not “{v[column]}”.")

        manager_email: str | None = None
        if "manager_email" in v and self._check_email(n, "manager_email", v["manager_email"]):
            manager_email = v["manager_email"].lower()
        if not email_ok:
            return None
        return _Row(
            row=n,
            email=email,
            full_name=full_name,
            role=role,
            changes=ProfileChanges(**changes),
            manager_email=manager_email,
            user=user,
            membership=membership,
        )

    def _check_email(self, n: int, column: str, raw: str) -> bool:
        if not raw:
            self.error(n, column, "An email address is required.")
            return False
        try:
            validate_email(raw.lower())
        except ValidationError:
            self.error(n, column, f"“{raw}” is not a valid email address.")
            return False
        return True

    def _check_length(self, n: int, column: str, text: str, limit: int) -> bool:
        if len(text) > limit:
            self.error(n, column, f"At most {limit} characters, this has {len(text)}.")
            return False
        return True

    def _career_level(self, n: int, raw: str, changes: dict[str, Any]) -> None:
        if raw.isdigit():
            pk = self.lookups.level_by_rank.get(int(raw))
            if pk is None:
                self.error(n, "career_level", f"No career level {raw}. Levels: {self.lookups.level_labels}.")
            else:
                changes["career_level_id"] = pk
            return
        found = self.lookups.levels.find(raw)
        if isinstance(found, str):
            self.error(
                n, "career_level", f"Unknown career level “{raw}”. Levels: {self.lookups.level_labels}."
            )
        else:
            changes["career_level_id"] = found

    def _number(
        self, n: int, v: Mapping[str, str], column: str, changes: dict[str, Any], *, low: int, high: int
    ) -> None:
        if column not in v:
            return
        raw = v[column]
        if not _WHOLE_NUMBER.fullmatch(raw) or not low <= int(float(raw)) <= high:
            self.error(n, column, f"Enter a whole number from {low} to {high}, not “{raw}”.")
        else:
            changes[column] = int(float(raw))

    def _names(self, n: int, column: str, raw: str, find: Callable[[str], int | str]) -> list[int] | None:
        """Ids of a ';'-separated list of names, or None after reporting each unknown one."""
        ids: list[int] = []
        ok = True
        for item in _split(raw):
            found = find(item)
            if isinstance(found, str):
                self.error(n, column, found)
                ok = False
            elif found not in ids:
                ids.append(found)
        return ids if ok else None

    def _languages(self, n: int, raw: str, changes: dict[str, Any]) -> None:
        codes: list[str] = []
        for item in _split(raw):
            code = self.lookups.languages.get(_norm(item))
            if code is None:
                self.error(
                    n,
                    "languages",
                    f"Unknown language “{item}”. Use a name (French) or an ISO 639-1 code (fr).",
                )
            elif code not in codes:
                codes.append(code)
        changes["language_codes"] = codes

    def _skills(self, n: int, raw: str, changes: dict[str, Any]) -> None:
        levels: dict[int, int] = {}
        ok = True
        for item in _split(raw):
            name, colon, level_text = item.rpartition(":")
            if not colon:
                name, level_text = item, ""
            level = SkillLevel.PROFICIENT.value if not level_text.strip() else _skill_level(level_text)
            if level is None:
                self.error(n, "skills", f"“{item}”: the level after “:” must be 1 to 4.")
                ok = False
                continue
            found = self.lookups.skills.find(name.strip())
            if isinstance(found, str):
                self.error(n, "skills", found)
                ok = False
            elif found in levels:
                self.error(n, "skills", f"“{name.strip()}” is listed twice.")
                ok = False
            else:
                levels[found] = level
        if ok:
            changes["skill_levels"] = levels

    def _meeting_formats(self, n: int, raw: str, changes: dict[str, Any]) -> None:
        formats: list[str] = []
        for item in _split(raw):
            key = _column_key(item)
            if key not in MeetingFormat.values:
                self.error(
                    n,
                    "meeting_formats",
                    f"Unknown meeting format “{item}”. Use {', '.join(MeetingFormat.values)}.",
                )
            else:
                formats.append(key)
        changes["meeting_formats"] = [f for f in MeetingFormat.values if f in formats]

    # The file as a whole -----------------------------------------------------------------------

    def _check_reporting_loops(self, rows: list[_Row]) -> None:
        """Reporting lines after the import (the organisation's, overridden by the file) are a forest."""
        manager_of: dict[str, str] = dict(
            Profile.objects.filter(organisation=self.organisation, manager__isnull=False).values_list(
                "membership__user__email", "manager__user__email"
            )
        )
        set_here: dict[str, int] = {}
        for row in rows:
            if row.manager_email is not None and row.manager_email != row.email:
                manager_of[row.email] = row.manager_email
                set_here[row.email] = row.row
        done: set[str] = set()
        for start in sorted(set_here):
            path: list[str] = []
            position: dict[str, int] = {}
            node: str | None = start
            while node is not None and node not in done and node not in position:
                position[node] = len(path)
                path.append(node)
                node = manager_of.get(node)
            if node is not None and node in position:
                loop = path[position[node] :]
                chain = " → ".join([*loop, loop[0]])
                for email in loop:
                    if email in set_here:
                        self.error(
                            set_here[email], "manager_email", f"This makes a reporting-line loop: {chain}."
                        )
            done.update(path)

    def _check_admins_remain(self, rows: list[_Row]) -> None:
        admins = set(
            Membership.objects.filter(
                organisation=self.organisation, is_active=True, role=Role.ORG_ADMIN
            ).values_list("user__email", flat=True)
        )
        demoted: list[_Row] = []
        for row in rows:
            existing_role = row.membership.role if row.membership is not None else Role.MEMBER
            if (row.role or existing_role) == Role.ORG_ADMIN:
                admins.add(row.email)  # listed members are active after the import
            elif row.email in admins:
                admins.discard(row.email)
                demoted.append(row)
        if not admins:
            for row in demoted:
                self.error(
                    row.row,
                    "role",
                    f"This would leave {self.organisation.name} without an organisation admin.",
                )


_ROLE_NAMES: Final = {
    "member": Role.MEMBER.value,
    "program_admin": Role.PROGRAM_ADMIN.value,
    "programme_admin": Role.PROGRAM_ADMIN.value,
    "org_admin": Role.ORG_ADMIN.value,
    "organisation_admin": Role.ORG_ADMIN.value,
    "organization_admin": Role.ORG_ADMIN.value,
}
_TEXT_COLUMNS: Final = {
    name: _max_length(Profile, name)
    for name in ("job_title", "headline", "bio", "industry", "location", "goals_text")
}


def _split(cell: str) -> list[str]:
    return [item.strip() for item in cell.split(LIST_SEPARATOR) if item.strip()]


def _skill_level(text: str) -> int | None:
    text = text.strip()
    if text.isdigit() and int(text) in SkillLevel.values:
        return int(text)
    by_label = {_norm(label): value for value, label in SkillLevel.choices}
    return by_label.get(_norm(text))


# --- writing ------------------------------------------------------------------------------------

_BATCH = 500
# Profile columns a ProfileChanges field maps to, for the bulk update.
_SCALAR_FIELDS: Final = {
    "headline": "headline",
    "bio": "bio",
    "job_title": "job_title",
    "department_id": "department",
    "career_level_id": "career_level",
    "years_experience": "years_experience",
    "industry": "industry",
    "location": "location",
    "time_zone": "time_zone",
    "goals_text": "goals_text",
    "hours_per_month": "hours_per_month",
    "meeting_formats": "meeting_formats",
    "open_to_mentor": "open_to_mentor",
    "seeking_mentorship": "seeking_mentorship",
    "mentoring_capacity": "mentoring_capacity",
}


@transaction.atomic
def _write(organisation: Organisation, rows: list[_Row], lookups: _Lookups) -> None:
    # Accounts: new people get an unusable password and sign in through a password reset or an
    # invitation. An account that exists but is new to this organisation keeps its own name.
    users = {row.email: row.user for row in rows if row.user is not None}
    new_users = []
    for row in rows:
        if row.user is None:
            user = User(email=row.email, full_name=row.full_name or "")
            user.set_unusable_password()
            new_users.append(user)
            users[row.email] = user
    User.objects.bulk_create(new_users, batch_size=_BATCH)
    for row in rows:
        user = users[row.email]
        # Renames are rare, so one UPDATE each is cheaper than bulk_update's CASE expressions.
        if row.membership is not None and row.full_name is not None and user.full_name != row.full_name:
            user.full_name = row.full_name
            user.save(update_fields=["full_name"])

    # Memberships: new ones, role changes, and deactivated members listed again come back.
    memberships: dict[str, Membership] = {}
    new_memberships = []
    back_with_role: dict[str, list[int]] = {}
    for row in rows:
        membership = row.membership
        if membership is None:
            membership = Membership(
                user=users[row.email], organisation=organisation, role=row.role or Role.MEMBER.value
            )
            new_memberships.append(membership)
        elif (row.role is not None and row.role != membership.role) or not membership.is_active:
            back_with_role.setdefault(row.role or membership.role, []).append(membership.pk)
        memberships[row.email] = membership
    Membership.objects.bulk_create(new_memberships, batch_size=_BATCH)
    for role, pks in back_with_role.items():
        Membership.objects.filter(pk__in=pks).update(role=role, is_active=True, deactivated_at=None)

    # Managers outside the file were checked to be active members; look their ids up in one go.
    outside = {
        row.manager_email for row in rows if row.manager_email and row.manager_email not in memberships
    }
    manager_ids = {email: m.pk for email, m in memberships.items()} | dict(
        Membership.objects.filter(organisation=organisation, user__email__in=outside).values_list(
            "user__email", "pk"
        )
    )

    # Profiles: new ones are created complete in bulk; existing ones save only the columns given.
    existing = {
        p.membership_id: p
        for p in Profile.objects.filter(membership_id__in=[m.pk for m in memberships.values()])
    }
    new_profiles: list[Profile] = []
    by_profile: list[tuple[Profile, _Row]] = []
    for row in rows:
        membership = memberships[row.email]
        profile = existing.get(membership.pk)
        if profile is None:
            profile = Profile(membership=membership, organisation=organisation)
            new_profiles.append(profile)
        changed = ["updated_at"]
        for change, column in _SCALAR_FIELDS.items():
            value = getattr(row.changes, change)
            if value is not None:
                setattr(profile, change, value)
                changed.append(column)
        if row.manager_email:
            profile.manager_id = manager_ids[row.manager_email]
            changed.append("manager")
        if profile.pk is not None:
            profile.save(update_fields=changed)
        by_profile.append((profile, row))
    Profile.objects.bulk_create(new_profiles, batch_size=_BATCH)

    languages = {
        p.pk: [lookups.language_ids[code] for code in r.changes.language_codes]
        for p, r in by_profile
        if r.changes.language_codes is not None
    }
    _replace_related(Profile.languages.through, "language_id", languages)
    _replace_related(
        Profile.values.through,
        "workvalue_id",
        {p.pk: list(r.changes.value_ids) for p, r in by_profile if r.changes.value_ids is not None},
    )
    _replace_related(
        Profile.goal_skills.through,
        "skill_id",
        {p.pk: list(r.changes.goal_skill_ids) for p, r in by_profile if r.changes.goal_skill_ids is not None},
    )
    skill_levels = {p.pk: r.changes.skill_levels for p, r in by_profile if r.changes.skill_levels is not None}
    ProfileSkill.objects.filter(profile_id__in=list(skill_levels)).delete()
    ProfileSkill.objects.bulk_create(
        [
            ProfileSkill(profile_id=pk, skill_id=skill, level=level)
            for pk, levels in skill_levels.items()
            for skill, level in levels.items()
        ],
        batch_size=_BATCH,
    )


def _replace_related(through: Any, target: str, wanted: dict[int, list[int]]) -> None:
    """Set a many-to-many relation of many profiles in two queries (the through rows)."""
    through.objects.filter(profile_id__in=list(wanted)).delete()
    through.objects.bulk_create(
        [through(profile_id=pk, **{target: item}) for pk, items in wanted.items() for item in items],
        batch_size=_BATCH,
    )
