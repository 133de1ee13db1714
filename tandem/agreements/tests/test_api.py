"""The agreement API: the lifecycle end to end, field-named errors, who may read or write, and
fixed query counts for the lists."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tandem.agreements.models import AgreementStatus, AgreementVersion
from tandem.agreements.services import AgreementTerms, agreement_accept, agreement_propose
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.organisations.models import Membership, Organisation
from tests.api_client import api_client
from tests.factories import make_member
from tests.relationship_setup import Live, live_mentorship

pytestmark = pytest.mark.django_db
Queries = Callable[..., Any]


@pytest.fixture
def live(org: Organisation, program_admin: Membership) -> Live:
    return live_mentorship(org, program_admin)


def _url(live: Live, tail: str = "") -> str:
    return f"/api/orgs/{live.mentorship.organisation.slug}/mentorships/{live.mentorship.pk}/agreement{tail}"


def _propose(live: Live, who: Membership, **body: Any) -> Any:
    return api_client(who).post(_url(live, "/versions"), body, content_type="application/json")


def test_both_sides_agree_then_change_it_through_the_api(live: Live) -> None:
    # given nothing agreed: the cadence is the program's default (monthly)
    mentor, mentee = api_client(live.mentor), api_client(live.mentee)
    assert mentor.get(_url(live)).json() == {
        "current": None,
        "open_proposal": None,
        "cadence_days": 30,
        "versions": 0,
    }
    # when the mentor proposes, leaving out what the defaults cover
    response = mentor.post(
        _url(live, "/versions"),
        {
            "expectations": [{"membership_id": live.mentor.pk, "text": "Come with one question a week."}],
            "cadence": "fortnightly",
            "video_link": "https://meet.example.com/ada",
        },
        content_type="application/json",
    )
    # then version 1 waits for the mentee
    assert response.status_code == 201, response.content
    proposed = response.json()
    assert proposed["status"] == "proposed"
    assert proposed["cadence_days"] == 14
    assert proposed["duration_months"] == 6
    assert proposed["confidentiality"]
    assert proposed["waiting_for"] == [live.mentee.pk]
    assert {c["field"] for c in proposed["changes"]} >= {
        "cadence",
        "video_link",
        f"expectations.{live.mentor.pk}",
    }
    texts = {e["membership_id"]: e["text"] for e in proposed["expectations"]}
    assert texts == {live.mentor.pk: "Come with one question a week.", live.mentee.pk: ""}
    # when the mentee accepts
    accepted = mentee.post(_url(live, f"/versions/{proposed['id']}/accept"))
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted"
    # and proposes a change that the mentor accepts
    change = _propose(live, live.mentee, cadence="custom", cadence_days=10, note="Every ten days suits us")
    assert change.status_code == 201, change.content
    assert [c["field"] for c in change.json()["changes"]] == ["cadence"]
    kept = {e["membership_id"]: e["text"] for e in change.json()["expectations"]}
    assert kept[live.mentor.pk] == "Come with one question a week."
    mentor.post(_url(live, f"/versions/{change.json()['id']}/accept"))
    # then
    detail = mentee.get(_url(live)).json()
    assert detail["current"]["number"] == 2
    assert detail["cadence_days"] == 10
    assert detail["versions"] == 2
    versions = mentee.get(_url(live, "/versions")).json()
    assert [(v["number"], v["status"]) for v in versions] == [(2, "accepted"), (1, "superseded")]


def test_decline_and_withdraw(live: Live) -> None:
    first = _propose(live, live.mentor).json()
    # the proposer cannot decline, the other side can
    own = api_client(live.mentor).post(
        _url(live, f"/versions/{first['id']}/decline"), {}, content_type="application/json"
    )
    assert own.status_code == 403
    declined = api_client(live.mentee).post(
        _url(live, f"/versions/{first['id']}/decline"),
        {"reason": "Too often"},
        content_type="application/json",
    )
    assert declined.status_code == 200
    assert (declined.json()["status"], declined.json()["decline_reason"]) == ("declined", "Too often")
    assert declined.json()["declined_by"]["membership_id"] == live.mentee.pk
    # a new proposal can be withdrawn only by its proposer
    second = _propose(live, live.mentee).json()
    assert api_client(live.mentor).post(_url(live, f"/versions/{second['id']}/withdraw")).status_code == 403
    withdrawn = api_client(live.mentee).post(_url(live, f"/versions/{second['id']}/withdraw"))
    assert withdrawn.json()["status"] == "withdrawn"
    # a decided version cannot be accepted
    late = api_client(live.mentor).post(_url(live, f"/versions/{second['id']}/accept"))
    assert late.status_code == 409


def test_one_open_proposal_unless_replacing_it(live: Live) -> None:
    first = _propose(live, live.mentor)
    clash = _propose(live, live.mentee, cadence="weekly")
    assert clash.status_code == 409
    assert "already waiting" in clash.json()["detail"]
    counter = _propose(live, live.mentee, cadence="weekly", replace_open=True)
    assert counter.status_code == 201
    assert AgreementVersion.objects.get(pk=first.json()["id"]).status == AgreementStatus.DECLINED


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"contact_email": "nope"}, "contact_email"),
        ({"video_link": "http://insecure.example.com"}, "video_link"),
        ({"phone": "ring ring"}, "phone"),
        ({"cadence": "custom", "cadence_days": 120}, "cadence_days"),
        ({"cadence": "custom", "cadence_days": None}, "cadence_days"),
        ({"duration_months": 30}, "duration_months"),
        ({"confidentiality": "  "}, "confidentiality"),
        ({"expectations": [{"membership_id": 99_999_999, "text": "x"}]}, "expectations"),
    ],
)
def test_invalid_proposals_are_400_naming_the_field(live: Live, body: dict[str, Any], field: str) -> None:
    response = _propose(live, live.mentor, **body)
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert not AgreementVersion.objects.exists()


def test_unknown_and_mistyped_fields_are_422_not_500(live: Live) -> None:
    assert _propose(live, live.mentor, cadance="weekly").status_code == 422
    assert _propose(live, live.mentor, cadence="hourly").status_code == 422
    assert _propose(live, live.mentor, duration_months="long").status_code == 422


def test_a_member_not_in_the_mentorship_finds_nothing(live: Live, org: Organisation) -> None:
    # given an agreement in force and a colleague of the same organisation
    version = _propose(live, live.mentor).json()
    colleague = api_client(make_member(org))
    # then every operation is a 404 to them
    assert colleague.get(_url(live)).status_code == 404
    assert colleague.get(_url(live, "/versions")).status_code == 404
    assert colleague.get(_url(live, f"/versions/{version['id']}")).status_code == 404
    assert colleague.post(_url(live, f"/versions/{version['id']}/accept")).status_code == 404
    assert _propose(live, make_member(org)).status_code == 404
    assert AgreementVersion.objects.get().status == AgreementStatus.PROPOSED


def test_another_organisation_finds_nothing(live: Live, outsider: Membership) -> None:
    version = _propose(live, live.mentor).json()
    client = api_client(outsider)
    assert client.get(_url(live)).status_code == 404
    assert client.post(_url(live, f"/versions/{version['id']}/accept")).status_code == 404
    # and its own slug with our ids
    own = f"/api/orgs/{outsider.organisation.slug}/mentorships/{live.mentorship.pk}/agreement"
    assert client.get(own).status_code == 404


def test_an_overseeing_admin_reads_the_agreed_version_only(live: Live, program_admin: Membership) -> None:
    # given an agreement in force and an open change
    first = _propose(live, live.mentor).json()
    api_client(live.mentee).post(_url(live, f"/versions/{first['id']}/accept"))
    change = _propose(live, live.mentee, duration_months=9).json()
    admin = api_client(program_admin)
    # then the admin reads what was agreed, not the open change
    detail = admin.get(_url(live)).json()
    assert detail["current"]["id"] == first["id"]
    assert detail["open_proposal"] is None
    assert [v["id"] for v in admin.get(_url(live, "/versions")).json()] == [first["id"]]
    assert admin.get(_url(live, f"/versions/{first['id']}")).status_code == 200
    assert admin.get(_url(live, f"/versions/{change['id']}")).status_code == 404
    # and writes nothing
    assert admin.post(_url(live, f"/versions/{change['id']}/accept")).status_code == 404
    assert _propose(live, program_admin, replace_open=True).status_code == 404
    assert AgreementVersion.objects.get(pk=change["id"]).status == AgreementStatus.PROPOSED


def test_an_ended_mentorship_answers_409(live: Live) -> None:
    version = _propose(live, live.mentor).json()
    Mentorship.objects.filter(pk=live.mentorship.pk).update(status=MentorshipStatus.ENDED_EARLY)
    response = api_client(live.mentee).post(_url(live, f"/versions/{version['id']}/accept"))
    assert response.status_code == 409
    assert "has ended" in response.json()["detail"]
    assert api_client(live.mentee).get(_url(live, "/versions")).status_code == 200  # still readable


@pytest.mark.parametrize("count", [2, 10])
def test_version_list_query_count_is_fixed(
    live: Live, django_assert_num_queries: Queries, count: int
) -> None:
    # given `count` versions, each accepted by both
    for i in range(count):
        version = agreement_propose(
            mentorship=live.mentorship,
            by=live.mentor,
            terms=AgreementTerms(
                cadence="custom", cadence_days=i + 1, duration_months=6, confidentiality="Ours."
            ),
        )
        agreement_accept(version=version, by=live.mentee)
    client = api_client(live.mentee)
    list_url, detail_url = _url(live, "/versions"), _url(live)
    client.get(detail_url)  # the token's first use is recorded once
    # then the same number of queries: token, membership, mentorship, its members, versions,
    # their acceptances (and, for the detail, the agreed cadence)
    with django_assert_num_queries(6):
        response = client.get(list_url)
    assert len(response.json()) == count
    with django_assert_num_queries(7):
        assert client.get(detail_url).json()["versions"] == count
