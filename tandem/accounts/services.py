"""Writes for accounts: personal API tokens."""

from __future__ import annotations

import secrets

from django.utils import timezone

from tandem.accounts.errors import AccountInvalid, TokenNotFound
from tandem.accounts.models import ApiToken, User, hash_token

TOKEN_PREFIX = "tdm_"  # noqa: S105 - a public marker, not a secret


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; returns it and the raw secret, which is shown once and never stored."""
    name = name.strip()
    if not name:
        raise AccountInvalid("Give the token a name, e.g. “reporting script”.", field="name")
    if len(name) > 100:
        raise AccountInvalid("Token names are at most 100 characters.", field="name")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:10], key_hash=hash_token(raw))
    return token, raw


def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).first()
    if token is None:
        raise TokenNotFound("No such active token.")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(*, raw: str) -> User | None:
    """The active user behind a raw token, or None. Records when the token was last used."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Writing on every request would serialise API traffic on one row; a minute's precision is enough.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
