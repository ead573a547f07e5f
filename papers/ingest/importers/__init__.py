"""Importers for real paper data: arXiv API Atom feeds, Hugging Face daily papers
JSON and Papers with Code links JSON.

Each importer streams its input, turns it into ``writes.PaperRecord`` /
``writes.CodeLinkRecord`` values and writes them in batches through
``writes.papers_import`` / ``writes.code_links_import``, all in one
transaction per run, and returns an ``ImportReport``.
"""

from .report import ImportFailed, ImportReport

__all__ = ["ImportFailed", "ImportReport"]
