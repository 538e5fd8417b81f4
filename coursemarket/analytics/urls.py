from django.urls import path

from . import views, views_funnel

app_name = "analytics"

urlpatterns = [
    path("dashboard/schools/<slug:slug>/analytics/", views.dashboard, name="dashboard"),
    path("dashboard/schools/<slug:slug>/analytics/export/<slug:table>.<slug:fmt>", views.export, name="export"),
    path("dashboard/schools/<slug:slug>/analytics/funnel/", views_funnel.funnel, name="funnel"),
    path(
        "dashboard/schools/<slug:slug>/analytics/funnel/export/<slug:table>.csv",
        views_funnel.funnel_export,
        name="funnel_export",
    ),
]
