"""`python manage.py import_people FILE.csv --org SLUG [--dry-run]` — the CSV import for operators.

The same service as the admins' upload page; the format is in docs/csv-import.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.organisations.models import Organisation
from tandem.people.imports import ImportRejected, people_import_csv


class Command(BaseCommand):
    help = "Create or update members and their profiles from a CSV file (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV file, UTF-8, with a header row")
        parser.add_argument("--org", required=True, metavar="SLUG", help="the organisation's slug")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the whole file and report, without writing"
        )

    def handle(self, *_args: Any, **options: Any) -> None:
        path: Path = options["file"]
        slug: str = options["org"]
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise CommandError(f"No organisation with the slug “{slug}”.")
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise CommandError(f"No such file: {path}") from None
        except IsADirectoryError:
            raise CommandError(f"{path} is a folder, not a CSV file.") from None
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None

        try:
            report = people_import_csv(organisation=organisation, data=data, dry_run=options["dry_run"])
        except ImportRejected as exc:
            raise CommandError(exc.message) from None

        added = f"{report.created} {'person' if report.created == 1 else 'people'}"
        if options["dry_run"]:
            self.stdout.write(
                f"Dry run: the file is valid. Importing its {report.rows} rows into {organisation.name} "
                f"would add {added} and update {report.updated}. Nothing was written."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported {report.rows} rows into {organisation.name}: "
                    f"{added} added, {report.updated} updated."
                )
            )
