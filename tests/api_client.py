"""Test helpers for the JSON API: clients that authenticate with a real personal token."""

from __future__ import annotations

from django.test import Client

from tandem.accounts.models import User
from tandem.accounts.services import api_token_create
from tandem.organisations.models import Membership


def token_for(who: Membership | User) -> str:
    user = who.user if isinstance(who, Membership) else who
    _token, raw = api_token_create(user=user, name="tests")
    return raw


def api_client(who: Membership | User) -> Client:
    """A client sending `Authorization: Bearer <a fresh token of who>` on every request (no session)."""
    return Client(headers={"authorization": f"Bearer {token_for(who)}"})
