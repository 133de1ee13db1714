"""Mounted at o/<org_slug>/ (config/urls.py), after the program and people pages."""

from django.urls import path

from tandem.mentorships import views

app_name = "mentorships"
urlpatterns = [
    path("programs/<int:program_id>/mentors/", views.recommendations, name="recommendations"),
    path("programs/<int:program_id>/mentors/<int:mentor_id>/request/", views.request_new, name="request_new"),
    path("requests/", views.requests, name="requests"),
    path("requests/<int:request_id>/accept/", views.request_accept, name="accept"),
    path("requests/<int:request_id>/decline/", views.request_decline, name="decline"),
    path("requests/<int:request_id>/withdraw/", views.request_withdraw, name="withdraw"),
    path("mentorships/", views.mentorship_index, name="list"),
    path("mentorships/<int:mentorship_id>/", views.mentorship_detail, name="detail"),
    path("mentorships/<int:mentorship_id>/answer/", views.mentorship_answer, name="answer"),
]
