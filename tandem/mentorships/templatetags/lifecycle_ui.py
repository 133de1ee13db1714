"""{% load lifecycle_ui %} — the "Manage this mentorship" panel of the Overview tab.

The Overview view (views.mentorship_detail) renders only the relationship frame's context; this
tag adds what the panel needs from the lifecycle selectors, for the signed-in viewer.
"""

from __future__ import annotations

from typing import Any

from django import template

from tandem.mentorships.forms import PauseForm
from tandem.mentorships.models import MentorshipStatus
from tandem.mentorships.selectors_lifecycle import (
    came_from_rematch,
    concern_list,
    mentee_current_mentorship,
    mentorship_events,
    rematch_mentee,
    rematch_origin,
    rematches_of,
)
from tandem.organisations.access import viewer_time_zone

register = template.Library()

LIVE = {MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED}


@register.inclusion_tag("mentorships/_lifecycle.html", takes_context=True)
def lifecycle_panel(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    mentorship = context["mentorship"]
    viewer = request.membership
    me = context.get("me")
    mentee = rematch_mentee(mentorship=mentorship, viewer=viewer) if me is not None else None
    matched_again = mentee_current_mentorship(mentee=mentee) if mentee is not None else None
    return {
        "request": request,
        "mentorship": mentorship,
        "me": me,
        "overseeing": context.get("overseeing"),
        "live": mentorship.status in LIVE,
        "events": mentorship_events(mentorship=mentorship, viewer=viewer),
        "my_concerns": list(
            concern_list(
                organisation=request.organisation, viewer=viewer, mentorship_id=mentorship.pk
            ).filter(raised_by=viewer)
        )
        if me is not None
        else [],
        "pause_form": PauseForm(),
        "can_rematch": mentee is not None and matched_again is None,
        "matched_again": matched_again,
        "picks": rematches_of(mentorship=mentorship, viewer=viewer) if mentee is not None else [],
        "origin": rematch_origin(mentorship=mentorship, viewer=viewer) if me is not None else None,
        "from_rematch": came_from_rematch(mentorship=mentorship) if context.get("overseeing") else False,
        "csrf_token": context.get("csrf_token"),
        "tz": viewer_time_zone(viewer).key,
    }
