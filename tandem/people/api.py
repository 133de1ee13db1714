"""API operations for profiles, the people directory and the organisation's taxonomy.

Every organisation-scoped operation first resolves the caller's membership from the URL's slug
(`org_membership`: 404 for outsiders, 403 for members without the needed role); selectors then
scope every read by that organisation, so another tenant's ids are simply "not found".
"""

# No `from __future__ import annotations`: ninja reads these signatures at runtime.

import mimetypes
from collections.abc import Callable

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from django.utils.cache import patch_cache_control
from ninja import Query, Router, Status
from ninja.pagination import paginate

from tandem.api_pagination import Pagination
from tandem.organisations.api import MAX_PAGE_SIZE, org_membership
from tandem.organisations.models import Organisation, Role
from tandem.organisations.schemas import ObjectId
from tandem.people.errors import ProfileInvalid
from tandem.people.models import Language, Profile
from tandem.people.schemas import (
    CompletenessOut,
    DirectoryQuery,
    EditableTaxonomyKind,
    LanguageOut,
    ProfileCardOut,
    ProfileOut,
    ProfilePatchIn,
    TaxonomyItemIn,
    TaxonomyItemOut,
    TaxonomyItemPatchIn,
    TaxonomyKind,
    TaxonomyObject,
)
from tandem.people.selectors import (
    Completeness,
    career_level_list,
    competency_list,
    department_list,
    language_list,
    profile_completeness,
    profile_get,
    profile_list,
    profile_of_membership,
    profile_photo_get,
    skill_list,
    value_list,
)
from tandem.people.services import profile_update, taxonomy_create, taxonomy_delete, taxonomy_rename

router = Router(tags=["people"])

_TAXONOMY_SELECTORS: dict[str, Callable[..., QuerySet[TaxonomyObject]]] = {
    "skills": skill_list,
    "competencies": competency_list,
    "values": value_list,
    "departments": department_list,
    "career-levels": career_level_list,
}
# URL plural → the services' singular kind.
_SERVICE_KIND = {
    "skills": "skill",
    "competencies": "competency",
    "values": "value",
    "departments": "department",
}
# The services name fields as the UI's form does; API clients sent these names instead.
_API_FIELD = {
    "department": "department_id",
    "career_level": "career_level_id",
    "manager": "manager_membership_id",
    "values": "value_ids",
    "goal_skills": "goal_skill_ids",
}


@router.get("/languages", response=list[LanguageOut], summary="Languages a profile can list (ISO 639-1)")
def languages(request: HttpRequest) -> QuerySet[Language]:  # noqa: ARG001 (ninja signature)
    return language_list()


# --- profiles -----------------------------------------------------------------------------------


@router.get(
    "/orgs/{org_slug}/profiles",
    response=list[ProfileCardOut],
    summary="The people directory, filtered like the people page",
)
@paginate(Pagination, max_limit=MAX_PAGE_SIZE)
def profile_directory(
    request: HttpRequest, org_slug: str, filters: Query[DirectoryQuery]
) -> QuerySet[Profile]:
    caller = org_membership(request, org_slug)
    return profile_list(organisation=caller.organisation, filters=filters.to_filters())


@router.get("/orgs/{org_slug}/profiles/me", response=ProfileOut, summary="My profile in this organisation")
def my_profile(request: HttpRequest, org_slug: str) -> Profile:
    caller = org_membership(request, org_slug)
    return profile_of_membership(organisation=caller.organisation, membership_id=caller.pk)


@router.patch("/orgs/{org_slug}/profiles/me", response=ProfileOut, summary="Change some fields of my profile")
def my_profile_update(request: HttpRequest, org_slug: str, payload: ProfilePatchIn) -> Profile:
    caller = org_membership(request, org_slug)
    profile = profile_of_membership(organisation=caller.organisation, membership_id=caller.pk)
    try:
        profile_update(profile=profile, changes=payload.to_changes())
    except ProfileInvalid as exc:
        raise ProfileInvalid(exc.message, field=_API_FIELD.get(exc.field or "", exc.field)) from exc
    # Read it back: the update leaves some prefetched relations stale.
    return profile_of_membership(organisation=caller.organisation, membership_id=caller.pk)


@router.get(
    "/orgs/{org_slug}/profiles/me/completeness",
    response=CompletenessOut,
    summary="How complete my profile is, and what is missing",
)
def my_profile_completeness(request: HttpRequest, org_slug: str) -> Completeness:
    caller = org_membership(request, org_slug)
    profile = profile_of_membership(organisation=caller.organisation, membership_id=caller.pk)
    return profile_completeness(profile=profile)


@router.get("/orgs/{org_slug}/profiles/{profile_id}", response=ProfileOut, summary="One person's profile")
def profile_detail(request: HttpRequest, org_slug: str, profile_id: ObjectId) -> Profile:
    caller = org_membership(request, org_slug)
    return profile_get(organisation=caller.organisation, profile_id=profile_id)


@router.get(
    "/orgs/{org_slug}/profiles/{profile_id}/photo",
    response={200: None},
    url_name="profile_photo",
    summary="A profile's photo (the image itself)",
    openapi_extra={"responses": {200: {"description": "The image", "content": {"image/*": {}}}}},
)
def profile_photo(request: HttpRequest, org_slug: str, profile_id: ObjectId) -> FileResponse:
    caller = org_membership(request, org_slug)
    stored = profile_photo_get(organisation=caller.organisation, profile_id=profile_id)
    content_type = mimetypes.guess_type(stored.name or "")[0] or "application/octet-stream"
    response = FileResponse(stored.open("rb"), content_type=content_type)
    # Private to the organisation: a browser may cache it, a shared cache must not.
    patch_cache_control(response, private=True, max_age=86400)
    return response


# --- taxonomy -----------------------------------------------------------------------------------


def _taxonomy_admin(request: HttpRequest, org_slug: str) -> Organisation:
    return org_membership(request, org_slug, min_role=Role.ORG_ADMIN).organisation


@router.get(
    "/orgs/{org_slug}/taxonomy/{kind}",
    response=list[TaxonomyItemOut],
    summary="Skills, competencies, values, departments or career levels",
)
def taxonomy_list(request: HttpRequest, org_slug: str, kind: TaxonomyKind) -> QuerySet[TaxonomyObject]:
    caller = org_membership(request, org_slug)
    return _TAXONOMY_SELECTORS[kind](organisation=caller.organisation)


@router.post(
    "/orgs/{org_slug}/taxonomy/{kind}",
    response={201: TaxonomyItemOut},
    summary="Add a taxonomy item (org admins)",
)
def taxonomy_item_create(
    request: HttpRequest, org_slug: str, kind: EditableTaxonomyKind, payload: TaxonomyItemIn
) -> Status[TaxonomyObject]:
    organisation = _taxonomy_admin(request, org_slug)
    if payload.category.strip() and kind != "skills":
        raise ProfileInvalid("Only skills have a category.", field="category")
    item = taxonomy_create(
        organisation=organisation,
        kind=_SERVICE_KIND[kind],
        name=payload.name,
        description=payload.description,
        category=payload.category,
    )
    return Status(201, item)


@router.patch(
    "/orgs/{org_slug}/taxonomy/{kind}/{item_id}",
    response=TaxonomyItemOut,
    summary="Rename a taxonomy item (org admins)",
)
def taxonomy_item_rename(
    request: HttpRequest,
    org_slug: str,
    kind: EditableTaxonomyKind,
    item_id: ObjectId,
    payload: TaxonomyItemPatchIn,
) -> TaxonomyObject:
    organisation = _taxonomy_admin(request, org_slug)
    return taxonomy_rename(
        organisation=organisation,
        kind=_SERVICE_KIND[kind],
        item_id=item_id,
        name=payload.name,
        description=payload.description,
    )


@router.delete(
    "/orgs/{org_slug}/taxonomy/{kind}/{item_id}",
    response={204: None},
    summary="Delete a taxonomy item (org admins); profiles drop it",
)
def taxonomy_item_delete(
    request: HttpRequest, org_slug: str, kind: EditableTaxonomyKind, item_id: ObjectId
) -> Status[None]:
    organisation = _taxonomy_admin(request, org_slug)
    taxonomy_delete(organisation=organisation, kind=_SERVICE_KIND[kind], item_id=item_id)
    return Status(204, None)
