from django.urls import path

from . import views

app_name = "imports"

DASH = "dashboard/schools/<slug:slug>/courses/import/"

urlpatterns = [
    path(DASH, views.upload, name="upload"),
    path(DASH + "<int:job_id>/", views.job, name="job"),
    path(DASH + "<int:job_id>/columns/", views.columns, name="columns"),
    path(DASH + "<int:job_id>/preview/", views.preview, name="preview"),
]
