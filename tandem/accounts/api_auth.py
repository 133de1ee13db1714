"""How API callers prove who they are: a personal token (`Authorization: Bearer tdm_…`) or,
for the browser UI, the Django session with its CSRF protection."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from tandem.accounts.models import User
from tandem.accounts.services import api_token_authenticate


class ApiTokenAuth(HttpBearer):
    """A personal API token in the `Authorization: Bearer` header."""

    def authenticate(self, request: HttpRequest, token: str) -> User:  # noqa: ARG002 (ninja signature)
        user = api_token_authenticate(raw=token.strip())
        if user is None:
            # A client that presents a token means to be that token's user: a bad or revoked one
            # is refused outright rather than quietly falling back to a session cookie.
            raise AuthenticationError(message="Invalid or revoked API token.")
        return user


class BrowserSessionAuth(SessionAuth):
    """The signed-in Django session, with CSRF enforced on unsafe methods.

    Ninja's SessionAuth checks CSRF before it knows whether anyone is signed in, so an anonymous
    POST would get 403 "CSRF check failed". Anonymous callers are simply not authenticated
    here (→ 401); CSRF is still checked for every session-authenticated request.
    """

    def __call__(self, request: HttpRequest) -> User | None:
        if not request.user.is_authenticated:
            return None
        result = super().__call__(request)
        return result if isinstance(result, User) else None


def api_user(request: HttpRequest) -> User:
    """The authenticated caller. Always read this, never `request.user`: with a token the
    session user (if any) is not the caller."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):  # every operation requires auth, so this is a wiring bug
        raise AuthenticationError()
    return user
