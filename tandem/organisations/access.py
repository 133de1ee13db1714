"""Who may see an organisation's pages: resolves the URL's organisation for the signed-in
user once, so views never look tenants up themselves."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.organisations.errors import OrganisationNotFound
from tandem.organisations.models import Membership, Organisation, Role
from tandem.organisations.selectors import membership_for

P = ParamSpec("P")
CURRENT_ORG_SESSION_KEY = "current_org_slug"


class OrgRequest(HttpRequest):
    """A request whose organisation and caller's membership were resolved by `org_view`."""

    user: User
    membership: Membership
    organisation: Organisation


def org_view(
    min_role: str = Role.MEMBER,
) -> Callable[[Callable[Concatenate[OrgRequest, P], HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a view taking `org_slug`: sign-in required, active membership of at least
    `min_role` required, else 404 (the same answer whether or not the organisation exists)."""

    def decorator(view: Callable[Concatenate[OrgRequest, P], HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, org_slug: str, **kwargs: Any) -> HttpResponse:
            if not isinstance(request.user, User):  # login_required has let only real users through
                raise Http404
            try:
                membership = membership_for(user=request.user, org_slug=org_slug, min_role=min_role)
            except OrganisationNotFound as exc:
                raise Http404(exc.message) from exc
            org_request: OrgRequest = request  # type: ignore[assignment]
            org_request.membership = membership
            org_request.organisation = membership.organisation
            # Times on every page of the organisation read in the viewer's own time zone.
            timezone.activate(viewer_time_zone(membership))
            if request.session.get(CURRENT_ORG_SESSION_KEY) != org_slug:  # avoid a session write per request
                request.session[CURRENT_ORG_SESSION_KEY] = org_slug
            try:
                return view(org_request, *args, **kwargs)
            finally:
                timezone.deactivate()

        return wrapped

    return decorator


def viewer_time_zone(membership: Membership) -> zoneinfo.ZoneInfo:
    """The member's profile time zone (loaded with the membership), UTC when unset or unknown."""
    profile = getattr(membership, "profile", None)
    name = getattr(profile, "time_zone", "") or "UTC"
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")
