from django.urls import path

from . import views

app_name = "compare"

urlpatterns = [
    path("compare/", views.compare, name="compare"),
    path("compare/tray/", views.tray, name="tray"),
    path("compare/sessions/<slug:slug>/", views.compare_sessions, name="sessions"),
]
