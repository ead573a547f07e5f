"""The demo data set: 39 real papers from one Daily Papers page (see README.md here).

``load_demo`` is idempotent: papers are matched on their arXiv id (or title when
there is none), and a second run changes nothing. Unknown metadata stays empty.
The listed dates are the site's own: the papers are spread over the five most
recent weekdays up to ``anchor``, in the order of the page, when first loaded.
"""

import datetime as dt
import json
from collections import Counter
from pathlib import Path

from django.db import transaction

from papers import services
from papers.models import Paper

DEMO_DIR = Path(__file__).resolve().parent
EDITIONS = 5


def read_demo_files() -> tuple[list[dict], dict]:
    papers = json.loads((DEMO_DIR / "papers.json").read_text(encoding="utf-8"))
    topics = json.loads((DEMO_DIR / "topics.json").read_text(encoding="utf-8"))
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


@transaction.atomic
def load_demo(*, anchor: dt.date) -> Counter:
    records, topic_data = read_demo_files()
    summary = Counter()

    topics = {}
    for item in topic_data["topics"]:
        topic, created = services.topic_get_or_create(
            name=item["name"], description=item.get("description", "")
        )
        topics[item["name"]] = topic
        summary["topics created" if created else "topics unchanged"] += 1
    assignments = {item["index"]: item["topics"] for item in topic_data["assignments"]}

    for index, (record, listed_on) in enumerate(
        zip(records, listed_dates(len(records), anchor), strict=True)
    ):
        paper, created, changed = _paper_upsert(record, listed_on)
        changed |= services.paper_set_authors(
            paper=paper, credits=[services.AuthorCredit(name) for name in record["authors"]]
        )
        changed |= services.paper_set_code_links(
            paper=paper,
            links=[(repo["url"], bool(repo.get("official"))) for repo in record["repositories"]],
        )
        wanted_topics = {topics[name].pk for name in assignments.get(index, [])}
        if not set(paper.topics.values_list("pk", flat=True)) >= wanted_topics:
            paper.topics.add(*wanted_topics)
            changed = True
        wanted_categories = [services.category_get_or_create(code=c) for c in record["categories"]]
        if set(paper.categories.values_list("pk", flat=True)) != {c.pk for c in wanted_categories}:
            paper.categories.set(wanted_categories)
            changed = True
        if created:
            summary["papers created"] += 1
        elif changed:
            summary["papers updated"] += 1
        else:
            summary["papers unchanged"] += 1
    return summary


def _paper_upsert(record: dict, listed_on: dt.date) -> tuple[Paper, bool, bool]:
    """The paper for ``record``, created or brought up to date: ``(paper, created, changed)``."""
    fields = {
        "title": record["title"],
        "abstract": record["abstract"],
        "published": dt.date.fromisoformat(record["published"]) if record["published"] else None,
        "project_page": record["project_page"] or "",
        "primary_category": (
            services.category_get_or_create(code=record["primary_category"])
            if record["primary_category"]
            else None
        ),
    }
    if record["arxiv_id"]:
        paper = Paper.objects.filter(arxiv_id=record["arxiv_id"]).first()
    else:
        paper = Paper.objects.filter(arxiv_id__isnull=True, title=record["title"]).first()
    if paper is None:
        paper = Paper.objects.create(arxiv_id=record["arxiv_id"], listed_on=listed_on, **fields)
        return paper, True, True
    changed = [name for name, value in fields.items() if getattr(paper, name) != value]
    for name in changed:
        setattr(paper, name, fields[name])
    if changed:
        paper.save(update_fields=[*changed, "updated_at"])
    return paper, False, bool(changed)
