"""Mounted at o/<org_slug>/ (config/urls.py)."""

from django.urls import path

from tandem.meetings import views

app_name = "meetings"
MEETING = "mentorships/<int:mentorship_id>/meetings/<int:meeting_id>/"
urlpatterns = [
    path("mentorships/<int:mentorship_id>/meetings/", views.mentorship_meetings, name="mentorship"),
    path("mentorships/<int:mentorship_id>/meetings/schedule/", views.schedule, name="schedule"),
    path(MEETING, views.detail, name="detail"),
    path(MEETING + "change/", views.change, name="change"),
    path(MEETING + "cancel/", views.cancel, name="cancel"),
    path(MEETING + "attendance/", views.attendance, name="attendance"),
    path(MEETING + "notes/", views.notes, name="notes"),
    path(MEETING + "private-note/", views.private_note, name="private_note"),
    path(MEETING + "feedback/", views.feedback, name="feedback"),
    path(MEETING + "meeting.ics", views.meeting_ics, name="ics"),
    path("calendar/", views.calendar, name="calendar"),
    path("meetings/ratings/", views.ratings, name="ratings"),
    path("calendar/feed/new/", views.calendar_feed_new, name="feed_new"),
    path("calendar/feed/revoke/", views.calendar_feed_stop, name="feed_revoke"),
    # No sign-in: calendar apps subscribe with the token alone.
    path("mentorships/calendar/feed/<str:token>.ics", views.feed, name="feed"),
]
