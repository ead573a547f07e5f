"""The demo data set: 39 real papers from one Daily Papers page (see data/README.md).

``load_demo`` writes through the import engine (papers/ingest/writes.py), the
same bulk path as the importers, in a few dozen queries. It is idempotent:
papers are matched on their arXiv id (or title when there is none), and a
second run changes nothing. The demo data is the reference for the fields it
carries (a paper edited by accident gets them back); unknown metadata stays
empty, and topics curators added stay. The listed dates are the site's own:
the papers are spread over the five most recent weekdays up to ``anchor``, in
the order of the page, when first loaded.
"""

import datetime as dt
import json
from collections import Counter
from pathlib import Path

from django.db import transaction

from papers.core.models import Topic
from papers.core.services import topics_get_or_create
from papers.ingest.writes import AuthorCredit, CodeLinkRecord, PaperRecord, papers_import

from .community import load_community

DATA_DIR = Path(__file__).resolve().parent / "data"
EDITIONS = 5


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


def listed_dates(total: int, anchor: dt.date) -> list[dt.date]:
    days = recent_weekdays(anchor, EDITIONS)
    per_day = -(-total // EDITIONS)
    return [days[index // per_day] for index in range(total)]


def demo_records(anchor: dt.date) -> list[PaperRecord]:
    """The demo papers as import records, listed over the weekdays up to ``anchor``."""
    papers, topic_data = read_demo_files()
    assignments = {item["index"]: item["topics"] for item in topic_data["assignments"]}
    records = []
    for index, (item, listed_on) in enumerate(
        zip(papers, listed_dates(len(papers), anchor), strict=True)
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
