from django.contrib import admin
from django.urls import include, path

from config.api import api
from tandem.web.views import dashboard

urlpatterns = [
    path("", include("tandem.web.urls")),
    path("accounts/", include("tandem.accounts.urls")),
    path("o/<slug:org_slug>/", dashboard, name="org_home"),
    path("o/<slug:org_slug>/", include("tandem.organisations.urls")),
    path("o/<slug:org_slug>/people/", include("tandem.people.urls")),
    path("o/<slug:org_slug>/programs/", include("tandem.programs.urls")),
    path("o/<slug:org_slug>/programs/<int:program_id>/rounds/", include("tandem.matching.urls")),
    path("o/<slug:org_slug>/", include("tandem.mentorships.urls")),
    path("o/<slug:org_slug>/", include("tandem.notifications.urls")),
    path("o/<slug:org_slug>/", include("tandem.agreements.urls")),
    path("o/<slug:org_slug>/", include("tandem.goals.urls")),
    path("o/<slug:org_slug>/", include("tandem.meetings.urls")),
    path("o/<slug:org_slug>/", include("tandem.feedback.urls")),
    path("o/<slug:org_slug>/", include("tandem.advancement.urls")),
    path("o/<slug:org_slug>/", include("tandem.health.urls")),
    path("api/", api.urls),
    path("django-admin/", admin.site.urls),
]
