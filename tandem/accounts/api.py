"""API operations about the caller themself."""

# No `from __future__ import annotations`: ninja reads these signatures at runtime.

from django.http import HttpRequest
from ninja import Router

from tandem.accounts.api_auth import api_user
from tandem.accounts.schemas import MeOut
from tandem.organisations.selectors import memberships_of

router = Router(tags=["me"])


@router.get("/me", response=MeOut, summary="The caller and the organisations they belong to")
def me(request: HttpRequest) -> dict[str, object]:
    user = api_user(request)
    return {"user": user, "memberships": list(memberships_of(user=user))}
