from django.urls import path

from . import views

app_name = "accounts"

# Mounted at /<lang>/account/ beside allauth's pages (login/, signup/, email/,
# password/…, 2fa/, sessions/); these names do not clash with theirs.
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("profile/", views.profile, name="profile"),
    path("settings/", views.preferences, name="settings"),
    path("notifications/", views.notifications, name="notifications"),
    path("privacy/", views.privacy_center, name="privacy"),
    path("privacy/export/", views.data_export, name="data_export"),
    path("delete/", views.delete_account, name="delete"),
]
