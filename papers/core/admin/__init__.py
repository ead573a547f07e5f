"""The catalogue's admin (curation): papers, authors, topics, categories, repositories."""

from . import authors, papers, topics  # noqa: F401 (each registers its ModelAdmins)
