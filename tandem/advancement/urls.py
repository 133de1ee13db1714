"""Mounted at o/<org_slug>/ (config/urls.py)."""

from django.urls import path

from tandem.advancement import views

app_name = "advancement"
CAREER = "mentorships/<int:mentorship_id>/career/"
urlpatterns = [
    path(CAREER, views.mentorship_career, name="mentorship"),
    path(CAREER + "endorsements/", views.endorse, name="endorse"),
    path(CAREER + "endorsements/<int:endorsement_id>/edit/", views.endorsement_edit, name="endorsement_edit"),
    path(
        CAREER + "endorsements/<int:endorsement_id>/withdraw/",
        views.endorsement_remove,
        name="endorsement_withdraw",
    ),
    path(
        CAREER + "endorsements/<int:endorsement_id>/sharing/",
        views.endorsement_sharing,
        name="endorsement_sharing",
    ),
    path(CAREER + "introductions/", views.introduce, name="introduce"),
    path(
        CAREER + "introductions/<int:introduction_id>/note/",
        views.introduction_note_save,
        name="introduction_note",
    ),
    path("introductions/", views.introductions, name="introductions"),
    path("introductions/<int:introduction_id>/answer/", views.introduction_reply, name="answer"),
    path("introductions/respond/<str:token>/", views.respond, name="respond"),
    path("endorsements/", views.shared_endorsements, name="shared_endorsements"),
]
