from django.urls import path

from tandem.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("o/<slug:org_slug>/home/", views.dashboard, name="dashboard"),
]
