"""Mounted at o/<org_slug>/ (config/urls.py)."""

from django.urls import path

from tandem.feedback import views

app_name = "feedback"
urlpatterns = [
    path("mentorships/<int:mentorship_id>/feedback/", views.mentorship_feedback, name="mentorship"),
]
