"""Rate limiting of failed sign-ins, in the cache (shared by all processes when Redis is used).

Two fixed-window counters per failure: one for the email address tried (stops guessing one
account's password from many places) and one for the client address (stops trying many accounts
from one place). The address limit is a multiple of the email limit so that colleagues behind one
office NAT don't lock each other out. A successful sign-in clears the email counter only —
otherwise an attacker could reset their address counter by signing in to an account of their own.
"""

from __future__ import annotations

import hashlib
import math

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def _email_key(email: str) -> str:
    # Hashed: cache keys must be short and free of the characters an email may contain.
    return "login-fail:email:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()


def _address_key(address: str) -> str:
    return "login-fail:addr:" + hashlib.sha256(address.encode()).hexdigest()


def client_address(request: HttpRequest) -> str:
    """The peer address. Deployments behind a proxy must have it set REMOTE_ADDR (a forwarded
    header is never trusted here, since any client can send one)."""
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")


def _limits() -> tuple[int, int]:
    email_limit = int(settings.LOGIN_FAILURE_LIMIT)
    address_limit = int(settings.LOGIN_FAILURE_ADDRESS_LIMIT)
    return email_limit, address_limit


def login_is_blocked(*, email: str, address: str) -> bool:
    """True when either counter has reached its limit within the current window."""
    email_limit, address_limit = _limits()
    counts = cache.get_many([_email_key(email), _address_key(address)])
    return (
        int(counts.get(_email_key(email), 0)) >= email_limit
        or int(counts.get(_address_key(address), 0)) >= address_limit
    )


def login_failure_record(*, email: str, address: str) -> None:
    """Count one failed attempt against the email and the address. The window starts at the
    first failure and is not extended by later ones."""
    window = int(settings.LOGIN_FAILURE_WINDOW_SECONDS)
    for key in (_email_key(email), _address_key(address)):
        # add() is a no-op when the key exists, so the expiry set by the first failure stands;
        # incr() is atomic on shared caches, so concurrent failures are all counted.
        cache.add(key, 0, timeout=window)
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=window)


def login_failures_reset(*, email: str) -> None:
    cache.delete(_email_key(email))


def login_block_minutes() -> int:
    """The longest a blocked person may have to wait, for the message we show."""
    return max(1, math.ceil(int(settings.LOGIN_FAILURE_WINDOW_SECONDS) / 60))
