"""Base classes for domain errors. Each app defines its own in `<app>/errors.py`;
`config/api.py` maps them to HTTP once and views turn them into form errors."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was broken. `field` names the input at fault, when there is one."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The object does not exist *for this caller* — also used to hide other tenants' rows."""

    status_code = 404


class PermissionDenied(DomainError):
    status_code = 403


class Conflict(DomainError):
    status_code = 409
