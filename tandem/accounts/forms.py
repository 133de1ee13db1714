"""Forms for signing in, joining by invitation and naming API tokens."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest

from tandem.accounts.login_throttle import (
    client_address,
    login_block_minutes,
    login_failure_record,
    login_failures_reset,
    login_is_blocked,
)
from tandem.accounts.models import User


class EmailAuthenticationForm(forms.Form):
    """Sign in by email and password, refusing early once too many attempts have failed.

    Speaks the interface LoginView expects (`request` keyword, `get_user()`).
    """

    email = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": "That email and password don't match an account.",
        "throttled": "Too many failed sign-in attempts. Please wait {minutes} minutes before trying "
        "again, or reset your password.",
    }

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user_cache: User | None = None
        self.throttled = False
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        email = str(cleaned.get("email") or "").strip().lower()
        password = cleaned.get("password")
        if not email or not password:
            return cleaned
        cleaned["email"] = email
        address = client_address(self.request) if self.request is not None else "unknown"
        # Once limited, the password is not even checked: a correct guess must not be confirmed.
        if login_is_blocked(email=email, address=address):
            self.throttled = True
            raise forms.ValidationError(
                self.error_messages["throttled"].format(minutes=login_block_minutes()), code="throttled"
            )
        user = authenticate(self.request, email=email, password=password)
        if not isinstance(user, User):
            # Inactive accounts land here too (ModelBackend refuses them), with the same message.
            login_failure_record(email=email, address=address)
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        login_failures_reset(email=email)
        self.user_cache = user
        return cleaned

    def get_user(self) -> User | None:
        return self.user_cache


class InvitationSignupForm(forms.Form):
    """Create the invited person's account: their name and a password (twice)."""

    full_name = forms.CharField(
        label="Full name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Repeat the password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        self.email = email
        super().__init__(*args, **kwargs)

    def clean_full_name(self) -> str:
        name = str(self.cleaned_data["full_name"]).strip()
        if not name:
            raise forms.ValidationError("Tell us your name.", code="required")
        return name

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password1 = cleaned.get("password1")
        password2 = cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "The two passwords are different.")
        elif password1:
            # Validators compare the password with the person's name and email, so give them both.
            candidate = User(email=self.email, full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password1, user=candidate)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What the token is for, e.g. “reporting script”.",
    )


class SetFirstPasswordResetForm(PasswordResetForm):
    """Password reset that also reaches people who never had a password.

    People imported from CSV or HR systems get an unusable password; "Forgot your password?"
    is how they choose their first one. Django's form skips them, so we don't.
    """

    def get_users(self, email: str) -> Iterator[User]:
        yield from User.objects.filter(email__iexact=email.strip(), is_active=True)
