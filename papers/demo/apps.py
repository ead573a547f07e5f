"""The demo data set and its loader."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "papers.demo"
    label = "demo"
    verbose_name = "Demo data"
