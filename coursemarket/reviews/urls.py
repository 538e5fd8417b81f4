from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("courses/<slug:slug>/reviews/", views.course_reviews, name="course"),
    path("reviews/write/<str:reference>/", views.review_write, name="write"),
    path("reviews/<int:review_id>/edit/", views.review_edit, name="edit"),
    path("reviews/<int:review_id>/helpful/", views.review_vote, name="vote"),
    path("reviews/<int:review_id>/report/", views.review_report, name="report"),
    path("account/reviews/", views.my_reviews, name="mine"),
    path("dashboard/schools/<slug:slug>/reviews/", views.dashboard, name="dashboard"),
    path("dashboard/schools/<slug:slug>/reviews/<int:review_id>/answer/", views.dashboard_answer, name="answer"),
    path("dashboard/schools/<slug:slug>/reviews/<int:review_id>/flag/", views.dashboard_flag, name="flag"),
    path("moderation/reviews/", views.moderation_queue, name="moderation"),
    path("moderation/reviews/<int:review_id>/", views.moderation_detail, name="moderation_detail"),
    path("moderation/reviews/<int:review_id>/decide/", views.moderation_decide, name="moderation_decide"),
]
