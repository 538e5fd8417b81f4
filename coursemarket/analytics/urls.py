from django.urls import path

from . import views

app_name = "analytics"

urlpatterns = [
    path("dashboard/schools/<slug:slug>/analytics/", views.dashboard, name="dashboard"),
    path("dashboard/schools/<slug:slug>/analytics/export/<slug:table>.<slug:fmt>", views.export, name="export"),
    path("dashboard/schools/<slug:slug>/analytics/statement.pdf", views.statement, name="statement"),
]
