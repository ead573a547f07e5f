"""Hugging Face Daily Papers (``HF_API_URL``): the list of one day, ``/daily_papers?date=``.

The JSON is read by the existing importer (papers/ingest/importers/hf_daily.py):
papers listed that day (new ones join that day's edition), their Hugging Face
upvotes kept apart from ours, the GitHub repository (official code) and the project
page when given. One request, one transaction.
"""

import datetime as dt
import io
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, transaction

from papers.ingest import writes
from papers.ingest.importers.hf_daily import parse_daily_papers
from papers.ingest.importers.report import ImportFailed, ImportReport, Skip

from .http import FetchError, HttpClient
from .report import FetchReport


def fetch_hf_daily(
    day: dt.date,
    *,
    client: HttpClient | None = None,
    progress: Callable[[FetchReport], None] | None = None,
) -> FetchReport:
    report = FetchReport(source=f"Hugging Face daily papers {day.isoformat()}", progress=progress)
    url = settings.HF_API_URL.rstrip("/") + "/daily_papers"
    label = f"{url}?date={day.isoformat()}"
    client = client or HttpClient(headers={"Accept": "application/json"})
    with client:
        try:
            response = client.get(url, params={"date": day.isoformat()})
            batch = ImportReport(source=report.source)
            records: dict[str, writes.PaperRecord] = {}
            for item in parse_daily_papers(io.BytesIO(response.content), label=label, report=batch):
                batch.read += 1
                if isinstance(item, Skip):
                    batch.skip(item.reason, item.where)
                else:
                    records.pop(item.arxiv_id, None)
                    records[item.arxiv_id] = item
        except (FetchError, ImportFailed) as error:
            report.fail(str(error), label)
            return report
        try:
            with transaction.atomic():
                for outcome, paper_id in writes.papers_import(
                    records=list(records.values()), listed_on=day
                ):
                    batch.count(outcome, paper_id)
        except DatabaseError as error:
            report.fail(f"could not write: {error}", label, count=len(records))
            return report
        report.merge(batch)
        report.tick()
    return report
