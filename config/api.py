"""The JSON API: one NinjaAPI, one router per app, domain errors mapped to HTTP once."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from tandem.errors import DomainError

api = NinjaAPI(title="Tandem API", version="1.0.0", urls_namespace="api")


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    body: dict[str, object] = {"detail": exc.message}
    if exc.field:
        body["field"] = exc.field
    return api.create_response(request, body, status=exc.status_code)
