"""Hugging Face Daily Papers: the JSON list that ``/api/daily_papers`` returns.

Each item has a ``paper`` object: ``id`` (an arXiv id), ``title``, ``summary``,
``authors[].name``, ``publishedAt`` (the arXiv v1 time), ``submittedOnDailyAt``
(the day it was listed: our edition date), ``upvotes``, ``githubRepo``,
``githubStars`` and ``projectPage``. Hugging Face's upvotes are stored as
``Paper.hf_upvotes``, a separate figure refreshed by every import, never mixed
into our members' votes. The GitHub repository a paper's page names is linked
as the official code.
"""

import datetime as dt
from collections.abc import Iterable, Iterator

from papers.core import arxiv
from papers.core.models import Paper, parse_repository_url
from papers.ingest import writes

from .arxiv_atom import NAME_MAX, TITLE_MAX
from .base import BATCH_SIZE, atomic_run, import_records
from .report import ImportReport, Skip
from .sources import Source, decompressed, iter_json_array
from .text import normalise_space, utc_date

FILE_SUFFIXES = (".json",)
URL_MAX = Paper._meta.get_field("project_page").max_length


def parse_daily_papers(
    stream, *, label: str, report: ImportReport | None = None
) -> Iterator[writes.PaperRecord | Skip]:
    for index, item in enumerate(iter_json_array(stream, label=label), start=1):
        yield _item_record(item, f"{label} item {index}", report)


def _count(value) -> int | None:
    """A non-negative whole number, or None when missing or unusable."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def _item_record(item, where: str, report: ImportReport | None):
    def warn(message):
        if report is not None:
            report.warn(message)

    paper = item.get("paper") if isinstance(item, dict) else None
    if not isinstance(paper, dict):
        return Skip("item without a paper object", where)
    raw_id = paper.get("id")
    if not raw_id or not isinstance(raw_id, str):
        return Skip("paper without an arXiv id", where)
    where = f"{where} ({raw_id})"
    try:
        arxiv_id, _version = arxiv.parse_arxiv_id(raw_id)
    except arxiv.InvalidArxivId:
        return Skip("malformed arXiv id", where)

    title = normalise_space(paper.get("title") if isinstance(paper.get("title"), str) else "")
    if not title:
        return Skip("paper without a title", where)
    if len(title) > TITLE_MAX:
        return Skip(f"title longer than {TITLE_MAX} characters", where)
    fields = {"title": title}
    if isinstance(paper.get("summary"), str):
        fields["abstract"] = normalise_space(paper["summary"])
    try:
        published = utc_date(paper.get("publishedAt"))
        listed_on = utc_date(paper.get("submittedOnDailyAt"))  # the edition it was listed in
    except ValueError:
        return Skip("malformed date", where)
    if published:
        fields["published"] = published

    authors = paper.get("authors", [])
    if not isinstance(authors, list):
        return Skip("authors is not a list", where)
    credits = []
    for author in authors:
        name = author.get("name") if isinstance(author, dict) else None
        name = normalise_space(name) if isinstance(name, str) else ""
        if not name:
            return Skip("author without a name", where)
        if len(name) > NAME_MAX:
            return Skip(f"author name longer than {NAME_MAX} characters", where)
        credits.append(writes.AuthorCredit(name))

    project_page = paper.get("projectPage")
    if isinstance(project_page, str) and project_page.strip():
        project_page = project_page.strip()
        if project_page.startswith(("https://", "http://")) and len(project_page) <= URL_MAX:
            fields["project_page"] = project_page
        else:
            warn("project page that is not a usable http(s) URL left out")
    upvotes = _count(paper.get("upvotes"))
    if upvotes is None and paper.get("upvotes") is not None:
        warn("upvotes that are not a whole number left out")
    code_links = []
    repository = paper.get("githubRepo")
    if isinstance(repository, str) and repository.strip():
        try:
            parse_repository_url(repository)
        except ValueError:
            warn("GitHub repository that is not a repository URL left out")
        else:
            code_links.append(
                writes.CodeLinkRecord(
                    url=repository.strip(),
                    is_official=True,
                    stars=_count(paper.get("githubStars")),
                )
            )
    return writes.PaperRecord(
        arxiv_id=arxiv_id,
        fields=fields,
        authors=credits,
        listed_on=listed_on,
        live_fields={"hf_upvotes": upvotes},
        code_links=code_links,
    )


def import_hf_daily(
    sources: Iterable[Source],
    *,
    listed_on: dt.date,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
    progress=None,
) -> ImportReport:
    """Import Daily Papers JSON files in one transaction.

    New papers are listed on their ``submittedOnDailyAt`` day (``listed_on``
    when an item has none); papers already in the catalogue keep their date,
    their metadata (only empty fields are filled) and get the latest upvotes.
    """
    report = ImportReport(source="Hugging Face daily papers", dry_run=dry_run, progress=progress)
    with atomic_run(dry_run=dry_run, report=report):
        for source in sources:
            with source.opened() as stream:
                items = parse_daily_papers(
                    decompressed(stream, max_bytes=source.max_bytes, label=source.label),
                    label=source.label,
                    report=report,
                )
                import_records(items, report=report, listed_on=listed_on, batch_size=batch_size)
    return report
