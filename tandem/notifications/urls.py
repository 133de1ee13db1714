"""Mounted at o/<org_slug>/ (config/urls.py)."""

from django.urls import path

from tandem.notifications import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.notification_index, name="list"),
    path("notifications/read-all/", views.notification_read_all, name="read_all"),
    path("notifications/preferences/", views.notification_preferences_edit, name="preferences"),
    path("notifications/<int:notification_id>/read/", views.notification_read, name="read"),
    path("notifications/<int:notification_id>/open/", views.notification_open, name="open"),
]
