"""Match rounds end to end against the real engine: pool → scores → solver → draft → publish."""

from __future__ import annotations

import pytest

from tandem.errors import DomainError
from tandem.matching.models import BlockedPair, MatchRound, RoundStatus
from tandem.matching.run import match_round_execute
from tandem.matching.services import (
    match_round_create,
    match_round_publish,
    match_round_rerun,
    pair_block,
    proposal_remove,
    proposal_set_locked,
)
from tandem.mentorships.capacity import mentees_held
from tandem.mentorships.models import Mentorship, MentorshipOrigin, MentorshipStatus
from tandem.mentorships.services import mentorship_start
from tandem.organisations.models import Membership, Organisation
from tandem.people.models import CareerLevel, Department, Skill, WorkValue
from tandem.people.services import ProfileChanges, profile_update
from tandem.programs.models import Enrolment, Program
from tandem.programs.services import ProgramSettings, enrolment_create, program_create, program_transition
from tests.factories import make_member, profile_of


def _person(
    org: Organisation, name: str, *, level: int, skills=(), goals=(), values=(), langs=("en",), **extra
):
    member = make_member(org, full_name=name)
    skill = {s.name: s.pk for s in Skill.objects.filter(organisation=org)}
    value = {v.name: v.pk for v in WorkValue.objects.filter(organisation=org)}
    profile_update(
        profile=profile_of(member),
        changes=ProfileChanges(
            career_level_id=CareerLevel.objects.get(organisation=org, rank=level).pk,
            skill_levels={skill[s]: 4 for s in skills},
            goal_skill_ids=[skill[g] for g in goals],
            value_ids=[value[v] for v in values],
            language_codes=list(langs),
            meeting_formats=["video"],
            **extra,
        ),
    )
    return member


def _program(org: Organisation, admin: Membership, **settings) -> Program:
    program = program_create(
        organisation=org, by=admin, settings=ProgramSettings(name="Round test", **settings)
    )
    return program_transition(program=program, to_status="open", by=admin)


def _run(program: Program, admin: Membership, **kwargs) -> MatchRound:
    if program.status == "open":
        program = program_transition(program=program, to_status="matching", by=admin)
    match_round = match_round_create(program=program, by=admin, **kwargs)
    return match_round_execute(round_id=match_round.pk)


@pytest.fixture
def pool(org, program_admin):
    program = _program(org, program_admin)
    python_pro = _person(org, "Pat Python", level=5, skills=["Python"], values=["Integrity", "Growth"])
    speaker = _person(org, "Sam Speaker", level=5, skills=["Public speaking"], values=["Curiosity"])
    mentors = {
        "python": enrolment_create(program=program, membership=python_pro, role="mentor", capacity=1),
        "speaker": enrolment_create(program=program, membership=speaker, role="mentor", capacity=1),
    }
    coder = _person(org, "Cody Coder", level=2, goals=["Python"], values=["Integrity", "Growth"])
    shy = _person(org, "Shy Speaker", level=2, goals=["Public speaking"])
    loner = _person(org, "Lone Linguist", level=2, goals=["Python"], langs=("fr",))
    mentees = {
        "coder": enrolment_create(program=program, membership=coder, role="mentee"),
        "shy": enrolment_create(program=program, membership=shy, role="mentee"),
        "loner": enrolment_create(program=program, membership=loner, role="mentee"),
    }
    return program, mentors, mentees


def _pairs(match_round: MatchRound) -> set[tuple[int, int]]:
    return set(match_round.proposals.values_list("mentee_id", "mentor_id"))


def test_round_execute_pairs_by_goals_and_explains(pool, program_admin):
    # given: two mentors, each the expert in one mentee's goal, and a mentee who shares no language
    program, mentors, mentees = pool
    # when
    match_round = _run(program, program_admin)
    # then: each mentee gets the mentor whose expertise is their goal
    assert match_round.status == RoundStatus.DRAFT, match_round.error
    assert _pairs(match_round) == {
        (mentees["coder"].pk, mentors["python"].pk),
        (mentees["shy"].pk, mentors["speaker"].pk),
    }
    proposal = match_round.proposals.get(mentee=mentees["coder"])
    assert any("Python" in r for r in proposal.reasons)
    assert any("Integrity" in r and "Growth" in r for r in proposal.reasons)
    assert {row["criterion"] for row in proposal.breakdown} >= {"goals", "values", "level", "language"}
    # contributions are stored rounded to 4 places; they still add up to the score
    assert abs(sum(row["contribution"] for row in proposal.breakdown) - proposal.score) < 1e-3
    # and the one without a shared language is reported with the reason
    assert [u["enrolment_id"] for u in match_round.unmatched] == [mentees["loner"].pk]
    assert "hard rules" in match_round.unmatched[0]["reason"]
    assert match_round.metrics["matched"] == 2
    assert match_round.metrics["greedy"]["matched"] <= 2
    # every pair was scored: the optimal solver's answer is proven
    assert match_round.metrics["optimality"] == {"gap": 0.0, "proven": True}


def test_round_create_refuses_program_in_wrong_state(org, program_admin):
    program = _program(org, program_admin)  # open, not matching
    with pytest.raises(DomainError) as err:
        match_round_create(program=program, by=program_admin)
    assert err.value.field == "program"
    assert not MatchRound.objects.exists()


def test_round_create_refuses_solver_the_kind_cannot_use(org, program_admin):
    program = program_transition(program=_program(org, program_admin), to_status="matching", by=program_admin)
    with pytest.raises(DomainError) as err:
        match_round_create(program=program, by=program_admin, solver="peers")
    assert err.value.field == "solver"


def test_round_publish_creates_mentorships_and_uses_capacity(pool, program_admin):
    program, mentors, _mentees = pool
    match_round = _run(program, program_admin)
    # when
    created = match_round_publish(match_round=match_round, by=program_admin)
    # then
    assert created == 2
    assert Mentorship.objects.filter(program=program, status=MentorshipStatus.ACTIVE).count() == 2
    assert mentees_held(mentor=mentors["python"]) == 1
    match_round.refresh_from_db()
    assert match_round.status == RoundStatus.PUBLISHED
    # a second round finds nobody left to match except the loner
    again = _run(Program.objects.get(pk=program.pk), program_admin)
    assert again.metrics["pairs"] == 0


def test_round_rerun_keeps_locks_and_block_excludes_pair(pool, program_admin):
    program, mentors, mentees = pool
    match_round = _run(program, program_admin)
    locked = match_round.proposals.get(mentee=mentees["shy"])
    proposal_set_locked(proposal=locked, by=program_admin, locked=True)
    other = match_round.proposals.get(mentee=mentees["coder"])
    pair_block(
        program=program,
        mentee=mentees["coder"].membership,
        mentor=mentors["python"].membership,
        by=program_admin,
    )
    assert BlockedPair.objects.count() == 1
    assert not match_round.proposals.filter(pk=other.pk).exists()  # block drops it from the draft
    # when
    rerun = match_round_rerun(match_round=match_round, by=program_admin)
    rerun = match_round_execute(round_id=rerun.pk)
    # then: the locked pair is kept, the blocked pair never comes back
    pairs = _pairs(rerun)
    assert (mentees["shy"].pk, mentors["speaker"].pk) in pairs
    assert (mentees["coder"].pk, mentors["python"].pk) not in pairs
    assert rerun.proposals.get(mentee=mentees["shy"]).locked


def test_round_remove_unlocked_only(pool, program_admin):
    program, _, _mentees = pool
    match_round = _run(program, program_admin)
    proposal = match_round.proposals.order_by("pk")[0]
    proposal_set_locked(proposal=proposal, by=program_admin, locked=True)
    with pytest.raises(DomainError):
        proposal_remove(proposal=proposal, by=program_admin)
    proposal_set_locked(proposal=proposal, by=program_admin, locked=False)
    proposal_remove(proposal=proposal, by=program_admin)
    match_round.refresh_from_db()
    assert proposal.mentee_id in {u["enrolment_id"] for u in match_round.unmatched}


def test_round_same_reporting_line_is_never_proposed(org, program_admin):
    program = _program(org, program_admin)
    boss = _person(org, "Bea Boss", level=6, skills=["Python"])
    report = _person(org, "Rory Report", level=2, goals=["Python"], manager_membership_id=boss.pk)
    enrolment_create(program=program, membership=boss, role="mentor", capacity=2)
    enrolment_create(program=program, membership=report, role="mentee")
    match_round = _run(program, program_admin)
    assert match_round.metrics["pairs"] == 0
    assert "hard rules" in match_round.unmatched[0]["reason"]


def test_round_stable_solver_gives_stable_draft(pool, program_admin):
    program, _mentors, _mentees = pool
    match_round = _run(program, program_admin, solver="stable")
    assert match_round.status == RoundStatus.DRAFT, match_round.error
    assert len(_pairs(match_round)) == 2


def test_round_peers_pairs_everyone_it_can(org, program_admin):
    program = program_create(
        organisation=org,
        by=program_admin,
        settings=ProgramSettings(name="Peers", kind="peer", min_level_gap=0, max_level_gap=1),
    )
    program = program_transition(program=program, to_status="open", by=program_admin)
    dept = Department.objects.filter(organisation=org)
    peers = [
        _person(org, f"Peer {i}", level=3, goals=["Python"], skills=["Writing"], department_id=dept[i % 3].pk)
        for i in range(5)
    ]
    for member in peers:
        enrolment_create(program=program, membership=member, role="peer")
    match_round = _run(program, program_admin)
    assert match_round.status == RoundStatus.DRAFT, match_round.error
    assert match_round.metrics["pairs"] == 2
    assert match_round.metrics["matched"] == 4
    assert len(match_round.unmatched) == 1  # five peers: one odd one out
    created = match_round_publish(match_round=match_round, by=program_admin)
    assert created == 2
    members = Mentorship.objects.order_by("pk")[0].members.values_list("role", flat=True)
    assert set(members) == {"peer"}


def test_round_groups_respect_size_bounds(org, program_admin):
    program = program_create(
        organisation=org,
        by=program_admin,
        settings=ProgramSettings(name="Circles", kind="group", group_min_size=2, group_max_size=3),
    )
    program = program_transition(program=program, to_status="open", by=program_admin)
    for i in range(2):
        leader = _person(org, f"Leader {i}", level=6, skills=["People management"])
        enrolment_create(program=program, membership=leader, role="mentor", capacity=3)
    for i in range(5):
        enrolment_create(
            program=program,
            membership=_person(org, f"New manager {i}", level=3, goals=["People management"]),
            role="mentee",
        )
    match_round = _run(program, program_admin)
    assert match_round.status == RoundStatus.DRAFT, match_round.error
    sizes: dict[int | None, int] = {}
    for group_index in match_round.proposals.values_list("group_index", flat=True):
        sizes[group_index] = sizes.get(group_index, 0) + 1
    assert all(2 <= size <= 3 for size in sizes.values())
    assert sum(sizes.values()) == 5
    assert match_round_publish(match_round=match_round, by=program_admin) == len(sizes)
    group = Mentorship.objects.filter(program=program).order_by("pk")[0]
    assert group.members.filter(role="mentor").count() == 1
    assert group.members.filter(role="mentee").count() >= 2


def test_round_publish_rechecks_capacity_taken_meanwhile(pool, program_admin):
    # given: a draft proposing the python mentor, who then fills their only place another way
    program, mentors, _mentees = pool
    match_round = _run(program, program_admin)
    newcomer = enrolment_create(
        program=program, membership=_person(org=program.organisation, name="Late", level=2), role="mentee"
    )
    mentorship_start(
        mentor=mentors["python"], mentees=[newcomer], origin=MentorshipOrigin.ADMIN, needs_consent=False
    )
    # when / then: publishing refuses and writes nothing
    with pytest.raises(DomainError):
        match_round_publish(match_round=match_round, by=program_admin)
    assert Mentorship.objects.filter(program=program).count() == 1
    assert Enrolment.objects.filter(program=program).count() == 6


def test_round_publish_emails_everyone_matched_after_commit(
    pool, program_admin, mailoutbox, django_capture_on_commit_callbacks
):
    program, mentors, mentees = pool
    match_round = _run(program, program_admin)
    with django_capture_on_commit_callbacks(execute=True):
        match_round_publish(match_round=match_round, by=program_admin)
    recipients = {m.to[0] for m in mailoutbox}
    assert mentees["coder"].membership.user.email in recipients
    assert mentors["python"].membership.user.email in recipients
    assert mentees["loner"].membership.user.email not in recipients
    coder_mail = next(m for m in mailoutbox if m.to[0] == mentees["coder"].membership.user.email)
    assert "Pat Python" in coder_mail.body


# --- pools above the dense limit: the candidate graph instead of every pair -------------


@pytest.fixture
def dense_limit_1(monkeypatch):
    """Every pool counts as large: scores come from `matchmaker.candidates`."""
    monkeypatch.setattr("tandem.matching.run.DENSE_CELLS_LIMIT", 1)


@pytest.mark.parametrize("solver", ["optimal", "stable"])
def test_large_pool_is_matched_from_candidates(pool, program_admin, dense_limit_1, solver):
    # given: the pool of the first test, over the (lowered) dense limit
    program, mentors, mentees = pool
    # when
    match_round = _run(program, program_admin, solver=solver)
    # then: the same draft as with every pair scored, explained, with the unmatched reason
    assert match_round.status == RoundStatus.DRAFT, match_round.error
    assert _pairs(match_round) == {
        (mentees["coder"].pk, mentors["python"].pk),
        (mentees["shy"].pk, mentors["speaker"].pk),
    }
    assert any("Python" in r for r in match_round.proposals.get(mentee=mentees["coder"]).reasons)
    assert [u["enrolment_id"] for u in match_round.unmatched] == [mentees["loner"].pk]
    assert "hard rules" in match_round.unmatched[0]["reason"]
    assert match_round.metrics["matched"] == 2
    assert match_round.metrics["greedy"]["matched"] <= 2
    scores = [p.score for p in match_round.proposals.all()]
    assert match_round.metrics["total_score"] == pytest.approx(sum(scores), abs=1e-4)
    # the optimal solver priced every pair left out: nothing could improve the draft
    expected = {"gap": 0.0, "proven": True} if solver == "optimal" else None
    assert match_round.metrics.get("optimality") == expected


def _candidates_without(monkeypatch, mentee_row: int, mentor_row: int) -> None:
    """The app's candidate graphs, minus one pair (rows follow enrolment order)."""
    import matchmaker
    import scipy.sparse as sp

    real = matchmaker.candidates

    def without_pair(scorer):
        graph = real(scorer).tolil()
        graph[mentee_row, mentor_row] = 0
        out = sp.csr_array(graph)
        out.eliminate_zeros()
        return out

    monkeypatch.setattr("tandem.matching.run.matchmaker.candidates", without_pair)


def test_large_pool_prices_in_the_best_pair_the_candidates_left_out(
    pool, program_admin, dense_limit_1, monkeypatch
):
    # given: candidates that leave out the coder's best mentor (Python)
    program, mentors, mentees = pool
    _candidates_without(monkeypatch, 0, 0)  # coder is mentee 0, python mentor 0
    # when
    match_round = _run(program, program_admin, solver="optimal")
    # then: pricing the left-out pairs against the solver's duals finds it again
    assert match_round.status == RoundStatus.DRAFT, match_round.error
    assert (mentees["coder"].pk, mentors["python"].pk) in _pairs(match_round)
    assert match_round.metrics["matched"] == 2


def test_large_pool_keeps_a_locked_pair_missing_from_the_candidates(
    pool, program_admin, dense_limit_1, monkeypatch
):
    # given: a draft, its shy-speaker pair locked, then candidates that leave that pair out
    program, mentors, mentees = pool
    match_round = _run(program, program_admin)
    shy_pair = match_round.proposals.get(mentee=mentees["shy"])
    proposal_set_locked(proposal=shy_pair, by=program_admin, locked=True)
    _candidates_without(monkeypatch, 1, 1)  # shy is mentee 1, speaker mentor 1
    # when
    rerun = match_round_execute(round_id=match_round_rerun(match_round=match_round, by=program_admin).pk)
    # then
    assert rerun.status == RoundStatus.DRAFT, rerun.error
    assert (mentees["shy"].pk, mentors["speaker"].pk) in _pairs(rerun)
    assert rerun.proposals.get(mentee=mentees["shy"]).locked


@pytest.mark.parametrize("solver", ["peers", "groups"])
def test_large_pool_refuses_solvers_that_score_every_pair(pool, dense_limit_1, solver):
    from tandem.matching.pool import build_pool
    from tandem.matching.run import pool_scores

    program, _, _ = pool
    pool_ = build_pool(program=program)
    with pytest.raises(ValueError, match=r"scores every pair, and this pool has 3 × 2 = 6 pairs"):
        pool_scores(pool_, pool_.scorer(), solver, [])


def test_run_match_command_prints_the_metrics_and_the_certificate(pool, program_admin, org):
    from io import StringIO

    from django.core.management import call_command

    # given: the pool of the first test, being matched
    program = program_transition(program=pool[0], to_status="matching", by=program_admin)
    out = StringIO()
    # when
    call_command("run_match", str(program.pk), "--org", org.slug, "--solver", "optimal", stdout=out)
    # then
    text = out.getvalue()
    assert "2 pairs, 2/3 matched" in text
    assert "First-come greedy on the same pool" in text
    assert "Proven optimal over every pair" in text
    assert "unmatched: " in text


def test_large_pool_stores_the_certified_gap_rounded_up(pool, program_admin, org, dense_limit_1, monkeypatch):
    import dataclasses
    from io import StringIO

    import matchmaker
    from django.core.management import call_command

    # given: a large pool whose pricing stops with a gap left (as on a big pool)
    real = matchmaker.assign_pool

    def stopped_early(*args, **kwargs):
        result = real(*args, **kwargs)
        stats = {**result.stats, "optimality_gap": 0.123401, "proven_optimal": 0.0}
        return dataclasses.replace(result, stats=stats)

    monkeypatch.setattr("tandem.matching.run.matchmaker.assign_pool", stopped_early)
    program_transition(program=pool[0], to_status="matching", by=program_admin)
    out = StringIO()
    # when
    call_command("run_match", str(pool[0].pk), "--org", org.slug, "--solver", "optimal", stdout=out)
    # then: the bound is stored rounded up (it must stay a bound) and stated
    match_round = MatchRound.objects.get(program=pool[0])
    assert match_round.metrics["optimality"] == {"gap": 0.1235, "proven": False}
    assert "that matches as many has a total fit more than 0.1235 higher" in out.getvalue()
