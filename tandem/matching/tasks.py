"""Background tasks of the matching app."""

from __future__ import annotations

from django_tasks import task

from tandem.matching.run import match_round_execute


@task()
def run_match_round(round_id: int) -> str:
    return match_round_execute(round_id=round_id).status
