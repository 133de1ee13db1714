"""`python manage.py run_periodic [--once] [--every SECONDS]` — enqueue Tandem's periodic tasks.

`make run` starts it beside the web server; in production run it from cron with `--once`
(or as one long-running process) next to the task workers.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tandem.periodic import periodic_tasks


class Command(BaseCommand):
    help = "Enqueue every periodic task (request expiry, reminders, …) once, or every N seconds."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Enqueue once and exit (for cron).")
        parser.add_argument("--every", type=int, default=900, help="Seconds between runs (default 900).")

    def handle(self, *_args: Any, **options: Any) -> None:
        while True:
            for periodic in periodic_tasks():
                result = periodic.enqueue()
                self.stdout.write(f"{periodic.name}: enqueued ({result.status})")
            if options["once"]:
                return
            time.sleep(max(1, options["every"]))
