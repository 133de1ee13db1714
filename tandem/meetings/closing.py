"""What happens to a mentorship's meetings when it closes (completed or ended early).

Its future meetings are called off, so they leave both people's calendars (the .ics and feeds
show them cancelled) and no reminder is sent for them; series stop at the closing moment and
are not extended any more. Meetings already held keep their notes and feedback. A pause keeps
the meetings: reminders and nudges only go to active mentorships, and the pair may resume.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F

from tandem.meetings.models import Meeting, MeetingSeries, MeetingStatus
from tandem.mentorships.models import Mentorship


@transaction.atomic
def meetings_close(*, mentorship: Mentorship, now: dt.datetime) -> int:
    """Cancel the mentorship's meetings still to come and end its series; returns how many."""
    upcoming = Meeting.objects.filter(
        mentorship=mentorship, status=MeetingStatus.SCHEDULED, starts_at__gt=now
    )
    cancelled = upcoming.update(status=MeetingStatus.CANCELLED, sequence=F("sequence") + 1)
    for series in MeetingSeries.objects.select_for_update().filter(mentorship=mentorship, cancelled=False):
        if not series.occurrences.filter(starts_at__lte=now).exists():
            series.cancelled = True  # nothing of it ever happened: the whole series is off
        else:
            series.count, series.until = None, now  # the rule ends here (count and until exclude)
        series.sequence += 1
        series.save(update_fields=["cancelled", "count", "until", "sequence", "updated_at"])
    return cancelled
