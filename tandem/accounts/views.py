"""Signing in and out, password reset and change, joining by invitation, personal API tokens."""

from __future__ import annotations

from typing import cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.accounts.errors import AccountInvalid, TokenNotFound
from tandem.accounts.forms import (
    ApiTokenForm,
    EmailAuthenticationForm,
    InvitationSignupForm,
    SetFirstPasswordResetForm,
)
from tandem.accounts.models import User
from tandem.accounts.selectors import api_token_list, user_exists_with_email
from tandem.accounts.services import api_token_create, api_token_revoke
from tandem.organisations.access import CURRENT_ORG_SESSION_KEY
from tandem.organisations.errors import InvitationInvalid
from tandem.organisations.models import Invitation
from tandem.organisations.services import invitation_accept, invitation_accept_new_user, invitation_by_key

HTTP_TOO_MANY_REQUESTS = 429

# ---------- Signing in and out ----------


class LoginView(auth_views.LoginView):
    # Not an AuthenticationForm subclass (that one is built around a "username" field), but it
    # speaks the same interface LoginView uses: `request=` and get_user().
    form_class = EmailAuthenticationForm  # type: ignore[assignment]
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form: EmailAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_invalid(form)  # type: ignore[arg-type]
        if form.throttled:
            response.status_code = HTTP_TOO_MANY_REQUESTS
        return response


class LogoutView(auth_views.LogoutView):
    """POST only (Django refuses GET), so a link or an image cannot sign anyone out."""


# ---------- Password reset (by email) and change ----------


class PasswordResetView(auth_views.PasswordResetView):
    form_class = SetFirstPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


# ---------- Invitations ----------


def _join(request: HttpRequest, org_slug: str, org_name: str) -> HttpResponse:
    request.session[CURRENT_ORG_SESSION_KEY] = org_slug
    messages.success(request, f"Welcome to {org_name}! Start by completing your profile.")
    return redirect("web:dashboard", org_slug=org_slug)


def _invitation_invalid(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "accounts/invitation_invalid.html", {"reason": reason}, status=404)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_accept_view(request: HttpRequest, key: str) -> HttpResponse:
    """One page for every situation an invitation link can meet: signed in with the invited
    address (accept), signed in as someone else (explain), an account exists (sign in first),
    no account yet (create it and join)."""
    try:
        invitation = invitation_by_key(raw_key=key)
    except InvitationInvalid as exc:
        return _invitation_invalid(request, exc.message)
    if isinstance(request.user, User) and request.user.is_authenticated:
        return _invitation_signed_in(request, invitation, key, request.user)
    if user_exists_with_email(email=invitation.email):
        login_url = reverse("accounts:login") + "?" + urlencode({"next": request.get_full_path()})
        context = {"invitation": invitation, "state": "sign_in", "login_url": login_url}
        return render(request, "accounts/invitation_accept.html", context)
    return _invitation_sign_up(request, invitation, key)


def _invitation_signed_in(request: HttpRequest, invitation: Invitation, key: str, user: User) -> HttpResponse:
    state = "accept" if user.email.lower() == invitation.email else "wrong_user"
    if request.method == "POST" and state == "accept":
        try:
            membership = invitation_accept(raw_key=key, user=user)
        except InvitationInvalid as exc:
            return _invitation_invalid(request, exc.message)
        return _join(request, membership.organisation.slug, membership.organisation.name)
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation, "state": state})


def _invitation_sign_up(request: HttpRequest, invitation: Invitation, key: str) -> HttpResponse:
    form = InvitationSignupForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            membership = invitation_accept_new_user(
                raw_key=key, full_name=form.cleaned_data["full_name"], password=form.cleaned_data["password1"]
            )
        except InvitationInvalid as exc:
            if exc.field is None:
                return _invitation_invalid(request, exc.message)
            form.add_error(None, exc.message)
        else:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            return _join(request, membership.organisation.slug, membership.organisation.name)
    context = {"invitation": invitation, "state": "sign_up", "form": form}
    return render(request, "accounts/invitation_accept.html", context, status=400 if form.errors else 200)


# ---------- Personal API tokens ----------


def _signed_in_user(request: HttpRequest) -> User:
    """The user of a view behind login_required (typed for mypy; always a User there)."""
    return cast(User, request.user)


def _tokens_page(request: HttpRequest, user: User, form: ApiTokenForm, status: int = 200) -> HttpResponse:
    return render(
        request, "accounts/tokens.html", {"tokens": api_token_list(user=user), "form": form}, status=status
    )


@require_safe
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    return _tokens_page(request, _signed_in_user(request), ApiTokenForm())


@never_cache
@require_POST
@login_required
def token_create(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, raw = api_token_create(user=user, name=form.cleaned_data["name"])
        except AccountInvalid as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            # Rendered, not redirected: the raw value exists only in this response.
            return render(request, "accounts/token_created.html", {"token": token, "raw": raw})
    return _tokens_page(request, user, form, status=400)


@require_POST
@login_required
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = api_token_revoke(user=_signed_in_user(request), token_id=token_id)
    except TokenNotFound as exc:
        raise Http404(exc.message) from exc
    messages.success(request, f"Token “{token.name}” revoked. Programs using it can no longer sign in.")
    return redirect("accounts:tokens")
