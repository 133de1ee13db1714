from django.urls import path

from tandem.people import views

app_name = "people"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("me/", views.me, name="me"),
    path("me/edit/", views.edit, name="edit"),
    path("me/photo/", views.photo_update, name="photo_update"),
    path("<int:profile_id>/", views.detail, name="detail"),
    path("<int:profile_id>/photo/", views.photo, name="photo"),
]
