"""Match-round pages: start a round (run in the background), follow its progress, review the draft
(lock, remove, swap, block), re-run keeping locks, publish, discard — isolation, roles, query
counts, and bad input that shows a clear error and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import login
from tandem.matching.models import BlockedPair, MatchRound, Proposal, RoundStatus
from tandem.mentorships.models import Mentorship, MentorshipOrigin, MentorshipStatus
from tandem.mentorships.services import mentorship_start
from tandem.organisations.models import Membership, Organisation
from tandem.programs.models import Program, ProgramStatus
from tests.program_setup import draft_round, make_program, mentee, mentor

Queries = Callable[..., Any]


def _url(name: str, program: Program, **kwargs: Any) -> str:
    return reverse(
        f"matching:{name}",
        kwargs={"org_slug": program.organisation.slug, "program_id": program.pk, **kwargs},
    )


def _proposal_url(name: str, proposal: Proposal) -> str:
    match_round = proposal.match_round
    return _url(name, match_round.program, round_id=match_round.pk, proposal_id=proposal.pk)


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
        Mentorship.objects.count(),
    )


@pytest.fixture
def program(org: Organisation, program_admin: Membership) -> Program:
    return make_program(org, program_admin, status=ProgramStatus.MATCHING, name="Engineering mentoring")


@pytest.fixture
def admin_client(client: Client, program_admin: Membership) -> Client:
    return login(client, program_admin)


@pytest.fixture
def draft(program: Program, program_admin: Membership) -> MatchRound:
    """A draft with two pairs (Ada mentors both) and a third mentor, Bea, with two free places."""
    ada = mentor(program, full_name="Ada Mentor", capacity=2)
    mentor(program, full_name="Bea Mentor", capacity=2)
    pairs = [(mentee(program, full_name="Mia Mentee"), ada), (mentee(program, full_name="Noa Mentee"), ada)]
    return draft_round(program, program_admin, pairs)


# --- isolation and roles ------------------------------------------------------------------------

GET_PAGES = ["rounds", "round", "progress", "swap"]
POSTS = ["rounds", "rerun", "publish", "discard", "lock", "remove", "block", "swap"]


def _kwargs(name: str, draft: MatchRound) -> dict[str, int]:
    proposal = draft.proposals.first()
    assert proposal is not None
    if name == "rounds":
        return {}
    if name in {"lock", "remove", "block", "swap"}:
        return {"round_id": draft.pk, "proposal_id": proposal.pk}
    return {"round_id": draft.pk}


@pytest.mark.parametrize("name", GET_PAGES)
def test_round_pages_outsider_gets_404(
    client: Client, draft: MatchRound, outsider: Membership, name: str
) -> None:
    # given: an org admin of another organisation
    login(client, outsider)
    program = draft.program
    # when: they open this program's round pages, under their own slug and under this one's
    own_slug = reverse(
        f"matching:{name}",
        kwargs={"org_slug": outsider.organisation.slug, "program_id": program.pk, **_kwargs(name, draft)},
    )
    # then
    assert client.get(own_slug).status_code == 404
    assert client.get(_url(name, program, **_kwargs(name, draft))).status_code == 404


@pytest.mark.parametrize("name", POSTS)
@pytest.mark.parametrize("who", ["outsider", "member"])
def test_round_posts_outsider_or_member_gets_404_and_nothing_changes(
    client: Client,
    *,
    draft: MatchRound,
    outsider: Membership,
    member: Membership,
    name: str,
    who: str,
) -> None:
    # given
    login(client, outsider if who == "outsider" else member)
    before = _state(draft)
    rounds = MatchRound.objects.count()
    # when
    response = client.post(
        _url(name, draft.program, **_kwargs(name, draft)), {"locked": "1", "solver": "optimal", "mentor": 1}
    )
    # then
    assert response.status_code == 404
    assert _state(draft) == before
    assert MatchRound.objects.count() == rounds


@pytest.mark.parametrize("name", GET_PAGES)
def test_round_pages_member_gets_404(member_client: Client, draft: MatchRound, name: str) -> None:
    # when / then
    assert member_client.get(_url(name, draft.program, **_kwargs(name, draft))).status_code == 404


def test_round_of_another_program_is_404(
    admin_client: Client, org: Organisation, program_admin: Membership, draft: MatchRound
) -> None:
    # given: another program of the same organisation
    other = make_program(org, program_admin, status=ProgramStatus.MATCHING, name="Other")
    # when / then: the round is not reachable through the other program's URL
    assert admin_client.get(_url("round", other, round_id=draft.pk)).status_code == 404


# --- starting a round ---------------------------------------------------------------------------


def test_rounds_page_offers_only_the_solvers_the_kind_allows(
    admin_client: Client, org: Organisation, program_admin: Membership, program: Program
) -> None:
    # given
    peers = make_program(org, program_admin, status=ProgramStatus.MATCHING, kind="peer", name="Peers")
    # when
    one_to_one = admin_client.get(_url("rounds", program)).context["form"]
    peer = admin_client.get(_url("rounds", peers)).context["form"]
    # then
    assert [v for v, _ in one_to_one.fields["solver"].choices] == ["optimal", "stable"]
    assert [v for v, _ in peer.fields["solver"].choices] == ["peers"]


def test_round_start_runs_in_the_background_and_shows_the_draft(
    admin_client: Client, program: Program, django_capture_on_commit_callbacks: Any
) -> None:
    # given: three mentees for two mentors with one place each
    for _ in range(2):
        mentor(program, capacity=1)
    for _ in range(3):
        mentee(program)
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(
            _url("rounds", program), {"solver": "optimal", "objective": "participation"}
        )
    # then: the run was queued on commit, and the round page shows its draft
    assert len(callbacks) == 1
    match_round = MatchRound.objects.get(program=program)
    assert response["Location"] == _url("round", program, round_id=match_round.pk)
    page = admin_client.get(response["Location"])
    assert page.context["match_round"].status == RoundStatus.DRAFT
    summary = page.context["summary"]
    assert (summary.pool, summary.matched, summary.greedy_matched) == (3, 2, 2)
    html = page.content.decode()
    assert "First-come matching would have matched" in html
    assert "Capacity exhausted" in html  # the one left out, with the reason
    assert "Proven optimal:" in html  # the optimal solver's certificate


def _certified(draft: MatchRound, *, gap: float) -> str:
    """Give the draft's run an optimality certificate (as the optimal solver stores it); its page."""
    optimality = {"gap": gap, "proven": gap == 0.0}
    MatchRound.objects.filter(pk=draft.pk).update(metrics={"pairs": 2, "optimality": optimality})
    return _url("round", draft.program, round_id=draft.pk)


def test_round_page_shows_the_certified_gap_until_the_draft_is_edited(
    admin_client: Client, draft: MatchRound
) -> None:
    # given: a draft whose run certified its total fit within 0.05 of the optimum
    url = _certified(draft, gap=0.05)
    # when / then: the page states the bound, as a share of the draft's total fit (2 x 0.5)
    html = admin_client.get(url).content.decode()
    assert "Certified near-optimal:" in html
    assert (
        "that matches as many mentees has a total fit more than <strong>0.0500</strong> (5%) higher" in html
    )
    # when an admin removes a pair by hand, the certificate no longer applies and is not shown
    proposal = draft.proposals.order_by("pk").first()
    assert proposal is not None
    admin_client.post(_proposal_url("remove", proposal))
    html = admin_client.get(url).content.decode()
    assert "Certified near-optimal:" not in html
    assert "Proven optimal:" not in html


def test_round_start_on_an_open_program_is_refused_and_creates_nothing(
    admin_client: Client, org: Organisation, program_admin: Membership
) -> None:
    # given: a program still open for enrolment
    open_program = make_program(org, program_admin, status=ProgramStatus.OPEN)
    # when
    page = admin_client.get(_url("rounds", open_program))
    response = admin_client.post(_url("rounds", open_program), {"solver": "optimal", "objective": "score"})
    # then
    assert page.context["can_start"] is False
    assert "Rounds run while a program is matching or in progress" in response.content.decode()
    assert not MatchRound.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"), [({"solver": "stable"}, "solver"), ({"objective": "luck"}, "objective")]
)
def test_round_start_bad_choice_shows_field_error_and_creates_nothing(
    admin_client: Client, org: Organisation, program_admin: Membership, data: dict[str, str], field: str
) -> None:
    # given: a peer program (the stable solver is for mentors and mentees)
    peers = make_program(org, program_admin, status=ProgramStatus.MATCHING, kind="peer")
    # when
    response = admin_client.post(_url("rounds", peers), {"solver": "peers", "objective": "score", **data})
    # then
    assert response.context["form"].errors[field]
    assert not MatchRound.objects.exists()


def test_round_start_while_another_runs_is_refused(
    admin_client: Client, program: Program, program_admin: Membership
) -> None:
    # given: a round still queued
    MatchRound.objects.create(program=program, solver="optimal", created_by=program_admin.user)
    # when
    response = admin_client.post(_url("rounds", program), {"solver": "optimal", "objective": "score"})
    # then
    assert "already running" in response.content.decode()
    assert MatchRound.objects.count() == 1


def test_round_progress_polls_while_running_then_reloads_the_page(
    admin_client: Client, program: Program, program_admin: Membership
) -> None:
    # given: a running round
    match_round = MatchRound.objects.create(
        program=program,
        solver="optimal",
        created_by=program_admin.user,
        status=RoundStatus.RUNNING,
        progress=35,
    )
    url = _url("progress", program, round_id=match_round.pk)
    # when: htmx polls it
    fragment = admin_client.get(url, headers={"HX-Request": "true"})
    # then: the fragment keeps polling and shows the progress
    html = fragment.content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert 'value="35"' in html
    assert "<html" not in html
    # when: the run has finished
    MatchRound.objects.filter(pk=match_round.pk).update(status=RoundStatus.DRAFT, progress=100)
    done = admin_client.get(url, headers={"HX-Request": "true"})
    # then: htmx is told to reload the page (which shows the draft); a browser without JS is redirected
    assert done["HX-Refresh"] == "true"
    assert admin_client.get(url)["Location"] == _url("round", program, round_id=match_round.pk)


def test_round_page_of_a_failed_run_shows_the_error(
    admin_client: Client, program: Program, program_admin: Membership
) -> None:
    # given
    match_round = MatchRound.objects.create(
        program=program,
        solver="optimal",
        created_by=program_admin.user,
        status=RoundStatus.FAILED,
        error="boom",
    )
    # when
    html = admin_client.get(_url("round", program, round_id=match_round.pk)).content.decode()
    # then
    assert "The round failed and nothing was proposed." in html
    assert "boom" in html


@pytest.mark.parametrize("pairs", [5, 30])
def test_round_page_query_count_is_bounded(
    admin_client: Client,
    *,
    program: Program,
    program_admin: Membership,
    django_assert_max_num_queries: Queries,
    pairs: int,
) -> None:
    # given: a draft with many pairs
    mentors = [mentor(program, capacity=2) for _ in range((pairs + 1) // 2)]
    match_round = draft_round(
        program, program_admin, [(mentee(program), mentors[i // 2]) for i in range(pairs)]
    )
    # when / then
    with django_assert_max_num_queries(11):
        response = admin_client.get(_url("round", program, round_id=match_round.pk))
    assert len(response.context["proposals"]) == pairs


@pytest.mark.parametrize("rounds", [5, 30])
def test_rounds_page_query_count_is_bounded(
    admin_client: Client,
    *,
    program: Program,
    program_admin: Membership,
    django_assert_max_num_queries: Queries,
    rounds: int,
) -> None:
    # given
    MatchRound.objects.bulk_create(
        MatchRound(
            program=program, solver="optimal", status=RoundStatus.DISCARDED, created_by=program_admin.user
        )
        for _ in range(rounds)
    )
    # when / then
    with django_assert_max_num_queries(11):
        response = admin_client.get(_url("rounds", program))
    assert len(response.context["rounds"]) == rounds


# --- reviewing the draft ------------------------------------------------------------------------


def test_proposal_lock_by_htmx_swaps_just_the_row(admin_client: Client, draft: MatchRound) -> None:
    # given
    proposal = draft.proposals.order_by("pk").first()
    assert proposal is not None
    # when
    response = admin_client.post(
        _proposal_url("lock", proposal), {"locked": "1"}, headers={"HX-Request": "true"}
    )
    # then
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="proposal-{proposal.pk}"')
    assert "Unlock Mia Mentee and Ada Mentor" in html
    proposal.refresh_from_db()
    assert proposal.locked
    # when: unlocked without htmx
    response = admin_client.post(_proposal_url("lock", proposal), {"locked": "0"})
    # then
    assert response["Location"].endswith(f"#proposal-{proposal.pk}")
    proposal.refresh_from_db()
    assert not proposal.locked


def test_proposal_remove_lists_the_mentee_as_unmatched(admin_client: Client, draft: MatchRound) -> None:
    # given
    proposal = draft.proposals.order_by("pk").first()
    assert proposal is not None
    # when
    response = admin_client.post(_proposal_url("remove", proposal), follow=True)
    # then
    assert not Proposal.objects.filter(pk=proposal.pk).exists()
    html = response.content.decode()
    assert "Removed from the draft by an admin." in html
    assert response.context["summary"].matched == 1


def test_proposal_remove_of_a_locked_pair_is_refused(admin_client: Client, draft: MatchRound) -> None:
    # given
    proposal = draft.proposals.order_by("pk").first()
    assert proposal is not None
    Proposal.objects.filter(pk=proposal.pk).update(locked=True)
    before = _state(draft)
    # when
    response = admin_client.post(_proposal_url("remove", proposal), follow=True)
    # then
    assert "Unlock the pair before removing it." in response.content.decode()
    assert _state(draft) == before


def test_proposal_block_never_proposes_the_pair_again(admin_client: Client, draft: MatchRound) -> None:
    # given
    proposal = draft.proposals.order_by("pk").first()
    assert proposal is not None
    # when
    admin_client.post(_proposal_url("block", proposal))
    # then
    assert BlockedPair.objects.filter(
        program=draft.program, mentee=proposal.mentee.membership, mentor=proposal.mentor.membership
    ).exists()
    assert not Proposal.objects.filter(pk=proposal.pk).exists()


def test_proposal_swap_lists_candidates_with_scores_and_places_then_swaps(
    admin_client: Client, draft: MatchRound
) -> None:
    # given
    proposal = draft.proposals.order_by("pk").first()
    assert proposal is not None
    # when
    page = admin_client.get(_proposal_url("swap", proposal))
    # then: Bea, the only other mentor, is offered with her two places and an explained score
    candidates = page.context["candidates"]
    assert [c.mentor.membership.user.full_name for c in candidates] == ["Bea Mentor"]
    assert candidates[0].places_left == 2
    assert "Choose Bea Mentor" in page.content.decode()
    # when: the admin chooses her
    response = admin_client.post(_proposal_url("swap", proposal), {"mentor": candidates[0].mentor.pk})
    # then
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.mentor_id == candidates[0].mentor.pk
    assert proposal.edited
    assert proposal.score == pytest.approx(candidates[0].score)


def test_proposal_swap_to_someone_not_a_mentor_here_is_refused(
    admin_client: Client, org: Organisation, program_admin: Membership, draft: MatchRound
) -> None:
    # given: a mentor of another program, and a mentee of this one
    elsewhere = mentor(make_program(org, program_admin, name="Elsewhere"))
    proposal = draft.proposals.order_by("pk").first()
    assert proposal is not None
    before = _state(draft)
    for mentor_id in [elsewhere.pk, proposal.mentee_id, "x"]:
        # when
        response = admin_client.post(_proposal_url("swap", proposal), {"mentor": mentor_id})
        # then
        assert response.status_code == 200
        assert "Nothing was changed." in response.content.decode()
        assert _state(draft) == before


def test_round_rerun_keeps_the_locked_pairs(
    admin_client: Client, draft: MatchRound, django_capture_on_commit_callbacks: Any
) -> None:
    # given
    kept = draft.proposals.order_by("pk").first()
    assert kept is not None
    admin_client.post(_proposal_url("lock", kept), {"locked": "1"})
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(_url("rerun", draft.program, round_id=draft.pk))
    # then: the draft is set aside and the new round proposes the locked pair, still locked
    draft.refresh_from_db()
    assert draft.status == RoundStatus.DISCARDED
    new = MatchRound.objects.exclude(pk=draft.pk).get()
    assert response["Location"] == _url("round", draft.program, round_id=new.pk)
    assert new.status == RoundStatus.DRAFT
    assert new.proposals.filter(mentee_id=kept.mentee_id, mentor_id=kept.mentor_id, locked=True).exists()


def test_round_publish_creates_the_mentorships(admin_client: Client, draft: MatchRound) -> None:
    # when
    response = admin_client.post(_url("publish", draft.program, round_id=draft.pk), follow=True)
    # then
    assert "Published: 2 mentorships created." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == RoundStatus.PUBLISHED
    assert Mentorship.objects.filter(program=draft.program, status=MentorshipStatus.ACTIVE).count() == 2
    assert response.context["editable"] is False


def test_round_publish_of_a_discarded_round_is_refused(admin_client: Client, draft: MatchRound) -> None:
    # given
    admin_client.post(_url("discard", draft.program, round_id=draft.pk))
    before = _state(draft)
    assert before[0] == RoundStatus.DISCARDED
    # when
    response = admin_client.post(_url("publish", draft.program, round_id=draft.pk), follow=True)
    # then
    assert "Nothing was published." in response.content.decode()
    assert _state(draft) == before


def test_round_publish_when_a_mentor_filled_up_meanwhile_is_refused(
    admin_client: Client, draft: MatchRound, program_admin: Membership
) -> None:
    # given: Ada (two places, two proposals) took a mentee by another route since the run
    proposal = draft.proposals.order_by("pk").first()
    assert proposal is not None
    mentorship_start(
        mentor=proposal.mentor,
        mentees=[mentee(draft.program)],
        origin=MentorshipOrigin.ADMIN,
        needs_consent=False,
    )
    before = _state(draft)
    # when
    response = admin_client.post(_url("publish", draft.program, round_id=draft.pk), follow=True)
    # then: nothing is published, and the admin is told whose pairs to change
    assert "Ada Mentor no longer has room" in response.content.decode()
    assert _state(draft) == before


def test_group_round_shows_groups_and_publishes_one_mentorship_per_group(
    admin_client: Client,
    org: Organisation,
    program_admin: Membership,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given: a group program with one leader for three people
    groups = make_program(
        org, program_admin, status=ProgramStatus.MATCHING, kind="group", group_min_size=2, group_max_size=3
    )
    mentor(groups, full_name="Lea Leader", capacity=3)
    for _ in range(3):
        mentee(groups)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            _url("rounds", groups), {"solver": "groups", "objective": "participation"}
        )
    page = admin_client.get(response["Location"])
    # then
    assert page.context["match_round"].status == RoundStatus.DRAFT, page.context["match_round"].error
    assert page.context["group_count"] == 1
    assert "Proposed groups (1, 3 seats)" in page.content.decode()
    # when
    admin_client.post(_url("publish", groups, round_id=page.context["match_round"].pk))
    # then
    mentorship = Mentorship.objects.get(program=groups)
    assert mentorship.members.filter(role="mentee").count() == 3


@pytest.mark.parametrize("mentors", [5, 30])
def test_proposal_swap_page_query_count_is_bounded(
    admin_client: Client,
    *,
    program: Program,
    program_admin: Membership,
    django_assert_max_num_queries: Queries,
    mentors: int,
) -> None:
    # given: a draft pair and many other mentors to choose from
    pair = (mentee(program), mentor(program))
    for _ in range(mentors):
        mentor(program)
    proposal = draft_round(program, program_admin, [pair]).proposals.get()
    # when / then
    with django_assert_max_num_queries(35):
        response = admin_client.get(_proposal_url("swap", proposal))
    assert len(response.context["candidates"]) == min(mentors, 10)


def test_round_page_hides_the_certificate_once_a_pair_is_swapped(
    admin_client: Client, draft: MatchRound
) -> None:
    # given: a proven draft in which an admin changed one pair's mentor (a swap)
    url = _certified(draft, gap=0.0)
    html = admin_client.get(url).content.decode()
    assert "matches more mentees or, matching as many, has a higher total fit" in html
    MatchRound.objects.filter(pk=draft.pk).update(
        objective="score"
    )  # the best total fit, whoever is left out
    html = admin_client.get(url).content.decode()
    assert "Proven optimal:</strong> no other matching of this pool has a higher total fit." in html
    draft.proposals.filter(pk=draft.proposals.order_by("pk").first().pk).update(edited=True)  # type: ignore[union-attr]
    # when
    html = admin_client.get(url).content.decode()
    # then
    assert "Proven optimal:" not in html
