"""Template helpers for programs, match rounds, requests and mentorships.

{% load matching_ui %}
{{ proposal.score|fit }}                     0.8234 → "82%"
{{ program.status|tone:"program" }}          the .badge--… modifier for a status
{{ hours|response_time }}                    5.5 → "about 6 hours", 50 → "about 2 days"
{{ row.contribution|share:proposal.score }}  a criterion's share of the score, 0–100
"""

from __future__ import annotations

from django import template

register = template.Library()

_TONES: dict[str, dict[str, str]] = {
    "program": {
        "draft": "muted",
        "open": "info",
        "matching": "warning",
        "in_progress": "success",
        "completed": "muted",
        "cancelled": "danger",
    },
    "enrolment": {
        "pending_approval": "warning",
        "active": "success",
        "paused": "muted",
        "withdrawn": "muted",
        "declined": "danger",
    },
    "round": {
        "queued": "info",
        "running": "info",
        "draft": "warning",
        "published": "success",
        "discarded": "muted",
        "failed": "danger",
    },
    "request": {
        "pending": "warning",
        "accepted": "success",
        "declined": "danger",
        "withdrawn": "muted",
        "expired": "muted",
        "invalidated": "muted",
    },
    "mentorship": {
        "proposed": "info",
        "active": "success",
        "paused": "muted",
        "completed": "muted",
        "ended_early": "danger",
        "declined": "danger",
    },
}


@register.filter
def tone(status: str, kind: str) -> str:
    """The badge modifier for a status of a kind of object ("muted" when unknown)."""
    return _TONES.get(kind, {}).get(status, "muted")


@register.filter
def fit(score: float | None) -> str:
    """A score in [0, 1] as a whole percentage; "—" when there is none."""
    if score is None:
        return "—"
    return f"{round(float(score) * 100)}%"


@register.filter
def small_share(value: float | None) -> str:
    """A small share as a percentage with two significant digits ("0.053%", "1.2e-05%")."""
    if value is None:
        return "—"
    percent = float(value) * 100
    return f"{percent:.2g}%" if percent >= 1e-3 else f"{percent:.1e}%"


@register.filter
def share(contribution: float | None, score: float | None) -> int:
    """A criterion's share of a pair's score, 0–100 (the contributions sum to the score)."""
    if not contribution or not score:
        return 0
    return max(0, min(100, round(100 * float(contribution) / float(score))))


@register.filter
def response_time(hours: float | None) -> str:
    """Median response time in words; "" when the mentor has not answered a request yet."""
    if hours is None:
        return ""
    if hours < 1:
        return "within an hour"
    if hours < 36:
        n = round(hours)
        return f"about {n} hour{'s' if n != 1 else ''}"
    days = round(hours / 24)
    return f"about {days} days"
