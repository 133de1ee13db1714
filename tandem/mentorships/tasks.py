"""Background tasks of the mentorships app."""

from __future__ import annotations

from django_tasks import task

from tandem.mentorships.services import mentorship_requests_expire
from tandem.periodic import periodic


@periodic
@task()
def expire_requests() -> int:
    """Close pending requests past their expiry date."""
    return mentorship_requests_expire()
