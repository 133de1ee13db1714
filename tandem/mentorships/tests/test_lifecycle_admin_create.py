"""Mentorships a program admin creates by hand: enrolled people only, capacity respected under the
same locks as requests, blocked pairs refused, audited and told to everyone in it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import login
from tandem.matching.models import BlockedPair
from tandem.mentorships.errors import AlreadyMatched, LifecycleInvalid, LifecycleNotAllowed, MentorAtCapacity
from tandem.mentorships.lifecycle import mentorship_create_by_admin
from tandem.mentorships.models import (
    EventKind,
    Mentorship,
    MentorshipEvent,
    MentorshipOrigin,
    MentorshipStatus,
)
from tandem.mentorships.services import mentorship_start
from tandem.notifications.models import Notification, NotificationKind
from tandem.organisations.models import Membership, Organisation
from tandem.programs.models import Program
from tests.api_client import api_client
from tests.program_setup import make_program, mentee, mentor

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(org: Organisation, program_admin: Membership) -> Program:
    return make_program(org, program_admin, name="Leaders", matching_mode="admin_bulk")


def test_admin_create_starts_an_audited_scored_mentorship_and_tells_both(
    program: Program, program_admin: Membership
) -> None:
    # given a mentor and a mentee of the program
    ment, mee = mentor(program, capacity=1), mentee(program)
    # when the admin pairs them
    created = mentorship_create_by_admin(program=program, mentor=ment, mentees=[mee], by=program_admin)
    # then an active, admin-made mentorship exists, scored as rounds score it
    assert (created.status, created.origin) == (MentorshipStatus.ACTIVE, MentorshipOrigin.ADMIN)
    assert created.score is not None
    assert created.explanation
    assert sorted(created.members.values_list("membership_id", "role")) == sorted(
        [(ment.membership_id, "mentor"), (mee.membership_id, "mentee")]
    )
    # and it is in the history, and both were told they are matched
    event = MentorshipEvent.objects.get(mentorship=created)
    assert (event.kind, event.to_status, event.by_id, event.by_admin) == (
        EventKind.CREATED,
        "active",
        program_admin.pk,
        True,
    )
    for who in (ment.membership, mee.membership):
        assert Notification.objects.filter(recipient=who, kind=NotificationKind.MATCHED).count() == 1
    # and the mentor, now full, cannot be given another mentee
    with pytest.raises(MentorAtCapacity) as exc:
        mentorship_create_by_admin(program=program, mentor=ment, mentees=[mentee(program)], by=program_admin)
    assert exc.value.field == "mentor"


def test_admin_create_refuses_what_the_rules_forbid(
    program: Program, program_admin: Membership, member: Membership, org: Organisation
) -> None:
    ment, mee = mentor(program, capacity=3), mentee(program)
    before = Mentorship.objects.count()
    # a member is not an admin
    with pytest.raises(LifecycleNotAllowed):
        mentorship_create_by_admin(program=program, mentor=ment, mentees=[mee], by=member)
    # a blocked pair
    BlockedPair.objects.create(program=program, mentee=mee.membership, mentor=ment.membership)
    with pytest.raises(LifecycleInvalid) as exc:
        mentorship_create_by_admin(program=program, mentor=ment, mentees=[mee], by=program_admin)
    assert exc.value.field == "mentor"
    # two mentees in a one-to-one program
    with pytest.raises(LifecycleInvalid):
        mentorship_create_by_admin(
            program=program, mentor=ment, mentees=[mentee(program), mentee(program)], by=program_admin
        )
    # a mentee already matched
    taken = mentee(program)
    mentorship_start(
        mentor=mentor(program), mentees=[taken], origin=MentorshipOrigin.ADMIN, needs_consent=False
    )
    with pytest.raises(AlreadyMatched):
        mentorship_create_by_admin(program=program, mentor=ment, mentees=[taken], by=program_admin)
    # a mentee of another program
    elsewhere = make_program(org, program_admin, name="Elsewhere")
    with pytest.raises(LifecycleInvalid):
        mentorship_create_by_admin(
            program=program, mentor=ment, mentees=[mentee(elsewhere)], by=program_admin
        )
    assert Mentorship.objects.count() == before + 1  # only the "already matched" set-up


def test_admin_create_page_lists_who_can_be_paired_and_creates(
    client: Client, program: Program, program_admin: Membership, org: Organisation
) -> None:
    # given a free mentor, a full mentor, a free and a matched mentee
    free = mentor(program, full_name="Fay Free", capacity=2)
    full = mentor(program, full_name="Fred Full", capacity=1)
    waiting = mentee(program, full_name="Wes Waiting")
    mentorship_start(
        mentor=full, mentees=[mentee(program, full_name="Tia Taken")], origin="admin", needs_consent=False
    )
    url = reverse("mentorships:admin_create", kwargs={"org_slug": org.slug, "program_id": program.pk})
    login(client, program_admin)
    # when the admin opens the page (pre-filled from a re-match link)
    html = client.get(f"{url}?mentor={free.pk}&mentee={waiting.pk}").content.decode()
    # then only who can be paired is offered, pre-selected
    assert "Fay Free (2 places left)" in html
    assert "Wes Waiting" in html
    assert "Fred Full" not in html
    assert "Tia Taken" not in html
    assert f'<option value="{free.pk}" selected>' in html
    # when they submit without a mentee, then with one
    assert client.post(url, {"mentor": free.pk}).status_code == 200
    response = client.post(url, {"mentor": free.pk, "mentees": waiting.pk})
    # then the mentorship exists and they land on it
    created = Mentorship.objects.get(members__membership=waiting.membership)
    assert response["Location"] == reverse(
        "mentorships:detail", kwargs={"org_slug": org.slug, "mentorship_id": created.pk}
    )


def test_admin_create_page_is_404_for_members_and_other_orgs(
    client: Client, program: Program, member: Membership, outsider: Membership
) -> None:
    for who in (member, outsider):
        login(client, who)
        url = reverse(
            "mentorships:admin_create", kwargs={"org_slug": who.organisation.slug, "program_id": program.pk}
        )
        assert client.get(url).status_code == 404
        client.logout()


def _post(client: Client, url: str, body: dict[str, object]) -> Any:
    return client.post(url, body, "application/json")


def test_api_admin_create(
    program: Program, program_admin: Membership, member: Membership, org: Organisation
) -> None:
    ment, mee = mentor(program, capacity=1), mentee(program)
    url = f"/api/orgs/{org.slug}/programs/{program.pk}/mentorships"
    body = {"mentor_enrolment_id": ment.pk, "mentee_enrolment_ids": [mee.pk]}
    # members are refused
    assert _post(api_client(member), url, body).status_code == 403
    # an unknown mentee is a 400 naming the field
    bad = _post(api_client(program_admin), url, {**body, "mentee_enrolment_ids": [999999]})
    assert bad.status_code == 400
    assert bad.json()["field"] == "mentee_enrolment_ids"
    created = _post(api_client(program_admin), url, body)
    assert created.status_code == 201
    assert created.json()["origin"] == "admin"
    assert created.json()["status"] == "active"
    # the mentor is now full: 409 naming the field
    again = _post(api_client(program_admin), url, {**body, "mentee_enrolment_ids": [mentee(program).pk]})
    assert again.status_code == 409
    assert again.json()["field"] == "mentor_enrolment_id"
