"""The Feedback tab of a mentorship: the mentor's (or peer's) competency feedback form, and for
each person rated the trend chart, the latest ratings and the history.

Only the two sides see it: the tab opens for participants alone (program admins overseeing a
mentorship get a 404 here), and inside it each entry shows only to its author and subject.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tandem.errors import DomainError
from tandem.feedback.charts import trend_chart
from tandem.feedback.forms import CompetencyFeedbackForm
from tandem.feedback.models import RATING_LABELS
from tandem.feedback.selectors import competency_feedback_list, subjects_for
from tandem.feedback.services import OPEN_FOR_FEEDBACK, competency_feedback_give, local_today
from tandem.feedback.support import supported_members
from tandem.feedback.trends import trend_of
from tandem.mentorships.pages import relationship_page
from tandem.organisations.access import OrgRequest, org_view
from tandem.people.selectors import competency_list


@require_http_methods(["GET", "POST"])
@org_view()
def mentorship_feedback(request: OrgRequest, mentorship_id: int) -> HttpResponse:
    page = relationship_page(request, mentorship_id)
    mentorship, me = page.mentorship, request.membership
    supported = [m.membership for m in supported_members(mentorship, me)]
    can_give = bool(supported) and mentorship.status in OPEN_FOR_FEEDBACK
    form: CompetencyFeedbackForm | None = None
    competencies = list(competency_list(organisation=request.organisation)) if can_give else []
    if can_give and competencies:
        form = CompetencyFeedbackForm(
            request.POST or None, competencies=competencies, subjects=supported, today=local_today(me)
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("You cannot give competency feedback in this mentorship.")
        if form.is_valid():
            try:
                given = competency_feedback_give(
                    mentorship=mentorship,
                    by=me,
                    ratings=form.ratings(),
                    given_on=form.cleaned_data["given_on"],
                    comment=form.cleaned_data["comment"],
                    subject_id=form.cleaned_data.get("subject"),
                )
            except DomainError as exc:
                form.add_error(form.error_field(exc.field), exc.message)
            else:
                name = given.subject.user.full_name or given.subject.user.email
                messages.success(request, f"Your feedback is saved. {name} has been told.")
                return redirect(
                    "feedback:mentorship", org_slug=request.organisation.slug, mentorship_id=mentorship.pk
                )
    entries = list(competency_feedback_list(mentorship=mentorship, viewer=me))
    sections = []
    for subject in subjects_for(mentorship, me):
        trend = trend_of(subject, entries)
        name = subject.user.full_name or subject.user.email
        is_me = subject.pk == me.pk
        title = "Your competencies over time" if is_me else f"{name}’s competencies over time"
        sections.append(
            {
                "subject": subject,
                "is_me": is_me,
                "name": name,
                "title": title,
                "trend": trend,
                "chart": trend_chart(trend, title=title),
                "chart_id": f"trend-chart-{subject.pk}",
                "table": trend.table(),
                "history": list(reversed(trend.entries)),
            }
        )
    context: dict[str, Any] = {
        "form": form,
        "can_give": can_give,
        "no_competencies": can_give and not competencies,
        "sections": sections,
        "rating_labels": sorted(RATING_LABELS.items()),
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "feedback/mentorship.html", page.context(**context), status=status)
