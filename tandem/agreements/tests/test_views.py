"""The Agreement tab: proposing, answering and reading versions in the browser's pages, who may
see what, form errors on the right field, and a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import login
from tandem.agreements.models import DEFAULT_CONFIDENTIALITY, AgreementStatus, AgreementVersion
from tandem.agreements.services import AgreementTerms, agreement_accept, agreement_propose
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.organisations.models import Membership, Organisation
from tests.factories import make_member
from tests.relationship_setup import Live, live_mentorship

pytestmark = pytest.mark.django_db
Queries = Callable[..., Any]


@pytest.fixture
def live(org: Organisation, program_admin: Membership) -> Live:
    return live_mentorship(org, program_admin)


def _url(name: str, live: Live, **kwargs: Any) -> str:
    return reverse(
        f"agreements:{name}",
        kwargs={"org_slug": live.mentorship.organisation.slug, "mentorship_id": live.mentorship.pk, **kwargs},
    )


def _form(live: Live, **changes: Any) -> dict[str, Any]:
    data = {
        f"expect_{live.mentor.pk}": "Come prepared with one question.",
        f"expect_{live.mentee.pk}": "Help me grow into a team lead.",
        "contact_email": "ada@example.com",
        "chat_handle": "@ada",
        "phone": "",
        "video_link": "https://meet.example.com/ada",
        "cadence": "fortnightly",
        "cadence_days": "",
        "duration_months": "6",
        "confidentiality": DEFAULT_CONFIDENTIALITY,
        "note": "",
    }
    data.update(changes)
    return data


def _terms(**changes: Any) -> AgreementTerms:
    values: dict[str, Any] = {"cadence": "weekly", "duration_months": 6, "confidentiality": "Ours."}
    values.update(changes)
    return AgreementTerms(**values)


def test_tab_invites_the_first_agreement_prefilled_with_the_program_cadence(
    client: Client, live: Live
) -> None:
    # given the program meets monthly by default
    login(client, live.mentor)
    # when
    tab = client.get(_url("mentorship", live))
    form = client.get(_url("propose", live))
    # then
    assert tab.status_code == 200
    assert "No agreement yet" in tab.content.decode()
    assert "Propose the agreement" in tab.content.decode()
    assert form.status_code == 200
    assert form.context["form"].initial["cadence"] == "monthly"
    assert form.context["form"].initial["confidentiality"] == DEFAULT_CONFIDENTIALITY
    assert 'value="monthly" checked' in form.content.decode() or "checked" in form.content.decode()


def test_mentor_proposes_and_mentee_accepts_in_the_pages(client: Client, live: Live) -> None:
    # when the mentor sends the form
    login(client, live.mentor)
    response = client.post(_url("propose", live), _form(live))
    # then version 1 waits for the mentee
    assert response.status_code == 302
    version = AgreementVersion.objects.get()
    assert version.status == AgreementStatus.PROPOSED
    assert version.expectation_of(live.mentee.pk) == "Help me grow into a team lead."
    tab = client.get(_url("mentorship", live)).content.decode()
    assert "Waiting for" in tab
    assert "Withdraw" in tab
    # when the mentee opens the tab and accepts
    client.logout()
    login(client, live.mentee)
    tab = client.get(_url("mentorship", live)).content.decode()
    assert "Accept version 1" in tab
    client.post(_url("accept", live, version_id=version.pk))
    # then it is in force and shown
    version.refresh_from_db()
    assert version.status == AgreementStatus.ACCEPTED
    page = client.get(_url("mentorship", live)).content.decode()
    assert "Every two weeks" in page
    assert "https://meet.example.com/ada" in page
    assert "Propose a change" in page


def test_suggesting_changes_declines_the_open_proposal(client: Client, live: Live) -> None:
    version = agreement_propose(mentorship=live.mentorship, by=live.mentor, terms=_terms())
    login(client, live.mentee)
    form = client.get(_url("propose", live)).content.decode()
    assert "Sending your suggestion declines it" in form
    client.post(_url("propose", live), _form(live, cadence="monthly", replace_open=str(version.pk)))
    version.refresh_from_db()
    assert version.status == AgreementStatus.DECLINED
    assert AgreementVersion.objects.get(status=AgreementStatus.PROPOSED).proposed_by == live.mentee


def test_proposing_while_one_is_open_without_replacing_it_is_an_error(client: Client, live: Live) -> None:
    agreement_propose(mentorship=live.mentorship, by=live.mentor, terms=_terms())
    login(client, live.mentee)
    response = client.post(_url("propose", live), _form(live))  # no replace_open: e.g. a stale page
    assert response.status_code == 200
    assert "already waiting" in response.content.decode()
    assert AgreementVersion.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"video_link": "http://meet.example.com/ada"}, "video_link"),
        ({"contact_email": "not an email"}, "contact_email"),
        ({"phone": "call me"}, "phone"),
        ({"cadence": "custom", "cadence_days": ""}, "cadence_days"),
        ({"cadence": "custom", "cadence_days": "91"}, "cadence_days"),
        ({"duration_months": "25"}, "duration_months"),
        ({"confidentiality": ""}, "confidentiality"),
    ],
)
def test_form_errors_show_on_the_field(
    client: Client, live: Live, changes: dict[str, str], field: str
) -> None:
    login(client, live.mentor)
    response = client.post(_url("propose", live), _form(live, **changes))
    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert not AgreementVersion.objects.exists()


def test_version_page_shows_what_changed_field_by_field(client: Client, live: Live) -> None:
    first = agreement_propose(mentorship=live.mentorship, by=live.mentor, terms=_terms())
    agreement_accept(version=first, by=live.mentee)
    change = agreement_propose(
        mentorship=live.mentorship, by=live.mentee, terms=_terms(cadence="custom", cadence_days=10)
    )
    login(client, live.mentor)
    page = client.get(_url("version", live, version_id=change.pk)).content.decode()
    assert "What changed since version 1" in page
    assert "<del>Weekly</del>" in page
    assert "<ins>Every 10 days</ins>" in page
    assert "Expected duration</th>" not in page  # unchanged fields are not listed as changes


def test_decline_and_withdraw_in_the_pages(client: Client, live: Live) -> None:
    version = agreement_propose(mentorship=live.mentorship, by=live.mentor, terms=_terms())
    login(client, live.mentee)
    client.post(_url("decline", live, version_id=version.pk), {"reason": "Weekly is too often for me"})
    version.refresh_from_db()
    assert (version.status, version.decline_reason) == (
        AgreementStatus.DECLINED,
        "Weekly is too often for me",
    )
    again = agreement_propose(mentorship=live.mentorship, by=live.mentee, terms=_terms(cadence="monthly"))
    client.post(_url("withdraw", live, version_id=again.pk))
    again.refresh_from_db()
    assert again.status == AgreementStatus.WITHDRAWN


def test_declining_with_a_reason_too_long_says_so_and_keeps_the_proposal_open(
    client: Client, live: Live
) -> None:
    # given the mentor's open proposal
    version = agreement_propose(mentorship=live.mentorship, by=live.mentor, terms=_terms())
    login(client, live.mentee)
    # when the mentee declines it with a reason over the 500-character limit
    response = client.post(_url("decline", live, version_id=version.pk), {"reason": "x" * 501}, follow=True)
    # then they are told, and the proposal is not declined without the reason they wrote
    assert "at most 500 characters" in response.content.decode()
    version.refresh_from_db()
    assert version.status == AgreementStatus.PROPOSED


def test_a_colleague_not_in_the_mentorship_gets_404_everywhere(
    client: Client, live: Live, org: Organisation
) -> None:
    version = agreement_propose(mentorship=live.mentorship, by=live.mentor, terms=_terms())
    login(client, make_member(org))
    assert client.get(_url("mentorship", live)).status_code == 404
    assert client.get(_url("propose", live)).status_code == 404
    assert client.get(_url("version", live, version_id=version.pk)).status_code == 404
    assert client.post(_url("accept", live, version_id=version.pk)).status_code == 404
    assert client.post(_url("propose", live), _form(live, replace_open=str(version.pk))).status_code == 404
    version.refresh_from_db()
    assert version.status == AgreementStatus.PROPOSED


def test_another_organisation_gets_404(client: Client, live: Live, outsider: Membership) -> None:
    login(client, outsider)
    assert client.get(_url("mentorship", live)).status_code == 404
    own_slug = reverse(
        "agreements:mentorship",
        kwargs={"org_slug": outsider.organisation.slug, "mentorship_id": live.mentorship.pk},
    )
    assert client.get(own_slug).status_code == 404


def test_an_overseeing_admin_reads_the_agreement_but_cannot_act(
    client: Client, live: Live, program_admin: Membership
) -> None:
    first = agreement_propose(mentorship=live.mentorship, by=live.mentor, terms=_terms())
    agreement_accept(version=first, by=live.mentee)
    change = agreement_propose(mentorship=live.mentorship, by=live.mentee, terms=_terms(duration_months=9))
    login(client, program_admin)
    tab = client.get(_url("mentorship", live))
    assert tab.status_code == 200
    html = tab.content.decode()
    assert "You are overseeing this mentorship" in html
    assert "Accept version" not in html
    assert "Propose a change" not in html
    assert client.get(_url("version", live, version_id=first.pk)).status_code == 200
    assert client.get(_url("version", live, version_id=change.pk)).status_code == 404
    assert client.get(_url("propose", live)).status_code == 404
    assert client.post(_url("accept", live, version_id=change.pk)).status_code == 404
    change.refresh_from_db()
    assert change.status == AgreementStatus.PROPOSED


def test_an_ended_mentorship_is_read_only_with_a_clear_message(client: Client, live: Live) -> None:
    version = agreement_propose(mentorship=live.mentorship, by=live.mentor, terms=_terms())
    Mentorship.objects.filter(pk=live.mentorship.pk).update(status=MentorshipStatus.COMPLETED)
    login(client, live.mentee)
    tab = client.get(_url("mentorship", live)).content.decode()
    assert "This mentorship has ended" in tab
    assert "Accept version" not in tab
    response = client.post(_url("accept", live, version_id=version.pk), follow=True)
    assert "has ended" in response.content.decode()
    redirected = client.get(_url("propose", live), follow=True)
    assert "has ended" in redirected.content.decode()
    version.refresh_from_db()
    assert version.status == AgreementStatus.PROPOSED


@pytest.mark.parametrize("count", [2, 10])
def test_tab_query_count_is_fixed(
    client: Client, live: Live, django_assert_num_queries: Queries, count: int
) -> None:
    for i in range(count):
        version = agreement_propose(
            mentorship=live.mentorship, by=live.mentor, terms=_terms(duration_months=i + 1)
        )
        agreement_accept(version=version, by=live.mentee)
    agreement_propose(mentorship=live.mentorship, by=live.mentee, terms=_terms(duration_months=24))
    login(client, live.mentor)
    url = _url("mentorship", live)
    client.get(url)
    with django_assert_num_queries(9):
        response = client.get(url)
    assert len(response.context["versions"]) == count + 1
