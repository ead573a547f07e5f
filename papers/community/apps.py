"""Members: accounts, upvotes, trending, submissions."""

from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "papers.community"
    label = "community"
    verbose_name = "Community"
