"""Template helpers for people pages.

{% load people_ui %}
{% profile_photo_url profile organisation.slug as photo_url %}
{% avatar profile.membership.user.full_name photo=photo_url size="lg" %}
{{ profile_skill.level|skill_level_short }}   {{ profile.meeting_formats|meeting_format_labels }}
"""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.urls import reverse

from tandem.people.models import MeetingFormat, Profile

register = template.Library()

_LEVEL_SHORT = {1: "Working", 2: "Proficient", 3: "Advanced", 4: "Expert"}


@register.simple_tag
def profile_photo_url(profile: Profile, org_slug: str) -> str:
    """Where members of the organisation fetch this profile's photo ("" when there is none).

    Photos are served by a view that checks membership, never from a public media URL; the
    version parameter lets browsers cache a photo until it changes.
    """
    if not profile.photo:
        return ""
    url = reverse("people:photo", kwargs={"org_slug": org_slug, "profile_id": profile.pk})
    return f"{url}?v={int(profile.updated_at.timestamp())}"


@register.filter
def skill_level_short(level: int) -> str:
    return _LEVEL_SHORT.get(level, "")


@register.filter
def meeting_format_labels(formats: Iterable[str]) -> list[str]:
    labels = dict(MeetingFormat.choices)
    return [str(labels[f]) for f in formats if f in labels]
