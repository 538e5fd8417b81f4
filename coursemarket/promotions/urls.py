from django.urls import path

from . import views

app_name = "promotions"

SCHOOL = "dashboard/schools/<slug:slug>/promo-codes/"

urlpatterns: list = [
    path(SCHOOL, views.dashboard, name="dashboard"),
    path(SCHOOL + "<int:code_id>/active/", views.code_active, name="code_active"),
    path("account/invite/", views.invite, name="invite"),
    path("share/", views.share_out, name="share_out"),
    path("share/record/", views.share_record, name="share_record"),
]
