"""Mounted at o/<org_slug>/ (config/urls.py)."""

from django.urls import path

from tandem.agreements import views

app_name = "agreements"
PREFIX = "mentorships/<int:mentorship_id>/agreement/"
urlpatterns = [
    path(PREFIX, views.mentorship_agreement, name="mentorship"),
    path(PREFIX + "propose/", views.agreement_propose_view, name="propose"),
    path(PREFIX + "versions/<int:version_id>/", views.agreement_version, name="version"),
    path(PREFIX + "versions/<int:version_id>/accept/", views.agreement_accept_view, name="accept"),
    path(PREFIX + "versions/<int:version_id>/decline/", views.agreement_decline_view, name="decline"),
    path(PREFIX + "versions/<int:version_id>/withdraw/", views.agreement_withdraw_view, name="withdraw"),
]
