"""The arXiv API (``ARXIV_API_URL``): metadata by id and the newest papers of categories.

Requests follow arXiv's terms of use: at most one every ``ARXIV_REQUEST_INTERVAL``
seconds (3 by default) across every worker (``Throttle``), with a User-Agent naming
the site and a contact address. Responses are Atom feeds read by the existing
parser (papers/ingest/importers/arxiv_atom.py); each page is written in its own
transaction through ``writes.papers_import``, so a failed page is reported and the
others are kept.

- ``fetch_by_ids``: ``id_list`` in batches of ``ID_BATCH``.
- ``fetch_newest``: ``search_query=cat:A OR cat:B``, newest submissions first, page by
  page until the papers are older than the window (or arXiv has no more).
"""

import datetime as dt
import io
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from papers.core import arxiv
from papers.core.models import Paper
from papers.ingest import writes
from papers.ingest.importers.arxiv_atom import FeedInfo, parse_feed
from papers.ingest.importers.report import ImportFailed, ImportReport, Skip
from papers.ingest.status import Source, State, statuses_set

from .http import FetchError, HttpClient, Throttle
from .report import FetchReport

ID_BATCH = 100  # ids per request (arXiv answers a few hundred comfortably)
PAGE_SIZE = 500  # results per page of a category query (arXiv allows up to 2000)
MAX_PAGES = 40


def arxiv_client(*, sleep=None) -> HttpClient:
    throttle = Throttle("arxiv", settings.ARXIV_REQUEST_INTERVAL)
    if sleep is not None:
        throttle.sleep = sleep
    return HttpClient(throttle=throttle, headers={"Accept": "application/atom+xml"})


def parse_page(body: bytes, *, label: str, report: ImportReport, info: FeedInfo | None = None):
    """The records of one Atom page (raises ``ImportFailed`` for a broken or error feed)."""
    records: dict[str, writes.PaperRecord] = {}
    for item in parse_feed(io.BytesIO(body), label=label, info=info, report=report):
        report.read += 1
        if isinstance(item, Skip):
            report.skip(item.reason, item.where)
        else:
            records.pop(item.arxiv_id, None)
            records[item.arxiv_id] = item  # a feed listing a paper twice: the last wins
    return list(records.values())


def write_records(
    records: list[writes.PaperRecord], *, report: FetchReport, label: str
) -> dict[str, str]:
    """Write one page in one transaction; ``{arxiv_id: outcome}``, or ``{}`` if it failed."""
    batch = ImportReport(source=report.source)
    try:
        with transaction.atomic():
            outcomes = writes.papers_import(records=records, listed_on=timezone.localdate())
    except DatabaseError as error:
        report.fail(f"could not write: {error}", label, count=len(records))
        return {}
    for outcome, paper_id in outcomes:
        batch.count(outcome, paper_id)
    report.merge(batch)
    return {
        record.arxiv_id: outcome for record, (outcome, _) in zip(records, outcomes, strict=True)
    }


def fetch_by_ids(
    arxiv_ids: Iterable[str],
    *,
    client: HttpClient | None = None,
    progress: Callable[[FetchReport], None] | None = None,
) -> FetchReport:
    """Fetch and write the metadata of these (versionless) arXiv ids, ``ID_BATCH`` a request.

    Each paper's ``FetchStatus`` (source arXiv) records the outcome: updated,
    unchanged, or failed with the reason (arXiv did not list it, the request failed).
    """
    report = FetchReport(source="arXiv metadata", progress=progress)
    ids = list(dict.fromkeys(arxiv_ids))
    client = client or arxiv_client()
    with client:
        for start in range(0, len(ids), ID_BATCH):
            batch = ids[start : start + ID_BATCH]
            label = f"arXiv id_list {batch[0]}…" if len(batch) > 1 else f"arXiv {batch[0]}"
            outcomes = {}
            try:
                response = client.get(
                    settings.ARXIV_API_URL,
                    params={"id_list": ",".join(batch), "max_results": len(batch)},
                )
                records = parse_page(response.content, label=label, report=report)
            except (FetchError, ImportFailed) as error:
                report.fail(str(error), label, count=len(batch))
                _record(batch, State.FAILED, str(error))
            else:
                outcomes = write_records(records, report=report, label=label)
                missing = [i for i in batch if i not in outcomes]
                if missing:
                    report.fail("not in arXiv's answer", ", ".join(missing[:5]), count=len(missing))
                    _record(missing, State.FAILED, "not in arXiv's answer")
                changed = [i for i, o in outcomes.items() if o != "unchanged"]
                _record(changed, State.OK, "metadata from arXiv")
                _record([i for i in outcomes if i not in changed], State.UNCHANGED, "")
            report.tick()
    return report


def _record(arxiv_ids: list[str], state: str, message: str) -> None:
    if arxiv_ids:
        statuses_set(
            source=Source.ARXIV,
            state=state,
            message=message,
            paper_ids=Paper.objects.filter(arxiv_id__in=arxiv_ids).values_list("pk", flat=True),
        )


def category_query(categories: Iterable[str]) -> str:
    codes = [code.strip() for code in categories if code.strip()]
    for code in codes:
        if not arxiv.CATEGORY_RE.match(code):
            raise ValueError(f"{code!r} is not an arXiv category such as cs.LG")
    return " OR ".join(f"cat:{code}" for code in codes)


def fetch_newest(
    categories: Iterable[str],
    *,
    days: int,
    client: HttpClient | None = None,
    progress: Callable[[FetchReport], None] | None = None,
    page_size: int = PAGE_SIZE,
) -> FetchReport:
    """The papers submitted to ``categories`` in the last ``days`` days (newest first).

    Pages of ``page_size`` results, sorted by submission date, until a page reaches
    papers older than the window, arXiv's total is reached, or ``MAX_PAGES``.
    """
    query = category_query(categories)
    since = timezone.localdate() - dt.timedelta(days=days)
    report = FetchReport(source=f"arXiv newest ({query}, {days} day(s))", progress=progress)
    client = client or arxiv_client()
    start = 0
    with client:
        for _page in range(MAX_PAGES):
            label = f"arXiv {query} start={start}"
            info = FeedInfo()
            try:
                response = client.get(
                    settings.ARXIV_API_URL,
                    params={
                        "search_query": query,
                        "sortBy": "submittedDate",
                        "sortOrder": "descending",
                        "start": start,
                        "max_results": page_size,
                    },
                )
                records = parse_page(response.content, label=label, report=report, info=info)
            except (FetchError, ImportFailed) as error:
                report.fail(str(error), label)
                report.stopped = f"page at start={start} failed; the rest was not fetched"
                break
            recent = [r for r in records if (r.fields.get("published") or since) >= since]
            if recent:
                write_records(recent, report=report, label=label)
            report.tick()
            start += info.entries
            if (
                len(recent) < len(records)
                or info.entries == 0
                or (info.total is not None and start >= info.total)
            ):
                break
    return report
