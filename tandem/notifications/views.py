"""Notification pages: the member's own list (mark read, open, mark all read) and preferences.

Only the viewer's own notifications in the organisation being viewed exist here: anyone else's
is a 404. Following a notification marks it read and redirects to its link, which `notify`
has already restricted to a path inside this site (and is checked again here).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.notifications.errors import NotificationNotFound
from tandem.notifications.forms import PreferencesForm
from tandem.notifications.models import Notification
from tandem.notifications.selectors import (
    notification_list,
    notification_preferences,
    notification_unread_count,
)
from tandem.notifications.services import (
    notification_mark_all_read,
    notification_mark_read,
    notification_preferences_set,
    safe_internal_url,
)
from tandem.organisations.access import OrgRequest, org_view, viewer_time_zone

PAGE_SIZE = 25


def _list_url(request: OrgRequest) -> str:
    return reverse("notifications:list", kwargs={"org_slug": request.organisation.slug})


def _unread(request: OrgRequest) -> int:
    """The viewer's unread count, remembered on the request so the navigation badge reuses it."""
    unread = notification_unread_count(organisation=request.organisation, viewer=request.membership)
    request.notifications_unread = unread  # type: ignore[attr-defined]
    return unread


def _is_htmx(request: OrgRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _mark(request: OrgRequest, notification_id: int) -> Notification:
    try:
        return notification_mark_read(notification_id=notification_id, by=request.membership)
    except NotificationNotFound as exc:
        raise Http404(exc.message) from exc


@require_GET
@org_view()
def notification_index(request: OrgRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    notifications = notification_list(
        organisation=request.organisation, viewer=request.membership, unread_only=unread_only
    )
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    unread = _unread(request)
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "notifications": list(page.object_list),
            "unread_only": unread_only,
            "unread": unread,
            "time_zone": viewer_time_zone(request.membership).key,
        },
    )


@require_POST
@org_view()
def notification_read(request: OrgRequest, notification_id: int) -> HttpResponse:
    notification = _mark(request, notification_id)
    if _is_htmx(request):
        _unread(request)
        return render(
            request,
            "notifications/_read.html",
            {"n": notification, "time_zone": viewer_time_zone(request.membership).key},
        )
    return redirect(_list_url(request))


@require_POST
@org_view()
def notification_open(request: OrgRequest, notification_id: int) -> HttpResponse:
    """Mark read and follow the notification's link (only ever a path inside this site)."""
    notification = _mark(request, notification_id)
    target = safe_internal_url(notification.url)
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        target = _list_url(request)
    return HttpResponseRedirect(target)


@require_POST
@org_view()
def notification_read_all(request: OrgRequest) -> HttpResponse:
    marked = notification_mark_all_read(by=request.membership)
    if marked:
        messages.success(request, f"Marked {marked} notification{'s' if marked != 1 else ''} read.")
    else:
        messages.info(request, "Nothing was unread.")
    return redirect(_list_url(request))


@require_http_methods(["GET", "POST"])
@org_view()
def notification_preferences_edit(request: OrgRequest) -> HttpResponse:
    rows = notification_preferences(membership=request.membership)
    form = PreferencesForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        notification_preferences_set(
            membership=request.membership, choices=form.choices(), by=request.membership
        )
        messages.success(request, "Your notification preferences are saved.")
        return redirect(reverse("notifications:preferences", kwargs={"org_slug": request.organisation.slug}))
    return render(request, "notifications/preferences.html", {"form": form})
