from django.urls import path

from tandem.organisations import views

app_name = "organisations"
urlpatterns = [
    path("members/", views.members, name="members"),
    path("members/invite/", views.invite, name="invite"),
    path("members/import/", views.import_people, name="import_people"),
    path("members/<int:membership_id>/role/", views.member_role, name="member_role"),
    path("members/<int:membership_id>/deactivate/", views.member_deactivate, name="member_deactivate"),
    path("members/<int:membership_id>/reactivate/", views.member_reactivate, name="member_reactivate"),
    path(
        "members/invitations/<int:invitation_id>/revoke/",
        views.revoke_invitation,
        name="invitation_revoke",
    ),
    path("taxonomy/", views.taxonomy, name="taxonomy"),
]
