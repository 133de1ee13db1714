"""Mounted at o/<org_slug>/programs/<program_id>/rounds/ (config/urls.py)."""

from django.urls import path

from tandem.matching import views

app_name = "matching"
urlpatterns = [
    path("", views.rounds, name="rounds"),
    path("<int:round_id>/", views.round_detail, name="round"),
    path("<int:round_id>/progress/", views.round_progress, name="progress"),
    path("<int:round_id>/rerun/", views.round_rerun, name="rerun"),
    path("<int:round_id>/publish/", views.round_publish, name="publish"),
    path("<int:round_id>/discard/", views.round_discard, name="discard"),
    path("<int:round_id>/proposals/<int:proposal_id>/lock/", views.proposal_lock, name="lock"),
    path("<int:round_id>/proposals/<int:proposal_id>/remove/", views.proposal_delete, name="remove"),
    path("<int:round_id>/proposals/<int:proposal_id>/block/", views.proposal_block, name="block"),
    path("<int:round_id>/proposals/<int:proposal_id>/swap/", views.proposal_swap, name="swap"),
]
