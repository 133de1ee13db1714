"""The JSON API: one NinjaAPI, one router per app, errors mapped to HTTP once.

Callers authenticate with a personal token (`Authorization: Bearer tdm_…`) or the browser's
session (CSRF enforced on unsafe methods). Every error body has a human-readable `detail`;
domain errors add the `field` at fault, validation errors list each bad field under `errors`.

Docs at /api/docs are ninja's bundled Swagger UI, served from our own static files (ninja is in
INSTALLED_APPS, so it renders `ninja/swagger.html`, not the CDN template): it works offline
and within our 'self'-only Content-Security-Policy.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Router, Swagger
from ninja.errors import AuthenticationError, ValidationError

from tandem.accounts.api import router as accounts_router
from tandem.accounts.api_auth import ApiTokenAuth, BrowserSessionAuth
from tandem.advancement.api import router as advancement_router
from tandem.agreements.api import router as agreements_router
from tandem.errors import DomainError
from tandem.feedback.api import router as feedback_router
from tandem.goals.api import router as goals_router
from tandem.health.api import router as health_router
from tandem.matching.api import router as matching_router
from tandem.meetings.api import router as meetings_router
from tandem.mentorships.api import router as mentorships_router
from tandem.notifications.api import router as notifications_router
from tandem.organisations.api import router as organisations_router
from tandem.people.api import router as people_router
from tandem.programs.api import router as programs_router

api = NinjaAPI(
    title="Tandem API",
    version="1.0.0",
    description=(
        "Tandem's JSON API. Authenticate with a personal API token "
        "(`Authorization: Bearer tdm_…`; create one at /accounts/tokens/) or a signed-in browser session."
    ),
    urls_namespace="api",
    auth=[ApiTokenAuth(), BrowserSessionAuth()],
    # Swagger UI would otherwise ask validator.swagger.io to check the schema: no third-party calls.
    docs=Swagger(settings={"validatorUrl": None}),
)
api.add_router("/", accounts_router)
api.add_router("/orgs", organisations_router)
api.add_router("/", people_router)
api.add_router("/", programs_router)
api.add_router("/", matching_router)
api.add_router("/", mentorships_router)
api.add_router("/", notifications_router)
api.add_router("/", agreements_router)
api.add_router("/", goals_router)
api.add_router("/", meetings_router)
api.add_router("/", feedback_router)
api.add_router("/", advancement_router)
api.add_router("/", health_router)

# Last, so it only catches what no operation matched: unknown /api/ paths answer in JSON too.
fallback_router = Router()


@fallback_router.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:path}", auth=None, include_in_schema=False
)
def unknown_endpoint(request: HttpRequest, path: str) -> HttpResponse:  # noqa: ARG001 (ninja signature)
    raise Http404(path)


api.add_router("/", fallback_router)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = exc.message
    if detail == AuthenticationError().message:  # ninja's bare "Unauthorized": say how to get in
        detail = "Authentication required: send `Authorization: Bearer <API token>` or sign in."
    response = api.create_response(request, {"detail": detail}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, _exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    body: dict[str, object] = {"detail": exc.message}
    if exc.field:
        body["field"] = exc.field
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """422 with one entry per bad input, named as the client wrote it: `body.email`, `query.limit`."""
    errors = [
        {"field": _field_name(error.get("loc", ())), "message": error.get("msg", "")} for error in exc.errors
    ]
    names = ", ".join(dict.fromkeys(e["field"] for e in errors))
    return api.create_response(request, {"detail": f"Invalid input: {names}.", "errors": errors}, status=422)


def _field_name(loc: tuple[object, ...] | list[object]) -> str:
    parts = [str(part) for part in loc]
    # Ninja nests a JSON body under the operation's parameter name (`body.payload.email`);
    # clients never see that name, so drop it.
    if len(parts) >= 2 and parts[0] == "body":
        del parts[1]
    return ".".join(parts)
