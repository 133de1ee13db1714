"""Competency feedback: who may give it, what it must contain, and who sees it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tandem.feedback.errors import FeedbackClosed, FeedbackInvalid, FeedbackNotAllowed, FeedbackNotFound
from tandem.feedback.models import CompetencyFeedback
from tandem.feedback.selectors import competency_feedback_list, subjects_for
from tandem.feedback.services import RatingInput, competency_feedback_give
from tandem.feedback.trends import trend_of
from tandem.mentorships.models import Mentorship, MentorshipOrigin, MentorshipStatus
from tandem.mentorships.services import mentorship_start
from tandem.notifications.models import Notification, NotificationKind
from tandem.organisations.models import Membership, Organisation
from tandem.people.models import Competency
from tandem.people.services import taxonomy_delete
from tests.factories import make_member
from tests.program_setup import make_program, mentee
from tests.relationship_setup import Live

pytestmark = pytest.mark.django_db


def _backdate(mentorship: Mentorship, days: int) -> None:
    Mentorship.objects.filter(pk=mentorship.pk).update(started_at=timezone.now() - dt.timedelta(days=days))
    mentorship.refresh_from_db()


def _give(live: Live, ratings: list[RatingInput], **kwargs: object) -> CompetencyFeedback:
    return competency_feedback_give(mentorship=live.mentorship, by=live.mentor, ratings=ratings, **kwargs)  # type: ignore[arg-type]


def test_feedback_give_records_ratings_and_tells_the_mentee(
    live: Live, competencies: dict[str, Competency]
) -> None:
    # given
    leadership, communication = competencies["Leadership"], competencies["Communication"]
    # when the mentor rates two competencies
    feedback = _give(
        live,
        [RatingInput(leadership.pk, 3, "Ran the retro well"), RatingInput(communication.pk, 4)],
        comment="  Good month.  ",
    )
    # then the entry is about the mentee, dated today, with both ratings
    assert feedback.subject == live.mentee
    assert feedback.author == live.mentor
    assert feedback.given_on == timezone.localdate()
    assert feedback.comment == "Good month."
    assert sorted(feedback.ratings.values_list("competency_name", "rating", "comment")) == [
        ("Communication", 4, ""),
        ("Leadership", 3, "Ran the retro well"),
    ]
    # and the mentee is notified with a link to the feedback tab
    note = Notification.objects.get(recipient=live.mentee, kind=NotificationKind.FEEDBACK)
    assert note.url == f"/o/{live.mentorship.organisation.slug}/mentorships/{live.mentorship.pk}/feedback/"
    assert "Leadership: 3/5" in note.body


def test_feedback_give_mentee_cannot_rate_in_a_one_to_one(
    live: Live, competencies: dict[str, Competency]
) -> None:
    # when the mentee tries to rate the mentor
    with pytest.raises(FeedbackNotAllowed):
        competency_feedback_give(
            mentorship=live.mentorship,
            by=live.mentee,
            ratings=[RatingInput(competencies["Leadership"].pk, 5)],
        )
    # then nothing is recorded
    assert not CompetencyFeedback.objects.exists()


def test_feedback_give_someone_outside_the_mentorship_is_told_it_does_not_exist(
    live: Live, member: Membership, competencies: dict[str, Competency]
) -> None:
    with pytest.raises(FeedbackNotFound):
        competency_feedback_give(
            mentorship=live.mentorship, by=member, ratings=[RatingInput(competencies["Leadership"].pk, 5)]
        )


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_feedback_give_rating_out_of_range_names_the_rating(
    live: Live, competencies: dict[str, Competency], rating: int
) -> None:
    with pytest.raises(FeedbackInvalid) as caught:
        _give(
            live,
            [
                RatingInput(competencies["Leadership"].pk, 3),
                RatingInput(competencies["Adaptability"].pk, rating),
            ],
        )
    assert caught.value.field == "ratings.1.rating"
    assert not CompetencyFeedback.objects.exists()


def test_feedback_give_competency_of_another_organisation_is_refused(
    live: Live, other_org: Organisation
) -> None:
    # given a competency of another organisation
    theirs = Competency.objects.filter(organisation=other_org).first()
    assert theirs is not None
    # when / then
    with pytest.raises(FeedbackInvalid) as caught:
        _give(live, [RatingInput(theirs.pk, 3)])
    assert caught.value.field == "ratings.0.competency_id"
    assert not CompetencyFeedback.objects.exists()


def test_feedback_give_needs_a_rating_and_rates_each_competency_once(
    live: Live, competencies: dict[str, Competency]
) -> None:
    with pytest.raises(FeedbackInvalid) as none:
        _give(live, [])
    assert none.value.field == "ratings"
    leadership = competencies["Leadership"].pk
    with pytest.raises(FeedbackInvalid) as twice:
        _give(live, [RatingInput(leadership, 3), RatingInput(leadership, 4)])
    assert twice.value.field == "ratings.1.competency_id"


def test_feedback_give_date_neither_in_the_future_nor_before_the_start(
    live: Live, competencies: dict[str, Competency]
) -> None:
    # given a mentorship that started ten days ago
    _backdate(live.mentorship, 10)
    ratings = [RatingInput(competencies["Leadership"].pk, 3)]
    today = timezone.localdate()
    # then tomorrow and eleven days ago are refused, five days ago is fine
    for bad in (today + dt.timedelta(days=1), today - dt.timedelta(days=11)):
        with pytest.raises(FeedbackInvalid) as caught:
            _give(live, ratings, given_on=bad)
        assert caught.value.field == "given_on"
    assert _give(live, ratings, given_on=today - dt.timedelta(days=5)).given_on == today - dt.timedelta(
        days=5
    )


def test_feedback_give_closed_mentorship_takes_none(live: Live, competencies: dict[str, Competency]) -> None:
    Mentorship.objects.filter(pk=live.mentorship.pk).update(status=MentorshipStatus.ENDED_EARLY)
    live.mentorship.refresh_from_db()
    with pytest.raises(FeedbackClosed):
        _give(live, [RatingInput(competencies["Leadership"].pk, 3)])


def test_feedback_peers_rate_each_other(org: Organisation, program_admin: Membership) -> None:
    # given a peer mentorship
    program = make_program(org, program_admin, name="Peers", matching_mode="self_service")
    a, b = mentee(program), mentee(program)
    peers = mentorship_start(mentor=None, mentees=[a, b], origin=MentorshipOrigin.ADMIN, needs_consent=False)
    leadership = Competency.objects.get(organisation=org, name="Leadership")
    # when each rates the other
    competency_feedback_give(mentorship=peers, by=a.membership, ratings=[RatingInput(leadership.pk, 2)])
    competency_feedback_give(mentorship=peers, by=b.membership, ratings=[RatingInput(leadership.pk, 4)])
    # then A sees both entries: their own trend (from B) and the one they give B
    entries = list(competency_feedback_list(mentorship=peers, viewer=a.membership))
    assert [(e.author_id, e.subject_id) for e in entries] == [
        (a.membership_id, b.membership_id),
        (b.membership_id, a.membership_id),
    ]
    assert [s.pk for s in subjects_for(peers, a.membership)] == [a.membership_id, b.membership_id]
    mine = trend_of(a.membership, entries)
    assert [p.rating for p in mine.series[0].points] == [4]
    # and a peer cannot rate themself
    with pytest.raises(FeedbackInvalid) as caught:
        competency_feedback_give(
            mentorship=peers,
            by=a.membership,
            ratings=[RatingInput(leadership.pk, 5)],
            subject_id=a.membership_id,
        )
    assert caught.value.field == "subject_membership_id"


def test_feedback_list_private_to_author_and_subject(
    live: Live, org: Organisation, program_admin: Membership, competencies: dict[str, Competency]
) -> None:
    # given feedback in the mentorship
    _give(live, [RatingInput(competencies["Leadership"].pk, 3)])
    # then the two sides see it, a program admin and another member do not
    assert competency_feedback_list(mentorship=live.mentorship, viewer=live.mentor).count() == 1
    assert competency_feedback_list(mentorship=live.mentorship, viewer=live.mentee).count() == 1
    assert competency_feedback_list(mentorship=live.mentorship, viewer=program_admin).count() == 0
    assert competency_feedback_list(mentorship=live.mentorship, viewer=make_member(org)).count() == 0


def test_trend_series_latest_and_change(live: Live, competencies: dict[str, Competency]) -> None:
    # given three entries over a month, one without Communication
    _backdate(live.mentorship, 40)
    today = timezone.localdate()
    lead, comm = competencies["Leadership"].pk, competencies["Communication"].pk
    _give(live, [RatingInput(lead, 2), RatingInput(comm, 3)], given_on=today - dt.timedelta(days=30))
    _give(live, [RatingInput(lead, 3)], given_on=today - dt.timedelta(days=15))
    _give(live, [RatingInput(lead, 4), RatingInput(comm, 2)], given_on=today)
    # when
    trend = trend_of(live.mentee, competency_feedback_list(mentorship=live.mentorship, viewer=live.mentee))
    # then one series per competency, in name order, with latest and change
    by_name = {s.name: s for s in trend.series}
    assert list(by_name) == ["Communication", "Leadership"]
    assert [p.rating for p in by_name["Leadership"].points] == [2, 3, 4]
    assert (by_name["Leadership"].latest.rating, by_name["Leadership"].change) == (4, 1)
    assert (by_name["Communication"].latest.rating, by_name["Communication"].change) == (2, -1)
    # and the table holds the same numbers, None where a competency was not rated
    assert [cells for _entry, cells in trend.table()] == [[3, 2], [None, 3], [2, 4]]


def test_trend_survives_a_removed_competency(
    live: Live, org: Organisation, competencies: dict[str, Competency]
) -> None:
    # given a rating on a competency the organisation later removes
    _give(live, [RatingInput(competencies["Adaptability"].pk, 4)])
    taxonomy_delete(organisation=org, kind="competency", item_id=competencies["Adaptability"].pk)
    # then the history keeps it under its old name
    trend = trend_of(live.mentee, competency_feedback_list(mentorship=live.mentorship, viewer=live.mentee))
    assert [(s.competency_id, s.name, s.latest.rating) for s in trend.series] == [(None, "Adaptability", 4)]
    assert trend.table()[0][1] == [4]
