"""The run loop every importer shares: batches, one transaction, progress, fresh
planner statistics at the end."""

import datetime as dt
from collections.abc import Iterable

from django.db import connections, router, transaction

from papers.core.models import (
    Author,
    AuthorAlias,
    Authorship,
    Category,
    CodeLink,
    Paper,
    Repository,
)
from papers.ingest import writes
from papers.search import schema

from .report import ImportReport, Skip

BATCH_SIZE = 1000


def import_records(
    items: Iterable[writes.PaperRecord | Skip],
    *,
    report: ImportReport,
    listed_on: dt.date,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Write paper records in batches through ``writes.papers_import``.

    The caller holds the transaction. A record whose arXiv id is already in
    the pending batch flushes the batch first, so a file that lists a paper
    twice is applied in order.
    """
    batch: dict[str, writes.PaperRecord] = {}

    def flush():
        if batch:
            for outcome, paper_id in writes.papers_import(
                records=list(batch.values()), listed_on=listed_on
            ):
                report.count(outcome, paper_id)
            batch.clear()
            report.tick()

    for item in items:
        report.read += 1
        if isinstance(item, Skip):
            report.skip(item.reason, item.where)
            continue
        if item.arxiv_id in batch:
            flush()
        batch[item.arxiv_id] = item
        if len(batch) >= batch_size:
            flush()
    flush()
    return report


class atomic_run:
    """One transaction for a whole run; rolled back at the end of a dry run.

    With ``report``: once the run is written (not a dry run, something created or
    updated), the written tables are analysed (``analyze_written_tables``)."""

    def __init__(self, *, dry_run: bool, report: ImportReport | None = None):
        self.dry_run = dry_run
        self.report = report
        self.atomic = transaction.atomic()

    def __enter__(self):
        return self.atomic.__enter__()

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None and self.dry_run:
            transaction.set_rollback(True)
        result = self.atomic.__exit__(exc_type, exc, tb)
        report = self.report
        if exc_type is None and not self.dry_run and report and report.created + report.updated:
            analyze_written_tables()
        return result


# The tables an import writes; their statistics tell the planner how big they are now.
WRITTEN_MODELS = (
    Paper,
    Paper.categories.through,
    Paper.topics.through,
    Author,
    AuthorAlias,
    Authorship,
    Category,
    CodeLink,
    Repository,
)


def analyze_written_tables() -> None:
    """``ANALYZE`` the tables imports write: a large import changes their sizes and
    value distributions, and the planner must not wait for autovacuum (which may be
    off, or slow to come) to choose its plans by them. The search index's pending
    entries go into its tree first (papers/search/schema.py)."""
    using = router.db_for_write(Paper)
    connection = connections[using]
    schema.merge_pending_entries(connection)
    quote = connection.ops.quote_name
    tables = [quote(model._meta.db_table) for model in WRITTEN_MODELS]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE " + ", ".join(tables))
        else:
            for table in tables:
                cursor.execute(f"ANALYZE {table}")
