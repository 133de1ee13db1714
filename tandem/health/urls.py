"""Mounted at o/<org_slug>/ (config/urls.py)."""

from django.urls import path

from tandem.health import views

app_name = "health"
urlpatterns = [
    path("mentorships/<int:mentorship_id>/check-ins/", views.mentorship_checkins, name="mentorship"),
    path(
        "mentorships/<int:mentorship_id>/check-ins/recompute/",
        views.mentorship_health_recompute,
        name="recompute",
    ),
    path("health/", views.attention, name="attention"),
]
