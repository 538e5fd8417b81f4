from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("account/saved-searches/", views.saved_search_list, name="list"),
    path("account/saved-searches/save/", views.save, name="save"),
    path("account/saved-searches/<int:pk>/", views.update, name="update"),
    path("account/saved-searches/<int:pk>/stop/", views.stop, name="stop"),
    path("account/saved-searches/<int:pk>/resume/", views.resume, name="resume"),
    path("account/saved-searches/<int:pk>/delete/", views.delete, name="delete"),
    path("courses/<slug:slug>/notify-me/", views.notify_me, name="notify_me"),
    path("alerts/<str:token>/", views.manage, name="manage"),
]
