"""Mounted at o/<org_slug>/ (config/urls.py)."""

from django.urls import path

from tandem.goals import views

app_name = "goals"
PREFIX = "mentorships/<int:mentorship_id>/goals/"
GOAL = PREFIX + "<int:goal_id>/"
urlpatterns = [
    path(PREFIX, views.mentorship_goals, name="mentorship"),
    path(PREFIX + "new/", views.goal_new, name="create"),
    path(PREFIX + "from-template/", views.goal_from_template, name="from_template"),
    path(GOAL, views.goal_detail, name="detail"),
    path(GOAL + "milestones/", views.goal_milestone_add, name="milestone_add"),
    path(
        GOAL + "milestones/<int:milestone_id>/toggle/", views.goal_milestone_toggle, name="milestone_toggle"
    ),
    path(
        GOAL + "milestones/<int:milestone_id>/delete/", views.goal_milestone_delete, name="milestone_delete"
    ),
]
