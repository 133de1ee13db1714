"""Pause, resume, complete and end early: valid transitions only, audited, told to the other side in
neutral words, capacity freed on ending — through the services, the pages and the API."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import login
from tandem.errors import DomainError
from tandem.mentorships.capacity import remaining_capacity
from tandem.mentorships.errors import LifecycleConflict, LifecycleInvalid, LifecycleNotAllowed
from tandem.mentorships.lifecycle import (
    mentorship_complete,
    mentorship_end_early,
    mentorship_pause,
    mentorship_resume,
)
from tandem.mentorships.models import (
    EndReason,
    EventKind,
    Mentorship,
    MentorshipEvent,
    MentorshipOrigin,
    MentorshipStatus,
)
from tandem.mentorships.selectors_lifecycle import mentorship_events
from tandem.mentorships.services import mentorship_request_accept, mentorship_request_create, mentorship_start
from tandem.notifications.models import Notification, NotificationKind
from tandem.organisations.models import Membership, Organisation
from tandem.programs.models import Enrolment
from tests.api_client import api_client
from tests.factories import make_member
from tests.program_setup import make_program, mentee, mentor
from tests.relationship_setup import Live, live_mentorship

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(org: Organisation, program_admin: Membership) -> Live:
    return live_mentorship(org, program_admin)


def _status(mentorship: Mentorship) -> str:
    return Mentorship.objects.get(pk=mentorship.pk).status


def _notes(recipient: Membership) -> list[Notification]:
    return list(Notification.objects.filter(recipient=recipient).order_by("pk"))


# --- services -----------------------------------------------------------------------------------


def test_lifecycle_pause_resume_complete_is_audited_and_told_to_the_other_side(live: Live) -> None:
    # given an active mentorship
    m = live.mentorship
    # when the mentee pauses with a reason, the mentor resumes, and the mentee completes
    mentorship_pause(mentorship=m, by=live.mentee, reason="Busy quarter")
    assert _status(m) == MentorshipStatus.PAUSED
    mentorship_resume(mentorship=m, by=live.mentor)
    assert _status(m) == MentorshipStatus.ACTIVE
    mentorship_complete(mentorship=m, by=live.mentee, reflection="I can now lead a design review.")
    # then every step is in the history: who, from, to, why
    events = list(MentorshipEvent.objects.filter(mentorship=m).order_by("pk"))
    assert [(e.kind, e.from_status, e.to_status, e.by_id) for e in events] == [
        (EventKind.PAUSED, "active", "paused", live.mentee.pk),
        (EventKind.RESUMED, "paused", "active", live.mentor.pk),
        (EventKind.COMPLETED, "active", "completed", live.mentee.pk),
    ]
    assert events[0].reason == "Busy quarter"
    done = Mentorship.objects.get(pk=m.pk)
    assert done.ended_at is not None
    assert done.ended_by_id == live.mentee.user_id
    # and the other side (only) was notified each time, in neutral words
    to_mentor = [n for n in _notes(live.mentor) if n.kind == NotificationKind.MENTORSHIP_CHANGED]
    to_mentee = [n for n in _notes(live.mentee) if n.kind == NotificationKind.MENTORSHIP_CHANGED]
    # (titles start with the actor's name, which may have any number of words)
    actor = live.mentee.user.full_name or live.mentee.user.email
    assert [n.title.removeprefix(f"{actor} ") for n in to_mentor] == [
        "paused your mentorship",
        "marked your mentorship as completed",
    ]
    assert "Busy quarter" in to_mentor[0].body
    assert len(to_mentee) == 1
    assert "resumed" in to_mentee[0].title


@pytest.mark.parametrize(
    ("setup", "action"),
    [
        ([], "resume"),
        (["pause"], "pause"),
        (["complete"], "end"),
        (["end"], "complete"),
        (["end"], "pause"),
        (["end"], "resume"),
    ],
)
def test_lifecycle_invalid_transitions_are_conflicts_that_change_nothing(
    live: Live, setup: list[str], action: str
) -> None:
    def do(what: str) -> None:
        m, by = live.mentorship, live.mentee
        if what == "pause":
            mentorship_pause(mentorship=m, by=by)
        elif what == "resume":
            mentorship_resume(mentorship=m, by=by)
        elif what == "complete":
            mentorship_complete(mentorship=m, by=by, reflection="Done")
        else:
            mentorship_end_early(mentorship=m, by=by, reason=EndReason.SCHEDULES)

    # given a mentorship in some state
    for step in setup:
        do(step)
    before = (_status(live.mentorship), MentorshipEvent.objects.count(), Notification.objects.count())
    # when a change its state does not allow is tried
    with pytest.raises(LifecycleConflict) as exc:
        do(action)
    # then a clear conflict, and nothing changed
    assert exc.value.field == "status"
    assert "this one is" in exc.value.message
    assert (_status(live.mentorship), MentorshipEvent.objects.count(), Notification.objects.count()) == before


def test_lifecycle_end_early_needs_a_known_reason_and_keeps_the_note_private(
    live: Live, program_admin: Membership, org: Organisation
) -> None:
    # given a second program admin, and the mentor who is an ordinary member
    other_admin = make_member(org, role="program_admin")
    # when the reason is not one of the choices
    with pytest.raises(LifecycleInvalid) as exc:
        mentorship_end_early(mentorship=live.mentorship, by=live.mentee, reason="his fault")
    assert exc.value.field == "reason"
    assert _status(live.mentorship) == MentorshipStatus.ACTIVE
    # when the mentee ends it with a no-fault reason and a private note
    mentorship_end_early(
        mentorship=live.mentorship,
        by=live.mentee,
        reason=EndReason.NOT_THE_RIGHT_FIT,
        private_note="He cancelled four times.",
    )
    # then it ended early, with the reason recorded
    ended = Mentorship.objects.get(pk=live.mentorship.pk)
    assert (ended.status, ended.end_reason, ended.end_reason_label) == (
        "ended_early",
        "not_the_right_fit",
        "Not the right fit",
    )
    # and the mentor is told the reason but never the note
    told = [n for n in _notes(live.mentor) if n.kind == NotificationKind.MENTORSHIP_CHANGED]
    assert len(told) == 1
    assert "Not the right fit" in told[0].body
    assert "nobody's fault" in told[0].body
    assert all("cancelled" not in n.body for n in Notification.objects.filter(recipient=live.mentor))
    # and both program admins get the note
    for admin in (program_admin, other_admin):
        assert any("cancelled four times" in n.body for n in _notes(admin))
    # and in the history the note is visible to its author and admins only
    ended.members.all()  # prefetch not needed: the selector reads members itself
    seen = {
        who.pk: mentorship_events(mentorship=ended, viewer=who)[0].note_visible  # type: ignore[attr-defined]
        for who in (live.mentee, live.mentor, program_admin)
    }
    assert seen == {live.mentee.pk: True, live.mentor.pk: False, program_admin.pk: True}


def test_lifecycle_end_early_offers_mentees_a_rematch_link(live: Live) -> None:
    # when the mentor ends it
    mentorship_end_early(mentorship=live.mentorship, by=live.mentor, reason=EndReason.SCHEDULES)
    # then the mentee's notification links to the guided re-match
    told = [n for n in _notes(live.mentee) if n.kind == NotificationKind.MENTORSHIP_CHANGED]
    assert told[0].url.endswith(f"/mentorships/{live.mentorship.pk}/rematch/")
    assert "new mentors" in told[0].body


def test_lifecycle_only_members_and_program_admins_of_the_org_may_change_it(
    live: Live, org: Organisation, member: Membership, outsider: Membership, program_admin: Membership
) -> None:
    # when a member of the organisation who is not in the mentorship, or another org's admin, tries
    for stranger in (member, outsider):
        with pytest.raises(LifecycleNotAllowed):
            mentorship_pause(mentorship=live.mentorship, by=stranger)
    assert _status(live.mentorship) == MentorshipStatus.ACTIVE
    # when a program admin oversees it
    mentorship_pause(mentorship=live.mentorship, by=program_admin, reason="Program break")
    # then it is done, marked as an admin's, and both sides are told
    event = MentorshipEvent.objects.get(mentorship=live.mentorship)
    assert event.by_admin
    assert event.by_id == program_admin.pk
    for side in (live.mentor, live.mentee):
        assert [n.title for n in _notes(side)][-1] == "A program admin paused your mentorship"


def test_lifecycle_ending_frees_the_mentors_place(org: Organisation, program_admin: Membership) -> None:
    # given a mentor with one place, taken
    program = make_program(org, program_admin, matching_mode="self_service")
    full = mentor(program, capacity=1)
    first = mentorship_start(
        mentor=full, mentees=[mentee(program)], origin=MentorshipOrigin.ADMIN, needs_consent=False
    )
    assert remaining_capacity(mentor=full) == 0
    waiting = mentee(program)
    with pytest.raises(DomainError):
        mentorship_request_create(mentee=waiting, mentor=full, message="Please", by=waiting.membership)
    # when pausing: the place stays held
    mentorship_pause(mentorship=first, by=full.membership)
    assert remaining_capacity(mentor=full) == 0
    # when the mentorship ends early
    mentorship_end_early(mentorship=first, by=full.membership, reason=EndReason.GOALS_CHANGED)
    # then the place is free again, and a new mentee can be accepted
    assert remaining_capacity(mentor=Enrolment.objects.get(pk=full.pk)) == 1
    request = mentorship_request_create(mentee=waiting, mentor=full, message="Please", by=waiting.membership)
    second = mentorship_request_accept(request=request, by=full.membership)
    assert second.status == MentorshipStatus.ACTIVE


def test_lifecycle_complete_needs_a_reflection(live: Live) -> None:
    with pytest.raises(LifecycleInvalid) as exc:
        mentorship_complete(mentorship=live.mentorship, by=live.mentor, reflection="   ")
    assert exc.value.field == "reflection"
    assert _status(live.mentorship) == MentorshipStatus.ACTIVE


# --- pages --------------------------------------------------------------------------------------


def _url(name: str, m: Mentorship, org: Organisation | None = None) -> str:
    slug = (org or m.organisation).slug
    return reverse(f"mentorships:{name}", kwargs={"org_slug": slug, "mentorship_id": m.pk})


def test_overview_shows_manage_section_and_pause_works(client: Client, live: Live) -> None:
    # given the mentor on the overview
    login(client, live.mentor)
    page = client.get(_url("detail", live.mentorship))
    html = page.content.decode()
    assert "Manage this mentorship" in html
    assert 'data-confirm="Pause this mentorship?' in html
    assert _url("end", live.mentorship) in html
    assert _url("complete", live.mentorship) in html
    # when they pause with a reason
    response = client.post(_url("pause", live.mentorship), {"reason": "Parental leave"})
    # then back on the overview: paused, with the history and a resume button
    assert response.status_code == 302
    html = client.get(_url("detail", live.mentorship)).content.decode()
    assert _status(live.mentorship) == "paused"
    assert "Parental leave" in html
    assert "History" in html
    assert _url("resume", live.mentorship) in html


def test_overview_history_hides_the_private_note_from_the_other_side(
    client: Client, live: Live, program_admin: Membership
) -> None:
    # given the mentee ended it with a private note
    mentorship_end_early(
        mentorship=live.mentorship, by=live.mentee, reason=EndReason.OTHER, private_note="SECRET-NOTE"
    )
    # then the mentor's overview and API never show it; the admin's and the author's do
    login(client, live.mentor)
    assert "SECRET-NOTE" not in client.get(_url("detail", live.mentorship)).content.decode()
    api_path = f"/api/orgs/{live.mentorship.organisation.slug}/mentorships/{live.mentorship.pk}/events"
    mentor_events = api_client(live.mentor).get(api_path).json()
    assert mentor_events[0]["private_note"] is None
    assert mentor_events[0]["reason"] == "Another reason"
    assert api_client(live.mentee).get(api_path).json()[0]["private_note"] == "SECRET-NOTE"
    assert api_client(program_admin).get(api_path).json()[0]["private_note"] == "SECRET-NOTE"
    login(client, program_admin)
    assert "SECRET-NOTE" in client.get(_url("detail", live.mentorship)).content.decode()


def test_end_page_ends_and_sends_the_mentee_to_the_rematch(client: Client, live: Live) -> None:
    # given the mentee on the end page, which offers alternatives first
    login(client, live.mentee)
    page = client.get(_url("end", live.mentorship)).content.decode()
    assert "raise a concern privately" in page
    assert "pause it for a while" in page
    # when they submit without a reason
    assert client.post(_url("end", live.mentorship), {}).status_code == 200
    assert _status(live.mentorship) == "active"
    # when they end it with a reason
    response = client.post(_url("end", live.mentorship), {"reason": "schedules", "private_note": ""})
    # then it ended and they are taken to the re-match
    assert _status(live.mentorship) == "ended_early"
    assert response["Location"] == _url("rematch", live.mentorship)


def test_complete_page_requires_reflection_then_completes(client: Client, live: Live) -> None:
    login(client, live.mentor)
    response = client.post(_url("complete", live.mentorship), {"reflection": ""})
    assert response.status_code == 200
    assert "Share a sentence or two" in response.content.decode()
    response = client.post(_url("complete", live.mentorship), {"reflection": "Great work together."})
    assert response.status_code == 302
    assert _status(live.mentorship) == "completed"
    html = client.get(_url("detail", live.mentorship)).content.decode()
    assert "Great work together." in html
    assert "was completed" in html


def test_lifecycle_pages_are_404_for_strangers_and_other_organisations(
    client: Client, live: Live, member: Membership, outsider: Membership
) -> None:
    for stranger in (member, outsider):
        login(client, stranger)
        for name in ("pause", "resume", "end", "complete"):
            assert client.post(_url(name, live.mentorship)).status_code == 404
        assert client.get(_url("end", live.mentorship)).status_code == 404
    # an outsider using their own organisation's slug with our id: 404 too
    assert client.post(_url("pause", live.mentorship, outsider.organisation)).status_code == 404
    assert _status(live.mentorship) == "active"


def test_resume_of_an_active_mentorship_shows_a_clear_message(client: Client, live: Live) -> None:
    login(client, live.mentee)
    response = client.post(_url("resume", live.mentorship), follow=True)
    assert "Only a paused mentorship can be resumed" in response.content.decode()


# --- API ----------------------------------------------------------------------------------------


def _api(m: Mentorship, action: str) -> str:
    return f"/api/orgs/{m.organisation.slug}/mentorships/{m.pk}/{action}"


def test_api_lifecycle_round_trip_and_errors(live: Live) -> None:
    mentee_api, mentor_api = api_client(live.mentee), api_client(live.mentor)
    m = live.mentorship
    # pause, then pausing again is a 409 naming the field
    assert mentee_api.post(_api(m, "pause"), {"reason": "Holiday"}, "application/json").json()["status"] == (
        "paused"
    )
    again = mentor_api.post(_api(m, "pause"), {}, "application/json")
    assert again.status_code == 409
    assert again.json()["field"] == "status"
    assert mentor_api.post(_api(m, "resume")).json()["status"] == "active"
    # end with an unknown reason: 4xx naming the field, never a 500
    bad = mentee_api.post(_api(m, "end"), {"reason": "blame"}, "application/json")
    assert bad.status_code in {400, 422}
    assert "reason" in bad.content.decode()
    ended = mentee_api.post(_api(m, "end"), {"reason": "goals_changed"}, "application/json")
    assert ended.status_code == 200
    assert ended.json()["status"] == "ended_early"
    # complete after ending: conflict
    assert mentor_api.post(_api(m, "complete"), {"reflection": "x"}, "application/json").status_code == 409
    events = mentor_api.get(_api(m, "events")).json()
    assert [(e["kind"], e["from_status"], e["to_status"]) for e in events] == [
        ("paused", "active", "paused"),
        ("resumed", "paused", "active"),
        ("ended_early", "active", "ended_early"),
    ]
    assert events[0]["by_membership_id"] == live.mentee.pk
    assert events[0]["reason"] == "Holiday"


def test_api_lifecycle_is_404_for_non_members(live: Live, member: Membership, outsider: Membership) -> None:
    for stranger in (member, outsider):
        client = api_client(stranger)
        slug = stranger.organisation.slug
        for action in ("pause", "resume", "end", "complete", "events"):
            path = f"/api/orgs/{slug}/mentorships/{live.mentorship.pk}/{action}"
            response = client.get(path) if action == "events" else client.post(path, {}, "application/json")
            assert response.status_code in {404, 422}, (action, response.content)
            if response.status_code == 422:  # body validation ran first; retry with a valid body
                body = {"reason": "other"} if action == "end" else {"reflection": "x"}
                assert client.post(path, body, "application/json").status_code == 404
    assert _status(live.mentorship) == "active"


def test_api_events_query_count_does_not_grow(live: Live) -> None:
    # given a history of 2 events, then of 10
    client = api_client(live.mentee)
    path = _api(live.mentorship, "events")

    def run(n: int) -> None:
        for _ in range(n):
            mentorship_pause(mentorship=live.mentorship, by=live.mentee)
            mentorship_resume(mentorship=live.mentorship, by=live.mentor)

    run(1)
    client.get(path)  # the token's first use of the day is written once; not part of the list
    small = _count(client, path, rows=2)
    run(4)
    large = _count(client, path, rows=10)
    # then the same number of queries, and few
    assert small == large <= EVENTS_QUERIES


EVENTS_QUERIES = 8


def _count(client: Client, path: str, *, rows: int) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert len(response.json()) == rows
    return len(ctx.captured_queries)
