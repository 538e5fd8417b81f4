from django.urls import path

from . import views

app_name = "payments"

# Language-neutral (included outside i18n_patterns in config/urls.py).
urlpatterns = [
    path("stripe/webhook", views.stripe_webhook, name="stripe_webhook"),
]
