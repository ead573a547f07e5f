"""What every page shares: the page cache, cards, rate limits, middleware, health."""

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "papers.web"
    label = "web"
    verbose_name = "Web"
