"""What every page's header needs: the current organisation, the others the user can switch to,
and the navigation links their role allows. Computed lazily, so pages that never render the
header (error pages, JSON) cost no queries, and pages that do cost one."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from tandem.accounts.models import User
from tandem.organisations.access import CURRENT_ORG_SESSION_KEY
from tandem.organisations.models import Membership, Organisation
from tandem.organisations.selectors import memberships_of


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    active: bool


# (label, URL name, URL names that mark the link as the current section)
_MEMBER_LINKS: list[tuple[str, str, frozenset[str]]] = [
    ("Home", "web:dashboard", frozenset({"web:dashboard"})),
    (
        "Programs",
        "programs:list",
        frozenset(
            {
                "programs:list",
                "programs:create",
                "programs:detail",
                "programs:edit",
                "programs:questions",
                "programs:enrolments",
                "matching:rounds",
                "matching:round",
                "matching:swap",
                "mentorships:recommendations",
                "mentorships:request_new",
            }
        ),
    ),
    ("Mentorships", "mentorships:list", frozenset({"mentorships:list", "mentorships:detail"})),
    ("Requests", "mentorships:requests", frozenset({"mentorships:requests"})),
    ("People", "people:directory", frozenset({"people:directory", "people:detail", "people:profile"})),
    ("My profile", "people:me", frozenset({"people:me", "people:edit"})),
]
_ADMIN_LINKS: list[tuple[str, str, frozenset[str]]] = [
    ("Members", "organisations:members", frozenset({"organisations:members"})),
    ("Taxonomy", "organisations:taxonomy", frozenset({"organisations:taxonomy"})),
    ("Import people", "organisations:import_people", frozenset({"organisations:import_people"})),
]


def org_url(name: str, org_slug: str) -> str:
    """The URL of an organisation page, or "" while that page does not exist (yet)."""
    try:
        return reverse(name, kwargs={"org_slug": org_slug})
    except NoReverseMatch:
        return ""


class Navigation:
    def __init__(self, request: HttpRequest) -> None:
        self._request = request
        match = getattr(request, "resolver_match", None)
        self._view_name = match.view_name if match is not None else ""

    @cached_property
    def user(self) -> User | None:
        user = getattr(self._request, "user", None)
        return user if isinstance(user, User) and user.is_authenticated else None

    @cached_property
    def memberships(self) -> list[Membership]:
        if self.user is None:
            return []
        return list(memberships_of(user=self.user))

    @cached_property
    def current(self) -> Membership | None:
        """The membership of the organisation being viewed, else the last one visited, else the first."""
        resolved = getattr(self._request, "membership", None)
        if isinstance(resolved, Membership):
            return resolved
        memberships = self.memberships
        if not memberships:
            return None
        slug = (
            self._request.session.get(CURRENT_ORG_SESSION_KEY) if hasattr(self._request, "session") else None
        )
        return next((m for m in memberships if m.organisation.slug == slug), memberships[0])

    @property
    def organisation(self) -> Organisation | None:
        return self.current.organisation if self.current is not None else None

    @cached_property
    def other_memberships(self) -> list[Membership]:
        current = self.current
        return [
            m for m in self.memberships if current is None or m.organisation_id != current.organisation_id
        ]

    def _links(self, spec: list[tuple[str, str, frozenset[str]]]) -> list[NavLink]:
        if self.organisation is None:
            return []
        links = []
        for label, name, section in spec:
            url = org_url(name, self.organisation.slug)
            if url:
                links.append(NavLink(label=label, url=url, active=self._view_name in section))
        return links

    @cached_property
    def links(self) -> list[NavLink]:
        return self._links(_MEMBER_LINKS)

    @cached_property
    def admin_links(self) -> list[NavLink]:
        if self.current is None or not self.current.is_org_admin:
            return []
        return self._links(_ADMIN_LINKS)

    @cached_property
    def admin_active(self) -> bool:
        return any(link.active for link in self.admin_links)


def navigation(request: HttpRequest) -> dict[str, Navigation]:
    return {"nav": Navigation(request)}
