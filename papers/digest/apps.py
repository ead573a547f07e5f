"""Email digest subscriptions and sending."""

from django.apps import AppConfig


class DigestConfig(AppConfig):
    name = "papers.digest"
    label = "digest"
    verbose_name = "Email digest"
