from django.urls import path

from . import views

app_name = "recommendations"

urlpatterns = [
    path("courses/<int:course_id>/save/", views.save, name="save"),
    path("recommendations/<int:course_id>/not-interested/", views.dismiss, name="dismiss"),
    path("account/saved/", views.saved, name="saved"),
    path("account/interests/", views.interests, name="interests"),
    path("welcome/interests/", views.interests, {"onboarding": True}, name="onboarding"),
]
