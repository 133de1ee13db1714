"""Mounted at o/<org_slug>/ (config/urls.py)."""

from django.urls import path  # noqa: F401

app_name = "advancement"
urlpatterns: list[object] = []
