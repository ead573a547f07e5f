"""Papers with Code ``links-between-papers-and-code.json`` (plain or gzipped).

A JSON list of ``{"paper_arxiv_id", "repo_url", "is_official", "framework",
"mentioned_in_paper", "mentioned_in_github", ...}``. Links are made for papers
already in the catalogue; the rest are reported as skipped. The real file has
hundreds of thousands of rows: it is streamed and written in batches.
"""

from collections.abc import Iterable, Iterator

from papers.core import arxiv, derived
from papers.core.bulk import IN_LIST_SIZE
from papers.core.models import Paper, Repository, parse_repository_url
from papers.ingest import writes

from .base import BATCH_SIZE, atomic_run
from .report import ImportReport, Skip
from .sources import Source, decompressed, iter_json_array

FILE_SUFFIXES = (".json",)
FRAMEWORK_MAX = Repository._meta.get_field("framework").max_length
NOT_IN_CATALOGUE = "paper not in the catalogue"


def parse_links(stream, *, label: str) -> Iterator[tuple[str, writes.CodeLinkRecord] | Skip]:
    for index, item in enumerate(iter_json_array(stream, label=label), start=1):
        yield _item_link(item, f"{label} item {index}")


def _item_link(item, where: str):
    if not isinstance(item, dict):
        return Skip("item that is not an object", where)
    raw_id = item.get("paper_arxiv_id")
    if not raw_id or not isinstance(raw_id, str):
        return Skip("no arXiv id", where)
    try:
        arxiv_id, _version = arxiv.parse_arxiv_id(raw_id)
    except arxiv.InvalidArxivId:
        return Skip("malformed arXiv id", f"{where} ({raw_id})")
    url = item.get("repo_url")
    try:
        parse_repository_url(url if isinstance(url, str) else "")
    except ValueError:
        return Skip("not a repository URL", f"{where} ({url!r})")
    framework = item.get("framework")
    framework = framework.strip().lower() if isinstance(framework, str) else ""
    if framework == "none" or len(framework) > FRAMEWORK_MAX:
        framework = ""
    return arxiv_id, writes.CodeLinkRecord(
        url=url.strip(),
        is_official=item.get("is_official") is True,
        mentioned_in_paper=item.get("mentioned_in_paper") is True,
        mentioned_in_github=item.get("mentioned_in_github") is True,
        framework=framework,
    )


def import_pwc_links(
    sources: Iterable[Source], *, dry_run: bool = False, batch_size: int = BATCH_SIZE, progress=None
) -> ImportReport:
    """Import link files in one transaction; counts are of links, not papers."""
    report = ImportReport(source="Papers with Code links", dry_run=dry_run, progress=progress)
    with atomic_run(dry_run=dry_run, report=report):
        for source in sources:
            with source.opened() as stream:
                _import_links(
                    parse_links(
                        decompressed(stream, max_bytes=source.max_bytes, label=source.label),
                        label=source.label,
                    ),
                    report,
                    batch_size,
                )
    return report


def _import_links(items, report: ImportReport, batch_size: int) -> None:
    batch: list[tuple[str, writes.CodeLinkRecord]] = []

    def flush():
        ids = sorted({arxiv_id for arxiv_id, _ in batch})
        papers = {}
        for start in range(0, len(ids), IN_LIST_SIZE):
            chunk = ids[start : start + IN_LIST_SIZE]
            papers.update(Paper.objects.filter(arxiv_id__in=chunk).values_list("arxiv_id", "pk"))
        links = []
        for arxiv_id, link in batch:
            if arxiv_id in papers:
                links.append((papers[arxiv_id], link))
            else:
                report.skip(NOT_IN_CATALOGUE, arxiv_id)
        outcomes, changed = writes.code_links_import(links=links)
        for paper_id, outcome in outcomes:
            report.count(outcome, paper_id)
        derived.papers_changed(paper_ids=changed)
        batch.clear()
        report.tick()

    for item in items:
        report.read += 1
        if isinstance(item, Skip):
            report.skip(item.reason, item.where)
            continue
        batch.append(item)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
