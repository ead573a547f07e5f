"""arXiv API Atom feeds: parsing (streamed), polite fetching, importing.

The feed format: https://info.arxiv.org/help/api/user-manual.html — an Atom
``<feed>`` with OpenSearch paging elements and one ``<entry>`` per paper, with
arXiv's own elements (``arxiv:primary_category``, ``arxiv:comment``,
``arxiv:journal_ref``, ``arxiv:doi``, ``arxiv:affiliation``) in the
``http://arxiv.org/schemas/atom`` namespace. An API error comes back as a feed
whose single entry has an id under ``http://arxiv.org/api/errors``.
"""

import contextlib
import datetime as dt
import io
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings

from papers.core import arxiv
from papers.core.models import Author, Authorship, Paper
from papers.ingest import writes
from papers.ingest.fetchers.http import FetchError, HttpClient, Policy

from .base import BATCH_SIZE, atomic_run, import_records
from .report import ImportFailed, ImportReport, Skip
from .sources import Source, decompressed, file_source
from .text import normalise_space, tex_to_unicode, utc_date

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
ERROR_ID_PREFIXES = ("http://arxiv.org/api/errors", "https://arxiv.org/api/errors")
FILE_SUFFIXES = (".xml", ".atom")

API_HOSTS = {"export.arxiv.org", "arxiv.org"}
PAGE_SIZE = 2000  # arXiv's advice: at most 2000 results per request
REQUEST_DELAY = 3.0  # seconds between requests, as arXiv asks

TITLE_MAX = Paper._meta.get_field("title").max_length
NAME_MAX = Author._meta.get_field("name").max_length
AFFILIATION_MAX = Authorship._meta.get_field("affiliation").max_length
OPTIONAL_MAX = {
    "pdf_url": Paper._meta.get_field("pdf_url").max_length,
    "journal_ref": Paper._meta.get_field("journal_ref").max_length,
    "doi": Paper._meta.get_field("doi").max_length,
}
VERSION_MAX = 32767  # Paper.arxiv_version is a small integer
CATEGORY_MAX = 32


@dataclass
class FeedInfo:
    """The OpenSearch paging figures of a feed, and how many entries it had."""

    total: int | None = None
    start: int | None = None
    per_page: int | None = None
    entries: int = 0


def parse_feed(
    stream, *, label: str, info: FeedInfo | None = None, report: ImportReport | None = None
) -> Iterator[writes.PaperRecord | Skip]:
    """Records (or skips, with their reasons) for the entries of an arXiv Atom feed.

    Streams: each entry is cleared once read. Raises ``ImportFailed`` for a file
    that is not a well-formed Atom feed or that is an arXiv error feed.
    """
    info = info if info is not None else FeedInfo()
    root, depth = None, 0
    try:
        for event, element in ET.iterparse(stream, events=("start", "end")):
            if event == "start":
                depth += 1
                if depth == 1:
                    root = element
                    if element.tag != f"{ATOM}feed":
                        raise ImportFailed(
                            f"{label}: not an Atom feed (the document is <{element.tag}>)"
                        )
                continue
            depth -= 1
            if depth != 1:
                continue
            if element.tag == f"{ATOM}entry":
                info.entries += 1
                yield _entry_record(element, f"{label} entry {info.entries}", report)
                root.clear()
            elif element.tag == f"{OPENSEARCH}totalResults":
                info.total = _int_or_none(element.text)
            elif element.tag == f"{OPENSEARCH}startIndex":
                info.start = _int_or_none(element.text)
            elif element.tag == f"{OPENSEARCH}itemsPerPage":
                info.per_page = _int_or_none(element.text)
    except ET.ParseError as error:
        raise ImportFailed(f"{label}: not well-formed XML: {error}") from error


def _int_or_none(text) -> int | None:
    try:
        return int((text or "").strip())
    except ValueError:
        return None


A_ID, A_TITLE, A_SUMMARY = f"{ATOM}id", f"{ATOM}title", f"{ATOM}summary"
A_AUTHOR, A_NAME, A_LINK, A_CATEGORY = (
    f"{ATOM}author",
    f"{ATOM}name",
    f"{ATOM}link",
    f"{ATOM}category",
)
X_PRIMARY, X_AFFILIATION = f"{ARXIV}primary_category", f"{ARXIV}affiliation"
DATE_TAGS = ((f"{ATOM}published", "published"), (f"{ATOM}updated", "arxiv_updated"))
OPTIONAL_TAGS = (
    (f"{ARXIV}comment", "comment"),
    (f"{ARXIV}journal_ref", "journal_ref"),
    (f"{ARXIV}doi", "doi"),
)


def _entry_record(entry, where: str, report: ImportReport | None):
    """The record for one ``<entry>``, read in one pass over its children."""
    texts, authors, links, terms, primary = {}, [], [], [], ""
    for child in entry:
        tag = child.tag
        if tag == A_AUTHOR:
            authors.append(child)
        elif tag == A_LINK:
            links.append(child)
        elif tag == A_CATEGORY:
            terms.append(child.get("term", ""))
        elif tag == X_PRIMARY:
            primary = child.get("term", "").strip()
        elif tag not in texts:
            texts[tag] = child.text or ""

    def warn(message):
        if report is not None:
            report.warn(message)

    raw_id = normalise_space(texts.get(A_ID))
    if raw_id.startswith(ERROR_ID_PREFIXES):
        message = normalise_space(texts.get(A_SUMMARY)) or raw_id
        raise ImportFailed(f"arXiv answered with an error: {message}")
    if not raw_id:
        return Skip("entry without an <id>", where)
    where = f"{where} ({raw_id})"
    try:
        arxiv_id, version = arxiv.parse_arxiv_id(raw_id)
    except arxiv.InvalidArxivId:
        return Skip("malformed arXiv id", where)
    if version is None:  # the id should carry it; the abstract link does too
        for link in links:
            if link.get("rel") == "alternate":
                with contextlib.suppress(arxiv.InvalidArxivId):
                    version = arxiv.parse_arxiv_id(link.get("href", ""))[1]
    if version is not None and not 0 < version <= VERSION_MAX:
        return Skip("malformed arXiv version", where)

    title = normalise_space(texts.get(A_TITLE))
    if not title:
        return Skip("entry without a title", where)
    if len(title) > TITLE_MAX:
        return Skip(f"title longer than {TITLE_MAX} characters", where)
    fields = {"title": title}
    if A_SUMMARY in texts:
        fields["abstract"] = normalise_space(texts[A_SUMMARY])
    for tag, name in DATE_TAGS:
        text = texts.get(tag, "").strip()
        if text:
            try:
                fields[name] = utc_date(text)
            except ValueError:
                return Skip(f"malformed <{tag.rpartition('}')[2]}> date", where)

    credits = []
    for author in authors:
        name, affiliations = "", []
        for child in author:
            if child.tag == A_NAME:
                name = tex_to_unicode(normalise_space(child.text))
            elif child.tag == X_AFFILIATION and child.text and not child.text.isspace():
                affiliations.append(normalise_space(child.text))
        if not name:
            return Skip("author without a name", where)
        if len(name) > NAME_MAX:
            return Skip(f"author name longer than {NAME_MAX} characters", where)
        affiliation = "; ".join(affiliations)
        if len(affiliation) > AFFILIATION_MAX:
            warn(f"affiliation longer than {AFFILIATION_MAX} characters left out")
            affiliation = ""
        credits.append(writes.AuthorCredit(name, affiliation))

    # Category terms also carry ACM and MSC classes ("I.2.7", "68T05"): only
    # arXiv subject codes are kept.
    primary = primary if _is_category(primary) else None
    categories = [primary] if primary else []
    for term in terms:
        term = term.strip()
        if term not in categories and _is_category(term):
            categories.append(term)

    for link in links:
        if link.get("title") == "pdf" or link.get("type") == "application/pdf":
            href = (link.get("href") or "").strip()
            if href.startswith(("https://", "http://")) and len(href) <= OPTIONAL_MAX["pdf_url"]:
                fields["pdf_url"] = href
            elif href:
                warn("PDF link that is not a usable http(s) URL left out")
            break
    for tag, name in OPTIONAL_TAGS:
        text = normalise_space(texts.get(tag))
        if text and len(text) > OPTIONAL_MAX.get(name, len(text)):
            warn(f"{name} longer than {OPTIONAL_MAX[name]} characters left out")
        elif text:
            fields[name] = text

    return writes.PaperRecord(
        arxiv_id=arxiv_id,
        version=version,
        fields=fields,
        authors=credits,
        primary_category=primary,
        categories=categories,
    )


def _is_category(term: str) -> bool:
    return bool(term) and len(term) <= CATEGORY_MAX and bool(arxiv.CATEGORY_RE.match(term))


# Fetching ------------------------------------------------------------------


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def http_get(url: str) -> bytes:
    """One page, through the fetchers' HTTP policy (time-outs, retries, size limit,
    User-Agent); the politeness delay is ArxivFetcher's."""
    policy = Policy.from_settings(max_bytes=max(settings.HTTP_MAX_RESPONSE_BYTES, 200 << 20))
    with HttpClient(policy=policy) as client:
        return client.get(url).content


@dataclass
class ArxivFetcher:
    """Pages of an arXiv API query, fetched politely.

    One request every ``delay`` seconds, at most ``page_size`` results each,
    stopping at ``opensearch:totalResults`` (or at the query's own
    ``max_results``). ``get`` and ``sleep`` are injectable for tests (by
    default ``http_get`` and ``time.sleep``).
    """

    get: Callable[[str], bytes] | None = None
    sleep: Callable[[float], None] | None = None
    page_size: int = PAGE_SIZE
    delay: float = REQUEST_DELAY
    empty_page_retries: int = 2

    def pages(self, url: str, *, notes: list[str]) -> Iterator[bytes]:
        parts = urlsplit(url)
        configured = urlsplit(settings.ARXIV_API_URL)
        if (parts.hostname, parts.path.rstrip("/")) != (
            configured.hostname,
            configured.path.rstrip("/"),
        ) and (parts.hostname not in API_HOSTS or parts.path.rstrip("/") != "/api/query"):
            raise ImportFailed(
                f"{url}: not an arXiv API query URL (export.arxiv.org/api/query?...)"
            )
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        try:
            start = int(params.get("start") or 0)
            limit = int(params["max_results"]) if params.get("max_results") else None
        except ValueError as error:
            raise ImportFailed(f"{url}: start and max_results must be numbers") from error
        get, sleep = self.get or http_get, self.sleep or time.sleep
        fetched, requests, empty = 0, 0, 0
        while True:
            size = self.page_size if limit is None else min(self.page_size, limit - fetched)
            if size <= 0:
                return
            if requests:
                sleep(self.delay)
            query = urlencode({**params, "start": start + fetched, "max_results": size})
            page_url = urlunsplit(parts._replace(query=query))
            try:
                body = get(page_url)
            except (FetchError, OSError) as error:
                raise ImportFailed(f"{page_url}: {error}") from error
            requests += 1
            info = FeedInfo()
            for _ in parse_feed(io.BytesIO(body), label=page_url, info=info):
                pass  # checks the page (error feeds, broken XML) before it is kept
            yield body
            if info.total is None:
                return
            if info.entries == 0:
                if start + fetched < info.total and empty < self.empty_page_retries:
                    empty += 1
                    notes.append(f"empty page at start={start + fetched}; asked again")
                    continue
                if start + fetched < info.total:
                    notes.append(
                        f"arXiv returned no entries at start={start + fetched} of "
                        f"{info.total}; stopped there"
                    )
                return
            empty = 0
            fetched += info.entries
            if start + fetched >= info.total:
                return


def fetched_sources(url: str, *, directory: Path, fetcher: ArxivFetcher, notes) -> list[Source]:
    """Fetch every page of ``url`` into ``directory`` (before any database work)."""
    sources = []
    for number, body in enumerate(fetcher.pages(url, notes=notes), start=1):
        with tempfile.NamedTemporaryFile(dir=directory, suffix=".xml", delete=False) as page:
            page.write(body)
        sources.append(file_source(Path(page.name), label=f"{url} (page {number})"))
    notes.append(f"fetched {len(sources)} page(s) from {url}")
    return sources


def spool_directory() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="arxiv-pages-")


# Importing -----------------------------------------------------------------


def import_arxiv(
    sources: Iterable[Source],
    *,
    listed_on: dt.date,
    listed_on_published: bool = False,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
    progress=None,
    report: ImportReport | None = None,
) -> ImportReport:
    """Import arXiv Atom feeds, all in one transaction (nothing is written on failure).

    New papers are listed on ``listed_on`` (or on their arXiv v1 date with
    ``listed_on_published``); papers already in the catalogue keep their date.
    """
    report = report or ImportReport(source="arXiv")
    report.dry_run, report.progress = dry_run, progress
    report.started = time.monotonic()  # the rate counts the import, not the fetching
    with atomic_run(dry_run=dry_run, report=report):
        for source in sources:
            with source.opened() as stream:
                items = parse_feed(
                    decompressed(stream, max_bytes=source.max_bytes, label=source.label),
                    label=source.label,
                    report=report,
                )
                if listed_on_published:
                    items = (_listed_on_published(item) for item in items)
                import_records(items, report=report, listed_on=listed_on, batch_size=batch_size)
    return report


def _listed_on_published(item):
    if isinstance(item, writes.PaperRecord):
        item.listed_on = item.fields.get("published")
    return item
