from django.urls import path

from . import health, theme

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("theme/", theme.theme_choose, name="theme"),
]
