"""The catalogue itself: papers, authors, topics, categories, repositories."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "papers.core"
    label = "core"
    verbose_name = "Catalogue"

    def ready(self):
        from django.urls import register_converter

        from .converters import ArxivIdConverter, SegmentConverter

        register_converter(ArxivIdConverter, "arxiv")
        register_converter(SegmentConverter, "segment")
