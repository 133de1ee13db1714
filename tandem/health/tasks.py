"""Background tasks of the health app."""

from __future__ import annotations

from django_tasks import task

from tandem.health.services import checkins_remind_due, health_refresh_all
from tandem.periodic import periodic


@periodic
@task()
def remind_due_checkins() -> int:
    """Tell participants whose check-in is due (once per due window)."""
    return checkins_remind_due()


@periodic
@task()
def refresh_mentorship_health() -> int:
    """Recompute the health signal of every active or paused mentorship."""
    return health_refresh_all()
