from django.urls import path

from . import views, views_audience

app_name = "analytics"

urlpatterns = [
    path("dashboard/schools/<slug:slug>/analytics/", views.dashboard, name="dashboard"),
    path("dashboard/schools/<slug:slug>/analytics/export/<slug:table>.<slug:fmt>", views.export, name="export"),
    path("dashboard/schools/<slug:slug>/analytics/audience/", views_audience.audience, name="audience"),
    path(
        "dashboard/schools/<slug:slug>/analytics/audience/export/<slug:table>.csv",
        views_audience.audience_export,
        name="audience_export",
    ),
]
