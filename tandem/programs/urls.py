from django.urls import path

from tandem.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.program_index, name="list"),
    path("new/", views.program_new, name="create"),
    path("<int:program_id>/", views.program_detail, name="detail"),
    path("<int:program_id>/enrol/", views.enrol, name="enrol"),
    path("<int:program_id>/my-enrolment/", views.my_enrolment, name="my_enrolment"),
    path("<int:program_id>/my-capacity/", views.my_capacity, name="my_capacity"),
    path("<int:program_id>/settings/", views.program_edit, name="edit"),
    path("<int:program_id>/questions/", views.program_questions, name="questions"),
    path("<int:program_id>/lifecycle/", views.program_move, name="transition"),
    path("<int:program_id>/enrolments/", views.enrolments, name="enrolments"),
    path("<int:program_id>/enrolments/department/", views.enrol_department, name="enrol_department"),
    path("<int:program_id>/enrolments/people/", views.enrol_people, name="enrol_people"),
    path("<int:program_id>/enrolments/import/", views.enrol_import, name="enrol_import"),
    path(
        "<int:program_id>/enrolments/<int:enrolment_id>/approve/",
        views.enrolment_decide,
        {"decision": "approve"},
        name="enrolment_approve",
    ),
    path(
        "<int:program_id>/enrolments/<int:enrolment_id>/decline/",
        views.enrolment_decide,
        {"decision": "decline"},
        name="enrolment_decline",
    ),
]
