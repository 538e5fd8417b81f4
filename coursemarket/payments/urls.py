from django.urls import path

from . import views

app_name = "payments"

# Language-neutral (included outside i18n_patterns in config/urls.py).
urlpatterns = [
    path("<slug:provider>/webhook", views.webhook, name="webhook"),
]
