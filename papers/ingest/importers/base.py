"""The run loop every importer shares: batches, one transaction, progress."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from papers.ingest import writes

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
    """One transaction for a whole run; rolled back at the end of a dry run."""

    def __init__(self, *, dry_run: bool):
        self.dry_run = dry_run
        self.atomic = transaction.atomic()

    def __enter__(self):
        return self.atomic.__enter__()

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None and self.dry_run:
            transaction.set_rollback(True)
        return self.atomic.__exit__(exc_type, exc, tb)
