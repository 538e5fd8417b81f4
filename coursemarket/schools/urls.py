from django.urls import URLPattern, URLResolver

app_name = "schools"

urlpatterns: list[URLPattern | URLResolver] = []
