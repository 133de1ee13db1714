"""The Feedback tab: the mentor's form, the mentee's chart, and nobody else."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import login
from tandem.feedback.models import CompetencyFeedback
from tandem.feedback.services import RatingInput, competency_feedback_give
from tandem.mentorships.models import Mentorship
from tandem.organisations.models import Membership
from tandem.people.models import Competency
from tests.factories import make_member
from tests.relationship_setup import Live

pytestmark = pytest.mark.django_db


def _url(live: Live) -> str:
    return f"/o/{live.mentorship.organisation.slug}/mentorships/{live.mentorship.pk}/feedback/"


def _history(live: Live, competencies: dict[str, Competency]) -> None:
    Mentorship.objects.filter(pk=live.mentorship.pk).update(started_at=timezone.now() - dt.timedelta(days=90))
    live.mentorship.refresh_from_db()
    lead, comm = competencies["Leadership"].pk, competencies["Communication"].pk
    for days, (a, b) in ((60, (2, 3)), (30, (3, 3)), (1, (4, 2))):
        competency_feedback_give(
            mentorship=live.mentorship,
            by=live.mentor,
            ratings=[RatingInput(lead, a), RatingInput(comm, b)],
            given_on=timezone.localdate() - dt.timedelta(days=days),
        )


def test_feedback_tab_mentor_gives_feedback(
    client: Client, live: Live, competencies: dict[str, Competency]
) -> None:
    # given the mentor on the tab
    login(client, live.mentor)
    page = client.get(_url(live))
    assert page.status_code == 200
    assert b"Give competency feedback" in page.content
    # when they rate Leadership with a comment
    leadership = competencies["Leadership"].pk
    response = client.post(
        _url(live),
        {
            "given_on": timezone.localdate().isoformat(),
            f"rating_{leadership}": "4",
            f"note_{leadership}": "Led the planning",
            "comment": "Great progress",
        },
    )
    # then it is saved and the page redirects back
    assert response.status_code == 302
    assert response["Location"] == _url(live)
    feedback = CompetencyFeedback.objects.get()
    assert (feedback.subject, feedback.comment) == (live.mentee, "Great progress")
    assert list(feedback.ratings.values_list("rating", "comment")) == [(4, "Led the planning")]


def test_feedback_tab_form_errors_are_shown(
    client: Client, live: Live, competencies: dict[str, Competency]
) -> None:
    login(client, live.mentor)
    tomorrow = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    leadership = competencies["Leadership"].pk
    nothing = client.post(_url(live), {"given_on": timezone.localdate().isoformat()})
    assert nothing.status_code == 400
    assert "Rate at least one competency." in nothing.content.decode()
    future = client.post(_url(live), {"given_on": tomorrow, f"rating_{leadership}": "3"})
    assert future.status_code == 400
    assert "The date cannot be in the future." in future.content.decode()
    bad = client.post(_url(live), {"given_on": timezone.localdate().isoformat(), f"rating_{leadership}": "9"})
    assert bad.status_code == 400
    assert not CompetencyFeedback.objects.exists()


def test_feedback_tab_mentee_sees_the_chart_and_the_numbers(
    client: Client, live: Live, competencies: dict[str, Competency]
) -> None:
    # given three entries
    _history(live, competencies)
    # when the mentee opens the tab
    login(client, live.mentee)
    html = client.get(_url(live)).content.decode()
    # then an accessible SVG chart with one line per competency, the latest ratings and the table
    assert 'role="img"' in html
    assert "<title id=" in html
    assert "<desc id=" in html
    assert html.count("<polyline") == 2
    assert html.count("<circle") >= 6
    assert "Leadership, " in html
    assert ": 4 out of 5" in html
    assert "↑ up 1" in html  # Leadership 3 → 4
    assert "↓ down 1" in html  # Communication 3 → 2
    assert "All ratings as a table" in html
    # and no form for the mentee, no inline styles anywhere (strict CSP)
    assert "Give competency feedback" not in html
    assert not re.search(r"\sstyle=", html)
    assert "<script>" not in html


def test_feedback_tab_mentee_cannot_post(
    client: Client, live: Live, competencies: dict[str, Competency]
) -> None:
    login(client, live.mentee)
    leadership = competencies["Leadership"].pk
    response = client.post(
        _url(live), {"given_on": timezone.localdate().isoformat(), f"rating_{leadership}": "5"}
    )
    assert response.status_code == 403
    assert not CompetencyFeedback.objects.exists()


def test_feedback_tab_hidden_from_others(
    client: Client,
    live: Live,
    program_admin: Membership,
    outsider: Membership,
    competencies: dict[str, Competency],
) -> None:
    _history(live, competencies)
    for who in (make_member(live.mentorship.organisation), program_admin):
        login(client, who)
        assert client.get(_url(live)).status_code == 404
        client.logout()
    login(client, outsider)
    assert client.get(_url(live)).status_code == 404


@pytest.mark.parametrize("entries", [2, 10])
def test_feedback_tab_query_count_does_not_grow(
    client: Client,
    live: Live,
    competencies: dict[str, Competency],
    entries: int,
    django_assert_num_queries: Any,
) -> None:
    Mentorship.objects.filter(pk=live.mentorship.pk).update(started_at=timezone.now() - dt.timedelta(days=30))
    live.mentorship.refresh_from_db()
    for i in range(entries):
        competency_feedback_give(
            mentorship=live.mentorship,
            by=live.mentor,
            ratings=[
                RatingInput(c.pk, 1 + (i + n) % 5) for n, c in enumerate(list(competencies.values())[:3])
            ],
            given_on=timezone.localdate() - dt.timedelta(days=entries - i),
        )
    login(client, live.mentor)
    client.get(_url(live))  # warm the session
    with django_assert_num_queries(10):
        assert client.get(_url(live)).status_code == 200
