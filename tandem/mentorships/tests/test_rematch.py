"""The guided re-match after an early ending: new mentors from the engine, never the previous one,
never a blocked pair, never a full mentor; the mentee's pick becomes a request (or, where admins
make the matches, a wish passed to them) linked to the ended mentorship."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import login
from tandem.matching.models import BlockedPair
from tandem.mentorships.errors import AlreadyMatched, LifecycleNotAllowed, RematchInvalid
from tandem.mentorships.lifecycle import mentorship_end_early, rematch_choose
from tandem.mentorships.models import (
    EndReason,
    Mentorship,
    MentorshipOrigin,
    MentorshipRequest,
    MentorshipStatus,
    Rematch,
    RequestStatus,
)
from tandem.mentorships.selectors_lifecycle import rematch_candidates, rematch_mentee, rematch_origin
from tandem.mentorships.services import mentorship_request_accept, mentorship_start
from tandem.notifications.models import Notification
from tandem.organisations.models import Membership, Organisation
from tandem.programs.models import Enrolment, Program
from tests.api_client import api_client
from tests.program_setup import make_program, mentee, mentor

pytestmark = pytest.mark.django_db


class Ended:
    """A program with a mentorship that ended early, and other mentors around it."""

    def __init__(self, org: Organisation, admin: Membership, *, mode: str = "self_service") -> None:
        self.program: Program = make_program(org, admin, name="Growth", matching_mode=mode)
        self.old_mentor = mentor(self.program, full_name="Olly Old", expertise=4, capacity=3)
        self.mentee = mentee(self.program, full_name="Mia Mentee")
        self.mentorship: Mentorship = mentorship_start(
            mentor=self.old_mentor, mentees=[self.mentee], origin=MentorshipOrigin.ADMIN, needs_consent=False
        )
        mentorship_end_early(
            mentorship=self.mentorship, by=self.mentee.membership, reason=EndReason.SCHEDULES
        )
        self.mentorship.refresh_from_db()
        self.ace = mentor(self.program, full_name="Ace Expert", expertise=4)
        self.good = mentor(self.program, full_name="Gus Good", expertise=2)
        self.blocked = mentor(self.program, full_name="Bea Blocked", expertise=4)
        BlockedPair.objects.create(
            program=self.program, mentee=self.mentee.membership, mentor=self.blocked.membership
        )
        self.full = mentor(self.program, full_name="Flo Full", expertise=4, capacity=1)
        mentorship_start(
            mentor=self.full,
            mentees=[mentee(self.program)],
            origin=MentorshipOrigin.ADMIN,
            needs_consent=False,
        )

    def enrolment(self) -> Enrolment:
        found = rematch_mentee(mentorship=_members(self.mentorship), viewer=self.mentee.membership)
        assert found is not None
        return found


def _members(m: Mentorship) -> Mentorship:
    return Mentorship.objects.prefetch_related("members").select_related("organisation").get(pk=m.pk)


@pytest.fixture
def ended(org: Organisation, program_admin: Membership) -> Ended:
    return Ended(org, program_admin)


# --- selectors and services ---------------------------------------------------------------------


def test_rematch_candidates_exclude_previous_blocked_and_full_mentors(ended: Ended) -> None:
    # when the mentee's re-match is computed
    candidates = rematch_candidates(mentee=ended.enrolment())
    # then only the allowed mentors with a place are proposed, best fit first, with reasons
    names = [c.candidate.mentor.membership.user.full_name for c in candidates]
    assert names == ["Ace Expert", "Gus Good"]
    assert candidates[0].candidate.score >= candidates[1].candidate.score
    assert all(c.candidate.reasons and c.candidate.breakdown for c in candidates)
    assert all(c.candidate.places_left > 0 for c in candidates)


def test_rematch_never_proposes_the_previous_mentor_even_with_the_best_score(
    org: Organisation, program_admin: Membership
) -> None:
    # given the previous mentor is by far the best fit on paper and has places left
    e = Ended(org, program_admin)
    # then they are never among the candidates, and choosing them is refused
    assert e.old_mentor.pk not in [c.candidate.mentor.pk for c in rematch_candidates(mentee=e.enrolment())]
    for refused in (e.old_mentor, e.blocked, e.full):
        with pytest.raises(RematchInvalid) as exc:
            rematch_choose(
                ended=e.mentorship, mentee=e.enrolment(), mentor=refused, message="Hi", by=e.mentee.membership
            )
        assert exc.value.field == "mentor"
    assert not MentorshipRequest.objects.filter(mentee=e.mentee).exists()


def test_rematch_choose_sends_a_request_that_starts_a_linked_mentorship(ended: Ended) -> None:
    # when the mentee picks a new mentor with a message
    pick = rematch_choose(
        ended=ended.mentorship,
        mentee=ended.enrolment(),
        mentor=ended.ace,
        message="I'd love your help with Python.",
        by=ended.mentee.membership,
    )
    # then a request is waiting on that mentor, linked to the ended mentorship
    assert pick.request is not None
    assert (pick.request.mentor_id, pick.request.status, pick.request.message) == (
        ended.ace.pk,
        RequestStatus.PENDING,
        "I'd love your help with Python.",
    )
    assert pick.ended_id == ended.mentorship.pk
    assert pick.score is not None
    # when the mentor accepts
    new = mentorship_request_accept(request=pick.request, by=ended.ace.membership)
    # then a new active mentorship exists, which the mentee sees came from the re-match
    assert new.status == MentorshipStatus.ACTIVE
    origin = rematch_origin(mentorship=new, viewer=ended.mentee.membership)
    assert origin is not None
    assert origin.ended_id == ended.mentorship.pk
    assert rematch_origin(mentorship=new, viewer=ended.ace.membership) is None
    # and the mentee, now matched, gets no more candidates and cannot pick again
    assert rematch_candidates(mentee=ended.enrolment()) == []
    with pytest.raises(AlreadyMatched):
        rematch_choose(
            ended=ended.mentorship,
            mentee=ended.enrolment(),
            mentor=ended.good,
            message="Hi",
            by=ended.mentee.membership,
        )


def test_rematch_is_only_for_the_mentees_of_a_mentorship_that_ended_early(
    ended: Ended, org: Organisation, program_admin: Membership
) -> None:
    # the previous mentor is not offered a re-match, and cannot pick for the mentee
    assert rematch_mentee(mentorship=_members(ended.mentorship), viewer=ended.old_mentor.membership) is None
    with pytest.raises(LifecycleNotAllowed):
        rematch_choose(
            ended=ended.mentorship,
            mentee=ended.enrolment(),
            mentor=ended.ace,
            message="Hi",
            by=ended.old_mentor.membership,
        )
    # a live mentorship offers none
    program = make_program(org, program_admin, name="Other", matching_mode="self_service")
    running = mentorship_start(
        mentor=mentor(program), mentees=[mentee(program)], origin=MentorshipOrigin.ADMIN, needs_consent=False
    )
    m = _members(running)
    assert rematch_mentee(mentorship=m, viewer=m.members.get(role="mentee").membership) is None


def test_rematch_in_an_admin_matched_program_goes_to_the_admins(
    org: Organisation, program_admin: Membership
) -> None:
    # given the ended mentorship is in a program where the admins make the matches
    e = Ended(org, program_admin, mode="admin_bulk")
    # when the mentee picks a mentor
    pick = rematch_choose(
        ended=e.mentorship,
        mentee=e.enrolment(),
        mentor=e.ace,
        message="Ace knows my field.",
        by=e.mentee.membership,
    )
    # then no request is sent (the program forbids them); the wish is recorded for the next round
    assert pick.request is None
    assert not MentorshipRequest.objects.filter(mentee=e.mentee).exists()
    assert Enrolment.objects.get(pk=e.mentee.pk).preferred_mentor_ids == [e.ace.membership_id]
    # and the program admins are told, with a link that pre-fills the mentorship for them
    note = Notification.objects.get(recipient=program_admin)
    assert "Ace knows my field." in note.body
    assert note.url.endswith(
        f"/programs/{e.program.pk}/mentorships/new/?mentor={e.ace.pk}&mentee={e.mentee.pk}"
    )
    # and asking twice for the same mentor is refused
    with pytest.raises(RematchInvalid):
        rematch_choose(
            ended=e.mentorship, mentee=e.enrolment(), mentor=e.ace, message="Again", by=e.mentee.membership
        )


def test_rematch_two_picks_from_the_same_page_both_reach_the_admins_wishes(
    org: Organisation, program_admin: Membership
) -> None:
    # given an admin-matched program and the mentee's enrolment as loaded by one page view
    e = Ended(org, program_admin, mode="admin_bulk")
    loaded = e.enrolment()
    # when two picks are sent from it (two tabs, or a second click before the first reload)
    for chosen in (e.ace, e.good):
        rematch_choose(
            ended=e.mentorship, mentee=loaded, mentor=chosen, message="Please.", by=e.mentee.membership
        )
    # then both wishes are kept: the second pick does not overwrite the first with stale data
    assert Enrolment.objects.get(pk=e.mentee.pk).preferred_mentor_ids == [
        e.ace.membership_id,
        e.good.membership_id,
    ]


# --- pages --------------------------------------------------------------------------------------


def _url(name: str, m: Mentorship, **kwargs: int) -> str:
    return reverse(
        f"mentorships:{name}", kwargs={"org_slug": m.organisation.slug, "mentorship_id": m.pk, **kwargs}
    )


def test_rematch_page_shows_candidates_with_score_and_reasons_then_sends_request(
    client: Client, ended: Ended
) -> None:
    # given the mentee on the re-match page
    login(client, ended.mentee.membership)
    html = client.get(_url("rematch", ended.mentorship)).content.decode()
    # then the new candidates are shown with their fit and reasons; never the old, blocked or full
    assert "Ace Expert" in html
    assert "Gus Good" in html
    assert "fit" in html
    for absent in (ended.old_mentor, ended.blocked, ended.full):  # the frame's title names the old one
        assert _url("rematch_choose", ended.mentorship, mentor_id=absent.pk) not in html
    for absent_name in ("Bea Blocked", "Flo Full"):
        assert absent_name not in html
    assert _url("rematch_choose", ended.mentorship, mentor_id=ended.ace.pk) in html
    # and the overview invites them to the re-match
    overview = client.get(_url("detail", ended.mentorship)).content.decode()
    assert "Ready for a new mentor?" in overview
    # when they open a mentor they were never offered: 404
    assert (
        client.get(_url("rematch_choose", ended.mentorship, mentor_id=ended.old_mentor.pk)).status_code == 404
    )
    assert client.get(_url("rematch_choose", ended.mentorship, mentor_id=ended.blocked.pk)).status_code == 404
    # when they choose Ace without, then with a message
    choose = _url("rematch_choose", ended.mentorship, mentor_id=ended.ace.pk)
    assert client.post(choose, {"message": ""}).status_code == 200
    response = client.post(choose, {"message": "Hello Ace"})
    # then the request is sent, linked to the re-match
    assert response.status_code == 302
    assert Rematch.objects.get().request.message == "Hello Ace"  # type: ignore[union-attr]


def test_rematch_pages_are_404_for_the_previous_mentor_and_strangers(
    client: Client, ended: Ended, member: Membership, outsider: Membership, program_admin: Membership
) -> None:
    for who in (ended.old_mentor.membership, member, outsider, program_admin):
        login(client, who)
        assert client.get(_url("rematch", ended.mentorship)).status_code == 404
        choose = _url("rematch_choose", ended.mentorship, mentor_id=ended.ace.pk)
        assert client.post(choose, {"message": "x"}).status_code == 404
        client.logout()
    assert not Rematch.objects.exists()


# --- API ----------------------------------------------------------------------------------------


def _post(client: Client, url: str, body: dict[str, object]) -> Any:
    return client.post(url, body, "application/json")


def test_api_rematch_candidates_and_choice(ended: Ended) -> None:
    api = api_client(ended.mentee.membership)
    base = f"/api/orgs/{ended.program.organisation.slug}/mentorships/{ended.mentorship.pk}"
    # the candidates carry score and reasons, and never the previous mentor
    found = api.get(f"{base}/rematch-candidates").json()
    assert [c["mentor"]["full_name"] for c in found] == ["Ace Expert", "Gus Good"]
    assert found[0]["score"] > 0
    assert found[0]["reasons"]
    # choosing the previous mentor is a 400 naming the field
    refused = _post(api, f"{base}/rematch", {"mentor_enrolment_id": ended.old_mentor.pk, "message": "Hi"})
    assert refused.status_code == 400
    assert refused.json()["field"] == "mentor_enrolment_id"
    chosen = _post(api, f"{base}/rematch", {"mentor_enrolment_id": ended.good.pk, "message": "Hi Gus"})
    assert chosen.status_code == 201
    body = chosen.json()
    assert body["routed_to_admins"] is False
    assert body["request"]["status"] == "pending"
    assert body["ended_mentorship_id"] == ended.mentorship.pk


def test_api_rematch_is_refused_to_the_previous_mentor_and_strangers(
    ended: Ended, member: Membership, outsider: Membership
) -> None:
    for who in (ended.old_mentor.membership, member, outsider):
        api = api_client(who)
        base = f"/api/orgs/{who.organisation.slug}/mentorships/{ended.mentorship.pk}"
        assert api.get(f"{base}/rematch-candidates").status_code in {400, 404}
        response = _post(api, f"{base}/rematch", {"mentor_enrolment_id": ended.ace.pk, "message": "x"})
        assert response.status_code in {400, 404}
    assert not Rematch.objects.exists()


def test_api_rematch_candidates_query_count_does_not_grow(
    org: Organisation, program_admin: Membership
) -> None:
    e = Ended(org, program_admin)
    api = api_client(e.mentee.membership)
    url = f"/api/orgs/{org.slug}/mentorships/{e.mentorship.pk}/rematch-candidates"
    api.get(url)  # the token's first use is written once

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            rows = len(api.get(url).json())
        return rows, len(ctx.captured_queries)

    rows_small, small = count()
    for _ in range(4):
        mentor(e.program, expertise=3)
    rows_large, large = count()
    assert (rows_small, rows_large) == (2, 6)
    assert small == large


def test_the_ended_mentorship_points_to_the_new_one_once_the_mentee_is_matched_again(
    client: Client, ended: Ended
) -> None:
    url = reverse(
        "mentorships:detail",
        kwargs={"org_slug": ended.program.organisation.slug, "mentorship_id": ended.mentorship.pk},
    )
    login(client, ended.mentee.membership)
    # given the ended mentorship offers a re-match
    assert "Find a new mentor" in client.get(url).content.decode()
    # when the mentee is matched again
    pick = rematch_choose(
        ended=ended.mentorship,
        mentee=ended.enrolment(),
        mentor=ended.ace,
        message="Hi",
        by=ended.mentee.membership,
    )
    assert pick.request is not None
    new = mentorship_request_accept(request=pick.request, by=ended.ace.membership)
    # then the ended one links to the new mentorship instead of offering another re-match
    html = client.get(url).content.decode()
    assert "Find a new mentor" not in html
    assert f"/mentorships/{new.pk}/" in html
