from django.urls import path

from . import views

app_name = "scheduling"

DASH = "dashboard/schools/<slug:slug>/calendar/"

urlpatterns = [
    path(DASH, views.school_calendar, name="calendar"),
    path(DASH + "events.json", views.school_events, name="events"),
    path(DASH + "new-session/", views.session_new, name="session_new"),
    path(DASH + "meetings/<int:meeting_id>/", views.meeting_edit, name="meeting_edit"),
    path(DASH + "meetings/<int:meeting_id>/move.json", views.meeting_move_json, name="meeting_move"),
    path(DASH + "meetings/<int:meeting_id>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path(DASH + "closures/", views.closures, name="closures"),
    path(DASH + "closures/<int:closure_id>/delete/", views.closure_delete, name="closure_delete"),
    path(DASH + "feeds/", views.school_feed_create, name="school_feed_create"),
    path(DASH + "feeds/<int:feed_id>/revoke/", views.school_feed_revoke, name="school_feed_revoke"),
    path("account/calendar/", views.student_calendar, name="student_calendar"),
    path("account/calendar/events.json", views.student_events, name="student_events"),
    path("account/calendar/feed/", views.student_feed_create, name="student_feed_create"),
    path("account/calendar/feed/revoke/", views.student_feed_revoke, name="student_feed_revoke"),
    path("calendar/sessions/<int:session_id>.ics", views.session_ics, name="session_ics"),
]
