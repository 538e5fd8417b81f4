from django.urls import path

from . import views

app_name = "activity"

urlpatterns = [
    path("account/history/", views.history, name="history"),
    path("account/history/preference/", views.history_preference, name="history_preference"),
    path("account/history/clear/", views.history_clear_view, name="history_clear"),
    path("operator/search-report/", views.search_report_view, name="search_report"),
]
