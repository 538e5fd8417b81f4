from django.urls import path

from . import views, views_audience, views_funnel, views_operator

app_name = "analytics"

urlpatterns = [
    path("dashboard/schools/<slug:slug>/analytics/", views.dashboard, name="dashboard"),
    path("dashboard/schools/<slug:slug>/analytics/export/<slug:table>.<slug:fmt>", views.export, name="export"),
    path("dashboard/schools/<slug:slug>/analytics/statement.pdf", views.statement, name="statement"),
    # operators: the whole platform's figures
    path("operator/analytics/", views_operator.operator_dashboard, name="operator"),
    path("operator/analytics/export.csv", views_operator.operator_export, name="operator_export"),
    path("dashboard/schools/<slug:slug>/analytics/audience/", views_audience.audience, name="audience"),
    path(
        "dashboard/schools/<slug:slug>/analytics/audience/export/<slug:table>.csv",
        views_audience.audience_export,
        name="audience_export",
    ),
    path(
        "dashboard/schools/<slug:slug>/analytics/audience/export.xlsx",
        views_audience.audience_export,
        {"table": "all", "fmt": "xlsx"},
        name="audience_workbook",
    ),
    path("dashboard/schools/<slug:slug>/analytics/funnel/", views_funnel.funnel, name="funnel"),
    path(
        "dashboard/schools/<slug:slug>/analytics/funnel/export/<slug:table>.csv",
        views_funnel.funnel_export,
        name="funnel_export",
    ),
    path(
        "dashboard/schools/<slug:slug>/analytics/funnel/export.xlsx",
        views_funnel.funnel_export,
        {"table": "all", "fmt": "xlsx"},
        name="funnel_workbook",
    ),
]
