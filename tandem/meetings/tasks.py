"""Background jobs of the meetings app, run by `manage.py run_periodic`. Each is idempotent."""

from __future__ import annotations

from django_tasks import task

from tandem.meetings.services import cadence_nudges_send, meeting_reminders_send, meeting_series_extend
from tandem.periodic import periodic


@periodic
@task()
def extend_meeting_series() -> int:
    """Materialise recurring meetings up to the rolling horizon."""
    return meeting_series_extend()


@periodic
@task()
def send_meeting_reminders() -> int:
    """Remind both sides of meetings starting within a day (once per meeting)."""
    return meeting_reminders_send()


@periodic
@task()
def send_cadence_nudges() -> int:
    """Nudge pairs whose agreed meeting cadence lapsed (once per lapse)."""
    return cadence_nudges_send()
