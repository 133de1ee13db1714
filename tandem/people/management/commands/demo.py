"""`python manage.py demo [--seed N] [--people 320]` — load the demo organisation once.

Used by `make run`: the first run creates Northwind Group, every later run finds it and
changes nothing. The sign-ins it prints share the password in `DEMO_PASSWORD`.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings
from django.urls import reverse

from tandem.people.demo import DEFAULT_PEOPLE, DEFAULT_SEED, DEMO_LOGINS, DEMO_PASSWORD, MIN_PEOPLE, demo_load


class Command(BaseCommand):
    help = "Create the demo organisation (Northwind Group) unless it already exists."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"same seed, same people (default {DEFAULT_SEED})"
        )
        parser.add_argument(
            "--people",
            type=int,
            default=DEFAULT_PEOPLE,
            help=f"how many people (default {DEFAULT_PEOPLE}, at least {MIN_PEOPLE})",
        )

    def handle(self, *_args: Any, **options: Any) -> None:
        if options["people"] < MIN_PEOPLE:
            raise CommandError(f"--people must be at least {MIN_PEOPLE}.")
        # The demo's people have no real inboxes: don't print a "you were matched" email for each.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            result = demo_load(seed=options["seed"], people=options["people"])
        name = result.organisation.name
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(f"Created the demo organisation “{name}” with {result.people} people.")
            )
        else:
            self.stdout.write(
                f"The demo organisation “{name}” already exists ({result.people} people); nothing changed."
            )
        home = reverse("people:directory", kwargs={"org_slug": result.organisation.slug})
        self.stdout.write(f"Its people directory: {home}")
        self.stdout.write(f"Demo sign-ins (password “{DEMO_PASSWORD}”):")
        width = max(len(login.label) for login in DEMO_LOGINS)
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.label:<{width}}  {login.email}")
