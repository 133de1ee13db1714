"""{% load meetings_ui %} — small helpers for meeting pages."""

from __future__ import annotations

from django import template

register = template.Library()

_TONES = {"scheduled": "info", "held": "success", "cancelled": "muted", "no_show": "warning"}


@register.filter
def meeting_tone(status: str) -> str:
    """The .badge--… modifier for a meeting's status."""
    return _TONES.get(status, "muted")


@register.filter
def stars(rating: int | None) -> str:
    """ "★★★★☆" for 4 out of 5 (decorative; pair it with the number for screen readers)."""
    if not rating:
        return ""
    return "★" * int(rating) + "☆" * (5 - int(rating))
