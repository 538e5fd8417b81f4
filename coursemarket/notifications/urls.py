from django.urls import path

from . import views

app_name = "notifications"

# Under the language prefix: what a recipient reads.
urlpatterns = [
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
    path("notifications/push/subscribe/", views.push_subscribe, name="push_subscribe"),
    path("notifications/push/unsubscribe/", views.push_unsubscribe, name="push_unsubscribe"),
]

# Language-neutral, staff only: the development mailbox and operators' view of the outbox.
mailbox_urlpatterns = [
    path("", views.mailbox, name="list"),
    path("<int:pk>/", views.mailbox_detail, name="detail"),
    path("<int:pk>/html/", views.mailbox_html, name="html"),
    path("<int:pk>/attachments/<int:index>/", views.mailbox_attachment, name="attachment"),
    path("<int:pk>/retry/", views.mailbox_retry, name="retry"),
]
