"""Demo meetings for a mentorship: a recurring series that started in the past — meetings held
with shared notes, some feedback, perhaps a no-show — and the ones still to come.

Everything goes through the services (in the organiser's own time zone, from their profile);
then timestamps are moved into the past so the history reads like real weeks went by.
"""

from __future__ import annotations

import datetime as dt
import random

from tandem.meetings.models import (
    Frequency,
    Meeting,
    MeetingFormat,
    MeetingSeries,
    MeetingStatus,
    PrivateNote,
    SessionFeedback,
)
from tandem.meetings.recurrence import zone
from tandem.meetings.services import (
    MAX_PAST,
    MeetingPlan,
    Recurrence,
    feedback_give,
    meeting_notes_save,
    meeting_schedule,
    meeting_set_attendance,
    private_note_save,
    time_zone_of,
)
from tandem.mentorships.models import MemberRole, Mentorship, MentorshipStatus
from tandem.organisations.models import Membership

UPCOMING = 3
TITLES = ["Mentoring catch-up", "Monthly check-in", "Growth conversation", "Coffee & career chat"]
AGENDAS = [
    "What went well since last time\nOne thing that is hard right now\nNext steps",
    "Review the goals\nFeedback on the last presentation\nPlan for the coming weeks",
    "Career direction\nBuilding visibility with senior stakeholders\nReading list",
]
SHARED_NOTES = [
    "Talked through the stakeholder map. Action: book a 1:1 with the product lead before the next session.",
    "Reviewed the draft design doc — structure is good, the trade-offs section needs numbers.",
    "Practised the quarterly update. Open with the outcome, then the ask. Will try it on Thursday.",
    "Discussed saying no to scope creep. Agreed on a script to use with the team.",
    "Went through the promotion criteria; two gaps identified (mentoring others, cross-team impact).",
    "Short one today: celebrated the launch, set goals for next month.",
]
PRIVATE_NOTES = [
    "Seems more confident than last month. Push a little harder on delegation next time.",
    "Remember to send the article on negotiation.",
    "I should prepare a concrete example of a difficult conversation.",
]
COMMENTS = [
    "Really useful — I left with a clear next step.",
    "Good session, we ran out of time at the end.",
    "Great questions; made me rethink my plan.",
    "",
]


def _frequency(cadence_days: int) -> str:
    if cadence_days <= 7:
        return Frequency.WEEKLY
    if cadence_days <= 14:
        return Frequency.FORTNIGHTLY
    return Frequency.MONTHLY_WEEKDAY


def demo_meetings(
    *,
    mentorship: Mentorship,
    rng: random.Random,
    now: dt.datetime,
    held: int = 4,
    upcoming: bool = True,
    cadence_days: int = 14,
) -> None:
    """A recurring series of `mentorship` about every `cadence_days`: `held` meetings in the past
    (held, with shared notes and some feedback; with four or more, one was a no-show) and, if
    `upcoming`, three more still to come (only while the mentorship is active)."""
    members = list(mentorship.members.select_related("membership__user", "membership__profile"))
    mentor = next((m for m in members if m.role == MemberRole.MENTOR), members[0])
    mentees = [m for m in members if m is not mentor]
    if not mentees:
        return
    upcoming = upcoming and mentorship.status == MentorshipStatus.ACTIVE
    count = held + (UPCOMING if upcoming else 0)
    if count == 0:
        return
    organiser = rng.choice(members).membership
    tz = zone(time_zone_of(organiser))
    # Place the start so that `held` occurrences fall before `now`, at a sensible local hour.
    back = dt.timedelta(days=held * cadence_days - cadence_days // 2) if held else -dt.timedelta(days=3)
    back = min(back, MAX_PAST - dt.timedelta(days=7))
    first_day = (now - back).astimezone(tz).date()
    starts_local = dt.datetime.combine(
        first_day, dt.time(rng.choice([8, 9, 10, 12, 14, 16]), rng.choice([0, 30]))
    )
    video = rng.random() < 0.7
    plan = MeetingPlan(
        title=rng.choice(TITLES),
        starts_local=starts_local,
        duration_minutes=rng.choice([30, 45, 60, 60]),
        formal=rng.random() < 0.75,
        format=MeetingFormat.VIDEO if video else MeetingFormat.IN_PERSON,
        video_link=f"https://meet.example.com/tandem-{mentorship.pk}" if video else "",
        location="" if video else rng.choice(["Café on the ground floor", "Meeting room 4.12", "Library"]),
        agenda=rng.choice(AGENDAS),
    )
    recurrence = Recurrence(frequency=_frequency(cadence_days), count=count) if count >= 2 else None
    first = meeting_schedule(
        mentorship=mentorship, by=organiser, plan=plan, recurrence=recurrence, now=now, history=True
    )
    rows = list(Meeting.objects.filter(series=first.series)) if first.series_id else [first]
    _history(
        [r for r in sorted(rows, key=lambda r: r.starts_at) if r.starts_at < now],
        mentor=mentor.membership,
        mentees=[m.membership for m in mentees],
        rng=rng,
        now=now,
    )
    created = first.starts_at - dt.timedelta(days=rng.randint(2, 6))
    Meeting.objects.filter(pk__in=[r.pk for r in rows]).update(created_at=created)
    Meeting.objects.filter(pk__in=[r.pk for r in rows], updated_at__gt=now).update(updated_at=created)
    MeetingSeries.objects.filter(occurrences=first).update(created_at=created, updated_at=created)


def _history(
    past: list[Meeting],
    *,
    mentor: Membership,
    mentees: list[Membership],
    rng: random.Random,
    now: dt.datetime,
) -> None:
    people = [mentor, *mentees]
    no_show = rng.randrange(1, len(past)) if len(past) >= 4 else None
    for index, meeting in enumerate(past):
        end = meeting.ends_at
        if index == no_show:
            meeting_set_attendance(meeting=meeting, by=mentor, status=MeetingStatus.NO_SHOW, now=now)
            Meeting.objects.filter(pk=meeting.pk).update(updated_at=end)
            continue
        if meeting.ends_at > now:  # under way right now: leave it scheduled
            continue
        meeting_set_attendance(meeting=meeting, by=rng.choice(people), status=MeetingStatus.HELD, now=now)
        editor = rng.choice(people)
        meeting_notes_save(meeting=meeting, by=editor, text=SHARED_NOTES[index % len(SHARED_NOTES)], now=end)
        if rng.random() < 0.4:
            private_note_save(meeting=meeting, by=mentor, text=rng.choice(PRIVATE_NOTES))
        for person in people:
            if rng.random() < 0.6:
                feedback_give(
                    meeting=meeting,
                    by=person,
                    rating=rng.choices([3, 4, 5], weights=[1, 3, 3])[0],
                    comment=rng.choice(COMMENTS),
                    shared=rng.random() < 0.6,
                    now=now,
                    notify_others=False,
                )
        later = end + dt.timedelta(hours=rng.randint(1, 30))
        Meeting.objects.filter(pk=meeting.pk).update(
            updated_at=later, notes_edited_at=end, reminded_at=end - dt.timedelta(days=1)
        )
        PrivateNote.objects.filter(meeting=meeting).update(updated_at=later)
        SessionFeedback.objects.filter(meeting=meeting).update(created_at=later, updated_at=later)
        SessionFeedback.objects.filter(meeting=meeting, shared=True).update(shared_at=later)
