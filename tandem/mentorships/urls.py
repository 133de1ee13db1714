"""Mounted at o/<org_slug>/ (config/urls.py), after the program and people pages."""

from django.urls import path

from tandem.mentorships import views
from tandem.mentorships import views_lifecycle as lifecycle

app_name = "mentorships"
urlpatterns = [
    path("programs/<int:program_id>/mentors/", views.recommendations, name="recommendations"),
    path("programs/<int:program_id>/mentors/<int:mentor_id>/request/", views.request_new, name="request_new"),
    path("requests/", views.requests, name="requests"),
    path("requests/<int:request_id>/accept/", views.request_accept, name="accept"),
    path("requests/<int:request_id>/decline/", views.request_decline, name="decline"),
    path("requests/<int:request_id>/withdraw/", views.request_withdraw, name="withdraw"),
    path("mentorships/", views.mentorship_index, name="list"),
    path("programs/<int:program_id>/mentorships/", views.program_mentorships, name="program_list"),
    path("mentorships/<int:mentorship_id>/", views.mentorship_detail, name="detail"),
    path("mentorships/<int:mentorship_id>/answer/", views.mentorship_answer, name="answer"),
    # lifecycle, concerns and the guided re-match
    path("mentorships/<int:mentorship_id>/pause/", lifecycle.mentorship_pause_view, name="pause"),
    path("mentorships/<int:mentorship_id>/resume/", lifecycle.mentorship_resume_view, name="resume"),
    path("mentorships/<int:mentorship_id>/complete/", lifecycle.mentorship_complete_view, name="complete"),
    path("mentorships/<int:mentorship_id>/end/", lifecycle.mentorship_end_view, name="end"),
    path("mentorships/<int:mentorship_id>/concern/", lifecycle.concern_new, name="concern_new"),
    path("mentorships/<int:mentorship_id>/rematch/", lifecycle.rematch, name="rematch"),
    path(
        "mentorships/<int:mentorship_id>/rematch/<int:mentor_id>/",
        lifecycle.rematch_choose_view,
        name="rematch_choose",
    ),
    path("concerns/", lifecycle.concerns, name="concerns"),
    path(
        "concerns/<int:concern_id>/acknowledge/",
        lifecycle.concern_acknowledge_view,
        name="concern_acknowledge",
    ),
    path("concerns/<int:concern_id>/resolve/", lifecycle.concern_resolve_view, name="concern_resolve"),
    path("programs/<int:program_id>/mentorships/new/", lifecycle.admin_create, name="admin_create"),
]
