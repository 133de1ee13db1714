"""API: match rounds — run in the background, review (lock, remove, swap, block), re-run, publish."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import matchmaker
import pytest

from tandem.matching.models import BlockedPair, MatchRound, Proposal, RoundStatus
from tandem.matching.selectors import proposal_candidates
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.organisations.models import Membership, Organisation
from tandem.programs.models import Enrolment, Program, ProgramStatus
from tests.api_client import api_client
from tests.program_setup import draft_round, make_program, mentee, mentor

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _url(program: Program, rest: str = "") -> str:
    return f"/api/orgs/{program.organisation.slug}/programs/{program.pk}/rounds{rest}"


def _proposal_url(proposal: Proposal, rest: str = "") -> str:
    match_round = proposal.match_round
    return _url(match_round.program, f"/{match_round.pk}/proposals/{proposal.pk}{rest}")


@pytest.fixture
def program(org: Organisation, program_admin: Membership) -> Program:
    return make_program(org, program_admin, status=ProgramStatus.MATCHING, name="Engineering mentoring")


def _state(match_round: MatchRound) -> tuple[object, ...]:
    """Everything about a round an edit could change."""
    match_round.refresh_from_db()
    return (
        match_round.status,
        match_round.unmatched,
        tuple(
            Proposal.objects.filter(match_round=match_round)
            .order_by("pk")
            .values_list("pk", "mentee_id", "mentor_id", "score", "locked", "edited")
        ),
        BlockedPair.objects.count(),
    )


# --- starting a round ---------------------------------------------------------------------------


def test_round_start_queues_the_run_until_the_transaction_commits(
    program: Program, program_admin: Membership, django_capture_on_commit_callbacks: Any
) -> None:
    # given
    mentor(program)
    mentee(program)
    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api_client(program_admin).post(_url(program), {"objective": "score"}, content_type=JSON)
    # then the round is queued, and runs only once the transaction commits
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["status"], body["solver"], body["objective"], body["progress"]) == (
        "queued",
        "optimal",
        "score",
        0,
    )
    assert len(callbacks) == 1
    callbacks[0]()
    assert MatchRound.objects.get(pk=body["id"]).status == RoundStatus.DRAFT


def test_round_start_runs_the_engine_and_explains_every_pair(
    program: Program, program_admin: Membership, django_capture_on_commit_callbacks: Any
) -> None:
    # given two mentors with a place each, two mentees, and one who shares no language with anyone
    expert = mentor(program, capacity=1, expertise=4, full_name="Erin Expert")
    mentor(program, capacity=1, expertise=2, full_name="Bo Beginner")
    mentee(program, full_name="Ann Apprentice")
    mentee(program, full_name="Ben Apprentice")
    mentee(program, full_name="Lena Lonely", languages=("de",))
    client = api_client(program_admin)
    # when the round runs (the test task backend runs it on commit, inline)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(_url(program), {}, content_type=JSON)
    detail = client.get(_url(program, f"/{started.json()['id']}"))
    # then
    assert started.status_code == 202
    assert detail.status_code == 200, detail.content
    body = detail.json()
    assert (body["status"], body["progress"], body["progress_label"]) == ("draft", 100, "Ready for review")
    assert (body["metrics"]["pairs"], body["metrics"]["matched"], body["metrics"]["pool_mentees"]) == (
        2,
        2,
        3,
    )
    assert [u["name"] for u in body["unmatched"]] == ["Lena Lonely"]
    assert "hard rules" in body["unmatched"][0]["reason"]
    proposals = body["proposals"]
    assert proposals[0]["score"] >= proposals[1]["score"]
    assert {p["mentor"]["enrolment_id"] for p in proposals} == {
        expert.pk,
        proposals[1]["mentor"]["enrolment_id"],
    }
    for proposal in proposals:
        assert {c["criterion"] for c in proposal["breakdown"]} == set(matchmaker.CRITERIA)
        assert sum(c["contribution"] for c in proposal["breakdown"]) == pytest.approx(
            proposal["score"], abs=1e-3
        )
        assert any("Python" in reason for reason in proposal["reasons"])


@pytest.mark.parametrize(
    ("status", "payload", "http", "field"),
    [
        (ProgramStatus.OPEN, {}, 400, "program"),
        (ProgramStatus.COMPLETED, {}, 400, "program"),
        (ProgramStatus.MATCHING, {"solver": "peers"}, 400, "solver"),
        (ProgramStatus.MATCHING, {"solver": "coin-toss"}, 422, "body.solver"),
        (ProgramStatus.MATCHING, {"objective": "speed"}, 422, "body.objective"),
    ],
)
def test_round_start_bad_input_names_the_field_and_starts_nothing(
    org: Organisation,
    *,
    program_admin: Membership,
    status: str,
    payload: dict[str, str],
    http: int,
    field: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given
    program = make_program(org, program_admin, status=status)
    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api_client(program_admin).post(_url(program), payload, content_type=JSON)
    # then
    assert response.status_code == http, response.content
    body = response.json()
    assert field == body.get("field") or field in [e["field"] for e in body.get("errors", [])]
    assert not MatchRound.objects.exists()
    assert callbacks == []


def test_round_start_while_one_runs_is_a_conflict(
    program: Program, program_admin: Membership, django_capture_on_commit_callbacks: Any
) -> None:
    # given a queued round
    client = api_client(program_admin)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(_url(program), {}, content_type=JSON)
    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(_url(program), {}, content_type=JSON)
    # then
    assert response.status_code == 409
    assert MatchRound.objects.count() == 1
    assert callbacks == []


def test_round_endpoints_are_refused_to_plain_members(
    program: Program, program_admin: Membership, member: Membership
) -> None:
    # given a draft with one pair, and a free mentor
    match_round = draft_round(program, program_admin, [(mentee(program), mentor(program))])
    proposal = match_round.proposals.select_related("match_round__program").get()
    free = mentor(program)
    before = _state(match_round)
    client = api_client(member)
    # when a plain member tries every round operation
    responses = [
        client.post(_url(program), {}, content_type=JSON),
        client.get(_url(program)),
        client.get(_url(program, f"/{match_round.pk}")),
        client.post(_url(program, f"/{match_round.pk}/rerun")),
        client.post(_url(program, f"/{match_round.pk}/publish")),
        client.post(_url(program, f"/{match_round.pk}/discard")),
        client.post(_proposal_url(proposal, "/lock")),
        client.post(_proposal_url(proposal, "/unlock")),
        client.delete(_proposal_url(proposal)),
        client.get(_proposal_url(proposal, "/candidates")),
        client.post(_proposal_url(proposal, "/swap"), {"mentor_enrolment_id": free.pk}, content_type=JSON),
        client.post(_proposal_url(proposal, "/block")),
    ]
    # then each is refused and nothing changed
    assert [r.status_code for r in responses] == [403] * len(responses)
    assert {r.json()["detail"] for r in responses} == {"This needs the program admin role in Acme."}
    assert _state(match_round) == before
    assert MatchRound.objects.count() == 1
    assert not Mentorship.objects.exists()


# --- reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [5, 30])
def test_round_index_query_count_is_bounded(
    rows: int, program: Program, program_admin: Membership, django_assert_max_num_queries: Any
) -> None:
    # given
    for _ in range(rows):
        MatchRound.objects.create(
            program=program, solver="optimal", status=RoundStatus.DISCARDED, created_by=program_admin.user
        )
    client = api_client(program_admin)
    client.get("/api/me")
    url = _url(program)
    # when
    with django_assert_max_num_queries(5):  # token, membership, program, count, page
        response = client.get(url)
    # then
    assert response.json()["count"] == rows
    assert response.json()["items"][0]["created_by"] == "Pat Program"


@pytest.mark.parametrize("rows", [5, 30])
def test_round_detail_query_count_is_bounded(
    rows: int, program: Program, program_admin: Membership, django_assert_max_num_queries: Any
) -> None:
    # given a draft with `rows` proposals
    match_round = draft_round(
        program, program_admin, [(mentee(program), mentor(program, capacity=1)) for _ in range(rows)]
    )
    client = api_client(program_admin)
    client.get("/api/me")
    url = _url(program, f"/{match_round.pk}")
    # when
    with django_assert_max_num_queries(5):  # token, membership, program, round, proposals
        response = client.get(url)
    # then
    assert len(response.json()["proposals"]) == rows
    assert response.json()["proposals"][0]["mentee"]["full_name"]


def test_round_detail_of_another_program_is_not_found(
    org: Organisation, program: Program, program_admin: Membership
) -> None:
    # given a round of another program of the same organisation
    other = make_program(org, program_admin, status=ProgramStatus.MATCHING, name="Other")
    theirs = draft_round(other, program_admin, [(mentee(other), mentor(other))])
    # when
    response = api_client(program_admin).get(_url(program, f"/{theirs.pk}"))
    # then
    assert response.status_code == 404


# --- editing a draft ----------------------------------------------------------------------------


def test_proposal_lock_and_unlock(program: Program, program_admin: Membership) -> None:
    # given
    match_round = draft_round(program, program_admin, [(mentee(program), mentor(program))])
    proposal = match_round.proposals.get()
    client = api_client(program_admin)
    # when
    locked = client.post(_proposal_url(proposal, "/lock"))
    unlocked = client.post(_proposal_url(proposal, "/unlock"))
    # then
    assert (locked.status_code, locked.json()["locked"]) == (200, True)
    assert (unlocked.status_code, unlocked.json()["locked"]) == (200, False)


def test_proposal_delete_lists_the_mentee_as_unmatched(program: Program, program_admin: Membership) -> None:
    # given
    left_out = mentee(program, full_name="Left Out")
    match_round = draft_round(program, program_admin, [(left_out, mentor(program))])
    proposal = match_round.proposals.get()
    # when
    response = api_client(program_admin).delete(_proposal_url(proposal))
    # then
    assert response.status_code == 204
    assert not Proposal.objects.exists()
    match_round.refresh_from_db()
    assert [(u["name"], u["reason"]) for u in match_round.unmatched] == [
        ("Left Out", "Removed from the draft by an admin.")
    ]


def test_proposal_delete_of_a_locked_pair_changes_nothing(
    program: Program, program_admin: Membership
) -> None:
    # given
    match_round = draft_round(program, program_admin, [(mentee(program), mentor(program))])
    proposal = match_round.proposals.get()
    Proposal.objects.filter(pk=proposal.pk).update(locked=True)
    before = _state(match_round)
    # when
    response = api_client(program_admin).delete(_proposal_url(proposal))
    # then
    assert response.status_code == 400
    assert response.json()["field"] == "proposal"
    assert _state(match_round) == before


def _swap_setup(program: Program, admin: Membership) -> tuple[Proposal, Enrolment, Enrolment]:
    """A draft pairing a mentee with an expert; a free mentor who fits; one who shares no language."""
    learner = mentee(program, full_name="Lea Learner")
    expert = mentor(program, capacity=1, expertise=4, full_name="Erin Expert")
    other = mentor(program, capacity=2, expertise=2, full_name="Otis Other")
    mentor(program, capacity=2, expertise=4, full_name="Dora Deutsch", languages=("de",))
    match_round = draft_round(program, admin, [(learner, expert)])
    return match_round.proposals.select_related("match_round__program").get(), expert, other


def test_proposal_candidate_list_ranks_free_mentors_the_rules_allow(
    program: Program, program_admin: Membership
) -> None:
    # given
    proposal, _expert, other = _swap_setup(program, program_admin)
    third = mentor(program, capacity=1, expertise=3, full_name="Tess Third")
    # when
    response = api_client(program_admin).get(_proposal_url(proposal, "/candidates"))
    # then the current mentor and the one sharing no language are not offered
    assert response.status_code == 200, response.content
    candidates = response.json()
    assert [c["mentor"]["full_name"] for c in candidates] == ["Tess Third", "Otis Other"]
    assert candidates[0]["score"] > candidates[1]["score"]
    assert [c["places_left"] for c in candidates] == [1, 2]
    assert candidates[0]["mentor"]["enrolment_id"] == third.pk
    assert candidates[1]["mentor"]["enrolment_id"] == other.pk
    assert candidates[0]["reasons"]


@pytest.mark.parametrize("rows", [5, 30])
def test_proposal_candidate_list_query_count_is_bounded(
    rows: int, program: Program, program_admin: Membership, django_assert_max_num_queries: Any
) -> None:
    # given
    proposal, _expert, _other = _swap_setup(program, program_admin)
    for _ in range(rows):
        mentor(program)
    client = api_client(program_admin)
    client.get("/api/me")
    url = _proposal_url(proposal, "/candidates?limit=50")
    # when
    with django_assert_max_num_queries(30):  # build_pool reads the pool in a fixed number of queries
        response = client.get(url)
    # then
    assert len(response.json()) == rows + 1


def test_proposal_swap_rescores_the_pair_with_the_engine(program: Program, program_admin: Membership) -> None:
    # given
    proposal, _expert, other = _swap_setup(program, program_admin)
    expected = next(c for c in proposal_candidates(proposal=proposal) if c.mentor.pk == other.pk)
    # when
    response = api_client(program_admin).post(
        _proposal_url(proposal, "/swap"), {"mentor_enrolment_id": other.pk}, content_type=JSON
    )
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["mentor"]["full_name"] == "Otis Other"
    assert body["edited"] is True
    assert body["score"] == pytest.approx(expected.score)
    assert body["reasons"] == expected.reasons
    proposal.refresh_from_db()
    assert proposal.mentor_id == other.pk
    assert proposal.score == pytest.approx(expected.score)
    assert len(proposal.breakdown) == len(matchmaker.CRITERIA)


@pytest.mark.parametrize(
    ("target", "http", "field", "words"),
    [
        ("german", 400, "mentor_enrolment_id", "no shared language"),
        ("unknown", 400, "mentor_enrolment_id", "No such mentor"),
        ("mentee", 400, "mentor_enrolment_id", "not available"),
        ("full", 400, "mentor_enrolment_id", "no place left"),
        ("zero", 422, "body.mentor_enrolment_id", ""),
    ],
)
def test_proposal_swap_bad_mentor_changes_nothing(
    program: Program, *, program_admin: Membership, target: str, http: int, field: str, words: str
) -> None:
    # given
    proposal, _expert, other = _swap_setup(program, program_admin)
    if target == "full":  # the free mentor's only place is taken by another pair of the draft
        Enrolment.objects.filter(pk=other.pk).update(capacity=1)
        Proposal.objects.create(
            match_round=proposal.match_round, mentee=mentee(program), mentor=other, score=0.4
        )
    targets = {
        "german": Enrolment.objects.get(membership__user__full_name="Dora Deutsch").pk,
        "unknown": 999_999,
        "mentee": mentee(program).pk,
        "full": other.pk,
        "zero": 0,
    }
    before = _state(proposal.match_round)
    # when
    response = api_client(program_admin).post(
        _proposal_url(proposal, "/swap"), {"mentor_enrolment_id": targets[target]}, content_type=JSON
    )
    # then
    assert response.status_code == http, response.content
    body = response.json()
    assert field == body.get("field") or field in [e["field"] for e in body.get("errors", [])]
    assert words in body["detail"]
    assert _state(proposal.match_round) == before


def test_proposal_block_removes_the_pair_for_good(program: Program, program_admin: Membership) -> None:
    # given
    learner, expert = mentee(program, full_name="Lea Learner"), mentor(program)
    match_round = draft_round(program, program_admin, [(learner, expert)])
    proposal = match_round.proposals.get()
    # when
    response = api_client(program_admin).post(_proposal_url(proposal, "/block"))
    # then
    assert response.status_code == 201, response.content
    assert response.json()["mentee_membership_id"] == learner.membership_id
    assert BlockedPair.objects.filter(
        program=program, mentee=learner.membership, mentor=expert.membership, by=program_admin.user
    ).exists()
    assert not Proposal.objects.exists()
    match_round.refresh_from_db()
    assert "blocked" in match_round.unmatched[0]["reason"]


def test_proposal_of_another_round_is_not_found(program: Program, program_admin: Membership) -> None:
    # given two drafts: one discarded, one current
    old = draft_round(program, program_admin, [(mentee(program), mentor(program))])
    MatchRound.objects.filter(pk=old.pk).update(status=RoundStatus.DISCARDED)
    current = draft_round(program, program_admin, [(mentee(program), mentor(program))])
    theirs = old.proposals.get()
    before = _state(current)
    # when the old round's proposal is named under the current round
    response = api_client(program_admin).post(_url(program, f"/{current.pk}/proposals/{theirs.pk}/lock"))
    # then
    assert response.status_code == 404
    assert _state(current) == before


# --- re-run, publish, discard -------------------------------------------------------------------


def test_round_rerun_keeps_locked_pairs(
    program: Program, program_admin: Membership, django_capture_on_commit_callbacks: Any
) -> None:
    # given a draft whose only pair is locked
    learner, second_choice = mentee(program), mentor(program, expertise=1, capacity=1)
    mentor(program, expertise=4, capacity=1)  # the engine's own favourite for the learner
    match_round = draft_round(program, program_admin, [(learner, second_choice)])
    Proposal.objects.filter(match_round=match_round).update(locked=True)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(program_admin).post(_url(program, f"/{match_round.pk}/rerun"))
    # then the old draft is discarded and the new one keeps the locked pair
    assert response.status_code == 202, response.content
    new = MatchRound.objects.get(pk=response.json()["id"])
    assert new.status == RoundStatus.DRAFT
    assert new.parameters["locked_enrolment_pairs"] == [[learner.pk, second_choice.pk]]
    kept = new.proposals.get(mentee=learner)
    assert (kept.mentor_id, kept.locked) == (second_choice.pk, True)
    match_round.refresh_from_db()
    assert match_round.status == RoundStatus.DISCARDED


def test_round_publish_creates_the_mentorships_with_their_explanation(
    program: Program, program_admin: Membership
) -> None:
    # given
    pairs = [(mentee(program), mentor(program)) for _ in range(2)]
    match_round = draft_round(program, program_admin, pairs, score=0.7)
    client = api_client(program_admin)
    # when
    response = client.post(_url(program, f"/{match_round.pk}/publish"))
    again = client.post(_url(program, f"/{match_round.pk}/publish"))
    # then
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 2
    assert response.json()["round"]["status"] == "published"
    assert response.json()["round"]["published_by"] == "Pat Program"
    mentorships = list(Mentorship.objects.filter(match_round_id=match_round.pk))
    assert {m.status for m in mentorships} == {MentorshipStatus.ACTIVE}
    assert all(m.explanation[0]["reason"] == "Advanced in Python (your goal: Python)" for m in mentorships)
    assert again.status_code == 409
    assert Mentorship.objects.count() == 2


def test_round_publish_over_capacity_changes_nothing(program: Program, program_admin: Membership) -> None:
    # given a mentor with one place proposed to two mentees
    busy = mentor(program, capacity=1)
    match_round = draft_round(program, program_admin, [(mentee(program), busy), (mentee(program), busy)])
    before = _state(match_round)
    # when
    response = api_client(program_admin).post(_url(program, f"/{match_round.pk}/publish"))
    # then
    assert response.status_code == 409
    assert "no longer has room" in response.json()["detail"]
    assert not Mentorship.objects.exists()
    assert _state(match_round) == before


def test_round_discard_then_edits_are_conflicts(program: Program, program_admin: Membership) -> None:
    # given
    match_round = draft_round(program, program_admin, [(mentee(program), mentor(program))])
    proposal = match_round.proposals.select_related("match_round__program").get()
    client = api_client(program_admin)
    # when
    discarded = client.post(_url(program, f"/{match_round.pk}/discard"))
    edits: list[Callable[[], Any]] = [
        lambda: client.post(_proposal_url(proposal, "/lock")),
        lambda: client.delete(_proposal_url(proposal)),
        lambda: client.get(_proposal_url(proposal, "/candidates")),
        lambda: client.post(_url(program, f"/{match_round.pk}/publish")),
        lambda: client.post(_url(program, f"/{match_round.pk}/rerun")),
    ]
    # then
    assert (discarded.status_code, discarded.json()["status"]) == (200, "discarded")
    assert [edit().status_code for edit in edits] == [409] * len(edits)
    assert Proposal.objects.filter(pk=proposal.pk, locked=False).exists()
    assert MatchRound.objects.count() == 1
