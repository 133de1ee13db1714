"""Check-ins, the health gatherer and refresh, and the due-check-in reminders, against the database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tandem.goals.services import goal_create, milestone_add, milestone_update
from tandem.health.errors import CheckInClosed, CheckInInvalid, CheckInNotAllowed, HealthNotAssessed
from tandem.health.facts import health_facts
from tandem.health.models import CheckIn, CheckInReminder, HealthAssessment
from tandem.health.services import (
    checkin_submit,
    checkins_remind_due,
    health_refresh_all,
    mentorship_health_refresh,
)
from tandem.health.tests.conftest import started_days_ago
from tandem.meetings.models import Meeting, MeetingStatus, SessionFeedback
from tandem.mentorships.models import Health, Mentorship, MentorshipStatus
from tandem.notifications.models import Notification, NotificationKind
from tandem.programs.models import Program
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def _meeting(mentorship: Mentorship, days_ago: float, status: str = MeetingStatus.HELD) -> Meeting:
    starts = timezone.now() - timedelta(days=days_ago)
    return Meeting.objects.create(
        mentorship=mentorship,
        title="Catch-up",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        status=status,
    )


# --- check-ins ----------------------------------------------------------------------------------


def test_checkin_submit_records_the_answer_and_refreshes_health(live):
    # given a mentorship of 40 days with no meeting yet
    mentorship = started_days_ago(live.mentorship, 40)
    # when the mentee says it isn't working
    checkin = checkin_submit(
        mentorship=mentorship, by=live.mentee, satisfaction=2, working="no", comment=" Hard "
    )
    # then it is stored with the mentee's role, and the mentorship needs attention at once
    assert (checkin.role, checkin.satisfaction, checkin.working, checkin.comment) == (
        "mentee",
        2,
        "no",
        "Hard",
    )
    assessment = HealthAssessment.objects.get(mentorship=mentorship)
    assert assessment.signal == Health.NEEDS_ATTENTION
    today = timezone.now().date()
    assert {
        "tone": "concern",
        "text": f"Mentee said it isn't working; satisfaction 2/5 (check-in {today.day} {today:%b %Y})",
    } in assessment.reasons
    assert Mentorship.objects.get(pk=mentorship.pk).health == Health.NEEDS_ATTENTION


@pytest.mark.parametrize(
    ("satisfaction", "working", "comment", "field"),
    [
        (0, "yes", "", "satisfaction"),
        (6, "yes", "", "satisfaction"),
        (True, "yes", "", "satisfaction"),
        (3, "maybe", "", "working"),
        (3, "yes", "x" * 2001, "comment"),
    ],
)
def test_checkin_submit_names_the_field_at_fault(live, satisfaction, working, comment, field):
    # when / then
    with pytest.raises(CheckInInvalid) as caught:
        checkin_submit(
            mentorship=live.mentorship,
            by=live.mentee,
            satisfaction=satisfaction,
            working=working,
            comment=comment,
        )
    assert caught.value.field == field
    assert not CheckIn.objects.exists()


def test_checkin_submit_refuses_people_outside_the_mentorship(live, org, program_admin):
    # given a member and the overseeing admin, neither in the mentorship
    for outsider in (make_member(org), program_admin):
        # when / then
        with pytest.raises(CheckInNotAllowed):
            checkin_submit(mentorship=live.mentorship, by=outsider, satisfaction=3, working="yes")
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("status", [MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY])
def test_checkin_submit_refuses_ended_mentorships(live, status):
    # given
    Mentorship.objects.filter(pk=live.mentorship.pk).update(status=status)
    live.mentorship.refresh_from_db()
    # when / then
    with pytest.raises(CheckInClosed):
        checkin_submit(mentorship=live.mentorship, by=live.mentee, satisfaction=3, working="yes")


def test_checkin_submit_is_allowed_while_paused(live):
    # given
    Mentorship.objects.filter(pk=live.mentorship.pk).update(status=MentorshipStatus.PAUSED)
    live.mentorship.refresh_from_db()
    # when
    checkin_submit(mentorship=live.mentorship, by=live.mentor, satisfaction=4, working="partly")
    # then
    assert CheckIn.objects.filter(mentorship=live.mentorship, author=live.mentor).exists()


# --- the gatherer, through the other apps' real selectors --------------------------------------


def test_health_facts_reads_meetings_ratings_goals_cadence_and_checkins(live):
    # given a fortnightly mentorship of 60 days: 3 meetings held (the last 10 days ago), 1 no-show,
    # 1 cancelled, 1 upcoming; ratings 2 and 4; one goal with 1 of 2 milestones done; and check-ins
    mentorship = started_days_ago(live.mentorship, 60)
    Program.objects.filter(pk=mentorship.program_id).update(default_cadence="fortnightly")
    mentorship.program.refresh_from_db()
    held = [_meeting(mentorship, d) for d in (50, 30, 10)]
    _meeting(mentorship, 40, MeetingStatus.NO_SHOW)
    _meeting(mentorship, 20, MeetingStatus.CANCELLED)
    upcoming = _meeting(mentorship, -5, MeetingStatus.SCHEDULED)
    SessionFeedback.objects.create(meeting=held[1], author=live.mentee, rating=2)
    SessionFeedback.objects.create(meeting=held[2], author=live.mentor, rating=4)
    goal = goal_create(mentorship=mentorship, by=live.mentee, title="Lead a project")
    milestone_update(
        milestone=milestone_add(goal=goal, by=live.mentee, title="Pick one"), by=live.mentor, done=True
    )
    milestone_add(goal=goal, by=live.mentee, title="Ship it")
    checkin_submit(mentorship=mentorship, by=live.mentee, satisfaction=2, working="partly")
    checkin_submit(mentorship=mentorship, by=live.mentee, satisfaction=4, working="yes")
    checkin_submit(mentorship=mentorship, by=live.mentor, satisfaction=3, working="partly")
    now = timezone.now()
    # when
    facts = health_facts(mentorship, now)
    # then
    assert facts.status == "active"
    assert facts.age_days == 60
    assert facts.cadence_days == 14
    assert (facts.meetings_held, facts.no_shows, facts.cancelled) == (3, 1, 1)
    assert facts.last_meeting_on == held[2].starts_at.date()
    assert facts.next_meeting_on == upcoming.starts_at.date()
    assert facts.average_rating == 3.0
    assert facts.goals_progress == 0.5
    # only each participant's latest check-in counts, mentor first
    assert [(c.who, c.satisfaction, c.working) for c in facts.checkins] == [
        ("Mentor", 3, "partly"),
        ("Mentee", 4, "yes"),
    ]


def test_health_facts_names_one_of_several_mentees_as_a_mentee(live, org):
    # given a second mentee in the same mentorship
    from tandem.mentorships.models import MentorshipMember

    second = make_member(org)
    MentorshipMember.objects.create(mentorship=live.mentorship, membership=second, role="mentee")
    checkin_submit(mentorship=live.mentorship, by=second, satisfaction=1, working="no")
    # when
    facts = health_facts(Mentorship.objects.get(pk=live.mentorship.pk), timezone.now())
    # then
    assert [c.who for c in facts.checkins] == ["A mentee"]


# --- refresh ------------------------------------------------------------------------------------


def test_refresh_young_mentorship_is_too_early(live):
    # when
    assessment = mentorship_health_refresh(live.mentorship)
    # then
    assert assessment.signal == Health.TOO_EARLY
    assert assessment.reasons[0]["text"].endswith("too early to tell")
    assert assessment.facts["age_days"] == 0


def test_refresh_flags_a_lapsed_cadence_and_is_stored_once(live):
    # given a monthly mentorship of 100 days whose last meeting was 70 days ago
    mentorship = started_days_ago(live.mentorship, 100)
    _meeting(mentorship, 70)
    # when refreshed twice
    mentorship_health_refresh(mentorship)
    assessment = mentorship_health_refresh(mentorship)
    # then
    assert HealthAssessment.objects.filter(mentorship=mentorship).count() == 1
    assert assessment.signal == Health.NEEDS_ATTENTION
    assert "No meeting held in 70 days; agreed every 30 days" in [r["text"] for r in assessment.reasons]


@pytest.mark.parametrize("status", [MentorshipStatus.PROPOSED, MentorshipStatus.COMPLETED])
def test_refresh_keeps_the_last_assessment_of_mentorships_that_are_not_live(live, status):
    # given an assessed mentorship that then ends
    first = mentorship_health_refresh(live.mentorship)
    Mentorship.objects.filter(pk=live.mentorship.pk).update(status=status)
    live.mentorship.refresh_from_db()
    # when / then
    with pytest.raises(HealthNotAssessed):
        mentorship_health_refresh(live.mentorship)
    assert HealthAssessment.objects.get(mentorship=live.mentorship).computed_at == first.computed_at


def test_refresh_all_covers_active_and_paused_only(org, program_admin):
    # given an active, a paused and a completed mentorship
    from tests.relationship_setup import live_mentorship

    active, paused, ended = (live_mentorship(org, program_admin, name=n).mentorship for n in "APE")
    Mentorship.objects.filter(pk=paused.pk).update(status=MentorshipStatus.PAUSED)
    Mentorship.objects.filter(pk=ended.pk).update(status=MentorshipStatus.COMPLETED)
    # when
    refreshed = health_refresh_all()
    # then
    assert refreshed == 2
    assert set(HealthAssessment.objects.values_list("mentorship_id", flat=True)) == {active.pk, paused.pk}


# --- reminders ----------------------------------------------------------------------------------


def test_reminders_go_once_per_due_window_and_person(live):
    # given a mentorship 31 days old: the first check-in (after 30 days) is due for both
    mentorship = started_days_ago(live.mentorship, 31)
    # when the job runs twice
    first = checkins_remind_due()
    second = checkins_remind_due()
    # then each participant was told once, with a link to the Check-ins tab
    assert (first, second) == (2, 0)
    notes = Notification.objects.filter(kind=NotificationKind.CHECKIN_DUE)
    assert sorted(notes.values_list("recipient_id", flat=True)) == sorted([live.mentor.pk, live.mentee.pk])
    assert {n.url for n in notes} == {
        f"/o/{mentorship.organisation.slug}/mentorships/{mentorship.pk}/check-ins/"
    }
    assert CheckInReminder.objects.count() == 2


def test_reminders_skip_who_checked_in_and_come_again_next_window(live):
    # given the first window is open and the mentee already checked in
    mentorship = started_days_ago(live.mentorship, 31)
    checkin_submit(mentorship=mentorship, by=live.mentee, satisfaction=4, working="yes")
    # when
    checkins_remind_due()
    # then only the mentor is reminded
    assert list(
        Notification.objects.filter(kind=NotificationKind.CHECKIN_DUE).values_list("recipient_id", flat=True)
    ) == [live.mentor.pk]
    # and when the second window opens (day 90), both are asked again
    later = timezone.now() + timedelta(days=60)
    assert checkins_remind_due(now=later) == 2
    assert checkins_remind_due(now=later + timedelta(days=1)) == 0


def test_reminders_not_before_due_nor_while_paused(live):
    # given a mentorship of 10 days, and a paused one of 40
    checkins_remind_due()
    assert not Notification.objects.filter(kind=NotificationKind.CHECKIN_DUE).exists()
    mentorship = started_days_ago(live.mentorship, 40)
    Mentorship.objects.filter(pk=mentorship.pk).update(status=MentorshipStatus.PAUSED)
    # when
    sent = checkins_remind_due()
    # then
    assert sent == 0


def test_run_periodic_runs_the_health_jobs(live):
    # given a due check-in
    started_days_ago(live.mentorship, 31)
    # when
    call_command("run_periodic", "--once", stdout=__import__("io").StringIO())
    # then
    assert Notification.objects.filter(kind=NotificationKind.CHECKIN_DUE).count() == 2
    assert HealthAssessment.objects.filter(mentorship=live.mentorship).exists()
