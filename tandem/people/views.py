"""People pages: the directory, profiles, and editing one's own profile and photo."""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.organisations.access import OrgRequest, org_view
from tandem.people.errors import ProfileInvalid, ProfileNotFound
from tandem.people.forms import DirectoryFilterForm, PhotoForm, ProfileForm
from tandem.people.models import Profile
from tandem.people.selectors import (
    profile_completeness,
    profile_get,
    profile_list,
    profile_of_membership,
    profile_photo_get,
)
from tandem.people.services import profile_set_photo, profile_update


def _is_htmx_fragment(request: OrgRequest) -> bool:
    # A history restore after a cache miss needs the whole page, not the fragment.
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def _own_profile(request: OrgRequest) -> Profile:
    try:
        return profile_of_membership(organisation=request.organisation, membership_id=request.membership.pk)
    except ProfileNotFound as exc:
        raise Http404(exc.message) from exc


@require_GET
@org_view()
def directory(request: OrgRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET, organisation=request.organisation)
    form.is_valid()  # invalid filters are dropped (and named), never an error page
    people = profile_list(organisation=request.organisation, filters=form.filters())
    page = Paginator(people, settings.DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number),
        "ignored": form.ignored(),
    }
    template = "people/directory.html#results" if _is_htmx_fragment(request) else "people/directory.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@org_view()
def detail(request: OrgRequest, profile_id: int) -> HttpResponse:
    try:
        profile = profile_get(organisation=request.organisation, profile_id=profile_id)
    except ProfileNotFound as exc:
        raise Http404(exc.message) from exc
    if profile.membership_id == request.membership.pk:
        return redirect("people:me", org_slug=request.organisation.slug)
    return render(request, "people/detail.html", _profile_context(request, profile))


@require_GET
@org_view()
def me(request: OrgRequest) -> HttpResponse:
    profile = _own_profile(request)
    context = _profile_context(request, profile)
    context["completeness"] = profile_completeness(profile=profile)
    return render(request, "people/detail.html", context)


def _profile_context(request: OrgRequest, profile: Profile) -> dict[str, object]:
    manager_profile = None
    if profile.manager_id is not None:
        try:
            manager_profile = profile_of_membership(
                organisation=request.organisation, membership_id=profile.manager_id
            )
        except ProfileNotFound:
            manager_profile = None  # a deactivated manager is named but not linked
    return {
        "profile": profile,
        "manager_profile": manager_profile,
        "is_me": profile.membership_id == request.membership.pk,
    }


@require_http_methods(["GET", "POST"])
@org_view()
def edit(request: OrgRequest) -> HttpResponse:
    profile = _own_profile(request)
    if request.method == "POST":
        form = ProfileForm(request.POST, profile=profile)
        if form.is_valid():
            try:
                profile_update(profile=profile, changes=form.changes())
            except ProfileInvalid as exc:
                form.add_error(form.error_field(exc.field), exc.message)
                # The update rolled back, but it may have touched the instance in memory.
                profile = _own_profile(request)
            else:
                messages.success(request, "Your profile is saved.")
                return redirect("people:me", org_slug=request.organisation.slug)
    else:
        form = ProfileForm(profile=profile)
    return _render_edit(request, profile, form, PhotoForm())


def _render_edit(
    request: OrgRequest, profile: Profile, form: ProfileForm, photo_form: PhotoForm
) -> HttpResponse:
    context = {"profile": profile, "form": form, "photo_form": photo_form}
    return render(request, "people/edit.html", context)


@require_POST
@org_view()
def photo_update(request: OrgRequest) -> HttpResponse:
    profile = _own_profile(request)
    photo_form = PhotoForm(request.POST, request.FILES)
    if not photo_form.is_valid():
        return _render_edit(request, profile, ProfileForm(profile=profile), photo_form)
    photo = photo_form.cleaned_data["photo"]
    if photo is not None:
        profile_set_photo(profile=profile, photo=photo)
        messages.success(request, "Your photo is updated.")
    else:
        profile_set_photo(profile=profile, photo=None)
        messages.success(request, "Your photo is removed.")
    return redirect("people:edit", org_slug=request.organisation.slug)


@require_GET
@org_view()
def photo(request: OrgRequest, profile_id: int) -> HttpResponse:
    """Serve a profile photo to members of the same organisation only (never from a public URL)."""
    try:
        stored = profile_photo_get(organisation=request.organisation, profile_id=profile_id)
    except ProfileNotFound as exc:
        raise Http404(exc.message) from exc
    content_type = mimetypes.guess_type(stored.name or "")[0] or "application/octet-stream"
    with stored.open("rb") as photo_file:  # at most 2 MB, checked on upload
        response = HttpResponse(photo_file.read(), content_type=content_type)
    # URLs carry a version (?v=), so a private cache can keep them; shared caches must not.
    patch_cache_control(response, private=True, max_age=86400)
    return response
