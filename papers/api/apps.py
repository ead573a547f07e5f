"""The read-only JSON API."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "papers.api"
    label = "api"
    verbose_name = "API"
