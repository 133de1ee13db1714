"""Template helpers for the shared UI components documented at the top of tandem.css.

{% load tandem_ui %}
{% avatar profile.membership.user.full_name photo=profile.photo size="lg" %}
{{ user.full_name|initials }}
{% org_url "people:directory" organisation.slug as directory_url %}
"""

from __future__ import annotations

import hashlib
from typing import Any

from django import template

from tandem.web.context_processors import org_url as _org_url

register = template.Library()

AVATAR_TONES = 8
AVATAR_SIZES = frozenset({"sm", "md", "lg", "xl"})


@register.filter
def initials(name: str | None) -> str:
    """Up to two initials: first and last word ("Ada Lovelace" → "AL"); "?" for no name."""
    words = [w for w in (name or "").replace("@", " ").split() if w[:1].isalnum()]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][0].upper()
    return (words[0][0] + words[-1][0]).upper()


def avatar_tone(name: str | None) -> int:
    """A stable colour for a name, so a person keeps the same avatar everywhere."""
    digest = hashlib.sha256((name or "").strip().lower().encode()).digest()
    return digest[0] % AVATAR_TONES


@register.inclusion_tag("web/components/avatar.html")
def avatar(name: str | None, photo: Any = None, size: str = "md") -> dict[str, Any]:
    """A round photo, or the person's initials on a stable colour when there is none.

    `photo` may be an ImageField file, a URL string or empty.
    """
    url = ""
    if photo:
        url = photo if isinstance(photo, str) else getattr(photo, "url", "")
    return {
        "name": name or "",
        "url": url,
        "initials": initials(name),
        "tone": avatar_tone(name),
        "size": size if size in AVATAR_SIZES else "md",
    }


@register.simple_tag
def org_url(name: str, org_slug: str) -> str:
    """Reverse an organisation page by URL name, or "" while it does not exist."""
    return _org_url(name, org_slug)
