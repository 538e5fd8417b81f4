"""Language-neutral addresses for calendar apps (mounted at /calendar/)."""

from django.urls import path

from . import views

app_name = "scheduling_feeds"

urlpatterns = [path("feeds/<str:token>.ics", views.feed, name="feed")]
