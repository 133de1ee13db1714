"""{% load relationship_ui %} — the tabs of a mentorship's pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from tandem.mentorships.pages import TABS

register = template.Library()


@register.inclusion_tag("mentorships/_tabs.html", takes_context=True)
def relationship_tabs(context: dict[str, Any], org_slug: str, mentorship_id: int) -> dict[str, Any]:
    """One link per tab page the viewer may open; the current page is marked."""
    request = context["request"]
    current = request.resolver_match.view_name if request.resolver_match else ""
    overseeing = bool(context.get("overseeing"))
    tabs = []
    for name, label, open_to_admins in TABS:
        if overseeing and not open_to_admins:
            continue
        try:
            url = reverse(name, kwargs={"org_slug": org_slug, "mentorship_id": mentorship_id})
        except NoReverseMatch:
            continue
        # A tab stays current on its sub-pages (meetings:… under the Meetings tab); the
        # mentorships app's own sub-pages (end early, concern, re-match) belong to Overview.
        active = current.split(":")[0] == name.split(":")[0]
        tabs.append({"url": url, "label": label, "active": active})
    return {"tabs": tabs}
