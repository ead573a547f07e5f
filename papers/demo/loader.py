"""The demo data set: 39 real papers from one Daily Papers page (see data/README.md).

``load_demo`` writes through the import engine (papers/ingest/writes.py), the
same bulk path as the importers, in a few dozen queries. It is idempotent:
papers are matched on their arXiv id (or title when there is none), and a
second run changes nothing. The demo data is the reference for the fields it
carries (a paper edited by accident gets them back); unknown metadata stays
empty, and topics curators added stay. The listed dates are the site's own (set
when a paper is first loaded): like a real day's page, the newest papers (by
their arXiv date) are listed on ``anchor``, and the others on the weekdays
before it, fewer each day, so the day, week and month tabs all have papers and
no old paper heads today's page.
"""

import datetime as dt
import json
from collections import Counter
from pathlib import Path

from django.db import transaction

from papers.core import arxiv
from papers.core.models import Topic
from papers.core.services import topics_get_or_create
from papers.ingest.writes import AuthorCredit, CodeLinkRecord, PaperRecord, papers_import

from .community import load_community

DATA_DIR = Path(__file__).resolve().parent / "data"
# Papers listed on the anchor day, then on each weekday before it (newest papers first).
DAY_SIZES = (8, 6, 5, 4, 4, 3, 3, 2, 2, 1, 1)


def read_demo_files() -> tuple[list[dict], dict]:
    papers = json.loads((DATA_DIR / "papers.json").read_text(encoding="utf-8"))
    topics = json.loads((DATA_DIR / "topics.json").read_text(encoding="utf-8"))
    return papers, topics


def recent_weekdays(anchor: dt.date, count: int) -> list[dt.date]:
    """``count`` weekdays ending at ``anchor`` (or the weekday before it), newest first."""
    days = []
    day = anchor
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= dt.timedelta(days=1)
    return days


def recency(item: dict) -> dt.date:
    """How recent a demo paper is: its published date, else its arXiv id's month."""
    if item["published"]:
        return dt.date.fromisoformat(item["published"])
    month = arxiv.submission_month(item["arxiv_id"])
    return dt.date(month[0], month[1], 1) if month else dt.date.min


def listed_dates(papers: list[dict], anchor: dt.date) -> list[dt.date]:
    """The day each paper (in the file's order) is listed on: ``DAY_SIZES`` papers per
    weekday going back from ``anchor``, the newest first (then one a day)."""
    newest_first = sorted(range(len(papers)), key=lambda i: (recency(papers[i]), -i), reverse=True)
    sizes = [*DAY_SIZES, *[1] * max(0, len(papers) - sum(DAY_SIZES))]
    days = recent_weekdays(anchor, len(sizes))
    dates = {}
    for day, size in zip(days, sizes, strict=True):
        for index in newest_first[:size]:
            dates[index] = day
        newest_first = newest_first[size:]
    return [dates[index] for index in range(len(papers))]


def demo_records(anchor: dt.date) -> list[PaperRecord]:
    """The demo papers as import records, listed over the weekdays up to ``anchor``."""
    papers, topic_data = read_demo_files()
    assignments = {item["index"]: item["topics"] for item in topic_data["assignments"]}
    records = []
    for index, (item, listed_on) in enumerate(
        zip(papers, listed_dates(papers, anchor), strict=True)
    ):
        records.append(
            PaperRecord(
                arxiv_id=item["arxiv_id"],
                fields={
                    "title": item["title"],
                    "abstract": item["abstract"],
                    "published": (
                        dt.date.fromisoformat(item["published"]) if item["published"] else None
                    ),
                    "project_page": item["project_page"] or "",
                },
                primary_category=item["primary_category"],
                categories=item["categories"],
                authors=[AuthorCredit(name) for name in item["authors"]],
                listed_on=listed_on,
                code_links=[
                    CodeLinkRecord(url=repo["url"], is_official=bool(repo.get("official")))
                    for repo in item["repositories"]
                ],
                topics=assignments.get(index, []),
            )
        )
    return records


@transaction.atomic
def load_demo(*, anchor: dt.date) -> Counter:
    _, topic_data = read_demo_files()
    summary = Counter()
    topics_before = Topic.objects.count()
    topics = topics_get_or_create(
        names=[item["name"] for item in topic_data["topics"]],
        descriptions={item["name"]: item.get("description", "") for item in topic_data["topics"]},
    )
    created_topics = Topic.objects.count() - topics_before
    summary["topics created"] += created_topics
    summary["topics unchanged"] += len(topics) - created_topics
    for outcome, _paper_id in papers_import(
        records=demo_records(anchor), listed_on=anchor, authoritative=True
    ):
        summary[f"papers {outcome}"] += 1
    summary.update(load_community())
    return summary
