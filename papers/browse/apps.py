"""The pages readers browse: editions, papers, authors, topics, repositories, feeds."""

from django.apps import AppConfig


class BrowseConfig(AppConfig):
    name = "papers.browse"
    label = "browse"
    verbose_name = "Browse"
