"""What every page's header needs: the current organisation, the others the user can switch to,
and the navigation links their role allows. Computed lazily, so pages that never render the
header (error pages, JSON) cost no queries, and pages that do cost one."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from tandem.accounts.models import User
from tandem.notifications.selectors import notification_unread_count
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
    # A namespace ("meetings:") marks every page of that app: a mentorship's tabs.
    (
        "Mentorships",
        "mentorships:list",
        frozenset(
            {
                "mentorships:list",
                "mentorships:detail",
                "mentorships:end",
                "mentorships:complete",
                "mentorships:concern_new",
                "mentorships:rematch",
                "mentorships:rematch_choose",
                "agreements:",
                "meetings:",
                "goals:",
                "feedback:",
                "health:mentorship",
                "advancement:mentorship",
                "advancement:endorse",
                "advancement:endorsement_edit",
                "advancement:endorsement_withdraw",
                "advancement:endorsement_sharing",
                "advancement:introduce",
                "advancement:introduction_note",
            }
        ),
    ),
    ("Requests", "mentorships:requests", frozenset({"mentorships:requests"})),
    ("Introductions", "advancement:introductions", frozenset({"advancement:introductions"})),
    ("People", "people:directory", frozenset({"people:directory", "people:detail", "people:profile"})),
    ("My profile", "people:me", frozenset({"people:me", "people:edit"})),
]
_NOTIFICATION_PAGES = frozenset({"notifications:list", "notifications:preferences", "notifications:read"})
_ADMIN_LINKS: list[tuple[str, str, frozenset[str]]] = [
    ("Members", "organisations:members", frozenset({"organisations:members"})),
    ("Taxonomy", "organisations:taxonomy", frozenset({"organisations:taxonomy"})),
    ("Import people", "organisations:import_people", frozenset({"organisations:import_people"})),
]
# For program admins (and org admins, who are program admins too).
_PROGRAM_ADMIN_LINKS: list[tuple[str, str, frozenset[str]]] = [
    ("Needs attention", "health:attention", frozenset({"health:attention"})),
    ("Concerns", "mentorships:concerns", frozenset({"mentorships:concerns"})),
    ("Session ratings", "meetings:ratings", frozenset({"meetings:ratings"})),
    (
        "Shared endorsements",
        "advancement:shared_endorsements",
        frozenset({"advancement:shared_endorsements"}),
    ),
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
                links.append(NavLink(label=label, url=url, active=self._is_in(section)))
        return links

    @cached_property
    def _named_exactly(self) -> bool:
        """Some link names this page itself; then a namespace ("meetings:") does not claim it."""
        specs = (*_MEMBER_LINKS, *_PROGRAM_ADMIN_LINKS, *_ADMIN_LINKS)
        return any(self._view_name in section for _label, _name, section in specs)

    def _is_in(self, section: frozenset[str]) -> bool:
        if self._view_name in section:
            return True
        namespace = self._view_name.partition(":")[0] + ":"
        return not self._named_exactly and namespace in section

    @cached_property
    def links(self) -> list[NavLink]:
        return self._links(_MEMBER_LINKS)

    @cached_property
    def admin_links(self) -> list[NavLink]:
        if self.current is None or not self.current.is_program_admin:
            return []
        links = self._links(_PROGRAM_ADMIN_LINKS)
        if self.current.is_org_admin:
            links += self._links(_ADMIN_LINKS)
        return links

    @cached_property
    def notifications_url(self) -> str:
        return org_url("notifications:list", self.organisation.slug) if self.organisation is not None else ""

    @property
    def notifications_active(self) -> bool:
        return self._view_name in _NOTIFICATION_PAGES

    @cached_property
    def unread_notifications(self) -> int:
        """The signed-in member's unread notifications in the current organisation (one query)."""
        known = getattr(self._request, "notifications_unread", None)  # counted by the page itself
        if isinstance(known, int):
            return known
        current = self.current
        if current is None or not current.is_active:
            return 0
        return notification_unread_count(organisation=current.organisation_id, viewer=current)

    @cached_property
    def admin_active(self) -> bool:
        return any(link.active for link in self.admin_links)


def navigation(request: HttpRequest) -> dict[str, Navigation]:
    return {"nav": Navigation(request)}
