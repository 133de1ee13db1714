"""Background tasks of the advancement app."""

from __future__ import annotations

from django_tasks import task

from tandem.advancement.services import introductions_expire
from tandem.periodic import periodic


@periodic
@task()
def expire_introductions() -> int:
    """Close introductions nobody answered within their 30 days."""
    return introductions_expire()
