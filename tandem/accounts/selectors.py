"""Reads for accounts."""

from __future__ import annotations

from django.db.models import QuerySet

from tandem.accounts.models import ApiToken, User


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at")


def user_exists_with_email(*, email: str) -> bool:
    return User.objects.filter(email=email.strip().lower()).exists()
